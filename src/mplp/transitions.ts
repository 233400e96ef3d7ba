// L2 state-transition tables (digest §3) as data: one table per object, read by the
// reference runtime's guard and by the kit's checks and models.
//
// Classes: A = every source allows it (conformant runtimes MUST accept);
//          R = forbidden (MUST reject); K = upstream silent or contradictory, the
//          reference runtime does `reference`, and the kit does not grade it.
// A pair missing from a table is R (the upstream maps are written as exhaustive
// successor lists), except where the table says `unlisted: 'K'`.

import type { LifecycleObject } from './types.js';

export type TransitionClass = 'A' | 'R' | 'K';

export interface TransitionRow {
  from: string;
  to: string;
  class: TransitionClass;
  /** What the reference runtime does for K rows (A rows are always allowed, R rows never). */
  reference?: 'allow' | 'reject';
  /** Cross-object guards that must also hold (implemented by the runtime, named here). */
  guards?: GuardName[];
  /**
   * What the spec names as the reason for the change ("a critical step failed"). A runtime
   * MAY refuse the change while a trigger does not hold, or accept it: the kit establishes
   * every trigger before it grades an A row's acceptance and grades neither answer otherwise.
   * The reference runtime does not enforce triggers.
   */
  triggers?: TriggerName[];
  /** Where the rule comes from, quoted in rejection errors. */
  rule: string;
}

export type GuardName =
  | 'plan_has_steps'
  | 'context_active'
  | 'confirm_approved'
  | 'plan_in_progress'
  | 'dependencies_completed'
  | 'dependency_failed'
  | 'all_steps_done'
  | 'new_review_round';

/** Triggers of A rows (see TransitionRow.triggers). */
export type TriggerName = 'step_failed';

export interface LifecycleTable {
  object: LifecycleObject;
  statuses: readonly string[];
  initial: string;
  terminal: readonly string[];
  /** Class of a pair between non-terminal states that no row lists. */
  unlisted: 'R' | 'K';
  rows: readonly TransitionRow[];
}

const L2 = 'L2@old §6.1 successor map';
const PLANMOD = 'PLAN-MOD@old §3.3';

export const PLAN_TABLE: LifecycleTable = {
  object: 'plan',
  statuses: ['draft', 'proposed', 'approved', 'in_progress', 'completed', 'cancelled', 'failed'],
  initial: 'draft',
  terminal: ['completed', 'cancelled', 'failed'],
  unlisted: 'R',
  rows: [
    { from: 'draft', to: 'proposed', class: 'A', rule: `${L2}: draft → proposed (requires validation)` },
    { from: 'proposed', to: 'approved', class: 'A', guards: ['confirm_approved'], rule: `${L2}: proposed → approved requires an approved Confirm` },
    { from: 'proposed', to: 'draft', class: 'A', rule: `${L2}: proposed → draft on rejection` },
    { from: 'approved', to: 'in_progress', class: 'A', guards: ['plan_has_steps', 'context_active'], rule: `${L2}: in_progress only from approved, with steps, in an active Context` },
    { from: 'in_progress', to: 'completed', class: 'A', guards: ['all_steps_done'], rule: `${PLANMOD} §5.2: completed when all steps are completed or skipped` },
    { from: 'in_progress', to: 'failed', class: 'A', triggers: ['step_failed'], rule: `${PLANMOD}: a critical step failed` },
    { from: 'in_progress', to: 'cancelled', class: 'A', rule: `${PLANMOD}: user cancels` },
    { from: 'draft', to: 'cancelled', class: 'K', reference: 'allow', rule: `${PLANMOD} table allows, ${L2} omits [C-02]` },
    { from: 'proposed', to: 'cancelled', class: 'K', reference: 'allow', rule: 'no upstream statement: abandon before execution' },
    { from: 'approved', to: 'cancelled', class: 'K', reference: 'allow', rule: 'no upstream statement: abandon before execution' },
    { from: 'approved', to: 'draft', class: 'R', rule: 'L2@old §3.2: cannot revert after approval' },
    { from: 'draft', to: 'in_progress', class: 'R', rule: 'SEED-L3 §5.3/§10: no execution without approval' },
  ],
};

