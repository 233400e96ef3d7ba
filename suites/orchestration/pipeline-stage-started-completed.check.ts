// L3-ORCH-006: a step entering in_progress emits a stage-started pipeline_stage event and a
// step reaching completed, failed or skipped a stage-completed one — graded by payload
// to_status (digest §5.3, §5.9), never by event_type name. For every step whose action the
// AEL ran in the representative scenario (completed and failed ones alike): exactly one
// → in_progress event, then exactly one → terminal event whose status is how its action
// ended. The event_type names seen are kept as evidence.

import { STEP_TABLE } from '../../src/mplp/transitions.js';
import { change, statusEventsOf } from '../lib/events.js';
import { representativeTrail } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'orchestration.pipeline-stage.started-completed';

export default defineCheck({
  id: ID,
  title: 'Each executed step has one stage-started and one stage-completed pipeline_stage event matching its outcome',
  requirements: ['L3-ORCH-006'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const { events } = trail.final;
    const violations: Violation[] = [];
    const names: Record<string, string[]> = {};
    for (const call of trail.scenario.ael.calls) {
      const plan = trail.plans.find((p) => p.planId === call.plan_id);
      const who = plan?.nameOf(call.step_id) ?? call.step_id;
      const mine = statusEventsOf(events, call.step_id);
      const started = mine.filter((e) => change(e).to === 'in_progress');
      const ended = mine.filter((e) => STEP_TABLE.terminal.includes(change(e).to));
      const outcome = call.outcome === 'failed' ? 'failed' : 'completed';
      for (const e of [...started, ...ended]) {
        const seen = (names[change(e).to] ??= []);
        if (!seen.includes(e.event_type)) seen.push(e.event_type);
      }
      const inOrder = started.length === 1 && ended.length === 1 && mine.indexOf(started[0]!) < mine.indexOf(ended[0]!);
      if (!inOrder || change(ended[0]!).to !== outcome) {
        violations.push({
          requirement: 'L3-ORCH-006',
          message: `${who} ran in the AEL (${outcome}) but has ${started.length} stage-started and ${ended.length} stage-completed event(s)${ended.length === 1 ? ` ending ${change(ended[0]!).to}` : ''}`,
          expected: `one → in_progress event, then one → ${outcome} event`,
          seen: mine.map((e) => `${change(e).from} → ${change(e).to} (${e.event_type})`),
          events: mine,
        });
      }
    }
    return findings(violations, `each of ${trail.scenario.ael.calls.length} executed steps had one stage-started and one stage-completed event matching its outcome`, { event_types_by_to_status: names }, trail.scenario.ael.calls.length);
  },
});
