// Reconciliation: what each strategy (and each manual decision) makes of one drift entry,
// as data, and the one executor that carries a resolution out on the workspace and the PSG.
//
//   entry      psg-wins            fs-wins             three-way
//   modified   file := PSG         PSG := file         merge against the ancestor; conflict → manual
//   deleted    file := PSG         PSG forgets it      PSG unchanged since sync → forget; else manual
//   new        file removed        PSG tracks it       PSG tracks it
//
// `manual` resolves nothing: every entry waits for a decision per path.

import { fromStored } from '../artifacts/content.js';
import type { ArtifactLedger } from '../artifacts/ledger.js';
import type { Workspace } from '../artifacts/workspace.js';
import type { Mutation } from '../psg/graph.js';
import { deletionConflict, mergeThreeWay } from './merge.js';
import type { ConflictHunk, DriftEntry } from './report.js';
import type { ManualDecision, ReconcileStrategy } from '../../mplp/drift.js';

export { RECONCILE_STRATEGIES, type ManualDecision, type ReconcileStrategy } from '../../mplp/drift.js';

/** The two versions of a drifted file and their last common content. */
export interface Sides {
  psg?: Buffer;
  file?: Buffer;
  base: Buffer | null;
}

export type Resolution =
  | { action: 'file-restored'; content: Buffer }
  | { action: 'file-removed' }
  | { action: 'psg-updated'; content: Buffer }
  | { action: 'psg-removed' }
  | { action: 'merged'; content: Buffer }
  | { action: 'pending'; conflicts?: ConflictHunk[] };

export type Resolver = (entry: DriftEntry, sides: Sides) => Resolution;

const psgWins: Resolver = (_, s) => (s.psg ? { action: 'file-restored', content: s.psg } : { action: 'file-removed' });
const fsWins: Resolver = (_, s) => (s.file ? { action: 'psg-updated', content: s.file } : { action: 'psg-removed' });

const threeWay: Resolver = (_, s) => {
  if (!s.psg) return { action: 'psg-updated', content: s.file! };
  if (!s.file) return s.base !== null && s.psg.equals(s.base) ? { action: 'psg-removed' } : { action: 'pending', conflicts: deletionConflict(s.base, s.psg) };
  const merged = mergeThreeWay(s.base, s.psg, s.file);
  return merged.clean ? { action: 'merged', content: merged.content } : { action: 'pending', conflicts: merged.conflicts };
};

export const STRATEGIES: Readonly<Record<ReconcileStrategy, Resolver>> = {
  'psg-wins': psgWins,
  'fs-wins': fsWins,
  manual: () => ({ action: 'pending' }),
  'three-way': threeWay,
};

export function decisionResolver(decision: ManualDecision): Resolver {
  if ('content' in decision) return () => ({ action: 'merged', content: Buffer.from(decision.content, 'utf8') });
  return decision.keep === 'psg' ? psgWins : fsWins;
}

export async function sidesOf(workspace: Workspace, ledger: ArtifactLedger, path: string): Promise<Sides> {
  const node = ledger.find(path)?.data;
  const file = await workspace.read(path);
  return {
    ...(node ? { psg: fromStored(node.content) } : {}),
    ...(file ? { file } : {}),
    base: node?.synced_content ? fromStored(node.synced_content) : null,
  };
}

/** Carries a resolution out on disk and returns the PSG mutations that go with it. */
export async function carryOut(workspace: Workspace, ledger: ArtifactLedger, path: string, r: Resolution): Promise<Mutation[]> {
  switch (r.action) {
    case 'file-restored':
      await workspace.write(path, r.content);
      return ledger.synced(path);
    case 'file-removed':
      await workspace.remove(path);
      return [];
    case 'psg-updated':
      return ledger.track(path, r.content);
    case 'psg-removed':
      return ledger.untrack(path);
    case 'merged':
      await workspace.write(path, r.content);
      return ledger.track(path, r.content);
    case 'pending':
      return [];
  }
}
