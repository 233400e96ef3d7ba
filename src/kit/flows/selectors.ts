// Event selectors and count comparisons of the flow DSL. Status changes are matched on
// event_family + payload.resource_id / to_status (digest §5.3), never on event_type names;
// SA and MAP profile events, which have no family, are matched on their enum event_type.

import { EVENT_FAMILIES, MAP_EVENT_TYPES, SA_EVENT_TYPES, type BusEvent } from '../../mplp/types.js';
import type { Count } from './spec.js';

export type Selector =
  /** Every event of an observability family, e.g. `graph_update`; for `pipeline_stage`, only
   *  the events about the flow's plan and its steps (see `aboutFlowPlan`). */
  | { kind: 'family'; family: string }
  /** An SA/MAP event type, optionally for one step (`SAStepStarted:a`). */
  | { kind: 'profile'; eventType: string; step?: string }
  /** Pause (`paused`) or resume (`resumed`) pipeline_stage events (digest §3.9). */
  | { kind: 'pause'; paused: boolean }
  /** A status change: `plan.completed`, `a.in_progress`, `*.in_progress` (any step), `a.*` (any change of a). */
  | { kind: 'status'; resource: string; status: string };

const FAMILIES: ReadonlySet<string> = new Set(EVENT_FAMILIES);
const PROFILE_TYPES: ReadonlySet<string> = new Set<string>([...SA_EVENT_TYPES, ...MAP_EVENT_TYPES]);

export function parseSelector(text: string): { ok: true; selector: Selector } | { ok: false; message: string } {
  const s = text.trim();
  if (FAMILIES.has(s)) return { ok: true, selector: { kind: 'family', family: s } };
  if (s === 'paused' || s === 'resumed') return { ok: true, selector: { kind: 'pause', paused: s === 'paused' } };
  const profile = /^([A-Za-z]+)(?::([A-Za-z][A-Za-z0-9_]*))?$/.exec(s);
  if (profile && PROFILE_TYPES.has(profile[1]!)) {
    return { ok: true, selector: { kind: 'profile', eventType: profile[1]!, ...(profile[2] ? { step: profile[2] } : {}) } };
  }
  const status = /^(\*|[A-Za-z][A-Za-z0-9_]*)\.(\*|[a-z_]+)$/.exec(s);
  if (status) return { ok: true, selector: { kind: 'status', resource: status[1]!, status: status[2]! } };
  return {
    ok: false,
    message: `"${text}" is not an event selector (use an event family, an SA/MAP event type[:step], paused, resumed, or <plan|step|*>.<status|*>)`,
  };
}

/** Maps flow names to the ids the runtime sees. */
export interface NameResolver {
  planId: string;
  stepId(name: string): string | undefined;
  /** Every step id of the flow's plan. */
  stepIds: ReadonlySet<string>;
}

function payloadOf(e: BusEvent): Record<string, unknown> {
  const p = (e as { payload?: unknown }).payload;
  return p && typeof p === 'object' ? (p as Record<string, unknown>) : {};
}

export function familyOf(e: BusEvent): string | undefined {
  const f = (e as { event_family?: unknown }).event_family;
  return typeof f === 'string' ? f : undefined;
}

/** True for a pipeline_stage event that reports a plan/step status change (not pause/resume). */
export function isStatusChange(e: BusEvent): boolean {
  const p = payloadOf(e);
  return familyOf(e) === 'pipeline_stage' && typeof p['resource_id'] === 'string' && typeof p['to_status'] === 'string';
}

/**
 * WorkflowPaused / WorkflowResumed (SEED-ORCH; digest §3.9): a pipeline_stage event with
 * payload.paused, or named by its event_type (the seed's name) when the payload says nothing.
 */
export function isPauseEvent(e: BusEvent, paused: boolean): boolean {
  if (familyOf(e) !== 'pipeline_stage') return false;
  const flag = payloadOf(e)['paused'];
  if (typeof flag === 'boolean') return flag === paused;
  return e.event_type === (paused ? 'WorkflowPaused' : 'WorkflowResumed');
}

export function statusChangeOf(e: BusEvent): { resource: string; from: string; to: string } | undefined {
  if (!isStatusChange(e)) return undefined;
  const p = payloadOf(e);
  return { resource: p['resource_id'] as string, from: String(p['from_status']), to: p['to_status'] as string };
}

/**
 * A pipeline_stage event about the flow's plan or one of its steps (payload.resource_id,
 * digest §5.3). Confirm, Context, Collab and Core may emit pipeline_stage too (digest §5.1),
 * so counts and orders of pipeline_stage are kept to the resources they are about; events
 * of other resources are judged by their own rules (envelope, invariants).
 */
export function aboutFlowPlan(e: BusEvent, names: NameResolver): boolean {
  const id = payloadOf(e)['resource_id'];
  return familyOf(e) === 'pipeline_stage' && typeof id === 'string' && (id === names.planId || names.stepIds.has(id));
}

export function matches(sel: Selector, e: BusEvent, names: NameResolver): boolean {
  switch (sel.kind) {
    case 'family':
      return sel.family === 'pipeline_stage' ? aboutFlowPlan(e, names) : familyOf(e) === sel.family;
    case 'profile': {
      if (familyOf(e) !== undefined || e.event_type !== sel.eventType) return false;
      return sel.step === undefined || payloadOf(e)['step_id'] === names.stepId(sel.step);
    }
    case 'pause':
      return isPauseEvent(e, sel.paused) && (payloadOf(e)['resource_id'] ?? (e as { pipeline_id?: unknown }).pipeline_id) === names.planId;
    case 'status': {
      const change = statusChangeOf(e);
      if (!change) return false;
      if (sel.status !== '*' && change.to !== sel.status) return false;
      if (sel.resource === '*') return names.stepIds.has(change.resource);
      const id = sel.resource === 'plan' ? names.planId : names.stepId(sel.resource);
      return change.resource === id;
    }
  }
}

// ---------------------------------------------------------------- counts

export type Comparator = '==' | '>=' | '<=' | '>' | '<';

export interface CountExpr {
  op: Comparator;
  operand: number | 'limit' | 'executed';
}

export interface CountEnv {
  /** The session's concurrency limit. */
  limit: number;
  /** Number of AEL calls so far. */
  executed: number;
}

export function parseCount(c: Count): CountExpr {
  if (typeof c === 'number') return { op: '==', operand: c };
  const m = /^\s*(==|>=|<=|>|<)?\s*([0-9]+|limit|executed)\s*$/.exec(c);
  if (!m) throw new Error(`internal: count ${JSON.stringify(c)} passed the schema but does not parse`);
  const operand = m[2] === 'limit' || m[2] === 'executed' ? m[2] : Number(m[2]);
  return { op: (m[1] as Comparator | undefined) ?? '==', operand };
}

export function countHolds(expr: CountExpr, actual: number, env: CountEnv): boolean {
  const n = typeof expr.operand === 'number' ? expr.operand : env[expr.operand];
  switch (expr.op) {
    case '==':
      return actual === n;
    case '>=':
      return actual >= n;
    case '<=':
      return actual <= n;
    case '>':
      return actual > n;
    case '<':
      return actual < n;
  }
}

export function formatCount(expr: CountExpr, env?: CountEnv): string {
  const operand = typeof expr.operand === 'number' ? String(expr.operand) : env ? `${expr.operand} (${env[expr.operand]})` : expr.operand;
  return expr.op === '==' ? operand : `${expr.op} ${operand}`;
}
