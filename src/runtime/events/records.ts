// The compact record kinds of the event log: for each, how the runtime's hot path writes it
// (record*) and how it is read back (READERS), the latter through the same builders the
// factory uses for event objects, so a record reads back exactly as the object would have
// been. An encoder answers false for anything its kind cannot hold (an unknown status, say)
// and the event is then kept as an object instead.

import type { BusEvent, RuntimeExecutionEvent } from '../../mplp/types.js';
import type { Change } from '../psg/graph.js';
import { CompactChange } from './compact-change.js';
import { graphUpdateEvent, mapProfileEvent, pipelineStageEvent, runtimeExecutionEvent, turnPayload, type ExecutionDetails, type StatusChange, type TurnType } from './builders.js';
import { SLOTS, type Chunk, type EventLog } from './log.js';

export const KIND = {
  object: 0,
  stage: 1,
  execution: 2,
  turn: 3,
  stepGraph: 4,
  bulkGraph: 5,
} as const;

/** Plan and step statuses as 4-bit codes. */
const STATUSES = ['draft', 'proposed', 'approved', 'in_progress', 'completed', 'cancelled', 'failed', 'pending', 'blocked', 'skipped'] as const;
const STATUS_CODE = new Map<string, number>(STATUSES.map((s, i) => [s, i]));
const EXECUTION_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
const EXECUTION_CODE = new Map<string, number>(EXECUTION_STATUSES.map((s, i) => [s, i]));
const TURN_RESULTS = [undefined, 'completed', 'failed'] as const;

/** Graph batches at least this large are kept as a CompactChange; smaller odd ones as objects. */
const BULK_ENTRIES = 32;

// ------------------------------------------------------------------ pipeline_stage
// str: resource_id, plan_id, context_id, name, reason; num: order;
// bits: from (4) | to (4) << 4 | step << 8 | has order << 9.

export function recordStage(log: EventLog, type: 'plan' | 'step', id: string, from: string, to: string, planId: string, contextId: string, name: string, order: number | undefined, reason: string | undefined): boolean {
  const f = STATUS_CODE.get(from), t = STATUS_CODE.get(to);
  if (f === undefined || t === undefined || (order !== undefined && (order | 0) !== order)) return false;
  const c = log.reserve(KIND.stage);
  const j = log.slot, s = j * SLOTS;
  c.bits[j] = f | (t << 4) | (type === 'step' ? 256 : 0) | (order !== undefined ? 512 : 0);
  c.num[j] = order ?? 0;
  c.str[s] = id;
  c.str[s + 1] = planId;
  c.str[s + 2] = contextId;
  c.str[s + 3] = name;
  c.str[s + 4] = reason || undefined;
  return true;
}

function readStage(log: EventLog, c: Chunk, j: number): BusEvent {
  const bits = c.bits[j]!, s = j * SLOTS;
  const change: StatusChange = {
    resource_type: bits & 256 ? 'step' : 'plan',
    resource_id: c.str[s]!,
    from: STATUSES[bits & 15]!,
    to: STATUSES[(bits >> 4) & 15]!,
    plan_id: c.str[s + 1]!,
    context_id: c.str[s + 2]!,
    name: c.str[s + 3]!,
  };
  if (bits & 512) change.order = c.num[j]!;
  const reason = c.str[s + 4];
  if (reason) change.reason = reason;
  return pipelineStageEvent(log.idOf(c, j), log.timeOf(c, j), change);
}

// ------------------------------------------------------------------ runtime_execution
// str: execution_id, plan_id, step_id, context_id, agent_role; bits: status; an error text is an extra.

export function recordExecution(log: EventLog, executionId: string, status: RuntimeExecutionEvent['status'], planId: string, stepId: string, contextId: string, role: string | undefined, error: string | undefined): boolean {
  const code = EXECUTION_CODE.get(status);
  if (code === undefined) return false;
  const c = log.reserve(KIND.execution);
  const j = log.slot, s = j * SLOTS;
  c.bits[j] = code;
  c.str[s] = executionId;
  c.str[s + 1] = planId;
  c.str[s + 2] = stepId;
  c.str[s + 3] = contextId;
  c.str[s + 4] = role || undefined;
  if (error) log.setExtra(log.length - 1, error);
  return true;
}

function readExecution(log: EventLog, c: Chunk, j: number, i: number): BusEvent {
  const s = j * SLOTS;
  const details: ExecutionDetails = { plan_id: c.str[s + 1]!, step_id: c.str[s + 2]!, context_id: c.str[s + 3]! };
  const role = c.str[s + 4];
  if (role) details.agent_role = role;
  const error = log.extra(i) as string | undefined;
  if (error) details.error = error;
  return runtimeExecutionEvent(log.idOf(c, j), log.timeOf(c, j), c.str[s]!, EXECUTION_STATUSES[c.bits[j]!]!, details);
}

