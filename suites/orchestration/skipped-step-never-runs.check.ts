// A step skipped before the run (pending → skipped, an A row: "conditional logic decides not to
// run", digest §3.2) never runs, and neither do the steps that depend on it, directly or through
// another step: a step starts only once every dependency is completed, and skipped is not
// completed (digest §3.2, "dependency skipped": graded only that way — whether its dependents are
// skipped, blocked or left pending is the runtime's choice, and so is whether the untouched branch
// runs first). The run answers with the plan terminal (it answers once terminal or paused), and
// a plan that ends completed has every step completed or skipped (L3-LIFE-009). Run under every
// claimed profile: SA and MAP schedule differently.

import type { Profile } from '../../src/adapter/contract.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'orchestration.skipped-step-never-runs';
const PLAN_TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);
const STEP_DONE: ReadonlySet<string> = new Set(['completed', 'skipped']);

export default defineCheck({
  id: ID,
  title: 'A step skipped before the run never runs, nor do its dependents; the run still ends the plan, completed only with every step completed or skipped',
  requirements: ['L3-LIFE-003', 'L3-ORCH-001', 'L3-ORCH-002', 'L3-LIFE-004', 'L3-LIFE-009', 'L3-ORCH-005'],
  needs: ['profile:sa'],
  async run(ctx) {
    const violations: Violation[] = [];
    const profiles = (['sa', 'map'] as Profile[]).filter((p) => ctx.adapter.capabilities.profiles.includes(p));
    for (const profile of profiles) {
      const s = await Scenario.open(ctx, `${ID}/${profile}`);
      // a → mid → after → last, and a branch (side) that depends on nothing skipped.
      const plan = s.plan('skip', { steps: { a: {}, mid: { after: ['a'] }, after: { after: ['mid'] }, last: { after: ['after'] }, side: { after: ['a'] } } });
      await s.loadApproved(plan);
      s.must(`skipping step mid (pending → skipped) before the run`, await s.session.transition({ type: 'step', id: plan.stepId('mid') }, 'skipped'), 'L3-LIFE-003');
      const outcome = await s.runToEnd(plan, profile);

      const names = ['a', 'mid', 'after', 'last', 'side'];
      const nameOfId = new Map(names.map((n) => [plan.stepId(n), n]));
      const ran = new Set(s.ael.calls.map((c) => nameOfId.get(c.step_id) ?? c.step_id));
      for (const name of ['mid', 'after', 'last']) {
        if (!ran.has(name)) continue;
        const requirement = name === 'mid' ? 'L3-ORCH-002' : 'L3-ORCH-001';
        violations.push({ requirement, message: `${profile}: the action of ${name} ran although ${name === 'mid' ? 'it was skipped before the run' : 'a step it depends on was skipped, never completed'}`, expected: `no action for ${name}`, seen: [...ran] });
      }

      const read = await s.readPlan(plan);
      const planStatus = read?.status ?? outcome.plan_status;
      const statuses: Record<string, string> = Object.fromEntries((read?.steps ?? []).map((st) => [nameOfId.get(st.step_id) ?? st.step_id, st.status]));
      if (!PLAN_TERMINAL.has(planStatus)) {
        violations.push({ requirement: 'L3-ORCH-005', message: `${profile}: the run answered with the plan ${planStatus}, not terminal (nothing was paused)`, expected: [...PLAN_TERMINAL], seen: { plan: planStatus, steps: statuses } });
      }
      if (statuses['mid'] !== 'skipped') {
        violations.push({ requirement: 'L3-LIFE-004', message: `${profile}: the skipped step mid reads ${statuses['mid']} after the run; skipped is terminal`, expected: 'skipped', seen: statuses });
      }
      const open = Object.entries(statuses).filter(([, st]) => !STEP_DONE.has(st));
      if (planStatus === 'completed' && open.length > 0) {
        violations.push({ requirement: 'L3-LIFE-009', message: `${profile}: the plan ended completed with ${open.map(([n, st]) => `${n} ${st}`).join(', ')}`, expected: 'every step completed or skipped', seen: statuses });
      }
    }
    return findings(violations, `under ${profiles.join(' and ')}: the skipped step and its dependents never ran and the plan ended terminal`, undefined, profiles.length);
  },
});
