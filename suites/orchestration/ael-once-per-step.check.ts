// L3-ORCH-002 / L3-AEL-003: every step that entered in_progress was executed through the
// AEL exactly once, no action ran for a step that never entered in_progress, and each action
// carries a v4 action_id, its step_id and the plan_id of that step's plan. Graded over the
// representative scenario (a diamond held mid-run, a failing plan with blocked dependents).

import { isUuidV4 } from '../../src/mplp/ids.js';
import { change, statusEventsOf } from '../lib/events.js';
import { representativeTrail } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'orchestration.ael.once-per-step';

export default defineCheck({
  id: ID,
  title: 'Each started step is executed through the AEL exactly once, with an action naming its step and plan',
  requirements: ['L3-ORCH-002', 'L3-AEL-003'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const { events } = trail.final;
    const calls = trail.scenario.ael.calls;
    const violations: Violation[] = [];
    for (const plan of trail.plans) {
      for (const stepId of plan.stepIds()) {
        const mine = calls.filter((c) => c.step_id === stepId);
        const started = statusEventsOf(events, stepId).filter((e) => change(e).to === 'in_progress');
        const expected = started.length > 0 ? 1 : 0;
        if (mine.length !== expected) {
          violations.push({
            requirement: 'L3-ORCH-002',
            message: `${plan.nameOf(stepId)} ${started.length > 0 ? 'entered in_progress' : 'never entered in_progress'} and its action was executed ${mine.length} time(s)`,
            expected: `${expected} AEL call(s)`,
            seen: mine.map((c) => ({ index: c.index, start: c.start, end: c.end })),
            events: started,
          });
        }
        for (const c of mine) {
          const bad = [
            !isUuidV4(c.action.action_id) && `action_id ${JSON.stringify(c.action.action_id)} is not a lowercase v4`,
            c.action.plan_id !== plan.planId && `plan_id ${JSON.stringify(c.action.plan_id)} is not the step's plan`,
          ].filter((x): x is string => typeof x === 'string');
          if (bad.length > 0) violations.push({ requirement: 'L3-AEL-003', message: `the action of ${plan.nameOf(stepId)}: ${bad.join('; ')}`, expected: { action_id: 'lowercase uuid v4', plan_id: plan.planId, step_id: stepId }, seen: c.action });
        }
      }
    }
    const foreign = calls.filter((c) => !trail.plans.some((p) => p.stepIds().includes(c.step_id)));
    if (foreign.length > 0) violations.push({ requirement: 'L3-ORCH-002', message: `${foreign.length} AEL call(s) name no step of any loaded plan`, expected: 'actions only for steps of registered plans', seen: foreign.map((c) => c.action) });
    return findings(violations, `${calls.length} AEL calls: one per started step, none for steps that never started, each naming its step and plan with a v4 action_id`, undefined, calls.length);
  },
});
