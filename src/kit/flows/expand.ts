// Expands the compact flow DSL into schema-valid MPLP objects with deterministic lowercase
// v4 ids (nameToUuidV4('<flow id>', '<kind>:<name>')) and fixed timestamps, plus the AEL
// scripts of each step. Pure: the same flow always expands to the same bytes.

import type { Scripted } from '../recording-ael.js';
import { nameToUuidV4 } from '../../mplp/ids.js';
import type { Collab, Confirm, Context, Meta, Plan, PlanStep } from '../../mplp/types.js';
import type { NameResolver } from './selectors.js';
import type { ActionSpec, FlowSpec, StepSpec } from './spec.js';

/** Every generated timestamp: flows never depend on the wall clock. */
export const FLOW_EPOCH = '2025-01-01T00:00:00.000Z';
const META: Meta = { protocol_version: '1.0.0', schema_version: '1.0.0', created_at: FLOW_EPOCH };

/** Objects taken verbatim from files next to the flow (already read and parsed). */
export interface FileObjects {
  context?: Context;
  plan?: Plan;
  collab?: Collab;
}

export interface ExpandedFlow {
  context: Context;
  plan?: Plan;
  collab?: Collab;
  confirm?: Confirm;
  /** Step names in plan order with their ids (names sharing an id via id_of included). */
  steps: { name: string; id: string }[];
  scripts: { stepId: string; outcome: Scripted }[];
  barriers: string[];
  names: NameResolver;
}

export function flowId(flow: string, kind: string, name?: string): string {
  return nameToUuidV4(flow, name === undefined ? kind : `${kind}:${name}`);
}

/** Step names of a plan read from a file: its position, s0, s1, ... */
export function filePlanStepNames(plan: Plan): string[] {
  return plan.steps.map((_, i) => `s${i}`);
}

export function expandFlow(spec: FlowSpec, files: FileObjects = {}): ExpandedFlow {
  const id = (kind: string, name?: string) => flowId(spec.id, kind, name);
  const contextId = files.context?.context_id ?? files.plan?.context_id ?? id('context');
  const context: Context = files.context ?? {
    meta: META,
    context_id: contextId,
    root: { domain: spec.context?.root?.domain ?? 'mplp-conformance', environment: spec.context?.root?.environment ?? 'golden-flow' },
    title: spec.context?.title ?? spec.title,
    ...(spec.context?.summary !== undefined ? { summary: spec.context.summary } : {}),
    status: (spec.context?.status ?? 'active') as Context['status'],
  };

  const stepEntries = stepNamesAndIds(spec, files.plan, id);
  const stepIdOf = new Map(stepEntries.map((s) => [s.name, s.id]));
  const plan = files.plan ?? (spec.plan ? dslPlan(spec, context.context_id, stepIdOf, id) : undefined);
  const planId = plan?.plan_id ?? id('plan');

  const collab = files.collab ?? (spec.collab ? dslCollab(spec, context.context_id, id) : undefined);
  const confirm = spec.confirm ? dslConfirm(spec, planId, id) : undefined;

  const scripts: ExpandedFlow['scripts'] = [];
  const barriers = new Set<string>();
  for (const [name, action] of Object.entries(spec.actions ?? {})) {
    const outcome = scripted(action);
    if ((outcome.kind === 'barrier' || outcome.kind === 'effect') && outcome.barrier !== undefined) barriers.add(outcome.barrier);
    scripts.push({ stepId: stepIdOf.get(name)!, outcome });
  }

  return {
    context,
    ...(plan ? { plan } : {}),
    ...(collab ? { collab } : {}),
    ...(confirm ? { confirm } : {}),
    steps: stepEntries,
    scripts,
    barriers: [...barriers],
    names: { planId, stepId: (name) => stepIdOf.get(name), stepIds: new Set(stepEntries.map((s) => s.id)) },
  };
}

function stepNamesAndIds(spec: FlowSpec, filePlan: Plan | undefined, id: (kind: string, name?: string) => string): { name: string; id: string }[] {
  if (filePlan) return filePlan.steps.map((s, i) => ({ name: `s${i}`, id: s.step_id }));
  const steps = Object.entries(spec.plan?.steps ?? {});
  return steps.map(([name, s]) => ({ name, id: id('step', s?.id_of ?? name) }));
}

function dslPlan(spec: FlowSpec, contextId: string, stepIdOf: Map<string, string>, id: (kind: string, name?: string) => string): Plan {
  const p = spec.plan!;
  return {
    meta: META,
    plan_id: id('plan'),
    context_id: p.context === 'missing' ? id('context', 'missing') : contextId,
    title: p.title ?? spec.title,
    objective: p.objective ?? spec.description ?? spec.title,
    status: (p.status ?? 'draft') as Plan['status'],
    steps: Object.entries(p.steps ?? {}).map(([name, s]) => dslStep(name, s ?? {}, stepIdOf, id)),
  };
}

