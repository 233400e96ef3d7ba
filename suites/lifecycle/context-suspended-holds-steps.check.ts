// L3-LIFE-012: a suspended Context means its execution is paused (CTX-MOD@old §3.2). A chain
// a → b runs with a held at a barrier; the Context is suspended mid-run; a is released and
// finishes. While the Context stays suspended b must not start (no in_progress, no AEL call).
// Once the Context is active again the run goes on: run() may have answered `paused` in the
// meantime (then the check asks run() again) or still be waiting — either way the plan must
// end completed with b executed after the reactivation. Graded under each claimed profile
// (issue 16: a runtime can hold an SA run and still start MAP turns, or the reverse).

import type { Profile } from '../../src/adapter/contract.js';
import type { CheckContext } from '../../src/kit/check.js';
import { Scenario } from '../lib/scenario.js';
import { statusEventsOf } from '../lib/events.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'lifecycle.context.suspended-holds-steps';
const REQ = 'L3-LIFE-012';
const BARRIER = 'before-suspension';

async function underProfile(ctx: CheckContext, profile: Profile | undefined, violations: Violation[]): Promise<void> {
  const where = profile ? `under ${profile.toUpperCase()}` : 'in a run';
  const s = await Scenario.open(ctx, profile ? `${ID}/${profile}` : ID);
  const plan = s.plan('suspended', { steps: { a: {}, b: { after: ['a'] } }, actions: { a: { barrier: BARRIER } } });
  await s.loadApproved(plan);
  const run = s.start(plan, profile);
  await s.arrivals(BARRIER, 1);
  const contextRef = { type: 'context' as const, id: plan.contextId };
  s.must('the Context active → suspended (an A row of the Context table, L3-LIFE-011)', await s.session.transition(contextRef, 'suspended'), 'L3-LIFE-011');
  s.release(BARRIER);
  // a finishes (it was running when the suspension landed); the runtime then has every chance to start b.
  await s.until('step a completed', (events) => statusEventsOf(events, plan.stepId('a')).some((e) => (e.payload as { to_status?: string }).to_status === 'completed'), REQ);
  await s.quiesce();
  const b = plan.stepId('b');
  const bWhileSuspended = (await s.readPlan(plan))?.steps.find((x) => x.step_id === b)?.status;
  const callsWhileSuspended = s.ael.calls.filter((c) => c.step_id === b).length;
  if (bWhileSuspended !== 'pending' || callsWhileSuspended > 0) {
    violations.push({
      requirement: REQ,
      message: `${where} step b ${callsWhileSuspended > 0 ? 'was executed' : `became ${String(bWhileSuspended)}`} while the plan's Context was suspended`,
      expected: { b: 'pending', ael_calls_for_b: 0 },
      seen: { b: bWhileSuspended ?? null, ael_calls_for_b: callsWhileSuspended },
      events: statusEventsOf(await s.session.events(), b),
    });
  }
  const eventsAtReactivation = (await s.session.events()).length;
  s.must('the Context suspended → active (an A row of the Context table, L3-LIFE-011)', await s.session.transition(contextRef, 'active'), 'L3-LIFE-011');
  let outcome = await s.finish(run, REQ);
  if (outcome.paused) outcome = await s.runToEnd(plan, profile);
  if (outcome.plan_status !== 'completed') {
    violations.push({ requirement: REQ, message: `${where} after the Context was active again the plan ended ${outcome.plan_status}, not completed`, expected: 'completed', seen: outcome });
  } else if (!statusEventsOf((await s.session.events()).slice(eventsAtReactivation), b).some((e) => (e.payload as { to_status?: string }).to_status === 'in_progress') && bWhileSuspended === 'pending') {
    violations.push({ requirement: REQ, message: `${where} the plan completed, but step b did not start after the Context was reactivated`, expected: 'b → in_progress after reactivation', seen: statusEventsOf(await s.session.events(), b).map((e) => e.payload) });
  }
}

export default defineCheck({
  id: ID,
  title: 'No step starts while the plan\'s Context is suspended; reactivation lets the plan finish',
  requirements: [REQ],
  async run(ctx) {
    const violations: Violation[] = [];
    const claimed = ctx.adapter.capabilities.profiles as Profile[];
    for (const profile of claimed.length > 0 ? claimed : [undefined]) await underProfile(ctx, profile, violations);
    return findings(violations, 'while the Context was suspended step b stayed pending with no action; after reactivation it ran and the plan completed');
  },
});
