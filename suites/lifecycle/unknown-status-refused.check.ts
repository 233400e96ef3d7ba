// L3-LIFE-001 / L3-LIFE-002 / L3-LIFE-011 / L3-LIFE-005: a request to move a plan, a step or a
// Context to a value that is not one of its statuses (a made-up word, or a status of another
// kind of object) names no successor of the L2 table, which lists every successor (digest §3:
// "any pair not listed above … R"), so it is refused and changes nothing. Accepting it
// (answering ok while the object keeps its status) claims a status change that never happened.

import type { ObjectRef } from '../../src/adapter/contract.js';
import { captureState, stateDifference } from '../../src/kit/flows/observe.js';
import { LIFECYCLE_TABLES } from '../../src/mplp/transitions.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'lifecycle.unknown-status.refused';

export default defineCheck({
  id: ID,
  title: 'A status change to a value that is not a status of the object is refused and changes nothing',
  requirements: ['L3-LIFE-001', 'L3-LIFE-002', 'L3-LIFE-011', 'L3-LIFE-005'],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const plan = s.plan('unknown-status', { steps: { a: {}, b: { after: ['a'] } } });
    await s.loadOk(plan);
    const violations: Violation[] = [];
    const graded: string[] = [];
    const targets: { ref: ObjectRef; kind: 'plan' | 'step' | 'context'; requirement: string }[] = [
      { ref: { type: 'plan', id: plan.planId }, kind: 'plan', requirement: 'L3-LIFE-001' },
      { ref: { type: 'step', id: plan.stepId('b') }, kind: 'step', requirement: 'L3-LIFE-002' },
      { ref: { type: 'context', id: plan.contextId }, kind: 'context', requirement: 'L3-LIFE-011' },
    ];
    for (const { ref, kind, requirement } of targets) {
      const own = LIFECYCLE_TABLES[kind].statuses;
      const foreign = Object.values(LIFECYCLE_TABLES).flatMap((t) => t.statuses).find((x) => !own.includes(x));
      for (const to of ['not-a-status', ...(foreign === undefined ? [] : [foreign])]) {
        const before = await captureState(s.session);
        const answer = await s.session.transition(ref, to);
        const changed = stateDifference(before, await captureState(s.session));
        graded.push(`${kind} → ${JSON.stringify(to)}`);
        if (answer.ok) violations.push({ requirement, message: `${kind} → ${JSON.stringify(to)}, which is not a ${kind} status, was accepted`, expected: 'refused', seen: answer });
        if (changed) violations.push({ requirement: 'L3-LIFE-005', message: `the request ${kind} → ${JSON.stringify(to)} changed the runtime (${changed.summary.join('; ')})`, expected: 'nothing changed', seen: changed.summary });
      }
    }
    return findings(violations, `${graded.length} requests to a value that is not a status were refused without changing anything`, { graded }, graded.length);
  },
});
