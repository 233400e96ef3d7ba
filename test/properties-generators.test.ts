// The generators behind the property checks (src/generate): DAGs of every shape are valid
// and within bounds, planted defects really are defects, shrinkers only propose strictly
// smaller valid values, the L2 model agrees with the tables, schema-faked objects are valid
// and each targeted mutation makes them invalid, and every generated case is a well-formed
// golden flow whose written form loads back to the same flow.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ancestorsOf,
  applyMutation,
  chainDag,
  dagArbitrary,
  DAG_SHAPES,
  defectivePlanArbitrary,
  DEFECT_KINDS,
  defectivePlanCases,
  edgeCount,
  executionCases,
  failurePropagationCases,
  fakeObject,
  fanOutDag,
  inlinedSchema,
  initialState,
  latticeDag,
  lifecycleWalkCases,
  MUTATION_KINDS,
  mutationSites,
  predict,
  oracleExpectation,
  registrable,
  runScenarioArbitrary,
  schemaFuzzCases,
  smallerDags,
  statusEventCases,
  validPlanCases,
  writeCounterexample,
  type CaseEnv,
  type Dag,
  type GeneratedCase,
  type PropertyCases,
} from '../src/generate/index.js';
import { smallerDefectivePlans } from '../src/generate/plan-defects.js';
import { predictedEnd, smallerScenarios } from '../src/generate/run-scenario.js';
import { expandFlow } from '../src/kit/flows/expand.js';
import { loadFlow } from '../src/kit/flows/load.js';
import { checkFlowShape } from '../src/kit/flows/schema.js';
import { checkFlowSemantics } from '../src/kit/flows/semantics.js';
import { allPairs, LIFECYCLE_TABLES } from '../src/mplp/transitions.js';
import type { Context, Plan } from '../src/mplp/types.js';
import { validate } from '../src/mplp/validate.js';

const ENV: CaseEnv = { maxConcurrency: 4, profiles: ['sa', 'map'], pauseResume: true, approval: true };
// The requirements blocks of generated cases may name (failure propagation charges its fail-fast part to L3-ORCH-003).
const OWNER = { checkId: 'properties.test', title: 'generator test', requirements: ['L3-ORCH-001', 'L3-ORCH-003'] };
const SEED = 20261124;

const isDag = (d: Dag) => d.deps.every((deps, i) => deps.every((x) => Number.isInteger(x) && x >= 0 && x < i) && new Set(deps).size === deps.length);

/** Dependency edges of an expanded plan, by step id (what a runtime sees). */
function planGraph(plan: Plan): { ids: string[]; deps: Map<string, string[]> } {
  return { ids: plan.steps.map((s) => s.step_id), deps: new Map(plan.steps.map((s) => [s.step_id, s.dependencies ?? []])) };
}

function hasCycle(plan: Plan): boolean {
  const { ids, deps } = planGraph(plan);
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 'open') return true;
    if (state.get(id) === 'done') return false;
    state.set(id, 'open');
    const cyclic = (deps.get(id) ?? []).some((d) => deps.has(d) && visit(d));
    state.set(id, 'done');
    return cyclic;
  };
  return ids.some(visit);
}

describe('DAG generators', () => {
  it('build the named shapes', () => {
    expect(chainDag(3).deps).toEqual([[], [0], [1]]);
    expect(fanOutDag(3).deps).toEqual([[], [0], [0], [0]]);
    expect(latticeDag(2, 2).deps).toEqual([[], [0], [0], [1, 2], [1, 2], [3, 4]]);
  });

  it.each(DAG_SHAPES)('%s: valid DAGs within the step bounds', (shape) => {
    for (const dag of fc.sample(dagArbitrary({ shapes: [shape], minSteps: 2, maxSteps: 9 }), { seed: SEED, numRuns: 200 })) {
      expect(isDag(dag)).toBe(true);
      expect(dag.deps.length).toBeGreaterThanOrEqual(2);
      expect(dag.deps.length).toBeLessThanOrEqual(9);
    }
  });

  it('shrinks only to strictly smaller valid DAGs', () => {
    for (const dag of fc.sample(dagArbitrary({ maxSteps: 7 }), { seed: SEED, numRuns: 50 })) {
      for (const smaller of smallerDags(dag)) {
        expect(isDag(smaller)).toBe(true);
        expect(smaller.deps.length + edgeCount(smaller)).toBeLessThan(dag.deps.length + edgeCount(dag));
      }
    }
  });
});

