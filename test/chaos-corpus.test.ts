// Issue #11, "the kit never hangs, never crashes, never lies": every misbehaviour of the chaos
// corpus (test/chaos/corpus.ts), in-process and over stdio, run through the real kit and two of
// its real checks. Each run must complete with a record for every selected check, a report
// that matches its schema, the outcome the corpus expects (error naming the operation for
// adapter faults, fail for rule violations, pass where the kit is immune) and the matching CLI
// exit code, no unhandled rejection and no runtime process left alive. Heavy cases (a huge
// answer to parse) run in a child process that must end by itself. Process-level tests run the
// CLI (it must exit 3 on its own) and runConformance in a child without process.exit (it must
// end by itself: nothing leaked). Prints one table of time-to-verdict per case at the end
// (transport* = run in a child process).

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { reportSchemaProblems } from '../src/kit/report/write.js';
import { CHAOS, CHAOS_CHECKS, CHAOS_OPERATION_TIMEOUT_MS, chaosCase, type ChaosCase, type Transport } from './chaos/corpus.js';
import { alive, CHAOS_SEED, recordedPids, ROOT, runChaos, runInChild, stdioSpec, type ChaosRun } from './chaos/harness.js';

const scratch = mkdtempSync(join(tmpdir(), 'mplp-chaos-'));
/** One line of the time-to-verdict table: a corpus case on one transport, or a whole-process run. */
const rows: Array<{ name: string; transport: string; outcomes: string; seconds: number; wholeProcess?: true }> = [];
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => void rejections.push(reason);
process.on('unhandledRejection', onRejection);

afterAll(() => {
  process.off('unhandledRejection', onRejection);
  rmSync(scratch, { recursive: true, force: true });
  const order = (r: (typeof rows)[number]) => CHAOS.findIndex((c) => c.name === r.name);
  const sorted = [...rows].sort((a, b) => order(a) - order(b) || a.transport.localeCompare(b.transport));
  const width = Math.max(...sorted.map((r) => r.name.length), 4);
  const line = (cells: string[]) => `${cells[0]!.padEnd(width)}  ${cells[1]!.padEnd(18)}  ${cells[2]!.padEnd(20)}  ${cells[3]!.padStart(6)}`;
  const cases = sorted.filter((r) => !r.wholeProcess);
  const longest = (list: typeof rows) => list.reduce((m, r) => (r.seconds > m.seconds ? r : m), { name: '-', transport: '', outcomes: '', seconds: 0 });
  const slowest = longest(cases);
  console.log(
    [
      `chaos corpus: ${cases.length} cases (${CHAOS.length} behaviours × their transports) + ${sorted.length - cases.length} whole-process runs; ` +
        `longest time to verdict ${slowest.seconds.toFixed(2)} s (${slowest.name}, ${slowest.transport}; * = in a child process)`,
      line(['case', 'transport', 'outcome(s)', 's']),
      ...sorted.map((r) => line([r.name, r.transport, r.outcomes, r.seconds.toFixed(2)])),
    ].join('\n'),
  );
});

const outcomesOf = (run: ChaosRun) => (run.kind === 'refused' ? `refused (${run.refusalStage})` : run.records.map((r) => r.outcome).join(', '));

/** What the kit must have concluded about one case. */
function expectConclusion(chaos: ChaosCase, run: ChaosRun): void {
  const context = JSON.stringify({ refusal: run.refusal, records: run.records.map((r) => ({ id: r.id, outcome: r.outcome, message: r.message })), log: run.log.slice(-5) }, null, 2);
  if (chaos.startup) {
    // A runtime that cannot start is refused before any check: the CLI exits 3 (stage runtime).
    expect(run.kind, context).toBe('refused');
    expect(run.refusalStage, context).toBe('runtime');
    expect(run.refusal, context).toMatch(chaos.expect.message);
    return;
  }
  expect(run.kind, context).toBe('run');
  // Complete: one record per selected check, and a report that matches its schema.
  expect(run.records.map((r) => r.id).sort(), context).toEqual([...CHAOS_CHECKS].sort());
  expect(run.reportChecks.sort(), context).toEqual([...CHAOS_CHECKS].sort());
  expect(run.reportProblems, context).toEqual([]);
  for (const id of chaos.expect.checks ?? CHAOS_CHECKS) {
    const record = run.records.find((r) => r.id === id)!;
    expect(record.outcome, `${id}: ${context}`).toBe(chaos.expect.outcome);
    expect(record.message, `${id}: ${context}`).toMatch(chaos.expect.message);
  }
  // Adapter faults are never graded as rules: the CLI exits 3; rule violations exit 1.
  if (chaos.expect.outcome === 'error') expect(run.exitCode, context).toBe(3);
  if (chaos.expect.outcome === 'fail') expect(run.exitCode, context).toBe(1);
}

const bin = join(ROOT, 'bin', 'mplp-conformance.js');
/** Generous: a run of two checks against a misbehaving adapter takes seconds (tens, for a heavy case on a loaded machine). */
const EXIT_BOUND_MS = 90_000;
/** Vitest's limit for the tests that start whole processes. */
const PROCESS_TEST_MS = 120_000;

/** A case in a child process (run-in-child.ts) that must end by itself, without process.exit. */
async function childCase(name: string, transport: Transport, pidFile: string | undefined): Promise<ChaosRun> {
  const child = await runInChild(name, transport, EXIT_BOUND_MS, pidFile);
  expect(child.timedOut, `the child did not end within ${EXIT_BOUND_MS} ms: something the kit started keeps its event loop alive\n${child.stderr}`).toBe(false);
  expect(child.exitCode, child.stderr).toBe(0);
  expect(child.run, child.stderr).toBeDefined();
  expect(child.run!.rejections).toEqual([]);
  return child.run!;
}

