// Model-based walk: fast-check commands (fc.commands) over the L2 tables — status changes of
// the plan, its steps and its Context (forbidden ones included), Confirm decisions, runs,
// cancels and, when claimed, pause/resume. fc.modelRun replays the commands against the L2
// model (l2-model.ts), which writes each one down as a flow operation with the model's
// verdict: an accepted one must be accepted and lead to the model's state (a `check` of
// every status right after it), a forbidden one must be rejected and change nothing.
// fast-check shrinks the command list; ungraded commands are never issued.

import fc from 'fast-check';
import type { Profile } from '../../adapter/contract.js';
import type { ExpectationSpec, OperationSpec } from '../../kit/flows/spec.js';
import { LIFECYCLE_TABLES } from '../../mplp/transitions.js';
import { finishCase, type CaseEnv } from '../case.js';
import { stepName, type Dag } from '../dag.js';
import { dagArbitrary } from '../dag-arbitraries.js';
import { dagSteps, PROPERTY_WAIT_MS } from '../flow-parts.js';
import { initialState, predict, type ChangeHistory, type Decision, type Prediction, type WalkOp, type WalkState } from '../l2-model.js';
import type { PropertyCases } from './cases.js';

const STEP_TERMINAL: ReadonlySet<string> = new Set(LIFECYCLE_TABLES.step.terminal);
const PLAN_TERMINAL: ReadonlySet<string> = new Set(LIFECYCLE_TABLES.plan.terminal);

/** The walked plans: a rule must hold whatever the plan's shape, so the walk picks one of
 *  one step, a chain, a chain beside an independent step, and a diamond. */
export const WALK_PLANS: readonly Dag[] = [
  { deps: [[]] },
  { deps: [[], [0]] },
  { deps: [[], [0], []] },
  { deps: [[], [0], [0], [1, 2]] },
];

export interface WalkStart {
  /** `in_progress`: registered approved, then moved to in_progress by hand as the walk's first move. */
  plan: 'draft' | 'approved' | 'in_progress';
  context: 'active' | 'draft' | 'suspended';
}

export interface Walk {
  start: WalkStart;
  plan: Dag;
  /** Steps whose action fails when a run executes it (oracle walks only). */
  failing: number[];
  commands: Iterable<fc.Command<WalkModel, WalkScript>>;
}

export interface WalkModel {
  state: WalkState;
  /** Grade everything the oracle predicts after each operation, not only statuses. */
  oracle: boolean;
  profilesRun: Profile[];
}

/** The flow operations a walk writes down. */
export interface WalkScript {
  operations: OperationSpec[];
}

function targetName(target: 'plan' | 'context' | number): string {
  return typeof target === 'number' ? `step:${stepName(target)}` : target;
}

export function describeOp(op: WalkOp): string {
  switch (op.op) {
    case 'transition':
      return `${targetName(op.target)} → ${op.to}`;
    case 'decide':
      return `confirm ${op.status}`;
    case 'run':
      return `run (${op.profile})`;
    default:
      return op.op;
  }
}

const REJECTED = { ok: false, unchanged: true } as const;

/** The operation of a graded command, with the answer the model expects. */
function operationOf(op: WalkOp, p: Prediction): OperationSpec {
  const expect = p.verdict === 'reject' ? { expect: REJECTED } : {};
  switch (op.op) {
    case 'transition':
      return { transition: { target: targetName(op.target), to: op.to, ...expect } };
    case 'decide':
      return { confirm: { status: op.status, ...expect } };
    case 'run':
      return { run: { profile: op.profile, timeout_ms: PROPERTY_WAIT_MS, ...(p.verdict === 'accept' ? { expect: { plan: p.next.plan } } : expect) } };
    case 'cancel':
      return { cancel: expect };
    case 'pause':
      return { pause: expect };
    case 'resume':
      return { resume: expect };
  }
}

/** Every status the model knows, as a `final` block. */
export function stateExpectation(s: WalkState): NonNullable<ExpectationSpec['final']> {
  // Once the plan may have ended by itself, only its finished steps are known.
  const known = (x: string | undefined): x is string => x !== undefined && (!s.planMayEnd || STEP_TERMINAL.has(x));
  const steps = Object.fromEntries(s.steps.flatMap((x, i) => (known(x) ? [[stepName(i), x]] : [])));
  const confirm = s.confirms.at(-1)?.status;
  return {
    ...(s.planMayEnd ? {} : { plan: s.plan }),
    context: s.context,
    ...(Object.keys(steps).length > 0 ? { steps } : {}),
    // The plan's current Confirm (the open one, else the latest decided: one per round or one for all).
    ...(confirm !== undefined ? { confirm } : {}),
  };
}

