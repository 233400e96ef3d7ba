// The adapter contract: what a vendor implements so the kit can drive their L3 runtime
// as a black box. Everything crosses as plain JSON-compatible data so the same contract
// works in-process and over stdio. Documented for vendors in docs/adapter.md.

import type { BusEvent, Collab, Confirm, Context, Plan, Role, Trace } from '../mplp/types.js';

export const PROFILES = ['sa', 'map'] as const;
export type Profile = (typeof PROFILES)[number];

/** The boolean capability flags, as data (validation and the kit's `needs` use this list). */
export const CAPABILITY_FLAGS = ['pauseResume', 'approval', 'moduleRegistry', 'drift', 'rollback', 'vsl'] as const;

/** What a runtime claims. Checks that need an unclaimed capability end `skipped`. */
export interface Capabilities {
  profiles: Profile[];
  pauseResume: boolean;
  approval: boolean;
  moduleRegistry: boolean;
  drift: boolean;
  rollback: boolean;
  vsl: boolean;
}

export interface AdapterDescription {
  name: string;
  version: string;
  /** Version of this contract the adapter implements. */
  contract_version?: string;
  capabilities: Capabilities;
  /** With `vsl`: sessions created with the same `env.vslShare` use one VSL store (see SessionEnv). */
  sharedVsl?: boolean;
  /**
   * Session.events honours a cursor ({ after, limit }, see EventCursor): the kit then asks only
   * for the events it has not read yet. Without it the kit reads the whole list every time.
   */
  eventCursor?: boolean;
}

/** The action a runtime hands to the AEL for one step. `step_id` is required so the kit can script it. */
export interface StepAction {
  action_id: string;
  plan_id: string;
  step_id: string;
  description?: string;
  agent_role?: string;
  [k: string]: unknown;
}

/** Seed §3.3: execute returns a promise and throws on failure. */
export interface ActionExecutionLayer {
  execute(action: StepAction): Promise<unknown>;
}

export interface ValueStateLayer {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  /** Optional (seed §3.2 SHOULD for ACID backends): all writes in fn commit together or not at all. */
  transaction?<T>(fn: (tx: { get(key: string): Promise<unknown>; set(key: string, value: unknown): Promise<void> }) => Promise<T>): Promise<T>;
}

export interface SessionEnv {
  /** The kit's recording AEL: the runtime MUST route every step action through it. */
  ael: ActionExecutionLayer;
  /** A fresh temporary folder the session may use (artifacts, file-backed state). */
  workspace: string;
  /** Seed for anything the runtime randomises. */
  seed: number;
  /** MAP parallelism limit the kit asks for; a runtime must never run more steps at once. */
  maxConcurrency: number;
  /**
   * Set only for adapters that declare `sharedVsl`: sessions given the same value must use one
   * VSL store — each reads what the others wrote, and a session created after another closed
   * reads what that one wrote (the store outlives its sessions until adapter.dispose()).
   * Absent: the session's VSL state is its own.
   */
  vslShare?: string;
}

/** Objects to register in one atomic batch. */
export interface LoadBundle {
  contexts?: Context[];
  plans?: Plan[];
  confirms?: Confirm[];
  roles?: Role[];
  traces?: Trace[];
  collabs?: Collab[];
}

export type ObjectType = 'context' | 'plan' | 'step' | 'trace' | 'segment' | 'confirm' | 'collab' | 'role';

export interface ObjectRef {
  type: ObjectType;
  id: string;
}

/** Accept/reject answer of an operation. A rejection carries a code and a message. */
export type OpResult =
  | { ok: true; value?: unknown }
  | { ok: false; code: string; message: string; details?: unknown };

export interface RunOutcome {
  plan_id: string;
  plan_status: string;
  step_statuses: Record<string, string>;
  paused: boolean;
}

export interface DecisionInput {
  /** Target of the decision: the Confirm's target plan (the runtime finds its pending Confirm). */
  target_id: string;
  status: 'approved' | 'rejected' | 'cancelled';
  decided_by_role: string;
  reason?: string;
}

export interface GraphNode {
  type: string;
  id: string;
  status?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  type: string;
}

/** Canonical PSG export: nodes sorted by (type, id), edges by (type, from, to). */
export interface GraphExport {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** A window of the event timeline: the events whose payload.seq is greater than `after`, at most `limit`. */
export interface EventCursor {
  after?: number;
  limit?: number;
}

export interface ModuleResult {
  output: unknown;
  events: unknown[];
}
export type RuntimeModule = (args: { ctx: unknown }) => Promise<ModuleResult>;

export interface Session {
  load(bundle: LoadBundle): Promise<OpResult>;
  /** Ask for a status change of one object; forbidden ones must be rejected and change nothing. */
  transition(target: ObjectRef, to: string): Promise<OpResult>;
  /**
   * Start or continue a plan; resolves when the plan is terminal or paused. `profile: 'sa'`
   * runs one step at a time in dependency order (ties: order_index, then position);
   * `profile: 'map'` runs independent ready steps in parallel up to env.maxConcurrency.
   * A `proposed` plan waits for its Confirm decision; a plan that may not start is rejected.
   */
  run(planId: string, options?: { profile?: Profile }): Promise<OpResult & { outcome?: RunOutcome }>;
  cancel(planId: string): Promise<OpResult>;
  confirm(decision: DecisionInput): Promise<OpResult>;
  /** Current MPLP object (plan with steps, trace with segments and events, confirm, context...). */
  get(target: ObjectRef): Promise<unknown>;
  graph(): Promise<GraphExport>;
  /**
   * Everything emitted on the bus so far, in emission order. A runtime that declares
   * `eventCursor` also takes a cursor and answers only the events after `cursor.after` (the
   * payload.seq of the last event the kit read), at most `cursor.limit` of them; one that does
   * not may ignore the argument.
   */
  events(cursor?: EventCursor): Promise<BusEvent[]>;
  close(): Promise<void>;

