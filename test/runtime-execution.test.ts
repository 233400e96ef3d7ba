// Execution by the reference runtime: SA order, MAP concurrency (barrier-proven), dependency
// order, fail-fast, AEL throws, cancel, pause/resume, the approval gate, Context guards,
// trace segments and the skip cascade.

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Trace } from '../src/mplp/types.js';
import { RuntimeError, TransitionError } from '../src/runtime/errors.js';
import type { L3Runtime } from '../src/runtime/runtime.js';
import { BarrierAEL, settlesWithin, turns, untilEvent } from './helpers/barrier-ael.js';
import {
  buildCollab,
  buildContext,
  buildPlan,
  expectAuditedEventsValid,
  newRuntime,
  observableState,
  ofFamily,
  statusChanges,
  stepIdFor,
  type StepSpec,
} from './helpers/mplp-builders.js';

afterEach(expectAuditedEventsValid);

const ctx = buildContext('execution');

/** Fails the test from inside the AEL if a step starts before its dependencies completed. */
function guardDependencyOrder(rt: L3Runtime, ael: BarrierAEL): string[] {
  const violations: string[] = [];
  ael.onStart = (action) => {
    if (rt.status(action.step_id) !== 'in_progress') violations.push(`${action.step_id} is ${rt.status(action.step_id)} when its action starts`);
    for (const d of rt.psg.dependenciesOf(action.step_id)) {
      if (rt.status(d) !== 'completed') violations.push(`${action.step_id} started while dependency ${d} was ${rt.status(d)}`);
    }
  };
  return violations;
}

const traceOf = (rt: L3Runtime, planId: string) => rt.get({ type: 'trace', id: rt.traceIdOf(planId)! }) as Trace;

describe('SA profile', () => {
  it('runs one step at a time in dependency order, ties by order_index then position', async () => {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael, maxConcurrency: 8 });
    const violations = guardDependencyOrder(rt, ael);
    const specs: StepSpec[] = [
      { name: 'late', order_index: 5 },
      { name: 'first', order_index: 0 },
      { name: 'plain-1' },
      { name: 'needs-late', order_index: 0, deps: ['late'] },
      { name: 'tie-a', order_index: 2 },
      { name: 'tie-b', order_index: 2 },
      { name: 'plain-2' },
      { name: 'needs-first', order_index: 9, deps: ['first'] },
    ];
    const plan = buildPlan('sa-order', ctx, specs, 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    const outcome = await rt.run(plan.plan_id, { profile: 'sa' });
    expect(outcome.plan_status).toBe('completed');
    expect(ael.started).toEqual(['first', 'tie-a', 'tie-b', 'late', 'needs-late', 'needs-first', 'plain-1', 'plain-2'].map((s) => stepIdFor('sa-order', s)));
    expect(ael.maxInFlight).toBe(1);
    expect(violations).toEqual([]);
  });

  it('emits the SA event sequence', async () => {
    const rt = newRuntime({ ael: new BarrierAEL() });
    const plan = buildPlan('sa-events', ctx, ['a', 'b'], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.run(plan.plan_id, { profile: 'sa' });
    const sa = rt.events().filter((e) => e.event_type.startsWith('SA')).map((e) => e.event_type);
    expect(sa).toEqual(['SAInitialized', 'SAContextLoaded', 'SAPlanEvaluated', 'SAStepStarted', 'SAStepCompleted', 'SAStepStarted', 'SAStepCompleted', 'SATraceEmitted', 'SACompleted']);
  });
});

