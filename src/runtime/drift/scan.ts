// Active detection: hash every regular file of the workspace and compare with the hashes the
// PSG's artifact nodes hold. Symlinks are not followed, so they never count as files.

import { sha256 } from '../artifacts/content.js';
import type { ArtifactLedger } from '../artifacts/ledger.js';
import type { Workspace } from '../artifacts/workspace.js';
import { driftOf, type DriftDetector, type DriftEntry } from './report.js';

/** Every drifted path of the workspace, sorted by path. */
export async function scanWorkspace(workspace: Workspace, ledger: ArtifactLedger): Promise<DriftEntry[]> {
  const files = new Set(await workspace.list());
  const tracked = new Map(ledger.all().map((a) => [a.data.path, a.data.sha256]));
  const entries: DriftEntry[] = [];
  for (const path of [...new Set([...files, ...tracked.keys()])].sort()) {
    const content = files.has(path) ? await workspace.read(path) : undefined;
    const entry = driftOf(path, tracked.get(path), content && sha256(content), 'scan');
    if (entry) entries.push(entry);
  }
  return entries;
}

/** The drift of one path (refused when the path leaves the workspace), or undefined. */
export async function entryOf(workspace: Workspace, ledger: ArtifactLedger, path: string, detectedBy: DriftDetector): Promise<DriftEntry | undefined> {
  const content = await workspace.read(path);
  return driftOf(path, ledger.find(path)?.data.sha256, content && sha256(content), detectedBy);
}
