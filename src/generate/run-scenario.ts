// A plan run to generate: a valid DAG laid out in some step order, registered draft or
// approved, run under one profile, with scripted step outcomes — every action succeeds, or
// an antichain of steps is held at a barrier (proof of parallelism without timing), or one
// step fails. With a failure the plan keeps only the failing step, its ancestors and its
// descendants, so its end state follows from MUST rules alone (ancestors completed, the
// failed step failed, descendants blocked, never started) whatever the scheduling.

import fc from 'fast-check';
import type { Profile } from '../adapter/contract.js';
import type { ActionSpec, OperationSpec, PlanSpec } from '../kit/flows/spec.js';
import type { CaseEnv } from './case.js';
import { dagArbitrary, type DagOptions } from './dag-arbitraries.js';
import { ancestorsOf, descendantsOf, isAntichain, restrict, stepName, type Dag } from './dag.js';
import { approvalOperations, dagSteps, PROPERTY_WAIT_MS, type StartStatus, type StepLayout } from './flow-parts.js';
import { shrinkingBy, withoutEdge } from './shrink.js';

/** Barrier that holds the scenario's held steps. */
export const HOLD_BARRIER = 'hold';
export const PLANTED_FAILURE = 'planted failure';

export interface RunScenario {
  dag: Dag;
  layout: StepLayout;
  start: StartStatus;
  profile: Profile;
  /** Steps held at HOLD_BARRIER until released (an antichain; empty: no barrier). */
  held: number[];
  /** The one step whose action fails. */
  failing?: number;
}

export interface ScenarioOptions extends DagOptions {
  profiles: readonly Profile[];
  failure: 'never' | 'always' | 'sometimes';
  /** Plans may start as drafts approved through a Confirm (false: always registered approved). */
  approval?: boolean;
  /** Hold an antichain at a barrier in runs without a failure (default true). */
  barrier?: boolean;
}

const KEY_MAX = 15;

/** Keys → a permutation (stable sort: all-zero keys, the shrink target, give index order). */
function positionsFrom(keys: readonly number[], n: number): number[] {
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0));
}

/** Steps at the most common longest-path depth: no two of them depend on each other. */
export function widestLevel(dag: Dag): number[] {
  const depth: number[] = [];
  dag.deps.forEach((deps, i) => (depth[i] = deps.reduce((d, x) => Math.max(d, depth[x]! + 1), 0)));
  const levels = new Map<number, number[]>();
  depth.forEach((d, i) => levels.set(d, [...(levels.get(d) ?? []), i]));
  return [...levels.values()].reduce((best, l) => (l.length > best.length ? l : best), []);
}

/** The greedy antichain of the chosen steps, in choice order. */
function antichainOf(dag: Dag, chosen: readonly number[]): number[] {
  const out: number[] = [];
  for (const c of chosen) if (!out.includes(c) && isAntichain(dag, [...out, c])) out.push(c);
  return out.sort((a, b) => a - b);
}

/** The failing step with its ancestors and descendants only, renumbered. */
export function failurePlan(dag: Dag, failing: number): { dag: Dag; failing: number } {
  const keep = new Set([...ancestorsOf(dag, failing), failing, ...descendantsOf(dag, failing)]);
  const r = restrict(dag, keep);
  return { dag: r.dag, failing: r.indexOf.get(failing)! };
}

/** Run scenarios; they shrink by dropping steps, edges, held steps and layout details. */
export function runScenarioArbitrary(options: ScenarioOptions): fc.Arbitrary<RunScenario> {
  return shrinkingBy(drawnScenarios(options), smallerScenarios, isRunScenario);
}

