// Executes one plan: a ready heap ordered by (order_index, position), indegree counters
// over typed arrays, and a concurrency limit (1 for SA). Fail-fast (digest §3.1 [KIT]):
// after the first step failure nothing new starts, in-flight steps drain, dependents of
// failed steps become blocked transitively, then the plan fails. Pause stops new starts;
// running steps finish.

import type { IdSource } from '../../mplp/ids.js';
import type { Collab, LifecycleObject } from '../../mplp/types.js';
import type { ActionExecutionLayer, StepActionLike } from '../ael/types.js';
import { RuntimeError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Clock, EventFactory } from '../events/factory.js';
import type { Mutex } from '../lock.js';
import { dependentsOf, ReadyHeap, type DagIndex } from '../psg/dag.js';
import type { Mutation, ProjectSemanticGraph, PsgNode } from '../psg/graph.js';

export type RunProfile = 'sa' | 'map';

export interface RunOutcome {
  plan_id: string;
  plan_status: string;
  step_statuses: Record<string, string>;
  paused: boolean;
}

export interface StatusRequest {
  object: LifecycleObject;
  id: string;
  to: string;
  reason?: string;
  extra?: Mutation[];
  coupled?: { object: LifecycleObject; id: string; to: string }[];
  /** A step's position in its plan's step table (a hint the runtime may use). */
  at?: number;
  /** The step's PSG node, while it is still the graph's (a hint the runtime may use). */
  node?: PsgNode;
}

/** Where a run meets the project's files (artifacts, rollback; docs/drift-and-rollback.md). */
export interface RunFileHooks {
  /** Before the first step starts (rollback snapshots are taken here). */
  beforeRun(planId: string): Promise<void>;
  /** Right after a step's action returned; a throw fails the step. Nothing to wait for: undefined. */
  afterAction(planId: string, stepId: string, actionId: string, result: unknown): Promise<void> | undefined;
  /** When the run is over, before the plan's terminal status (a failed run is rolled back here). */
  runEnded(planId: string, status: 'completed' | 'failed' | 'cancelled'): Promise<void>;
}

/** The runtime services a run uses; changeStatus must be called with the lock held. */
export interface ExecutionHost {
  psg: ProjectSemanticGraph;
  ael: ActionExecutionLayer;
  ids: IdSource;
  clock: Clock;
  bus: EventBus;
  factory: EventFactory;
  lock: Mutex;
  status(id: string): string | undefined;
  changeStatus(req: StatusRequest): Promise<boolean>;
  /** The same change, done at once when it can be (then a boolean), else a promise. */
  changeStatusNow(req: StatusRequest): boolean | Promise<boolean>;
  statusRequest(object: LifecycleObject, id: string, to: string): StatusRequest;
  /** `step`: the step's node, when the caller has it. */
  segmentFor(planId: string, stepId: string, status: 'completed' | 'failed', startedAt: string, error?: string, step?: PsgNode): Mutation[];
  recordTraceEvent(planId: string, type: string, source: string, data: Record<string, unknown>): void;
  traceIdOf(planId: string): string | undefined;
  outcome(planId: string, paused: boolean): RunOutcome;
  finished(planId: string): void;
  collabOf(contextId: string): Collab | undefined;
  files?: RunFileHooks;
}

const DONE = new Set(['completed', 'skipped']);

export class PlanRun {
  paused = false;
  /** The plan's Context is not active (suspended: "execution paused", CTX-MOD@old §3.2): no step starts. */
  held = false;
  stopping: 'failed' | 'cancelled' | null = null;
  protected inFlight = 0;
  protected finishing = false;
  protected finishedOutcome: RunOutcome | null = null;
  protected readonly waiters: ((o: RunOutcome) => void)[] = [];
  protected index!: DagIndex;
  /** The steps' PSG nodes by position (updated in place, so their status is current). */
  protected steps!: readonly PsgNode[];
  protected dependents!: { start: Int32Array; list: Int32Array };
  protected remaining!: Int32Array;
  protected ready!: ReadyHeap;
  protected readonly saId: string;
  protected collab: Collab | undefined;
  protected turn = 0;
  protected executed = 0;
  protected failedCount = 0;

