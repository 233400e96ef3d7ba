// Drives a loaded flow through one kit session, operation by operation. Each operation is
// an entry of the OPERATIONS table; an operation whose answer differs from its `expect`
// (default: accepted) ends the drive with a FlowFailure. Adapter crashes are HarnessErrors.

import { setTimeout as delay } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { LoadBundle, OpResult, RunOutcome, Session } from '../../adapter/contract.js';
import { allPairs } from '../../mplp/transitions.js';
import type { CheckContext, KitSession } from '../check.js';
import { boundedSignal, DEFAULT_WAIT_MS, gradedWaitMs, within } from './deadline.js';
import { evidence, type FlowFailure } from './failure.js';
import { gradeExpectation, type Snapshot } from './grade.js';
import type { LoadedFlow } from './load.js';
import { captureState, FlowObjects, HarnessError, stateDifference } from './observe.js';
import { targetObject } from './semantics.js';
import { countHolds, matches, parseCount, parseSelector } from './selectors.js';
import { operationName, type Count, type OperationSpec, type OpExpect } from './spec.js';
import { WORKSPACE_OPERATIONS } from './workspace-ops.js';

/** Pause between two readings of the event stream in await_events. */
const POLL_MS = 5;

type RunAnswer = OpResult & { outcome?: RunOutcome };
type Settled = { threw: false; result: RunAnswer } | { threw: true; error: unknown };

export interface OperationRecord {
  index: number;
  operation: string;
  answer?: unknown;
}

export class FlowRun {
  readonly objects: FlowObjects;
  readonly snapshots = new Map<string, Snapshot>();
  readonly log: OperationRecord[] = [];
  /** Operations the runtime accepted: a flow whose every answer was a refusal graded nothing. */
  accepted = 0;
  /** Operations started with `background: true`, by kind, oldest first. */
  private readonly background: Record<BackgroundKind, { index: number; settled: Promise<Settled> }[]> = { run: [], cancel: [] };

  constructor(
    readonly flow: LoadedFlow,
    readonly kit: KitSession,
    readonly ctx: CheckContext,
  ) {
    this.objects = new FlowObjects(kit.session, flow.expanded);
  }

  get session(): Session {
    return this.kit.session;
  }

  /** Runs every operation; returns the first failure, or the failures of the final expectations. */
  async drive(): Promise<FlowFailure[]> {
    const { expanded } = this.flow;
    for (const s of expanded.scripts) this.kit.ael.script(s.stepId, s.outcome);
    this.kit.ael.useWorkspace(this.kit.workspace);
    try {
      for (const [index, op] of this.flow.spec.operations.entries()) {
        const name = operationName(op);
        this.log.push({ index, operation: name });
        const failures = await OPERATIONS[name](this, op, `operations[${index}].${name}`);
        if (failures.length > 0) return failures;
      }
      const leftover = await this.settleBackground();
      if (leftover.length > 0) return leftover;
      return this.flow.spec.expect ? await gradeExpectation(this, this.flow.spec.expect, 'expect') : [];
    } finally {
      this.kit.ael.releaseAll();
    }
  }

  /** Waits for background operations nobody awaited, so final statuses are settled. */
  private async settleBackground(): Promise<FlowFailure[]> {
    for (const kind of ['cancel', 'run'] as const) {
      while (this.background[kind].length > 0) {
        const failures = await this.awaitBackground(kind, `operations[${this.background[kind][0]!.index}].${kind} (background, never awaited)`, undefined, this.waitMs(undefined));
        if (failures.length > 0) return failures;
      }
    }
    return [];
  }

  startBackground(kind: BackgroundKind, where: string, call: () => Promise<RunAnswer>): void {
    this.background[kind].push({ index: Number(/\[(\d+)\]/.exec(where)![1]), settled: settle(call) });
  }

  async awaitBackground(kind: BackgroundKind, where: string, expect: OpExpect | undefined, ms: number): Promise<FlowFailure[]> {
    const next = this.background[kind].shift();
    if (!next) throw new HarnessError(`${where}: no background ${kind} to await`);
    return this.awaitSettled(where, next.settled, expect, ms);
  }

