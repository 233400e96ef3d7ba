// Events of the reference runtime: one pipeline_stage per plan/step status change with the
// digest §5.3 mapping, the §5.11 counts, graph_update deltas that add up to the PSG, bus
// sequence numbers, and one runtime_execution start/end pair per action.

import { afterEach, describe, expect, it } from 'vitest';
import type { BusEvent, GraphUpdateEvent, PipelineStageEvent, RuntimeExecutionEvent } from '../src/mplp/types.js';
import type { L3Runtime } from '../src/runtime/runtime.js';
import { BarrierAEL } from './helpers/barrier-ael.js';
import {
  buildContext,
  buildPlan,
  chainSpecs,
  expectAuditedEventsValid,
  newRuntime,
  ofFamily,
  statusChanges,
  stepIdFor,
} from './helpers/mplp-builders.js';

afterEach(expectAuditedEventsValid);

const ctx = buildContext('events');

async function approveAndRun(rt: L3Runtime, planId: string, profile: 'sa' | 'map' = 'map') {
  await rt.transition({ type: 'plan', id: planId }, 'proposed');
  await rt.decide({ target_id: planId, status: 'approved', decided_by_role: 'reviewer' });
  return rt.run(planId, { profile });
}

/** Digest §5.3 stage_status mapping, written out independently of the runtime's table. */
function expectedStageStatus(from: string, to: string): string {
  if (to === 'cancelled') return from === 'in_progress' ? 'failed' : 'skipped';
  if (to === 'in_progress') return 'running';
  if (to === 'completed' || to === 'failed' || to === 'skipped') return to;
  return 'pending';
}

function expectedStepEventType(to: string): string {
  if (to === 'in_progress') return 'PipelineStageStarted';
  if (to === 'completed' || to === 'failed' || to === 'skipped') return 'PipelineStageCompleted';
  if (to === 'blocked') return 'PipelineStageBlocked';
  return 'PipelineStageUnblocked';
}

/** For each resource, its status-change events chain from → to without gaps or repeats. */
function expectContinuousHistories(events: readonly BusEvent[], initial: (id: string) => string, final: (id: string) => string): void {
  const byResource = new Map<string, [string, string][]>();
  for (const e of statusChanges(events)) {
    const id = e.payload['resource_id'] as string;
    const list = byResource.get(id) ?? [];
    list.push([e.payload['from_status'] as string, e.payload['to_status'] as string]);
    byResource.set(id, list);
  }
  for (const [id, changes] of byResource) {
    expect(changes[0]![0], `first change of ${id}`).toBe(initial(id));
    for (let i = 0; i < changes.length; i++) {
      expect(changes[i]![0]).not.toBe(changes[i]![1]);
      if (i > 0) expect(changes[i]![0], `change ${i} of ${id}`).toBe(changes[i - 1]![1]);
    }
    expect(changes.at(-1)![1], `last change of ${id}`).toBe(final(id));
  }
}

