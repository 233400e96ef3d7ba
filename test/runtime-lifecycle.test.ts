// Reference runtime lifecycle: every pair of every L2 table (src/mplp/transitions.ts) driven
// through L3Runtime.transition, the cross-object guards, same-state no-ops, and a model-based
// walk over random plan transition sequences.

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { allPairs, classify, LIFECYCLE_TABLES, referenceAllows, type GuardName } from '../src/mplp/transitions.js';
import type { LifecycleObject } from '../src/mplp/types.js';
import { RuntimeError, TransitionError } from '../src/runtime/errors.js';
import type { L3Runtime, ObjectRef } from '../src/runtime/runtime.js';
import {
  buildCollab,
  buildConfirm,
  buildContext,
  buildPlan,
  buildTrace,
  expectAuditedEventsValid,
  newRuntime,
  observableState,
  statusChanges,
  stepIdFor,
} from './helpers/mplp-builders.js';

afterEach(expectAuditedEventsValid);

interface Arranged {
  rt: L3Runtime;
  ref: ObjectRef;
  /** VSL key that holds the object's state. */
  vslKey: string;
}

const ctx = buildContext('lifecycle');

async function arrangePlan(from: string): Promise<Arranged> {
  const rt = newRuntime();
  const plan = buildPlan('p', ctx, ['a']);
  const planRef = { type: 'plan' as const, id: plan.plan_id };
  const step = { type: 'step' as const, id: stepIdFor('p', 'a') };
  const arranged = { rt, ref: planRef, vslKey: `plans/${plan.plan_id}` };
  switch (from) {
    case 'draft':
      await rt.load({ contexts: [ctx], plans: [plan] });
      break;
    case 'proposed':
      // An approved Confirm targets the plan, so the confirm_approved guard holds.
      await rt.load({ contexts: [ctx], plans: [{ ...plan, status: 'proposed' }], confirms: [buildConfirm('ok', { type: 'plan', id: plan.plan_id }, 'approved')] });
      break;
    case 'cancelled':
      await rt.load({ contexts: [ctx], plans: [plan] });
      await rt.transition(planRef, 'cancelled');
      break;
    default: {
      await rt.load({ contexts: [ctx], plans: [{ ...plan, status: 'approved' }] });
      if (from === 'approved') break;
      await rt.transition(planRef, 'in_progress');
      if (from === 'failed') {
        await rt.transition(planRef, 'failed');
        break;
      }
      // Steps done, so the all_steps_done guard holds for in_progress → completed.
      await rt.transition(step, 'in_progress');
      await rt.transition(step, 'completed');
      if (from === 'completed') await rt.transition(planRef, 'completed');
    }
  }
  expect(rt.status(plan.plan_id)).toBe(from);
  return arranged;
}

/** Target step t; when the pair needs a failed dependency, t depends on a failed step d. */
async function arrangeStep(from: string, to: string): Promise<Arranged> {
  const rt = newRuntime();
  const needsFailedDependency = from === 'blocked' || (from === 'pending' && to === 'blocked');
  const plan = buildPlan('s', ctx, needsFailedDependency ? ['d', { name: 't', deps: ['d'] }] : ['t'], 'approved');
  const t = { type: 'step' as const, id: stepIdFor('s', 't') };
  const d = { type: 'step' as const, id: stepIdFor('s', 'd') };
  await rt.load({ contexts: [ctx], plans: [plan] });
  await rt.transition({ type: 'plan', id: plan.plan_id }, 'in_progress');
  if (needsFailedDependency) {
    await rt.transition(d, 'in_progress');
    await rt.transition(d, 'failed');
  }
  const path: Record<string, string[]> = {
    pending: [],
    in_progress: ['in_progress'],
    completed: ['in_progress', 'completed'],
    failed: ['in_progress', 'failed'],
    skipped: ['skipped'],
    blocked: ['blocked'],
  };
  for (const s of path[from]!) await rt.transition(t, s);
  expect(rt.status(t.id)).toBe(from);
  return { rt, ref: t, vslKey: `plans/${plan.plan_id}/steps/${t.id}` };
}

