// TypeScript shape of a golden-flow file (schemas/golden-flow.schema.json is the authority).
// A value of FlowSpec has passed the schema; cross-references are checked by semantics.ts.

import type { Need } from '../check.js';

export type Count = number | string;

export interface ContextSpec {
  file?: string;
  status?: string;
  title?: string;
  summary?: string;
  root?: { domain?: string; environment?: string };
}

export interface StepSpec {
  after?: string[];
  after_unknown?: string[];
  id_of?: string;
  description?: string;
  agent_role?: string;
  order_index?: number;
  status?: string;
}

export interface PlanSpec {
  file?: string;
  status?: string;
  title?: string;
  objective?: string;
  context?: 'missing';
  steps?: Record<string, StepSpec | null>;
}

export interface CollabSpec {
  file?: string;
  mode?: 'broadcast' | 'round_robin' | 'orchestrated' | 'swarm' | 'pair';
  status?: string;
  title?: string;
  purpose?: string;
  participants?: Record<string, { kind?: 'agent' | 'human' | 'system' | 'external'; display_name?: string } | null>;
}

export interface ConfirmSpec {
  status: string;
  reason?: string;
  decisions?: { status: string; by?: string; reason?: string }[];
}

/** Files a step's action writes (path → text) or deletes in the session workspace. */
export interface FileEffectsSpec {
  write?: Record<string, string>;
  remove?: string[];
}

export type ActionSpec =
  | 'succeed'
  | 'fail'
  | ({ fail?: string; result?: unknown; barrier?: string; then?: 'succeed' | 'fail' } & ActionEffectsSpec);

/** Side effects of an action (docs/drift-and-rollback.md): files, a delivered product, VSL values, an inverse. */
export interface ActionEffectsSpec extends FileEffectsSpec {
  deliver?: Record<string, string>;
  state?: Record<string, unknown>;
  inverse?: FileEffectsSpec;
}

/** One drift entry a flow expects, by path and kind. */
export interface DriftEntrySpec {
  path: string;
  kind: 'modified' | 'deleted' | 'new';
}

export interface OpExpect {
  /** `any`: the runtime may accept or refuse (e.g. an accepted same-status no-op); with
   *  `unchanged` nothing may change either way. */
  ok?: boolean | 'any';
  code?: string;
  unchanged?: boolean;
  paused?: boolean;
  plan?: string;
  /** The requirements (of the flow's list) this operation's expectation is about. */
  about?: string[];
}

export type LoadPart = 'context' | 'plan' | 'collab' | 'confirm';

/** One operation: exactly one of these keys is present. */
export interface OperationSpec {
  load?: { only?: LoadPart[]; expect?: OpExpect } | null;
  transition?: { target: string; to: string; expect?: OpExpect };
  reject_all?: { target: string };
  confirm?: { status: 'approved' | 'rejected' | 'cancelled'; by?: string; reason?: string; expect?: OpExpect };
  run?: { profile?: 'sa' | 'map'; background?: boolean; timeout_ms?: number; expect?: OpExpect } | null;
  await_run?: { timeout_ms?: number; expect?: OpExpect } | null;
  await_barrier?: { name: string; arrivals: number | 'limit'; timeout_ms?: number };
  await_events?: { match: string; count?: Count; timeout_ms?: number };
  release_barrier?: string;
  pause?: { expect?: OpExpect } | null;
  resume?: { expect?: OpExpect } | null;
  cancel?: { background?: boolean; expect?: OpExpect } | null;
  await_cancel?: { timeout_ms?: number; expect?: OpExpect } | null;
  snapshot?: string;
  check?: ExpectationSpec;
  register_module?: { name: string; output?: unknown; expect?: OpExpect };
  unregister_module?: { name: string; expect?: OpExpect };
  invoke_module?: { name: string; input?: unknown; output?: unknown; expect?: OpExpect };
  list_modules?: { includes?: string[]; excludes?: string[] };
  vsl_set?: { key: string; value: unknown };
  vsl_get?: { key: string; equals?: unknown };
  workspace?: FileEffectsSpec;
  rollback_policy?: { snapshot: boolean; compensate: boolean; expect?: OpExpect };
  drift_scan?: { entries?: DriftEntrySpec[]; expect?: OpExpect } | null;
  drift_ingest?: { path: string; change: 'created' | 'modified' | 'deleted' | 'renamed'; age?: 'newer' | 'older'; entries?: DriftEntrySpec[]; expect?: OpExpect };
  reconcile?: { strategy: 'psg-wins' | 'fs-wins' | 'manual' | 'three-way'; pending?: string[]; expect?: OpExpect };
  resolve?: { path: string; keep?: 'psg' | 'file'; content?: string; expect?: OpExpect };
}

