// L3-AEL-002: an AEL rejection is caught. A plan whose first step's action throws ends with
// that step failed and the plan failed, run() answers with the outcome instead of crashing,
// and the same session then registers, approves and runs another plan to completion.

import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'ael.failure.session-keeps-running';
const REQ = 'L3-AEL-002';

export default defineCheck({
  id: ID,
  title: 'A throwing AEL action fails its step and plan, and the session keeps running plans',
  requirements: [REQ],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const failing = s.plan('failing', {
      steps: { extract: { order_index: 0 }, transform: { after: ['extract'], order_index: 1 } },
      actions: { extract: { fail: 'connection reset (scripted)' } },
    });
    const healthy = s.plan('healthy', { steps: { one: {}, two: { after: ['one'] } } });
    const violations: Violation[] = [];

    await s.loadApproved(failing);
    const outcome = await s.finish(s.start(failing), REQ);
    const read = await s.readPlan(failing);
    const extract = read?.steps.find((x) => x.step_id === failing.stepId('extract'))?.status;
    if (outcome.plan_status !== 'failed' || read?.status !== 'failed' || extract !== 'failed') {
      violations.push({ requirement: REQ, message: `after the action of extract threw, run() answered plan ${outcome.plan_status} and the plan reads back ${read?.status ?? 'nothing'} with extract ${extract ?? 'missing'}`, expected: { plan: 'failed', extract: 'failed' }, seen: { run_outcome: outcome.plan_status, plan: read?.status, extract } });
    }

    await s.loadApproved(healthy);
    const next = await s.finish(s.start(healthy), REQ);
    if (next.plan_status !== 'completed') {
      violations.push({ requirement: REQ, message: `after the failure, another plan of the same session ended ${next.plan_status}`, expected: 'completed', seen: next });
    }
    return findings(violations, 'the throwing action failed its step and plan, run() answered, and the session then ran another plan to completion');
  },
});
