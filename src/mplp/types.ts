// TypeScript shapes of the MPLP v1.0 objects and events an L3 runtime touches.
// They mirror our JSON Schemas in /schemas (digest §1–§5); the schemas are the authority.

export type PlanStatus = 'draft' | 'proposed' | 'approved' | 'in_progress' | 'completed' | 'cancelled' | 'failed';
export type StepStatus = 'pending' | 'in_progress' | 'completed' | 'blocked' | 'skipped' | 'failed';
export type ContextStatus = 'draft' | 'active' | 'suspended' | 'archived' | 'closed';
export type TraceStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
export type SegmentStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'skipped';
export type ConfirmStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';
export type DecisionStatus = 'approved' | 'rejected' | 'cancelled';
export type CollabStatus = 'draft' | 'active' | 'suspended' | 'completed' | 'cancelled';

/** Objects whose status the L2 tables govern. */
export type LifecycleObject = 'plan' | 'step' | 'context' | 'trace' | 'segment' | 'confirm' | 'collab';

export interface Meta {
  protocol_version: string;
  schema_version: string;
  created_at?: string;
  created_by?: string;
  updated_at?: string;
  updated_by?: string;
  tags?: string[];
  cross_cutting?: string[];
}

export interface TraceBase {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  context_id?: string;
  attributes?: Record<string, unknown>;
}

/** Module-embedded event (common/events): dot-lowercase event_type, no extra keys. */
export interface BaseEvent {
  event_id: string;
  event_type: string;
  source: string;
  timestamp: string;
  trace_id?: string;
  data?: Record<string, unknown> | null;
}

export interface Governance {
  lifecyclePhase?: string;
  truthDomain?: string;
  locked?: boolean;
  lastConfirmRef?: { id: string; module: string; description?: string };
}

export interface Context {
  meta: Meta;
  governance?: Governance;
  context_id: string;
  root: { domain: string; environment: string; entry_point?: string; [k: string]: unknown };
  title: string;
  summary?: string;
  status: ContextStatus;
  tags?: string[];
  language?: string;
  owner_role?: string;
  constraints?: Record<string, unknown>;
  created_at?: string;
  updated_at?: string;
  trace?: TraceBase;
  events?: BaseEvent[];
}

export interface PlanStep {
  step_id: string;
  description: string;
  status: StepStatus;
  dependencies?: string[];
  agent_role?: string;
  order_index?: number;
}

export interface Plan {
  meta: Meta;
  plan_id: string;
  context_id: string;
  title: string;
  objective: string;
  status: PlanStatus;
  steps: PlanStep[];
  trace?: TraceBase;
  events?: BaseEvent[];
}

export interface TraceSegment {
  segment_id: string;
  parent_segment_id?: string;
  label: string;
  status: SegmentStatus;
  started_at?: string;
  finished_at?: string;
  attributes?: Record<string, unknown>;
}

export interface Trace {
  meta: Meta;
  governance?: Governance;
  trace_id: string;
  context_id: string;
  plan_id?: string;
  root_span: TraceBase;
  status: TraceStatus;
  started_at?: string;
  finished_at?: string;
  segments?: TraceSegment[];
  events?: BaseEvent[];
}

export interface ConfirmDecision {
  decision_id: string;
  status: DecisionStatus;
  decided_by_role: string;
  decided_at: string;
  reason?: string;
}

export interface Confirm {
  meta: Meta;
  governance?: Governance;
  confirm_id: string;
  target_type: 'context' | 'plan' | 'trace' | 'extension' | 'other';
  target_id: string;
  status: ConfirmStatus;
  requested_by_role: string;
  requested_at: string;
  reason?: string;
  decisions?: ConfirmDecision[];
  trace?: TraceBase;
  events?: BaseEvent[];
}

export interface Role {
  meta: Meta;
  governance?: Governance;
  role_id: string;
  name: string;
  description?: string;
  capabilities?: string[];
  created_at?: string;
  updated_at?: string;
  trace?: TraceBase;
  events?: BaseEvent[];
}

export interface CollabParticipant {
  participant_id: string;
  role_id?: string;
  kind: 'agent' | 'human' | 'system' | 'external';
  display_name?: string;
}

export interface Collab {
  meta: Meta;
  governance?: Governance;
  collab_id: string;
  context_id: string;
  title: string;
  purpose: string;
  mode: 'broadcast' | 'round_robin' | 'orchestrated' | 'swarm' | 'pair';
  status: CollabStatus;
  participants: CollabParticipant[];
  created_at: string;
  updated_at?: string;
  trace?: TraceBase;
  events?: BaseEvent[];
}

export const EVENT_FAMILIES = [
  'import_process', 'intent', 'delta_intent', 'impact_analysis', 'compensation_plan', 'methodology',
  'reasoning_graph', 'pipeline_stage', 'graph_update', 'runtime_execution', 'cost_budget', 'external_integration',
] as const;
export type EventFamily = (typeof EVENT_FAMILIES)[number];

/** Observability event core (events/mplp-event-core): extra keys allowed. */
export interface EventCore {
  event_id: string;
  event_type: string;
  event_family: EventFamily;
  timestamp: string;
  project_id?: string;
  payload?: Record<string, unknown>;
  [k: string]: unknown;
}

export type StageStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

export interface PipelineStageEvent extends EventCore {
  event_family: 'pipeline_stage';
  pipeline_id: string;
  stage_id: string;
  stage_name?: string;
  stage_status: StageStatus;
  stage_order?: number;
}

export type GraphUpdateKind = 'node_add' | 'node_update' | 'node_delete' | 'edge_add' | 'edge_update' | 'edge_delete' | 'bulk';

export interface GraphUpdateEvent extends EventCore {
  event_family: 'graph_update';
  graph_id: string;
  update_kind: GraphUpdateKind;
  node_delta: number;
  edge_delta: number;
  source_module?: string;
}

export interface RuntimeExecutionEvent extends EventCore {
  event_family: 'runtime_execution';
  execution_id: string;
  executor_kind: 'agent' | 'tool' | 'llm' | 'worker' | 'external';
  executor_role?: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
}

export const SA_EVENT_TYPES = [
  'SAInitialized', 'SAContextLoaded', 'SAPlanEvaluated', 'SAStepStarted', 'SAStepCompleted', 'SAStepFailed',
  'SATraceEmitted', 'SACompleted',
] as const;

/** SA profile event (events/mplp-sa-event): no event_family, no extra keys. */
export interface SAEvent {
  event_id: string;
  event_type: (typeof SA_EVENT_TYPES)[number];
  timestamp: string;
  sa_id: string;
  context_id?: string;
  plan_id?: string;
  trace_id?: string;
  payload?: Record<string, unknown>;
}

export const MAP_EVENT_TYPES = [
  'MAPSessionStarted', 'MAPRolesAssigned', 'MAPTurnDispatched', 'MAPTurnCompleted', 'MAPBroadcastSent',
  'MAPBroadcastReceived', 'MAPConflictDetected', 'MAPConflictResolved', 'MAPSessionCompleted',
] as const;

export interface MAPEvent {
  event_id: string;
  event_type: (typeof MAP_EVENT_TYPES)[number];
  timestamp: string;
  session_id: string;
  initiator_role?: string;
  target_roles?: string[];
  payload?: Record<string, unknown>;
}

/** Anything the runtime's bus carries. */
export type BusEvent = EventCore | SAEvent | MAPEvent;
