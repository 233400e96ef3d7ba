// Issue 16 (plan count per bundle, plan size, DAG shape): registration rules hold wherever the
// defect sits. Accepted, then read back with every step in registered order: a bundle of three
// valid plans of 1, 150 and 1,200 steps (a chain, a fan-out wider than twice the limit, a diamond
// and a 1,000-step path among them), with graph_update deltas adding up to the PSG and listing
// the new nodes when the runtime lists any (PSG-007, PSG-006, EVT-004, EVT-005). Rejected,
// changing nothing (PSG-002): each defect — a cycle, a self-dependency, a dependency on no step,
// two steps sharing an id, a schema-invalid step, a plan of a Context that does not exist — in
// the second plan of a bundle, at the end of a 150-step plan and at the end of a 1,200-step plan;
// a one-step plan depending on itself or on nothing, or with an invalid step; and cycles through
// a wide fan-out, through a diamond's join and around a 1,000-step path.

import { isDeepStrictEqual } from 'node:util';
import type { LoadBundle } from '../../src/adapter/contract.js';
import { captureState, stateDifference } from '../../src/kit/flows/observe.js';
import type { StepSpec } from '../../src/kit/flows/spec.js';
import { nameToUuidV4 } from '../../src/mplp/ids.js';
import type { Plan } from '../../src/mplp/types.js';
import { deltaSums, graphUpdates, listedInUpdates } from '../lib/events.js';
import { Scenario, type PlanHandle } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'psg.defects-anywhere';
const DEEP = 1000;

/** root → fan-out of `wide` → join, a diamond beside it, and a chain of `chain` after the root. */
function shapedSteps(wide: number, chain: number): Record<string, StepSpec> {
  const steps: Record<string, StepSpec> = { root: {} };
  for (let i = 0; i < wide; i++) steps[`w${i}`] = { after: ['root'] };
  steps['fan_join'] = { after: Array.from({ length: wide }, (_, i) => `w${i}`) };
  steps['left'] = { after: ['root'] };
  steps['right'] = { after: ['root'] };
  steps['diamond_join'] = { after: ['left', 'right'] };
  for (let i = 0; i < chain; i++) steps[`c${i}`] = { after: [i === 0 ? 'root' : `c${i - 1}`] };
  return steps;
}

type Defect = 'cycle' | 'self' | 'dangling' | 'duplicate' | 'invalid' | 'context';

const RULE: Readonly<Record<Defect, string>> = {
  cycle: 'L3-DAG-001',
  self: 'L3-DAG-002',
  dangling: 'L3-DAG-003',
  duplicate: 'L3-PSG-003',
  invalid: 'L3-PSG-005',
  context: 'L3-PSG-001',
};

/** The plan with `defect` planted at its last step (a cycle: the first step waits for the last). */
function planted(plan: Plan, defect: Defect, seed: string): Plan {
  const p = structuredClone(plan);
  const steps = p.steps;
  const last = steps[steps.length - 1]!;
  switch (defect) {
    case 'cycle':
      steps[0]!.dependencies = [...(steps[0]!.dependencies ?? []), last.step_id];
      break;
    case 'self':
      last.dependencies = [...(last.dependencies ?? []), last.step_id];
      break;
    case 'dangling':
      last.dependencies = [...(last.dependencies ?? []), nameToUuidV4(ID, `nowhere:${seed}`)];
      break;
    case 'duplicate':
      last.step_id = steps[0]!.step_id;
      break;
    case 'invalid':
      last.step_id = last.step_id.toUpperCase();
      break;
    case 'context':
      p.context_id = nameToUuidV4(ID, `no-context:${seed}`);
      break;
  }
  return p;
}

