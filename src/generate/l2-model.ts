// The L2 lifecycle model the model-based walk checks runtimes against: a plan with a few
// steps, its Context and its Confirms, driven by operations of the adapter contract. The
// L2 tables (src/mplp/transitions.ts) decide the class of every status change; this file
// adds only what the tables name but do not evaluate (their guards) and what the contract
// couples (submission opens a Confirm, a decision moves a proposed plan, run executes).
//
// Every prediction is `accept` (the new state), `reject` (nothing may change) or
// `ungraded`: K rows, same-state requests, and requests the requirements leave open (a
// manual step change before the plan runs or after it ended, a run of a draft plan — which
// may wait instead of failing). The walk only issues graded operations.

import type { Profile } from '../adapter/contract.js';
import { classify, LIFECYCLE_TABLES, type GuardName, type TriggerName } from '../mplp/transitions.js';
import type { LifecycleObject } from '../mplp/types.js';
import { ancestorsOf } from './dag.js';

export type Decision = 'approved' | 'rejected' | 'cancelled';

export interface ConfirmState {
  /** Undefined when the spec leaves it open (a direct proposed → draft may or may not cancel it). */
  status: string | undefined;
}

/**
 * What the oracle knows of one resource's pipeline_stage changes: `changes` exactly, then —
 * when `then` is set, because the spec leaves the rest to the runtime — any further changes,
 * each into one of the `then` statuses.
 */
export interface ChangeHistory {
  changes: string[];
  then?: readonly string[];
}

export interface WalkState {
  /** deps[i]: steps step i depends on. */
  deps: readonly (readonly number[])[];
  /** Steps whose scripted action fails when a run executes it. */
  failing: readonly number[];
  /** The plan's pipeline_stage changes so far (known exactly while the walk grades). */
  planChanges: string[];
  stepChanges: ChangeHistory[];
  /** Steps the AEL must have been called for, and steps it must never have been called for. */
  called: number[];
  notCalled: number[];
  /** Dependency edges [dep, step] whose order the events must show (both ends surely ran). */
  ordered: [number, number][];
  plan: string;
  /** Step statuses; undefined once the plan ended by a manual change (not graded further). */
  steps: (string | undefined)[];
  context: string;
  /** Confirms targeting the plan, oldest first. */
  confirms: ConfirmState[];
  /**
   * Set when a manual step change met the condition for the plan's end ("Plan becomes
   * completed when all steps are completed or skipped", "failed when any critical step is
   * failed"): the runtime may end the plan itself or wait for the request, so the plan and
   * its open steps are no longer known and nothing further is graded.
   */
  planMayEnd?: 'completed' | 'failed';
}

export type WalkOp =
  | { op: 'transition'; target: 'plan' | 'context' | number; to: string }
  | { op: 'decide'; status: Decision }
  | { op: 'run'; profile: Profile }
  | { op: 'cancel' }
  | { op: 'pause' }
  | { op: 'resume' };

export type Prediction =
  | { verdict: 'accept'; next: WalkState; rule: string }
  | { verdict: 'reject'; rule: string }
  | { verdict: 'ungraded'; why: string };

const PLAN_TERMINAL = new Set(LIFECYCLE_TABLES.plan.terminal);
const STEP_TERMINAL = new Set(LIFECYCLE_TABLES.step.terminal);
const DONE = new Set(['completed', 'skipped']);

function ungraded(why: string): Prediction {
  return { verdict: 'ungraded', why };
}

function reject(rule: string): Prediction {
  return { verdict: 'reject', rule };
}

/** Guards whose failure a requirement says must reject; other failing guards are ungraded. */
const GRADED_GUARDS: Readonly<Record<GuardName, string | undefined>> = {
  plan_has_steps: 'L3-LIFE-003',
  context_active: 'L3-LIFE-007',
  confirm_approved: 'L3-APPR-003',
  plan_in_progress: 'L3-LIFE-008',
  dependencies_completed: 'L3-ORCH-001',
  all_steps_done: 'L3-LIFE-009',
  dependency_failed: undefined,
  new_review_round: undefined,
};

function guardHolds(s: WalkState, guard: GuardName, step?: number): boolean {
  switch (guard) {
    case 'plan_has_steps':
      return s.steps.length > 0;
    case 'context_active':
      return s.context === 'active';
    case 'confirm_approved':
      return s.confirms.some((c) => c.status === 'approved');
    case 'plan_in_progress':
      return s.plan === 'in_progress';
    case 'dependencies_completed':
      return s.deps[step!]!.every((d) => s.steps[d] === 'completed');
    case 'dependency_failed':
      return s.deps[step!]!.some((d) => s.steps[d] === 'failed' || s.steps[d] === 'blocked');
    case 'all_steps_done':
      return s.steps.every((x) => x !== undefined && DONE.has(x));
    case 'new_review_round':
      return false;
  }
}

function triggerHolds(s: WalkState, trigger: TriggerName): boolean {
  switch (trigger) {
    case 'step_failed':
      return s.steps.some((x) => x === 'failed');
  }
}

