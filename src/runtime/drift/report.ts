// A drift report: which workspace files differ from the PSG, how, and who noticed. Plain
// JSON, so it crosses the adapter contract and lands in the trace as is.

export type DriftKind = 'modified' | 'deleted' | 'new';
export type DriftDetector = 'scan' | 'file_update';

/** One region both sides changed differently, as lines of the ancestor and of each side. */
export interface ConflictHunk {
  base: string[];
  psg: string[];
  file: string[];
}

export interface DriftEntry {
  /** Workspace-relative, '/'-separated. */
  path: string;
  kind: DriftKind;
  /** sha256 of the PSG's version; null when the PSG does not track the file. */
  psg_sha256: string | null;
  /** sha256 of the file on disk; null when there is no file. */
  file_sha256: string | null;
  detected_by: DriftDetector;
  /** Set when a three-way merge could not reconcile the entry. */
  conflicts?: ConflictHunk[];
}

export interface DriftReport {
  report_id: string;
  detected_by: DriftDetector;
  detected_at: string;
  entries: DriftEntry[];
}

/** The drift between the PSG's and the file's hash of one path, or undefined when they agree. */
export function driftOf(path: string, psg: string | undefined, file: string | undefined, detectedBy: DriftDetector): DriftEntry | undefined {
  const kind: DriftKind | undefined = psg === undefined ? (file === undefined ? undefined : 'new') : file === undefined ? 'deleted' : psg === file ? undefined : 'modified';
  if (kind === undefined) return undefined;
  return { path, kind, psg_sha256: psg ?? null, file_sha256: file ?? null, detected_by: detectedBy };
}
