// Issue 11, interrupted runs: Ctrl-C (SIGINT) or SIGTERM during `run` stops scheduling, cuts off
// the checks in flight (closing their sessions), stops the stdio runtime and writes the report
// so far, marked incomplete, then exits 130 / 143; a second signal exits at once. The kit API
// does the same through RunOptions.signal.

import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { Adapter, Session } from '../src/adapter/contract.js';
import { parseCatalogue } from '../src/kit/catalogue.js';
import type { Check } from '../src/kit/check.js';
import { runConformance, verdictHash } from '../src/kit/index.js';
import { renderBadge } from '../src/kit/report/badge.js';
import { renderHtml } from '../src/kit/report/html/page.js';
import { renderJunit } from '../src/kit/report/junit.js';
import { renderSummary } from '../src/kit/report/summary.js';
import { reportSchemaProblems } from '../src/kit/report/write.js';
import { DEFAULT_RUN_OPTIONS, type RunTarget } from '../src/kit/runner.js';
import { hangingSession } from './fixtures/adapters/hangs.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'mplp-conformance.js');
const KIT = join(ROOT, 'test', 'fixtures', 'interrupt');
// The mini kit: four slow suite checks; its suites folder holds no .yaml, so it doubles as an empty flows folder.
const KIT_FLAGS = ['--catalogue', join(KIT, 'catalogue.yaml'), '--suites', join(KIT, 'suites'), '--flows', join(KIT, 'suites'), '--seed', '3'];
const SLOW_RUNTIME = 'exec:node --import tsx test/fixtures/interrupt/slow-runtime.ts';

const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `mplp-interrupt-${prefix}-`));
  scratch.push(dir);
  return dir;
}

/** Resolves once the child's stderr contains `text` (rejects if it exits first). */
function stderrSays(child: ResultPromise, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        child.stderr!.off('data', onData);
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    void child.then((r) => reject(new Error(`the run exited (${r.exitCode}) before saying "${text}":\n${r.stderr}`)));
  });
}

