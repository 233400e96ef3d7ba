// L3-EVT-006 on the pause path, which events.envelope.valid-on-every-path does not take: a plan
// paused while a step runs, then resumed and run to its end. Every event of the session —
// the pause and resume notifications (digest §3.9, §5.9) included — is valid against its
// envelope (event core plus family schema; L3-EVT-006) with a non-empty event_type (L3-EVT-007), or the SA / MAP event schema).

import { Scenario } from '../lib/scenario.js';
import { emptyEventTypeViolations, envelopeViolations } from '../lib/envelopes.js';
import { defineCheck, findings, Stop } from '../lib/verdict.js';

const ID = 'events.envelope.valid-around-pause';
const BARRIER = 'held-while-pausing';

export default defineCheck({
  id: ID,
  title: 'Every event of a run that is paused and resumed is a valid envelope',
  requirements: ['L3-EVT-006', 'L3-EVT-007'],
  needs: ['pauseResume'],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const plan = s.plan('paused', { steps: { a: {}, b: { after: ['a'] } }, actions: { a: { barrier: BARRIER } } });
    await s.loadApproved(plan);
    const { pause, resume } = s.session;
    if (!pause || !resume) throw new Stop({ requirement: 'L3-PAUSE-001', message: 'the adapter claims pauseResume but its session has no pause() or resume()', expected: 'pause() and resume()', seen: 'missing' });
    const run = s.start(plan);
    await s.arrivals(BARRIER, 1);
    s.must('pausing the running plan', await pause.call(s.session, plan.planId), 'L3-PAUSE-001');
    s.release(BARRIER);
    await s.quiesce();
    s.must('resuming the paused plan', await resume.call(s.session, plan.planId), 'L3-PAUSE-001');
    let outcome = await s.finish(run);
    if (outcome.paused) outcome = await s.runToEnd(plan);
    const events = await s.session.events();
    const violations = [...envelopeViolations(events), ...emptyEventTypeViolations(events)];
    return findings(violations, `${events.length} events of a run paused and resumed (plan ${outcome.plan_status}) are valid envelopes`, undefined, events.length);
  },
});