export type OperationName = keyof OperationSpec;

export interface FinalSpec {
  plan?: string;
  context?: string;
  trace?: string;
  confirm?: string;
  collab?: string;
  steps?: Record<string, string>;
  all_steps?: string;
}

export interface ExpectationSpec {
  /** The requirements (of the flow's list) this block is about: a failure in it is charged to them only. */
  about?: string[];
  /** Further blocks graded at the same moment, each charged by its own `about` (e.g. a SHOULD part). */
  also?: ExpectationSpec[];
  final?: FinalSpec;
  /** Statuses read through graph() (the PSG export), as `final` reads them through get(). */
  graph_final?: Omit<FinalSpec, 'trace' | 'confirm' | 'collab'>;
  events?: Record<string, Count>;
  transitions?: Record<string, string[]>;
  order?: string[];
  between?: { from: string; to: string; none: string }[];
  max_overlap?: Count;
  ael?: { calls?: Count; order?: string[]; called?: string[]; not_called?: string[]; actions_valid?: boolean };
  trace?: { segments?: Count; segments_terminal?: boolean; events?: Count; bound?: boolean; append_only_since?: string };
  confirm?: { decisions?: Count; targets_plan?: boolean; latest_decision_matches?: boolean };
  unchanged_since?: string;
  graph_deltas?: boolean;
  events_valid?: boolean;
  chains?: boolean;
  objects_valid?: boolean;
  sa_run?: boolean;
  map_run?: boolean;
  /** No step of the plan was in_progress when the plan's terminal event came, and none enters it afterwards. */
  no_step_running_after_end?: boolean;
  /** The SA invariants (and, with a collab, the MAP structural invariants) on the objects read back. */
  profile_invariants?: boolean;
  /** Workspace files by path: their text, or null for "absent". */
  files?: Record<string, string | null>;
  /** What the PSG tracks by path: the text whose sha256 it holds, or null for "untracked". */
  artifacts?: Record<string, string | null>;
  /** Exact order of the compensations run through the AEL, by step name. */
  compensations?: string[];
}

/** Grading of an imported upstream fixture: flow-relative JSON files (docs/golden-flows.md#upstream-fixtures). */
export interface UpstreamSpec {
  source?: string;
  invariants?: string;
  expected?: Partial<Record<'context' | 'plan' | 'confirm' | 'trace' | 'collab', string>>;
  events?: string;
}

export interface FlowSpec {
  id: string;
  title: string;
  description?: string;
  requirements: string[];
  needs?: Need[];
  /** Run the whole flow once per listed profile the adapter claims; its `run` operations take
   *  that profile. For behaviour a rule demands of SA and MAP alike. */
  profiles?: ('sa' | 'map')[];
  min_concurrency?: number;
  max_concurrency?: number;
  context?: ContextSpec;
  plan?: PlanSpec;
  collab?: CollabSpec;
  confirm?: ConfirmSpec;
  actions?: Record<string, ActionSpec>;
  operations: OperationSpec[];
  expect?: ExpectationSpec;
  upstream?: UpstreamSpec;
}

/** The operation name of one list item (the schema guarantees exactly one key). */
export function operationName(op: OperationSpec): OperationName {
  return Object.keys(op)[0] as OperationName;
}
