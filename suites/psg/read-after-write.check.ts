// L3-PSG-004: reads return the latest committed state. At every boundary of the
// representative scenario (including mid-run, while a barrier holds two branches in the
// AEL) each plan and step reads back the status its last pipeline_stage change announced,
// and a step whose action is running in the AEL reads back in_progress.

import { change, statusEventsOf } from '../lib/events.js';
import { representativeTrail, statusAt } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'psg.read-after-write.status';

export default defineCheck({
  id: ID,
  title: 'Statuses read back equal the last announced change, mid-run included',
  requirements: ['L3-PSG-004'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const violations: Violation[] = [];
    let graded = 0;
    const reported = new Set<string>();
    for (const step of trail.steps) {
      const at = step.after;
      for (const r of trail.resources()) {
        const read = statusAt(at, r);
        if (read === undefined || reported.has(r.id)) continue;
        graded++;
        const events = statusEventsOf(at.events, r.id);
        const announced = events.length > 0 ? change(events.at(-1)!).to : r.registered;
        const running = r.kind === 'step' && at.inFlight.includes(r.id);
        const problem =
          read !== announced
            ? { expected: announced, why: `its last pipeline_stage change announced ${announced}` }
            : running && read !== 'in_progress'
              ? { expected: 'in_progress', why: 'its action was running in the AEL' }
              : undefined;
        if (!problem) continue;
        reported.add(r.id);
        violations.push({ requirement: 'L3-PSG-004', message: `after "${step.label}" ${trail.label(r)} reads back ${read}, but ${problem.why}`, expected: problem.expected, seen: read, events: events.slice(-2) });
      }
    }
    return findings(violations, `after each of ${trail.steps.length} operations every plan and step read back its latest announced status (held steps read in_progress)`, undefined, graded);
  },
});
