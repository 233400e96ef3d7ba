// L3-LIFE-001 / L3-LIFE-004 / L3-LIFE-005: every plan pair the L2 table classes R (from
// `allPairs('plan')`) is requested from each status a plan reaches through the contract —
// failed and cancelled included — and must be rejected with the PSG export, the event stream
// and the plan read back unchanged. Every violated pair is listed.

import { APPROVED, forbiddenMatrix, LOAD, SUBMIT, type Reach } from '../lib/lifecycle.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings } from '../lib/verdict.js';

const ID = 'lifecycle.plan.forbidden-matrix';

/** How a plan reaches each status through the contract. */
const REACH: Reach = {
  draft: { moves: [LOAD] },
  proposed: { moves: [LOAD, SUBMIT] },
  approved: { moves: APPROVED },
  in_progress: { first: 'held', moves: [...APPROVED, { run: 'held' }] },
  completed: { moves: [...APPROVED, { run: 'to-end' }] },
  failed: { first: 'fail', moves: [...APPROVED, { run: 'to-end' }] },
  cancelled: { first: 'held', moves: [...APPROVED, { run: 'held' }, { cancel: 'held' }] },
};

export default defineCheck({
  id: ID,
  title: 'Every plan status change classed R is rejected atomically from every reachable status',
  requirements: ['L3-LIFE-001', 'L3-LIFE-004', 'L3-LIFE-005'],
  async run(ctx) {
    const scenario = await Scenario.open(ctx, ID);
    const m = await forbiddenMatrix(scenario, 'plan', REACH, 'plan', { forbidden: 'L3-LIFE-001', terminal: 'L3-LIFE-004', atomic: 'L3-LIFE-005' });
    return findings(m.violations, `${m.graded.length} forbidden plan transitions were rejected without changing anything`, { graded: m.graded, not_graded: m.notGraded }, m.graded.length);
  },
});
