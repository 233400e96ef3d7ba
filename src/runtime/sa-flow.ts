// Seed §3.4 and §11: RuntimeContext and the runSingleAgentFlow entry point, now backed by
// the real runtime: modules run, the flow's Context and Plan are registered, the plan is
// approved through a Confirm (a system role when the flow names no approver) and executed
// with the SA profile.

import { randomUUID } from 'node:crypto';
import type { BusEvent, Context, Plan } from '../mplp/types.js';
import type { ActionExecutionLayer } from './ael/types.js';
import { RuntimeError } from './errors.js';
import type { RuntimeModuleRegistry } from './registry/modules.js';
import { L3Runtime } from './runtime.js';
import type { ValueStateLayer } from './vsl/types.js';

export interface RuntimeContext {
  ids: { runId: string };
  coordination: { ids: { runId: string }; metadata: Record<string, unknown> };
  /** Events of the current tick, flushed here when the flow ends. */
  events: unknown[];
}

export function createRuntimeContext(runId: string = randomUUID()): RuntimeContext {
  return { ids: { runId }, coordination: { ids: { runId }, metadata: {} }, events: [] };
}

export interface SingleAgentFlow {
  context: Context;
  plan: Plan;
  /** Role recorded on the approving Confirm decision (default `system`). */
  approver?: string;
}

export interface RunSingleAgentFlowOptions {
  flow: SingleAgentFlow;
  runtimeContext: RuntimeContext;
  modules: RuntimeModuleRegistry;
  vsl: ValueStateLayer;
  /** Not in the seed's options (digest §9.4); defaults to the InMemoryAEL. */
  ael?: ActionExecutionLayer;
}

export interface RuntimeResult {
  success?: boolean;
  output?: { context: unknown; plan: unknown; trace: unknown; modules: Record<string, unknown> };
  error?: { code: string; message: string };
  events?: BusEvent[];
}

export async function runSingleAgentFlow(options: RunSingleAgentFlowOptions): Promise<RuntimeResult> {
  const { flow, runtimeContext } = options;
  const rt = new L3Runtime({ vsl: options.vsl, ...(options.ael ? { ael: options.ael } : {}), modules: options.modules });
  const moduleOutputs: Record<string, unknown> = {};
  try {
    if (!flow?.context || !flow?.plan) throw new RuntimeError('SCHEMA_INVALID', 'runSingleAgentFlow: options.flow needs { context, plan }');
    // Seed §4: the context module runs first, then the plan module.
    for (const name of ['context', 'plan'] as const) {
      if (!rt.modules.has(name)) continue;
      const result = await rt.modules.invoke(name, { runtimeContext, flow });
      moduleOutputs[name] = result.output;
      runtimeContext.events.push(...result.events);
    }
    await rt.load({ contexts: [flow.context], plans: [flow.plan] });
    const planRef = { type: 'plan' as const, id: flow.plan.plan_id };
    if (flow.plan.status === 'draft') await rt.transition(planRef, 'proposed');
    if (rt.status(flow.plan.plan_id) === 'proposed') {
      await rt.decide({ target_id: flow.plan.plan_id, status: 'approved', decided_by_role: flow.approver ?? 'system' });
    }
    const outcome = await rt.run(flow.plan.plan_id, { profile: 'sa' });
    const success = outcome.plan_status === 'completed';
    return {
      success,
      output: {
        context: rt.get({ type: 'context', id: flow.context.context_id }),
        plan: rt.get(planRef),
        trace: rt.get({ type: 'trace', id: rt.traceIdOf(flow.plan.plan_id)! }),
        modules: moduleOutputs,
      },
      ...(success ? {} : { error: { code: 'PLAN_' + outcome.plan_status.toUpperCase(), message: `plan ended ${outcome.plan_status}` } }),
      events: rt.events(),
    };
  } catch (e) {
    const error = e instanceof RuntimeError ? { code: e.code, message: e.message } : { code: 'RUNTIME_ERROR', message: e instanceof Error ? e.message : String(e) };
    return { success: false, error, events: rt.events() };
  } finally {
    runtimeContext.events.push(...rt.events());
  }
}
