// L3-EVT-006 for loads of one object at a time, which events.envelope.valid-on-every-path does
// not make: a Context registered alone (a batch of one node, no edge: a single-kind
// graph_update, digest §5.4), then its Plan with its steps and their edges. Every event of the
// session is valid against its envelope (event core plus family schema: a graph_update's
// update_kind among them).

import { Scenario } from '../lib/scenario.js';
import { emptyEventTypeViolations, envelopeViolations } from '../lib/envelopes.js';
import { defineCheck, findings } from '../lib/verdict.js';

const ID = 'events.envelope.valid-piecewise-loads';

export default defineCheck({
  id: ID,
  title: 'Every event of loads of a lone Context, then its Plan, is a valid envelope',
  requirements: ['L3-EVT-006', 'L3-EVT-007'],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const plan = s.plan('piecewise', { steps: { a: {}, b: { after: ['a'] } } });
    s.must('the load of a Context alone', await s.load(plan, ['context']), 'L3-PSG-007');
    s.must('the load of its Plan', await s.load(plan, ['plan']), 'L3-PSG-007');
    const events = await s.session.events();
    const violations = [...envelopeViolations(events), ...emptyEventTypeViolations(events)];
    return findings(violations, `${events.length} events of two piecewise loads are valid envelopes`, undefined, events.length);
  },
});
