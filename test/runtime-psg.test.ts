// PSG integrity of the reference runtime: referential integrity, unique ids, acyclic step
// dependencies (with the cycle path), append-only segments, canonical export, snapshot and
// restore, a 100k-step chain, and DAG properties over random graphs.

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../src/mplp/types.js';
import { RuntimeError } from '../src/runtime/errors.js';
import { findCycle, topoOrder } from '../src/runtime/psg/dag.js';
import { ProjectSemanticGraph } from '../src/runtime/psg/graph.js';
import type { L3Runtime, LoadBundle } from '../src/runtime/runtime.js';
import { BarrierAEL } from './helpers/barrier-ael.js';
import {
  buildConfirm,
  buildContext,
  buildPlan,
  buildTrace,
  chainSpecs,
  expectAuditedEventsValid,
  idFor,
  newRuntime,
  observableState,
  ofFamily,
  stepIdFor,
  type StepSpec,
} from './helpers/mplp-builders.js';

afterEach(expectAuditedEventsValid);

const ctx = buildContext('psg');

async function loadRejection(rt: L3Runtime, bundle: LoadBundle): Promise<RuntimeError> {
  const before = await observableState(rt);
  let error: unknown;
  try {
    await rt.load(bundle);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RuntimeError);
  expect(await observableState(rt)).toBe(before);
  return error as RuntimeError;
}

/** A runtime that already holds the shared Context and one unrelated plan. */
async function seededRuntime(): Promise<L3Runtime> {
  const rt = newRuntime();
  await rt.load({ contexts: [ctx], plans: [buildPlan('existing', ctx, ['x', { name: 'y', deps: ['x'] }])] });
  return rt;
}

describe('integrity violations are rejected atomically (graph, events and VSL unchanged)', () => {
  it('a dependency on a step that does not exist', async () => {
    const rt = await seededRuntime();
    const plan = buildPlan('dangling', ctx, ['a', { name: 'b', deps: ['a'] }]);
    plan.steps[1]!.dependencies!.push(idFor('step', 'nowhere'));
    const e = await loadRejection(rt, { plans: [plan] });
    expect(e.code).toBe('REF_UNRESOLVED');
    expect(e.message).toContain(idFor('step', 'nowhere'));
  });

  it('a dependency on a step of another plan', async () => {
    const rt = await seededRuntime();
    const plan = buildPlan('foreign', ctx, ['a']);
    plan.steps[0]!.dependencies = [stepIdFor('existing', 'x')];
    expect((await loadRejection(rt, { plans: [plan] })).code).toBe('REF_UNRESOLVED');
  });

  it('a plan whose context_id names no Context', async () => {
    const rt = await seededRuntime();
    const plan = buildPlan('orphan', buildContext('missing'), ['a']);
    const e = await loadRejection(rt, { plans: [plan] });
    expect(e.code).toBe('REF_UNRESOLVED');
    expect(e.message).toContain(buildContext('missing').context_id);
  });

  it('a Confirm whose target does not exist', async () => {
    const rt = await seededRuntime();
    const e = await loadRejection(rt, { confirms: [buildConfirm('lost', { type: 'plan', id: idFor('plan', 'ghost') })] });
    expect(e.code).toBe('REF_UNRESOLVED');
  });

  it('a trace whose plan_id names no plan', async () => {
    const rt = await seededRuntime();
    const e = await loadRejection(rt, { traces: [buildTrace('lost', ctx, { planId: idFor('plan', 'ghost') })] });
    expect(e.code).toBe('REF_UNRESOLVED');
  });

  it('a duplicate step id inside a plan', async () => {
    const rt = await seededRuntime();
    const plan = buildPlan('dup', ctx, ['a', 'b']);
    plan.steps[1]!.step_id = plan.steps[0]!.step_id;
    expect((await loadRejection(rt, { plans: [plan] })).code).toBe('DUPLICATE_ID');
  });

  it('a step id that another plan already uses', async () => {
    const rt = await seededRuntime();
    const plan = buildPlan('dup-global', ctx, ['a']);
    plan.steps[0]!.step_id = stepIdFor('existing', 'x');
    expect((await loadRejection(rt, { plans: [plan] })).code).toBe('DUPLICATE_ID');
  });

  it('an object id that already exists', async () => {
    const rt = await seededRuntime();
    expect((await loadRejection(rt, { contexts: [ctx] })).code).toBe('DUPLICATE_ID');
  });

  it('a self-dependency', async () => {
    const rt = await seededRuntime();
    const plan = buildPlan('self', ctx, ['a', { name: 'b', deps: ['b'] }]);
    const e = await loadRejection(rt, { plans: [plan] });
    expect(e.code).toBe('DAG_CYCLE');
    expect(e.details['cycle']).toEqual([stepIdFor('self', 'b'), stepIdFor('self', 'b')]);
  });

  it('a 2-cycle', async () => {
    const rt = await seededRuntime();
    const plan = buildPlan('two', ctx, [{ name: 'a', deps: ['b'] }, { name: 'b', deps: ['a'] }]);
    const e = await loadRejection(rt, { plans: [plan] });
    expect(e.code).toBe('DAG_CYCLE');
    expectRealCycle(e.details['cycle'] as string[], plan);
    expect(new Set(e.details['cycle'] as string[])).toEqual(new Set([stepIdFor('two', 'a'), stepIdFor('two', 'b')]));
  });

  it('a long cycle, reported with its path', async () => {
    const rt = await seededRuntime();
    // s0 ← s1 ← … ← s9 plus s0 depending on s9, and an off-cycle step hanging on the loop.
    const specs = chainSpecs(10);
    specs[0] = { name: 's0', deps: ['s9'] };
    specs.push({ name: 'tail', deps: ['s4'] });
    const plan = buildPlan('long', ctx, specs);
    const e = await loadRejection(rt, { plans: [plan] });
    expect(e.code).toBe('DAG_CYCLE');
    const cycle = e.details['cycle'] as string[];
    expectRealCycle(cycle, plan);
    expect(cycle).toHaveLength(11);
    expect(new Set(cycle)).toEqual(new Set(Array.from({ length: 10 }, (_, i) => stepIdFor('long', `s${i}`))));
    expect(e.message).toContain(cycle.join(' → '));
  });

  it('a batch with one bad object loads none of the good ones', async () => {
    const rt = await seededRuntime();
    const good = buildPlan('good', ctx, ['a']);
    const bad = buildPlan('bad', ctx, [{ name: 'a', deps: ['a'] }]);
    await loadRejection(rt, { contexts: [buildContext('fresh')], plans: [good, bad] });
    expect(rt.status(good.plan_id)).toBeUndefined();
    expect(rt.status(buildContext('fresh').context_id)).toBeUndefined();
  });
});

