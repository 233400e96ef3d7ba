// L3-TRACE-004 (SHOULD): the plan's trace follows the plan (digest §3.4 [KIT]): pending until
// the plan runs, running while it is in_progress (read mid-run while two branches are held),
// and then the plan's terminal status — completed for the diamond, failed for the failing plan.
// "Pending when created" does not say when: before the plan first runs, the trace may also be
// absent (created at first execution); from in_progress on it must be there.

import { representativeTrail } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'trace.status.follows-plan';

/** Trace status expected for each plan status. */
const TRACE_OF: Readonly<Record<string, string>> = {
  draft: 'pending',
  proposed: 'pending',
  approved: 'pending',
  in_progress: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** Plan statuses before any execution: the trace may not exist yet. */
const NOT_RUN_YET: ReadonlySet<string> = new Set(['draft', 'proposed', 'approved']);

export default defineCheck({
  id: ID,
  title: "The plan's trace is pending, then running while the plan runs, then ends with the plan",
  requirements: ['L3-TRACE-004'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const violations: Violation[] = [];
    const reported = new Set<string>();
    const seenPairs = new Set<string>();
    let graded = 0;
    for (const step of trail.steps) {
      for (const plan of trail.plans) {
        const reads = step.after.reads.get(plan.planId);
        const planStatus = reads?.plan?.status;
        if (!planStatus) continue;
        const expected = TRACE_OF[planStatus];
        const seen = reads.trace?.status;
        seenPairs.add(`${planStatus}/${seen ?? 'absent'}`);
        if (seen === undefined && NOT_RUN_YET.has(planStatus)) continue;
        graded++;
        const key = `${plan.name}:${planStatus}`;
        if (seen !== expected && !reported.has(key)) {
          reported.add(key);
          violations.push({ requirement: 'L3-TRACE-004', message: `after "${step.label}" plan ${plan.name} is ${planStatus} but its trace is ${seen ?? 'missing'}`, expected, seen: seen ?? null });
        }
      }
    }
    return findings(violations, `the traces followed their plans through ${[...seenPairs].join(', ')} (plan/trace)`, undefined, graded);
  },
});