// ------------------------------------------------------------------ MAP turns
// str: session_id, role_id, step_id; num: turn; bits: completed (1) | result << 1.

export function recordTurn(log: EventLog, type: TurnType, sessionId: string, roleId: string, turn: number, stepId: string, resultStatus: 'completed' | 'failed' | undefined): boolean {
  if ((turn | 0) !== turn) return false;
  const c = log.reserve(KIND.turn);
  const j = log.slot, s = j * SLOTS;
  c.bits[j] = (type === 'MAPTurnCompleted' ? 1 : 0) | (TURN_RESULTS.indexOf(resultStatus) << 1);
  c.num[j] = turn;
  c.str[s] = sessionId;
  c.str[s + 1] = roleId;
  c.str[s + 2] = stepId;
  return true;
}

function readTurn(log: EventLog, c: Chunk, j: number): BusEvent {
  const bits = c.bits[j]!, s = j * SLOTS;
  const type: TurnType = bits & 1 ? 'MAPTurnCompleted' : 'MAPTurnDispatched';
  return mapProfileEvent(log.idOf(c, j), log.timeOf(c, j), type, c.str[s]!, turnPayload(type, c.str[s + 1]!, c.num[j]!, c.str[s + 2]!, TURN_RESULTS[bits >> 1]));
}

// ------------------------------------------------------------------ graph_update
// A finished step's batch (its update, its trace segment and the segment's edge) is one
// record; other large batches keep their change as a CompactChange extra.
// stepGraph str: step_id, segment_id, trace_id, project_id, source_module.
// bulkGraph str: source_module, project_id.

function isStepGraph(change: Change): boolean {
  const { nodes, edges } = change;
  if (nodes.length !== 2 || edges.length !== 1 || change.nodeDelta !== 1 || change.edgeDelta !== 1) return false;
  const [step, segment] = nodes as [Change['nodes'][0], Change['nodes'][0]];
  const edge = edges[0]!;
  return step.type === 'step' && step.op === 'update' && segment.type === 'segment' && segment.op === 'add' &&
    edge.type === 'segment_trace' && edge.op === 'add' && edge.from === segment.id;
}

export function recordGraph(log: EventLog, change: Change, sourceModule: string, projectId: string | undefined): boolean {
  if (isStepGraph(change)) {
    const c = log.reserve(KIND.stepGraph);
    const j = log.slot, s = j * SLOTS;
    c.str[s] = change.nodes[0]!.id;
    c.str[s + 1] = change.nodes[1]!.id;
    c.str[s + 2] = change.edges[0]!.to;
    c.str[s + 3] = projectId || undefined;
    c.str[s + 4] = sourceModule;
    return true;
  }
  if (change.nodes.length + change.edges.length < BULK_ENTRIES) return false;
  const compact = CompactChange.of(change);
  if (!compact) return false;
  const c = log.reserve(KIND.bulkGraph);
  const j = log.slot, s = j * SLOTS;
  c.str[s] = sourceModule;
  c.str[s + 1] = projectId || undefined;
  log.setExtra(log.length - 1, compact);
  return true;
}

function readStepGraph(log: EventLog, c: Chunk, j: number): BusEvent {
  const s = j * SLOTS;
  const segment = c.str[s + 1]!;
  const change: Change = {
    nodes: [{ type: 'step', id: c.str[s]!, op: 'update' }, { type: 'segment', id: segment, op: 'add' }],
    edges: [{ from: segment, to: c.str[s + 2]!, type: 'segment_trace', op: 'add' }],
    nodeDelta: 1,
    edgeDelta: 1,
  };
  return graphUpdateEvent(log.idOf(c, j), log.timeOf(c, j), log.graphId, change, c.str[s + 4]!, c.str[s + 3]);
}

function readBulkGraph(log: EventLog, c: Chunk, j: number, i: number): BusEvent {
  const s = j * SLOTS;
  const change = (log.extra(i) as CompactChange).expand();
  return graphUpdateEvent(log.idOf(c, j), log.timeOf(c, j), log.graphId, change, c.str[s]!, c.str[s + 1]);
}

// ------------------------------------------------------------------ reading

type Reader = (log: EventLog, chunk: Chunk, offset: number, index: number) => BusEvent;

/** How each kind reads back, indexed by KIND (object records are copied instead, so a reader cannot change history). */
const READERS: readonly (Reader | undefined)[] = [undefined, readStage, readExecution, readTurn, readStepGraph, readBulkGraph];

/** Record i as its event object, numbered (payload.seq) as it was emitted. */
export function readRecord(log: EventLog, i: number, copy: (e: BusEvent) => BusEvent): BusEvent {
  const chunk = log.chunkOf(i);
  const j = log.offsetOf(i);
  const kind = chunk.kind[j]!;
  if (kind === KIND.object) return copy(log.object(i)!);
  const event = READERS[kind]!(log, chunk, j, i);
  (event.payload ??= {})['seq'] = log.seqOf(i);
  return event;
}
