// Runs checks against one adapter and returns one record per check. Every check ends with
// exactly one outcome: skipped (a need is not claimed), blocked (a prerequisite did not pass,
// --bail stopped the run, or the run was interrupted), error (the adapter or the check
// misbehaved), or the check's own pass/fail. A run always completes, whatever the adapter
// does; aborting `options.signal` ends it early: no new check starts, the checks in flight are
// cut off (their scopes end, closing every session) and the result says it is incomplete.

import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Adapter, AdapterDescription } from '../adapter/contract.js';
import { describeThrown } from '../adapter/load.js';
import type { Catalogue } from './catalogue.js';
import type { Check, CheckResult, Outcome } from './check.js';
import { capTraces, type CheckTrace } from './call-trace.js';
import { openCheckScope } from './check-context.js';
import { checkResultShape, jsonSafe, MAX_EVIDENCE_EVENTS } from './check-result.js';
import { unclaimed } from './needs.js';
import { BASE_OPERATION_TIMEOUT_MS } from './flows/deadline.js';
import { replayCommands } from './replay.js';
import { orderChecks, Slots } from './schedule.js';
import { selectChecks, type ConformanceLevel, type Selection } from './select.js';
import type { ShardSpec } from './shard.js';

export interface RunOptions {
  level: ConformanceLevel;
  /** Areas, requirement ids/prefixes or check ids/prefixes; empty runs everything at the level. */
  only: string[];
  /** The same filter forms, left out of the run (--exclude; src/kit/select.ts). */
  exclude?: string[];
  /** Run one shard of the selection (--shard i/n; src/kit/shard.ts). */
  shard?: ShardSpec;
  /** Flags a replay command needs to find its check again (--flows, --upstream, …). */
  replayFlags?: string[] | null;
  seed: number;
  /** Limit for one adapter operation (session method, createSession). */
  operationTimeoutMs: number;
  /** Limit for one whole check. */
  checkTimeoutMs: number;
  /** Checks run in parallel. */
  concurrency: number;
  /** Stop starting checks after the first fail or error. */
  bail: boolean;
  /** MAP parallelism limit given to sessions (env.maxConcurrency). */
  maxConcurrency: number;
  /** Generated cases per property check (`--cases`); absent: each property's default. */
  propertyCases?: number;
  /** Where property checks write counterexamples; absent: a temp folder per seed. */
  counterexampleDir?: string;
  /** The report's run id, chosen before the run so files written during it can use it. */
  runId?: string;
  /** When the whole run began (epoch ms; the CLI passes its process start): the report's wall
   *  time then covers loading and start-up too, not only the checks. */
  wallStartedAt?: number;
  /** --trace: keep every adapter call (and stdio line) of each check in its record. */
  trace?: boolean;
  /** Aborting it interrupts the run (Ctrl-C): no new check starts, the checks in flight are cut
   *  off, and every check that did not finish ends `blocked` ("not run: the run was
   *  interrupted"). The abort reason names the interruption in the report: a string such as
   *  "SIGINT", or an Error whose message is used. */
  signal?: AbortSignal;
}

export const DEFAULT_RUN_OPTIONS: RunOptions = {
  level: 'full',
  only: [],
  seed: 0,
  operationTimeoutMs: BASE_OPERATION_TIMEOUT_MS,
  checkTimeoutMs: 60_000,
  concurrency: 1,
  bail: false,
  maxConcurrency: 4,
};

export interface RunTarget {
  adapter: Adapter;
  description: AdapterDescription;
  /** The --adapter value, for replay commands; absent for the embedded reference. */
  spec?: string;
  /** The embedded reference's VSL URL (password redacted), for replay commands. */
  vsl?: string;
}