async function arrangeLoaded(object: 'context' | 'trace' | 'segment' | 'confirm' | 'collab', from: string): Promise<Arranged> {
  const rt = newRuntime();
  switch (object) {
    case 'context': {
      const c = buildContext('subject', from as never);
      await rt.load({ contexts: [c] });
      return { rt, ref: { type: 'context', id: c.context_id }, vslKey: `contexts/${c.context_id}` };
    }
    case 'collab': {
      const c = buildCollab('subject', ctx, from as never);
      await rt.load({ contexts: [ctx], collabs: [c] });
      return { rt, ref: { type: 'collab', id: c.collab_id }, vslKey: `collabs/${c.collab_id}` };
    }
    case 'trace': {
      const t = buildTrace('subject', ctx, { status: from as never });
      await rt.load({ contexts: [ctx], traces: [t] });
      return { rt, ref: { type: 'trace', id: t.trace_id }, vslKey: `traces/${t.trace_id}` };
    }
    case 'segment': {
      const t = buildTrace('subject', ctx, { status: 'running', segments: [{ name: 'seg', status: from as never }] });
      await rt.load({ contexts: [ctx], traces: [t] });
      const id = t.segments![0]!.segment_id;
      return { rt, ref: { type: 'segment', id }, vslKey: `traces/${t.trace_id}` };
    }
    case 'confirm': {
      // Targets a Context, so no plan status is coupled to the decision.
      const c = buildConfirm('subject', { type: 'context', id: ctx.context_id }, from as never);
      await rt.load({ contexts: [ctx], confirms: [c] });
      return { rt, ref: { type: 'confirm', id: c.confirm_id }, vslKey: `confirms/${c.confirm_id}` };
    }
  }
}

function arrange(object: LifecycleObject, from: string, to: string): Promise<Arranged> {
  if (object === 'plan') return arrangePlan(from);
  if (object === 'step') return arrangeStep(from, to);
  return arrangeLoaded(object, from);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected the request to be rejected, but it was accepted');
}

type Expected = { kind: 'accept' } | { kind: 'append-only' } | { kind: 'reject'; rule: string };

/** What the reference runtime must do with the pair, read from the tables alone. */
function expectedFor(object: LifecycleObject, from: string, to: string): Expected {
  const c = classify(object, from, to);
  if (c.kind === 'terminal') return { kind: 'reject', rule: c.row.rule };
  if (c.kind !== 'row') throw new Error(`unexpected classification ${c.kind}`);
  if (!referenceAllows(c.row)) return { kind: 'reject', rule: c.row.rule };
  // SEED-L3 §5.1: segments are written once in their final state and never modified.
  if (object === 'segment') return { kind: 'append-only' };
  return { kind: 'accept' };
}

const PAIRS = (Object.keys(LIFECYCLE_TABLES) as LifecycleObject[]).flatMap((object) =>
  allPairs(object)
    // K rows guarded by a reopened review round are exercised by the FLOW-05 tests below.
    .filter((p) => !(p.row.guards ?? []).includes('new_review_round'))
    .map((p) => ({ object, from: p.from, to: p.to, cls: p.terminal ? 'R (terminal)' : p.row.class })),
);

