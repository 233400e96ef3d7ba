// Plans a runtime must refuse at registration, each a valid DAG with one planted defect:
// a back edge that closes a cycle, a self-loop, a long dependency ring hidden behind the
// valid steps, a dependency or context_id pointing nowhere, or two steps sharing a step_id.
// Defects are data, so cases shrink (smaller DAG, shorter ring) and read well in reports.

import fc from 'fast-check';
import type { PlanSpec, StepSpec } from '../kit/flows/spec.js';
import { dagArbitrary, type DagOptions } from './dag-arbitraries.js';
import { ancestorsOf, stepName, type Dag } from './dag.js';
import { dagSteps } from './flow-parts.js';
import { indexAfterRemoving, shrinkingBy, withoutEdge, withoutStep } from './shrink.js';

export type PlanDefect =
  /** Step `from` gets a dependency on its descendant `to`. */
  | { kind: 'back-edge'; from: number; to: number }
  | { kind: 'self-loop'; step: number }
  /** `length` extra steps in a ring, the first also depending on valid step `entry`. */
  | { kind: 'long-cycle'; length: number; entry: number }
  | { kind: 'dangling-dependency'; step: number }
  | { kind: 'dangling-context' }
  /** Step `step` reuses the step_id of step `copyOf`. */
  | { kind: 'duplicate-id'; step: number; copyOf: number };

export type DefectKind = PlanDefect['kind'];

export const CYCLIC_DEFECTS: readonly DefectKind[] = ['back-edge', 'self-loop', 'long-cycle'];
export const DANGLING_DEFECTS: readonly DefectKind[] = ['dangling-dependency', 'dangling-context'];
export const DEFECT_KINDS: readonly DefectKind[] = [...CYCLIC_DEFECTS, ...DANGLING_DEFECTS, 'duplicate-id'];

export interface DefectivePlan {
  dag: Dag;
  defect: PlanDefect;
}

/** Name of the dependency that resolves to no step of any plan. */
export const GHOST_STEP = 'ghost';

/** Every (ancestor, descendant) pair: a dependency from the first on the second closes a cycle. */
function backEdgeCandidates(dag: Dag): [number, number][] {
  return dag.deps.flatMap((_, d) => [...ancestorsOf(dag, d)].map((a): [number, number] => [a, d]));
}

function defectArbitrary(kind: DefectKind, dag: Dag, maxRing: number): fc.Arbitrary<PlanDefect> {
  const n = dag.deps.length;
  const anyStep = fc.nat({ max: n - 1 });
  switch (kind) {
    case 'back-edge': {
      const pairs = backEdgeCandidates(dag);
      // A DAG without edges has no back edge to add: the smallest cycle left is a self-loop.
      if (pairs.length === 0) return anyStep.map((step) => ({ kind: 'self-loop', step }));
      return fc.nat({ max: pairs.length - 1 }).map((k) => ({ kind: 'back-edge', from: pairs[k]![0], to: pairs[k]![1] }));
    }
    case 'self-loop':
      return anyStep.map((step) => ({ kind: 'self-loop', step }));
    case 'long-cycle':
      return fc.record({ length: fc.integer({ min: 2, max: Math.max(2, maxRing) }), entry: anyStep }).map((r) => ({ kind: 'long-cycle', ...r }));
    case 'dangling-dependency':
      return anyStep.map((step) => ({ kind: 'dangling-dependency', step }));
    case 'dangling-context':
      return fc.constant({ kind: 'dangling-context' });
    case 'duplicate-id':
      if (n < 2) throw new Error('internal: a duplicate step id needs a plan of two steps');
      return fc.tuple(anyStep, fc.nat({ max: n - 2 })).map(([step, k]) => ({ kind: 'duplicate-id', step, copyOf: k < step ? k : k + 1 }));
  }
}

export interface DefectOptions extends DagOptions {
  kinds?: readonly DefectKind[];
  /** Longest ring of a long cycle (default 8). */
  maxRing?: number;
}

/** A valid DAG with one defect of the requested kinds; shrinks to smaller plans with the same kind of defect. */
export function defectivePlanArbitrary(options: DefectOptions = {}): fc.Arbitrary<DefectivePlan> {
  const kinds = options.kinds ?? DEFECT_KINDS;
  const minSteps = kinds.every((k) => k === 'duplicate-id') ? Math.max(2, options.minSteps ?? 2) : options.minSteps;
  const drawn = fc
    .tuple(fc.constantFrom(...kinds), dagArbitrary({ ...options, ...(minSteps !== undefined ? { minSteps } : {}) }))
    .filter(([kind, dag]) => kind !== 'duplicate-id' || dag.deps.length >= 2)
    .chain(([kind, dag]) => defectArbitrary(kind, dag, options.maxRing ?? 8).map((defect) => ({ dag, defect })));
  return shrinkingBy(drawn, smallerDefectivePlans, isDefectivePlan);
}

