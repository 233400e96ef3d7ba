// L3-LIFE-003: every plan pair the L2 table classes A is accepted when its guards hold.
// Cases are the table's A rows; a plan is brought into the row's `from` by hand (no run, so
// the runtime's own scheduler does not race the request) and the guards are made to hold:
// an approved Confirm for proposed → approved, every step completed for in_progress → completed,
// a failed step for in_progress → failed (its trigger, "a critical step failed": a runtime may
// refuse it without one). A runtime that moves the plan itself once the condition holds (e.g.
// fails the plan when its step fails) leaves the pair not graded, not failed.

import { APPROVED, allowedMatrix, LOAD, SUBMIT, type GuardSetups, type Move, type Reach } from '../lib/lifecycle.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings } from '../lib/verdict.js';

const ID = 'lifecycle.plan.allowed-accepted';

const REACH: Reach = {
  draft: { moves: [LOAD] },
  proposed: { moves: [LOAD, SUBMIT] },
  approved: { moves: APPROVED },
  in_progress: { moves: [...APPROVED, { transition: 'plan', to: 'in_progress' }] },
};

const finishStep = (step: 'step:first' | 'step:second'): Move[] => [
  { transition: step, to: 'in_progress' },
  { transition: step, to: 'completed' },
];

const GUARDS: GuardSetups = {
  // A proposed plan registered together with its approved Confirm (the decision precedes the request).
  confirm_approved: { recipe: { spec: { status: 'proposed', confirm: { status: 'approved', decisions: [{ status: 'approved' }] } }, moves: [LOAD] } },
  all_steps_done: { then: [...finishStep('step:first'), ...finishStep('step:second')] },
  step_failed: { then: [{ transition: 'step:first', to: 'in_progress' }, { transition: 'step:first', to: 'failed' }] },
};

export default defineCheck({
  id: ID,
  title: 'Every plan status change classed A is accepted when its guards hold',
  requirements: ['L3-LIFE-003'],
  async run(ctx) {
    const scenario = await Scenario.open(ctx, ID);
    const m = await allowedMatrix(scenario, 'plan', REACH, GUARDS, 'plan', 'L3-LIFE-003');
    return findings(m.violations, `${m.graded.length} allowed plan transitions were accepted`, { graded: m.graded, not_graded: m.notGraded }, m.graded.length);
  },
});
