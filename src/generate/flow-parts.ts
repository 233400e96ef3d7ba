// Pieces of golden flows shared by the property cases: a DAG as DSL steps, the moves that
// bring a plan to approved, and the expectations every run of a plan implies (dependency
// order, one pipeline_stage chain per resource). The flows module expands them into MPLP
// objects; nothing here builds an object by hand.

import type { Profile } from '../adapter/contract.js';
import type { OperationSpec, StepSpec } from '../kit/flows/spec.js';
import { stepName, type Dag } from './dag.js';

/**
 * Liveness bound of the waits in generated flows (run, await_run, await_barrier). Shorter
 * than the flows' default: a runtime that hangs costs this much per shrink attempt. Never a
 * timing assertion: ordering and concurrency are proven with barriers and the AEL's clock.
 */
export const PROPERTY_WAIT_MS = 5_000;

export interface StepLayout {
  /** Position of each step in steps[] (a permutation of the indices; default index order). */
  positions?: readonly number[];
  /** order_index per step (undefined: none). */
  orderIndex?: readonly (number | undefined)[];
}

/** The DAG as DSL steps, in the layout's positions. */
export function dagSteps(dag: Dag, layout: StepLayout = {}): Record<string, StepSpec | null> {
  const positions = layout.positions ?? dag.deps.map((_, i) => i);
  const out: Record<string, StepSpec | null> = {};
  for (const i of positions) {
    const deps = dag.deps[i]!;
    const order = layout.orderIndex?.[i];
    const spec: StepSpec = { ...(deps.length > 0 ? { after: deps.map(stepName) } : {}), ...(order !== undefined ? { order_index: order } : {}) };
    out[stepName(i)] = Object.keys(spec).length > 0 ? spec : null;
  }
  return out;
}

/** Plan statuses a generated plan is registered with. */
export type StartStatus = 'draft' | 'approved';

/** From the registered status to approved: submit, then an approving Confirm decision. */
export function approvalOperations(start: StartStatus): OperationSpec[] {
  return start === 'draft' ? [{ transition: { target: 'plan', to: 'proposed' } }, { confirm: { status: 'approved' } }] : [];
}

/** pipeline_stage changes of the plan up to in_progress. */
export function planChainToRunning(start: StartStatus): string[] {
  return [...(start === 'draft' ? ['draft -> proposed', 'proposed -> approved'] : []), 'approved -> in_progress'];
}

/** Status changes of a plan that ran from `start` to `end`. */
export function planChain(start: StartStatus, end: 'completed' | 'failed'): string[] {
  return [...planChainToRunning(start), `in_progress -> ${end}`];
}

/** "dep.completed < step.in_progress" for every edge: no step starts before its dependencies completed. */
export function dependencyOrder(dag: Dag, keep: (step: number) => boolean = () => true): string[] {
  return dag.deps.flatMap((deps, i) => (keep(i) ? deps.map((d) => `${stepName(d)}.completed < ${stepName(i)}.in_progress`) : []));
}

export function profileNeed(profile: Profile): `profile:${Profile}` {
  return `profile:${profile}`;
}