describe('defective plans', () => {
  const samples = fc.sample(defectivePlanArbitrary({ maxSteps: 6 }), { seed: SEED, numRuns: 300 });

  it('cover every kind of defect', () => {
    expect(new Set(samples.map((p) => p.defect.kind))).toEqual(new Set(DEFECT_KINDS));
  });

  it('expand to plans a runtime must refuse: a cycle, a dangling reference or a duplicate step id', () => {
    const cases = defectivePlanCases(DEFECT_KINDS);
    for (const p of samples) {
      const c = cases.toCase(p, ENV, OWNER);
      const expanded = expandFlow(c.spec);
      const plan = expanded.plan!;
      const ids = plan.steps.map((s) => s.step_id);
      const kind = p.defect.kind;
      if (kind === 'back-edge' || kind === 'self-loop' || kind === 'long-cycle') expect(hasCycle(plan), JSON.stringify(p)).toBe(true);
      if (kind === 'dangling-dependency') expect(plan.steps.some((s) => (s.dependencies ?? []).some((d) => !ids.includes(d)))).toBe(true);
      if (kind === 'dangling-context') expect(plan.context_id).not.toBe(expanded.context.context_id);
      if (kind === 'duplicate-id') expect(new Set(ids).size).toBeLessThan(ids.length);
    }
  });

  it('shrink to smaller plans with the same kind of defect', () => {
    for (const p of samples.slice(0, 60)) {
      for (const smaller of smallerDefectivePlans(p)) {
        expect(smaller.defect.kind).toBe(p.defect.kind);
        if (smaller.defect.kind === 'back-edge') expect(ancestorsOf(smaller.dag, smaller.defect.to).has(smaller.defect.from)).toBe(true);
        const size = (x: typeof p) => x.dag.deps.length + edgeCount(x.dag) + (x.defect.kind === 'long-cycle' ? x.defect.length : 0);
        expect(size(smaller)).toBeLessThan(size(p));
      }
    }
  });
});

describe('run scenarios', () => {
  it('hold an antichain at the barrier, and a failing plan keeps only the failure and its cone', () => {
    const scenarios = fc.sample(runScenarioArbitrary({ profiles: ['map'], failure: 'sometimes', maxSteps: 8 }), { seed: SEED, numRuns: 200 });
    for (const s of scenarios) {
      for (const a of s.held) for (const b of s.held) if (a !== b) expect(ancestorsOf(s.dag, b).has(a)).toBe(false);
      if (s.failing === undefined) continue;
      expect(s.held).toEqual([]);
      const end = predictedEnd(s);
      expect(end.plan).toBe('failed');
      expect(end.steps.filter((e) => e === 'failed')).toHaveLength(1);
      // Every other step is an ancestor (completed) or a descendant (blocked) of the failure.
      end.steps.forEach((e, i) => expect(e === 'failed' || (e === 'completed') === ancestorsOf(s.dag, s.failing!).has(i)).toBe(true));
    }
  });

  it('shrink to scenarios that are strictly smaller and keep their invariants', () => {
    const scenarios = fc.sample(runScenarioArbitrary({ profiles: ['sa'], failure: 'sometimes', maxSteps: 6 }), { seed: SEED, numRuns: 40 });
    for (const s of scenarios) {
      for (const smaller of smallerScenarios(s)) {
        expect(isDag(smaller.dag)).toBe(true);
        expect(smaller.layout.positions?.slice().sort((a, b) => a - b)).toEqual(smaller.dag.deps.map((_, i) => i));
        if (s.failing !== undefined) expect(smaller.failing).toBeDefined();
      }
    }
  });
});