  async awaitSettled(where: string, settled: Promise<Settled>, expect: OpExpect | undefined, ms: number): Promise<FlowFailure[]> {
    const waited = await within(settled, ms, this.ctx.signal);
    if (!waited.done) {
      return [{ where, message: `the operation did not answer within ${ms} ms (a run answers once the plan is terminal or paused)`, expected: 'run resolves', seen: { ael_in_flight: this.kit.ael.inFlight(), ael_calls: this.kit.ael.calls.length } }];
    }
    if (waited.value.threw) throw new HarnessError(`${where}: the adapter threw instead of answering: ${String(waited.value.error)}`);
    return this.judge(where, waited.value.result, expect);
  }

  /** Compares an answer with an operation's expectation (run outcome fields included). */
  judge(where: string, answer: RunAnswer, expect: OpExpect | undefined, difference?: ReturnType<typeof stateDifference>): FlowFailure[] {
    if (answer.ok) this.accepted++;
    const wantOk = expect?.ok ?? true;
    if (wantOk !== 'any' && answer.ok !== wantOk) {
      return [{
        where,
        message: wantOk ? `the runtime rejected the operation: ${answer.ok ? '' : `${answer.code}: ${answer.message}`}` : 'the runtime accepted an operation that must be rejected',
        expected: wantOk ? { ok: true } : { ok: false, ...(expect?.code ? { code: expect.code } : {}) },
        seen: answer,
      }];
    }
    if (!answer.ok && expect?.code !== undefined && answer.code !== expect.code) {
      return [{ where, message: `rejected with code ${answer.code}, expected ${expect.code}`, expected: expect.code, seen: answer.code }];
    }
    if (difference) {
      const what = answer.ok ? 'the operation, accepted as a no-op,' : 'the rejected operation';
      return [{ where, message: `${what} changed the runtime: ${difference.summary.join('; ')}`, expected: 'PSG and event stream unchanged', seen: difference.summary, events: evidence(difference.newEvents) }];
    }
    const outcome = answer.ok ? answer.outcome : undefined;
    if (expect?.paused !== undefined && outcome?.paused !== expect.paused) {
      return [{ where, message: `run outcome paused = ${String(outcome?.paused)}, expected ${expect.paused}`, expected: { paused: expect.paused }, seen: outcome }];
    }
    if (expect?.plan !== undefined && outcome?.plan_status !== expect.plan) {
      return [{ where, message: `run outcome plan status ${String(outcome?.plan_status)}, expected ${expect.plan}`, expected: { plan_status: expect.plan }, seen: outcome }];
    }
    return [];
  }

  /** Calls an adapter operation, checks the answer, and (for `unchanged`) that nothing moved. */
  async attempt(where: string, call: () => Promise<RunAnswer>, expect: OpExpect | undefined): Promise<FlowFailure[]> {
    const before = expect?.unchanged ? await captureState(this.session) : undefined;
    let answer: RunAnswer;
    try {
      answer = await call();
    } catch (e) {
      throw new HarnessError(`${where}: the adapter threw instead of answering: ${e instanceof Error ? e.message : String(e)}`);
    }
    const difference = before ? stateDifference(before, await captureState(this.session)) : undefined;
    return this.judge(where, answer, expect, difference);
  }

  waitMs(ms: number | undefined): number {
    return gradedWaitMs(ms ?? DEFAULT_WAIT_MS, this.ctx.operationTimeoutMs);
  }
}

type BackgroundKind = 'run' | 'cancel';

/** Starts an adapter call and never lets it reject (a synchronous throw included). */
function settle(call: () => Promise<RunAnswer>): Promise<Settled> {
  return Promise.resolve()
    .then(call)
    .then((result) => ({ threw: false as const, result }), (error: unknown) => ({ threw: true as const, error }));
}

type Handler = (run: FlowRun, op: OperationSpec, where: string) => Promise<FlowFailure[]>;

function bundleOf(run: FlowRun, only: readonly string[] | undefined): LoadBundle {
  const { context, plan, collab, confirm } = run.flow.expanded;
  const parts = new Set(only ?? ['context', 'plan', 'collab', 'confirm']);
  return {
    ...(parts.has('context') ? { contexts: [context] } : {}),
    ...(parts.has('plan') && plan ? { plans: [plan] } : {}),
    ...(parts.has('collab') && collab ? { collabs: [collab] } : {}),
    ...(parts.has('confirm') && confirm ? { confirms: [confirm] } : {}),
  };
}

function optional<K extends 'pause' | 'resume'>(run: FlowRun, name: K): NonNullable<Session[K]> {
  const fn = run.session[name];
  if (typeof fn !== 'function') throw new HarnessError(`the adapter claims pauseResume but its session has no ${name}()`);
  return fn.bind(run.session) as NonNullable<Session[K]>;
}

