// A drift report: which workspace files differ from the PSG, how, and who noticed. Plain
// JSON, so it crosses the adapter contract and lands in the trace as is.

import type { DriftDetector, DriftEntry, DriftKind } from '../../mplp/drift.js';

export type { ConflictHunk, DriftDetector, DriftEntry, DriftKind, DriftReport } from '../../mplp/drift.js';

/** The drift between the PSG's and the file's hash of one path, or undefined when they agree. */
export function driftOf(path: string, psg: string | undefined, file: string | undefined, detectedBy: DriftDetector): DriftEntry | undefined {
  const kind: DriftKind | undefined = psg === undefined ? (file === undefined ? undefined : 'new') : file === undefined ? 'deleted' : psg === file ? undefined : 'modified';
  if (kind === undefined) return undefined;
  return { path, kind, psg_sha256: psg ?? null, file_sha256: file ?? null, detected_by: detectedBy };
}