describe('the L2 model', () => {
  it('rejects every R pair and never grades a K pair of the plan table, from the registered statuses', () => {
    for (const from of ['draft', 'approved']) {
      const state = initialState([[]], from, 'active');
      for (const pair of allPairs('plan').filter((p) => p.from === from)) {
        const verdict = predict(state, { op: 'transition', target: 'plan', to: pair.to }).verdict;
        if (pair.row.class === 'R') expect(verdict, `${from} → ${pair.to}`).toBe('reject');
        if (pair.row.class === 'K') expect(verdict, `${from} → ${pair.to}`).toBe('ungraded');
      }
    }
  });

  it('follows the guards: no approval without an approved Confirm, no run in an inactive Context', () => {
    const proposed = predict(initialState([[]], 'draft', 'active'), { op: 'transition', target: 'plan', to: 'proposed' });
    expect(proposed.verdict).toBe('accept');
    const afterSubmit = proposed.verdict === 'accept' ? proposed.next : undefined;
    expect(afterSubmit?.confirms).toEqual([{ status: 'pending' }]);
    expect(predict(afterSubmit!, { op: 'transition', target: 'plan', to: 'approved' }).verdict).toBe('reject');
    const approved = predict(afterSubmit!, { op: 'decide', status: 'approved' });
    expect(approved.verdict === 'accept' && approved.next.plan).toBe('approved');
    expect(predict(initialState([[]], 'approved', 'suspended'), { op: 'run', profile: 'sa' }).verdict).toBe('reject');
    expect(predict(initialState([[]], 'completed', 'active'), { op: 'resume' }).verdict).toBe('reject');
  });

  it('after a manual plan end: finished steps stay known (a same-status request is no change), an open step may be settled by the runtime, but never restarted (L3-LIFE-010)', () => {
    // Found by the soak (seed 13): completed → completed after the plan failed is a no-op, not a rejection.
    const ended = { ...initialState([[], [], []], 'in_progress', 'active'), steps: ['completed', 'failed', 'pending'] };
    const failed = predict(ended, { op: 'transition', target: 'plan', to: 'failed' });
    expect(failed.verdict).toBe('accept');
    const after = failed.verdict === 'accept' ? failed.next : ended;
    expect(after.steps).toEqual(['completed', 'failed', undefined]);
    expect(predict(after, { op: 'transition', target: 0, to: 'completed' }).verdict).toBe('ungraded');
    expect(predict(after, { op: 'transition', target: 0, to: 'pending' }).verdict).toBe('reject');
    expect(predict(after, { op: 'transition', target: 2, to: 'skipped' }).verdict).toBe('ungraded');
    expect(predict(after, { op: 'transition', target: 2, to: 'in_progress' }).verdict).toBe('reject');
  });

  it('spec latitude: a guard-free trigger, a withdrawn Confirm and a plan that may end itself are not graded', () => {
    const running = { ...initialState([[], []], 'in_progress', 'active') };
    // in_progress → failed while no step failed: its trigger does not hold, either answer is allowed.
    expect(predict(running, { op: 'transition', target: 'plan', to: 'failed' }).verdict).toBe('ungraded');
    // A manual step failure: the runtime may fail the plan itself, so nothing further is graded.
    const started = predict(running, { op: 'transition', target: 0, to: 'in_progress' });
    expect(started.verdict).toBe('accept');
    if (started.verdict !== 'accept') return;
    const stepped = predict(started.next, { op: 'transition', target: 0, to: 'failed' });
    expect(stepped.verdict).toBe('accept');
    if (stepped.verdict === 'accept') expect(predict(stepped.next, { op: 'transition', target: 'plan', to: 'failed' }).verdict).toBe('ungraded');
    // proposed → draft by hand: the open Confirm may stay pending or be cancelled (digest is silent).
    const proposed = predict(initialState([[]], 'draft', 'active'), { op: 'transition', target: 'plan', to: 'proposed' });
    expect(proposed.verdict).toBe('accept');
    if (proposed.verdict !== 'accept') return;
    const withdrawn = predict(proposed.next, { op: 'transition', target: 'plan', to: 'draft' });
    expect(withdrawn.verdict).toBe('accept');
    if (withdrawn.verdict !== 'accept') return;
    expect(withdrawn.next.confirms.at(-1)?.status).toBeUndefined();
    expect(predict(withdrawn.next, { op: 'decide', status: 'approved' }).verdict).toBe('ungraded');
    const again = predict(withdrawn.next, { op: 'transition', target: 'plan', to: 'proposed' });
    expect(again.verdict === 'accept' && again.next.confirms.at(-1)?.status).toBe('pending');
  });

  it('as an oracle: a successful run predicts every stage change, the AEL calls and the dependency order', () => {
    const run = predict(initialState([[], [0]], 'approved', 'active'), { op: 'run', profile: 'map' });
    expect(run.verdict).toBe('accept');
    if (run.verdict !== 'accept') return;
    expect(run.next.planChanges).toEqual(['approved -> in_progress', 'in_progress -> completed']);
    expect(run.next.stepChanges).toEqual([{ changes: ['pending -> in_progress', 'in_progress -> completed'] }, { changes: ['pending -> in_progress', 'in_progress -> completed'] }]);
    expect(run.next.called).toEqual([0, 1]);
    expect(run.next.ordered).toEqual([[0, 1]]);
    const e = oracleExpectation(run.next);
    expect(e.events).toEqual({ pipeline_stage: 6 });
    expect(e.order).toEqual(['s0.completed < s1.in_progress']);
  });

  it('as an oracle: a failing action fails its step and the plan, nothing below it runs, and what else ran is left open', () => {
    // s0 fails; s1 is below it; s2 is independent and s3 below s2: whether they ran is open.
    const state = initialState([[], [0], [], [2]], 'approved', 'active', [0]);
    const run = predict(state, { op: 'run', profile: 'sa' });
    expect(run.verdict).toBe('accept');
    if (run.verdict !== 'accept') return;
    expect(run.next.plan).toBe('failed');
    expect(run.next.steps).toEqual(['failed', undefined, undefined, undefined]);
    expect(run.next.notCalled).toEqual([1]);
    expect(run.next.called).toEqual([0]);
    const e = oracleExpectation(run.next);
    expect(e.transitions).toEqual({
      plan: ['approved -> in_progress', 'in_progress -> failed'],
      s0: ['pending -> in_progress', 'in_progress -> failed'],
      s1: ['* -> blocked|skipped'],
      s2: ['* -> in_progress|completed|blocked|skipped'],
      s3: ['* -> in_progress|completed|blocked|skipped'],
    });
    // Not every change is known: no total count.
    expect(e.events).toBeUndefined();
    // Two failing steps that can both be reached: which runs first is the runtime's choice.
    const two = predict(initialState([[], []], 'approved', 'active', [0, 1]), { op: 'run', profile: 'map' });
    expect(two.verdict === 'accept' && two.next.called).toEqual([]);
  });

  it('every status of every table is a valid target of some generated command', () => {
    const walk = lifecycleWalkCases({ pauseResume: true });
    const statuses = new Set<string>();
    for (const v of fc.sample(walk.arbitrary(ENV), { seed: SEED, numRuns: 100 })) {
      for (const op of walk.toCase(v, ENV, OWNER).spec.operations) if (op.transition) statuses.add(op.transition.to);
    }
    for (const table of [LIFECYCLE_TABLES.plan, LIFECYCLE_TABLES.step]) for (const s of table.statuses) expect(statuses.has(s), s).toBe(true);
  });
});