/** Closed path whose consecutive pairs are dependency edges of the plan. */
function expectRealCycle(path: string[], plan: Plan): void {
  expect(path.length).toBeGreaterThanOrEqual(2);
  expect(path[0]).toBe(path.at(-1));
  const deps = new Map(plan.steps.map((s) => [s.step_id, new Set(s.dependencies ?? [])]));
  for (let i = 0; i + 1 < path.length; i++) expect(deps.get(path[i]!)?.has(path[i + 1]!), `${path[i]} depends on ${path[i + 1]}`).toBe(true);
}

describe('append-only trace history', () => {
  async function runtimeWithSegment() {
    const rt = newRuntime();
    const trace = buildTrace('history', ctx, { status: 'running', segments: [{ name: 'done', status: 'completed' }, { name: 'open', status: 'running' }] });
    await rt.load({ contexts: [ctx], traces: [trace] });
    return { rt, trace, done: trace.segments![0]!.segment_id, open: trace.segments![1]!.segment_id };
  }

  it.each(['done', 'open'] as const)('updating the %s segment in the PSG is APPEND_ONLY and changes nothing', async (which) => {
    const s = await runtimeWithSegment();
    const before = await observableState(s.rt);
    expect(() => s.rt.psg.commit([{ op: 'update_node', id: s[which], status: 'failed' }])).toThrow(expect.objectContaining({ code: 'APPEND_ONLY' }));
    expect(() => s.rt.psg.commit([{ op: 'update_node', id: s[which], data: { label: 'rewritten' } }])).toThrow(expect.objectContaining({ code: 'APPEND_ONLY' }));
    expect(await observableState(s.rt)).toBe(before);
  });

  it('deleting a segment or a trace is APPEND_ONLY', async () => {
    const s = await runtimeWithSegment();
    const before = await observableState(s.rt);
    expect(() => s.rt.psg.commit([{ op: 'delete_node', id: s.done }])).toThrow(expect.objectContaining({ code: 'APPEND_ONLY' }));
    expect(() => s.rt.psg.commit([{ op: 'delete_node', id: s.trace.trace_id }])).toThrow(expect.objectContaining({ code: 'APPEND_ONLY' }));
    expect(await observableState(s.rt)).toBe(before);
  });

  it('a batch that touches a segment is rejected as a whole', async () => {
    const s = await runtimeWithSegment();
    const graphBefore = JSON.stringify(s.rt.graph());
    expect(() =>
      s.rt.psg.commit([
        { op: 'update_node', id: ctx.context_id, status: 'suspended' },
        { op: 'update_node', id: s.open, status: 'completed' },
      ]),
    ).toThrow(expect.objectContaining({ code: 'APPEND_ONLY' }));
    expect(JSON.stringify(s.rt.graph())).toBe(graphBefore);
  });
});