/** A resource's pipeline_stage changes as a `transitions` chain: exact, then `* -> a|b` if open. */
function chainOf(h: ChangeHistory, more?: readonly string[]): string[] {
  const then = [...new Set([...(h.then ?? []), ...(more ?? [])])];
  return [...h.changes, ...(then.length > 0 ? [`* -> ${then.join('|')}`] : [])];
}

/**
 * Everything the oracle predicts of the session at this point (issue 16): statuses read
 * through get() and graph(), every plan and step pipeline_stage change (exactly, or within the
 * latitude the spec leaves), the steps the AEL ran and never ran, the dependency order of the
 * steps that ran, and the total pipeline_stage count when every change is known.
 */
export function oracleExpectation(s: WalkState): ExpectationSpec {
  const final = stateExpectation(s);
  const { trace: _t, confirm: _c, collab: _o, ...graphFinal } = final;
  // Once the plan may end by itself, it and its open steps may still change as it ends.
  const mayEnd = s.planMayEnd ? [s.planMayEnd] : undefined;
  const transitions: Record<string, string[]> = { plan: chainOf({ changes: s.planChanges }, mayEnd) };
  s.stepChanges.forEach((h, i) => {
    const open = s.planMayEnd && !(s.steps[i] !== undefined && STEP_TERMINAL.has(s.steps[i]!));
    transitions[stepName(i)] = chainOf(h, open ? ['blocked', 'skipped', 'failed'] : undefined);
  });
  const exact = !s.planMayEnd && s.stepChanges.every((h) => h.then === undefined);
  const total = s.planChanges.length + s.stepChanges.reduce((n, h) => n + h.changes.length, 0);
  return {
    final,
    graph_final: graphFinal,
    transitions,
    ...(exact ? { events: { pipeline_stage: total } } : {}),
    ...(s.called.length + s.notCalled.length > 0 ? { ael: { ...(s.called.length > 0 ? { called: s.called.map(stepName) } : {}), ...(s.notCalled.length > 0 ? { not_called: s.notCalled.map(stepName) } : {}) } } : {}),
    ...(s.ordered.length > 0 ? { order: s.ordered.map(([d, i]) => `${stepName(d)}.completed < ${stepName(i)}.in_progress`) } : {}),
  };
}

class WalkCommand implements fc.Command<WalkModel, WalkScript> {
  constructor(readonly op: WalkOp) {}

  check(m: Readonly<WalkModel>): boolean {
    return predict(m.state, this.op).verdict !== 'ungraded';
  }

  run(m: WalkModel, r: WalkScript): void {
    const p = predict(m.state, this.op);
    r.operations.push(operationOf(this.op, p));
    if (p.verdict === 'accept') {
      m.state = p.next;
      if (this.op.op === 'run') m.profilesRun.push(this.op.profile);
      r.operations.push({ check: m.oracle ? oracleExpectation(m.state) : { final: stateExpectation(m.state) } });
    }
  }

  toString(): string {
    return describeOp(this.op);
  }
}

export interface WalkOptions {
  /** Include pause and resume (only when the adapter claims pauseResume). */
  pauseResume: boolean;
  /** The full oracle: failing actions, and every prediction graded after each operation. */
  oracle?: boolean;
  maxCommands?: number;
}

function commandArbitraries(env: CaseEnv, options: WalkOptions, plan: Dag): fc.Arbitrary<fc.Command<WalkModel, WalkScript>>[] {
  const command = (op: WalkOp) => new WalkCommand(op);
  const steps = plan.deps.map((_, i) => i);
  const stepChange = fc.tuple(fc.constantFrom(...steps), fc.constantFrom(...LIFECYCLE_TABLES.step.statuses)).map(([i, to]) => command({ op: 'transition', target: i, to }));
  const decision = fc.constantFrom<Decision>('approved', 'rejected', 'cancelled').map((status) => command({ op: 'decide', status }));
  // Without approval there are no Confirms to decide and no submission to wait on.
  const planTargets = env.approval ? LIFECYCLE_TABLES.plan.statuses : LIFECYCLE_TABLES.plan.statuses.filter((s) => s !== 'proposed');
  const planChange = fc.constantFrom(...planTargets).map((to) => command({ op: 'transition', target: 'plan', to }));
  // Plan and decision commands twice, step commands four times: they reach the most states.
  const list: fc.Arbitrary<fc.Command<WalkModel, WalkScript>>[] = [
    planChange,
    planChange,
    stepChange,
    stepChange,
    stepChange,
    stepChange,
    ...(env.approval ? [decision, decision] : []),
    fc.constantFrom(...LIFECYCLE_TABLES.context.statuses).map((to) => command({ op: 'transition', target: 'context', to })),
    fc.constant(null).map(() => command({ op: 'cancel' })),
  ];
  if (env.profiles.length > 0) list.push(fc.constantFrom<Profile>(...env.profiles).map((profile) => command({ op: 'run', profile })));
  if (options.pauseResume) list.push(fc.constant(null).map(() => command({ op: 'pause' })), fc.constant(null).map(() => command({ op: 'resume' })));
  return list;
}

