// A check's world: one kit session, plans built with the flow DSL expander (deterministic
// lowercase v4 ids; no hand-written builders), and the few moves every check needs — load,
// submit, approve, run (in the foreground or held at barriers), read back. A move the check
// depends on that the runtime refuses ends the check through `Stop`.

import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import type { LoadBundle, OpResult, Profile, RunOutcome, Session } from '../../src/adapter/contract.js';
import type { CheckContext, KitSession } from '../../src/kit/check.js';
import { boundedSignal, DEFAULT_WAIT_MS, scaledWaitMs, within } from '../../src/kit/flows/deadline.js';
import { expandFlow, type ExpandedFlow } from '../../src/kit/flows/expand.js';
import { FlowObjects } from '../../src/kit/flows/observe.js';
import type { ActionSpec, CollabSpec, ConfirmSpec, ContextSpec, StepSpec } from '../../src/kit/flows/spec.js';
import type { RecordingAEL } from '../../src/kit/recording-ael.js';
import type { BusEvent, Plan } from '../../src/mplp/types.js';
import { Stop } from './verdict.js';

/** A plan in the flow DSL's terms (see docs of golden flows): steps by name, scripted actions. */
export interface PlanSpec {
  steps: Record<string, StepSpec | null>;
  actions?: Record<string, ActionSpec>;
  status?: 'draft' | 'proposed' | 'approved';
  context?: ContextSpec;
  confirm?: ConfirmSpec;
  collab?: CollabSpec;
}

export type LoadPart = 'context' | 'plan' | 'collab' | 'confirm';

/** One expanded plan of a scenario with its names. */
export class PlanHandle {
  readonly objects: FlowObjects;

  constructor(
    readonly name: string,
    readonly flow: ExpandedFlow,
    session: Session,
  ) {
    this.objects = new FlowObjects(session, flow);
  }

  get planId(): string {
    return this.flow.names.planId;
  }

  get contextId(): string {
    return this.flow.context.context_id;
  }

  get registered(): Plan {
    return this.flow.plan!;
  }

  stepId(name: string): string {
    const id = this.flow.names.stepId(name);
    if (id === undefined) throw new Error(`internal: plan ${this.name} has no step ${name}`);
    return id;
  }

  stepIds(): string[] {
    return this.flow.steps.map((s) => s.id);
  }

  /** `plan/step` name of a resource id, for messages. */
  nameOf(id: string): string {
    if (id === this.planId) return `plan ${this.name}`;
    const step = this.flow.steps.find((s) => s.id === id);
    return step ? `step ${step.name} of plan ${this.name}` : id;
  }

  bundle(parts: readonly LoadPart[] = ['context', 'plan', 'collab', 'confirm']): LoadBundle {
    const { context, plan, collab, confirm } = this.flow;
    const want = new Set(parts);
    return {
      ...(want.has('context') ? { contexts: [context] } : {}),
      ...(want.has('plan') && plan ? { plans: [plan] } : {}),
      ...(want.has('collab') && collab ? { collabs: [collab] } : {}),
      ...(want.has('confirm') && confirm ? { confirms: [confirm] } : {}),
    };
  }
}

type RunAnswer = OpResult & { outcome?: RunOutcome };

/** The requirement a refused decision breaks (the root cause of a check that needed it). */
const DECISION_RULE = { approved: 'L3-APPR-003', rejected: 'L3-APPR-004', cancelled: 'L3-APPR-005' } as const;

/** What a run that does not end, or is refused, breaks unless the caller names another rule. */
const RUN_RULE = 'L3-ORCH-005';

/** Pause between two readings of the event stream while waiting for an event (liveness only). */
const POLL_MS = 5;

/** A run started in the background; `finish` awaits it. */
export interface BackgroundRun {
  plan: PlanHandle;
  answer: Promise<{ threw: false; value: RunAnswer } | { threw: true; error: unknown }>;
}

/** The profile a scenario runs under: MAP when claimed (more interleavings), else SA, else none. */
export function defaultProfile(ctx: CheckContext): Profile | undefined {
  const claimed = ctx.adapter.capabilities.profiles;
  return claimed.includes('map') ? 'map' : claimed.includes('sa') ? 'sa' : undefined;
}

