// Scale and shape (issue 16): a plan of 160 steps — a root, a fan-out of more than twice the
// concurrency limit of independent steps, a 100-step chain, and a join — with order_index
// values well past 10, run under each claimed profile. Every step runs exactly once through the
// AEL (ORCH-002), only after its dependencies completed (ORCH-001), never more at once than the
// limit (ORCH-007; one at a time under SA, SA-001) and, under MAP, up to the limit (MAP-001);
// the plan completes (ORCH-005), every change has its pipeline_stage event (EVT-002), and the
// plan reads back with its steps in registered order (PSG-006). Among ready steps an SA run
// prefers the lowest order_index (SA-002, SHOULD): numeric order, so 12 comes before 100.

import type { Profile } from '../../src/adapter/contract.js';
import type { StepSpec } from '../../src/kit/flows/spec.js';
import type { AelCall } from '../../src/kit/recording-ael.js';
import { statusEventsOf } from '../lib/events.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'scale.large-plan';
const CHAIN = 100;

/** root → fan-out (wide) → chain of CHAIN → join; order_index descending along positions so position and order disagree. */
function largePlan(wide: number): Record<string, StepSpec> {
  const steps: Record<string, StepSpec> = {};
  const total = 1 + wide + CHAIN + 1;
  let order = total + 5;
  const next = () => order--;
  steps['root'] = { order_index: next() };
  for (let i = 0; i < wide; i++) steps[`w${i}`] = { after: ['root'], order_index: next() };
  for (let i = 0; i < CHAIN; i++) steps[`c${i}`] = { after: [i === 0 ? 'root' : `c${i - 1}`], order_index: next() };
  steps['join'] = { after: [...Array.from({ length: wide }, (_, i) => `w${i}`), `c${CHAIN - 1}`], order_index: next() };
  return steps;
}

