// L3-APPR-005 / L3-LIFE-005: every Confirm pair the L2 table classes R (from
// `allPairs('confirm')`) — above all any decision on an approved or cancelled Confirm — is
// requested through transition() and must be rejected with the PSG export, the event stream
// and the Confirm read back unchanged. Every violated pair is listed.

import { APPROVED, forbiddenMatrix, LOAD, SUBMIT, type Reach } from '../lib/lifecycle.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings } from '../lib/verdict.js';

const ID = 'lifecycle.confirm.forbidden-matrix';

/** The plan's Confirm is opened by submitting the plan, then decided. */
const REACH: Reach = {
  pending: { moves: [LOAD, SUBMIT] },
  approved: { moves: APPROVED },
  rejected: { moves: [LOAD, SUBMIT, { decide: 'rejected' }] },
  cancelled: { moves: [LOAD, SUBMIT, { decide: 'cancelled' }] },
};

export default defineCheck({
  id: ID,
  title: 'Every Confirm status change classed R is rejected atomically, above all decisions on approved or cancelled Confirms',
  requirements: ['L3-LIFE-005', 'L3-APPR-005'],
  async run(ctx) {
    const scenario = await Scenario.open(ctx, ID);
    const m = await forbiddenMatrix(scenario, 'confirm', REACH, 'confirm', { forbidden: 'L3-APPR-005', terminal: 'L3-APPR-005', atomic: 'L3-LIFE-005' });
    return findings(m.violations, `${m.graded.length} forbidden Confirm transitions were rejected without changing anything`, { graded: m.graded, not_graded: m.notGraded }, m.graded.length);
  },
});
