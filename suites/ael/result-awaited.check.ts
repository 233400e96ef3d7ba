// L3-AEL-001: the runtime awaits the AEL promise. While a barrier holds a step's action, the
// step reads back in_progress (not completed), no completion is announced and its dependent
// has not started; once released, the step completes and the dependent's action starts only
// after the held action ended (logical clock of the RecordingAEL).

import { change, statusEventsOf } from '../lib/events.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'ael.result.awaited';
const REQ = 'L3-AEL-001';
const HOLD = 'slow-action';

export default defineCheck({
  id: ID,
  title: "A step completes only when its AEL promise resolves",
  requirements: [REQ],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const plan = s.plan('awaited', { steps: { slow: {}, next: { after: ['slow'] } }, actions: { slow: { barrier: HOLD } } });
    const slow = plan.stepId('slow');
    const next = plan.stepId('next');
    const violations: Violation[] = [];

    await s.loadApproved(plan);
    const run = s.start(plan);
    await s.arrivals(HOLD, 1, REQ);
    await s.quiesce();
    const held = await s.readPlan(plan);
    const events = await s.session.events();
    const status = (id: string) => held?.steps.find((x) => x.step_id === id)?.status;
    const announced = statusEventsOf(events, slow).filter((e) => change(e).to !== 'in_progress');
    if (status(slow) !== 'in_progress' || announced.length > 0 || s.ael.calls.some((c) => c.step_id === next)) {
      violations.push({ requirement: REQ, message: `while its action was still pending, slow read back ${status(slow) ?? 'nothing'} and next ${s.ael.calls.some((c) => c.step_id === next) ? 'had already started' : 'had not started'}`, expected: { slow: 'in_progress', next: 'not started', slow_events_after_in_progress: 0 }, seen: { slow: status(slow), next: status(next) }, events: announced });
    }

    s.release(HOLD);
    await s.finish(run, REQ);
    const done = await s.readPlan(plan);
    const [slowCall, nextCall] = [slow, next].map((id) => s.ael.calls.find((c) => c.step_id === id));
    const finalSlow = done?.steps.find((x) => x.step_id === slow)?.status;
    if (finalSlow !== 'completed') violations.push({ requirement: REQ, message: `after its action resolved, slow reads back ${finalSlow ?? 'nothing'}`, expected: 'completed', seen: finalSlow });
    if (nextCall && slowCall && !(slowCall.end !== undefined && nextCall.start > slowCall.end)) {
      violations.push({ requirement: REQ, message: `next's action started at tick ${nextCall.start}, before slow's action ended at tick ${slowCall.end ?? 'never'}`, expected: 'next starts after slow ended', seen: { slow: [slowCall.start, slowCall.end], next: [nextCall.start, nextCall.end] } });
    }
    return findings(violations, 'the held step stayed in_progress until its AEL promise resolved, then completed, and its dependent started only afterwards');
  },
});