export interface CheckRecord {
  id: string;
  title: string;
  requirements: string[];
  /** Area of its first requirement: how reports group checks. */
  area: string;
  file?: string;
  kind: 'suite' | 'flow';
  outcome: Outcome;
  message: string;
  expected?: unknown;
  seen?: unknown;
  events?: unknown[];
  evidence?: Record<string, unknown>;
  counterexample?: string;
  /** Commands that rerun this check alone (present for every non-pass). */
  replay?: string[];
  /** Outcome per requirement where it differs from the check's (see CheckResult.byRequirement). */
  by_requirement?: Record<string, Outcome>;
  /** A blocked check: the requirement whose broken rule held it up (see the report's root causes). */
  blocked_by?: { requirement: string };
  /** --trace: the check's adapter calls and stdio lines, bounded. */
  trace?: CheckTrace;
  sessions: number;
  duration_ms: number;
}

export interface RunProgress {
  onCheckStart?(check: Check): void;
  onCheckEnd?(record: CheckRecord): void;
}

/** Present when the run was interrupted through `RunOptions.signal`. */
export interface RunInterruption {
  /** What interrupted it: "SIGINT", "SIGTERM", or the abort reason. */
  signal: string;
  /** When the interruption was seen (ISO 8601). */
  at: string;
  /** Checks that never started or were cut off; each ended `blocked`. */
  notRun: string[];
}

export interface RunResult {
  selection: Selection;
  records: CheckRecord[];
  /** The check whose fail/error stopped the run under --bail. */
  bailedAfter?: string;
  /** The run was interrupted: the records are incomplete and no verdict is valid. */
  interrupted?: RunInterruption;
  started_at: string;
  finished_at: string;
  duration_ms: number;
}

export async function runChecks(
  target: RunTarget,
  checks: readonly Check[],
  catalogue: Catalogue,
  options: RunOptions,
  progress: RunProgress = {},
): Promise<RunResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const selection = selectChecks(checks, catalogue, options);
  const { ordered, cyclic } = orderChecks(selection.checks);
  const slots = new Slots(options.concurrency);
  const selectedById = new Map(selection.checks.map((c) => [c.id, c]));
  const settled = new Map<string, Promise<CheckRecord>>();
  let bailedAfter: string | undefined;
  // One listener on the caller's signal; every check in flight listens to this one instead.
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  let interruption: { signal: string; at: string } | undefined;
  const interrupt = () => {
    if (interruption !== undefined) return;
    interruption = { signal: interruptionName(options.signal?.reason), at: new Date().toISOString() };
    stop.abort();
  };
  if (options.signal?.aborted) interrupt();
  else options.signal?.addEventListener('abort', interrupt, { once: true });
  const notRun = new Set<string>();
  const notRunResult = (check: Check, cutOff: boolean): CheckResult => {
    notRun.add(check.id);
    const why = `the run was interrupted (${interruption?.signal ?? 'abort'})`;
    return { outcome: 'blocked', message: cutOff ? `not run: ${why} while this check was running; it was cut off` : `not run: ${why}` };
  };

  const finish = (check: Check, result: CheckResult, sessions: number, ms: number, trace?: CheckTrace): CheckRecord => {
    const record = toRecord(check, result, sessions, ms, target, options, catalogue);
    if (trace) record.trace = trace;
    if (options.bail && bailedAfter === undefined && (record.outcome === 'fail' || record.outcome === 'error')) bailedAfter = check.id;
    progress.onCheckEnd?.(record);
    return record;
  };

  const schedule = (check: Check): Promise<CheckRecord> => {
    const known = settled.get(check.id);
    if (known) return known;
    const task = (async (): Promise<CheckRecord> => {
      const missing = unclaimed(check.needs, target.description.capabilities);
      if (missing.length > 0) {
        return finish(check, { outcome: 'skipped', message: `needs ${missing.join(', ')}, which the adapter does not claim` }, 0, 0);
      }
      const cycle = cyclic.get(check.id);
      if (cycle !== undefined) return finish(check, { outcome: 'blocked', message: `its prerequisites form a cycle: ${cycle}` }, 0, 0);
      const prerequisites = await Promise.all(
        (check.after ?? []).map(async (id) => {
          const pre = selectedById.get(id);
          return pre ? { id, outcome: (await schedule(pre)).outcome } : { id, outcome: undefined };
        }),
      );
      if (interruption !== undefined && prerequisites.some((p) => notRun.has(p.id))) return finish(check, notRunResult(check, false), 0, 0);
      const unmet = prerequisites.find((p) => p.outcome !== 'pass');
      if (unmet) {
        const why = unmet.outcome === undefined ? 'is not a known check' : `ended ${unmet.outcome}`;
        return finish(check, { outcome: 'blocked', message: `prerequisite ${unmet.id} ${why}` }, 0, 0);
      }
      const release = await slots.acquire();
      try {
        if (interruption !== undefined) return finish(check, notRunResult(check, false), 0, 0);
        if (bailedAfter !== undefined) {
          return finish(check, { outcome: 'blocked', message: `not run: --bail stopped the run after ${bailedAfter} did not pass` }, 0, 0);
        }
        progress.onCheckStart?.(check);
        const began = performance.now();
        const { result, sessions, cutOff, trace } = await runOne(check, target, options, stop.signal);
        const record = finish(check, cutOff ? notRunResult(check, true) : result, sessions, performance.now() - began, trace);
        return record;
      } finally {
        release();
      }
    })();
    settled.set(check.id, task);
    return task;
  };

  for (const check of [...ordered, ...selection.checks.filter((c) => cyclic.has(c.id))]) schedule(check);
  const byId = new Map<string, CheckRecord>();
  for (const [id, task] of settled) byId.set(id, await task);
  options.signal?.removeEventListener('abort', interrupt);
  const records = selection.checks.map((c) => byId.get(c.id)!);
  if (options.trace) capTraces(records);
  const result: RunResult = {
    selection,
    records,
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    duration_ms: Math.round(performance.now() - t0),
  };
  if (bailedAfter !== undefined) result.bailedAfter = bailedAfter;
  if (interruption !== undefined) result.interrupted = { ...interruption, notRun: selection.checks.filter((c) => notRun.has(c.id)).map((c) => c.id) };
  return result;
}

