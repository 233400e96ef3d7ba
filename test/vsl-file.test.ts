// FileVSL: keys stay inside the folder whatever they hold, writes are atomic and ordered,
// transactions commit through a journal that the next open redoes, the folder lock keeps a
// second owner out, and the reference runtime passes the VSL area on it. (Crash behaviour under
// SIGKILL: vsl-crash.test.ts.)

import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { referenceAdapterOn } from '../src/adapters/reference.js';
import { L3Runtime } from '../src/runtime/index.js';
import { FileVSL, fileNameOf } from '../src/runtime/vsl/file.js';
import { vslFromUrl } from '../src/runtime/vsl/from-url.js';
import { buildContext, buildPlan, chainSpecs } from './helpers/mplp-builders.js';
import { notPassed, runVslArea } from './helpers/vsl-area.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'vsl');
const folders: string[] = [];
const opened: FileVSL[] = [];

async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'vsl-file-test-'));
  folders.push(folder);
  return folder;
}

async function open(folder: string): Promise<FileVSL> {
  const vsl = await FileVSL.open(folder);
  opened.push(vsl);
  return vsl;
}

afterEach(async () => {
  for (const vsl of opened.splice(0)) await vsl.close();
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

describe('FileVSL keys', () => {
  const HOSTILE = ['../escape', '../../etc/passwd', '/etc/passwd', 'a\0b', '\0', '.', '..', '', 'A', 'a', 'plans/p1/steps/s1', '%2F', '~', '@ns', 'x'.repeat(5000), 'y'.repeat(300), '✓ — ü', '.lock', '.journal-1', '.tmp-1'];

  it('maps every key to one plain name inside the folder, distinct for distinct keys', () => {
    const names = HOSTILE.map(fileNameOf);
    expect(new Set(names).size).toBe(HOSTILE.length);
    for (const name of names) {
      expect(name).not.toMatch(/[/\\\0]/);
      expect(['', '.', '..']).not.toContain(name);
      expect(name.startsWith('.') || name.startsWith('@')).toBe(false);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    }
  });

  it('stores and reads back hostile keys without touching anything outside the folder', async () => {
    const parent = await tempFolder();
    const folder = join(parent, 'store');
    const vsl = await open(folder);
    for (const [i, key] of HOSTILE.entries()) await vsl.set(key, { i, key });
    for (const [i, key] of HOSTILE.entries()) expect(await vsl.get(key)).toEqual({ i, key });
    expect(await readdir(parent)).toEqual(['store']);
    const inside = (await readdir(folder)).filter((n) => n !== '.lock');
    expect(inside).toHaveLength(HOSTILE.length);
  });

  it('refuses a key holding a lone surrogate, naming the backend and folder', async () => {
    const folder = await tempFolder();
    const vsl = await open(folder);
    await expect(vsl.set('bad\uD800', 1)).rejects.toThrow(`file VSL at ${folder}: key "bad\\ud800" holds a lone UTF-16 surrogate`);
  });
});

describe('FileVSL values and writes', () => {
  it('keeps JSON values, deletes on undefined, and refuses what JSON cannot hold', async () => {
    const folder = await tempFolder();
    const vsl = await open(folder);
    const value = { s: 'ü\0"', n: -1.5, b: false, z: null, list: [[], {}], skip: undefined };
    await vsl.set('k', value);
    expect(await vsl.get('k')).toEqual({ s: 'ü\0"', n: -1.5, b: false, z: null, list: [[], {}] });
    await vsl.set('k', undefined);
    expect(await vsl.get('k')).toBeUndefined();
    await expect(vsl.set('k', { deep: [1, Number.NaN] })).rejects.toThrow(`file VSL at ${folder}: cannot store key "k": the value is not JSON: $.deep[1] is NaN`);
    await expect(vsl.set('k', { when: new Date(0) })).rejects.toThrow('$.when is a Date, not a plain object');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    await expect(vsl.set('k', cyclic)).rejects.toThrow('$.self refers back to an enclosing object');
  });

  it('returns copies: changing what get returned changes nothing stored', async () => {
    const vsl = await open(await tempFolder());
    await vsl.set('k', { list: [1] });
    ((await vsl.get('k')) as { list: number[] }).list.push(2);
    expect(await vsl.get('k')).toEqual({ list: [1] });
  });

  it('applies concurrent sets of one key in call order and leaves no temp files', async () => {
    const folder = await tempFolder();
    const vsl = await open(folder);
    await Promise.all(Array.from({ length: 50 }, (_, i) => vsl.set('hot', { i })));
    expect(await vsl.get('hot')).toEqual({ i: 49 });
    await Promise.all(Array.from({ length: 200 }, (_, i) => vsl.set(`k${i}`, i)));
    const names = await readdir(folder);
    expect(names.filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    expect(names.filter((n) => !n.startsWith('.'))).toHaveLength(201);
    const file = JSON.parse(await readFile(join(folder, fileNameOf('hot')), 'utf8'));
    expect(file).toEqual({ key: 'hot', value: { i: 49 } });
  });
});

describe('FileVSL transactions', () => {
  it('commits every write together, reads its own writes, and removes its journal', async () => {
    const folder = await tempFolder();
    const vsl = await open(folder);
    await vsl.set('b', 'before');
    const result = await vsl.transaction(async (tx) => {
      await tx.set('a', { n: 1 });
      await tx.set('b', 'after');
      expect(await tx.get('b')).toBe('after');
      expect(await vsl.get('b')).toBe('before');
      return 'done';
    });
    expect(result).toBe('done');
    expect([await vsl.get('a'), await vsl.get('b')]).toEqual([{ n: 1 }, 'after']);
    expect((await readdir(folder)).filter((n) => n.startsWith('.journal-'))).toEqual([]);
  });

  it('writes nothing when the callback throws, and rejects with that error', async () => {
    const vsl = await open(await tempFolder());
    await vsl.set('b', 'before');
    const boom = new Error('boom');
    await expect(
      vsl.transaction(async (tx) => {
        await tx.set('a', 1);
        await tx.set('b', 'during');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect([await vsl.get('a'), await vsl.get('b')]).toEqual([undefined, 'before']);
  });

  it('redoes a journal left by a crash past the commit point, and drops unfinished temp files', async () => {
    const folder = await tempFolder();
    await cp(join(FIXTURES, 'interrupted-commit'), folder, { recursive: true });
    const vsl = await open(folder);
    expect(await vsl.get('plans/p1')).toEqual({ plan_id: 'p1', status: 'approved' });
    expect(await vsl.get('plans/p2')).toBeUndefined();
    expect(await vsl.get('confirms/c1')).toEqual({ confirm_id: 'c1', status: 'approved' });
    expect(await vsl.get('contexts/x1')).toEqual({ context_id: 'x1', status: 'active' });
    expect((await readdir(folder)).filter((n) => n.startsWith('.') && n !== '.lock')).toEqual([]);
  });
});

describe('FileVSL folder', () => {
  it('lets one owner at a time have the folder, and takes over a lock whose process died', async () => {
    const folder = await tempFolder();
    const first = await open(folder);
    await expect(FileVSL.open(folder)).rejects.toThrow(`file VSL at ${folder}: the folder is already open in this process`);
    await first.close();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    await writeFile(join(folder, '.lock'), String(dead));
    const second = await open(folder);
    await second.set('k', 1);
    expect(await second.get('k')).toBe(1);
  });

  it('rejects use after close, naming the backend', async () => {
    const vsl = await FileVSL.open(await tempFolder());
    await vsl.close();
    await expect(vsl.get('k')).rejects.toThrow(/^file VSL at .*: the VSL is closed$/);
  });

  it('keeps namespaces apart, and destroy removes one with what is inside it', async () => {
    const folder = await tempFolder();
    const root = await open(folder);
    const [a, b] = [await root.namespace('a'), await root.namespace('b')];
    const inner = await a.namespace('inner');
    await Promise.all([root.set('k', 'root'), a.set('k', 'a'), b.set('k', 'b'), inner.set('k', 'inner')]);
    expect([await root.get('k'), await a.get('k'), await b.get('k'), await inner.get('k')]).toEqual(['root', 'a', 'b', 'inner']);
    await inner.close();
    await a.destroy();
    const again = await root.namespace('a');
    expect(await again.get('k')).toBeUndefined();
    expect(await (await again.namespace('inner')).get('k')).toBeUndefined();
    expect(await b.get('k')).toBe('b');
    await Promise.all([again.destroy(), b.close()]);
  });

  it('is what vslFromUrl opens for file: URLs', async () => {
    const folder = await tempFolder();
    for (const url of [`file:${folder}`, `file://${folder}`]) {
      const vsl = await vslFromUrl(url);
      expect([vsl.backend, vsl.address]).toEqual(['file', folder]);
      await vsl.close();
    }
  });
});

describe('the reference runtime on FileVSL', () => {
  it('persists a run and reads it back after a restart', async () => {
    const folder = await tempFolder();
    const first = new L3Runtime({ vsl: await FileVSL.open(folder) });
    const context = buildContext('file-vsl');
    const plan = buildPlan('file-vsl', context, chainSpecs(3), 'approved');
    await first.load({ contexts: [context], plans: [plan] });
    const outcome = await first.run(plan.plan_id, { profile: 'sa' });
    expect(outcome.plan_status).toBe('completed');
    await (first.vsl as FileVSL).close();
    const reopened = await open(folder);
    expect(await reopened.get(`plans/${plan.plan_id}`)).toMatchObject({ plan_id: plan.plan_id, status: 'completed' });
  });

  it('passes the VSL area and the persisting flows, and leaves the folder empty after dispose', async () => {
    const folder = await tempFolder();
    const adapter = await referenceAdapterOn(`file:${folder}`);
    try {
      const records = await runVslArea(adapter);
      expect(notPassed(records)).toEqual([]);
    } finally {
      await adapter.dispose?.();
    }
    expect(await readdir(folder)).toEqual([]);
  });
});