describe('every pair of every L2 table', () => {
  it('covers all seven tables and both A and R rows', () => {
    const objects = new Set(PAIRS.map((p) => p.object));
    expect([...objects].sort()).toEqual(['collab', 'confirm', 'context', 'plan', 'segment', 'step', 'trace']);
    expect(PAIRS.filter((p) => p.cls === 'A').length).toBe(
      Object.values(LIFECYCLE_TABLES).reduce((n, t) => n + t.rows.filter((r) => r.class === 'A').length, 0),
    );
    expect(PAIRS.some((p) => p.cls === 'R')).toBe(true);
  });

  it.each(PAIRS)('$object $from → $to ($cls)', async ({ object, from, to }) => {
    const expected = expectedFor(object, from, to);
    const { rt, ref, vslKey } = await arrange(object, from, to);
    const before = await observableState(rt);
    const eventsBefore = rt.events().length;

    if (expected.kind === 'accept') {
      await rt.transition(ref, to);
      expect(rt.status(ref.id)).toBe(to);
      const stored = (await rt.vsl.get(vslKey)) as { status: string };
      expect(stored.status).toBe(to);
      const stageEvents = statusChanges(rt.events().slice(eventsBefore));
      if (object === 'plan' || object === 'step') {
        expect(stageEvents.filter((e) => e.payload['resource_id'] === ref.id).map((e) => [e.payload['from_status'], e.payload['to_status']])).toEqual([[from, to]]);
        expect(stageEvents).toHaveLength(1);
      } else {
        expect(stageEvents).toHaveLength(0);
      }
      return;
    }

    const error = await rejection(rt.transition(ref, to));
    if (expected.kind === 'append-only') {
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as RuntimeError).code).toBe('APPEND_ONLY');
    } else {
      expect(error).toBeInstanceOf(TransitionError);
      const te = error as TransitionError;
      expect({ code: te.code, object: te.object, id: te.id, from: te.from, to: te.to, rule: te.rule }).toEqual({
        code: 'TRANSITION_FORBIDDEN',
        object,
        id: ref.id,
        from,
        to,
        rule: expected.rule,
      });
    }
    expect(rt.status(ref.id)).toBe(from);
    expect(await observableState(rt)).toBe(before);
  });
});

describe('same-state requests', () => {
  const SAME = (Object.keys(LIFECYCLE_TABLES) as LifecycleObject[]).flatMap((object) =>
    LIFECYCLE_TABLES[object].statuses.map((status) => ({ object, status })),
  );

  it.each(SAME)('$object $status → $status is a silent no-op', async ({ object, status }) => {
    const { rt, ref } = await arrange(object, status, status);
    const before = await observableState(rt);
    const traceBefore = JSON.stringify(rt.graph().nodes.filter((n) => n.type === 'trace').map((n) => rt.get({ type: 'trace', id: n.id })));
    await rt.transition(ref, status);
    expect(rt.status(ref.id)).toBe(status);
    expect(await observableState(rt)).toBe(before);
    expect(JSON.stringify(rt.graph().nodes.filter((n) => n.type === 'trace').map((n) => rt.get({ type: 'trace', id: n.id })))).toBe(traceBefore);
  });

  it('a repeated decision on a plan Confirm leaves the Confirm, the plan and its trace untouched', async () => {
    const rt = newRuntime();
    const plan = buildPlan('again', ctx, ['a']);
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.transition({ type: 'plan', id: plan.plan_id }, 'proposed');
    await rt.decide({ target_id: plan.plan_id, status: 'rejected', decided_by_role: 'reviewer' });
    const confirmId = rt.graph().nodes.find((n) => n.type === 'confirm')!.id;
    const before = await observableState(rt);
    const traceBefore = JSON.stringify(rt.get({ type: 'trace', id: rt.traceIdOf(plan.plan_id)! }));
    const confirmBefore = JSON.stringify(rt.get({ type: 'confirm', id: confirmId }));
    await rt.transition({ type: 'confirm', id: confirmId }, 'rejected');
    expect(await observableState(rt)).toBe(before);
    expect(JSON.stringify(rt.get({ type: 'confirm', id: confirmId }))).toBe(confirmBefore);
    expect(JSON.stringify(rt.get({ type: 'trace', id: rt.traceIdOf(plan.plan_id)! }))).toBe(traceBefore);
  });
});

