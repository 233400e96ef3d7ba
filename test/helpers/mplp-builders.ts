// Small builders for valid MPLP objects with deterministic v4 ids, a runtime factory with a
// deterministic clock and id source, and the event audit every runtime test ends with.

import { expect } from 'vitest';
import { nameToUuidV4, seededIds } from '../../src/mplp/ids.js';
import type {
  BusEvent,
  Collab,
  CollabStatus,
  Confirm,
  ConfirmStatus,
  Context,
  ContextStatus,
  Meta,
  Plan,
  PlanStatus,
  PlanStep,
  SegmentStatus,
  Trace,
  TraceStatus,
} from '../../src/mplp/types.js';
import { validate } from '../../src/mplp/validate.js';
import { InMemoryVSL } from '../../src/runtime/vsl/in-memory.js';
import { L3Runtime, type RuntimeOptions } from '../../src/runtime/runtime.js';

const NAMESPACE = 'mplp-conformance/runtime-tests';
const EPOCH = Date.UTC(2025, 0, 1);

export const META: Meta = { protocol_version: '1.0.0', schema_version: '1.0.0' };

/** Deterministic lowercase v4 id for a named test object. */
export function idFor(kind: string, name: string): string {
  return nameToUuidV4(NAMESPACE, `${kind}:${name}`);
}

export function stepIdFor(planName: string, stepName: string): string {
  return idFor('step', `${planName}/${stepName}`);
}

/** A clock that ticks one millisecond per reading from a fixed epoch. */
export function testClock(): () => string {
  let tick = 0;
  return () => new Date(EPOCH + tick++).toISOString();
}

export function buildContext(name: string, status: ContextStatus = 'active'): Context {
  return {
    meta: META,
    context_id: idFor('context', name),
    root: { domain: 'testing', environment: 'unit' },
    title: `context ${name}`,
    status,
  };
}

export interface StepSpec {
  name: string;
  /** Names of other steps of the same plan. */
  deps?: string[];
  order_index?: number;
  agent_role?: string;
}

/** A plan whose steps are named; dependencies are given by step name. */
export function buildPlan(name: string, context: Context, steps: (string | StepSpec)[], status: PlanStatus = 'draft'): Plan {
  const specs = steps.map((s) => (typeof s === 'string' ? { name: s } : s));
  return {
    meta: META,
    plan_id: idFor('plan', name),
    context_id: context.context_id,
    title: `plan ${name}`,
    objective: `objective of ${name}`,
    status,
    steps: specs.map((s): PlanStep => ({
      step_id: stepIdFor(name, s.name),
      description: `step ${s.name}`,
      status: 'pending',
      ...(s.deps ? { dependencies: s.deps.map((d) => stepIdFor(name, d)) } : {}),
      ...(s.order_index !== undefined ? { order_index: s.order_index } : {}),
      ...(s.agent_role !== undefined ? { agent_role: s.agent_role } : {}),
    })),
  };
}

/** s0 ← s1 ← … ← s(n-1): each step depends on the previous one. */
export function chainSpecs(n: number): StepSpec[] {
  return Array.from({ length: n }, (_, i) => (i === 0 ? { name: 's0' } : { name: `s${i}`, deps: [`s${i - 1}`] }));
}

export function buildConfirm(
  name: string,
  target: { type: Confirm['target_type']; id: string },
  status: ConfirmStatus = 'pending',
): Confirm {
  return {
    meta: META,
    confirm_id: idFor('confirm', name),
    target_type: target.type,
    target_id: target.id,
    status,
    requested_by_role: 'tester',
    requested_at: new Date(EPOCH).toISOString(),
    ...(status === 'pending'
      ? {}
      : { decisions: [{ decision_id: idFor('decision', name), status, decided_by_role: 'reviewer', decided_at: new Date(EPOCH + 1).toISOString() }] }),
  };
}

