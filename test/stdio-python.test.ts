// Issue 8: the Python example runtime (examples/python-runtime, standard library only) passes
// the whole kit at level core over the stdio protocol, loaded through its mplp-adapter.json,
// and its README gives vendors the exact command this test proves.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapter, type LoadedAdapter } from '../src/adapter/load.js';
import { loadCatalogue } from '../src/kit/catalogue.js';
import { runConformance } from '../src/kit/conformance.js';
import { discoverChecks } from '../src/kit/discover.js';
import type { Report } from '../src/kit/report/build.js';
import { DEFAULT_RUN_OPTIONS } from '../src/kit/runner.js';
import { childProcesses } from './fixtures/stdio/children.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'python-runtime');
const MANIFEST = 'examples/python-runtime/mplp-adapter.json';
const EXEC = 'exec:python3 examples/python-runtime/main.py';

let loaded: LoadedAdapter;
let report: Report;

beforeAll(async () => {
  const catalogue = await loadCatalogue();
  const { checks } = await discoverChecks();
  loaded = await loadAdapter(MANIFEST, { cwd: ROOT });
  const options = { ...DEFAULT_RUN_OPTIONS, level: 'core' as const, seed: 20261124 };
  ({ report } = await runConformance({ target: { adapter: loaded.adapter, description: loaded.description, spec: MANIFEST }, checks, catalogue, options }));
}, 180_000);

afterAll(async () => {
  await loaded?.adapter.dispose?.();
});

describe('the Python example runtime', () => {
  it('claims what it implements', () => {
    expect(loaded.description.capabilities).toEqual({ profiles: ['sa', 'map'], pauseResume: true, approval: true, moduleRegistry: true, drift: false, rollback: false, vsl: true });
  });

  it('is conformant at level core, with no check ending in error', () => {
    // Checks of capabilities it does not claim (drift, rollback) are skipped, which is allowed.
    const unclaimed = (c: { outcome: string; message: string }) => c.outcome === 'skipped' && /which the adapter does not claim/.test(c.message);
    const notPassed = report.checks.filter((c) => c.outcome !== 'pass' && !unclaimed(c)).map((c) => `${c.id}: ${c.outcome}: ${c.message.slice(0, 400)}`);
    expect(notPassed).toEqual([]);
    expect(report.levels.find((l) => l.level === 'core')?.verdict).toBe('conformant');
    expect(report.checks.length).toBeGreaterThan(30);
  });

  it('imports nothing but the Python standard library and its own package', async () => {
    const files = readdirSync(EXAMPLE, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.py'));
    const script = [
      'import ast, sys',
      'bad = []',
      'for f in sys.argv[1:]:',
      '    for n in ast.walk(ast.parse(open(f).read())):',
      '        names = [a.name for a in n.names] if isinstance(n, ast.Import) else [n.module] if isinstance(n, ast.ImportFrom) and n.level == 0 else []',
      '        bad += [f"{f}: {m}" for m in names if m.split(".")[0] not in sys.stdlib_module_names and m.split(".")[0] != "mplp_l3"]',
      'print("\\n".join(bad))',
    ].join('\n');
    const r = await execa('python3', ['-c', script, ...files], { cwd: EXAMPLE });
    expect(files.length).toBeGreaterThan(5);
    expect(r.stdout).toBe('');
  });

  it("starts from the README's exec: command as well as from the manifest", async () => {
    const readme = readFileSync(join(EXAMPLE, 'README.md'), 'utf8');
    expect(readme).toContain(`npx mplp-conformance run --adapter "${EXEC}" --level core`);
    expect(readme).toContain(`npx mplp-conformance run --adapter ${MANIFEST} --level core`);
    const viaExec = await loadAdapter(EXEC, { cwd: ROOT });
    try {
      expect(viaExec.description).toEqual(loaded.description);
    } finally {
      await viaExec.adapter.dispose?.();
    }
  });

  it('leaves no process behind once disposed', async () => {
    await loaded.adapter.dispose?.();
    expect(await childProcesses('main.py')).toEqual([]);
  });
});
