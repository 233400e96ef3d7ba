// The representative scenario the cross-cutting checks grade: a diamond plan run to
// completion (held mid-run at a barrier), a plan whose first step fails, a rejected load, a
// same-state request and forbidden transitions. Every operation is recorded with what the
// session showed before and after it (PSG export, event stream, objects read back, AEL calls),
// so each check grades its own rule at every boundary of the same timeline.

import type { GraphExport, OpResult, Profile } from '../../src/adapter/contract.js';
import type { CheckContext } from '../../src/kit/check.js';
import type { AelCall } from '../../src/kit/recording-ael.js';
import type { BusEvent, Confirm, Context, Plan, Trace } from '../../src/mplp/types.js';
import { defaultProfile, Scenario, type PlanHandle } from './scenario.js';
import { Stop } from './verdict.js';

/** What one plan's objects looked like when read back. */
export interface PlanReads {
  plan?: Plan;
  context?: Context;
  trace?: Trace;
  confirm?: Confirm;
}

export interface Capture {
  graph: GraphExport;
  events: BusEvent[];
  /** Per tracked plan id. */
  reads: Map<string, PlanReads>;
  /** Number of AEL calls so far. */
  calls: number;
  /** Step ids whose AEL action had started and not ended when the capture was taken. */
  inFlight: string[];
}

export type Expectation = 'accept' | 'reject' | 'any';

export interface TrailStep {
  index: number;
  label: string;
  expect: Expectation;
  /** The runtime's answer (absent for a boundary that is not one operation, e.g. "held mid-run"). */
  answer?: OpResult;
  before: Capture;
  after: Capture;
}

/** A resource whose status pipeline_stage events report: a plan or one of its steps. */
export interface Resource {
  id: string;
  plan: PlanHandle;
  kind: 'plan' | 'step';
  /** Status it was registered with. */
  registered: string;
}

export class Trail {
  readonly steps: TrailStep[] = [];
  private readonly tracked: PlanHandle[] = [];
  private last: Capture | undefined;

  constructor(readonly scenario: Scenario) {}

  /** Plans whose objects each capture reads back (tracked before they are loaded). */
  track(plan: PlanHandle): void {
    this.tracked.push(plan);
  }

  get plans(): readonly PlanHandle[] {
    return this.tracked;
  }

  async capture(): Promise<Capture> {
    const { session, ael } = this.scenario;
    const [graph, events] = await Promise.all([session.graph(), session.events()]);
    const reads = new Map<string, PlanReads>();
    for (const p of this.tracked) {
      const plan = (await session.get({ type: 'plan', id: p.planId })) as Plan | undefined;
      if (!plan) {
        reads.set(p.planId, {});
        continue;
      }
      const context = (await session.get({ type: 'context', id: p.contextId })) as Context | undefined;
      const trace = await p.objects.trace();
      const confirm = await p.objects.confirm();
      reads.set(p.planId, { plan, ...(context ? { context } : {}), ...(trace ? { trace } : {}), ...(confirm ? { confirm } : {}) });
    }
    return structuredClone({ graph, events, reads, calls: ael.calls.length, inFlight: ael.inFlight() });
  }

  /**
   * Runs one operation between two captures. The trail is setup as much as evidence, so it is
   * held to its expectations both ways: an `accept` operation that is refused, or a `reject`
   * one that is accepted, ends the check — as a failure of `rule` when the check grades it,
   * else blocked by it (the rule's own checks show the root cause).
   */
  async record(label: string, expect: Expectation, op: () => Promise<OpResult | undefined>, ruleOf?: string | (() => Promise<string>)): Promise<TrailStep> {
    const before = this.last ?? (await this.capture());
    const answer = await op();
    const after = await this.capture();
    this.last = after;
    const step: TrailStep = { index: this.steps.length, label, expect, ...(answer ? { answer } : {}), before, after };
    this.steps.push(step);
    const unmet = (expect === 'accept' && answer && !answer.ok) || (expect === 'reject' && answer?.ok);
    const rule = unmet && ruleOf !== undefined ? (typeof ruleOf === 'string' ? ruleOf : await ruleOf()) : undefined;
    if (expect === 'accept' && answer) this.scenario.must(label, answer, rule);
    if (expect === 'reject' && answer?.ok) {
      throw new Stop({ ...(rule ? { requirement: rule } : {}), message: `the runtime accepted ${label}, which must be refused`, expected: { ok: false }, seen: answer, events: this.newEvents(step) });
    }
    return step;
  }

  get final(): Capture {
    if (!this.last) throw new Error('internal: the trail recorded nothing');
    return this.last;
  }

  /** Every plan and step of the tracked plans. */
  resources(): Resource[] {
    return this.tracked.flatMap((plan): Resource[] => [
      { id: plan.planId, plan, kind: 'plan', registered: plan.registered.status },
      ...plan.registered.steps.map((s): Resource => ({ id: s.step_id, plan, kind: 'step', registered: s.status })),
    ]);
  }

  /** Events that appeared during a step. */
  newEvents(step: TrailStep): BusEvent[] {
    return step.after.events.slice(step.before.events.length);
  }

  /** AEL calls that started during a step. */
  newCalls(step: TrailStep): AelCall[] {
    return this.scenario.ael.calls.slice(step.before.calls, step.after.calls);
  }