describe('MAP profile concurrency', () => {
  it('overlap reaches the limit when the DAG allows it and never exceeds it (barrier)', async () => {
    const ael = new BarrierAEL();
    ael.holdAll();
    const rt = newRuntime({ ael });
    const plan = buildPlan('map-limit', ctx, Array.from({ length: 7 }, (_, i) => `w${i}`), 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    const running = rt.run(plan.plan_id, { profile: 'map', maxConcurrency: 3 });
    await ael.until((a) => a.inFlight === 3);
    await turns();
    // Held at the barrier: exactly three actions in flight and three steps in_progress.
    expect(ael.inFlight).toBe(3);
    expect(plan.steps.filter((s) => rt.status(s.step_id) === 'in_progress')).toHaveLength(3);
    // Releasing one lets exactly one more in.
    ael.release(ael.started[0]!);
    await ael.until((a) => a.calls.length === 4);
    await turns();
    expect(ael.inFlight).toBe(3);
    ael.releaseAll();
    expect((await running).plan_status).toBe('completed');
    expect(ael.maxInFlight).toBe(3);
  });

  it('runs MAP profile events when the Context has an active Collab', async () => {
    const rt = newRuntime({ ael: new BarrierAEL() });
    const plan = buildPlan('map-events', ctx, ['a', 'b'], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan], collabs: [buildCollab('team', ctx)] });
    await rt.run(plan.plan_id, { profile: 'map', maxConcurrency: 1 });
    const map = rt.events().filter((e) => e.event_type.startsWith('MAP')).map((e) => e.event_type);
    expect(map).toEqual(['MAPSessionStarted', 'MAPRolesAssigned', 'MAPTurnDispatched', 'MAPTurnCompleted', 'MAPTurnDispatched', 'MAPTurnCompleted', 'MAPSessionCompleted']);
  });

  let dagRun = 0;
  it('property: random DAGs with random limits never exceed the limit, start every root batch at once, run each step once after its dependencies', async () => {
    const dag = fc.integer({ min: 1, max: 16 }).chain((n) =>
      fc.tuple(
        fc.tuple(...Array.from({ length: n }, (_, k) => fc.subarray(Array.from({ length: k }, (_, j) => j), { maxLength: Math.min(3, k) }))),
        fc.integer({ min: 1, max: 6 }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(dag, async ([depLists, limit]) => {
        const name = `map-prop-${dagRun++}`;
        const plan = buildPlan(name, ctx, depLists.map((d, k) => ({ name: `n${k}`, deps: d.map((j) => `n${j}`) })), 'approved');
        const roots = depLists.filter((d) => d.length === 0).length;
        const ael = new BarrierAEL();
        ael.holdAll();
        const rt = newRuntime({ ael });
        const violations = guardDependencyOrder(rt, ael);
        await rt.load({ contexts: [ctx], plans: [plan] });
        const running = rt.run(plan.plan_id, { profile: 'map', maxConcurrency: limit });
        // The roots are ready at once: the runtime fills min(limit, roots) slots before anything finishes.
        await ael.until((a) => a.inFlight === Math.min(limit, roots));
        await turns(3);
        expect(ael.inFlight).toBe(Math.min(limit, roots));
        ael.releaseAll();
        const outcome = await running;
        expect(outcome.plan_status).toBe('completed');
        expect(ael.maxInFlight).toBeLessThanOrEqual(limit);
        expect([...ael.started].sort()).toEqual(plan.steps.map((s) => s.step_id).sort());
        expect(violations).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });
});

describe('failure handling (fail-fast)', () => {
  it('after a failure: no new starts, in-flight drained, dependents blocked transitively, plan failed, nothing in_progress', async () => {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const id = (s: string) => stepIdFor('fail-fast', s);
    const plan = buildPlan(
      'fail-fast',
      ctx,
      [
        { name: 'f', order_index: 0 },
        { name: 'slow', order_index: 1 },
        { name: 'idle', order_index: 5 },
        { name: 'd1', deps: ['f'] },
        { name: 'd2', deps: ['d1'] },
        { name: 'd3', deps: ['d2', 'slow'] },
        { name: 'after-slow', deps: ['slow'] },
      ],
      'approved',
    );
    ael.hold(id('slow'));
    ael.failStep(id('f'), new Error('step f exploded'));
    await rt.load({ contexts: [ctx], plans: [plan] });
    const running = rt.run(plan.plan_id, { profile: 'map', maxConcurrency: 2 });
    await untilEvent(rt, (e) => e.payload?.['resource_id'] === id('f') && e.payload?.['to_status'] === 'failed');
    await turns();
    expect(ael.started).toEqual([id('f'), id('slow')]);
    expect(rt.status(plan.plan_id)).toBe('in_progress');
    expect(rt.status(id('slow'))).toBe('in_progress');
    ael.release(id('slow'));
    const outcome = await running;
    expect(ael.started).toEqual([id('f'), id('slow')]);
    expect(outcome.plan_status).toBe('failed');
    expect(outcome.step_statuses).toEqual({
      [id('f')]: 'failed',
      [id('slow')]: 'completed',
      [id('idle')]: 'pending',
      [id('d1')]: 'blocked',
      [id('d2')]: 'blocked',
      [id('d3')]: 'blocked',
      [id('after-slow')]: 'pending',
    });
    expect(Object.values(outcome.step_statuses)).not.toContain('in_progress');
    const trace = traceOf(rt, plan.plan_id);
    expect(trace.status).toBe('failed');
    // Nothing changes once the plan is terminal.
    const final = await observableState(rt);
    await expect(rt.transition({ type: 'step', id: id('idle') }, 'in_progress')).rejects.toBeInstanceOf(TransitionError);
    await expect(rt.transition({ type: 'plan', id: plan.plan_id }, 'in_progress')).rejects.toMatchObject({ code: 'TRANSITION_FORBIDDEN' });
    expect(await observableState(rt)).toBe(final);
  });

  const THROWN: [string, unknown][] = [
    ['an Error', new Error('kaput')],
    ['an Error with an empty message', new Error('')],
    ['a string', 'plain string'],
    ['an empty string', ''],
    ['a number', 0],
    ['null', null],
    ['undefined', undefined],
    ['an object', { code: 'E_TOOL', retry: false }],
  ];

  it.each(THROWN)('an AEL that throws %s fails the step, records the error in the trace, and the runtime keeps running', async (_label, thrown) => {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const plan = buildPlan('throws', ctx, ['bad', { name: 'next', deps: ['bad'] }], 'approved');
    ael.failStep(stepIdFor('throws', 'bad'), thrown);
    await rt.load({ contexts: [ctx], plans: [plan] });
    const outcome = await rt.run(plan.plan_id, { profile: 'sa' });
    expect(outcome.plan_status).toBe('failed');
    expect(rt.status(stepIdFor('throws', 'bad'))).toBe('failed');
    expect(rt.status(stepIdFor('throws', 'next'))).toBe('blocked');
    const trace = traceOf(rt, plan.plan_id);
    expect(trace.segments).toHaveLength(1);
    expect(trace.segments![0]).toMatchObject({ status: 'failed', attributes: { 'mplp.step_id': stepIdFor('throws', 'bad') } });
    expect(typeof trace.segments![0]!.attributes!['mplp.error']).toBe('string');
    expect(trace.events!.some((e) => e.event_type === 'step.failed' && e.data?.['step_id'] === stepIdFor('throws', 'bad'))).toBe(true);
    const ends = ofFamily<{ status: string }>(rt.events(), 'runtime_execution').map((e) => e.status);
    expect(ends).toEqual(['running', 'failed']);

    // Still alive: another plan loads and completes on the same runtime.
    const again = buildPlan('after-throw', ctx, ['ok'], 'approved');
    await rt.load({ plans: [again] });
    expect((await rt.run(again.plan_id)).plan_status).toBe('completed');
  });
});

describe('cancel', () => {
  it('cancel mid-run: plan cancelled, the running step drains, no new step starts', async () => {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const plan = buildPlan('cancel', ctx, ['a', { name: 'b', deps: ['a'] }, 'c'], 'approved');
    ael.hold(stepIdFor('cancel', 'a'));
    await rt.load({ contexts: [ctx], plans: [plan] });
    const running = rt.run(plan.plan_id, { profile: 'sa' });
    await ael.until((a) => a.isWaiting(stepIdFor('cancel', 'a')));
    const cancelling = rt.cancel(plan.plan_id);
    await turns();
    expect(rt.status(plan.plan_id)).toBe('in_progress');
    ael.release(stepIdFor('cancel', 'a'));
    await cancelling;
    const outcome = await running;
    expect(outcome.plan_status).toBe('cancelled');
    expect(ael.started).toEqual([stepIdFor('cancel', 'a')]);
    expect(outcome.step_statuses).toEqual({
      [stepIdFor('cancel', 'a')]: 'completed',
      [stepIdFor('cancel', 'b')]: 'pending',
      [stepIdFor('cancel', 'c')]: 'pending',
    });
    expect(traceOf(rt, plan.plan_id).status).toBe('cancelled');
  });

  it('cancelling a plan that is waiting for approval ends the waiting run', async () => {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const plan = buildPlan('cancel-waiting', ctx, ['a']);
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.transition({ type: 'plan', id: plan.plan_id }, 'proposed');
    const waiting = rt.run(plan.plan_id);
    await rt.cancel(plan.plan_id);
    expect(await settlesWithin(waiting)).toBe(true);
    expect((await waiting).plan_status).toBe('cancelled');
    expect(ael.calls).toHaveLength(0);
  });
});

describe('pause and resume', () => {
  it('pause: WorkflowPaused, running steps finish, nothing enters in_progress; resume: WorkflowResumed and completion', async () => {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const id = (s: string) => stepIdFor('pause', s);
    const plan = buildPlan('pause', ctx, ['a', 'b', { name: 'c', deps: ['a'] }, { name: 'd', deps: ['c'] }], 'approved');
    ael.hold(id('a'), id('b'));
    await rt.load({ contexts: [ctx], plans: [plan] });
    const running = rt.run(plan.plan_id, { profile: 'map', maxConcurrency: 2 });
    await ael.until((a) => a.isWaiting(id('a')) && a.isWaiting(id('b')));
    await rt.pause(plan.plan_id);
    const paused = rt.events().at(-1)!;
    expect(paused).toMatchObject({ event_type: 'WorkflowPaused', event_family: 'pipeline_stage', pipeline_id: plan.plan_id, stage_id: plan.plan_id, stage_status: 'pending' });
    expect(paused.payload).toMatchObject({ resource_type: 'plan', resource_id: plan.plan_id, paused: true });

    ael.release(id('a'));
    ael.release(id('b'));
    const pausedOutcome = await running;
    expect(pausedOutcome.paused).toBe(true);
    expect(pausedOutcome.plan_status).toBe('in_progress');
    expect(rt.status(id('a'))).toBe('completed');
    expect(rt.status(id('b'))).toBe('completed');
    await turns();
    expect(rt.status(id('c'))).toBe('pending');
    expect(ael.started).toEqual([id('a'), id('b')]);
    // Rejected while paused: pausing again.
    await expect(rt.pause(plan.plan_id)).rejects.toMatchObject({ code: 'INVALID_STATE' });

    const pausedAt = rt.events().indexOf(paused);
    await rt.resume(plan.plan_id);
    const resumed = rt.events().find((e) => e.event_type === 'WorkflowResumed')!;
    expect(resumed.payload).toMatchObject({ resource_type: 'plan', resource_id: plan.plan_id, paused: false });
    const final = await rt.run(plan.plan_id);
    expect(final.plan_status).toBe('completed');
    expect(final.paused).toBe(false);
    // No step entered in_progress between WorkflowPaused and WorkflowResumed.
    const between = rt.events().slice(pausedAt, rt.events().indexOf(resumed));
    expect(statusChanges(between).filter((e) => e.payload['to_status'] === 'in_progress')).toEqual([]);
    expect(ael.started).toEqual([id('a'), id('b'), id('c'), id('d')]);
  });

  it('pausing a plan that is not running and resuming one that is not paused are rejected without events', async () => {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const plan = buildPlan('not-running', ctx, ['a'], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    const before = await observableState(rt);
    await expect(rt.pause(plan.plan_id)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(rt.resume(plan.plan_id)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(await observableState(rt)).toBe(before);

    ael.holdAll();
    const running = rt.run(plan.plan_id);
    await ael.until((a) => a.inFlight === 1);
    await expect(rt.resume(plan.plan_id)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    ael.releaseAll();
    await running;
    await expect(rt.pause(plan.plan_id)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(rt.events().filter((e) => e.event_type.startsWith('Workflow'))).toEqual([]);
  });
});

describe('approval gate and run preconditions', () => {
  async function proposedPlan(name: string) {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const plan = buildPlan(name, ctx, ['a', { name: 'b', deps: ['a'] }]);
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.transition({ type: 'plan', id: plan.plan_id }, 'proposed');
    return { rt, ael, plan };
  }

  it('run() on a proposed plan waits; approval lets it run to completion', async () => {
    const { rt, ael, plan } = await proposedPlan('gate-approve');
    const waiting = rt.run(plan.plan_id);
    expect(await settlesWithin(waiting)).toBe(false);
    expect(ael.calls).toHaveLength(0);
    expect(rt.status(plan.plan_id)).toBe('proposed');
    await rt.decide({ target_id: plan.plan_id, status: 'approved', decided_by_role: 'reviewer' });
    const outcome = await waiting;
    expect(outcome.plan_status).toBe('completed');
    expect(ael.started).toEqual(plan.steps.map((s) => s.step_id));
  });

  it.each(['rejected', 'cancelled'] as const)('a %s decision sends the plan back to draft and executes nothing', async (status) => {
    const { rt, ael, plan } = await proposedPlan(`gate-${status}`);
    const waiting = rt.run(plan.plan_id);
    expect(await settlesWithin(waiting)).toBe(false);
    await rt.decide({ target_id: plan.plan_id, status, decided_by_role: 'reviewer' });
    const outcome = await waiting;
    expect(outcome.plan_status).toBe('draft');
    expect(ael.calls).toHaveLength(0);
    expect(statusChanges(rt.events()).filter((e) => e.payload['resource_type'] === 'step')).toEqual([]);
  });

  it('run() on a draft plan is rejected and changes nothing', async () => {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const plan = buildPlan('draft-run', ctx, ['a']);
    await rt.load({ contexts: [ctx], plans: [plan] });
    const before = await observableState(rt);
    const error = await rt.run(plan.plan_id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransitionError);
    expect(error).toMatchObject({ code: 'GUARD_FAILED', object: 'plan', id: plan.plan_id, from: 'draft', to: 'in_progress' });
    expect(ael.calls).toHaveLength(0);
    expect(await observableState(rt)).toBe(before);
  });

  it('run() of an approved plan in a suspended Context is rejected, nothing executed, and can run after the Context resumes', async () => {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const suspended = buildContext('suspended', 'suspended');
    const plan = buildPlan('suspended-run', suspended, ['a'], 'approved');
    await rt.load({ contexts: [suspended], plans: [plan] });
    const before = await observableState(rt);
    await expect(rt.run(plan.plan_id)).rejects.toMatchObject({ code: 'GUARD_FAILED', object: 'plan', from: 'approved', to: 'in_progress' });
    expect(ael.calls).toHaveLength(0);
    expect(await observableState(rt)).toBe(before);
    await rt.transition({ type: 'context', id: suspended.context_id }, 'active');
    expect((await rt.run(plan.plan_id)).plan_status).toBe('completed');
  });

  it('run() of an unknown id is NOT_FOUND', async () => {
    const rt = newRuntime();
    await expect(rt.run(buildPlan('nowhere', ctx, ['a']).plan_id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a step of a running plan cannot be moved by hand', async () => {
    const ael = new BarrierAEL();
    ael.holdAll();
    const rt = newRuntime({ ael });
    const plan = buildPlan('hands-off', ctx, ['a', 'b'], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    const running = rt.run(plan.plan_id, { profile: 'sa' });
    await ael.until((a) => a.inFlight === 1);
    await expect(rt.transition({ type: 'step', id: stepIdFor('hands-off', 'b') }, 'skipped')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    ael.releaseAll();
    expect((await running).plan_status).toBe('completed');
  });
});

describe('trace', () => {
  it('gets one segment per executed step, appended in its final state, and follows the plan status', async () => {
    const ael = new BarrierAEL();
    ael.holdAll();
    const rt = newRuntime({ ael });
    const plan = buildPlan('traced', ctx, ['a', { name: 'b', deps: ['a'], agent_role: 'writer' }, 'c'], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    expect(traceOf(rt, plan.plan_id).status).toBe('pending');
    const running = rt.run(plan.plan_id, { profile: 'sa' });
    await ael.until((a) => a.inFlight === 1);
    expect(traceOf(rt, plan.plan_id).status).toBe('running');
    expect(traceOf(rt, plan.plan_id).segments ?? []).toEqual([]);
    ael.releaseAll();
    await running;
    const trace = traceOf(rt, plan.plan_id);
    expect(trace.status).toBe('completed');
    expect(trace.plan_id).toBe(plan.plan_id);
    expect(trace.segments!.map((s) => [s.attributes!['mplp.step_id'], s.status])).toEqual(ael.started.map((s) => [s, 'completed']));
    expect(trace.segments![1]!.attributes!['mplp.agent_role']).toBe('writer');
    for (const s of trace.segments!) expect(s.started_at! <= s.finished_at!).toBe(true);
    // Segment nodes in the PSG are the final ones, never updated.
    const segmentNodes = rt.graph().nodes.filter((n) => n.type === 'segment');
    expect(segmentNodes.map((n) => n.status)).toEqual(['completed', 'completed', 'completed']);
    const graphUpdates = ofFamily<{ payload: { nodes: { type: string; op: string }[] } }>(rt.events(), 'graph_update');
    expect(graphUpdates.flatMap((e) => e.payload.nodes).filter((n) => n.type === 'segment').map((n) => n.op)).toEqual(['add', 'add', 'add']);
  });
});

describe('skip cascade ([KIT] dependents of a skipped step are skipped)', () => {
  it('a step skipped before the run skips its dependents; the plan completes and they never execute', async () => {
    const ael = new BarrierAEL();
    const rt = newRuntime({ ael });
    const violations = guardDependencyOrder(rt, ael);
    const plan = buildPlan('skips', ctx, ['a', { name: 'b', deps: ['a'] }, { name: 'c', deps: ['b'] }, 'd'], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.transition({ type: 'step', id: stepIdFor('skips', 'a') }, 'skipped');
    const outcome = await rt.run(plan.plan_id);
    expect(violations).toEqual([]);
    expect(ael.started).toEqual([stepIdFor('skips', 'd')]);
    expect(outcome.plan_status).toBe('completed');
    expect(outcome.step_statuses).toEqual({
      [stepIdFor('skips', 'a')]: 'skipped',
      [stepIdFor('skips', 'b')]: 'skipped',
      [stepIdFor('skips', 'c')]: 'skipped',
      [stepIdFor('skips', 'd')]: 'completed',
    });
  });
});

describe('errors', () => {
  it('runtime errors are RuntimeErrors with stable codes', async () => {
    const rt = newRuntime();
    const error = await rt.transition({ type: 'plan', id: buildPlan('none', ctx, ['a']).plan_id }, 'proposed').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as RuntimeError).code).toBe('NOT_FOUND');
  });
});
