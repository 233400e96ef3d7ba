// L3-PSG-006: objects read back are valid against their MPLP schema and keep the ids they
// were registered with — at every boundary of the representative scenario (registered,
// submitted, approved, held mid-run, completed, failed), not only at the end of a happy run:
// the plan (plan_id, context_id, its step ids), its Context, its trace and its Confirm.

import { isDeepStrictEqual } from 'node:util';
import { validate, type SchemaKind } from '../../src/mplp/validate.js';
import { representativeTrail, type PlanReads } from '../lib/trail.js';
import type { PlanHandle } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'psg.read-back.valid-and-ids';

/** Ids each object must keep: [field, registered value]. */
function registeredIds(plan: PlanHandle, kind: keyof PlanReads, obj: Record<string, unknown>): [string, unknown, unknown][] {
  switch (kind) {
    case 'plan':
      return [
        ['plan_id', plan.planId, obj['plan_id']],
        ['context_id', plan.contextId, obj['context_id']],
        ['steps[].step_id', plan.stepIds().sort(), ((obj['steps'] as { step_id?: unknown }[] | undefined) ?? []).map((s) => s.step_id).sort()],
      ];
    case 'context':
      return [['context_id', plan.contextId, obj['context_id']]];
    case 'trace':
      return [['context_id', plan.contextId, obj['context_id']]];
    case 'confirm':
      return [['target_id', plan.planId, obj['target_id']]];
  }
}

const KINDS: readonly (keyof PlanReads & SchemaKind)[] = ['plan', 'context', 'trace', 'confirm'];

export default defineCheck({
  id: ID,
  title: 'Plan, Context, trace and Confirm read back are schema-valid and keep their ids, at every stage',
  requirements: ['L3-PSG-006'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const violations: Violation[] = [];
    let graded = 0;
    const reported = new Set<string>();
    const report = (key: string, v: Violation) => {
      if (reported.has(key)) return;
      reported.add(key);
      violations.push(v);
    };
    for (const step of trail.steps) {
      for (const plan of trail.plans) {
        const reads = step.after.reads.get(plan.planId);
        if (!reads?.plan) continue;
        for (const kind of KINDS) {
          const obj = reads[kind] as Record<string, unknown> | undefined;
          if (!obj) continue;
          graded++;
          const r = validate(kind, obj);
          if (!r.ok) {
            report(`${plan.name}:${kind}:schema`, { requirement: 'L3-PSG-006', message: `after "${step.label}" the ${kind} of plan ${plan.name} read back is not schema-valid: ${r.errors.map((x) => `${x.path || '(root)'} ${x.message}`).join('; ')}`, expected: `a valid ${kind}`, seen: r.errors });
          }
          for (const [field, expected, seen] of registeredIds(plan, kind, obj)) {
            if (!isDeepStrictEqual(expected, seen)) {
              report(`${plan.name}:${kind}:${field}`, { requirement: 'L3-PSG-006', message: `after "${step.label}" the ${kind} of plan ${plan.name} reads back ${field} ${JSON.stringify(seen)}, registered ${JSON.stringify(expected)}`, expected, seen });
            }
          }
        }
      }
    }
    return findings(violations, `after each of ${trail.steps.length} operations the plans, Contexts, traces and Confirms read back were schema-valid with their registered ids`, undefined, graded);
  },
});