describe('pipeline_stage: one per status change', () => {
  it.each([1, 3, 5])('an %i-step happy path from draft with an approving Confirm yields 4 + 2n events', async (n) => {
    const rt = newRuntime({ ael: new BarrierAEL() });
    const plan = buildPlan(`happy-${n}`, ctx, chainSpecs(n));
    await rt.load({ contexts: [ctx], plans: [plan] });
    const outcome = await approveAndRun(rt, plan.plan_id);
    expect(outcome.plan_status).toBe('completed');
    const changes = statusChanges(rt.events());
    expect(changes).toHaveLength(4 + 2 * n);
    expect(changes.filter((e) => e.payload['resource_type'] === 'plan').map((e) => `${e.payload['from_status']}→${e.payload['to_status']}`)).toEqual([
      'draft→proposed',
      'proposed→approved',
      'approved→in_progress',
      'in_progress→completed',
    ]);
    for (const s of plan.steps) {
      expect(changes.filter((e) => e.payload['resource_id'] === s.step_id).map((e) => `${e.payload['from_status']}→${e.payload['to_status']}`)).toEqual([
        'pending→in_progress',
        'in_progress→completed',
      ]);
    }
    expectContinuousHistories(rt.events(), (id) => (id === plan.plan_id ? 'draft' : 'pending'), (id) => rt.status(id)!);
  });

  it.each([1, 4])('an %i-step plan loaded approved yields 2n + 2 events (SA profile)', async (n) => {
    const rt = newRuntime({ ael: new BarrierAEL() });
    const plan = buildPlan(`approved-${n}`, ctx, chainSpecs(n), 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.run(plan.plan_id, { profile: 'sa' });
    expect(statusChanges(rt.events())).toHaveLength(2 * n + 2);
  });

  it('a failing run: the count equals the changes actually made, including blocked dependents', async () => {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const plan = buildPlan('failing', ctx, ['a', { name: 'b', deps: ['a'] }, { name: 'c', deps: ['b'] }, 'd'], 'approved');
    ael.failStep(stepIdFor('failing', 'a'), new Error('boom'));
    await rt.load({ contexts: [ctx], plans: [plan] });
    const outcome = await rt.run(plan.plan_id, { profile: 'sa' });
    expect(outcome.step_statuses).toEqual({
      [stepIdFor('failing', 'a')]: 'failed',
      [stepIdFor('failing', 'b')]: 'blocked',
      [stepIdFor('failing', 'c')]: 'blocked',
      [stepIdFor('failing', 'd')]: 'pending',
    });
    // plan approved→in_progress→failed (2) + a pending→in_progress→failed (2) + b, c pending→blocked (2)
    expect(statusChanges(rt.events())).toHaveLength(6);
    expectContinuousHistories(rt.events(), (id) => (id === plan.plan_id ? 'approved' : 'pending'), (id) => rt.status(id)!);
  });

  it('rejected and same-state requests add no event', async () => {
    const rt = newRuntime();
    const plan = buildPlan('quiet', ctx, ['a']);
    await rt.load({ contexts: [ctx], plans: [plan] });
    const count = rt.events().length;
    await rt.transition({ type: 'plan', id: plan.plan_id }, 'draft');
    await expect(rt.transition({ type: 'plan', id: plan.plan_id }, 'in_progress')).rejects.toMatchObject({ code: 'TRANSITION_FORBIDDEN' });
    await expect(rt.transition({ type: 'step', id: stepIdFor('quiet', 'a') }, 'in_progress')).rejects.toMatchObject({ code: 'GUARD_FAILED' });
    await expect(rt.run(plan.plan_id)).rejects.toMatchObject({ code: 'GUARD_FAILED' });
    expect(rt.events()).toHaveLength(count);
  });
});

describe('pipeline_stage: the §5.3 mapping', () => {
  it('maps every field for plan and step changes across success, failure, blocking, skipping and cancellation', async () => {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const ok = buildPlan('map-ok', ctx, [{ name: 'a', order_index: 7 }, { name: 'b', deps: ['a'] }, 'skip-me']);
    const bad = buildPlan('map-bad', ctx, ['x', { name: 'y', deps: ['x'] }], 'approved');
    const gone = buildPlan('map-gone', ctx, ['z']);
    ael.failStep(stepIdFor('map-bad', 'x'), 'string failure');
    await rt.load({ contexts: [ctx], plans: [ok, bad, gone] });
    await rt.transition({ type: 'step', id: stepIdFor('map-ok', 'skip-me') }, 'skipped');
    await approveAndRun(rt, ok.plan_id);
    await rt.run(bad.plan_id);
    await rt.transition({ type: 'plan', id: gone.plan_id }, 'cancelled');

    const plans = new Map([ok, bad, gone].map((p) => [p.plan_id, p]));
    const steps = new Map([ok, bad, gone].flatMap((p) => p.steps.map((s, i) => [s.step_id, { step: s, position: i, plan: p }] as const)));
    const changes = statusChanges(rt.events()) as unknown as (PipelineStageEvent & { payload: Record<string, unknown> })[];
    const seen = new Set<string>();
    for (const e of changes) {
      const from = e.payload['from_status'] as string;
      const to = e.payload['to_status'] as string;
      const id = e.payload['resource_id'] as string;
      seen.add(`${e.payload['resource_type']}:${to}:${e.stage_status}`);
      expect(e.stage_id).toBe(id);
      expect(e.stage_status).toBe(expectedStageStatus(from, to));
      if (e.payload['resource_type'] === 'plan') {
        const p = plans.get(id)!;
        expect(e).toMatchObject({ event_type: 'plan_status_changed', pipeline_id: p.plan_id, project_id: ctx.context_id, stage_name: p.title });
        expect(e.stage_order).toBeUndefined();
        expect(e.payload).toMatchObject({ plan_id: p.plan_id, context_id: ctx.context_id });
      } else {
        const s = steps.get(id)!;
        expect(e.payload['resource_type']).toBe('step');
        expect(e).toMatchObject({
          event_type: expectedStepEventType(to),
          pipeline_id: s.plan.plan_id,
          project_id: ctx.context_id,
          stage_name: s.step.description,
          stage_order: s.step.order_index ?? s.position,
        });
        expect(e.payload).toMatchObject({ plan_id: s.plan.plan_id, context_id: ctx.context_id });
      }
    }
    expect([...seen].sort()).toEqual(
      [
        'plan:proposed:pending',
        'plan:approved:pending',
        'plan:in_progress:running',
        'plan:completed:completed',
        'plan:failed:failed',
        'plan:cancelled:skipped',
        'step:in_progress:running',
        'step:completed:completed',
        'step:failed:failed',
        'step:blocked:pending',
        'step:skipped:skipped',
      ].sort(),
    );
  });

  it('a plan cancelled while running maps to stage_status failed', async () => {
    const ael = new BarrierAEL();
    ael.holdAll();
    const rt = newRuntime({ ael });
    const plan = buildPlan('cancel-running', ctx, ['a'], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    const running = rt.run(plan.plan_id);
    await ael.until((a) => a.inFlight === 1);
    const cancelled = rt.cancel(plan.plan_id);
    ael.releaseAll();
    await cancelled;
    await running;
    const last = statusChanges(rt.events()).filter((e) => e.payload['resource_id'] === plan.plan_id).at(-1)!;
    expect(last.payload['to_status']).toBe('cancelled');
    expect((last as unknown as PipelineStageEvent).stage_status).toBe('failed');
  });
});

describe('graph_update', () => {
  function expectDeltasMatchGraph(rt: L3Runtime): void {
    const updates = ofFamily<GraphUpdateEvent>(rt.events(), 'graph_update');
    const graph = rt.graph();
    expect(updates.reduce((sum, e) => sum + e.node_delta, 0)).toBe(graph.nodes.length);
    expect(updates.reduce((sum, e) => sum + e.edge_delta, 0)).toBe(graph.edges.length);
    // Every node and edge that exists was announced by some graph_update.
    const announcedNodes = new Set(updates.flatMap((e) => (e.payload!['nodes'] as { id: string; op: string }[]).filter((n) => n.op === 'add').map((n) => n.id)));
    for (const n of graph.nodes) expect(announcedNodes.has(n.id), `${n.type} ${n.id} announced`).toBe(true);
    const announcedEdges = new Set(updates.flatMap((e) => (e.payload!['edges'] as { from: string; to: string; type: string }[]).map((x) => `${x.type}:${x.from}:${x.to}`)));
    for (const x of graph.edges) expect(announcedEdges.has(`${x.type}:${x.from}:${x.to}`)).toBe(true);
  }

  it('running sums of node_delta and edge_delta equal the exported counts after load, submission and a run', async () => {
    const rt = newRuntime({ ael: new BarrierAEL() });
    const plan = buildPlan('deltas', ctx, ['a', { name: 'b', deps: ['a'] }, { name: 'c', deps: ['a'] }]);
    await rt.load({ contexts: [ctx] });
    expectDeltasMatchGraph(rt);
    await rt.load({ plans: [plan] });
    expectDeltasMatchGraph(rt);
    const load = ofFamily<GraphUpdateEvent>(rt.events(), 'graph_update').at(-1)!;
    // plan + 3 steps + trace; plan→context, 3 step→plan, 2 depends_on, trace→plan, trace→context
    expect({ node_delta: load.node_delta, edge_delta: load.edge_delta, update_kind: load.update_kind }).toEqual({ node_delta: 5, edge_delta: 8, update_kind: 'bulk' });
    await rt.transition({ type: 'plan', id: plan.plan_id }, 'proposed');
    expectDeltasMatchGraph(rt);
    await rt.decide({ target_id: plan.plan_id, status: 'approved', decided_by_role: 'reviewer' });
    await rt.run(plan.plan_id);
    expectDeltasMatchGraph(rt);
  });
});

describe('bus ordering', () => {
  it('numbers events with a strictly increasing payload.seq starting at 1', async () => {
    const rt = newRuntime({ ael: new BarrierAEL() });
    const plan = buildPlan('seq', ctx, ['a', 'b', 'c'], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.run(plan.plan_id, { profile: 'sa' });
    const seqs = rt.events().map((e) => e.payload!['seq'] as number);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });
});

describe('runtime_execution', () => {
  it('one start and one end event per AEL action, matching the action id', async () => {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const plan = buildPlan('exec', ctx, ['a', 'b', { name: 'c', deps: ['a'], agent_role: 'planner' }], 'approved');
    ael.failStep(stepIdFor('exec', 'b'), new Error('tool broke'));
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.run(plan.plan_id, { maxConcurrency: 3 });
    const executions = ofFamily<RuntimeExecutionEvent>(rt.events(), 'runtime_execution');
    const byAction = new Map<string, RuntimeExecutionEvent[]>();
    for (const e of executions) byAction.set(e.execution_id, [...(byAction.get(e.execution_id) ?? []), e]);
    expect([...byAction.keys()].sort()).toEqual(ael.calls.map((c) => c.action_id).sort());
    for (const call of ael.calls) {
      const pair = byAction.get(call.action_id)!;
      expect(pair.map((e) => e.status)).toEqual(['running', call.step_id === stepIdFor('exec', 'b') ? 'failed' : 'completed']);
      expect(pair.map((e) => e.payload!['step_id'])).toEqual([call.step_id, call.step_id]);
    }
    const failedEnd = executions.find((e) => e.status === 'failed')!;
    expect(failedEnd.payload!['error']).toBe('tool broke');
  });
});
