// The plan of a failed flow as the HTML report draws it: each step by its flow name, the
// steps it waits for, the status the runtime reported when the flow stopped, and the latest
// status changes of the plan and its steps. Recorded in a failing result's evidence as
// `plan_dag`.

import type { Session } from '../../adapter/contract.js';
import type { ExpandedFlow } from './expand.js';
import type { FlowObjects } from './observe.js';

export interface PlanDagStep {
  name: string;
  id: string;
  /** Names of the steps this one depends on. */
  after: string[];
  /** Status the runtime reported when the flow stopped; absent when it did not report the step. */
  status?: string;
}

/** One status change from the event stream, by flow name. */
export interface PlanDagChange {
  seq?: number;
  type: string;
  /** A step name, or `plan`. */
  subject: string;
  from?: string;
  to?: string;
  reason?: string;
}

export interface PlanDag {
  plan_status?: string;
  steps: PlanDagStep[];
  /** Status changes of the plan and its steps in bus order (the latest MAX_PLAN_CHANGES). */
  changes?: PlanDagChange[];
}

export const MAX_PLAN_CHANGES = 40;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Reads the plan and the event stream once more (two adapter calls) and pairs them with the flow's registered steps. */
export async function planDag(expanded: ExpandedFlow, objects: FlowObjects, session: Pick<Session, 'events'>): Promise<PlanDag | undefined> {
  const registered = expanded.plan;
  if (!registered || registered.steps.length === 0) return undefined;
  const nameOf = new Map(expanded.steps.map((s) => [s.id, s.name]));
  nameOf.set(registered.plan_id, 'plan');
  const [final, events] = await Promise.all([objects.plan(), session.events()]);
  const statusOf = new Map((final?.steps ?? []).map((s) => [s.step_id, s.status]));
  const changes: PlanDagChange[] = [];
  for (const e of events) {
    const payload = (e as { payload?: Record<string, unknown> }).payload ?? {};
    const subject = nameOf.get(str(payload['resource_id']) ?? '');
    const [from, to] = [str(payload['from_status']), str(payload['to_status'])];
    if (subject === undefined || (from === undefined && to === undefined)) continue;
    const seq = payload['seq'];
    const reason = str(payload['reason']);
    changes.push({
      ...(typeof seq === 'number' ? { seq } : {}),
      type: str((e as { event_type?: unknown }).event_type) ?? '?',
      subject,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      ...(reason === undefined ? {} : { reason }),
    });
  }
  return {
    ...(final?.status === undefined ? {} : { plan_status: final.status }),
    steps: registered.steps.map((s) => {
      const status = statusOf.get(s.step_id);
      return {
        name: nameOf.get(s.step_id) ?? s.step_id,
        id: s.step_id,
        after: (s.dependencies ?? []).map((d) => nameOf.get(d) ?? d),
        ...(status === undefined ? {} : { status }),
      };
    }),
    changes: changes.slice(-MAX_PLAN_CHANGES),
  };
}