/** Steps a defect names: they stay while shrinking. */
function defectSteps(d: PlanDefect): number[] {
  switch (d.kind) {
    case 'back-edge':
      return [d.from, d.to];
    case 'self-loop':
    case 'dangling-dependency':
      return [d.step];
    case 'long-cycle':
      return [d.entry];
    case 'dangling-context':
      return [];
    case 'duplicate-id':
      return [d.step, d.copyOf];
  }
}

function renumberDefect(d: PlanDefect, to: (i: number) => number): PlanDefect {
  switch (d.kind) {
    case 'back-edge':
      return { ...d, from: to(d.from), to: to(d.to) };
    case 'self-loop':
    case 'dangling-dependency':
      return { ...d, step: to(d.step) };
    case 'long-cycle':
      return { ...d, entry: to(d.entry) };
    case 'dangling-context':
      return d;
    case 'duplicate-id':
      return { ...d, step: to(d.step), copyOf: to(d.copyOf) };
  }
}

/** The defect still closes a cycle / points nowhere / duplicates an id in this DAG. */
function stillDefective(p: DefectivePlan): boolean {
  return p.defect.kind !== 'back-edge' || ancestorsOf(p.dag, p.defect.to).has(p.defect.from);
}

/** Plans one step, one edge or one ring link smaller, with the same kind of defect. */
export function smallerDefectivePlans(p: DefectivePlan): DefectivePlan[] {
  const named = new Set(defectSteps(p.defect));
  const fewerSteps = p.dag.deps.length > 1
    ? p.dag.deps.flatMap((_, k) => (named.has(k) ? [] : [{ dag: withoutStep(p.dag, k), defect: renumberDefect(p.defect, (i) => indexAfterRemoving(k)(i)!) }]))
    : [];
  const fewerEdges = p.dag.deps.flatMap((deps, i) => deps.map((d) => ({ dag: withoutEdge(p.dag, i, d), defect: p.defect })));
  const shorterRing = p.defect.kind === 'long-cycle' && p.defect.length > 2 ? [{ dag: p.dag, defect: { ...p.defect, length: p.defect.length - 1 } }] : [];
  return [...fewerSteps, ...shorterRing, ...fewerEdges].filter(stillDefective);
}

function isDefectivePlan(value: unknown): value is DefectivePlan {
  const p = value as DefectivePlan | null;
  return typeof p?.defect?.kind === 'string' && DEFECT_KINDS.includes(p.defect.kind) && Array.isArray(p.dag?.deps);
}

/** Steps of the ring of a long cycle, named after the valid steps. */
function ringSteps(n: number, length: number, entry: number): Record<string, StepSpec> {
  const out: Record<string, StepSpec> = {};
  for (let k = 0; k < length; k++) {
    const previous = stepName(n + ((k + length - 1) % length));
    out[stepName(n + k)] = { after: k === 0 ? [stepName(entry), previous] : [previous] };
  }
  return out;
}

function withDependency(step: StepSpec | null | undefined, dep: string): StepSpec {
  return { ...step, after: [...(step?.after ?? []), dep] };
}

/** The plan DSL of a defective plan. */
export function defectivePlanSpec(p: DefectivePlan): PlanSpec {
  const steps = dagSteps(p.dag);
  const d = p.defect;
  switch (d.kind) {
    case 'back-edge':
      steps[stepName(d.from)] = withDependency(steps[stepName(d.from)], stepName(d.to));
      return { steps };
    case 'self-loop':
      steps[stepName(d.step)] = withDependency(steps[stepName(d.step)], stepName(d.step));
      return { steps };
    case 'long-cycle':
      return { steps: { ...steps, ...ringSteps(p.dag.deps.length, d.length, d.entry) } };
    case 'dangling-dependency':
      steps[stepName(d.step)] = { ...steps[stepName(d.step)], after_unknown: [GHOST_STEP] };
      return { steps };
    case 'dangling-context':
      return { context: 'missing', steps };
    case 'duplicate-id':
      steps[stepName(d.step)] = { ...steps[stepName(d.step)], id_of: stepName(d.copyOf) };
      return { steps };
  }
}
