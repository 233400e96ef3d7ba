// L3-EVT-011 (SHOULD): the event-core fields of a status-change pipeline_stage event follow
// the digest §5.3 [KIT] mapping: pipeline_id = the plan, stage_id = the changed resource,
// stage_status derived from to_status (and, for cancelled, from where it came from).

import { stageStatusFor } from '../../src/mplp/pipeline-stage.js';
import type { BusEvent } from '../../src/mplp/types.js';
import { change, statusEventsOf } from '../lib/events.js';
import { representativeTrail } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'events.pipeline-stage.field-mapping';

export default defineCheck({
  id: ID,
  title: 'pipeline_stage events carry pipeline_id = plan, stage_id = resource and stage_status mapped from to_status',
  requirements: ['L3-EVT-011'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const events = trail.final.events;
    const violations: Violation[] = [];
    let graded = 0;
    for (const r of trail.resources()) {
      for (const e of statusEventsOf(events, r.id)) {
        graded++;
        const c = change(e);
        const expected = { pipeline_id: r.plan.planId, stage_id: r.id, stage_status: stageStatusFor(c.from, c.to) };
        const fields = e as BusEvent & Record<string, unknown>;
        const seen = { pipeline_id: fields['pipeline_id'], stage_id: fields['stage_id'], stage_status: fields['stage_status'] };
        const wrong = (Object.keys(expected) as (keyof typeof expected)[]).filter((k) => seen[k] !== expected[k]);
        if (wrong.length > 0) {
          violations.push({ requirement: 'L3-EVT-011', message: `the ${c.from} → ${c.to} event of ${trail.label(r)} has ${wrong.map((k) => `${k} ${JSON.stringify(seen[k])}`).join(', ')}`, expected, seen, events: [e] });
        }
      }
    }
    return findings(violations, 'every status-change pipeline_stage event names its plan (pipeline_id), its resource (stage_id) and the mapped stage_status', undefined, graded);
  },
});
