// A run snapshot (SEED-L3 §7.1): taken before a plan runs, it holds every workspace file, the
// artifact nodes of the PSG with their `produces` edges, and — copy on first write, because
// a VSL cannot list its keys — the value each key held before a step of the run wrote it.
// Lifecycle statuses and trace history are not in it: they are history, never rolled back.

import type { Workspace } from '../artifacts/workspace.js';
import type { Mutation, ProjectSemanticGraph, PsgNode } from '../psg/graph.js';
import type { ValueStateLayer } from '../vsl/types.js';

export type SnapshotStatus = 'taken' | 'restored' | 'released';

export interface SnapshotInfo {
  snapshot_id: string;
  plan_id: string;
  created_at: string;
  status: SnapshotStatus;
  files: number;
  artifacts: number;
  vsl_keys: number;
  size_bytes: number;
  description: string;
}

export interface RestoreRecord {
  snapshot_id: string;
  files_written: string[];
  files_removed: string[];
  vsl_keys: string[];
  artifacts_changed: number;
}

const producersOf = (n: PsgNode) => (n.data['producers'] as string[] | undefined) ?? [];

export class RunSnapshot {
  status: SnapshotStatus = 'taken';
  private readonly vslBefore = new Map<string, unknown>();
  private vslKeyCount = 0;
  private readonly sizeBytes: number;
  private readonly fileCount: number;
  private readonly artifactCount: number;

  private constructor(
    readonly id: string,
    readonly planId: string,
    readonly createdAt: string,
    private files: Map<string, Buffer> | undefined,
    private artifacts: Map<string, PsgNode>,
  ) {
    this.fileCount = files?.size ?? 0;
    this.artifactCount = artifacts.size;
    this.sizeBytes = [...(files?.values() ?? [])].reduce((n, b) => n + b.length, 0);
  }

  static async take(id: string, planId: string, createdAt: string, workspace: Workspace | undefined, psg: ProjectSemanticGraph): Promise<RunSnapshot> {
    let files: Map<string, Buffer> | undefined;
    if (workspace) {
      files = new Map();
      for (const path of await workspace.list()) {
        const content = await workspace.read(path);
        if (content) files.set(path, content);
      }
    }
    const artifacts = new Map([...psg.nodesOfType('artifact')].map((n) => [n.id, structuredClone(n)]));
    return new RunSnapshot(id, planId, createdAt, files, artifacts);
  }

  /** Keeps what `key` held before the run's first write to it. */
  async keepBefore(key: string, vsl: ValueStateLayer): Promise<void> {
    if (this.status !== 'taken' || this.vslBefore.has(key)) return;
    this.vslBefore.set(key, await vsl.get(key));
    this.vslKeyCount = this.vslBefore.size;
  }

  /** Puts every file back as it was: changed and deleted ones rewritten, new ones removed. */
  async restoreFiles(workspace: Workspace | undefined): Promise<Pick<RestoreRecord, 'files_written' | 'files_removed'>> {
    const written: string[] = [];
    const removed: string[] = [];
    if (!workspace || !this.files) return { files_written: written, files_removed: removed };
    for (const path of await workspace.list()) {
      if (!this.files.has(path)) {
        await workspace.remove(path);
        removed.push(path);
      }
    }
    for (const [path, content] of this.files) {
      const now = await workspace.read(path);
      if (now?.equals(content)) continue;
      await workspace.write(path, content);
      written.push(path);
    }
    return { files_written: written, files_removed: removed };
  }

  /** Writes back every VSL value the run's steps overwrote (undefined for keys that were absent). */
  async restoreVsl(vsl: ValueStateLayer): Promise<string[]> {
    for (const [key, value] of this.vslBefore) await vsl.set(key, value);
    return [...this.vslBefore.keys()];
  }

  /** The PSG batch that makes the artifact nodes (and their produces edges) what they were. */
  artifactMutations(psg: ProjectSemanticGraph): Mutation[] {
    const out: Mutation[] = [];
    const edges = (from: string[], to: string, op: 'add_edge' | 'delete_edge') => from.map((s): Mutation => ({ op, edge: { from: s, to, type: 'produces' } }));
    const current = new Map([...psg.nodesOfType('artifact')].map((n) => [n.id, n]));
    for (const [id, now] of current) {
      const then = this.artifacts.get(id);
      if (!then) {
        out.push(...edges(producersOf(now), id, 'delete_edge'), { op: 'delete_node', id });
      } else if (JSON.stringify(now.data) !== JSON.stringify(then.data)) {
        const [was, is] = [producersOf(then), producersOf(now)];
        out.push(
          { op: 'update_node', id, data: structuredClone(then.data) },
          ...edges(is.filter((s) => !was.includes(s)), id, 'delete_edge'),
          ...edges(was.filter((s) => !is.includes(s)), id, 'add_edge'),
        );
      }
    }
    for (const [id, then] of this.artifacts) {
      if (!current.has(id)) out.push({ op: 'add_node', node: structuredClone(then) }, ...edges(producersOf(then), id, 'add_edge'));
    }
    return out;
  }

  /** Drops the copies once they can no longer be needed. */
  release(status: Exclude<SnapshotStatus, 'taken'>): void {
    this.status = status;
    this.files = undefined;
    this.artifacts = new Map();
    this.vslBefore.clear();
  }

  info(): SnapshotInfo {
    return {
      snapshot_id: this.id,
      plan_id: this.planId,
      created_at: this.createdAt,
      status: this.status,
      files: this.fileCount,
      artifacts: this.artifactCount,
      vsl_keys: this.vslKeyCount,
      size_bytes: this.sizeBytes,
      description: `before plan ${this.planId} ran`,
    };
  }
}
