// L3-LIFE-011: every Context pair the L2 table classes A (draft → active, active ↔ suspended,
// active → archived, archived / suspended / draft → closed) is accepted. Each case registers a
// Context directly in the row's `from` status and requests the change.

import { CONTEXT_TABLE } from '../../src/mplp/transitions.js';
import { allowedMatrix, type Reach } from '../lib/lifecycle.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings } from '../lib/verdict.js';

const ID = 'lifecycle.context.allowed-accepted';

/** A Context is registered in any status. */
const REACH: Reach = Object.fromEntries(CONTEXT_TABLE.statuses.map((status) => [status, { spec: { context: { status } }, moves: [{ load: 'context' }] }]));

export default defineCheck({
  id: ID,
  title: 'Every Context status change classed A is accepted',
  requirements: ['L3-LIFE-011'],
  async run(ctx) {
    const scenario = await Scenario.open(ctx, ID);
    const m = await allowedMatrix(scenario, 'context', REACH, {}, 'context', 'L3-LIFE-011');
    return findings(m.violations, `${m.graded.length} allowed Context transitions were accepted`, { graded: m.graded, not_graded: m.notGraded }, m.graded.length);
  },
});