describe('schema-driven objects', () => {
  it.each(['context', 'plan', 'confirm', 'collab', 'role', 'trace'] as const)('%s: faked objects are valid against our schema, the same seed gives the same object', (kind) => {
    for (let seed = 0; seed < 15; seed++) {
      const value = fakeObject(kind, seed);
      expect(validate(kind, value), JSON.stringify(value)).toEqual({ ok: true });
      expect(fakeObject(kind, seed)).toEqual(value);
    }
  });

  it('a registrable plan keeps schema validity, binds to the context and has unique ids and backward dependencies', () => {
    for (let seed = 0; seed < 20; seed++) {
      const context = fakeObject('context', seed) as Context;
      const plan = registrable(context, fakeObject('plan', seed + 100) as Plan);
      expect(validate('plan', plan)).toEqual({ ok: true });
      expect(plan.context_id).toBe(context.context_id);
      const ids = plan.steps.map((s) => s.step_id);
      expect(new Set(ids).size).toBe(ids.length);
      plan.steps.forEach((s, i) => (s.dependencies ?? []).forEach((d) => expect(ids.slice(0, i)).toContain(d)));
    }
  });

  it.each(MUTATION_KINDS)('%s: every mutation site turns a valid object into an invalid one', (kind) => {
    for (const target of ['context', 'plan'] as const) {
      for (let seed = 0; seed < 6; seed++) {
        const value = fakeObject(target, seed);
        for (const path of mutationSites(value, inlinedSchema(target), kind)) {
          for (const variant of [0, 1]) {
            const mutated = applyMutation(value, { kind, path, variant });
            expect(validate(target, mutated).ok, `${target} ${kind} at ${path.join('.')}`).toBe(false);
          }
        }
      }
    }
  });
});

