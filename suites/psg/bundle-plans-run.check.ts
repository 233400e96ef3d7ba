// Issue 16 (plan count per bundle): the later plans of a bundle run like any other. Under each
// claimed profile one bundle registers three plans (a diamond, a one-step plan and a chain).
// The first stays draft: moving it to in_progress is refused and none of its actions runs
// (LIFE-006). The second and third are each submitted — which opens a pending Confirm targeting
// that plan (APPR-002) — and run before they are approved: nothing of theirs executes until the
// approving decision (APPR-001), which moves that plan proposed → approved (APPR-003, LIFE-003);
// then each runs to completed (ORCH-005), its steps once each, after their dependencies, with
// actions naming that plan (ORCH-002, ORCH-001, AEL-003); its status changes emit exactly their
// 4 + 2n pipeline_stage events in chains (EVT-001/002/003/009), every event valid and in order
// (EVT-006/007/008), and its statuses read back as the events say (PSG-004).

import type { Profile } from '../../src/adapter/contract.js';
import type { ExpectationSpec } from '../../src/kit/flows/spec.js';
import { isUuidV4 } from '../../src/mplp/ids.js';
import { statusEventsOf } from '../lib/events.js';
import { gradeAsFlow } from '../lib/flow-graders.js';
import { Scenario, type PlanHandle } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'psg.bundle-plans-run';

const EVENT_RULE = (m: string) => (/event_id|unique|v4/.test(m) ? 'L3-EVT-007' : /seq|order|before|while the plan|in_progress/.test(m) ? 'L3-EVT-008' : 'L3-EVT-006');