export const STEP_TABLE: LifecycleTable = {
  object: 'step',
  statuses: ['pending', 'in_progress', 'completed', 'blocked', 'skipped', 'failed'],
  initial: 'pending',
  terminal: ['completed', 'failed', 'skipped'],
  unlisted: 'R',
  rows: [
    { from: 'pending', to: 'in_progress', class: 'A', guards: ['plan_in_progress', 'dependencies_completed', 'context_active'], rule: `${PLANMOD} §4.1: a step starts only when every dependency is completed and the plan is in_progress; CTX-MOD@old §3.2: not while its Context is suspended (execution paused)` },
    { from: 'pending', to: 'blocked', class: 'A', guards: ['dependency_failed'], rule: `${PLANMOD}: blocked when a dependency failed` },
    { from: 'pending', to: 'skipped', class: 'A', rule: `${PLANMOD}: conditional skip` },
    { from: 'in_progress', to: 'completed', class: 'A', rule: `${PLANMOD}: execution succeeded` },
    { from: 'in_progress', to: 'failed', class: 'A', rule: `${PLANMOD}: execution error` },
    { from: 'blocked', to: 'pending', class: 'K', reference: 'reject', rule: `${PLANMOD} lists it, unreachable while failed is final [C-05]` },
  ],
};

export const CONTEXT_TABLE: LifecycleTable = {
  object: 'context',
  statuses: ['draft', 'active', 'suspended', 'archived', 'closed'],
  initial: 'draft',
  terminal: ['closed'],
  unlisted: 'K',
  rows: [
    { from: 'draft', to: 'active', class: 'A', rule: 'CTX-MOD@old diagram: Activate' },
    { from: 'active', to: 'suspended', class: 'A', rule: 'CTX-MOD@old diagram: Suspend' },
    { from: 'suspended', to: 'active', class: 'A', rule: 'CTX-MOD@old diagram: Resume' },
    { from: 'active', to: 'archived', class: 'A', rule: 'CTX-MOD@old diagram: Archive' },
    { from: 'archived', to: 'closed', class: 'A', rule: 'CTX-MOD@old diagram: Close' },
    { from: 'suspended', to: 'closed', class: 'A', rule: 'CTX-MOD@old diagram: Force Close' },
    { from: 'draft', to: 'closed', class: 'A', rule: 'CTX-MOD@old diagram: Abandon' },
  ],
};

export const TRACE_TABLE: LifecycleTable = {
  object: 'trace',
  statuses: ['pending', 'running', 'completed', 'failed', 'cancelled'],
  initial: 'pending',
  terminal: ['completed', 'failed', 'cancelled'],
  unlisted: 'K',
  rows: [
    { from: 'pending', to: 'running', class: 'A', rule: 'TRACE-MOD@old diagram: Start Execution' },
    { from: 'running', to: 'completed', class: 'A', rule: 'TRACE-MOD@old diagram: All Segments Done' },
    { from: 'running', to: 'failed', class: 'A', rule: 'TRACE-MOD@old diagram: Critical Failure' },
    { from: 'running', to: 'cancelled', class: 'A', rule: 'TRACE-MOD@old diagram: User Cancels' },
    { from: 'pending', to: 'cancelled', class: 'A', rule: 'TRACE-MOD@old diagram: Abort Before Start' },
  ],
};

export const SEGMENT_TABLE: LifecycleTable = {
  object: 'segment',
  statuses: ['pending', 'running', 'completed', 'failed', 'cancelled', 'skipped'],
  initial: 'pending',
  terminal: ['completed', 'failed', 'cancelled', 'skipped'],
  unlisted: 'K',
  rows: [
    { from: 'pending', to: 'running', class: 'A', rule: 'TRACE-MOD@old segment diagram: Begin' },
    { from: 'running', to: 'completed', class: 'A', rule: 'TRACE-MOD@old segment diagram: Success' },
    { from: 'running', to: 'failed', class: 'A', rule: 'TRACE-MOD@old segment diagram: Error' },
    { from: 'pending', to: 'skipped', class: 'A', rule: 'TRACE-MOD@old segment diagram: Conditional Skip' },
    { from: 'running', to: 'cancelled', class: 'A', rule: 'TRACE-MOD@old segment diagram: Abort' },
    { from: 'pending', to: 'cancelled', class: 'K', reference: 'allow', rule: 'by analogy with the trace (digest §3.4)' },
  ],
};

export const CONFIRM_TABLE: LifecycleTable = {
  object: 'confirm',
  statuses: ['pending', 'approved', 'rejected', 'cancelled'],
  initial: 'pending',
  terminal: ['approved', 'cancelled'],
  unlisted: 'R',
  rows: [
    { from: 'pending', to: 'approved', class: 'A', rule: 'CONFIRM-MOD@old diagram: User Approves' },
    { from: 'pending', to: 'rejected', class: 'A', rule: 'CONFIRM-MOD@old diagram: User Rejects' },
    { from: 'pending', to: 'cancelled', class: 'A', rule: 'CONFIRM-MOD@old diagram: User/System Cancels' },
    { from: 'rejected', to: 'approved', class: 'K', reference: 'allow', guards: ['new_review_round'], rule: 'FLOW-05: a resubmitted target opens a new review round [C-07]' },
    { from: 'rejected', to: 'rejected', class: 'K', reference: 'allow', guards: ['new_review_round'], rule: 'FLOW-05: a resubmitted target opens a new review round [C-07]' },
  ],
};