describe('cross-object guards', () => {
  async function expectGuardFailure(rt: L3Runtime, ref: ObjectRef, to: string, guardHint: RegExp): Promise<void> {
    const from = rt.status(ref.id)!;
    const before = await observableState(rt);
    const error = await rejection(rt.transition(ref, to));
    expect(error).toBeInstanceOf(TransitionError);
    const te = error as TransitionError;
    expect({ code: te.code, object: te.object, id: te.id, from: te.from, to: te.to }).toEqual({ code: 'GUARD_FAILED', object: ref.type, id: ref.id, from, to });
    const c = classify(ref.type as LifecycleObject, from, to);
    expect(c.kind).toBe('row');
    expect(te.rule.startsWith((c as { row: { rule: string } }).row.rule)).toBe(true);
    expect(te.rule).toMatch(guardHint);
    expect(rt.status(ref.id)).toBe(from);
    expect(await observableState(rt)).toBe(before);
  }

  it('plan proposed → approved needs an approved Confirm', async () => {
    const rt = newRuntime();
    const plan = buildPlan('unconfirmed', ctx, ['a']);
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.transition({ type: 'plan', id: plan.plan_id }, 'proposed');
    await expectGuardFailure(rt, { type: 'plan', id: plan.plan_id }, 'approved', /no approved Confirm/);
  });

  it.each(['draft', 'suspended', 'archived'] as const)('plan approved → in_progress needs an active Context (Context %s)', async (contextStatus) => {
    const rt = newRuntime();
    const c = buildContext(`ctx-${contextStatus}`, contextStatus);
    const plan = buildPlan('inactive-ctx', c, ['a'], 'approved');
    await rt.load({ contexts: [c], plans: [plan] });
    await expectGuardFailure(rt, { type: 'plan', id: plan.plan_id }, 'in_progress', new RegExp(`Context is ${contextStatus}`));
  });

  it('plan approved → in_progress needs steps', async () => {
    const rt = newRuntime({ validateObjects: false });
    const plan = { ...buildPlan('empty', ctx, ['a'], 'approved'), steps: [] };
    await rt.load({ contexts: [ctx], plans: [plan] });
    await expectGuardFailure(rt, { type: 'plan', id: plan.plan_id }, 'in_progress', /no steps/);
  });

  it('plan in_progress → completed needs every step completed or skipped', async () => {
    const rt = newRuntime();
    const plan = buildPlan('unfinished', ctx, ['a', 'b'], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.transition({ type: 'plan', id: plan.plan_id }, 'in_progress');
    await rt.transition({ type: 'step', id: stepIdFor('unfinished', 'a') }, 'skipped');
    await expectGuardFailure(rt, { type: 'plan', id: plan.plan_id }, 'completed', /1 step\(s\) not completed/);
    await rt.transition({ type: 'step', id: stepIdFor('unfinished', 'b') }, 'in_progress');
    await rt.transition({ type: 'step', id: stepIdFor('unfinished', 'b') }, 'completed');
    await rt.transition({ type: 'plan', id: plan.plan_id }, 'completed');
    expect(rt.status(plan.plan_id)).toBe('completed');
  });

  it.each(['draft', 'proposed', 'approved'] as const)('step pending → in_progress needs the plan in_progress (plan %s)', async (planStatus) => {
    const rt = newRuntime();
    const plan = buildPlan('not-running', ctx, ['a'], planStatus);
    await rt.load({ contexts: [ctx], plans: [plan] });
    await expectGuardFailure(rt, { type: 'step', id: stepIdFor('not-running', 'a') }, 'in_progress', /not in_progress/);
  });

  it('step pending → in_progress needs every dependency completed', async () => {
    const rt = newRuntime();
    const plan = buildPlan('deps', ctx, ['a', 'b', { name: 'c', deps: ['a', 'b'] }], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.transition({ type: 'plan', id: plan.plan_id }, 'in_progress');
    const c = { type: 'step' as const, id: stepIdFor('deps', 'c') };
    await expectGuardFailure(rt, c, 'in_progress', /dependencies not completed/);
    await rt.transition({ type: 'step', id: stepIdFor('deps', 'a') }, 'in_progress');
    await rt.transition({ type: 'step', id: stepIdFor('deps', 'a') }, 'completed');
    await rt.transition({ type: 'step', id: stepIdFor('deps', 'b') }, 'in_progress');
    await expectGuardFailure(rt, c, 'in_progress', new RegExp(`${stepIdFor('deps', 'b')} \\(in_progress\\)`));
    await rt.transition({ type: 'step', id: stepIdFor('deps', 'b') }, 'completed');
    await rt.transition(c, 'in_progress');
    expect(rt.status(c.id)).toBe('in_progress');
  });

  it('step pending → blocked needs a failed dependency', async () => {
    const rt = newRuntime();
    const plan = buildPlan('block', ctx, ['a', { name: 'b', deps: ['a'] }], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.transition({ type: 'plan', id: plan.plan_id }, 'in_progress');
    await expectGuardFailure(rt, { type: 'step', id: stepIdFor('block', 'b') }, 'blocked', /no dependency failed/);
  });
});

describe('FLOW-05: a rejected Confirm reopens when the plan is resubmitted (K rows)', () => {
  async function submittedPlan() {
    const rt = newRuntime();
    const plan = buildPlan('flow05', ctx, ['a']);
    const ref = { type: 'plan' as const, id: plan.plan_id };
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.transition(ref, 'proposed');
    const confirmId = rt.graph().nodes.find((n) => n.type === 'confirm')!.id;
    return { rt, ref, confirmId };
  }
  const decisionsOf = (rt: L3Runtime, id: string) =>
    ((rt.get({ type: 'confirm', id }) as { decisions?: { status: string }[] }).decisions ?? []).map((d) => d.status);

  it('rejected → approved: one Confirm, two decisions, plan approved', async () => {
    const { rt, ref, confirmId } = await submittedPlan();
    await rt.decide({ target_id: ref.id, status: 'rejected', decided_by_role: 'reviewer' });
    expect(rt.status(ref.id)).toBe('draft');
    expect(rt.status(confirmId)).toBe('rejected');
    // Before resubmission the rejected round is closed: the K row's guard fails.
    await expect(rt.transition({ type: 'confirm', id: confirmId }, 'approved')).rejects.toMatchObject({ code: 'GUARD_FAILED', object: 'confirm' });
    await rt.transition(ref, 'proposed');
    expect(rt.graph().nodes.filter((n) => n.type === 'confirm')).toHaveLength(1);
    await rt.decide({ target_id: ref.id, status: 'approved', decided_by_role: 'reviewer' });
    expect(rt.status(confirmId)).toBe('approved');
    expect(rt.status(ref.id)).toBe('approved');
    expect(decisionsOf(rt, confirmId)).toEqual(['rejected', 'approved']);
  });

  it('rejected → rejected in a reopened round records the second decision and returns the plan to draft', async () => {
    const { rt, ref, confirmId } = await submittedPlan();
    await rt.decide({ target_id: ref.id, status: 'rejected', decided_by_role: 'reviewer' });
    await rt.transition(ref, 'proposed');
    await rt.decide({ target_id: ref.id, status: 'rejected', decided_by_role: 'reviewer' });
    expect(rt.status(ref.id)).toBe('draft');
    expect(rt.status(confirmId)).toBe('rejected');
    expect(decisionsOf(rt, confirmId)).toEqual(['rejected', 'rejected']);
    expect(((await rt.vsl.get(`confirms/${confirmId}`)) as { decisions: unknown[] }).decisions).toHaveLength(2);
  });
});

// ------------------------------------------------------------------ model-based walk

interface PlanModel {
  plan: string;
  context: string;
  confirms: { status: string; reopened: boolean }[];
  stepsDone: boolean;
}

interface PlanReal {
  rt: L3Runtime;
  planId: string;
  contextId: string;
  stepIds: string[];
}

type Verdict = { ok: true } | { ok: false; code: string };

async function attempt(fn: () => Promise<unknown>): Promise<Verdict> {
  try {
    await fn();
    return { ok: true };
  } catch (e) {
    return { ok: false, code: e instanceof RuntimeError ? e.code : `non-runtime error: ${String(e)}` };
  }
}

/** The table verdict for a change, with the model's guards. */
function tableVerdict(object: LifecycleObject, from: string, to: string, guard: (g: GuardName) => boolean): Verdict & { same?: boolean } {
  const c = classify(object, from, to);
  if (c.kind === 'same') return { ok: true, same: true };
  if (c.kind !== 'row' || !referenceAllows(c.row)) return { ok: false, code: 'TRANSITION_FORBIDDEN' };
  for (const g of c.row.guards ?? []) if (!guard(g)) return { ok: false, code: 'GUARD_FAILED' };
  return { ok: true };
}

function planGuard(m: PlanModel): (g: GuardName) => boolean {
  return (g) => {
    switch (g) {
      case 'confirm_approved':
        return m.confirms.some((c) => c.status === 'approved');
      case 'plan_has_steps':
        return true;
      case 'context_active':
        return m.context === 'active';
      case 'all_steps_done':
        return m.stepsDone;
      default:
        throw new Error(`guard ${g} is not a plan guard`);
    }
  };
}

async function expectAgreement(m: PlanModel, r: PlanReal): Promise<void> {
  expect(r.rt.status(r.planId)).toBe(m.plan);
  expect(r.rt.status(r.contextId)).toBe(m.context);
  const confirms = r.rt.graph().nodes.filter((n) => n.type === 'confirm').map((n) => n.status);
  expect(confirms.sort()).toEqual(m.confirms.map((c) => c.status).sort());
}

class PlanTo implements fc.AsyncCommand<PlanModel, PlanReal> {
  constructor(readonly to: string) {}
  check(): boolean {
    return true;
  }
  async run(m: PlanModel, r: PlanReal): Promise<void> {
    const expected = tableVerdict('plan', m.plan, this.to, planGuard(m));
    const actual = await attempt(() => r.rt.transition({ type: 'plan', id: r.planId }, this.to));
    expect({ ok: actual.ok, code: actual.ok ? undefined : actual.code }).toEqual({ ok: expected.ok, code: expected.ok ? undefined : expected.code });
    if (expected.ok && !expected.same) {
      if (this.to === 'proposed') {
        // §3.1/§3.5: submission creates a pending Confirm unless a round is open; rejected rounds reopen.
        if (!m.confirms.some((c) => c.status === 'pending' || c.status === 'rejected')) m.confirms.push({ status: 'pending', reopened: false });
        for (const c of m.confirms) if (c.status === 'rejected') c.reopened = true;
      }
      m.plan = this.to;
    }
    await expectAgreement(m, r);
  }
  toString(): string {
    return `plan → ${this.to}`;
  }
}

class Decide implements fc.AsyncCommand<PlanModel, PlanReal> {
  constructor(readonly status: 'approved' | 'rejected' | 'cancelled') {}
  check(): boolean {
    return true;
  }
  async run(m: PlanModel, r: PlanReal): Promise<void> {
    const open = m.confirms.find((c) => c.status === 'pending') ?? m.confirms.find((c) => c.status === 'rejected' && c.reopened);
    const actual = await attempt(() => r.rt.decide({ target_id: r.planId, status: this.status, decided_by_role: 'reviewer' }));
    if (!open) {
      expect(actual).toEqual({ ok: false, code: 'NOT_FOUND' });
    } else {
      const verdict = tableVerdict('confirm', open.status, this.status, (g) => g === 'new_review_round' && open.reopened);
      expect(actual).toEqual(verdict.ok ? { ok: true } : { ok: false, code: verdict.code });
      if (verdict.ok) {
        open.status = this.status;
        open.reopened = false;
        if (m.plan === 'proposed') m.plan = this.status === 'approved' ? 'approved' : 'draft';
      }
    }
    await expectAgreement(m, r);
  }
  toString(): string {
    return `decide ${this.status}`;
  }
}

class ContextTo implements fc.AsyncCommand<PlanModel, PlanReal> {
  constructor(readonly to: string) {}
  check(): boolean {
    return true;
  }
  async run(m: PlanModel, r: PlanReal): Promise<void> {
    const expected = tableVerdict('context', m.context, this.to, () => true);
    const actual = await attempt(() => r.rt.transition({ type: 'context', id: r.contextId }, this.to));
    expect(actual).toEqual(expected.ok ? { ok: true } : { ok: false, code: expected.code });
    if (expected.ok) m.context = this.to;
    await expectAgreement(m, r);
  }
  toString(): string {
    return `context → ${this.to}`;
  }
}

class FinishSteps implements fc.AsyncCommand<PlanModel, PlanReal> {
  check(m: Readonly<PlanModel>): boolean {
    return m.plan === 'in_progress' && !m.stepsDone;
  }
  async run(m: PlanModel, r: PlanReal): Promise<void> {
    for (const id of r.stepIds) {
      await r.rt.transition({ type: 'step', id }, 'in_progress');
      await r.rt.transition({ type: 'step', id }, 'completed');
    }
    m.stepsDone = true;
    await expectAgreement(m, r);
  }
  toString(): string {
    return 'finish steps';
  }
}

describe('model-based: random plan transition sequences against the tables', () => {
  it('accepts exactly what the model accepts and ends in the same statuses', async () => {
    const commands = fc.commands(
      [
        fc.constantFrom(...LIFECYCLE_TABLES.plan.statuses).map((to) => new PlanTo(to)),
        fc.constantFrom('approved', 'rejected', 'cancelled' as const).map((s) => new Decide(s)),
        fc.constantFrom('active', 'suspended', 'active', 'suspended', 'draft', 'archived', 'closed').map((to) => new ContextTo(to)),
        fc.constant(new FinishSteps()),
      ],
      { maxCommands: 30 },
    );
    let walk = 0;
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const c = buildContext(`model-${walk}`);
        const plan = buildPlan(`model-${walk}`, c, ['a', 'b']);
        walk++;
        const rt = newRuntime();
        await rt.load({ contexts: [c], plans: [plan] });
        await fc.asyncModelRun(
          () => ({
            model: { plan: 'draft', context: 'active', confirms: [], stepsDone: false } satisfies PlanModel,
            real: { rt, planId: plan.plan_id, contextId: c.context_id, stepIds: plan.steps.map((s) => s.step_id) } satisfies PlanReal,
          }),
          cmds,
        );
      }),
      { numRuns: 50 },
    );
  });
});

describe('L3-LIFE-010: no step status changes once the plan is terminal', () => {
  for (const end of ['cancelled', 'failed']) {
    it(`plan ${end}: a manual pending → skipped is rejected and changes nothing; pending → pending stays a no-op`, async () => {
      const { rt } = await arrangePlan(end);
      const step = { type: 'step' as const, id: stepIdFor('p', 'a') };
      expect(rt.status(step.id)).toBe('pending');
      const before = await observableState(rt);
      const e = await rejection(rt.transition(step, 'skipped'));
      expect(e).toBeInstanceOf(RuntimeError);
      expect((e as RuntimeError).code).toBe('INVALID_STATE');
      expect((e as Error).message).toContain('L3-LIFE-010');
      expect(await observableState(rt)).toEqual(before);
      await rt.transition(step, 'pending');
      expect(await observableState(rt)).toEqual(before);
    });
  }
});
