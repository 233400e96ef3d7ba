// Builds the observability events of digest §5 from what happened. The mapping of
// plan/step status changes onto pipeline_stage fields is the table of digest §5.3 [KIT].

import type {
  GraphUpdateEvent,
  GraphUpdateKind,
  PipelineStageEvent,
  RuntimeExecutionEvent,
  SAEvent,
} from '../../mplp/types.js';
import type { IdSource } from '../../mplp/ids.js';
import { stageStatusFor, STEP_EVENT_TYPE } from '../../mplp/pipeline-stage.js';
import type { Change } from '../psg/graph.js';

export type Clock = () => string;
export const systemClock: Clock = () => new Date().toISOString();

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

export class EventFactory {
  constructor(
    private readonly ids: IdSource,
    private readonly clock: Clock,
    readonly graphId: string,
  ) {}

  pipelineStage(c: StatusChange): PipelineStageEvent {
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
      event_id: this.ids.next(),
      event_type: c.resource_type === 'step' ? STEP_EVENT_TYPE[c.to] ?? 'PipelineStageChanged' : 'plan_status_changed',
      event_family: 'pipeline_stage',
      timestamp: this.clock(),
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

  /** WorkflowPaused / WorkflowResumed (digest §3.9 [KIT]). */
  workflow(paused: boolean, planId: string, contextId: string, title: string): PipelineStageEvent {
    return {
      event_id: this.ids.next(),
      event_type: paused ? 'WorkflowPaused' : 'WorkflowResumed',
      event_family: 'pipeline_stage',
      timestamp: this.clock(),
      project_id: contextId,
      pipeline_id: planId,
      stage_id: planId,
      stage_name: title,
      stage_status: 'pending',
      payload: { resource_type: 'plan', resource_id: planId, paused, plan_id: planId, context_id: contextId },
    };
  }

  /** One event per structural batch; a batch of one kind uses that kind, a mixed one `bulk`. */
  graphUpdate(change: Change, sourceModule: string, projectId?: string): GraphUpdateEvent {
    const kinds = new Set<GraphUpdateKind>();
    for (const n of change.nodes) kinds.add(`node_${n.op}` as GraphUpdateKind);
    for (const e of change.edges) kinds.add(`edge_${e.op}` as GraphUpdateKind);
    const update_kind: GraphUpdateKind = kinds.size === 1 ? [...kinds][0]! : 'bulk';
    const event: GraphUpdateEvent = {
      event_id: this.ids.next(),
      event_type: `psg_${update_kind}`,
      event_family: 'graph_update',
      timestamp: this.clock(),
      graph_id: this.graphId,
      update_kind,
      node_delta: change.nodeDelta,
      edge_delta: change.edgeDelta,
      source_module: sourceModule,
      payload: { nodes: change.nodes, edges: change.edges },
    };
    if (projectId) event.project_id = projectId;
    return event;
  }

  runtimeExecution(
    executionId: string,
    status: RuntimeExecutionEvent['status'],
    details: { plan_id: string; step_id: string; context_id: string; agent_role?: string; error?: string },
  ): RuntimeExecutionEvent {
    const event: RuntimeExecutionEvent = {
      event_id: this.ids.next(),
      event_type: status === 'running' ? 'execution_started' : `execution_${status}`,
      event_family: 'runtime_execution',
      timestamp: this.clock(),
      project_id: details.context_id,
      execution_id: executionId,
      executor_kind: 'agent',
      status,
      payload: { plan_id: details.plan_id, step_id: details.step_id, ...(details.error ? { error: details.error } : {}) },
    };
    if (details.agent_role) event.executor_role = details.agent_role;
    return event;
  }

  sa(event_type: SAEvent['event_type'], saId: string, fields: Omit<SAEvent, 'event_id' | 'event_type' | 'timestamp' | 'sa_id'>): SAEvent {
    return { event_id: this.ids.next(), event_type, timestamp: this.clock(), sa_id: saId, ...fields };
  }
}