describe('canonical export', () => {
  it('is independent of load order and stable across reads', async () => {
    const a = buildContext('order-a');
    const b = buildContext('order-b');
    const t = buildTrace('order-t', a, { segments: [{ name: 'x', status: 'completed' }] });
    const first = newRuntime();
    const second = newRuntime();
    await first.load({ contexts: [a, b], traces: [t] });
    await second.load({ contexts: [b] });
    await second.load({ contexts: [a] });
    await second.load({ traces: [t] });
    expect(JSON.stringify(first.graph())).toBe(JSON.stringify(second.graph()));
    expect(JSON.stringify(first.graph())).toBe(JSON.stringify(first.graph()));
    const nodes = first.graph().nodes;
    expect(nodes.map((n) => `${n.type}/${n.id}`)).toEqual(nodes.map((n) => `${n.type}/${n.id}`).sort());
  });

  it('is a copy: changing it does not change the PSG', async () => {
    const rt = await seededRuntime();
    const exported = rt.graph();
    const before = JSON.stringify(exported);
    exported.nodes[0]!.status = 'tampered';
    exported.edges.pop();
    expect(JSON.stringify(rt.graph())).toBe(before);
  });
});

describe('snapshot and restore', () => {
  it('round-trips nodes, edges, plan steps and dependencies, and keeps enforcing integrity', async () => {
    const rt = await seededRuntime();
    await rt.load({ plans: [buildPlan('more', ctx, ['p', { name: 'q', deps: ['p'] }, { name: 'r', deps: ['p', 'q'] }])] });
    const snapshot = rt.psg.snapshot();
    const exported = JSON.stringify(rt.psg.export());

    const restored = new ProjectSemanticGraph();
    restored.restore(snapshot);
    expect(JSON.stringify(restored.export())).toBe(exported);
    expect(restored.stepsOf(idFor('plan', 'more'))).toEqual(rt.psg.stepsOf(idFor('plan', 'more')));
    expect(restored.dependenciesOf(stepIdFor('more', 'r'))).toEqual([stepIdFor('more', 'p'), stepIdFor('more', 'q')]);
    expect(() => restored.commit([{ op: 'add_edge', edge: { from: stepIdFor('more', 'p'), to: stepIdFor('more', 'r'), type: 'depends_on' } }])).toThrow(
      expect.objectContaining({ code: 'DAG_CYCLE' }),
    );
    expect(() => restored.commit([{ op: 'delete_node', id: ctx.context_id }])).toThrow(expect.objectContaining({ code: 'REF_UNRESOLVED' }));

    // The snapshot is detached from both graphs.
    snapshot.nodes[0]![1].status = 'tampered';
    snapshot.edges.length = 0;
    expect(JSON.stringify(restored.export())).toBe(exported);
    expect(JSON.stringify(rt.psg.export())).toBe(exported);
  });

  it('restoring an earlier snapshot undoes later changes', async () => {
    const rt = await seededRuntime();
    const snapshot = rt.psg.snapshot();
    const before = JSON.stringify(rt.psg.export());
    await rt.load({ plans: [buildPlan('later', ctx, ['a'])] });
    expect(JSON.stringify(rt.psg.export())).not.toBe(before);
    rt.psg.restore(snapshot);
    expect(JSON.stringify(rt.psg.export())).toBe(before);
    expect(rt.psg.stepsOf(idFor('plan', 'later'))).toEqual([]);
  });
});