export default defineCheck({
  id: ID,
  title: 'Registration rules hold wherever the defect sits: a later plan of a bundle, the end of a 150- or 1,200-step plan, a one-step plan, any DAG shape',
  requirements: ['L3-PSG-007', 'L3-PSG-006', 'L3-PSG-002', 'L3-PSG-001', 'L3-PSG-003', 'L3-PSG-005', 'L3-DAG-001', 'L3-DAG-002', 'L3-DAG-003', 'L3-EVT-004', 'L3-EVT-005'],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const violations: Violation[] = [];
    const wide = 2 * ctx.maxConcurrency + 3;
    let graded = 0;
    const build = (name: string, steps: Record<string, StepSpec>) => s.plan(name, { steps });
    const bundleOf = (plans: readonly PlanHandle[], override?: (p: Plan, i: number) => Plan): LoadBundle => ({
      contexts: plans.map((p) => p.flow.context),
      plans: plans.map((p, i) => (override ? override(p.registered, i) : p.registered)),
    });

    // Valid: one bundle of three plans, 1, 150 and 1,200 steps.
    const valid = [build('one', { only: {} }), build('mid', shapedSteps(wide, 150 - 6 - wide)), build('big', shapedSteps(wide, 1200 - 6 - wide))];
    const before = await s.session.graph();
    const eventsBefore = (await s.session.events()).length;
    const answer = await s.session.load(bundleOf(valid));
    graded++;
    if (!answer.ok) violations.push({ requirement: 'L3-PSG-007', message: `a bundle of three valid plans (1, 150 and 1,200 steps) was refused (${answer.code}: ${answer.message})`, expected: { ok: true }, seen: answer });
    else {
      for (const p of valid) {
        const read = await s.readPlan(p);
        if (!isDeepStrictEqual(read?.steps.map((x) => x.step_id), p.stepIds())) {
          violations.push({ requirement: 'L3-PSG-006', message: `the ${p.stepIds().length}-step plan ${p.name} of the accepted bundle does not read back with its steps in registered order`, expected: p.stepIds().slice(0, 5), seen: read?.steps.slice(0, 5).map((x) => x.step_id) ?? null });
        }
      }
      const graph = await s.session.graph();
      const events = await s.session.events();
      const sums = deltaSums(events);
      if (sums.nodes !== graph.nodes.length || sums.edges !== graph.edges.length) {
        violations.push({ requirement: 'L3-EVT-005', message: `after the bundle's load graph_update deltas add up to ${sums.nodes} nodes / ${sums.edges} edges, the PSG export has ${graph.nodes.length} / ${graph.edges.length}`, expected: { nodes: graph.nodes.length, edges: graph.edges.length }, seen: sums, events: graphUpdates(events.slice(eventsBefore)) });
      }
      const added = graph.nodes.filter((n) => !before.nodes.some((b) => b.id === n.id));
      const updates = graphUpdates(events.slice(eventsBefore));
      const listed = listedInUpdates(updates);
      const unlisted = listed ? added.filter((n) => !listed.nodes.has(n.id)) : [];
      if (updates.length === 0 || unlisted.length > 0) {
        violations.push({ requirement: 'L3-EVT-004', message: updates.length === 0 ? 'the bundle of three plans was registered without a graph_update event' : `${unlisted.length} node(s) the bundle added are in no graph_update (e.g. ${unlisted.slice(0, 3).map((n) => `${n.type} ${n.id}`).join(', ')})`, expected: 'graph_update covering every added node', seen: { graph_updates: updates.length, unlisted: unlisted.length } });
      }
    }

    // Rejections in a session of their own, holding one small plan: "changes nothing" is read
    // from its whole state before and after each refusal.
    const r = await Scenario.open(ctx, `${ID}/rejections`);
    const resident = r.plan('resident', { steps: { a: {}, b: { after: ['a'] } } });
    await r.loadOk(resident);
    const reject = async (requirement: string, what: string, bundle: LoadBundle) => {
      graded++;
      const state = await captureState(r.session);
      const answer = await r.session.load(bundle);
      const changed = stateDifference(state, await captureState(r.session));
      if (answer.ok) violations.push({ requirement, message: `${what} was accepted`, expected: { ok: false }, seen: { ok: true } });
      else if (changed) violations.push({ requirement: 'L3-PSG-002', message: `${what} was refused but changed the runtime: ${changed.summary.join('; ')}`, expected: 'nothing changed', seen: changed.summary, events: changed.newEvents });
    };

    const defects: Defect[] = ['cycle', 'self', 'dangling', 'duplicate', 'invalid', 'context'];
    for (const d of defects) {
      const [first, second] = [build(`bundle-first-${d}`, { a: {}, b: { after: ['a'] } }), build(`bundle-second-${d}`, { a: {}, b: { after: ['a'] }, c: { after: ['b'] } })];
      await reject(RULE[d], `a bundle whose second plan has ${d === 'context' ? 'a Context that does not exist' : `a ${d} defect`}`, bundleOf([first, second], (p, i) => (i === 1 ? planted(p, d, `second-${d}`) : p)));
      for (const [size, chain] of [[150, 150 - 6 - wide], [1200, 1200 - 6 - wide]] as const) {
        const big = build(`size-${size}-${d}`, shapedSteps(wide, chain));
        await reject(RULE[d], `a ${size}-step plan with a ${d} defect at its last step`, bundleOf([big], (p) => planted(p, d, `${size}-${d}`)));
      }
    }
    for (const d of ['self', 'dangling', 'invalid'] as const) {
      const one = build(`one-step-${d}`, { only: {} });
      await reject(RULE[d], `a one-step plan with a ${d} defect`, bundleOf([one], (p) => planted(p, d, `one-${d}`)));
    }
    // Cycles through each shape: a fan-out step back to the root, a diamond's join back to the
    // fork, and the root waiting for the end of a 1,000-step path.
    const cycles: [string, Record<string, StepSpec>, string, string][] = [
      ['through a fan-out wider than twice the limit', shapedSteps(wide, 1), 'root', `w${wide - 1}`],
      ["through a diamond's join", { fork: {}, left: { after: ['fork'] }, right: { after: ['fork'] }, join: { after: ['left', 'right'] } }, 'fork', 'join'],
      [`around a ${DEEP}-step path`, shapedSteps(1, DEEP), 'root', `c${DEEP - 1}`],
    ];
    for (const [what, steps, from, to] of cycles) {
      const p = build(`cycle-${what.replace(/[^a-z0-9]+/g, '-')}`, steps);
      await reject('L3-DAG-001', `a plan with a cycle ${what}`, bundleOf([p], (plan) => ({ ...plan, steps: plan.steps.map((st) => (st.step_id === p.stepId(from) ? { ...st, dependencies: [...(st.dependencies ?? []), p.stepId(to)] } : st)) })));
    }
    return findings(violations, `${graded} registrations: the valid bundle of 1-, 150- and 1,200-step plans accepted and read back in order; every defect rejected wherever it sat, changing nothing`, undefined, graded);
  },
});
