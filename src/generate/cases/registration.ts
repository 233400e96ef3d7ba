// Registration properties: a valid DAG is accepted and reads back as registered; a plan with
// a cycle, a dangling reference or a duplicate step id is rejected atomically — the Context is
// registered first, and the rejected load leaves graph() and events() exactly as they were.

import fc from 'fast-check';
import type { DagOptions } from '../dag-arbitraries.js';
import { dagArbitrary } from '../dag-arbitraries.js';
import { finishCase } from '../case.js';
import type { Dag } from '../dag.js';
import { dagSteps } from '../flow-parts.js';
import { defectivePlanArbitrary, defectivePlanSpec, type DefectivePlan, type DefectKind } from '../plan-defects.js';
import type { PropertyCases } from './cases.js';

const BEFORE = 'before';

/** A valid plan in each status a plan is registered with (digest §3.1: draft, proposed, approved). */
export interface ValidPlan {
  dag: Dag;
  status: 'draft' | 'proposed' | 'approved';
}

export function validPlanCases(options: DagOptions = {}): PropertyCases<ValidPlan> {
  return {
    property: 'a plan whose dependencies form a DAG is accepted in any status it is registered with and reads back valid, with its ids and pending steps',
    arbitrary: (env) => fc.record({ dag: dagArbitrary(options), status: env.approval ? fc.constantFrom<ValidPlan['status']>('draft', 'proposed', 'approved') : fc.constantFrom<ValidPlan['status']>('draft', 'approved') }),
    toCase: ({ dag, status }, _env, owner) =>
      finishCase(owner, {
        description: `a valid ${status} plan`,
        plan: { ...(status === 'draft' ? {} : { status }), steps: dagSteps(dag) },
        operations: [{ load: { only: ['context'] } }, { load: { only: ['plan'] } }],
        expect: { final: { plan: status, all_steps: 'pending' }, objects_valid: true },
      }),
  };
}

export function defectivePlanCases(kinds: readonly DefectKind[], options: DagOptions = {}): PropertyCases<DefectivePlan> {
  return {
    property: `a plan with a ${kinds.join(' / ')} defect is rejected and changes nothing`,
    arbitrary: () => defectivePlanArbitrary({ ...options, kinds }),
    toCase: (p, _env, owner) =>
      finishCase(owner, {
        description: `planted defect: ${JSON.stringify(p.defect)}`,
        plan: defectivePlanSpec(p),
        operations: [{ load: { only: ['context'] } }, { snapshot: BEFORE }, { load: { only: ['plan'], expect: { ok: false, unchanged: true } } }],
        expect: { unchanged_since: BEFORE },
      }),
  };
}
