// Drift and reconciliation as plain JSON (docs/drift-and-rollback.md): the reports and results
// the reference runtime produces, the adapter contract carries and the kit grades. One
// definition for all three.

export type DriftKind = 'modified' | 'deleted' | 'new';
export type DriftDetector = 'scan' | 'file_update';

/** One region of a file both sides changed differently: lines of the ancestor and of each side. */
export interface ConflictHunk {
  base: string[];
  psg: string[];
  file: string[];
}

export interface DriftEntry {
  /** Workspace-relative, '/'-separated. */
  path: string;
  kind: DriftKind;
  /** sha256 (hex) of the PSG's version; null when the PSG does not track the file. */
  psg_sha256: string | null;
  /** sha256 (hex) of the file on disk; null when there is none. */
  file_sha256: string | null;
  detected_by: DriftDetector;
  /** Set on an entry a three-way merge left for a manual decision. */
  conflicts?: ConflictHunk[];
}

export interface DriftReport {
  report_id: string;
  detected_by: DriftDetector;
  detected_at: string;
  entries: DriftEntry[];
}

export const RECONCILE_STRATEGIES = ['psg-wins', 'fs-wins', 'manual', 'three-way'] as const;
export type ReconcileStrategy = (typeof RECONCILE_STRATEGIES)[number];

/** A manual decision for one path: keep one side, or take hand-merged text. */
export type ManualDecision = { keep: 'psg' | 'file' } | { content: string };

/** What reconciling one path did. */
export type ReconcileOutcome = 'file-restored' | 'file-removed' | 'psg-updated' | 'psg-removed' | 'merged';

export interface AppliedResolution {
  path: string;
  kind: DriftKind;
  outcome: ReconcileOutcome;
  /** Content both sides now hold; null when the file is gone from both. */
  sha256: string | null;
}

export interface ReconcileResult {
  strategy: ReconcileStrategy;
  applied: AppliedResolution[];
  /** Every entry waiting for a manual decision after the operation. */
  pending: DriftEntry[];
}

/** What the PSG holds for one tracked file (an artifact node). */
export interface ArtifactRecord {
  node_id: string;
  path: string;
  sha256: string;
  size: number;
  version: number;
  /** sha256 of the last content file and PSG agreed on (the merge ancestor), if any. */
  synced_sha256: string | null;
  /** When the PSG last recorded the file's content (passive detection compares L4 event timestamps with it). */
  synced_at: string | null;
  /** Steps with a `produces` edge to the node. */
  producers: string[];
}