function drawnScenarios(options: ScenarioOptions): fc.Arbitrary<RunScenario> {
  if (options.profiles.length === 0) throw new Error('internal: a run scenario needs a profile');
  const maxSteps = options.maxSteps ?? 8;
  const failure = options.failure === 'always' ? fc.nat() : options.failure === 'never' ? fc.constant(undefined) : fc.option(fc.nat(), { nil: undefined });
  return fc
    .record({
      dag: dagArbitrary(options),
      positionKeys: fc.array(fc.nat({ max: KEY_MAX }), { maxLength: maxSteps }),
      orderIndex: fc.array(fc.option(fc.nat({ max: 3 }), { nil: undefined }), { maxLength: maxSteps }),
      start: options.approval === false ? fc.constant<StartStatus>('approved') : fc.constantFrom<StartStatus>('draft', 'approved'),
      profile: fc.constantFrom(...options.profiles),
      // 'widest': hold a whole level, the widest parallelism the plan allows (more than any limit, at times).
      held: options.barrier === false ? fc.constant<number[] | 'widest'>([]) : fc.oneof(fc.constant<'widest'>('widest'), fc.array(fc.nat(), { maxLength: maxSteps })),
      failure,
    })
    .map((r) => {
      const base = r.failure === undefined ? { dag: r.dag } : failurePlan(r.dag, r.failure % r.dag.deps.length);
      const n = base.dag.deps.length;
      const layout: StepLayout = { positions: positionsFrom(r.positionKeys, n), orderIndex: Array.from({ length: n }, (_, i) => r.orderIndex[i]) };
      const held = 'failing' in base ? [] : r.held === 'widest' ? widestLevel(base.dag) : antichainOf(base.dag, r.held.map((h) => h % n));
      return { dag: base.dag, layout, start: r.start, profile: r.profile, held, ...('failing' in base ? { failing: base.failing } : {}) };
    });
}

/** The scenario on the kept steps only (renumbered); a failure keeps its ancestors and descendants only. */
function keepSteps(s: RunScenario, keep: ReadonlySet<number>): RunScenario {
  const r = restrict(s.dag, keep);
  const to = (i: number) => r.indexOf.get(i);
  const kept = (list: readonly number[]) => list.flatMap((i) => (keep.has(i) ? [to(i)!] : []));
  const layout: StepLayout = {
    positions: kept(s.layout.positions ?? s.dag.deps.map((_, i) => i)),
    orderIndex: [...keep].sort((a, b) => a - b).map((i) => s.layout.orderIndex?.[i]),
  };
  const out: RunScenario = { ...s, dag: r.dag, layout, held: kept(s.held) };
  if (s.failing === undefined) return out;
  out.failing = to(s.failing)!;
  const cone = new Set([...ancestorsOf(out.dag, out.failing), out.failing, ...descendantsOf(out.dag, out.failing)]);
  return cone.size === out.dag.deps.length ? out : keepSteps(out, cone);
}

function allBut(n: number, k: number): Set<number> {
  return new Set(Array.from({ length: n }, (_, i) => i).filter((i) => i !== k));
}

/** Scenarios one step, edge, held step or layout detail smaller (strictly, so shrinking ends). */
export function smallerScenarios(s: RunScenario): RunScenario[] {
  const n = s.dag.deps.length;
  const out: RunScenario[] = [];
  // No barrier first: a runtime that hangs on held steps costs a liveness bound per attempt.
  if (s.held.length > 1) out.push({ ...s, held: [] });
  if (n > 1) for (let k = 0; k < n; k++) if (k !== s.failing) out.push(keepSteps(s, allBut(n, k)));
  if (s.start === 'draft') out.push({ ...s, start: 'approved' });
  s.held.forEach((h) => out.push({ ...s, held: s.held.filter((x) => x !== h) }));
  s.dag.deps.forEach((deps, i) =>
    deps.forEach((d) => {
      const smaller = { ...s, dag: withoutEdge(s.dag, i, d) };
      // Dropping an edge only removes ancestor relations: held steps stay an antichain, a failure's cone may shrink.
      out.push(s.failing === undefined ? smaller : keepSteps(smaller, new Set(smaller.dag.deps.keys())));
    }),
  );
  const positions = s.layout.positions ?? [];
  if (positions.some((p, i) => p !== i)) out.push({ ...s, layout: { ...s.layout, positions: s.dag.deps.map((_, i) => i) } });
  (s.layout.orderIndex ?? []).forEach((o, i) => {
    if (o !== undefined) out.push({ ...s, layout: { ...s.layout, orderIndex: (s.layout.orderIndex ?? []).map((x, j) => (j === i ? undefined : x)) } });
  });
  return out;
}