describe('scale', () => {
  it('a 100k-step chain loads and runs to completion in dependency order', async () => {
    const n = 100_000;
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const plan = buildPlan('chain', ctx, chainSpecs(n), 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    const outcome = await rt.run(plan.plan_id, { profile: 'map', maxConcurrency: 8 });
    expect(outcome.plan_status).toBe('completed');
    expect(ael.started).toEqual(plan.steps.map((s) => s.step_id));
    expect(ael.maxInFlight).toBe(1);
    expect(Object.values(outcome.step_statuses).every((s) => s === 'completed')).toBe(true);
    // The audit of its ~500k events runs here, under this test's own time allowance, not in afterEach.
    expectAuditedEventsValid();
  }, 900_000); // a time allowance for a loaded CI machine, not a performance assertion
});

// ------------------------------------------------------------------ DAG properties

interface RandomDag {
  /** Step names in plan order. */
  names: string[];
  /** Dependencies by step name. */
  deps: Map<string, string[]>;
}

/** Node k may depend on nodes < k (so it is acyclic); plan order is a random permutation. */
const randomDag: fc.Arbitrary<RandomDag> = fc
  .integer({ min: 1, max: 24 })
  .chain((n) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: n }, (_, k) => fc.subarray(Array.from({ length: k }, (_, j) => j)))),
      fc.shuffledSubarray(Array.from({ length: n }, (_, k) => k), { minLength: n, maxLength: n }),
    ),
  )
  .map(([depLists, order]) => ({
    names: order.map((k) => `n${k}`),
    deps: new Map(depLists.map((d, k) => [`n${k}`, d.map((j) => `n${j}`)])),
  }));

function specsOf(dag: RandomDag): StepSpec[] {
  return dag.names.map((name) => ({ name, deps: dag.deps.get(name)! }));
}

let propertyPlan = 0;

describe('DAG properties (fast-check)', () => {
  it('random DAGs load, and topoOrder puts every dependency first', async () => {
    await fc.assert(
      fc.asyncProperty(randomDag, async (dag) => {
        const name = `dag-${propertyPlan++}`;
        const rt = newRuntime();
        const plan = buildPlan(name, ctx, specsOf(dag));
        await rt.load({ contexts: [ctx], plans: [plan] });
        const ids = rt.psg.stepsOf(plan.plan_id);
        expect(ids).toEqual(plan.steps.map((s) => s.step_id));
        const order = topoOrder(ids, ids.map((id) => rt.psg.dependenciesOf(id)));
        expect(order).not.toBeNull();
        expect([...order!].sort()).toEqual([...ids].sort());
        const position = new Map(order!.map((id, i) => [id, i]));
        for (const s of plan.steps) for (const d of s.dependencies ?? []) expect(position.get(d)!).toBeLessThan(position.get(s.step_id)!);
        expect(findCycle(ids, ids.map((id) => rt.psg.dependenciesOf(id)))).toBeNull();
      }),
      { numRuns: 50 },
    );
  });

  it('any back edge makes findCycle return a real cycle and load reject with DAG_CYCLE', async () => {
    await fc.assert(
      fc.asyncProperty(randomDag, fc.nat(), fc.nat(), async (dag, pickA, pickB) => {
        // a transitively depends on everything in reach(a); making b ∈ {a} ∪ reach(a) depend on a closes a loop.
        const a = dag.names[pickA % dag.names.length]!;
        const reach = new Set<string>();
        const stack = [...dag.deps.get(a)!];
        while (stack.length > 0) {
          const x = stack.pop()!;
          if (reach.has(x)) continue;
          reach.add(x);
          stack.push(...dag.deps.get(x)!);
        }
        const candidates = [a, ...reach];
        const b = candidates[pickB % candidates.length]!;
        const deps = new Map(dag.deps);
        deps.set(b, [...deps.get(b)!, a]);
        const withBackEdge = { names: dag.names, deps };

        const name = `cyc-${propertyPlan++}`;
        const plan = buildPlan(name, ctx, specsOf(withBackEdge));
        const ids = plan.steps.map((s) => s.step_id);
        const cycle = findCycle(ids, plan.steps.map((s) => s.dependencies ?? []));
        expect(cycle).not.toBeNull();
        expectRealCycle(cycle!, plan);
        expect(topoOrder(ids, plan.steps.map((s) => s.dependencies ?? []))).toBeNull();

        const rt = newRuntime();
        await rt.load({ contexts: [ctx] });
        const e = await loadRejection(rt, { plans: [plan] });
        expect(e.code).toBe('DAG_CYCLE');
        expectRealCycle(e.details['cycle'] as string[], plan);
        expect(ofFamily(rt.events(), 'graph_update')).toHaveLength(1);
      }),
      { numRuns: 50 },
    );
  });
});