function dslStep(name: string, s: StepSpec, stepIdOf: Map<string, string>, id: (kind: string, name?: string) => string): PlanStep {
  const dependencies = [...(s.after ?? []).map((d) => stepIdOf.get(d)!), ...(s.after_unknown ?? []).map((d) => id('step', d))];
  return {
    step_id: stepIdOf.get(name)!,
    description: s.description ?? `Step ${name}`,
    status: (s.status ?? 'pending') as PlanStep['status'],
    ...(dependencies.length > 0 ? { dependencies } : {}),
    ...(s.agent_role !== undefined ? { agent_role: s.agent_role } : {}),
    ...(s.order_index !== undefined ? { order_index: s.order_index } : {}),
  };
}

function dslCollab(spec: FlowSpec, contextId: string, id: (kind: string, name?: string) => string): Collab {
  const c = spec.collab!;
  return {
    meta: META,
    collab_id: id('collab'),
    context_id: contextId,
    title: c.title ?? `${spec.title} (session)`,
    purpose: c.purpose ?? spec.title,
    mode: c.mode!,
    status: (c.status ?? 'active') as Collab['status'],
    participants: Object.entries(c.participants ?? {}).map(([name, p]) => ({
      participant_id: name,
      role_id: id('role', name),
      kind: p?.kind ?? 'agent',
      ...(p?.display_name !== undefined ? { display_name: p.display_name } : {}),
    })),
    created_at: FLOW_EPOCH,
  };
}

function dslConfirm(spec: FlowSpec, planId: string, id: (kind: string, name?: string) => string): Confirm {
  const c = spec.confirm!;
  const decisions = (c.decisions ?? []).map((d, i) => ({
    decision_id: id('decision', String(i)),
    status: d.status as 'approved' | 'rejected' | 'cancelled',
    decided_by_role: d.by ?? 'reviewer',
    decided_at: FLOW_EPOCH,
    ...(d.reason !== undefined ? { reason: d.reason } : {}),
  }));
  return {
    meta: META,
    confirm_id: id('confirm'),
    target_type: 'plan',
    target_id: planId,
    status: c.status as Confirm['status'],
    requested_by_role: 'planner',
    requested_at: FLOW_EPOCH,
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
    ...(decisions.length > 0 ? { decisions } : {}),
  };
}

/** An ExpandedFlow around ready-made objects (upstream fixtures): steps are named s0, s1, ... */
export function expandObjects(objects: { context: Context; plan: Plan; collab?: Collab }): ExpandedFlow {
  const steps = objects.plan.steps.map((s, i) => ({ name: `s${i}`, id: s.step_id }));
  const stepIdOf = new Map(steps.map((s) => [s.name, s.id]));
  return {
    context: objects.context,
    plan: objects.plan,
    ...(objects.collab ? { collab: objects.collab } : {}),
    steps,
    scripts: [],
    barriers: [],
    names: { planId: objects.plan.plan_id, stepId: (name) => stepIdOf.get(name), stepIds: new Set(steps.map((s) => s.id)) },
  };
}

/** DSL action → RecordingAEL script. */
export function scripted(action: ActionSpec): Scripted {
  if (action === 'succeed') return { kind: 'succeed' };
  if (action === 'fail') return { kind: 'fail' };
  if (hasEffects(action)) {
    const { write, remove, deliver, state, inverse, barrier, then } = action;
    return {
      kind: 'effect',
      ...(write ? { write } : {}),
      ...(remove ? { remove } : {}),
      ...(deliver ? { deliver } : {}),
      ...(state ? { state } : {}),
      ...(inverse ? { inverse } : {}),
      ...(barrier !== undefined ? { barrier } : {}),
      ...(then ? { then } : {}),
    };
  }
  if (action.barrier !== undefined) return { kind: 'barrier', barrier: action.barrier, ...(action.then ? { then: action.then } : {}) };
  if (action.fail !== undefined) return { kind: 'fail', message: action.fail };
  return { kind: 'succeed', ...(action.result !== undefined ? { result: action.result } : {}) };
}

/** True when an action declares side effects (files, a product, VSL values or an inverse). */
export function hasEffects(action: Exclude<ActionSpec, string>): boolean {
  return ['write', 'remove', 'deliver', 'state', 'inverse'].some((k) => (action as Record<string, unknown>)[k] !== undefined);
}
