// The golden-flow graders (src/kit/flows/grade.ts) applied to a suite scenario: one
// implementation of each expectation, whether a flow file or a check asks for it.

import { gradeExpectation, type Snapshot } from '../../src/kit/flows/grade.js';
import type { ExpectationSpec } from '../../src/kit/flows/spec.js';
import type { PlanHandle, Scenario } from './scenario.js';
import type { Violation } from './verdict.js';

/** Grades `spec` for one plan of the scenario; `requirementOf` names the rule of each failure. */
export async function gradeAsFlow(
  s: Scenario,
  plan: PlanHandle,
  spec: ExpectationSpec,
  requirementOf: (message: string) => string,
  snapshots: ReadonlyMap<string, Snapshot> = new Map(),
): Promise<Violation[]> {
  const failures = await gradeExpectation({ flow: { expanded: plan.flow }, objects: plan.objects, snapshots, kit: s.kit, ctx: s.ctx }, spec, plan.name);
  return failures.map((f) => ({
    requirement: requirementOf(f.message),
    message: f.message,
    ...(f.expected !== undefined ? { expected: f.expected } : {}),
    ...(f.seen !== undefined ? { seen: f.seen } : {}),
    events: f.events ?? [],
  }));
}
