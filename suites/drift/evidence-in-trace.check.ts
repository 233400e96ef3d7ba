// L3-DRIFT-005: a drift report is evidence: after a scan that finds a modified, a deleted and
// a new file, the trace of the plan that ran holds a new schema-valid base event naming each
// drifted path with its kind (wherever in its data the runtime puts them).

import type { DriftReport } from '../../src/adapter/contract.js';
import { validate } from '../../src/mplp/validate.js';
import { defineCheck, findings, Stop, type Violation } from '../lib/verdict.js';
import { accepted, ALL_EDITS, BASE_FILES, editFiles, expectedEntries, trackedWorkspace } from './support.js';

const ID = 'drift.evidence.report-in-trace';
const REQ = 'L3-DRIFT-005';

/** Every string anywhere inside a value. */
function strings(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

export default defineCheck({
  id: ID,
  title: 'A drift report is appended to the trace as a base event',
  requirements: [REQ],
  needs: ['drift'],
  async run(ctx) {
    const { plan, drift, workspace, files } = await trackedWorkspace(ctx, ID, BASE_FILES, REQ);
    const before = (await plan.objects.trace())?.events ?? [];
    await editFiles(workspace, ALL_EDITS);
    accepted<DriftReport>('the drift scan', await drift.scan(), 'L3-DRIFT-003');
    const trace = await plan.objects.trace();
    if (!trace) throw new Stop({ message: `the plan's trace cannot be read back`, expected: 'a trace bound to the plan', seen: null });
    const added = (trace.events ?? []).slice(before.length);
    const wanted = expectedEntries(files, ALL_EDITS, 'scan').map((e) => ({ path: e.path, kind: e.kind }));
    const violations: Violation[] = [];
    const recording = added.find((e) => {
      const named = strings(e.data);
      return wanted.every((w) => named.has(w.path) && named.has(w.kind));
    });
    if (!recording) {
      violations.push({ requirement: REQ, message: 'no event appended to the trace names every drifted path with its kind', expected: wanted, seen: added });
    } else {
      const r = validate('trace', trace);
      if (!r.ok) violations.push({ requirement: REQ, message: 'the trace holding the drift record is not schema-valid', expected: 'a valid Trace with base events', seen: r.errors });
    }
    return findings(violations, `the trace gained "${recording?.event_type}" naming the ${wanted.length} drifted paths`);
  },
});
