// Builds the observability events of digest §5 from what happened (shapes in builders.ts),
// and emits the runtime's events: as compact log records while the seams are the defaults,
// as objects through bus.emit otherwise.

import type { GraphUpdateEvent, MAPEvent, PipelineStageEvent, RuntimeExecutionEvent, SAEvent } from '../../mplp/types.js';
import type { IdSource } from '../../mplp/ids.js';
import type { Change } from '../psg/graph.js';
import {
  graphUpdateEvent,
  mapProfileEvent,
  pipelineStageEvent,
  runtimeExecutionEvent,
  turnPayload,
  type ExecutionDetails,
  type StatusChange,
  type TurnType,
} from './builders.js';
import type { EventBus } from './bus.js';
import type { Clock } from './clock.js';
import { recordExecution, recordGraph, recordStage, recordTurn } from './records.js';

export { systemClock, type Clock } from './clock.js';
export type { ExecutionDetails, StatusChange, TurnType } from './builders.js';

// ---------------------------------------------------------------- factory

export class EventFactory {
  constructor(
    private readonly ids: IdSource,
    private readonly clock: Clock,
    readonly graphId: string,
    private readonly bus: EventBus,
  ) {}

  pipelineStage(c: StatusChange): PipelineStageEvent {
    return pipelineStageEvent(this.ids.next(), this.clock(), c);
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
    return graphUpdateEvent(this.ids.next(), this.clock(), this.graphId, change, sourceModule, projectId);
  }

  runtimeExecution(executionId: string, status: RuntimeExecutionEvent['status'], details: ExecutionDetails): RuntimeExecutionEvent {
    return runtimeExecutionEvent(this.ids.next(), this.clock(), executionId, status, details);
  }

  sa(event_type: SAEvent['event_type'], saId: string, fields: Omit<SAEvent, 'event_id' | 'event_type' | 'timestamp' | 'sa_id'>): SAEvent {
    return { event_id: this.ids.next(), event_type, timestamp: this.clock(), sa_id: saId, ...fields };
  }

  map(event_type: MAPEvent['event_type'], sessionId: string, payload: Record<string, unknown>): MAPEvent {
    return mapProfileEvent(this.ids.next(), this.clock(), event_type, sessionId, payload);
  }

  // ------------------------------------------------------------ emission
  // The runtime emits through these. While the bus's emit seam and the builder are the
  // defaults, the event goes into the log as a compact record; when either is replaced (a
  // planted fault, a test probe) the event is built as an object and handed to bus.emit.

  /** The pipeline_stage event of a plan or step status change. */
  emitStage(type: 'plan' | 'step', id: string, from: string, to: string, planId: string, contextId: string, name: string, order: number | undefined, reason: string | undefined): void {
    const bus = this.bus;
    if (bus.compact && this.pipelineStage === EventFactory.prototype.pipelineStage && recordStage(bus.log, type, id, from, to, planId, contextId, name, order, reason)) {
      bus.recorded();
      return;
    }
    const c: StatusChange = { resource_type: type, resource_id: id, from, to, plan_id: planId, context_id: contextId, name };
    if (order !== undefined) c.order = order;
    if (reason) c.reason = reason;
    bus.emit(this.pipelineStage(c));
  }

  /** runtime_execution of one AEL action: running, then completed or failed. */
  emitExecution(executionId: string, status: 'running' | 'completed' | 'failed', planId: string, stepId: string, contextId: string, role: string | undefined, error: string | undefined): void {
    const bus = this.bus;
    if (bus.compact && this.runtimeExecution === EventFactory.prototype.runtimeExecution && recordExecution(bus.log, executionId, status, planId, stepId, contextId, role, error)) {
      bus.recorded();
      return;
    }
    const details: ExecutionDetails = { plan_id: planId, step_id: stepId, context_id: contextId };
    if (role) details.agent_role = role;
    if (error) details.error = error;
    bus.emit(this.runtimeExecution(executionId, status, details));
  }

  /** MAPTurnDispatched / MAPTurnCompleted. */
  emitTurn(type: TurnType, sessionId: string, roleId: string, turn: number, stepId: string, resultStatus: 'completed' | 'failed' | undefined): void {
    const bus = this.bus;
    if (bus.compact && this.map === EventFactory.prototype.map && recordTurn(bus.log, type, sessionId, roleId, turn, stepId, resultStatus)) {
      bus.recorded();
      return;
    }
    bus.emit(this.map(type, sessionId, turnPayload(type, roleId, turn, stepId, resultStatus)));
  }

  /** graph_update of one structural batch. */
  emitGraph(change: Change, sourceModule: string, projectId: string | undefined): void {
    const bus = this.bus;
    if (bus.compact && this.graphUpdate === EventFactory.prototype.graphUpdate && recordGraph(bus.log, change, sourceModule, projectId)) {
      bus.recorded();
      return;
    }
    bus.emit(this.graphUpdate(change, sourceModule, projectId));
  }
}