function describeAnswer(answer: OpResult): string {
  return answer.ok ? 'accepted' : `${answer.code}: ${answer.message}`;
}

export class Scenario {
  private readonly plans = new Map<string, PlanHandle>();

  private constructor(
    readonly ctx: CheckContext,
    readonly kit: KitSession,
    /** Prefix of every flow id, so two checks never share object ids. */
    readonly namespace: string,
  ) {}

  static async open(ctx: CheckContext, namespace: string): Promise<Scenario> {
    return new Scenario(ctx, await ctx.newSession(), namespace);
  }

  get session(): Session {
    return this.kit.session;
  }

  get ael(): RecordingAEL {
    return this.kit.ael;
  }

  /** Builds a plan (flow id `<namespace>/<name>`) and scripts its step actions on the AEL. */
  plan(name: string, spec: PlanSpec): PlanHandle {
    if (this.plans.has(name)) throw new Error(`internal: plan ${name} built twice`);
    const flow = expandFlow({
      id: `${this.namespace}/${name}`,
      title: `${this.namespace} ${name}`,
      requirements: [],
      operations: [],
      plan: { steps: spec.steps, ...(spec.status ? { status: spec.status } : {}) },
      ...(spec.actions ? { actions: spec.actions } : {}),
      ...(spec.context ? { context: spec.context } : {}),
      ...(spec.confirm ? { confirm: spec.confirm } : {}),
      ...(spec.collab ? { collab: spec.collab } : {}),
    });
    for (const s of flow.scripts) this.ael.script(s.stepId, s.outcome);
    const handle = new PlanHandle(name, flow, this.session);
    this.plans.set(name, handle);
    return handle;
  }

  /** Throws Stop when a move the check depends on was refused. */
  must(what: string, answer: OpResult, requirement?: string): void {
    if (answer.ok) return;
    throw new Stop({
      ...(requirement ? { requirement } : {}),
      message: `setup: the runtime rejected ${what} (${describeAnswer(answer)}), which this check needs`,
      expected: { ok: true },
      seen: answer,
    });
  }

  load(plan: PlanHandle, parts?: readonly LoadPart[]): Promise<OpResult> {
    return this.session.load(plan.bundle(parts));
  }

  async loadOk(plan: PlanHandle, parts?: readonly LoadPart[]): Promise<void> {
    this.must(`the load of ${plan.nameOf(plan.planId)} (schema-valid objects)`, await this.load(plan, parts), 'L3-PSG-007');
  }

  async submit(plan: PlanHandle): Promise<void> {
    this.must(`${plan.nameOf(plan.planId)} draft → proposed`, await this.session.transition({ type: 'plan', id: plan.planId }, 'proposed'), 'L3-LIFE-003');
  }

  async decide(plan: PlanHandle, status: 'approved' | 'rejected' | 'cancelled'): Promise<void> {
    const answer = await this.session.confirm({ target_id: plan.planId, status, decided_by_role: 'reviewer' });
    if (!answer.ok) this.must(`a ${status} Confirm decision on ${plan.nameOf(plan.planId)}`, answer, await this.decisionRule(plan, status));
  }

  /** The rule a refused decision breaks: the decision's own, or — when no Confirm targets the
   *  plan at all — the submission's, which should have opened one (L3-APPR-002). */
  async decisionRule(plan: PlanHandle, status: 'approved' | 'rejected' | 'cancelled'): Promise<string> {
    return (await plan.objects.confirms()).length > 0 ? DECISION_RULE[status] : 'L3-APPR-002';
  }

  /**
   * Load, submit (draft → proposed) and approve through the Confirm — or, for a runtime that
   * does not claim approval, register the plan approved, so the check still reaches its own
   * requirements.
   */
  async loadApproved(plan: PlanHandle): Promise<void> {
    if (!this.ctx.adapter.capabilities.approval && plan.registered.status === 'draft') {
      const bundle = plan.bundle();
      this.must(`the load of ${plan.nameOf(plan.planId)} registered approved (schema-valid objects)`, await this.session.load({ ...bundle, plans: [{ ...plan.registered, status: 'approved' }] }), 'L3-PSG-007');
      return;
    }
    await this.loadOk(plan);
    if (plan.registered.status === 'draft') await this.submit(plan);
    if (plan.registered.status !== 'approved') await this.decide(plan, 'approved');
  }

