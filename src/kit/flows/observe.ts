// What a flow looks at in a session: the PSG export and event stream (for "unchanged"
// comparisons), the objects behind flow names, and the plan's trace and Confirm, which the
// runtime creates and the flow only finds through the PSG.

import { isDeepStrictEqual } from 'node:util';
import type { GraphExport, ObjectRef, Session } from '../../adapter/contract.js';
import type { BusEvent, Confirm, Plan, Trace } from '../../mplp/types.js';
import { nodeKind } from '../psg-names.js';
import type { ExpandedFlow } from './expand.js';

/** A harness or adapter problem (not a verdict on the runtime): the check ends `error`. */
export class HarnessError extends Error {
  override name = 'HarnessError';
}

export interface StateCapture {
  graph: GraphExport;
  events: BusEvent[];
}

export async function captureState(session: Session): Promise<StateCapture> {
  const [graph, events] = await Promise.all([session.graph(), session.events()]);
  return structuredClone({ graph, events });
}

/** Human-readable difference between two captures, with the events that appeared. */
export function stateDifference(before: StateCapture, after: StateCapture): { summary: string[]; newEvents: BusEvent[] } | undefined {
  const summary: string[] = [];
  const beforeNodes = new Map(before.graph.nodes.map((n) => [`${n.type}:${n.id}`, n]));
  const afterNodes = new Map(after.graph.nodes.map((n) => [`${n.type}:${n.id}`, n]));
  for (const [key, n] of afterNodes) {
    const old = beforeNodes.get(key);
    if (!old) summary.push(`node added ${key}`);
    else if (!isDeepStrictEqual(old, n)) summary.push(`node ${key} changed ${old.status ?? ''} → ${n.status ?? ''}`);
  }
  for (const key of beforeNodes.keys()) if (!afterNodes.has(key)) summary.push(`node removed ${key}`);
  const edgeKey = (e: { from: string; to: string; type: string }) => `${e.type}:${e.from}→${e.to}`;
  const beforeEdges = new Set(before.graph.edges.map(edgeKey));
  const afterEdges = new Set(after.graph.edges.map(edgeKey));
  for (const e of afterEdges) if (!beforeEdges.has(e)) summary.push(`edge added ${e}`);
  for (const e of beforeEdges) if (!afterEdges.has(e)) summary.push(`edge removed ${e}`);
  const newEvents = after.events.slice(before.events.length);
  const prefixKept = isDeepStrictEqual(before.events, after.events.slice(0, before.events.length));
  if (!prefixKept) summary.push('earlier events were rewritten or removed');
  if (newEvents.length > 0) summary.push(`${newEvents.length} new event(s)`);
  return summary.length === 0 ? undefined : { summary, newEvents };
}

/** Looks objects up by flow name. */
export class FlowObjects {
  constructor(
    private readonly session: Session,
    private readonly expanded: ExpandedFlow,
  ) {}

  get planId(): string {
    return this.expanded.names.planId;
  }

  /** The ObjectRef of a target (`plan`, `context`, `collab`, `confirm`, `trace`, `step:<name>`). */
  async ref(target: string): Promise<ObjectRef> {
    const { expanded } = this;
    if (target === 'plan') return { type: 'plan', id: this.planId };
    if (target === 'context') return { type: 'context', id: expanded.context.context_id };
    if (target === 'collab') {
      if (!expanded.collab) throw new HarnessError('the flow has no collab');
      return { type: 'collab', id: expanded.collab.collab_id };
    }
    if (target.startsWith('step:')) {
      const id = expanded.names.stepId(target.slice(5));
      if (!id) throw new HarnessError(`unknown step ${target}`);
      return { type: 'step', id };
    }
    if (target === 'trace') {
      const trace = await this.trace();
      if (!trace) throw new HarnessError(`the runtime's PSG holds no trace for plan ${this.planId}`);
      return { type: 'trace', id: trace.trace_id };
    }
    if (target === 'confirm') {
      const confirm = await this.confirm();
      if (!confirm) throw new HarnessError(`the runtime's PSG holds no Confirm targeting plan ${this.planId}`);
      return { type: 'confirm', id: confirm.confirm_id };
    }
    throw new HarnessError(`unknown target ${target}`);
  }

  async get<T = Record<string, unknown>>(ref: ObjectRef): Promise<T | undefined> {
    return (await this.session.get(ref)) as T | undefined;
  }

  async plan(): Promise<Plan | undefined> {
    return this.get<Plan>({ type: 'plan', id: this.planId });
  }

  /** Current status of a target (steps are read from their plan, the MPLP shape). */
  async status(target: string): Promise<string | undefined> {
    if (target.startsWith('step:')) {
      const id = this.expanded.names.stepId(target.slice(5));
      return (await this.plan())?.steps.find((s) => s.step_id === id)?.status;
    }
    const ref = await this.ref(target);
    return (await this.get<{ status?: string }>(ref))?.status;
  }

  /** Objects of one kind (contract ObjectType; the export may spell it TraceNode, TRACE, …) that satisfy a predicate. */
  private async find<T>(type: ObjectRef['type'], keep: (o: T) => boolean): Promise<T[]> {
    const graph = await this.session.graph();
    const out: T[] = [];
    for (const n of graph.nodes.filter((n) => nodeKind(n.type) === type)) {
      const o = await this.get<T>({ type, id: n.id });
      if (o && keep(o)) out.push(o);
    }
    return out;
  }

  /** The trace bound to the flow's plan, if the runtime keeps one (it may create it late: digest §3.4). */
  async trace(): Promise<Trace | undefined> {
    const traces = await this.find<Trace>('trace', (t) => t.plan_id === this.planId);
    return traces[0];
  }

  /**
   * The flow's declared Confirm, else the plan's current Confirm: a runtime may open one per
   * review round (digest §3.5), so the open (pending) one if any, else the latest decided.
   */
  async confirm(): Promise<Confirm | undefined> {
    if (this.expanded.confirm) return this.get<Confirm>({ type: 'confirm', id: this.expanded.confirm.confirm_id });
    return currentConfirm(await this.confirms());
  }

  /** Every Confirm targeting the flow's plan (one per review round, or one for all rounds). */
  async confirms(): Promise<Confirm[]> {
    if (this.expanded.confirm) {
      const declared = await this.get<Confirm>({ type: 'confirm', id: this.expanded.confirm.confirm_id });
      const others = await this.find<Confirm>('confirm', (c) => c.target_id === this.planId && c.confirm_id !== this.expanded.confirm!.confirm_id);
      return [...(declared ? [declared] : []), ...others];
    }
    return this.find<Confirm>('confirm', (c) => c.target_id === this.planId);
  }
}

/** Of several Confirms of one target: the pending one, else the one decided (or requested) last. */
export function currentConfirm(confirms: readonly Confirm[]): Confirm | undefined {
  const pending = confirms.filter((c) => c.status === 'pending');
  const pool = pending.length > 0 ? pending : confirms;
  const when = (c: Confirm) => Math.max(Date.parse(c.decisions?.at(-1)?.decided_at ?? '') || 0, Date.parse(c.requested_at) || 0);
  let best: Confirm | undefined;
  for (const c of pool) if (!best || when(c) >= when(best)) best = c;
  return best;
}
