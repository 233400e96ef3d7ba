// L3-DRIFT-005 (SHOULD): a drift report is evidence: after a scan that finds a modified, a
// deleted and a new file, a trace of the plan's Context holds a new schema-valid base event
// naming each drifted path with its kind (wherever in its data the runtime puts them). The
// plan's own trace is terminal by then: appending history to it is allowed (trace events are
// append-only, digest §3.4), and so is recording the drift in another trace of the Context.

import type { DriftReport, Session } from '../../src/adapter/contract.js';
import { nodeKind } from '../../src/kit/psg-names.js';
import type { Trace } from '../../src/mplp/types.js';
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

/** Every trace of a Context, by id. */
async function tracesOf(session: Session, contextId: string): Promise<Map<string, Trace>> {
  const out = new Map<string, Trace>();
  for (const n of (await session.graph()).nodes) {
    if (nodeKind(n.type) !== 'trace') continue;
    const t = (await session.get({ type: 'trace', id: n.id })) as Trace | undefined;
    if (t?.context_id === contextId) out.set(t.trace_id, t);
  }
  return out;
}

export default defineCheck({
  id: ID,
  title: 'A drift report is appended to the trace as a base event',
  requirements: [REQ],
  needs: ['drift'],
  async run(ctx) {
    const { plan, drift, workspace, files, scenario } = await trackedWorkspace(ctx, ID, BASE_FILES, REQ);
    const before = await tracesOf(scenario.session, plan.contextId);
    await editFiles(workspace, ALL_EDITS);
    accepted<DriftReport>('the drift scan', await drift.scan(), 'L3-DRIFT-003');
    const after = await tracesOf(scenario.session, plan.contextId);
    if (after.size === 0) throw new Stop({ message: `no trace of the plan's Context can be read back`, expected: 'a trace of the Context', seen: null });
    const wanted = expectedEntries(files, ALL_EDITS, 'scan').map((e) => ({ path: e.path, kind: e.kind }));
    const violations: Violation[] = [];
    const added = [...after.values()].flatMap((t) => (t.events ?? []).slice(before.get(t.trace_id)?.events?.length ?? 0).map((event) => ({ trace: t, event })));
    const found = added.find(({ event }) => {
      const named = strings(event.data);
      return wanted.every((w) => named.has(w.path) && named.has(w.kind));
    });
    const recording = found?.event;
    if (!found) {
      violations.push({ requirement: REQ, message: `no event appended to a trace of the Context (${after.size} trace(s)) names every drifted path with its kind`, expected: wanted, seen: added.map((a) => a.event) });
    } else {
      const trace = found.trace;
      const r = validate('trace', trace);
      if (!r.ok) violations.push({ requirement: REQ, message: 'the trace holding the drift record is not schema-valid', expected: 'a valid Trace with base events', seen: r.errors });
    }
    return findings(violations, `the trace gained "${recording?.event_type}" naming the ${wanted.length} drifted paths`);
  },
});