/** The plan status a walk registers. */
function registeredStatus(start: WalkStart): 'draft' | 'approved' {
  return start.plan === 'draft' ? 'draft' : 'approved';
}

/** Runs the commands through the model and writes the walk down as a flow body. */
export function walkScript(walk: Walk, oracle = false): { operations: OperationSpec[]; end: WalkState; profilesRun: Profile[] } {
  const model: WalkModel = { state: initialState(walk.plan.deps, registeredStatus(walk.start), walk.start.context, walk.failing), oracle, profilesRun: [] };
  const script: WalkScript = { operations: [{ load: {} }] };
  // Most step rows need a plan in_progress: some walks start there (through a graded move).
  if (walk.start.plan === 'in_progress') new WalkCommand({ op: 'transition', target: 'plan', to: 'in_progress' }).run(model, script);
  fc.modelRun(() => ({ model, real: script }), walk.commands);
  return { operations: script.operations, end: model.state, profilesRun: model.profilesRun };
}

export function lifecycleWalkCases(options: WalkOptions): PropertyCases<Walk> {
  return {
    property: options.oracle
      ? 'after every operation the runtime shows what the L2 oracle predicts: the same verdict, statuses through get() and graph(), stage events, AEL calls and order'
      : 'every operation the L2 model accepts is accepted and leads to the model\'s state; every one it forbids is rejected and changes nothing',
    unavailable: (env) => (options.pauseResume && !env.pauseResume ? 'the adapter does not claim pauseResume' : undefined),
    arbitrary: (env) =>
      // The oracle walks generated DAGs of up to 8 steps as well (every shape of dag-arbitraries).
      (options.oracle ? fc.oneof(fc.constantFrom(...WALK_PLANS), dagArbitrary({ maxSteps: 8 })) : fc.constantFrom(...WALK_PLANS)).chain((plan) =>
        fc.record({
          start: fc.record({ plan: fc.constantFrom<WalkStart['plan']>('draft', 'approved', 'in_progress'), context: fc.constantFrom<WalkStart['context']>('active', 'active', 'draft', 'suspended') }),
          plan: fc.constant(plan),
          // An oracle walk fails some actions in a quarter of its cases.
          failing: options.oracle ? fc.oneof({ weight: 3, arbitrary: fc.constant<number[]>([]) }, { weight: 1, arbitrary: fc.subarray(plan.deps.map((_, i) => i), { minLength: 1 }) }) : fc.constant<number[]>([]),
          commands: fc.commands(commandArbitraries(env, options, plan), { maxCommands: options.maxCommands ?? 24, size: 'large' }),
        }),
      ),
    toCase: (walk, _env, owner) => {
      const oracle = options.oracle ?? false;
      const { operations, end, profilesRun } = walkScript(walk, oracle);
      const start = walk.start;
      const failing = walk.failing.length > 0 ? `, failing ${walk.failing.map(stepName).join(', ')}` : '';
      return finishCase(owner, {
        description: `L2 ${oracle ? 'oracle' : 'model'} walk of a ${walk.plan.deps.length}-step plan from plan ${start.plan}, context ${start.context}${failing}`,
        context: { status: start.context },
        plan: { ...(registeredStatus(start) === 'approved' ? { status: 'approved' } : {}), steps: dagSteps(walk.plan) },
        ...(walk.failing.length > 0 ? { actions: Object.fromEntries(walk.failing.map((i) => [stepName(i), { fail: 'scripted failure' }])) } : {}),
        operations,
        expect: oracle ? { ...oracleExpectation(end), ...endInvariants(end, profilesRun) } : { final: stateExpectation(end) },
      });
    },
  };
}

/** What holds at the end of any oracle walk: event chains, envelopes and graph sums, no step
 *  running past the plan's end, and no SA overlap. */
function endInvariants(s: WalkState, profilesRun: readonly Profile[]): ExpectationSpec {
  return {
    chains: true,
    events_valid: true,
    graph_deltas: true,
    objects_valid: true,
    ...(PLAN_TERMINAL.has(s.plan) ? { no_step_running_after_end: true } : {}),
    ...(profilesRun.length > 0 ? { max_overlap: profilesRun.includes('map') ? '<=limit' : '<=1' } : {}),
  };
}