export default defineCheck({
  id: ID,
  title: 'A plan of 160 steps (fan-out beyond twice the limit, a 100-step chain) runs correctly under each profile',
  requirements: ['L3-ORCH-001', 'L3-ORCH-002', 'L3-ORCH-005', 'L3-ORCH-007', 'L3-MAP-001', 'L3-SA-001', 'L3-EVT-002', 'L3-PSG-006', 'L3-SA-002'],
  async run(ctx) {
    const violations: Violation[] = [];
    const profiles = ctx.adapter.capabilities.profiles;
    let graded = 0;
    for (const profile of profiles as Profile[]) {
      const s = await Scenario.open(ctx, `${ID}/${profile}`);
      const wide = 2 * ctx.maxConcurrency + 3;
      const spec = largePlan(wide);
      // Under MAP the fan-out waits at a barrier until `limit` of its steps run at once (proof of overlap).
      const fan = profile === 'map' ? Object.fromEntries(Array.from({ length: wide }, (_, i) => [`w${i}`, { barrier: 'fan' }])) : {};
      const plan = s.plan(profile, { steps: spec, actions: fan });
      const nameOf = new Map(Object.keys(spec).map((n) => [plan.stepId(n), n]));
      await s.loadApproved(plan);
      const running = s.start(plan, profile);
      if (profile === 'map') {
        await s.arrivals('fan', Math.min(ctx.maxConcurrency, wide), 'L3-MAP-001');
        await s.quiesce();
        s.release('fan');
      }
      const outcome = await s.finish(running);
      graded++;
      const ids = plan.stepIds();
      const calls = s.ael.calls.filter((c) => c.plan_id === plan.planId);
      const byStep = new Map<string, AelCall[]>();
      for (const c of calls) byStep.set(c.step_id, [...(byStep.get(c.step_id) ?? []), c]);
      const read = await s.readPlan(plan);
      const where = `under ${profile}`;
      if (outcome.plan_status !== 'completed' || read?.steps.some((x) => x.status !== 'completed')) {
        const open = (read?.steps ?? []).filter((x) => x.status !== 'completed').map((x) => `${plan.nameOf(x.step_id)} ${x.status}`);
        violations.push({ requirement: 'L3-ORCH-005', message: `${where} the ${ids.length}-step plan ended ${outcome.plan_status} with ${open.length} step(s) not completed`, expected: 'plan completed, every step completed', seen: open.slice(0, 10) });
      }
      const twice = [...byStep].filter(([, c]) => c.length > 1).map(([id]) => plan.nameOf(id));
      const never = ids.filter((id) => !byStep.has(id) && read?.steps.find((x) => x.step_id === id)?.status === 'completed').map((id) => plan.nameOf(id));
      if (twice.length + never.length > 0) violations.push({ requirement: 'L3-ORCH-002', message: `${where} ${twice.length} step(s) ran more than once and ${never.length} completed without an AEL action`, expected: 'one AEL action per executed step', seen: { twice: twice.slice(0, 10), never: never.slice(0, 10) } });
      const early: string[] = [];
      for (const [name, step] of Object.entries(spec)) {
        const mine = byStep.get(plan.stepId(name))?.[0];
        if (!mine) continue;
        for (const dep of step.after ?? []) {
          const d = byStep.get(plan.stepId(dep))?.[0];
          if (!d || d.end === undefined || d.end > mine.start) early.push(`${name} before ${dep} ended`);
        }
      }
      if (early.length > 0) violations.push({ requirement: 'L3-ORCH-001', message: `${where} ${early.length} step(s) started before a dependency completed`, expected: 'every dependency completed first', seen: early.slice(0, 10) });
      const peak = s.ael.maxInFlight;
      if (profile === 'sa' && peak > 1) violations.push({ requirement: 'L3-SA-001', message: `${where} ${peak} step actions ran at once`, expected: 1, seen: peak });
      if (peak > ctx.maxConcurrency) violations.push({ requirement: 'L3-ORCH-007', message: `${where} ${peak} step actions ran at once with ${wide} ready and a limit of ${ctx.maxConcurrency}`, expected: `<= ${ctx.maxConcurrency}`, seen: peak });
      const events = await s.session.events();
      const silent = ids.filter((id) => statusEventsOf(events, id).length < 2).map((id) => plan.nameOf(id));
      if (silent.length > 0) violations.push({ requirement: 'L3-EVT-002', message: `${where} ${silent.length} step(s) lack their pipeline_stage events (in_progress, completed)`, expected: 'two events per step', seen: silent.slice(0, 10) });
      if (read && read.steps.map((x) => x.step_id).join() !== ids.join()) violations.push({ requirement: 'L3-PSG-006', message: `${where} the plan reads back its ${ids.length} steps in another order than registered`, expected: 'registered order', seen: read.steps.slice(0, 5).map((x) => plan.nameOf(x.step_id)) });
      if (profile === 'sa') {
        // The fan-out steps and the chain's head are ready together after root: lowest order_index first (numeric).
        const order = calls.map((c) => c.step_id);
        const readyTogether = [...Array.from({ length: wide }, (_, i) => `w${i}`), 'c0'].map((n) => plan.stepId(n));
        const ran = order.filter((id) => readyTogether.includes(id)).slice(0, 3);
        const byIndex = [...readyTogether].sort((a, b) => (spec[nameOf.get(a)!]?.order_index ?? 0) - (spec[nameOf.get(b)!]?.order_index ?? 0));
        if (ran.join() !== byIndex.slice(0, 3).join()) violations.push({ requirement: 'L3-SA-002', message: `${where} the ready steps did not start lowest order_index first`, expected: byIndex.slice(0, 3).map((id) => plan.nameOf(id)), seen: ran.map((id) => plan.nameOf(id)) });
      }
    }
    return findings(violations, `the ${1 + 2 * ctx.maxConcurrency + 3 + CHAIN + 1}-step plan ran correctly under ${profiles.join(' and ')}`, undefined, graded);
  },
});