  /** Present when `pauseResume` is claimed. */
  pause?(planId: string): Promise<OpResult>;
  resume?(planId: string): Promise<OpResult>;
  /** Present when `vsl` is claimed: the runtime's own VSL. */
  vsl?: ValueStateLayer;
  /** Present when `moduleRegistry` is claimed. */
  modules?: {
    register(name: string, module: RuntimeModule): Promise<OpResult>;
    unregister(name: string): Promise<OpResult>;
    list(): Promise<string[]>;
    invoke(name: string, ctx: unknown): Promise<OpResult>;
  };
  /** Present when `drift` is claimed. */
  drift?: DriftGroup;
  /** Present when `rollback` is claimed. */
  rollback?: RollbackGroup;
}

// ---------------------------------------------------------------- drift and rollback (optional)
// See docs/drift-and-rollback.md. Paths are workspace-relative with '/' separators.

/**
 * What a step's AEL result may declare, read by runtimes that claim drift or rollback (the
 * kit's recording AEL declares these for its scripted side effects):
 * - `artifacts`: files the action wrote or deleted in env.workspace (`{ path }`), or a text
 *   product the runtime itself writes for the step (`{ path, content }`). Each becomes (or
 *   updates, or removes) an artifact node of the PSG linked from the step by a `produces` edge.
 *   A product is not written over a file that no longer holds what the PSG last agreed with
 *   (drift): the PSG alone takes the new version, and reconciliation decides.
 * - `state`: values the step writes to the VSL under these keys.
 * - `compensation`: the inverse action. To compensate, the runtime calls the same AEL with
 *   `{ ...compensation, action_id: <new>, plan_id, step_id, compensation_for: <forward action_id> }`.
 */
export interface ActionDeclarations {
  artifacts?: { path: string; content?: string }[];
  state?: Record<string, unknown>;
  compensation?: Record<string, unknown>;
}

/** The L4 file update event (schemas/file-update-event.schema.json). */
export interface FileUpdateEvent {
  file_path: string;
  change_type: 'created' | 'modified' | 'deleted' | 'renamed';
  timestamp: string;
  workspace_root?: string;
  previous_path?: string;
  [k: string]: unknown;
}

export type {
  AppliedResolution,
  ArtifactRecord,
  ConflictHunk,
  DriftDetector,
  DriftEntry,
  DriftKind,
  DriftReport,
  ManualDecision,
  ReconcileOutcome,
  ReconcileResult,
  ReconcileStrategy,
} from '../mplp/drift.js';
import type { ArtifactRecord, DriftReport, ManualDecision, ReconcileResult, ReconcileStrategy } from '../mplp/drift.js';

export interface DriftGroup {
  /** Active scan of the workspace; `value` is a DriftReport. */
  scan(): Promise<OpResult>;
  /** Passive detection from an L4 file_update event; `value` is a DriftReport. Paths outside the workspace are rejected. */
  ingest(event: FileUpdateEvent): Promise<OpResult>;
  /** Reconciles every drifted path with one strategy; `value` is a ReconcileResult. */
  reconcile(strategy: ReconcileStrategy): Promise<OpResult>;
  /** Decides one path waiting for a manual decision; `value` is a ReconcileResult. */
  resolve(path: string, decision: ManualDecision): Promise<OpResult>;
  artifacts(): Promise<ArtifactRecord[]>;
}

/** Which rollback a failed plan gets; a run keeps the policy it started with. */
export interface RollbackPolicy {
  snapshot: boolean;
  compensate: boolean;
}

export interface SnapshotInfo {
  snapshot_id: string;
  plan_id: string;
  created_at: string;
  status: 'taken' | 'restored' | 'released';
  size_bytes: number;
  description?: string;
}

export interface RollbackGroup {
  setPolicy(policy: RollbackPolicy): Promise<OpResult>;
  snapshots(): Promise<SnapshotInfo[]>;
}

export interface Adapter {
  describe(): AdapterDescription | Promise<AdapterDescription>;
  createSession(env: SessionEnv): Promise<Session>;
  /** Called once when the kit is done with the adapter. */
  dispose?(): Promise<void>;
}

export const CONTRACT_VERSION = '1.0.0';
