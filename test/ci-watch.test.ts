// Issue 10, `run --watch`: the real bin watches a temp adapter file (its report folder sits
// next to it and must not retrigger runs). Editing the adapter re-runs: a planted fault shows
// as newly failing checks, an import error as a one-line problem, and the fix re-runs the
// failing checks first and then the whole selection. Ctrl-C (SIGINT) exits 0 and stops cleanly.

import { spawn, type ChildProcess } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, KIT, ROOT, tempDir } from './fixtures/ci/harness.js';

const GOOD = `export { referenceAdapter as default } from '${join(ROOT, 'src/adapters/reference.ts')}';\n`;
const FAULTY = `import { mutantAdapter } from '${join(ROOT, 'test/mutants/faults.ts')}';\nexport default mutantAdapter('failure-does-not-block-dependents');\n`;
const BROKEN = 'export default {{ not typescript\n';

let child: ChildProcess | undefined;
const cleanup: string[] = [];
afterAll(async () => {
  child?.kill('SIGKILL');
  await Promise.all(cleanup.map((d) => rm(d, { recursive: true, force: true })));
});

/** Resolves with stderr once `pattern` matches the part written after `from` characters. */
function waitFor(stderr: () => string, from: number, pattern: RegExp, what: string, ms = 40_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const text = stderr().slice(from);
      const m = pattern.exec(text);
      if (m) {
        clearInterval(poll);
        resolve(m[0]);
      } else if (Date.now() - started > ms) {
        clearInterval(poll);
        reject(new Error(`watch never printed ${what} (${pattern}); stderr so far:\n${stderr()}`));
      }
    }, 50);
  });
}

describe('run --watch', () => {
  it('re-runs on adapter edits with a one-line status per run and exits 0 on Ctrl-C', async () => {
    const dir = await tempDir('watch');
    cleanup.push(dir);
    const adapter = join(dir, 'adapter.ts');
    await writeFile(adapter, GOOD);
    child = spawn(process.execPath, [BIN, 'run', '--watch', '--adapter', adapter, ...KIT, '--seed', '7', '--report-dir', join(dir, 'reports')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    const err = () => stderr;

    const first = await waitFor(err, 0, /\[\d\d:\d\d:\d\d\] the whole selection: [^\n]*\n/, 'the first status line');
    expect(first).toMatch(/the whole selection: 3 pass · full conformant · exit 5 · .*index\.html · watching /);

    let mark = stderr.length;
    await writeFile(adapter, FAULTY);
    const broke = await waitFor(err, mark, /\] the whole selection: [^\n]*\n/, 'the status after planting a fault');
    expect(broke).toContain('1 pass, 2 fail · full non-conformant · newly failing: flow.ci-failure-blocks-dependents, flow.ci-map-failure-drains · exit 1');

    mark = stderr.length;
    await writeFile(adapter, BROKEN);
    const problem = await waitFor(err, mark, /\] exit 4: [^\n]*\n/, 'the import problem');
    expect(problem).toContain('adapter.ts');

    mark = stderr.length;
    await writeFile(adapter, GOOD);
    await waitFor(err, mark, /re-running 2 check\(s\) that did not pass/, 'the focused re-run');
    await waitFor(err, mark, /all 2 now pass; running the whole selection/, 'the switch to the whole selection');
    const fixed = await waitFor(err, mark, /\] the whole selection: [^\n]*\n/, 'the status after the fix');
    expect(fixed).toContain('3 pass · full conformant · fixed 2 · exit 5');

    // The report folder is inside the watched folder: writing reports must not retrigger runs.
    mark = stderr.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(stderr.slice(mark)).toBe('');

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/watch: stopped\n$/);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('needs an adapter file', async () => {
    const { runCli } = await import('./fixtures/ci/harness.js');
    const r = await runCli(['run', '--watch', ...KIT]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('--watch needs --adapter <file>');
  });
});