/** The table's answer for from → to, guards included. */
function tableVerdict(s: WalkState, object: LifecycleObject, from: string, to: string, step?: number): Prediction | { verdict: 'allowed'; rule: string } {
  const c = classify(object, from, to);
  if (c.kind === 'unknown-status') return ungraded(`${to} is not a ${object} status`);
  if (c.kind === 'same') return ungraded(`${object} ${from} → ${to} is no change`);
  if (c.kind === 'terminal' || c.row.class === 'R') return reject(c.row.rule);
  if (c.row.class === 'K') return ungraded(`K row: ${c.row.rule}`);
  for (const g of c.row.guards ?? []) {
    if (guardHolds(s, g, step)) continue;
    const requirement = GRADED_GUARDS[g];
    return requirement ? reject(`${c.row.rule} (guard ${g} does not hold; ${requirement})`) : ungraded(`guard ${g} does not hold`);
  }
  // A trigger that does not hold leaves the runtime free to refuse or accept (transitions.ts).
  for (const t of c.row.triggers ?? []) if (!triggerHolds(s, t)) return ungraded(`the row's trigger ${t} does not hold`);
  return { verdict: 'allowed', rule: c.row.rule };
}

function accept(next: WalkState, rule: string): Prediction {
  return { verdict: 'accept', next, rule };
}

function copy(s: WalkState): WalkState {
  return {
    ...s,
    steps: [...s.steps],
    confirms: s.confirms.map((c) => ({ ...c })),
    planChanges: [...s.planChanges],
    stepChanges: s.stepChanges.map((h) => ({ ...h, changes: [...h.changes] })),
    called: [...s.called],
    notCalled: [...s.notCalled],
    ordered: [...s.ordered],
  };
}

/** Statuses a runtime may settle a step into that never ran and never will (plan ended or a dependency failed). */
const SETTLED_UNRUN: readonly string[] = ['blocked', 'skipped', 'failed'];

function movePlan(next: WalkState, to: string): void {
  next.planChanges.push(`${next.plan} -> ${to}`);
  next.plan = to;
}

function moveStep(next: WalkState, step: number, to: string): void {
  next.stepChanges[step]!.changes.push(`${next.steps[step]} -> ${to}`);
  next.steps[step] = to;
}

/** A step whose status the runtime may still change within `then`: no longer known exactly. */
function loosen(next: WalkState, step: number, then: readonly string[]): void {
  next.steps[step] = undefined;
  next.stepChanges[step]!.then = then;
}

/** The Confirm a decision applies to: the latest one, if still pending. */
function latestConfirm(s: WalkState): ConfirmState | undefined {
  return s.confirms.at(-1);
}

function predictPlan(s: WalkState, to: string): Prediction {
  const t = tableVerdict(s, 'plan', s.plan, to);
  if (t.verdict !== 'allowed') return t;
  if (PLAN_TERMINAL.has(to) && s.steps.some((x) => x === 'in_progress')) return ungraded('the plan would end with a step in_progress');
  const next = copy(s);
  movePlan(next, to);
  if (to === 'proposed') {
    // Submission opens a pending Confirm (L3-APPR-002) unless one is still open or a rejected round may reopen (K).
    const latest = latestConfirm(s);
    if (latest?.status === 'rejected') return ungraded('a resubmission after a rejection reopens the round (K, FLOW-05)');
    // A withdrawn round's Confirm (status open) is reused or replaced: either way one is pending now.
    if (latest && latest.status === undefined) next.confirms[next.confirms.length - 1] = { status: 'pending' };
    else if (latest?.status !== 'pending') next.confirms.push({ status: 'pending' });
  }
  // A direct withdrawal proposed → draft: the spec does not say what becomes of the open Confirm.
  if (s.plan === 'proposed' && to === 'draft') {
    const latest = next.confirms.at(-1);
    if (latest?.status === 'pending') next.confirms[next.confirms.length - 1] = { status: undefined };
  }
  // Finished steps keep their status; open ones may be settled by the runtime as the plan ends.
  if (PLAN_TERMINAL.has(to)) next.steps.forEach((x, i) => (x !== undefined && STEP_TERMINAL.has(x) ? undefined : loosen(next, i, SETTLED_UNRUN)));
  return accept(next, t.rule);
}

function predictStep(s: WalkState, step: number, to: string): Prediction {
  const from = s.steps[step];
  if (from === undefined) {
    // An open step of a plan that ended by a manual change: a runtime may have settled it
    // (skipped, blocked, failed) as the plan ended, but none is in_progress afterwards.
    return to === 'in_progress' ? reject(`step → in_progress after the plan is ${s.plan} (L3-LIFE-010)`) : ungraded('an open step of a plan that ended by a manual change');
  }
  const t = tableVerdict(s, 'step', from, to, step);
  if (t.verdict !== 'allowed') return t;
  if (s.plan !== 'in_progress') return ungraded(`a manual step change while the plan is ${s.plan}`);
  const next = copy(s);
  moveStep(next, step, to);
  if (to === 'failed') next.planMayEnd = 'failed';
  else if (next.steps.every((x) => x !== undefined && DONE.has(x))) next.planMayEnd = 'completed';
  return accept(next, t.rule);
}