/** The name an abort reason gives the interruption: "SIGINT", an Error's message, or "abort". */
export function interruptionName(reason: unknown): string {
  if (typeof reason === 'string' && reason.trim() !== '') return reason;
  if (reason instanceof Error && reason.name !== 'AbortError' && reason.message !== '') return reason.message;
  return 'abort';
}

class CheckTimeout extends Error {}
class CheckCutOff extends Error {}

/** One check in its own scope; the scope is always ended, closing every session. When `stop`
 *  fires first the check is cut off: its scope ends at once (pending operations are abandoned). */
async function runOne(check: Check, target: RunTarget, options: RunOptions, stop: AbortSignal): Promise<{ result: CheckResult; sessions: number; cutOff: boolean; trace?: CheckTrace }> {
  const scope = openCheckScope({
    adapter: target.adapter,
    description: target.description,
    seed: options.seed,
    maxConcurrency: options.maxConcurrency,
    operationTimeoutMs: options.operationTimeoutMs,
    ...(options.propertyCases === undefined ? {} : { propertyCases: options.propertyCases }),
    ...(options.counterexampleDir === undefined ? {} : { counterexampleDir: options.counterexampleDir }),
    ...(options.trace ? { trace: true } : {}),
    ...(options.shard === undefined ? {} : { caseShard: { index: options.shard.index - 1, count: options.shard.count } }),
  });
  let returned: unknown;
  let thrown: { value: unknown } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let onStop: (() => void) | undefined;
  try {
    const running = Promise.resolve().then(() => check.run(scope.context));
    running.catch(() => undefined);
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckTimeout()), options.checkTimeoutMs);
    });
    const cut = new Promise<never>((_, reject) => {
      onStop = () => reject(new CheckCutOff());
      if (stop.aborted) onStop();
      else stop.addEventListener('abort', onStop, { once: true });
    });
    cut.catch(() => undefined);
    returned = await Promise.race([running, deadline, cut]);
  } catch (e) {
    thrown = { value: e };
  } finally {
    clearTimeout(timer);
    if (onStop) stop.removeEventListener('abort', onStop);
  }
  const checkFaults = [...scope.faults];
  const closeFaults = await scope.end();
  const faults = [...checkFaults, ...closeFaults];
  const sessions = scope.sessionsOpened();
  const traced = scope.trace();
  const trace = traced ? { trace: traced } : {};
  if (thrown?.value instanceof CheckCutOff) return { ...trace, sessions, cutOff: true, result: { outcome: 'blocked', message: 'cut off' } };

  // A sharded property check names the case its fault came at, which merging shards needs.
  const faultEvidence = { adapter_faults: faults.map((f) => f.message), ...caseShardOf(returned) };
  if (thrown?.value instanceof CheckTimeout) {
    const hint = checkFaults.length > 0 ? `; first adapter fault: ${checkFaults[0]!.message}` : '';
    return { ...trace, sessions, cutOff: false, result: { outcome: 'error', message: `the check did not finish within ${options.checkTimeoutMs} ms (check timeout)${hint}`, evidence: faultEvidence } };
  }
  if (faults.length > 0) {
    const more = faults.length > 1 ? ` (and ${faults.length - 1} more adapter fault(s))` : '';
    return { ...trace, sessions, cutOff: false, result: { outcome: 'error', message: `adapter fault: ${faults[0]!.message}${more}`, evidence: faultEvidence } };
  }
  if (thrown) return { ...trace, sessions, cutOff: false, result: { outcome: 'error', message: `the check itself failed to run: ${describeThrown(thrown.value)}` } };
  const shape = checkResultShape(returned);
  if (!shape.ok) return { ...trace, sessions, cutOff: false, result: { outcome: 'error', message: shape.problem } };
  return { ...trace, sessions, cutOff: false, result: shape.result };
}

