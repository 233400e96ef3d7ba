// L3-LIFE-004 for the other objects with a lifecycle: a Trace registered completed, failed or
// cancelled, and a Collab registered completed or cancelled, never leave that status: every
// request to another status is refused and changes nothing (digest §3.4, §3.6).

import type { ObjectRef } from '../../src/adapter/contract.js';
import { FLOW_EPOCH } from '../../src/kit/flows/expand.js';
import { captureState, stateDifference } from '../../src/kit/flows/observe.js';
import { nameToUuidV4 } from '../../src/mplp/ids.js';
import { COLLAB_TABLE, TRACE_TABLE } from '../../src/mplp/transitions.js';
import type { Trace } from '../../src/mplp/types.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'lifecycle.terminal.trace-and-collab';
const META = { protocol_version: '1.0.0', schema_version: '1.0.0', created_at: FLOW_EPOCH };

export default defineCheck({
  id: ID,
  title: 'A terminal Trace or Collab never changes status again',
  requirements: ['L3-LIFE-004'],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const violations: Violation[] = [];
    const graded: string[] = [];
    const probe = async (ref: ObjectRef, kind: string, from: string, statuses: readonly string[]) => {
      for (const to of statuses.filter((x) => x !== from)) {
        const before = await captureState(s.session);
        const answer = await s.session.transition(ref, to);
        const changed = stateDifference(before, await captureState(s.session));
        graded.push(`${kind} ${from} → ${to}`);
        if (answer.ok || changed) violations.push({ requirement: 'L3-LIFE-004', message: `${kind} ${from} → ${to} was ${answer.ok ? 'accepted' : `refused but changed the runtime (${changed!.summary.join('; ')})`}`, expected: 'refused, nothing changed', seen: answer });
        if (answer.ok) return;
      }
    };
    for (const status of TRACE_TABLE.terminal) {
      const plan = s.plan(`trace-${status}`, { steps: { a: {} } });
      const trace_id = nameToUuidV4(ID, `trace:${status}`);
      const trace: Trace = { meta: META, trace_id, context_id: plan.contextId, plan_id: plan.planId, root_span: { trace_id, span_id: nameToUuidV4(ID, `span:${status}`) }, status: status as Trace['status'] };
      s.must(`the load of a plan with a ${status} Trace`, await s.session.load({ ...plan.bundle(['context', 'plan']), traces: [trace] }), 'L3-PSG-007');
      await probe({ type: 'trace', id: trace_id }, 'trace', status, TRACE_TABLE.statuses);
    }
    for (const status of COLLAB_TABLE.terminal) {
      const plan = s.plan(`collab-${status}`, { steps: { a: {} }, collab: { mode: 'broadcast', status, participants: { lead: {} } } });
      s.must(`the load of a ${status} Collab`, await s.session.load(plan.bundle(['context', 'collab'])), 'L3-PSG-007');
      await probe({ type: 'collab', id: plan.flow.collab!.collab_id }, 'collab', status, COLLAB_TABLE.statuses);
    }
    return findings(violations, `${graded.length} requests out of terminal Trace and Collab statuses were refused without changing anything`, { graded }, graded.length);
  },
});