  label(resource: Resource): string {
    return resource.plan.nameOf(resource.id);
  }
}

/** Status of a plan or step as read back at a capture (undefined before it was loaded). */
export function statusAt(capture: Capture, resource: Resource): string | undefined {
  const plan = capture.reads.get(resource.plan.planId)?.plan;
  if (!plan) return undefined;
  if (resource.kind === 'plan') return plan.status;
  return plan.steps?.find((s) => s.step_id === resource.id)?.status;
}

export interface Representative {
  trail: Trail;
  diamond: PlanHandle;
  failing: PlanHandle;
}

/** Barrier that holds the diamond's two branches mid-run. */
export const MID_RUN_BARRIER = 'mid-run';

/**
 * Records the representative scenario in a fresh session, its runs under `underProfile` (by
 * default MAP when claimed, else SA). Namespace the ids with the check id (and the profile,
 * when a check records it once per profile) so no two trails share objects.
 */
export async function representativeTrail(ctx: CheckContext, namespace: string, underProfile?: Profile): Promise<Representative> {
  const scenario = await Scenario.open(ctx, namespace);
  const { session } = scenario;
  const trail = new Trail(scenario);
  const profile = underProfile ?? defaultProfile(ctx);

  // A runtime that does not claim approval gets its plans registered approved, so every
  // requirement this scenario grades is still reached (approval has its own checks).
  const gated = ctx.adapter.capabilities.approval;
  const start = gated ? {} : { status: 'approved' as const };
  const diamond = scenario.plan('diamond', {
    ...start,
    steps: { source: {}, left: { after: ['source'] }, right: { after: ['source'] }, join: { after: ['left', 'right'] } },
    actions: { left: { barrier: MID_RUN_BARRIER }, right: { barrier: MID_RUN_BARRIER } },
  });
  const cyclic = scenario.plan('cycle', { steps: { ping: { after: ['pong'] }, pong: { after: ['ping'] } } });
  const failing = scenario.plan('failing', {
    ...start,
    steps: { extract: { order_index: 0 }, transform: { after: ['extract'], order_index: 1 }, audit: { order_index: 2 } },
    actions: { extract: { fail: 'source unreachable (scripted)' } },
  });
  const planRef = (p: PlanHandle) => ({ type: 'plan' as const, id: p.planId });

  trail.track(diamond);
  await trail.record('load the diamond plan', 'accept', () => scenario.load(diamond), 'L3-PSG-007');
  await trail.record('load a plan whose steps depend on each other (cycle)', 'reject', () => scenario.load(cyclic), 'L3-DAG-001');
  if (gated) {
    await trail.record('diamond draft → in_progress (forbidden)', 'reject', () => session.transition(planRef(diamond), 'in_progress'), 'L3-LIFE-001');
    await trail.record('diamond draft → draft (same status)', 'any', () => session.transition(planRef(diamond), 'draft'));
    await trail.record('diamond draft → proposed', 'accept', () => session.transition(planRef(diamond), 'proposed'), 'L3-LIFE-003');
    await trail.record('approve the diamond through its Confirm', 'accept', () => session.confirm({ target_id: diamond.planId, status: 'approved', decided_by_role: 'reviewer' }), () => scenario.decisionRule(diamond, 'approved'));
  } else {
    await trail.record('diamond approved → draft (forbidden)', 'reject', () => session.transition(planRef(diamond), 'draft'), 'L3-LIFE-001');
    await trail.record('diamond approved → approved (same status)', 'any', () => session.transition(planRef(diamond), 'approved'));
  }

  const held = profile === 'map' ? Math.min(2, ctx.maxConcurrency) : 1;
  let run: ReturnType<Scenario['start']> | undefined;
  await trail.record(`run the diamond until ${held} branch(es) hold at a barrier`, 'any', async () => {
    run = scenario.start(diamond, profile);
    await scenario.arrivals(MID_RUN_BARRIER, held, profile === 'map' && held > 1 ? 'L3-MAP-001' : undefined);
    await scenario.quiesce();
    return undefined;
  });
  await trail.record('release the branches and await the run', 'accept', async () => {
    scenario.release(MID_RUN_BARRIER);
    return { ok: true, value: await scenario.finish(run!) };
  });
  await trail.record('completed diamond → draft (forbidden)', 'reject', () => session.transition(planRef(diamond), 'draft'), 'L3-LIFE-004');

  trail.track(failing);
  await trail.record('load the failing plan', 'accept', () => scenario.load(failing), 'L3-PSG-007');
  if (gated) {
    await trail.record('failing plan draft → proposed', 'accept', () => session.transition(planRef(failing), 'proposed'), 'L3-LIFE-003');
    await trail.record('approve the failing plan', 'accept', () => session.confirm({ target_id: failing.planId, status: 'approved', decided_by_role: 'reviewer' }), () => scenario.decisionRule(failing, 'approved'));
  }
  await trail.record('run the failing plan (its first step fails)', 'accept', async () => ({ ok: true, value: await scenario.finish(scenario.start(failing, profile), 'L3-AEL-002') }), 'L3-AEL-002');
  await trail.record('failed step → in_progress (forbidden)', 'reject', () => session.transition({ type: 'step', id: failing.stepId('extract') }, 'in_progress'), 'L3-LIFE-004');

  return { trail, diamond, failing };
}