function registry(run: FlowRun): NonNullable<Session['modules']> {
  const modules = run.session.modules;
  if (!modules) throw new HarnessError('the adapter claims moduleRegistry but its session has no modules');
  return modules;
}

function vsl(run: FlowRun): NonNullable<Session['vsl']> {
  const store = run.session.vsl;
  if (!store) throw new HarnessError('the adapter claims vsl but its session exposes no vsl');
  return store;
}

/** Re-reads the event stream until the selector's count holds or `ms` pass (a liveness bound). */
async function pollEvents(run: FlowRun, match: string, count: Count, ms: number): Promise<{ held: boolean; count: number }> {
  const parsed = parseSelector(match);
  if (!parsed.ok) throw new HarnessError(parsed.message);
  const expr = parseCount(count);
  const deadline = Date.now() + ms;
  for (;;) {
    const events = await run.session.events();
    const n = events.filter((e) => matches(parsed.selector, e, run.flow.expanded.names)).length;
    if (countHolds(expr, n, { limit: run.ctx.maxConcurrency, executed: run.kit.ael.calls.length })) return { held: true, count: n };
    if (Date.now() >= deadline) return { held: false, count: n };
    if (run.ctx.signal.aborted) throw new HarnessError('the check ran out of time');
    await delay(POLL_MS);
  }
}