/** True while the process runs; a zombie (exited, not yet reaped by its new parent) is not alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}

describe.concurrent('an interrupted run (the real bin, a stdio runtime that answers slowly)', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: ends the checks in flight, stops the runtime, writes the incomplete report and exits %i', async (signal, code) => {
    const dir = await tempDir(signal);
    const pidFile = join(dir, 'runtime.pid');
    const reportDir = join(dir, 'reports');
    const child = execa('node', [BIN, 'run', ...KIT_FLAGS, '--adapter', SLOW_RUNTIME, '--report-dir', reportDir], {
      cwd: ROOT,
      reject: false,
      timeout: 60_000,
      env: { SLOW_RUNTIME_MS: '400', SLOW_RUNTIME_PID_FILE: pidFile },
    });
    // "opened 2": the first check is over and the second has its session (and is slowly reading it).
    await stderrSays(child, 'slow-runtime: opened 2');
    child.kill(signal);
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(code);
    expect(r.stderr).toContain(`${signal}: interrupting the run`);
    expect(r.stdout).toContain(`INCOMPLETE — interrupted by ${signal}; verdict not valid`);
    expect(r.stdout).not.toMatch(/: CONFORMANT/);

    // The runtime process was stopped by dispose(), not left behind.
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);

    const [runId] = (await readdir(reportDir)).filter((d) => d !== 'latest');
    const runDir = join(reportDir, runId!);
    const report = JSON.parse(await readFile(join(runDir, 'report.json'), 'utf8')) as {
      incomplete: { signal: string; checks_not_run: number; at: string } | null;
      checks: { id: string; outcome: string; message: string; sessions: number }[];
      levels: { verdict: string }[];
      verdict_hash: string;
    };
    expect(reportSchemaProblems(report)).toEqual([]);
    expect(report.incomplete).toMatchObject({ signal });
    expect(report.checks.map((c) => c.id)).toEqual(['slow.1', 'slow.2', 'slow.3', 'slow.4']);
    expect(report.checks[0]).toMatchObject({ outcome: 'pass' });
    const notRun = report.checks.filter((c) => c.outcome === 'blocked');
    expect(notRun.length).toBeGreaterThanOrEqual(2);
    expect(report.incomplete!.checks_not_run).toBe(notRun.length);
    for (const c of notRun) expect(c.message).toMatch(new RegExp(`^not run: the run was interrupted \\(${signal}\\)`));
    // slow.2 was running when the signal came: cut off, its session closed (the runtime said "closed 2").
    expect(report.checks[1]!.message).toContain('cut off');
    expect(r.stderr).toContain('slow-runtime: closed 2');
    expect(report.levels.map((l) => l.verdict)).not.toContain('conformant');

    for (const file of ['junit.xml', 'summary.md', 'index.html']) {
      expect(await readFile(join(runDir, file), 'utf8'), file).toContain(`INCOMPLETE — interrupted by ${signal}; verdict not valid`);
    }
    expect(JSON.parse(await readFile(join(runDir, 'badge.json'), 'utf8'))).toMatchObject({ message: `incomplete run (${signal})`, color: 'lightgrey' });
  });

  it('a second Ctrl-C exits 130 at once, even while a session close() never answers, and still kills the runtime', async () => {
    const dir = await tempDir('twice');
    const pidFile = join(dir, 'runtime.pid');
    const reportDir = join(dir, 'reports');
    const child = execa('node', [BIN, 'run', ...KIT_FLAGS, '--adapter', SLOW_RUNTIME, '--timeout', '60000', '--report-dir', reportDir], {
      cwd: ROOT,
      reject: false,
      timeout: 60_000,
      env: { SLOW_RUNTIME_MS: '400', SLOW_RUNTIME_PID_FILE: pidFile, SLOW_RUNTIME_CLOSE_HANGS: '1' },
    });
    await stderrSays(child, 'slow-runtime: opened 1');
    const interrupted = stderrSays(child, 'SIGINT: interrupting the run');
    child.kill('SIGINT');
    await interrupted;
    // slow.1 is cut off and its session is being closed: close() never answers (60 s limit).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = Date.now();
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(130);
    expect(Date.now() - second).toBeLessThan(5_000);
    expect(r.stderr).toContain('SIGINT again: exiting at once (exit 130)');
    expect(existsSync(reportDir)).toBe(false);
    // The runtime process is killed on exit (execa's cleanup), not left running.
    const pid = Number(await readFile(pidFile, 'utf8'));
    for (let i = 0; i < 20 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(pid)).toBe(false);
  });
});

describe('cancelling through the kit API (RunOptions.signal)', () => {
  const catalogue = parseCatalogue(
    'inline.yaml',
    `version: 1
requirements:
  - { id: L3-PSG-001, level: MUST, area: psg, source: t, rule: r, needs: [], core: true }
  - { id: L3-PSG-002, level: MUST, area: psg, source: t, rule: r, needs: [], core: true }
  - { id: L3-PSG-003, level: SHOULD, area: psg, source: t, rule: r, needs: [], core: true }
`,
  );
  const description = { name: 'api', version: '1', capabilities: { profiles: ['sa' as const], pauseResume: true, approval: true, moduleRegistry: false, drift: false, rollback: false, vsl: true } };

  /** Sessions whose graph() hangs (until the check is cut off) and whose close is counted. */
  function target(): { target: RunTarget; closed: () => number } {
    let closed = 0;
    const adapter: Adapter = {
      describe: () => description,
      createSession: async () => ({ ...hangingSession(), close: async () => void (closed += 1) }) satisfies Session,
    };
    return { target: { adapter, description }, closed: () => closed };
  }

  const passes = (id: string, requirements: string[]): Check => ({ id, title: id, requirements, run: async () => ({ outcome: 'pass', message: 'ok' }) });

  it('cuts off the check in flight, closes its session, never starts the rest and never says conformant', async () => {
    const { target: t, closed } = target();
    const controller = new AbortController();
    const hangs: Check = {
      id: 'b.hangs',
      title: 'hangs',
      requirements: ['L3-PSG-002'],
      async run(ctx) {
        const { session } = await ctx.newSession();
        setTimeout(() => controller.abort('SIGINT'), 20);
        await session.graph();
        return { outcome: 'pass', message: 'unreachable' };
      },
    };
    const checks = [passes('a.first', ['L3-PSG-001']), hangs, passes('c.after', ['L3-PSG-001']), { ...passes('d.needs-it', ['L3-PSG-003']), after: ['b.hangs'] }];
    const options = { ...DEFAULT_RUN_OPTIONS, operationTimeoutMs: 30_000, signal: controller.signal };
    const started = Date.now();
    const { run, report } = await runConformance({ target: t, checks, catalogue, options });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run.records.map((r) => [r.id, r.outcome])).toEqual([
      ['a.first', 'pass'],
      ['b.hangs', 'blocked'],
      ['c.after', 'blocked'],
      ['d.needs-it', 'blocked'],
    ]);
    expect(run.records[1]!.message).toBe('not run: the run was interrupted (SIGINT) while this check was running; it was cut off');
    expect(run.records[2]!.message).toBe('not run: the run was interrupted (SIGINT)');
    expect(run.records[3]!.message).toBe('not run: the run was interrupted (SIGINT)');
    expect(closed()).toBe(1);
    expect(run.interrupted).toMatchObject({ signal: 'SIGINT', notRun: ['b.hangs', 'c.after', 'd.needs-it'] });

    expect(reportSchemaProblems(JSON.parse(JSON.stringify(report)))).toEqual([]);
    expect(report.incomplete).toMatchObject({ signal: 'SIGINT', checks_not_run: 3 });
    expect(report.levels.map((l) => l.verdict)).toEqual(['inconclusive', 'inconclusive']);
    expect(report.verdict.inconclusive).toContainEqual({ requirement: 'L3-PSG-002', reason: 'not fully graded: the run was interrupted (SIGINT) before its checks finished' });
    expect(renderSummary(report)).toContain('INCOMPLETE — interrupted by SIGINT; verdict not valid (3 check(s) not run)');
    expect(renderJunit(report)).toContain('<property name="incomplete" value="INCOMPLETE — interrupted by SIGINT; verdict not valid (3 check(s) not run)"/>');
    expect(renderHtml(report)).toContain('<p class="incomplete"><strong>INCOMPLETE — interrupted by SIGINT; verdict not valid');
    expect(renderBadge(report)).toEqual({ schemaVersion: 1, label: 'MPLP L3', message: 'incomplete run (SIGINT)', color: 'lightgrey' });
  });

  it('never says conformant, even when only a SHOULD check was cut off; an aborted signal runs nothing; the hash is marked', async () => {
    const { target: t } = target();
    const checks = [passes('a.first', ['L3-PSG-001']), passes('b.second', ['L3-PSG-002'])];
    const complete = await runConformance({ target: t, checks, catalogue, options: DEFAULT_RUN_OPTIONS });
    expect(complete.report.verdict.verdict).toBe('conformant');
    expect(complete.report.incomplete).toBeNull();

    // Interrupted after both checks passed (only the SHOULD check was left): still not conformant.
    const controller = new AbortController();
    const last: Check = { id: 'c.should', title: 'c', requirements: ['L3-PSG-003'], run: async () => (controller.abort(new Error('shutdown requested')), new Promise(() => undefined)) };
    const cut = await runConformance({ target: t, checks: [...checks, last], catalogue, options: { ...DEFAULT_RUN_OPTIONS, signal: controller.signal } });
    expect(cut.run.records.map((r) => r.outcome)).toEqual(['pass', 'pass', 'blocked']);
    expect(cut.report.incomplete).toMatchObject({ signal: 'shutdown requested', checks_not_run: 1 });
    expect(cut.report.levels.map((l) => l.verdict)).toEqual(['inconclusive', 'inconclusive']);

    const aborted = new AbortController();
    aborted.abort();
    const none = await runConformance({ target: t, checks, catalogue, options: { ...DEFAULT_RUN_OPTIONS, signal: aborted.signal } });
    expect(none.run.records.map((r) => r.outcome)).toEqual(['blocked', 'blocked']);
    expect(none.report.incomplete).toMatchObject({ signal: 'abort', checks_not_run: 2 });
    // The hash marks the run incomplete: the same outcomes and verdicts hash differently from a complete run's.
    expect(cut.report.verdict_hash).not.toBe(verdictHash(cut.report.checks, cut.report.requirements));
    expect(cut.report.verdict_hash).toBe(verdictHash(cut.report.checks, cut.report.requirements, true));
  });
});
