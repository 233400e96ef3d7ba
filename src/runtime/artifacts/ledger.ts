// Artifact nodes of the PSG: one per tracked workspace file, holding the PSG's version of
// the file (content, sha256, size, version) and the last content file and PSG agreed on
// (the three-way merge ancestor), linked from each step that produced it by a `produces`
// edge. The ledger reads those nodes and builds the mutations that change them; callers
// commit the batch (and so announce it with graph_update).

import type { IdSource } from '../../mplp/ids.js';
import type { Clock } from '../events/factory.js';
import type { Mutation, ProjectSemanticGraph } from '../psg/graph.js';
import { sha256, toStored } from './content.js';

export interface ArtifactData {
  path: string;
  sha256: string;
  size: number;
  /** 1 when first tracked, +1 on every change of the PSG's content. */
  version: number;
  /** The PSG's version of the file, base64. */
  content: string;
  /** The last content file and PSG agreed on (the merge ancestor); null if they never did. */
  synced_sha256: string | null;
  synced_content: string | null;
  synced_at: string | null;
  /** Steps with a `produces` edge to this node, oldest first. */
  producers: string[];
}

export interface Artifact {
  id: string;
  data: ArtifactData;
}

export interface TrackOptions {
  /** The step whose action produced this content. */
  producer?: string;
  /** False when the file on disk does not hold this content (the PSG moved ahead of it). */
  synced?: boolean;
}

export class ArtifactLedger {
  constructor(
    private readonly psg: ProjectSemanticGraph,
    private readonly ids: IdSource,
    private readonly clock: Clock,
  ) {}

  all(): Artifact[] {
    return [...this.psg.nodesOfType('artifact')].map((n) => ({ id: n.id, data: n.data as unknown as ArtifactData }));
  }

  find(path: string): Artifact | undefined {
    return this.all().find((a) => a.data.path === path);
  }

  /** The PSG's version of `path` becomes `content` (a new node when untracked). */
  track(path: string, content: Buffer, options: TrackOptions = {}): Mutation[] {
    const now = this.clock();
    const stored = toStored(content);
    const hash = sha256(content);
    const synced = options.synced ?? true;
    const existing = this.find(path);
    if (!existing) {
      const id = this.ids.next();
      const data: ArtifactData = {
        path,
        sha256: hash,
        size: content.length,
        version: 1,
        content: stored,
        synced_sha256: synced ? hash : null,
        synced_content: synced ? stored : null,
        synced_at: synced ? now : null,
        producers: options.producer ? [options.producer] : [],
      };
      const out: Mutation[] = [{ op: 'add_node', node: { type: 'artifact', id, data: { ...data } } }];
      if (options.producer) out.push({ op: 'add_edge', edge: { from: options.producer, to: id, type: 'produces' } });
      return out;
    }
    const { data } = existing;
    const newProducer = options.producer !== undefined && !data.producers.includes(options.producer);
    const update: Partial<ArtifactData> = {
      ...(hash !== data.sha256 ? { sha256: hash, size: content.length, content: stored, version: data.version + 1 } : {}),
      ...(synced ? { synced_sha256: hash, synced_content: stored, synced_at: now } : {}),
      ...(newProducer ? { producers: [...data.producers, options.producer!] } : {}),
    };
    const out: Mutation[] = [{ op: 'update_node', id: existing.id, data: update }];
    if (newProducer) out.push({ op: 'add_edge', edge: { from: options.producer!, to: existing.id, type: 'produces' } });
    return out;
  }

  /** File and PSG agree again on the PSG's content (after the file was restored from it). */
  synced(path: string): Mutation[] {
    const a = this.find(path);
    if (!a || a.data.synced_sha256 === a.data.sha256) return [];
    return [{ op: 'update_node', id: a.id, data: { synced_sha256: a.data.sha256, synced_content: a.data.content, synced_at: this.clock() } }];
  }

  /** Removes the node of `path` and the edges that point at it. */
  untrack(path: string): Mutation[] {
    const a = this.find(path);
    if (!a) return [];
    return [
      ...a.data.producers.map((from): Mutation => ({ op: 'delete_edge', edge: { from, to: a.id, type: 'produces' } })),
      { op: 'delete_node', id: a.id },
    ];
  }
}
