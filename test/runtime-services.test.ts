// VSL, module registry and the runSingleAgentFlow entry point of the reference runtime.

import { afterEach, describe, expect, it } from 'vitest';
import type { Context, Plan } from '../src/mplp/types.js';
import { RuntimeError } from '../src/runtime/errors.js';
import { createRuntimeContext, runSingleAgentFlow } from '../src/runtime/sa-flow.js';
import { InMemoryVSL } from '../src/runtime/vsl/in-memory.js';
import type { VslTx } from '../src/runtime/vsl/types.js';
import { BarrierAEL } from './helpers/barrier-ael.js';
import {
  auditEvents,
  buildContext,
  buildPlan,
  chainSpecs,
  expectAuditedEventsValid,
  newRuntime,
  stepIdFor,
} from './helpers/mplp-builders.js';

afterEach(expectAuditedEventsValid);

const ctx = buildContext('services');

describe('VSL', () => {
  it('InMemoryVSL stores and returns copies', async () => {
    const vsl = new InMemoryVSL();
    const value = { nested: { n: 1 }, list: [1, 2] };
    await vsl.set('k', value);
    value.nested.n = 2;
    value.list.push(3);
    const read = (await vsl.get('k')) as typeof value;
    expect(read).toEqual({ nested: { n: 1 }, list: [1, 2] });
    read.nested.n = 3;
    expect(await vsl.get('k')).toEqual({ nested: { n: 1 }, list: [1, 2] });
  });

  it('an InMemoryVSL transaction applies all of its writes or none', async () => {
    const vsl = new InMemoryVSL();
    await vsl.set('a', 1);
    await expect(
      vsl.transaction(async (tx) => {
        await tx.set('a', 2);
        await tx.set('b', 2);
        expect(await tx.get('a')).toBe(2);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await vsl.get('a')).toBe(1);
    expect(await vsl.get('b')).toBeUndefined();
    await vsl.transaction(async (tx) => {
      await tx.set('a', 3);
      await tx.set('b', 3);
    });
    expect([await vsl.get('a'), await vsl.get('b')]).toEqual([3, 3]);
  });

  it('the runtime persists copies: changing a loaded object afterwards changes neither the VSL nor the PSG', async () => {
    const rt = newRuntime();
    const context: Context = buildContext('copied');
    const plan: Plan = buildPlan('copied', context, ['a']);
    await rt.load({ contexts: [context], plans: [plan] });
    context.title = 'changed';
    plan.steps[0]!.description = 'changed';
    plan.status = 'approved';
    expect(((await rt.vsl.get(`contexts/${context.context_id}`)) as Context).title).toBe('context copied');
    expect(((await rt.vsl.get(`plans/${plan.plan_id}`)) as Plan).steps[0]!.description).toBe('step a');
    expect((rt.get({ type: 'plan', id: plan.plan_id }) as Plan).status).toBe('draft');
    expect((rt.get({ type: 'plan', id: plan.plan_id }) as Plan).steps[0]!.description).toBe('step a');
    const read = rt.get({ type: 'plan', id: plan.plan_id }) as Plan;
    read.title = 'changed';
    expect((rt.get({ type: 'plan', id: plan.plan_id }) as Plan).title).toBe('plan copied');
  });

  it('persists each status change: the VSL holds the current plan and step status', async () => {
    const rt = newRuntime({ ael: new BarrierAEL() });
    const plan = buildPlan('persisted', ctx, ['a'], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    await rt.run(plan.plan_id);
    expect(((await rt.vsl.get(`plans/${plan.plan_id}`)) as Plan).status).toBe('completed');
    expect(((await rt.vsl.get(`plans/${plan.plan_id}/steps/${stepIdFor('persisted', 'a')}`)) as { status: string }).status).toBe('completed');
  });

  /** A VSL that can be told to fail its writes; with or without transactions. */
  class BreakableVSL {
    readonly inner = new InMemoryVSL();
    broken = false;
    get(key: string) {
      return this.inner.get(key);
    }
    async set(key: string, value: unknown) {
      if (this.broken) throw new Error(`disk full writing ${key}`);
      return this.inner.set(key, value);
    }
    keys() {
      return this.inner.keys();
    }
  }
  class BreakableTransactionalVSL extends BreakableVSL {
    transaction<T>(fn: (tx: VslTx) => Promise<T>): Promise<T> {
      return this.inner.transaction(async (tx) => {
        const result = await fn(tx);
        if (this.broken) throw new Error('commit failed');
        return result;
      });
    }
  }

  it.each([
    ['a VSL whose set throws', () => new BreakableVSL()],
    ['a transactional VSL whose commit throws', () => new BreakableTransactionalVSL()],
  ])('with %s the status change fails and PSG and events stay unchanged', async (_label, makeVsl) => {
    const vsl = makeVsl();
    const rt = newRuntime({ vsl });
    const plan = buildPlan('vsl-fail', ctx, ['a']);
    await rt.load({ contexts: [ctx], plans: [plan] });
    const graph = JSON.stringify(rt.graph());
    const events = JSON.stringify(rt.events());
    const stored = JSON.stringify(await vsl.get(`plans/${plan.plan_id}`));
    vsl.broken = true;
    await expect(rt.transition({ type: 'plan', id: plan.plan_id }, 'proposed')).rejects.toThrow();
    await expect(rt.transition({ type: 'context', id: ctx.context_id }, 'suspended')).rejects.toThrow();
    expect(JSON.stringify(rt.graph())).toBe(graph);
    expect(JSON.stringify(rt.events())).toBe(events);
    expect(rt.status(plan.plan_id)).toBe('draft');
    expect(JSON.stringify(await vsl.get(`plans/${plan.plan_id}`))).toBe(stored);
    // Loads are atomic too.
    await expect(rt.load({ plans: [buildPlan('vsl-fail-2', ctx, ['a'])] })).rejects.toThrow();
    expect(JSON.stringify(rt.graph())).toBe(graph);
    // Once the VSL works again the same change goes through.
    vsl.broken = false;
    await rt.transition({ type: 'plan', id: plan.plan_id }, 'proposed');
    expect(rt.status(plan.plan_id)).toBe('proposed');
  });

  it('a transactional VSL that fails leaves its contents exactly as they were', async () => {
    const vsl = new BreakableTransactionalVSL();
    const rt = newRuntime({ vsl });
    const plan = buildPlan('vsl-atomic', ctx, ['a'], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    const snapshot = async () => JSON.stringify(await Promise.all(vsl.keys().sort().map(async (k) => [k, await vsl.get(k)])));
    const before = await snapshot();
    vsl.broken = true;
    // approved → in_progress writes the plan and its coupled trace in one batch.
    await expect(rt.transition({ type: 'plan', id: plan.plan_id }, 'in_progress')).rejects.toThrow();
    expect(await snapshot()).toBe(before);
    expect(rt.status(plan.plan_id)).toBe('approved');
    expect(rt.status(rt.traceIdOf(plan.plan_id)!)).toBe('pending');
  });
});

describe('module registry', () => {
  const echo = async ({ ctx: c }: { ctx: unknown }) => ({ output: c, events: [] });

  it('registers, invokes and unregisters modules while the runtime is alive', async () => {
    const ael = new BarrierAEL();
    ael.holdAll();
    const rt = newRuntime({ ael, modules: { context: echo } });
    const plan = buildPlan('modules', ctx, ['a'], 'approved');
    await rt.load({ contexts: [ctx], plans: [plan] });
    const running = rt.run(plan.plan_id);
    await ael.until((a) => a.inFlight === 1);
    rt.modules.register('plan', async () => ({ output: { planned: true }, events: [{ kind: 'planned' }] }));
    expect(rt.modules.list().sort()).toEqual(['context', 'plan']);
    expect(await rt.modules.invoke('plan', {})).toEqual({ output: { planned: true }, events: [{ kind: 'planned' }] });
    expect(await rt.modules.invoke('context', { x: 1 })).toEqual({ output: { x: 1 }, events: [] });
    rt.modules.unregister('context');
    expect(rt.modules.has('context')).toBe(false);
    ael.releaseAll();
    expect((await running).plan_status).toBe('completed');
  });

  it('rejects duplicates, unknown names and malformed modules with stable codes', async () => {
    const rt = newRuntime({ modules: { context: echo } });
    const codeOf = async (fn: () => unknown) => {
      try {
        await fn();
      } catch (e) {
        return e instanceof RuntimeError ? e.code : 'not a RuntimeError';
      }
      return 'accepted';
    };
    expect(await codeOf(() => rt.modules.register('context', echo))).toBe('MODULE_DUPLICATE');
    expect(await codeOf(() => rt.modules.unregister('nope'))).toBe('MODULE_UNKNOWN');
    expect(await codeOf(() => rt.modules.invoke('nope', {}))).toBe('MODULE_UNKNOWN');
    expect(await codeOf(() => rt.modules.register('', echo))).toBe('INVALID_STATE');
    expect(await codeOf(() => rt.modules.register('bad', 'not a function' as never))).toBe('INVALID_STATE');
    rt.modules.register('broken', async () => ({ output: 1 }) as never);
    expect(await codeOf(() => rt.modules.invoke('broken', {}))).toBe('INVALID_STATE');
    rt.modules.unregister('context');
    expect(await codeOf(() => rt.modules.unregister('context'))).toBe('MODULE_UNKNOWN');
    rt.modules.register('context', echo);
    expect(rt.modules.has('context')).toBe(true);
  });
});

describe('runSingleAgentFlow', () => {
  it('returns a real result: success, the completed plan and trace, module outputs, events', async () => {
    const runtimeContext = createRuntimeContext('4f8f2b8e-5c1a-4d2e-9b3f-0a1b2c3d4e5f');
    const plan = buildPlan('flow', ctx, chainSpecs(3));
    const called: string[] = [];
    const ael = new BarrierAEL();
    const result = await runSingleAgentFlow({
      flow: { context: ctx, plan },
      runtimeContext,
      vsl: new InMemoryVSL(),
      ael,
      modules: {
        plan: async () => (called.push('plan'), { output: 'planned', events: [] }),
        context: async () => (called.push('context'), { output: 'contextualised', events: [] }),
      },
    });
    auditEvents(result.events ?? []);
    expect(result.success).toBe(true);
    expect(result.error).toBeUndefined();
    expect(called).toEqual(['context', 'plan']);
    const output = result.output!;
    expect(output.modules).toEqual({ context: 'contextualised', plan: 'planned' });
    const finalPlan = output.plan as Plan;
    expect(finalPlan.status).toBe('completed');
    expect(finalPlan.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    expect(output.trace).toMatchObject({ status: 'completed', plan_id: plan.plan_id, context_id: ctx.context_id });
    expect((output.trace as { segments: unknown[] }).segments).toHaveLength(3);
    expect(ael.started).toEqual(plan.steps.map((s) => s.step_id));
    const types = result.events!.map((e) => e.event_type);
    for (const t of ['SAInitialized', 'SAContextLoaded', 'SAPlanEvaluated', 'SAStepStarted', 'SAStepCompleted', 'SATraceEmitted', 'SACompleted']) expect(types).toContain(t);
    expect(runtimeContext.events.length).toBeGreaterThanOrEqual(result.events!.length);
  });

  it('reports a failed plan as an unsuccessful result', async () => {
    const plan = buildPlan('flow-fail', ctx, ['a', { name: 'b', deps: ['a'] }]);
    const ael = new BarrierAEL();
    ael.failStep(stepIdFor('flow-fail', 'a'), new Error('no'));
    const result = await runSingleAgentFlow({ flow: { context: ctx, plan }, runtimeContext: createRuntimeContext(), vsl: new InMemoryVSL(), ael, modules: {} });
    auditEvents(result.events ?? []);
    expect(result.success).toBe(false);
    expect(result.error?.code).toBe('PLAN_FAILED');
    expect((result.output!.plan as Plan).status).toBe('failed');
  });

  it('reports an invalid flow as an error, not a throw', async () => {
    const plan = buildPlan('flow-bad', ctx, [{ name: 'a', deps: ['a'] }]);
    const result = await runSingleAgentFlow({ flow: { context: ctx, plan }, runtimeContext: createRuntimeContext(), vsl: new InMemoryVSL(), modules: {} });
    auditEvents(result.events ?? []);
    expect(result.success).toBe(false);
    expect(result.error?.code).toBe('DAG_CYCLE');
  });
});
