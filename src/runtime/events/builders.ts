// The JSON shape of each event the runtime builds, written once: the factory builds event
// objects with these, and the event log reads compact records back through them, so both give
// the same fields in the same order. The mapping of plan/step status changes onto
// pipeline_stage fields is the table of digest §5.3 [KIT].

import type { GraphUpdateEvent, GraphUpdateKind, MAPEvent, PipelineStageEvent, RuntimeExecutionEvent } from '../../mplp/types.js';
import { stageStatusFor, STEP_EVENT_TYPE } from '../../mplp/pipeline-stage.js';
import type { Change } from '../psg/graph.js';

export interface StatusChange {
  resource_type: 'plan' | 'step';
  resource_id: string;
  from: string;
  to: string;
  plan_id: string;
  context_id: string;
  /** Step description or plan title. */
  name: string;
  order?: number;
  reason?: string;
}

export interface ExecutionDetails {
  plan_id: string;
  step_id: string;
  context_id: string;
  agent_role?: string;
  error?: string;
}

export type TurnType = 'MAPTurnDispatched' | 'MAPTurnCompleted';

export function pipelineStageEvent(event_id: string, timestamp: string, c: StatusChange): PipelineStageEvent {
  const payload: Record<string, unknown> = {
    resource_type: c.resource_type,
    resource_id: c.resource_id,
    from_status: c.from,
    to_status: c.to,
    plan_id: c.plan_id,
    context_id: c.context_id,
  };
  if (c.reason) payload['reason'] = c.reason;
  const event: PipelineStageEvent = {
    event_id,
    event_type: c.resource_type === 'step' ? STEP_EVENT_TYPE[c.to] ?? 'PipelineStageChanged' : 'plan_status_changed',
    event_family: 'pipeline_stage',
    timestamp,
    project_id: c.context_id,
    pipeline_id: c.plan_id,
    stage_id: c.resource_id,
    stage_name: c.name,
    stage_status: stageStatusFor(c.from, c.to) ?? 'pending',
    payload,
  };
  if (c.resource_type === 'step' && c.order !== undefined) event.stage_order = c.order;
  return event;
}

const NODE_KIND: Readonly<Record<string, GraphUpdateKind>> = { add: 'node_add', update: 'node_update', delete: 'node_delete' };
const EDGE_KIND: Readonly<Record<string, GraphUpdateKind>> = { add: 'edge_add', update: 'edge_update', delete: 'edge_delete' };

/** One event per structural batch; a batch of one kind of change uses that kind, any other `bulk`. */
export function graphUpdateEvent(event_id: string, timestamp: string, graphId: string, change: Change, sourceModule: string, projectId?: string): GraphUpdateEvent {
  let kind: GraphUpdateKind | undefined;
  let mixed = false;
  for (const n of change.nodes) {
    const k = NODE_KIND[n.op] ?? (`node_${n.op}` as GraphUpdateKind);
    if (kind === undefined) kind = k;
    else if (k !== kind) mixed = true;
  }
  for (const e of change.edges) {
    const k = EDGE_KIND[e.op] ?? (`edge_${e.op}` as GraphUpdateKind);
    if (kind === undefined) kind = k;
    else if (k !== kind) mixed = true;
  }
  const update_kind: GraphUpdateKind = kind === undefined || mixed ? 'bulk' : kind;
  const event: GraphUpdateEvent = {
    event_id,
    event_type: `psg_${update_kind}`,
    event_family: 'graph_update',
    timestamp,
    graph_id: graphId,
    update_kind,
    node_delta: change.nodeDelta,
    edge_delta: change.edgeDelta,
    source_module: sourceModule,
    payload: { nodes: change.nodes, edges: change.edges },
  };
  if (projectId) event.project_id = projectId;
  return event;
}

export function runtimeExecutionEvent(
  event_id: string,
  timestamp: string,
  executionId: string,
  status: RuntimeExecutionEvent['status'],
  details: ExecutionDetails,
): RuntimeExecutionEvent {
  const event: RuntimeExecutionEvent = {
    event_id,
    event_type: status === 'running' ? 'execution_started' : `execution_${status}`,
    event_family: 'runtime_execution',
    timestamp,
    project_id: details.context_id,
    execution_id: executionId,
    executor_kind: 'agent',
    status,
    payload: { plan_id: details.plan_id, step_id: details.step_id, ...(details.error ? { error: details.error } : {}) },
  };
  if (details.agent_role) event.executor_role = details.agent_role;
  return event;
}

export function mapProfileEvent(event_id: string, timestamp: string, event_type: MAPEvent['event_type'], sessionId: string, payload: Record<string, unknown>): MAPEvent {
  return { event_id, event_type, timestamp, session_id: sessionId, payload };
}

/** A MAP turn's payload: who, which turn, which step, and on completion how it ended. */
export function turnPayload(type: TurnType, roleId: string, turn: number, stepId: string, resultStatus?: string): Record<string, unknown> {
  return type === 'MAPTurnDispatched'
    ? { role_id: roleId, turn_number: turn, step_id: stepId }
    : { role_id: roleId, turn_number: turn, step_id: stepId, result: { status: resultStatus } };
}