  constructor(
    protected readonly host: ExecutionHost,
    readonly planId: string,
    readonly profile: RunProfile,
    readonly limit: number,
  ) {
    this.saId = host.ids.next();
  }

  /** The plan's Context (plan data does not change, so it is read once). */
  protected get contextId(): string {
    return (this.context ??= this.host.psg.node(this.planId)!.data['context_id'] as string);
  }

  private context: string | undefined;

  /** Moves the plan to in_progress (guards: approved, steps, active Context) and starts scheduling. */
  async start(): Promise<void> {
    const { host, planId } = this;
    await host.lock.run(async () => {
      const status = host.status(planId);
      if (status === 'approved') await host.changeStatus({ ...host.statusRequest('plan', planId, 'in_progress'), reason: `run (${this.profile})` });
      else if (status !== 'in_progress') throw new RuntimeError('INVALID_STATE', `plan ${planId} is ${status}; only approved or in_progress plans run`, { id: planId });
    });
    await host.files?.beforeRun(planId);
    this.buildSchedule();
    this.announceStart();
    this.pump();
    this.checkDone();
  }

  /** Resolves the next time the plan is terminal, or paused with nothing running. */
  settled(): Promise<RunOutcome> {
    if (this.finishedOutcome) return Promise.resolve(this.finishedOutcome);
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.checkDone();
    });
  }

  pause(): void {
    this.paused = true;
    this.checkDone();
  }

  resume(): void {
    this.paused = false;
    this.pump();
    this.checkDone();
  }

  /** Cancel (or fail) from outside: stop starting steps, drain, end the plan. */
  async stop(to: 'failed' | 'cancelled'): Promise<void> {
    if (this.finishedOutcome) {
      throw new RuntimeError('INVALID_STATE', `plan ${this.planId} already ended ${this.finishedOutcome.plan_status}`, { id: this.planId });
    }
    this.stopping ??= to;
    this.paused = false;
    const done = this.settled();
    this.checkDone();
    await done;
  }

  protected buildSchedule(): void {
    const table = this.host.psg.planTable(this.planId);
    this.index = table;
    this.steps = table.nodes;
    this.removalsAtSchedule = this.host.psg.removals;
    this.dependents = dependentsOf(table);
    const n = table.ids.length;
    const priority = new Float64Array(n);
    this.remaining = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const oi = this.steps[i]!.data['order_index'];
      priority[i] = typeof oi === 'number' ? oi : Number.MAX_SAFE_INTEGER;
    }
    this.ready = new ReadyHeap(priority);
    this.turnOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let open = 0;
      // Only a completed dependency releases a step; dependents of skipped steps are skipped at the end.
      for (let k = table.depStart[i]!; k < table.depStart[i + 1]!; k++) if (this.steps[table.depList[k]!]!.status !== 'completed') open++;
      this.remaining[i] = open;
      const status = this.steps[i]!.status;
      if (status === 'failed' || status === 'blocked') this.stopping ??= 'failed';
      if (status === 'pending' && open === 0) this.ready.push(i);
    }
  }

  /** The Context became active again: ready steps start (the runtime calls this). */
  contextActive(): void {
    if (!this.held) return;
    this.held = false;
    this.pump();
    this.checkDone();
  }


  /**
   * Picks the ready steps that may start now (as many as the limit allows, in priority
   * order) and starts them one per microtask turn, in that order: actions that return
   * meanwhile are recorded between two starts, as when every start waited for its turn at
   * the lock behind the completions already waiting there.
   */
  protected pump(): void {
    while (!this.paused && !this.held && !this.stopping && this.inFlight < this.limit && this.ready.size > 0) {
      const v = this.ready.pop()!;
      this.inFlight++;
      this.starting.push(v);
    }
    this.startSoon();
  }

  /** Steps picked by pump and not started yet, in order (from `nextStart` on). */
  private starting: number[] = [];
  private nextStart = 0;
  private startQueued = false;

  private startSoon(): void {
    if (this.startQueued || this.nextStart === this.starting.length) return;
    this.startQueued = true;
    queueMicrotask(this.startNext);
  }

  private readonly startNext = (): void => {
    this.startQueued = false;
    const v = this.starting[this.nextStart++]!;
    if (this.nextStart === this.starting.length) {
      this.starting = [];
      this.nextStart = 0;
    }
    this.begin(v);
    this.startSoon();
  };

  /**
   * Starts step v: its in_progress change under the lock, at once when the lock is free and
   * the VSL synchronous (then no promise is made), and then its action.
   */
  protected begin(v: number): void {
    let started: boolean | Promise<boolean>;
    try {
      started = this.host.lock.runNow(this.startLocked, v);
    } catch (e) {
      this.startFailed(v, e);
      return;
    }
    if (typeof started === 'boolean') this.afterStart(v, started);
    else started.then((s) => this.afterStart(v, s), (e: unknown) => this.startFailed(v, e));
  }

  /** Under the lock: re-checked there, as a pause or failure may have landed since the pop. */
  protected readonly startLocked = (v: number): boolean | Promise<boolean> => {
    if (this.paused || this.held || this.stopping) return false;
    // A suspended Context holds new starts (L3-LIFE-012) until contextActive().
    if (this.host.status(this.contextId) !== 'active') {
      this.held = true;
      return false;
    }
    const changed = this.host.changeStatusNow({ object: 'step', id: this.index.ids[v]!, to: 'in_progress', at: v, node: this.heldNode(v) });
    return typeof changed === 'boolean' ? true : changed.then(() => true);
  };

  protected startFailed(v: number, e: unknown): void {
    this.fail(this.index.ids[v]!, `could not start: ${describe(e)}`);
    this.afterStart(v, false);
  }

  protected afterStart(v: number, started: boolean): void {
    if (started) {
      void this.act(v);
      return;
    }
    if ((this.paused || this.held) && !this.stopping) this.ready.push(v);
    this.inFlight--;
    this.checkDone();
  }

  /** Runs the started step's action, then records how it ended. The only wait is for the AEL. */
  protected async act(v: number): Promise<void> {
    const { host, planId } = this;
    const stepId = this.index.ids[v]!;
    const step = this.steps[v]!;
    const role = step.data['agent_role'] as string | undefined;
    const startedAt = host.clock();
    const actionId = host.ids.next();
    const contextId = this.contextId;
    host.factory.emitExecution(actionId, 'running', planId, stepId, contextId, role, undefined);
    this.announceStep(v, stepId, role);
    const action: StepActionLike = { action_id: actionId, plan_id: planId, step_id: stepId, description: step.data['description'] as string };
    if (role) action.agent_role = role;
    let error: string | undefined;
    let result: unknown;
    try {
      const answer = host.ael.execute(action);
      result = isThenable(answer) ? await answer : answer;
    } catch (e) {
      // Falsy messages (a thrown '' or an Error without a message) must still fail the step.
      error = describe(e) || 'the action threw without a message';
    }
    host.factory.emitExecution(actionId, error ? 'failed' : 'completed', planId, stepId, contextId, role, error);
    if (!error && host.files) {
      try {
        const recording = host.files.afterAction(planId, stepId, actionId, result);
        if (recording) await recording;
      } catch (e) {
        error = `could not record the step's outputs: ${describe(e)}`;
      }
    }
    try {
      const ended = host.lock.runNow(this.endLocked, { v, error, startedAt });
      if (typeof ended !== 'boolean') await ended;
    } catch (e) {
      error ??= `could not record the result: ${describe(e)}`;
    }
    this.executed++;
    this.announceStepEnd(v, stepId, role, error);
    this.inFlight--;
    if (error) this.fail(stepId, error);
    else this.release(v);
    this.pump();
    this.checkDone();
  }

  /** Under the lock: the step's final status with its trace segment. */
  protected readonly endLocked = (end: { v: number; error: string | undefined; startedAt: string }): boolean | Promise<boolean> => {
    const { host, planId } = this;
    const stepId = this.index.ids[end.v]!;
    const to = end.error ? 'failed' : 'completed';
    const req: StatusRequest = { object: 'step', id: stepId, to, at: end.v, node: this.heldNode(end.v) };
    if (end.error) req.reason = end.error;
    req.extra = host.segmentFor(planId, stepId, to, end.startedAt, end.error, this.steps[end.v]);
    return host.changeStatusNow(req);
  };

  /** Step v's node as the schedule took it, while no PSG node was removed since (then it is surely still the graph's). */
  private heldNode(v: number): PsgNode | undefined {
    return this.host.psg.removals === this.removalsAtSchedule ? this.steps[v] : undefined;
  }

  private removalsAtSchedule = -1;

  protected release(v: number): void {
    const { start, list } = this.dependents;
    for (let k = start[v]!; k < start[v + 1]!; k++) {
      const w = list[k]!;
      if (--this.remaining[w]! === 0 && this.steps[w]!.status === 'pending') this.ready.push(w);
    }
  }

  protected fail(stepId: string, error: string): void {
    this.failedCount++;
    this.stopping ??= 'failed';
    this.host.recordTraceEvent(this.planId, 'step.failed', 'plan', { step_id: stepId, error });
  }

  protected checkDone(): void {
    if (this.finishing || this.finishedOutcome || this.inFlight > 0) return;
    if (this.stopping) {
      void this.finish(this.stopping);
    } else if (this.paused || this.held) {
      // Paused, or its Context suspended: run() answers paused; resume (or reactivation) continues.
      this.wake(this.host.outcome(this.planId, true));
    } else if (this.ready.size === 0) {
      const open = this.host.psg.stepsOf(this.planId).filter((s) => !DONE.has(this.host.status(s)!));
      if (open.length === 0) void this.finish('completed');
      else {
        // Only reachable when a dependency was skipped: its dependents are skipped too ([KIT]).
        void this.skipUnreachable(open);
      }
    }
  }

  protected async skipUnreachable(open: string[]): Promise<void> {
    this.finishing = true;
    try {
      await this.host.lock.run(async () => {
        for (const s of open) if (this.host.status(s) === 'pending') await this.host.changeStatus({ object: 'step', id: s, to: 'skipped', reason: 'a dependency was skipped' });
      });
    } finally {
      this.finishing = false;
    }
    await this.finish('completed');
  }

  protected async finish(to: 'completed' | 'failed' | 'cancelled'): Promise<void> {
    this.finishing = true;
    const { host, planId } = this;
    try {
      await host.files?.runEnded(planId, to);
    } catch (e) {
      host.recordTraceEvent(planId, 'runtime.error', 'plan', { error: `rollback: ${describe(e)}` });
    }
    try {
      await host.lock.run(async () => {
        if (to === 'failed') await this.blockDependentsOfFailures();
        await host.changeStatus({ ...host.statusRequest('plan', planId, to), reason: to === 'failed' ? 'a step failed' : to === 'cancelled' ? 'cancelled' : 'all steps done' });
      });
    } catch (e) {
      host.recordTraceEvent(planId, 'runtime.error', 'plan', { error: describe(e) });
    }
    this.announceEnd();
    this.finishedOutcome = host.outcome(planId, false);
    host.finished(planId);
    this.wake(this.finishedOutcome);
  }

  /** Breadth-first from failed steps: each pending dependent becomes blocked, one event each. */
  protected async blockDependentsOfFailures(): Promise<void> {
    const { start, list } = this.dependents;
    const ids = this.index.ids;
    const queue: number[] = [];
    for (let i = 0; i < ids.length; i++) if (this.host.status(ids[i]!) === 'failed' || this.host.status(ids[i]!) === 'blocked') queue.push(i);
    for (let q = 0; q < queue.length; q++) {
      const v = queue[q]!;
      for (let k = start[v]!; k < start[v + 1]!; k++) {
        const w = list[k]!;
        if (this.host.status(ids[w]!) !== 'pending') continue;
        await this.host.changeStatus({ object: 'step', id: ids[w]!, to: 'blocked', reason: `dependency ${ids[v]} ${this.host.status(ids[v]!)}` });
        queue.push(w);
      }
    }
  }

  protected wake(outcome: RunOutcome): void {
    for (const w of this.waiters.splice(0)) w(outcome);
  }

  // ------------------------------------------------------------ profile events

  protected announceStart(): void {
    const { host, planId } = this;
    if (this.profile === 'sa') {
      host.bus.emit(host.factory.sa('SAInitialized', this.saId, { payload: { runtime_version: 'mplp-conformance-reference', capabilities: ['sa', 'map', 'pause', 'approval'] } }));
      host.bus.emit(host.factory.sa('SAContextLoaded', this.saId, { context_id: this.contextId }));
      host.bus.emit(host.factory.sa('SAPlanEvaluated', this.saId, { context_id: this.contextId, plan_id: planId, payload: { step_count: this.index.ids.length } }));
      return;
    }
    this.collab = host.collabOf(this.contextId);
    if (!this.collab) return;
    const c = this.collab;
    host.bus.emit(mapEvent(host, 'MAPSessionStarted', c.collab_id, { mode: c.mode, participant_count: c.participants.length, purpose: c.purpose }));
    host.bus.emit(mapEvent(host, 'MAPRolesAssigned', c.collab_id, { assignments: c.participants.map((p) => ({ participant_id: p.participant_id, role_id: p.role_id ?? p.participant_id, kind: p.kind })) }));
  }

  protected announceStep(v: number, stepId: string, role: string | undefined): void {
    const { host } = this;
    if (this.profile === 'sa') {
      host.bus.emit(host.factory.sa('SAStepStarted', this.saId, { plan_id: this.planId, payload: { step_id: stepId, ...(role ? { agent_role: role } : {}) } }));
    } else if (this.collab) {
      const turn = ++this.turn;
      host.factory.emitTurn('MAPTurnDispatched', this.collab.collab_id, this.roleFor(role, turn), turn, stepId, undefined);
      this.turnOf[v] = turn;
    }
  }

  /** The MAP turn each step was dispatched in, by step position. */
  protected turnOf: Int32Array = new Int32Array(0);

  protected announceStepEnd(v: number, stepId: string, role: string | undefined, error: string | undefined): void {
    const { host } = this;
    if (this.profile === 'sa') {
      host.bus.emit(host.factory.sa(error ? 'SAStepFailed' : 'SAStepCompleted', this.saId, {
        plan_id: this.planId,
        payload: { step_id: stepId, status: error ? 'failed' : 'completed', ...(error ? { error_message: error } : {}) },
      }));
    } else if (this.collab) {
      const turn = this.turnOf[v]!;
      host.factory.emitTurn('MAPTurnCompleted', this.collab.collab_id, this.roleFor(role, turn), turn, stepId, error ? 'failed' : 'completed');
    }
  }

  /** Participant for a step: the one named by agent_role, else round-robin by turn (C-28). */
  protected roleFor(role: string | undefined, turn: number): string {
    const ps = this.collab!.participants;
    let p: (typeof ps)[number] | undefined;
    for (let i = 0; i < ps.length && !p; i++) {
      const x = ps[i]!;
      if (x.participant_id === role || x.display_name === role || x.role_id === role) p = x;
    }
    p ??= ps[(turn - 1) % ps.length]!;
    return p.role_id ?? p.participant_id;
  }

  protected announceEnd(): void {
    const { host, planId } = this;
    const status = host.status(planId);
    if (this.profile === 'sa') {
      const traceId = host.traceIdOf(planId);
      host.bus.emit(host.factory.sa('SATraceEmitted', this.saId, { plan_id: planId, ...(traceId ? { trace_id: traceId } : {}), payload: { events_written: this.executed } }));
      host.bus.emit(host.factory.sa('SACompleted', this.saId, { plan_id: planId, payload: { status, steps_executed: this.executed, steps_failed: this.failedCount, steps_succeeded: this.executed - this.failedCount } }));
    } else if (this.collab) {
      host.bus.emit(mapEvent(host, 'MAPSessionCompleted', this.collab.collab_id, { status, participants_count: this.collab.participants.length, turns_total: this.turn }));
    }
  }
}

function mapEvent(host: ExecutionHost, event_type: import('../../mplp/types.js').MAPEvent['event_type'], sessionId: string, payload: Record<string, unknown>) {
  return host.factory.map(event_type, sessionId, payload);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/** A readable message for anything thrown, including non-Error values. */
export function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e) ?? String(e);
  } catch {
    return Object.prototype.toString.call(e);
  }
}