function isThenable(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

const OPERATIONS: Readonly<Record<keyof OperationSpec, Handler>> = {
  load: (run, op, where) => run.attempt(where, () => run.session.load(bundleOf(run, op.load?.only)), op.load?.expect),

  transition: async (run, op, where) => {
    const { target, to, expect } = op.transition!;
    const ref = await run.objects.ref(target);
    return run.attempt(where, () => run.session.transition(ref, to), expect);
  },

  reject_all: async (run, op, where) => {
    const { target } = op.reject_all!;
    const ref = await run.objects.ref(target);
    const from = await run.objects.status(target);
    if (from === undefined) throw new HarnessError(`${where}: cannot read the status of ${target}`);
    const forbidden = allPairs(targetObject(target)).filter((p) => p.from === from && p.row.class === 'R');
    run.log.at(-1)!.answer = { from, attempted: forbidden.map((p) => p.to) };
    for (const pair of forbidden) {
      const failures = await run.attempt(`${where} ${target} ${pair.from} → ${pair.to}`, () => run.session.transition(ref, pair.to), { ok: false, unchanged: true });
      if (failures.length > 0) return failures.map((f) => ({ ...f, message: `${f.message} (rule: ${pair.row.rule})` }));
    }
    return [];
  },

  confirm: async (run, op, where) => {
    const { status, by, reason, expect } = op.confirm!;
    const failures = await run.attempt(where, () => run.session.confirm({ target_id: run.objects.planId, status, decided_by_role: by ?? 'reviewer', ...(reason ? { reason } : {}) }), expect);
    // A decision refused because no Confirm targets the plan: the submission's fault (L3-APPR-002).
    if (failures.length > 0 && expect?.ok !== false && (await run.objects.confirms()).length === 0) {
      return failures.map((f) => ({ ...f, where: `${where}.no-confirm`, message: `${f.message} (no Confirm targets the plan)` }));
    }
    return failures;
  },

  run: async (run, op, where) => {
    const body = op.run ?? {};
    const call = () => run.session.run(run.objects.planId, body.profile ? { profile: body.profile } : undefined);
    if (body.background) {
      run.startBackground('run', where, call);
      return [];
    }
    return run.awaitSettled(where, settle(call), body.expect, run.waitMs(body.timeout_ms));
  },

  await_run: (run, op, where) => run.awaitBackground('run', where, op.await_run?.expect, run.waitMs(op.await_run?.timeout_ms)),

  await_barrier: async (run, op, where) => {
    const { name, timeout_ms } = op.await_barrier!;
    const arrivals = op.await_barrier!.arrivals === 'limit' ? run.ctx.maxConcurrency : op.await_barrier!.arrivals;
    const barrier = run.kit.ael.barrier(name);
    try {
      await barrier.waitForArrivals(arrivals, boundedSignal(run.ctx.signal, run.waitMs(timeout_ms)));
      return [];
    } catch {
      if (run.ctx.signal.aborted) throw new HarnessError('the check ran out of time');
      return [{
        where,
        message: `${barrier.arrived} of ${arrivals} step action(s) reached barrier ${name} within ${run.waitMs(timeout_ms)} ms`,
        expected: { arrivals },
        seen: { arrivals: barrier.arrived, ael_in_flight: run.kit.ael.inFlight(), ael_calls: run.kit.ael.calls.map((c) => c.step_id) },
      }];
    }
  },

  release_barrier: async (run, op) => {
    run.kit.ael.barrier(op.release_barrier!).release();
    return [];
  },

  pause: (run, op, where) => run.attempt(where, () => optional(run, 'pause')(run.objects.planId), op.pause?.expect),
  resume: (run, op, where) => run.attempt(where, () => optional(run, 'resume')(run.objects.planId), op.resume?.expect),
  cancel: async (run, op, where) => {
    const call = () => run.session.cancel(run.objects.planId);
    if (!op.cancel?.background) return run.attempt(where, call, op.cancel?.expect);
    run.startBackground('cancel', where, call);
    return [];
  },

  await_cancel: (run, op, where) => run.awaitBackground('cancel', where, op.await_cancel?.expect, run.waitMs(op.await_cancel?.timeout_ms)),

  await_events: async (run, op, where) => {
    const { match, count = '>=1', timeout_ms } = op.await_events!;
    const ms = run.waitMs(timeout_ms);
    const seen = await pollEvents(run, match, count, ms);
    return seen.held ? [] : [{ where, message: `events matching ${match} did not reach ${String(count)} within ${ms} ms (saw ${seen.count})`, expected: count, seen: seen.count }];
  },

  snapshot: async (run, op) => {
    const state = await captureState(run.session);
    const trace = await run.objects.trace();
    run.snapshots.set(op.snapshot!, { ...state, ...(trace ? { trace: structuredClone(trace) } : {}) });
    return [];
  },

  check: (run, op, where) => gradeExpectation(run, op.check!, where),

  register_module: (run, op, where) => {
    const { name, output, expect } = op.register_module!;
    const module = async ({ ctx }: { ctx: unknown }) => ({ output: output === undefined ? { module: name, ctx } : structuredClone(output), events: [] });
    return run.attempt(where, () => registry(run).register(name, module), expect);
  },

  unregister_module: (run, op, where) => run.attempt(where, () => registry(run).unregister(op.unregister_module!.name), op.unregister_module!.expect),

  invoke_module: async (run, op, where) => {
    const { name, input, output, expect } = op.invoke_module!;
    let answer: OpResult | undefined;
    const failures = await run.attempt(where, async () => (answer = await registry(run).invoke(name, input ?? {})), expect);
    if (failures.length > 0 || output === undefined || !answer?.ok) return failures;
    const seen = (answer.value as { output?: unknown } | undefined)?.output;
    return isDeepStrictEqual(seen, output) ? [] : [{ where, message: `module ${name} answered a different output`, expected: output, seen }];
  },

  list_modules: async (run, op, where) => {
    const listed = await registry(run).list();
    const missing = (op.list_modules!.includes ?? []).filter((n) => !listed.includes(n));
    const present = (op.list_modules!.excludes ?? []).filter((n) => listed.includes(n));
    if (missing.length === 0 && present.length === 0) return [];
    return [{ where, message: `module list ${JSON.stringify(listed)}${missing.length ? ` lacks ${missing.join(', ')}` : ''}${present.length ? ` still has ${present.join(', ')}` : ''}`, expected: op.list_modules, seen: listed }];
  },

  vsl_set: async (run, op, where) => {
    const { key, value } = op.vsl_set!;
    const pending = vsl(run).set(key, structuredClone(value));
    if (!isThenable(pending)) return [{ where, message: 'VSL set did not return a promise', expected: 'Promise', seen: typeof pending }];
    await pending;
    return [];
  },

  vsl_get: async (run, op, where) => {
    const { key, equals } = op.vsl_get!;
    const pending = vsl(run).get(key);
    if (!isThenable(pending)) return [{ where, message: 'VSL get did not return a promise', expected: 'Promise', seen: typeof pending }];
    const value = await pending;
    if (equals !== undefined && !isDeepStrictEqual(value, equals)) return [{ where, message: `VSL get("${key}") returned a different value`, expected: equals, seen: value }];
    return [];
  },

  ...WORKSPACE_OPERATIONS,
};
