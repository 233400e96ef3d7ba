// L3-RB-003 / L3-RB-007: a rollback is history appended, never history undone. The trace is
// read while the failing step is held at a barrier; after the failure and a rollback with
// both policies: everything read then is still there, unchanged and in place; the failure is
// still recorded (a trace that holds segments holds a failed one: how many segments a runtime
// writes, per step or per plan, is its own business); the plan is failed and the steps keep
// their statuses; and the trace gained a record naming each compensated step and one naming
// the restored snapshot, and still reads back valid with them (L3-PSG-004). Graded under each claimed profile (issue 16).

import { isDeepStrictEqual } from 'node:util';
import type { Profile } from '../../src/adapter/contract.js';
import type { CheckContext } from '../../src/kit/check.js';
import type { Trace } from '../../src/mplp/types.js';
import { defineCheck, findings, Stop, type Violation } from '../lib/verdict.js';
import { rollbackGroup } from '../drift/support.js';
import { gradeAsFlow } from '../lib/flow-graders.js';
import { failingPlan } from './support.js';

const ID = 'rollback.history.kept';

/** Every string anywhere inside a value. */
function strings(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** Earlier segments and events that are no longer in place, unchanged. */
function rewritten(held: Trace, now: Trace): string[] {
  const out: string[] = [];
  const nowSegments = new Map((now.segments ?? []).map((s) => [s.segment_id, s]));
  for (const s of held.segments ?? []) if (!isDeepStrictEqual(nowSegments.get(s.segment_id), s)) out.push(`segment ${s.segment_id} ${nowSegments.has(s.segment_id) ? 'changed' : 'removed'}`);
  const heldEvents = held.events ?? [];
  if (!isDeepStrictEqual((now.events ?? []).slice(0, heldEvents.length), heldEvents)) out.push('earlier trace events were changed, removed or reordered');
  return out;
}

async function underProfile(ctx: CheckContext, profile: Profile | undefined, violations: Violation[]): Promise<void> {
  const where = profile ? `under ${profile.toUpperCase()}:` : 'in a run:';
  const run = await failingPlan(ctx, profile ? `${ID}/${profile}` : ID, { snapshot: true, compensate: true }, 'barrier');
  const { scenario, plan } = run;
  const background = scenario.start(plan, profile);
  await scenario.arrivals('hold', 1, 'L3-RB-003');
  const held = await plan.objects.trace();
  scenario.release('hold');
  const outcome = await scenario.finish(background, 'L3-RB-007');
  const now = await plan.objects.trace();
  if (!held || !now) throw new Stop({ requirement: 'L3-RB-003', message: `${where} the plan's trace cannot be read back`, expected: 'a trace bound to the plan', seen: { held: held ?? null, now: now ?? null } });

  const lost = rewritten(held, now);
  if (lost.length > 0) violations.push({ requirement: 'L3-RB-003', message: `${where} the rollback rewrote trace history: ${lost.join('; ')}`, expected: 'the trace read before the failure is a prefix of the final trace', seen: { held, now } });
  const segments = now.segments ?? [];
  if (segments.length > 0 && !segments.some((s) => s.status === 'failed')) {
    violations.push({ requirement: 'L3-RB-003', message: `${where} after the rollback the trace no longer holds the failure: it has segments, none of them failed`, expected: 'a failed segment (the failed step c)', seen: { segments: segments.map((s) => s.status) } });
  }

  // d depends on the failed step: blocked or still pending, as the runtime chose (L3-ORCH-003 is a SHOULD).
  const want = { plan: 'failed', a: 'completed', b: 'completed', c: 'failed' };
  const seen = { plan: outcome.plan_status, ...Object.fromEntries(['a', 'b', 'c'].map((s) => [s, outcome.step_statuses[plan.stepId(s)]])) };
  const d = outcome.step_statuses[plan.stepId('d')];
  if (!isDeepStrictEqual(seen, want) || (d !== 'pending' && d !== 'blocked')) violations.push({ requirement: 'L3-RB-007', message: `${where} the rollback changed lifecycle statuses (they are history)`, expected: { ...want, d: 'pending or blocked' }, seen: { ...seen, d } });
  const added = (now.events ?? []).slice((held.events ?? []).length);
  const named = (text: string) => added.some((e) => strings(e.data).has(text));
  const snapshot = (await rollbackGroup(scenario).snapshots()).find((s) => s.plan_id === plan.planId);
  const unrecorded = [
    ...['a', 'b'].filter((s) => !named(plan.stepId(s))).map((s) => `the compensation of step ${s}`),
    ...(snapshot && named(snapshot.snapshot_id) ? [] : [`the restore of snapshot ${snapshot?.snapshot_id ?? '(none listed)'}`]),
  ];
  if (unrecorded.length > 0) violations.push({ requirement: 'L3-RB-007', message: `${where} the trace gained no record of ${unrecorded.join(' or ')}`, expected: 'trace events naming each compensated step and the snapshot', seen: added });
  // The records the rollback appended are part of the trace: it must still read back valid.
  for (const v of await gradeAsFlow(scenario, plan, { objects_valid: true }, () => 'L3-PSG-004')) violations.push({ ...v, message: `${where} after the rollback: ${v.message}` });
}

export default defineCheck({
  id: ID,
  title: 'After a rollback the failure, the statuses and the trace history are intact, with the rollback appended',
  requirements: ['L3-RB-003', 'L3-RB-007', 'L3-PSG-004'],
  needs: ['rollback'],
  async run(ctx) {
    const violations: Violation[] = [];
    const claimed = ctx.adapter.capabilities.profiles as Profile[];
    for (const profile of claimed.length > 0 ? claimed : [undefined]) await underProfile(ctx, profile, violations);
    return findings(violations, 'the trace read before the failure is intact, the failure is still there, statuses unchanged, the rollback appended');
  },
});