function predictContext(s: WalkState, to: string): Prediction {
  const t = tableVerdict(s, 'context', s.context, to);
  if (t.verdict !== 'allowed') return t;
  return accept({ ...copy(s), context: to }, t.rule);
}

function predictDecision(s: WalkState, status: Decision): Prediction {
  const latest = latestConfirm(s);
  if (!latest) return ungraded('no Confirm targets the plan');
  if (latest.status === undefined) return ungraded('the Confirm of a withdrawn plan may be pending or cancelled (the spec is silent)');
  if (latest.status === 'rejected') return status === 'cancelled' ? reject('confirm rejected → cancelled is not in the L2 successor list') : ungraded('a further decision on a rejected Confirm (K)');
  const t = classify('confirm', latest.status, status);
  if (t.kind !== 'row' || t.row.class !== 'A') return t.kind === 'terminal' || (t.kind === 'row' && t.row.class === 'R') ? reject(`${t.row.rule} (L3-APPR-005)`) : ungraded('no decision pair');
  const next = copy(s);
  next.confirms[next.confirms.length - 1] = { status };
  if (s.plan === 'proposed') movePlan(next, status === 'approved' ? 'approved' : 'draft');
  return accept(next, t.row.rule);
}

function predictRun(s: WalkState): Prediction {
  if (s.plan !== 'approved') return ungraded(`run of a ${s.plan} plan (may wait, start or continue)`);
  if (s.context !== 'active') return reject(`run of a plan whose Context is ${s.context} (L3-LIFE-007)`);
  if (!s.steps.every((x) => x === 'pending')) return ungraded('run of a plan with steps already moved by hand');
  const next = copy(s);
  movePlan(next, 'in_progress');
  const failing = new Set(s.failing);
  const all = s.steps.map((_, i) => i);
  if (failing.size === 0) {
    for (const i of all) {
      moveStep(next, i, 'in_progress');
      moveStep(next, i, 'completed');
      next.called.push(i);
      for (const d of s.deps[i]!) next.ordered.push([d, i]);
    }
    movePlan(next, 'completed');
    return accept(next, 'an approved plan whose actions succeed runs to completed (L3-ORCH-005)');
  }
  // A failing action fails its step and the plan; no step below a failed one starts (L3-ORCH-001).
  // Which other steps start before the runtime stops is its choice (fail-fast is a SHOULD).
  const below = (i: number) => [...ancestorsOf({ deps: s.deps as number[][] }, i)].some((a) => failing.has(a));
  const frontier = all.filter((i) => failing.has(i) && !below(i));
  for (const i of all) {
    if (below(i)) {
      loosen(next, i, ['blocked', 'skipped']);
      next.notCalled.push(i);
    } else if (frontier.length === 1 && frontier[0] === i) {
      // The only failing step whose dependencies can all complete: it surely runs and fails.
      moveStep(next, i, 'in_progress');
      moveStep(next, i, 'failed');
      next.called.push(i);
      for (const d of s.deps[i]!) next.ordered.push([d, i]);
    } else loosen(next, i, failing.has(i) ? ['in_progress', 'failed', 'blocked', 'skipped'] : ['in_progress', 'completed', 'blocked', 'skipped']);
  }
  movePlan(next, 'failed');
  return accept(next, 'a run whose action fails ends the plan failed and starts no step below the failed one (L3-ORCH-001, L3-LIFE-009)');
}

function predictCancel(s: WalkState): Prediction {
  if (s.plan === 'cancelled') return ungraded('cancel of a cancelled plan is no change');
  if (PLAN_TERMINAL.has(s.plan)) return reject(`${s.plan} is terminal for plan (L3-LIFE-004)`);
  if (s.plan !== 'in_progress') return ungraded(`cancel of a ${s.plan} plan (K)`);
  return predictPlan(s, 'cancelled');
}

export function predict(s: WalkState, op: WalkOp): Prediction {
  if (s.planMayEnd) return ungraded(`the runtime may have ended the plan ${s.planMayEnd} itself after the last step change`);
  switch (op.op) {
    case 'transition':
      return op.target === 'plan' ? predictPlan(s, op.to) : op.target === 'context' ? predictContext(s, op.to) : predictStep(s, op.target, op.to);
    case 'decide':
      return predictDecision(s, op.status);
    case 'run':
      return predictRun(s);
    case 'cancel':
      return predictCancel(s);
    case 'pause':
      return s.plan === 'in_progress' ? ungraded('pause of a plan moved to in_progress by hand, with no run') : reject(`pause of a ${s.plan} plan (L3-PAUSE-005)`);
    case 'resume':
      return reject('resume of a plan that is not paused (L3-PAUSE-005)');
  }
}

export function initialState(deps: readonly (readonly number[])[], plan: string, context: string, failing: readonly number[] = []): WalkState {
  return {
    deps,
    failing,
    plan,
    steps: deps.map(() => 'pending'),
    context,
    confirms: [],
    planChanges: [],
    stepChanges: deps.map(() => ({ changes: [] })),
    called: [],
    notCalled: [],
    ordered: [],
  };
}