describe('generated cases are golden flows', () => {
  const tmp = mkdtemp(join(tmpdir(), 'properties-generators-'));
  afterAll(async () => rm(await tmp, { recursive: true, force: true }));

  const families: [string, PropertyCases<unknown>][] = [
    ['valid plans', validPlanCases() as PropertyCases<unknown>],
    ['defective plans', defectivePlanCases(DEFECT_KINDS) as PropertyCases<unknown>],
    ['SA execution', executionCases('sa') as PropertyCases<unknown>],
    ['MAP execution', executionCases('map') as PropertyCases<unknown>],
    ['status events', statusEventCases() as PropertyCases<unknown>],
    ['failure propagation', failurePropagationCases() as PropertyCases<unknown>],
    ['L2 walk', lifecycleWalkCases({ pauseResume: true }) as PropertyCases<unknown>],
    ['L2 oracle walk', lifecycleWalkCases({ pauseResume: true, oracle: true }) as PropertyCases<unknown>],
    ['schema fuzz', schemaFuzzCases() as PropertyCases<unknown>],
  ];

  it.each(families)('%s: schema-valid and semantically sound, with a stable content-derived id', (_name, cases) => {
    for (const value of fc.sample(cases.arbitrary(ENV), { seed: SEED, numRuns: 25 })) {
      const c: GeneratedCase = cases.toCase(value, ENV, OWNER);
      const spec = JSON.parse(JSON.stringify(c.spec)) as GeneratedCase['spec'];
      expect(checkFlowShape(spec)).toEqual([]);
      const steps = c.files.plan ? c.files.plan.steps.map((_, i) => `s${i}`) : Object.keys(spec.plan?.steps ?? {});
      expect(checkFlowSemantics(spec, { steps })).toEqual([]);
      expect(cases.toCase(value, ENV, OWNER).spec.id).toBe(c.spec.id);
    }
  });

  it.each(families)('%s: a written case loads back as the same flow', async (name, cases) => {
    const dir = join(await tmp, name.replace(/\W+/g, '-'));
    const [value] = fc.sample(cases.arbitrary(ENV), { seed: SEED, numRuns: 1 });
    const c = cases.toCase(value, ENV, OWNER);
    const file = await writeCounterexample(dir, c, { checkId: 'properties.test', property: 'test', seed: SEED, path: '0', shrinks: 0 });
    const loaded = await loadFlow(file);
    expect(loaded.spec).toEqual(JSON.parse(JSON.stringify(c.spec)));
    expect(loaded.expanded.plan).toEqual(expandFlow(c.spec, c.files).plan);
  });
});