export default defineCheck({
  id: ID,
  title: 'The second and third plans of a bundle are gated, run and recorded like a single plan; the first, still draft, never runs',
  requirements: ['L3-ORCH-005', 'L3-ORCH-001', 'L3-ORCH-002', 'L3-AEL-003', 'L3-APPR-001', 'L3-APPR-002', 'L3-APPR-003', 'L3-LIFE-003', 'L3-LIFE-006', 'L3-PSG-004', 'L3-EVT-001', 'L3-EVT-002', 'L3-EVT-003', 'L3-EVT-006', 'L3-EVT-007', 'L3-EVT-008', 'L3-EVT-009'],
  needs: ['approval'],
  async run(ctx) {
    const violations: Violation[] = [];
    const profiles = ctx.adapter.capabilities.profiles as Profile[];
    let graded = 0;
    for (const profile of profiles) {
      const where = `under ${profile.toUpperCase()}`;
      const s = await Scenario.open(ctx, `${ID}/${profile}`);
      const first = s.plan('diamond', { steps: { a: {}, b: { after: ['a'] }, c: { after: ['a'] }, d: { after: ['b', 'c'] } } });
      const later = [s.plan('single', { steps: { only: {} } }), s.plan('chain', { steps: { x: {}, y: { after: ['x'] }, z: { after: ['y'] } } })];
      const all = [first, ...later];
      s.must('the load of a bundle of three valid plans', await s.session.load({ contexts: all.map((p) => p.flow.context), plans: all.map((p) => p.registered) }), 'L3-PSG-007');
      const callsOf = (p: PlanHandle) => s.ael.calls.filter((c) => p.stepIds().includes(c.step_id) || c.action.plan_id === p.planId);

      const forced = await s.session.transition({ type: 'plan', id: first.planId }, 'in_progress');
      graded++;
      if (forced.ok) violations.push({ requirement: 'L3-LIFE-006', message: `${where} the first plan of the bundle, still draft, was moved to in_progress`, expected: { ok: false }, seen: forced });

      for (const p of later) {
        await s.submit(p);
        const confirms = await p.objects.confirms();
        graded++;
        if (!confirms.some((c) => c.target_id === p.planId && c.target_type === 'plan' && c.status === 'pending')) {
          violations.push({ requirement: 'L3-APPR-002', message: `${where} submitting plan ${p.name} (plan ${later.indexOf(p) + 2} of its bundle) opened no pending Confirm targeting it`, expected: { target_id: p.planId, status: 'pending' }, seen: confirms.map((c) => ({ target_id: c.target_id, status: c.status })) });
        }
        const run = s.start(p, profile);
        await s.quiesce();
        if (callsOf(p).length > 0) violations.push({ requirement: 'L3-APPR-001', message: `${where} plan ${p.name} of the bundle executed ${callsOf(p).length} step action(s) before its Confirm was decided`, expected: 0, seen: callsOf(p).map((c) => p.nameOf(c.step_id)) });
        await s.decide(p, 'approved');
        const outcome = await s.finish(run);
        if (outcome.plan_status !== 'completed') violations.push({ requirement: 'L3-ORCH-005', message: `${where} plan ${p.name} of the bundle ended ${outcome.plan_status}`, expected: 'completed', seen: outcome });
      }

      for (const p of later) {
        const n = p.stepIds().length;
        const grade = async (spec: ExpectationSpec, rule: string | ((m: string) => string)) =>
          violations.push(...(await gradeAsFlow(s, p, spec, typeof rule === 'string' ? () => rule : rule)).map((v) => ({ ...v, message: `${where}, plan ${p.name}: ${v.message}` })));
        await grade({ final: { plan: 'completed', all_steps: 'completed' } }, 'L3-ORCH-005');
        await grade({ transitions: { plan: ['draft -> proposed', 'proposed -> approved', 'approved -> in_progress', 'in_progress -> completed'] } }, 'L3-EVT-001');
        await grade({ transitions: Object.fromEntries(p.flow.steps.map((st) => [st.name, ['pending -> in_progress', 'in_progress -> completed']])) }, 'L3-EVT-002');
        await grade({ events: { pipeline_stage: 4 + 2 * n } }, 'L3-EVT-003');
        await grade({ chains: true }, 'L3-EVT-009');
        await grade({ events_valid: true }, EVENT_RULE);
        graded++;

        const calls = callsOf(p);
        const perStep = new Map<string, number>();
        for (const c of calls) perStep.set(c.step_id, (perStep.get(c.step_id) ?? 0) + 1);
        const wrongCount = p.stepIds().filter((id) => perStep.get(id) !== 1);
        if (wrongCount.length > 0) violations.push({ requirement: 'L3-ORCH-002', message: `${where} step(s) of plan ${p.name} did not run exactly once: ${wrongCount.map((id) => p.nameOf(id)).join(', ')}`, expected: 'one AEL action per step', seen: Object.fromEntries([...perStep].map(([id, k]) => [p.nameOf(id), k])) });
        const bad = calls.filter((c) => !isUuidV4(c.action.action_id) || c.action.plan_id !== p.planId || !p.stepIds().includes(c.action.step_id));
        if (bad.length > 0) violations.push({ requirement: 'L3-AEL-003', message: `${where} ${bad.length} action(s) of plan ${p.name} (a later plan of its bundle) lack a v4 action_id or name another plan or step`, expected: { plan_id: p.planId }, seen: bad.map((c) => c.action) });
        for (const st of p.flow.steps) {
          const mine = calls.find((c) => c.step_id === st.id);
          for (const dep of p.registered.steps.find((x) => x.step_id === st.id)?.dependencies ?? []) {
            const d = calls.find((c) => c.step_id === dep);
            if (mine && (!d || d.end === undefined || d.end > mine.start)) violations.push({ requirement: 'L3-ORCH-001', message: `${where} ${p.nameOf(st.id)} started before its dependency ${p.nameOf(dep)} ended`, expected: 'dependency completed first', seen: { step: mine.start, dependency_end: d?.end ?? null } });
          }
        }
      }

      const events = await s.session.events();
      for (const p of all) {
        const read = await s.readPlan(p);
        const last = (id: string) => (statusEventsOf(events, id).at(-1)?.payload as { to_status?: string } | undefined)?.to_status;
        const stale = [{ id: p.planId, status: read?.status }, ...(read?.steps ?? []).map((x) => ({ id: x.step_id, status: x.status }))].filter((r) => last(r.id) !== undefined && last(r.id) !== r.status);
        graded++;
        if (stale.length > 0) violations.push({ requirement: 'L3-PSG-004', message: `${where} plan ${p.name} of the bundle reads back statuses its last status changes do not say: ${stale.map((r) => `${p.nameOf(r.id)} ${r.status} (events: ${last(r.id)})`).join(', ')}`, expected: 'the latest committed status', seen: stale });
      }
      if (callsOf(first).length > 0) violations.push({ requirement: 'L3-LIFE-006', message: `${where} ${callsOf(first).length} action(s) of the first plan, never approved, ran`, expected: 0, seen: callsOf(first).map((c) => first.nameOf(c.step_id)) });
    }
    return findings(violations, `under ${profiles.join(' and ')} the later plans of a bundle were gated by their own Confirms and ran to completion, recorded like any plan; the draft first plan never ran`, undefined, graded);
  },
});
