// L3-EVT-008 / L3-LIFE-010: a plan's terminal pipeline_stage event is caused by its steps'
// last changes, so it comes after every status event of its steps, and once the plan is
// terminal none of its steps reads back in_progress. Graded on a completed diamond and on a
// failed plan whose dependents become blocked.

import { PLAN_TABLE } from '../../src/mplp/transitions.js';
import { change, statusEventsOf } from '../lib/events.js';
import { representativeTrail } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'events.order.plan-terminal-last';

export default defineCheck({
  id: ID,
  title: "A plan's terminal event follows every step event of the plan, and no step is left in_progress",
  requirements: ['L3-EVT-008', 'L3-LIFE-010'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const { events, reads } = trail.final;
    const violations: Violation[] = [];
    let graded = 0;
    for (const plan of trail.plans) {
      const terminal = statusEventsOf(events, plan.planId).find((e) => PLAN_TABLE.terminal.includes(change(e).to));
      if (!terminal) continue;
      graded++;
      const at = events.indexOf(terminal);
      for (const id of plan.stepIds()) {
        const late = statusEventsOf(events, id).filter((e) => events.indexOf(e) > at);
        if (late.length > 0) {
          violations.push({ requirement: 'L3-EVT-008', message: `${plan.nameOf(id)} changed (${change(late[0]!).from} → ${change(late[0]!).to}) after the plan's ${change(terminal).to} event`, expected: `every step event before the plan's ${change(terminal).to} event`, seen: `step event at #${events.indexOf(late[0]!)}, plan ${change(terminal).to} at #${at}`, events: [terminal, ...late] });
        }
      }
      const running = (reads.get(plan.planId)?.plan?.steps ?? []).filter((s) => s.status === 'in_progress');
      if (running.length > 0) {
        violations.push({ requirement: 'L3-LIFE-010', message: `plan ${plan.name} is ${change(terminal).to} but ${running.length} of its steps read back in_progress`, expected: 'no step in_progress once the plan is terminal', seen: running.map((s) => plan.nameOf(s.step_id)), events: [terminal] });
      }
    }
    return findings(violations, 'each terminal plan event came after all of its steps\' events, and no step of a terminal plan was left in_progress', undefined, graded);
  },
});
