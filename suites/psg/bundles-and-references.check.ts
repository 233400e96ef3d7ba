// L3-PSG-001 / L3-PSG-002 / L3-PSG-007 / L3-DAG-001 / L3-DAG-003: registration of bundles of
// several objects, of every kind that names another. Accepted: three valid plans in one bundle,
// and a Trace, a Confirm and a Collab whose references resolve. Rejected, changing nothing: a
// bundle whose second plan has a cycle, one whose third plan depends on a step of the first (from
// its first step, and from its last), a plan whose last step depends on a step of a plan
// registered in an earlier load, and one whose only dependency is such a step (digest §3:
// dependencies name steps of the same plan), and a
// Confirm (target_id), a Trace (plan_id, context_id) or a Collab (context_id) naming nothing.

import { isDeepStrictEqual } from 'node:util';
import type { LoadBundle, OpResult } from '../../src/adapter/contract.js';
import { FLOW_EPOCH } from '../../src/kit/flows/expand.js';
import { captureState, stateDifference } from '../../src/kit/flows/observe.js';
import type { StepSpec } from '../../src/kit/flows/spec.js';
import { nameToUuidV4 } from '../../src/mplp/ids.js';
import type { Confirm, Plan, Trace } from '../../src/mplp/types.js';
import { Scenario, type PlanHandle } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'psg.bundles-and-references';
const META = { protocol_version: '1.0.0', schema_version: '1.0.0', created_at: FLOW_EPOCH };
const NOWHERE = nameToUuidV4(ID, 'names nothing');

function bundleOf(plans: readonly PlanHandle[], extra: LoadBundle = {}, override?: (plan: Plan, i: number) => Plan): LoadBundle {
  return {
    contexts: plans.map((p) => p.flow.context),
    plans: plans.map((p, i) => (override ? override(structuredClone(p.registered), i) : p.registered)),
    ...extra,
  };
}

function trace(plan: PlanHandle, name: string, refs: { context_id?: string; plan_id?: string } = {}): Trace {
  const trace_id = nameToUuidV4(ID, `trace:${name}`);
  return { meta: META, trace_id, context_id: refs.context_id ?? plan.contextId, plan_id: refs.plan_id ?? plan.planId, root_span: { trace_id, span_id: nameToUuidV4(ID, `span:${name}`) }, status: 'pending' };
}

function confirm(name: string, target: string): Confirm {
  return { meta: META, confirm_id: nameToUuidV4(ID, `confirm:${name}`), target_type: 'plan', target_id: target, status: 'pending', requested_by_role: 'reviewer', requested_at: FLOW_EPOCH };
}

