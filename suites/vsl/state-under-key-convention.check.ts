// L3-VSL-003 (SHOULD): committed object state is readable through the runtime's own VSL under
// the digest §9.2 key convention (`contexts/<id>`, `plans/<id>`, `traces/<id>`,
// `confirms/<id>`): right after the plan is submitted and again after it ran to completion,
// each value carries its object's id and the status the object reads back with. An object the
// runtime does not hold at that moment (a trace may be created only when the plan first runs,
// digest §3.4) is not graded then, and the evidence says so.

import { HarnessError } from '../../src/kit/flows/observe.js';
import { Scenario, type PlanHandle } from '../lib/scenario.js';
import { defineCheck, findings, Stop, type Violation } from '../lib/verdict.js';

const ID = 'vsl.state.key-convention';
const REQ = 'L3-VSL-003';

/** Module key prefix and id field of each object kind. */
const KINDS = [
  { kind: 'context', idField: 'context_id' },
  { kind: 'plan', idField: 'plan_id' },
  { kind: 'trace', idField: 'trace_id' },
  { kind: 'confirm', idField: 'confirm_id' },
] as const;

async function compare(s: Scenario, plan: PlanHandle, when: string, absent: string[]): Promise<Violation[]> {
  const vsl = s.session.vsl!;
  const violations: Violation[] = [];
  for (const { kind, idField } of KINDS) {
    let ref;
    try {
      ref = await plan.objects.ref(kind);
    } catch (e) {
      if (!(e instanceof HarnessError)) throw e;
      absent.push(`${when}: no ${kind} of the plan in the PSG (${e.message})`);
      continue;
    }
    const object = (await s.session.get(ref)) as Record<string, unknown> | undefined;
    const key = `${kind}s/${ref.id}`;
    const stored = (await vsl.get(key)) as Record<string, unknown> | undefined;
    const expected = { [idField]: ref.id, status: object?.['status'] };
    const seen = stored && typeof stored === 'object' ? { [idField]: stored[idField], status: stored['status'] } : stored;
    if (!stored || typeof stored !== 'object' || stored[idField] !== ref.id || stored['status'] !== object?.['status']) {
      violations.push({ requirement: REQ, message: `${when}, VSL key ${key} holds ${stored === undefined ? 'nothing' : JSON.stringify(seen)} while the ${kind} reads back ${String(object?.['status'])}`, expected, seen: seen ?? null });
    }
  }
  return violations;
}

export default defineCheck({
  id: ID,
  title: 'Committed Context, plan, trace and Confirm state is readable from the VSL under <module>s/<id>',
  requirements: [REQ],
  needs: ['vsl'],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    if (!s.session.vsl) throw new Stop({ message: 'the session claims vsl but exposes no vsl', expected: 'session.vsl', seen: null });
    const plan = s.plan('stored', { steps: { a: {}, b: { after: ['a'] } } });
    await s.loadOk(plan);
    await s.submit(plan);
    const absent: string[] = [];
    const violations = await compare(s, plan, 'after the plan was submitted', absent);
    await s.decide(plan, 'approved');
    await s.runToEnd(plan);
    violations.push(...(await compare(s, plan, 'after the plan ran to completion', absent)));
    return findings(violations, `contexts/, plans/, traces/ and confirms/<id> held each object the runtime held with its current status, after submission and after the run${absent.length > 0 ? ` (not graded: ${absent.length} object(s) absent)` : ''}`, absent.length > 0 ? { not_graded: absent } : undefined);
  },
});
