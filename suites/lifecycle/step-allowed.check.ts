// L3-LIFE-003: every step pair the L2 table classes A is accepted when its guards hold.
// Cases are the table's A rows, requested by hand on a plan moved to in_progress by hand
// (no run races the request); a failed dependency is made for pending → blocked.

import { APPROVED, allowedMatrix, type GuardSetups, type Move, type Reach } from '../lib/lifecycle.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings } from '../lib/verdict.js';

const ID = 'lifecycle.step.allowed-accepted';

const PLAN_RUNNING: Move[] = [...APPROVED, { transition: 'plan', to: 'in_progress' }];

const REACH: Reach = {
  pending: { moves: PLAN_RUNNING },
  in_progress: { moves: [...PLAN_RUNNING, { transition: 'step:first', to: 'in_progress' }] },
};

const GUARDS: GuardSetups = {
  dependency_failed: { then: [{ transition: 'step:first', to: 'in_progress' }, { transition: 'step:first', to: 'failed' }], target: 'step:second' },
};

export default defineCheck({
  id: ID,
  title: 'Every step status change classed A is accepted when its guards hold',
  requirements: ['L3-LIFE-003'],
  async run(ctx) {
    const scenario = await Scenario.open(ctx, ID);
    const m = await allowedMatrix(scenario, 'step', REACH, GUARDS, 'step:first', 'L3-LIFE-003');
    return findings(m.violations, `${m.graded.length} allowed step transitions were accepted`, { graded: m.graded, not_graded: m.notGraded }, m.graded.length);
  },
});