export const COLLAB_TABLE: LifecycleTable = {
  object: 'collab',
  statuses: ['draft', 'active', 'suspended', 'completed', 'cancelled'],
  initial: 'draft',
  terminal: ['completed', 'cancelled'],
  unlisted: 'K',
  rows: [
    { from: 'draft', to: 'active', class: 'A', rule: 'COLLAB-MOD@old diagram: Start' },
    { from: 'active', to: 'suspended', class: 'A', rule: 'COLLAB-MOD@old diagram: Pause' },
    { from: 'suspended', to: 'active', class: 'A', rule: 'COLLAB-MOD@old diagram: Resume' },
    { from: 'active', to: 'completed', class: 'A', rule: 'COLLAB-MOD@old diagram: Finish' },
    { from: 'active', to: 'cancelled', class: 'A', rule: 'COLLAB-MOD@old diagram: Abort' },
    { from: 'draft', to: 'cancelled', class: 'A', rule: 'COLLAB-MOD@old diagram: Abandon' },
    { from: 'suspended', to: 'cancelled', class: 'K', reference: 'allow', rule: 'digest §3.6: not in the diagrams' },
  ],
};

export const LIFECYCLE_TABLES: Readonly<Record<LifecycleObject, LifecycleTable>> = {
  plan: PLAN_TABLE,
  step: STEP_TABLE,
  context: CONTEXT_TABLE,
  trace: TRACE_TABLE,
  segment: SEGMENT_TABLE,
  confirm: CONFIRM_TABLE,
  collab: COLLAB_TABLE,
};

export type Classification =
  | { kind: 'same' }
  | { kind: 'row'; row: TransitionRow }
  | { kind: 'terminal'; row: TransitionRow }
  | { kind: 'unknown-status' };

const UNKNOWN_STATUS: Classification = Object.freeze({ kind: 'unknown-status' });
const SAME: Classification = Object.freeze({ kind: 'same' });

/** Every pair of an object's statuses, classified once: classify runs on every status change and every graded event. */
const CLASSIFIED = new Map<LifecycleObject, Map<string, Map<string, Classification>>>();

function classifiedPairs(object: LifecycleObject): Map<string, Map<string, Classification>> {
  let byFrom = CLASSIFIED.get(object);
  if (!byFrom) {
    const table = LIFECYCLE_TABLES[object];
    const rows = new Map(table.rows.map((r) => [`${r.from}\u0000${r.to}`, r]));
    byFrom = new Map();
    for (const from of table.statuses) {
      const byTo = new Map<string, Classification>();
      for (const to of table.statuses) byTo.set(to, Object.freeze(classifyPair(object, table, rows.get(`${from}\u0000${to}`), from, to)));
      byFrom.set(from, byTo);
    }
    CLASSIFIED.set(object, byFrom);
  }
  return byFrom;
}

function classifyPair(object: LifecycleObject, table: LifecycleTable, row: TransitionRow | undefined, from: string, to: string): Classification {
  if (from === to) return SAME;
  if (table.terminal.includes(from)) {
    return { kind: 'terminal', row: { from, to, class: 'R', rule: `${from} is terminal for ${object} (L2@old §6.1 rule 4)` } };
  }
  if (row) return { kind: 'row', row };
  return {
    kind: 'row',
    row: table.unlisted === 'R'
      ? { from, to, class: 'R', rule: `${object} ${from} → ${to} is not in the L2 successor list` }
      : { from, to, class: 'K', reference: 'reject', rule: `${object} ${from} → ${to} is not in the upstream diagram (K, reference rejects)` },
  };
}

/** Classifies from → to for an object; every pair gets exactly one answer (shared, frozen). */
export function classify(object: LifecycleObject, from: string, to: string): Classification {
  return classifiedPairs(object).get(from)?.get(to) ?? UNKNOWN_STATUS;
}

/** True when the reference runtime lets the pair through the table (guards still apply). */
export function referenceAllows(row: TransitionRow): boolean {
  return row.class === 'A' || (row.class === 'K' && row.reference === 'allow');
}

/** Every ordered pair of distinct statuses with its classification: the forbidden-transition matrix. */
export function allPairs(object: LifecycleObject): { from: string; to: string; row: TransitionRow; terminal: boolean }[] {
  const table = LIFECYCLE_TABLES[object];
  const out: { from: string; to: string; row: TransitionRow; terminal: boolean }[] = [];
  for (const from of table.statuses) {
    for (const to of table.statuses) {
      if (from === to) continue;
      const c = classify(object, from, to);
      if (c.kind === 'row' || c.kind === 'terminal') out.push({ from, to, row: c.row, terminal: c.kind === 'terminal' });
    }
  }
  return out;
}