function isRunScenario(value: unknown): value is RunScenario {
  const s = value as RunScenario | null;
  return Array.isArray(s?.dag?.deps) && Array.isArray(s?.held) && typeof s?.profile === 'string' && typeof s?.start === 'string';
}

/** How a step ends: `dependent` — depends on the failed step directly (pending → blocked is
 *  allowed, 'any dependency failed', and the kit's SHOULD L3-ORCH-003 asks for it); `below` —
 *  further down (blocked or still pending: its dependency is blocked, not failed). Neither starts. */
export type StepEnd = 'completed' | 'failed' | 'dependent' | 'below';

/** Final statuses the MUST rules imply: everything completes, or the failure's cone. */
export function predictedEnd(s: RunScenario): { plan: 'completed' | 'failed'; steps: StepEnd[] } {
  if (s.failing === undefined) return { plan: 'completed', steps: s.dag.deps.map(() => 'completed') };
  const below = descendantsOf(s.dag, s.failing);
  const direct = (i: number) => s.dag.deps[i]!.includes(s.failing!);
  return { plan: 'failed', steps: s.dag.deps.map((_, i) => (i === s.failing ? 'failed' : below.has(i) ? (direct(i) ? 'dependent' : 'below') : 'completed')) };
}

/** How many of the held steps reach the barrier at once: one under SA, up to the limit under MAP. */
function heldArrivals(s: RunScenario, env: CaseEnv): { arrivals: number | 'limit'; min_concurrency?: number; max_concurrency?: number } {
  const k = s.held.length;
  if (s.profile === 'sa') return { arrivals: 1 };
  // Pin the limit so a replay at another limit is skipped instead of graded against the wrong count.
  return k <= env.maxConcurrency ? { arrivals: k, min_concurrency: k } : { arrivals: 'limit', max_concurrency: k };
}

export interface ScenarioBody {
  plan: PlanSpec;
  actions?: Record<string, ActionSpec>;
  operations: OperationSpec[];
  min_concurrency?: number;
  max_concurrency?: number;
}

/**
 * The plan, scripted actions and operations of a scenario: load, approve, run to the end.
 * `gradeRunOutcome`: whether the run's answer must report the predicted plan status.
 */
export function scenarioBody(s: RunScenario, env: CaseEnv, { gradeRunOutcome = true } = {}): ScenarioBody {
  const outcome = gradeRunOutcome ? { expect: { plan: predictedEnd(s).plan } } : {};
  const plan: PlanSpec = { ...(s.start === 'approved' ? { status: 'approved' } : {}), steps: dagSteps(s.dag, s.layout) };
  const actions: Record<string, ActionSpec> = {};
  if (s.failing !== undefined) actions[stepName(s.failing)] = { fail: PLANTED_FAILURE };
  for (const h of s.held) actions[stepName(h)] = { barrier: HOLD_BARRIER };
  const setup: OperationSpec[] = [{ load: {} }, ...approvalOperations(s.start)];
  if (s.held.length === 0) {
    return { plan, ...(Object.keys(actions).length > 0 ? { actions } : {}), operations: [...setup, { run: { profile: s.profile, timeout_ms: PROPERTY_WAIT_MS, ...outcome } }] };
  }
  const { arrivals, ...pins } = heldArrivals(s, env);
  return {
    plan,
    actions,
    ...pins,
    operations: [
      ...setup,
      { run: { profile: s.profile, background: true } },
      { await_barrier: { name: HOLD_BARRIER, arrivals, timeout_ms: PROPERTY_WAIT_MS } },
      { check: { max_overlap: s.profile === 'sa' ? 1 : '<= limit' } },
      { release_barrier: HOLD_BARRIER },
      { await_run: { timeout_ms: PROPERTY_WAIT_MS, ...outcome } },
    ],
  };
}