const cases = CHAOS.flatMap((chaos) =>
  chaos.transports.map((transport) => ({ label: `${chaos.name} (${transport}): ${chaos.does}`, chaos, transport, heavy: chaos.heavyOn?.includes(transport) ?? false })),
);

function emptyFolder(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The CLI with the two real checks (loaded from test/chaos/suites, so startup stays short). */
async function cliRun(adapterSpec: string, name: string, timeoutMs: number, env: Record<string, string> = {}) {
  const reportDir = emptyFolder(`reports-${name}`);
  const args = [
    bin, 'run',
    '--adapter', adapterSpec,
    '--suites', join(ROOT, 'test', 'chaos', 'suites'),
    '--flows', emptyFolder(`flows-${name}`),
    '--only', CHAOS_CHECKS.join(','),
    '--timeout', String(timeoutMs),
    '--check-timeout', '15000',
    '--seed', String(CHAOS_SEED),
    '--report-dir', reportDir,
    '--format', 'quiet',
  ];
  const started = performance.now();
  const r = await execa('node', args, { cwd: ROOT, reject: false, timeout: EXIT_BOUND_MS, env });
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  const runs = readdirSync(reportDir).filter((d) => d !== 'latest');
  const report = runs.length === 1 ? (JSON.parse(readFileSync(join(reportDir, runs[0]!, 'report.json'), 'utf8')) as { checks: Array<{ id: string; outcome: string; message: string }> }) : undefined;
  return { r, seconds, report, runs };
}

/** Runs one corpus case and checks what the kit concluded; heavy cases run in a child process. */
async function corpusCase({ chaos, transport, heavy }: (typeof cases)[number]): Promise<void> {
  const pidFile = transport === 'stdio' ? join(scratch, `${chaos.name}.pids`) : undefined;
  const run = heavy ? await childCase(chaos.name, transport, pidFile) : await runChaos(chaos.name, transport, pidFile ? { pidFile } : {});
  rows.push({ name: chaos.name, transport: heavy ? `${transport}*` : transport, outcomes: outcomesOf(run), seconds: run.seconds });
  expectConclusion(chaos, run);
  if (pidFile) {
    // Every runtime process the kit started (restarts included) is gone once the adapter is disposed.
    const pids = recordedPids(pidFile);
    expect(pids.length).toBeGreaterThan(0);
    expect(alive(pids), `runtime processes still running; log:\n${run.log.join('\n')}`).toEqual([]);
  }
}

// The slowest tests are declared first so they start first: concurrent tests start in order.
describe.concurrent('the chaos corpus through the real kit', () => {
  it.each(cases.filter((c) => c.heavy))('$label', corpusCase, PROCESS_TEST_MS);

  // ---------------------------------------------------------------- whole processes

  it('the CLI with an in-process adapter whose load() never settles exits 3 by itself, with a valid report', async () => {
    const name = 'load-never-settles';
    // Its own process: the small timeout of a real CI run.
    const { r, seconds, report, runs } = await cliRun('./test/chaos/adapter.ts', name, 300, { MPLP_CHAOS: name });
    rows.push({ name, transport: 'in-process (CLI)', outcomes: `exit ${r.exitCode}`, seconds, wholeProcess: true });
    expect(r.timedOut, r.stderr).toBe(false);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(runs).toHaveLength(1);
    expect(reportSchemaProblems(report)).toEqual([]);
    expect(report!.checks.map((c) => c.id).sort()).toEqual([...CHAOS_CHECKS].sort());
    for (const c of report!.checks) {
      expect(c.outcome).toBe('error');
      expect(c.message).toMatch(chaosCase(name).expect.message);
    }
    expect(r.stderr).not.toMatch(/unhandled rejection|internal error/);
  }, PROCESS_TEST_MS);

  it('the CLI with a stdio runtime that exits mid-run exits 3 by itself, with a valid report and no runtime process left', async () => {
    const name = 'exits-mid-run';
    const pidFile = join(scratch, `cli-${name}.pids`);
    const { r, seconds, report } = await cliRun(stdioSpec(name, pidFile), name, CHAOS_OPERATION_TIMEOUT_MS);
    rows.push({ name, transport: 'stdio (CLI)', outcomes: `exit ${r.exitCode}`, seconds, wholeProcess: true });
    expect(r.timedOut, r.stderr).toBe(false);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(reportSchemaProblems(report)).toEqual([]);
    expect(report!.checks.map((c) => c.outcome)).toEqual(['error', 'error']);
    for (const c of report!.checks) expect(c.message).toMatch(chaosCase(name).expect.message);
    // One process per session that died (each check's), all gone.
    const pids = recordedPids(pidFile);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    expect(alive(pids)).toEqual([]);
    expect(r.stderr).not.toMatch(/unhandled rejection|internal error/);
  }, PROCESS_TEST_MS);

  it.each([
    ['load-never-settles', 'in-process'],
    ['close-never-settles', 'stdio'],
  ] as const)('runConformance in a child without process.exit (%s, %s): the child ends by itself', async (name, transport) => {
    const pidFile = transport === 'stdio' ? join(scratch, `child-${name}.pids`) : undefined;
    const run = await childCase(name, transport, pidFile);
    rows.push({ name, transport: `${transport} (child)`, outcomes: outcomesOf(run), seconds: run.seconds, wholeProcess: true });
    expectConclusion(chaosCase(name), run);
    if (pidFile) expect(alive(recordedPids(pidFile))).toEqual([]);
  }, PROCESS_TEST_MS);

  it.each(cases.filter((c) => !c.heavy))('$label', corpusCase);
});

describe('nothing escaped', () => {
  it('no unhandled rejection reached the test process', () => {
    expect(rejections).toEqual([]);
  });
});
