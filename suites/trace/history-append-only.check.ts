// L3-TRACE-001 / L3-TRACE-002 over the representative scenario (whatever profile the runtime
// claims, failure path included): every trace segment and trace event read back at any
// boundary — mid-run while two branches are held, after the run, after the failing plan —
// is still there, unchanged and in place, at the end. Uses the flows' append-only grader.

import type { Snapshot } from '../../src/kit/flows/grade.js';
import { gradeAsFlow } from '../lib/flow-graders.js';
import { representativeTrail } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'trace.history.append-only-across-run';

/** The grader words event-list problems as "trace events ..."; everything else is about segments. */
const requirementOf = (message: string) => (/trace events/.test(message) ? 'L3-TRACE-002' : 'L3-TRACE-001');

export default defineCheck({
  id: ID,
  title: 'Trace segments and events seen at any point of a run are unchanged at its end',
  requirements: ['L3-TRACE-001', 'L3-TRACE-002'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const violations: Violation[] = [];
    let compared = 0;
    for (const plan of trail.plans) {
      for (const step of trail.steps) {
        const trace = step.after.reads.get(plan.planId)?.trace;
        if (!trace || ((trace.segments ?? []).length === 0 && (trace.events ?? []).length === 0)) continue;
        const name = `after:${step.index}`;
        const snapshots = new Map<string, Snapshot>([[name, { graph: step.after.graph, events: step.after.events, trace }]]);
        compared++;
        const found = await gradeAsFlow(trail.scenario, plan, { trace: { append_only_since: name } }, requirementOf, snapshots);
        violations.push(...found.map((v) => ({ ...v, message: `${v.message} (read after "${step.label}", read again at the end)` })));
        if (found.length > 0) break;
      }
    }
    return findings(violations, `${compared} earlier readings of the plans' traces were still prefixes of the final traces (segments and events unchanged)`, undefined, compared);
  },
});