export default defineCheck({
  id: ID,
  title: 'Bundles of several plans and objects of every kind: valid ones accepted, a broken reference or cycle anywhere rejects the whole bundle',
  requirements: ['L3-PSG-007', 'L3-PSG-001', 'L3-PSG-002', 'L3-DAG-001', 'L3-DAG-003'],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const violations: Violation[] = [];
    const plan = (name: string, steps: Record<string, StepSpec> = { a: {}, b: { after: ['a'] } }) => s.plan(name, { steps });
    let graded = 0;

    const accept = async (what: string, bundle: LoadBundle) => {
      graded++;
      const answer = await s.session.load(bundle);
      if (!answer.ok) violations.push({ requirement: 'L3-PSG-007', message: `${what} was refused (${answer.code}: ${answer.message})`, expected: { ok: true }, seen: answer });
      return answer.ok;
    };
    const reject = async (requirement: string, what: string, bundle: LoadBundle) => {
      graded++;
      const before = await captureState(s.session);
      const answer: OpResult = await s.session.load(bundle);
      const changed = stateDifference(before, await captureState(s.session));
      if (answer.ok) violations.push({ requirement, message: `${what} was accepted`, expected: { ok: false }, seen: answer });
      else if (changed) violations.push({ requirement: 'L3-PSG-002', message: `${what} was refused but changed the runtime: ${changed.summary.join('; ')}`, expected: 'nothing changed', seen: changed.summary, events: changed.newEvents });
    };

    // Several plans in one bundle.
    const [one, two, three] = [plan('one'), plan('two'), plan('three')];
    if (await accept('a bundle of three valid plans (their Contexts included)', bundleOf([one, two, three]))) {
      for (const p of [one, two, three]) {
        const read = await s.readPlan(p);
        if (!isDeepStrictEqual(read?.steps.map((x) => x.step_id), p.stepIds())) violations.push({ requirement: 'L3-PSG-007', message: `plan ${p.name} of the accepted bundle does not read back with its steps`, expected: p.stepIds(), seen: read?.steps.map((x) => x.step_id) ?? null });
      }
    }
    const [c1, c2] = [plan('cycle-first'), s.plan('cycle-second', { steps: { x: { after: ['y'] }, y: { after: ['x'] } } })];
    await reject('L3-DAG-001', 'a bundle whose second plan has a dependency cycle', bundleOf([c1, c2]));
    const [x1, x2, x3] = [plan('cross-a'), plan('cross-b'), plan('cross-c')];
    await reject('L3-DAG-003', 'a bundle whose third plan depends on a step of the first', bundleOf([x1, x2, x3], {}, (p, i) => (i === 2 ? { ...p, steps: p.steps.map((st, k) => (k === 0 ? { ...st, dependencies: [x1.stepId('a')] } : st)) } : p)));
    // The same, from the last step of the third plan (not its first), on the first plan's last step.
    const [y1, y2, y3] = [plan('cross-last-a'), plan('cross-last-b'), plan('cross-last-c')];
    await reject('L3-DAG-003', "a bundle whose third plan's last step depends on a step of the first", bundleOf([y1, y2, y3], {}, (p, i) => (i === 2 ? { ...p, steps: p.steps.map((st, k) => (k === p.steps.length - 1 ? { ...st, dependencies: [...(st.dependencies ?? []), y1.stepId('b')] } : st)) } : p)));

    // Objects of every kind that reference another: valid, then naming nothing.
    const base = plan('referenced');
    if (await accept('a plan with its Context', bundleOf([base]))) {
      await accept('a Trace of the plan', { traces: [trace(base, 'ok')] });
      await accept('a Confirm targeting the plan', { confirms: [confirm('ok', base.planId)] });
      const withCollab = s.plan('collab', { steps: { a: {} }, collab: { mode: 'broadcast', participants: { lead: {} } } });
      await accept('a Collab of a Context', withCollab.bundle(['context', 'collab']));
      // A later load: a plan whose last step depends on a step of the plan registered before.
      const later = plan('depends-on-registered', { a: {}, b: { after: ['a'] }, c: { after: ['b'] } });
      await reject('L3-DAG-003', 'a plan whose last step depends on a step of a plan registered earlier', bundleOf([later], {}, (p) => ({ ...p, steps: p.steps.map((st, k) => (k === p.steps.length - 1 ? { ...st, dependencies: [...(st.dependencies ?? []), base.stepId('b')] } : st)) })));
      // …and one whose only dependency is on a step of that plan (no dependency inside its own plan).
      const only = plan('only-foreign-dependency', { a: {}, b: {} });
      await reject('L3-DAG-003', 'a plan whose only dependency is on a step of a plan registered earlier', bundleOf([only], {}, (p) => ({ ...p, steps: p.steps.map((st, k) => (k === p.steps.length - 1 ? { ...st, dependencies: [base.stepId('a')] } : st)) })));
      await reject('L3-PSG-001', 'a Confirm whose target_id names nothing', { confirms: [confirm('dangling', NOWHERE)] });
      await reject('L3-PSG-001', 'a Trace whose plan_id names nothing', { traces: [trace(base, 'no-plan', { plan_id: NOWHERE })] });
      await reject('L3-PSG-001', 'a Trace whose context_id names nothing', { traces: [trace(base, 'no-context', { context_id: NOWHERE })] });
      const stray = s.plan('stray-collab', { steps: { a: {} }, collab: { mode: 'broadcast', participants: { lead: {} } } });
      await reject('L3-PSG-001', 'a Collab whose context_id names nothing', stray.bundle(['collab']));
    }
    return findings(violations, `${graded} registrations: valid bundles and objects of every kind accepted; a cycle or a dangling reference anywhere in a bundle rejected it whole, changing nothing`, undefined, graded);
  },
});
