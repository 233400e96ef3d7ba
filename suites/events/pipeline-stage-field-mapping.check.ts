// L3-EVT-011 (SHOULD): the event-core fields of a status-change pipeline_stage event follow
// the digest §5.3 [KIT] mapping: pipeline_id = the plan, stage_id = the changed resource,
// stage_status derived from to_status where the enum has one obvious answer (→ in_progress:
// running, → completed / failed / skipped: the same word). Statuses with no counterpart in the
// stage enum (draft, proposed, approved, blocked, pending, cancelled) may map to any enum
// value: the schema fixes only the enum, the rest of the table is the kit's reading.

import type { BusEvent } from '../../src/mplp/types.js';
import { change, statusEventsOf } from '../lib/events.js';
import type { Profile } from '../../src/adapter/contract.js';
import { representativeTrail } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'events.pipeline-stage.field-mapping';

/** The to_status values whose stage_status has one obvious answer. */
const OBVIOUS: Readonly<Record<string, string>> = { in_progress: 'running', completed: 'completed', failed: 'failed', skipped: 'skipped' };

export default defineCheck({
  id: ID,
  title: 'pipeline_stage events carry pipeline_id = plan, stage_id = resource and stage_status mapped from to_status',
  requirements: ['L3-EVT-011'],
  async run(ctx) {
    const violations: Violation[] = [];
    let graded = 0;
    // Once per claimed profile (issue 16): the mapping must hold for SA and MAP runs alike.
    const claimed = ctx.adapter.capabilities.profiles as Profile[];
    for (const profile of claimed.length > 0 ? claimed : [undefined]) {
      const { trail } = await representativeTrail(ctx, profile ? `${ID}/${profile}` : ID, profile);
      const events = trail.final.events;
      const where = profile ? `under ${profile.toUpperCase()}, ` : '';
      for (const r of trail.resources()) {
        for (const e of statusEventsOf(events, r.id)) {
          graded++;
          const c = change(e);
          const obvious = OBVIOUS[c.to];
          const expected = { pipeline_id: r.plan.planId, stage_id: r.id, stage_status: obvious ?? (e as BusEvent & Record<string, unknown>)['stage_status'] };
          const fields = e as BusEvent & Record<string, unknown>;
          const seen = { pipeline_id: fields['pipeline_id'], stage_id: fields['stage_id'], stage_status: fields['stage_status'] };
          const wrong = (Object.keys(expected) as (keyof typeof expected)[]).filter((k) => seen[k] !== expected[k]);
          if (wrong.length > 0) {
            violations.push({ requirement: 'L3-EVT-011', message: `${where}the ${c.from} → ${c.to} event of ${trail.label(r)} has ${wrong.map((k) => `${k} ${JSON.stringify(seen[k])}`).join(', ')}`, expected, seen, events: [e] });
          }
        }
      }
    }
    return findings(violations, 'every status-change pipeline_stage event names its plan (pipeline_id), its resource (stage_id) and the mapped stage_status', undefined, graded);
  },
});