function caseShardOf(returned: unknown): { case_shard?: unknown } {
  const shard = (returned as { evidence?: { case_shard?: unknown } } | undefined)?.evidence?.case_shard;
  return shard === undefined ? {} : { case_shard: shard };
}

function toRecord(check: Check, result: CheckResult, sessions: number, ms: number, target: RunTarget, options: RunOptions, catalogue: Catalogue): CheckRecord {
  const record: CheckRecord = {
    id: check.id,
    title: check.title,
    requirements: [...check.requirements],
    area: catalogue.byId.get(check.requirements[0] ?? '')?.area ?? 'unknown',
    kind: check.origin?.kind ?? 'suite',
    outcome: result.outcome,
    message: result.message,
    sessions,
    duration_ms: Math.round(ms),
  };
  if (check.origin) record.file = check.origin.file;
  if (result.expected !== undefined) record.expected = jsonSafe(result.expected);
  if (result.seen !== undefined) record.seen = jsonSafe(result.seen);
  if (result.events !== undefined) record.events = jsonSafe(result.events.slice(0, MAX_EVIDENCE_EVENTS)) as unknown[];
  if (result.evidence !== undefined) record.evidence = jsonSafe(result.evidence) as Record<string, unknown>;
  if (result.counterexample !== undefined) record.counterexample = result.counterexample;
  const byRequirement = Object.entries(result.byRequirement ?? {}).filter(([id, o]) => check.requirements.includes(id) && o !== result.outcome);
  if (byRequirement.length > 0) record.by_requirement = Object.fromEntries(byRequirement);
  if (result.outcome === 'blocked' && result.blockedBy) record.blocked_by = { requirement: result.blockedBy.requirement };
  if (result.outcome !== 'pass') {
    record.replay = replayCommands(check, {
      seed: options.seed,
      ...(target.spec === undefined ? {} : { adapterSpec: target.spec }),
      ...(target.vsl === undefined ? {} : { vsl: target.vsl }),
      ...(options.propertyCases === undefined ? {} : { propertyCases: options.propertyCases }),
      ...(result.counterexample === undefined ? {} : { counterexample: result.counterexample }),
      ...(options.replayFlags === undefined ? {} : { flags: options.replayFlags }),
    });
  }
  return record;
}