  /** Starts run(plan) without awaiting it (barriers may hold its steps). */
  start(plan: PlanHandle, profile: Profile | undefined = defaultProfile(this.ctx)): BackgroundRun {
    const answer = Promise.resolve()
      .then(() => this.session.run(plan.planId, profile ? { profile } : undefined))
      .then((value) => ({ threw: false as const, value }), (error: unknown) => ({ threw: true as const, error }));
    return { plan, answer };
  }

  /** The liveness bound of a wait on the runtime (grows with --timeout; deadline.ts). */
  waitMs(): number {
    return scaledWaitMs(DEFAULT_WAIT_MS, this.ctx.operationTimeoutMs);
  }

  /** Awaits a background run within the liveness bound; a rejection or a hang ends the check. */
  async finish(run: BackgroundRun, requirement: string = RUN_RULE): Promise<RunOutcome> {
    const bound = this.waitMs();
    const waited = await within(run.answer, bound, this.ctx.signal);
    if (!waited.done) {
      throw new Stop({
        ...(requirement ? { requirement } : {}),
        message: `run(${run.plan.nameOf(run.plan.planId)}) did not answer within ${bound} ms with every barrier released`,
        expected: 'run resolves once the plan is terminal or paused',
        seen: { ael_in_flight: this.ael.inFlight(), ael_calls: this.ael.calls.length },
      });
    }
    if (waited.value.threw) throw waited.value.error;
    const answer = waited.value.value;
    this.must(`run(${run.plan.nameOf(run.plan.planId)})`, answer, requirement);
    return answer.outcome!;
  }

  async runToEnd(plan: PlanHandle, profile?: Profile): Promise<RunOutcome> {
    return this.finish(this.start(plan, profile ?? defaultProfile(this.ctx)));
  }

  /** Waits until `n` step actions reached the barrier; too few within the bound ends the check. */
  async arrivals(barrier: string, n: number, requirement: string = RUN_RULE): Promise<void> {
    const b = this.ael.barrier(barrier);
    const bound = this.waitMs();
    try {
      await b.waitForArrivals(n, boundedSignal(this.ctx.signal, bound));
    } catch (e) {
      if (this.ctx.signal.aborted) throw e;
      throw new Stop({
        ...(requirement ? { requirement } : {}),
        message: `only ${b.arrived} of ${n} step action(s) reached barrier ${barrier} within ${bound} ms`,
        expected: { arrivals: n },
        seen: { arrivals: b.arrived, ael_in_flight: this.ael.inFlight(), ael_calls: this.ael.calls.map((c) => c.step_id) },
      });
    }
  }

  release(barrier: string): void {
    this.ael.barrier(barrier).release();
  }

  /**
   * Gives the runtime room to do what it would do next (event-loop turns and session round
   * trips, never a wall-clock sleep). Used before asserting that something did NOT happen
   * while a barrier holds the runtime; the logical-clock checks afterwards are the proof.
   */
  async quiesce(): Promise<void> {
    for (let round = 0; round < 3; round++) {
      await this.session.events();
      for (let turn = 0; turn < 10; turn++) await nextTurn();
    }
  }

  /**
   * Re-reads the event stream until `holds` is true of it; `what` names the awaited event for
   * the verdict when the liveness bound passes first.
   */
  async until(what: string, holds: (events: BusEvent[]) => boolean, requirement?: string): Promise<BusEvent[]> {
    const bound = this.waitMs();
    const deadline = boundedSignal(this.ctx.signal, bound);
    for (;;) {
      const events = await this.session.events();
      if (holds(events)) return events;
      if (this.ctx.signal.aborted) throw new Error('the check ran out of time');
      if (deadline.aborted) {
        throw new Stop({ ...(requirement ? { requirement } : {}), message: `${what} did not happen within ${bound} ms`, expected: what, seen: { events: events.length, ael_in_flight: this.ael.inFlight() } });
      }
      await delay(POLL_MS);
    }
  }

  async readPlan(plan: PlanHandle): Promise<Plan | undefined> {
    return (await this.session.get({ type: 'plan', id: plan.planId })) as Plan | undefined;
  }
}
