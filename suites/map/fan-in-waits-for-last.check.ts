// L3-MAP-002 / L3-ORCH-001: a step with four dependencies starts only after the LAST of them
// completed. Each dependency waits at its own barrier and they are released one by one in an
// order that is neither the listed order nor its reverse; before the last one is released the
// runtime has absorbed the other three completions, and the fan-in must not have started.
// Afterwards: the fan-in's action started after every dependency's action ended (logical
// clock) and its in_progress event follows every dependency's completed event.

import { change, statusEventsOf } from '../lib/events.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'map.fan-in.waits-for-last-dependency';
const DEPS = ['d1', 'd2', 'd3', 'd4'] as const;
/** Release preference: the last one released is neither the first nor the last listed. */
const RELEASE_ORDER = ['d2', 'd1', 'd4', 'd3'] as const;
const gate = (name: string) => `dep:${name}`;

export default defineCheck({
  id: ID,
  title: 'A fan-in step with four dependencies starts only after the last of them completed',
  requirements: ['L3-MAP-002', 'L3-ORCH-001'],
  needs: ['profile:map'],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const plan = s.plan('fan-in', {
      steps: { ...Object.fromEntries(DEPS.map((d) => [d, {}])), agg: { after: [...DEPS] } },
      actions: Object.fromEntries(DEPS.map((d) => [d, { barrier: gate(d) }])),
    });
    const agg = plan.stepId('agg');
    const violations: Violation[] = [];
    await s.loadApproved(plan);
    const run = s.start(plan, 'map');

    const pending: string[] = [...RELEASE_ORDER];
    while (pending.length > 0) {
      // Whichever held dependencies have arrived (the limit may keep others waiting), in preference order.
      await Promise.any(pending.map((d) => s.arrivals(gate(d), 1, 'L3-MAP-002'))).catch((e: AggregateError) => {
        throw e.errors[0];
      });
      const next = pending.find((d) => s.ael.barrier(gate(d)).arrived > 0)!;
      if (pending.length === 1) {
        await s.quiesce();
        if (s.ael.calls.some((c) => c.step_id === agg)) {
          violations.push({ requirement: 'L3-MAP-002', message: `agg started while its dependency ${next} was still running`, expected: 'agg waits for all four dependencies', seen: s.ael.calls.map((c) => ({ step: plan.nameOf(c.step_id), start: c.start, end: c.end })) });
        }
      }
      s.release(gate(next));
      pending.splice(pending.indexOf(next), 1);
      const id = plan.stepId(next);
      await s.until(`the completion of ${next}`, (events) => statusEventsOf(events, id).some((e) => change(e).to === 'completed'), 'L3-MAP-002');
    }
    await s.finish(run, 'L3-MAP-002');

    const events = await s.session.events();
    const depCalls = DEPS.map((d) => s.ael.calls.find((c) => c.step_id === plan.stepId(d)));
    const aggCall = s.ael.calls.find((c) => c.step_id === agg);
    const lastEnd = Math.max(...depCalls.map((c) => c?.end ?? Infinity));
    if (aggCall && !(aggCall.start > lastEnd)) {
      violations.push({ requirement: 'L3-ORCH-001', message: `agg's action started at tick ${aggCall.start}, before its last dependency ended at tick ${lastEnd}`, expected: `start > ${lastEnd}`, seen: [...depCalls, aggCall].map((c) => c && { step: plan.nameOf(c.step_id), start: c.start, end: c.end }) });
    }
    const aggStart = statusEventsOf(events, agg).find((e) => change(e).to === 'in_progress');
    const depDone = DEPS.map((d) => statusEventsOf(events, plan.stepId(d)).find((e) => change(e).to === 'completed'));
    const early = depDone.filter((e) => !e || (aggStart && events.indexOf(e) > events.indexOf(aggStart)));
    if (aggStart && early.length > 0) {
      violations.push({ requirement: 'L3-ORCH-001', message: `agg entered in_progress before ${early.length} of its dependencies completed`, expected: 'agg in_progress after every dependency completed', seen: DEPS.map((d, i) => `${d}: ${depDone[i] ? `#${events.indexOf(depDone[i]!)}` : 'never completed'}`).concat(`agg in_progress: #${events.indexOf(aggStart)}`), events: [...early.filter((e) => e !== undefined), aggStart] });
    }
    if (!aggCall) violations.push({ requirement: 'L3-MAP-002', message: 'agg never ran although all four dependencies completed', expected: 'agg executed', seen: s.ael.calls.map((c) => plan.nameOf(c.step_id)) });
    return findings(violations, 'agg started only after the last of its four dependencies completed');
  },
});
