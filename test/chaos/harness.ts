// Runs one chaos case (test/chaos/corpus.ts) through the real kit, in-process or over stdio,
// and reports what the kit concluded and how long it took to get there. Used by
// test/chaos-corpus.test.ts and, in a child process that must exit on its own, by
// test/chaos/run-in-child.ts.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { AdapterLoadError, describeThrown, loadAdapter } from '../../src/adapter/load.js';
import { runExitCode } from '../../src/cli/exit-codes.js';
import { DEFAULT_CATALOGUE, loadCatalogue, type Catalogue } from '../../src/kit/catalogue.js';
import type { Check } from '../../src/kit/check.js';
import { runConformance } from '../../src/kit/conformance.js';
import type { Report } from '../../src/kit/report/build.js';
import { reportSchemaProblems } from '../../src/kit/report/write.js';
import { DEFAULT_RUN_OPTIONS, type CheckRecord, type RunOptions, type RunTarget } from '../../src/kit/runner.js';
import onceAndOnlyOnce from '../../suites/orchestration/ael-once-per-step.check.js';
import readAfterWrite from '../../suites/psg/read-after-write.check.js';
import { chaosAdapter } from './adapter.js';
import { CHAOS_CHECK_TIMEOUT_MS, CHAOS_CHECKS, CHAOS_OPERATION_TIMEOUT_MS, chaosCase, type Transport } from './corpus.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHAOS_RUNTIME = 'test/chaos/runtime.ts';
const CHECKS: readonly Check[] = [onceAndOnlyOnce, readAfterWrite];
export const CHAOS_SEED = 11;

/** The --adapter spec of a case's stdio runtime (relative to the repository root). */
export function stdioSpec(name: string, pidFile?: string): string {
  return `exec:node --import tsx ${CHAOS_RUNTIME} ${name}${pidFile ? ` ${pidFile}` : ''}`;
}

/** What the kit concluded about one case (plain JSON: a child process prints it). */
export interface ChaosRun {
  name: string;
  transport: Transport;
  /** `run`: the checks ran; `refused`: the adapter failed while starting (CLI exit 3). */
  kind: 'run' | 'refused';
  /** Every selected check's record (kind `run`). */
  records: CheckRecord[];
  /** The checks report.json lists, and its problems against schemas/report.schema.json. */
  reportChecks: string[];
  reportProblems: string[];
  /** The CLI's exit code for this report (kind `run`). */
  exitCode?: number;
  /** The load error's message (kind `refused`). */
  refusal?: string;
  refusalStage?: string;
  /** Start (adapter loading included) to verdict, in seconds. */
  seconds: number;
  /** Transport notes and runtime stderr lines the kit logged. */
  log: string[];
}

let catalogue: Promise<Catalogue> | undefined;

export function runOptions(name: string, transport: Transport): RunOptions {
  const chaos = chaosCase(name);
  return {
    ...DEFAULT_RUN_OPTIONS,
    only: [...CHAOS_CHECKS],
    seed: CHAOS_SEED,
    operationTimeoutMs: chaos.operationTimeoutMs ?? CHAOS_OPERATION_TIMEOUT_MS,
    checkTimeoutMs: chaos.checkTimeoutMs ?? CHAOS_CHECK_TIMEOUT_MS[transport],
  };
}

/** Runs the case's adapter through runConformance; the adapter is always disposed. */
export async function runChaos(name: string, transport: Transport, options: { pidFile?: string } = {}): Promise<ChaosRun> {
  const started = performance.now();
  const log: string[] = [];
  const seconds = () => Math.round((performance.now() - started) / 10) / 100;
  const base = { name, transport, log };
  const run = runOptions(name, transport);
  let target: RunTarget;
  try {
    target = await loadTarget(name, transport, run.operationTimeoutMs, options.pidFile, log);
  } catch (e) {
    if (!(e instanceof AdapterLoadError)) throw e;
    return { ...base, kind: 'refused', records: [], reportChecks: [], reportProblems: [], refusal: e.message, refusalStage: e.stage, seconds: seconds() };
  }
  try {
    catalogue ??= loadCatalogue(DEFAULT_CATALOGUE);
    const { run: result, report } = await runConformance({ target, checks: CHECKS, catalogue: await catalogue, options: run });
    const elapsed = seconds();
    // As written to report.json.
    const json = JSON.parse(JSON.stringify(report)) as Report;
    return {
      ...base,
      kind: 'run',
      records: result.records,
      reportChecks: json.checks.map((c) => c.id),
      reportProblems: reportSchemaProblems(json),
      exitCode: runExitCode(json),
      seconds: elapsed,
    };
  } finally {
    // Awaited in full (the CLI bounds it and exits): the test then asserts no runtime process is left.
    await Promise.resolve()
      .then(() => target.adapter.dispose?.())
      .catch((e: unknown) => void log.push(`dispose: ${describeThrown(e)}`));
  }
}

async function loadTarget(name: string, transport: Transport, timeoutMs: number, pidFile: string | undefined, log: string[]): Promise<RunTarget> {
  if (transport === 'in-process') {
    const adapter = chaosAdapter(name);
    return { adapter, description: await adapter.describe(), spec: `./test/chaos/adapter.ts (MPLP_CHAOS=${name})` };
  }
  const spec = stdioSpec(name, pidFile);
  const loaded = await loadAdapter(spec, { cwd: ROOT, timeoutMs, log: (line) => void log.push(line) });
  return { adapter: loaded.adapter, description: loaded.description, spec };
}

/** A case run by test/chaos/run-in-child.ts, and how that process ended. */
export interface ChildChaosRun {
  run: (ChaosRun & { rejections: string[] }) | undefined;
  exitCode: number | undefined;
  /** Killed at `boundMs`: the process did not end by itself. */
  timedOut: boolean;
  stderr: string;
}

/** Runs a case in a child process that must end by itself within `boundMs`. */
export async function runInChild(name: string, transport: Transport, boundMs: number, pidFile?: string): Promise<ChildChaosRun> {
  const args = ['--import', 'tsx', 'test/chaos/run-in-child.ts', name, transport, ...(pidFile ? [pidFile] : [])];
  const r = await execa('node', args, { cwd: ROOT, reject: false, timeout: boundMs });
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  let run: ChildChaosRun['run'];
  try {
    run = JSON.parse(last) as ChildChaosRun['run'];
  } catch {
    run = undefined;
  }
  return { run, exitCode: r.exitCode, timedOut: r.timedOut, stderr: r.stderr };
}

/** Pids a chaos runtime recorded in its pid file (one per process started). */
export function recordedPids(pidFile: string): number[] {
  let text = '';
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l.trim() !== '').map(Number);
}

/** Those of `pids` whose process still runs (a zombie waiting for its parent to reap it has ended). */
export function alive(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    try {
      // Linux: the state letter follows the command name in parentheses.
      return !/\)\s+Z\s/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true;
    }
  });
}