export function buildTrace(
  name: string,
  context: Context,
  options: { status?: TraceStatus; planId?: string; segments?: { name: string; status: SegmentStatus }[] } = {},
): Trace {
  const trace_id = idFor('trace', name);
  return {
    meta: META,
    trace_id,
    context_id: context.context_id,
    ...(options.planId ? { plan_id: options.planId } : {}),
    root_span: { trace_id, span_id: idFor('span', name) },
    status: options.status ?? 'pending',
    ...(options.segments
      ? { segments: options.segments.map((s) => ({ segment_id: idFor('segment', `${name}/${s.name}`), label: s.name, status: s.status })) }
      : {}),
  };
}

export function buildCollab(name: string, context: Context, status: CollabStatus = 'active', participants = ['alpha', 'beta']): Collab {
  return {
    meta: META,
    collab_id: idFor('collab', name),
    context_id: context.context_id,
    title: `collab ${name}`,
    purpose: 'test orchestration',
    mode: 'orchestrated',
    status,
    participants: participants.map((p) => ({ participant_id: p, role_id: idFor('role', p), kind: 'agent' as const })),
    created_at: new Date(EPOCH).toISOString(),
  };
}

// ------------------------------------------------------------------ runtimes and the event audit

let runtimeSeed = 0;
const pendingAudit: (() => readonly BusEvent[])[] = [];

/** A runtime with a deterministic clock and ids whose events the end-of-test audit checks. */
export function newRuntime(options: RuntimeOptions = {}): L3Runtime {
  const rt = new L3Runtime({ ids: seededIds(`runtime-test-${runtimeSeed++}`), clock: testClock(), vsl: new InMemoryVSL(), ...options });
  pendingAudit.push(() => rt.events());
  return rt;
}

/** Events produced outside newRuntime (e.g. runSingleAgentFlow) join the audit here. */
export function auditEvents(events: readonly BusEvent[]): void {
  pendingAudit.push(() => events);
}

/**
 * Every event of every runtime made since the last audit must validate as an event and
 * carry a strictly increasing bus sequence number. Call from afterEach.
 */
export function expectAuditedEventsValid(): void {
  const problems: string[] = [];
  for (const source of pendingAudit.splice(0)) {
    let lastSeq = 0;
    for (const e of source()) {
      const r = validate('event', e);
      if (!r.ok) problems.push(`${e.event_type} ${e.event_id}: ${JSON.stringify(r.errors)}`);
      const seq = (e.payload as Record<string, unknown> | undefined)?.['seq'];
      if (typeof seq !== 'number' || seq <= lastSeq) problems.push(`${e.event_type} ${e.event_id}: seq ${String(seq)} after ${lastSeq}`);
      else lastSeq = seq;
      if (problems.length > 20) break;
    }
  }
  expect(problems).toEqual([]);
}

/** Everything a rejected request must leave untouched: PSG export, event log and VSL contents. */
export async function observableState(rt: L3Runtime): Promise<string> {
  const vsl = rt.vsl as { keys?: () => string[]; get(key: string): Promise<unknown> };
  if (typeof vsl.keys !== 'function') throw new Error('observableState needs a VSL with keys()');
  const keys = vsl.keys().slice().sort();
  const values: [string, unknown][] = [];
  for (const k of keys) values.push([k, await vsl.get(k)]);
  return JSON.stringify({ graph: rt.graph(), events: rt.events(), vsl: values });
}

export type PipelineStage = BusEvent & { payload: Record<string, unknown> };

/** pipeline_stage events that report a plan or step status change (not pause/resume). */
export function statusChanges(events: readonly BusEvent[]): PipelineStage[] {
  return events.filter(
    (e): e is PipelineStage =>
      (e as { event_family?: string }).event_family === 'pipeline_stage' && typeof e.payload?.['from_status'] === 'string',
  );
}

/** Events of one family, typed as the caller expects them (e.g. GraphUpdateEvent). */
export function ofFamily<T = BusEvent>(events: readonly BusEvent[], family: string): T[] {
  return events.filter((e) => (e as { event_family?: string }).event_family === family) as unknown as T[];
}
