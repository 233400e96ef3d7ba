import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AdapterLoadError, describeThrown, loadAdapter } from '../src/adapter/load.js';

const fixtures = fileURLToPath(new URL('./fixtures/adapters/', import.meta.url));

async function loadError(spec: string): Promise<AdapterLoadError> {
  const error = await loadAdapter(spec, { cwd: fixtures }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterLoadError);
  return error as AdapterLoadError;
}

describe('loadAdapter', () => {
  it('loads a .ts adapter without a build step and validates its description', async () => {
    const loaded = await loadAdapter('./claims-nothing.ts', { cwd: fixtures });
    expect(loaded.description.name).toBe('claims-nothing fixture');
    expect(loaded.description.capabilities.profiles).toEqual([]);
    expect(typeof loaded.adapter.createSession).toBe('function');
  });

  it('loads the embedded reference adapter by path', async () => {
    const loaded = await loadAdapter(fileURLToPath(new URL('../src/adapters/reference.ts', import.meta.url)));
    expect(loaded.description.capabilities.profiles).toContain('sa');
  });

  it('accepts a named `adapter` factory in a .js module', async () => {
    const loaded = await loadAdapter('./factory.js', { cwd: fixtures });
    expect(loaded.description).toMatchObject({ name: 'factory fixture', version: '2.0.0' });
  });

  it('names the missing file', async () => {
    const e = await loadError('./missing-adapter.ts');
    expect(e.message).toContain('file not found');
    expect(e.message).toContain('missing-adapter.ts');
    expect(e.stage).toBe('config');
  });

  it("shows an import failure's message, not its stack", async () => {
    const e = await loadError('./import-throws.ts');
    expect(e.message).toContain('cannot reach the runtime at localhost:9999');
    expect(e.message).not.toMatch(/\n\s+at /);
    expect(e.stage).toBe('config');
  });

  it('names the exports it found when none is usable', async () => {
    const e = await loadError('./no-export.ts');
    expect(e.message).toContain('nothing usable is exported');
    expect(e.message).toContain('version (string)');
    expect(e.message).toContain('runtime (object)');
  });

  it('lists every problem of a malformed description', async () => {
    const e = await loadError('./bad-describe.ts');
    for (const part of ['"name"', '"version"', '"xa"', 'capabilities.pauseResume', 'capabilities.teleport']) expect(e.message).toContain(part);
  });

  it('reports a throwing describe() as a runtime failure', async () => {
    const e = await loadError('./describe-throws.ts');
    expect(e.message).toContain('runtime license expired');
    expect(e.stage).toBe('runtime');
  });

  it('names the command of an exec: spec that cannot start, and a missing manifest', async () => {
    expect((await loadError('exec:./my-runtime --stdio')).message).toContain('cannot start');
    expect((await loadError('./mplp-adapter.json')).message).toContain('file not found');
  });

  it('refuses an adapter manifest above 64 KiB, naming the file, before parsing it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'big-manifest-'));
    try {
      const file = join(dir, 'mplp-adapter.json');
      await writeFile(file, JSON.stringify({ command: 'python3', args: ['x'.repeat(70 * 1024)] }));
      const e = await loadError(file);
      expect(e.message).toContain(file);
      expect(e.message).toContain('too large for an adapter manifest');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names an unknown package', async () => {
    const e = await loadError('no-such-mplp-adapter-package');
    expect(e.message).toContain('no file or installed package named "no-such-mplp-adapter-package"');
  });
});

describe('describeThrown', () => {
  it.each([
    [new TypeError('bad'), 'TypeError: bad'],
    ['boom', 'threw the string "boom"'],
    [null, 'threw null'],
    [undefined, 'threw undefined'],
    [{ code: 1 }, 'threw a non-Error value {"code":1}'],
  ])('renders %j as one readable line', (value, text) => {
    expect(describeThrown(value)).toBe(text);
  });
});
