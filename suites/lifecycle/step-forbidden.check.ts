// L3-LIFE-002 / L3-LIFE-004 / L3-LIFE-005: every step pair the L2 table classes R (from
// `allPairs('step')`) is requested from each status a step reaches — pending, in_progress
// (held in the AEL), completed, failed, blocked (dependent of a failed step) and skipped —
// and must be rejected with the PSG export, the event stream and the plan read back
// unchanged. Every violated pair is listed.

import { APPROVED, forbiddenMatrix, LOAD, type Reach } from '../lib/lifecycle.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings } from '../lib/verdict.js';

const ID = 'lifecycle.step.forbidden-matrix';

/** How the fixture's step `first` (or its dependent `second`) reaches each status. */
const REACH: Reach = {
  pending: { moves: [LOAD] },
  in_progress: { first: 'held', moves: [...APPROVED, { run: 'held' }] },
  completed: { moves: [...APPROVED, { run: 'to-end' }] },
  failed: { first: 'fail', moves: [...APPROVED, { run: 'to-end' }] },
  blocked: { first: 'fail', target: 'step:second', moves: [...APPROVED, { run: 'to-end' }] },
  skipped: { moves: [LOAD, { transition: 'step:first', to: 'skipped' }] },
};

export default defineCheck({
  id: ID,
  title: 'Every step status change classed R is rejected atomically from every reachable status',
  requirements: ['L3-LIFE-002', 'L3-LIFE-004', 'L3-LIFE-005'],
  async run(ctx) {
    const scenario = await Scenario.open(ctx, ID);
    const m = await forbiddenMatrix(scenario, 'step', REACH, 'step:first', { forbidden: 'L3-LIFE-002', terminal: 'L3-LIFE-004', atomic: 'L3-LIFE-005' });
    return findings(m.violations, `${m.graded.length} forbidden step transitions were rejected without changing anything`, { graded: m.graded, not_graded: m.notGraded }, m.graded.length);
  },
});
