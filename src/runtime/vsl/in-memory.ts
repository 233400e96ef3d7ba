import { copyValue } from '../../mplp/copy.js';
import type { ValueStateLayer, VslTx } from './types.js';

/**
 * Values are stored and returned as copies, so no caller can change stored state by reference;
 * the runtime's own snapshots (putShared) are kept as they are, since nobody changes them.
 *
 * A key is kept split at its last '/': each parent path holds its children by their last
 * segment. The runtime's per-step keys (`plans/<plan>/steps/<step>`) then cost no string of
 * their own: the step ids are the strings the runtime already holds, hashed once.
 */
export class InMemoryVSL implements ValueStateLayer {
  private readonly folders = new Map<string, Map<string, unknown>>();

  async get(key: string): Promise<unknown> {
    const at = key.lastIndexOf('/') + 1;
    const v = this.folders.get(key.slice(0, at))?.get(key.slice(at));
    return v === undefined ? undefined : copyValue(v);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.put(key, copyValue(value));
  }

  /** putShared with the key as its parent path (up to and with the last '/') and last segment. */
  putShared(parent: string, name: string, value: unknown): void {
    let folder = this.folders.get(parent);
    if (!folder) this.folders.set(parent, (folder = new Map()));
    folder.set(name, value);
  }

  private put(key: string, value: unknown): void {
    const at = key.lastIndexOf('/') + 1;
    this.putShared(key.slice(0, at), key.slice(at), value);
  }

  /** Writes are staged and applied together when fn resolves; a throw discards them all. */
  async transaction<T>(fn: (tx: VslTx) => Promise<T>): Promise<T> {
    const staged = new Map<string, unknown>();
    const tx: VslTx = {
      get: async (key) => (staged.has(key) ? copyValue(staged.get(key)) : this.get(key)),
      set: async (key, value) => {
        staged.set(key, copyValue(value));
      },
    };
    const result = await fn(tx);
    for (const [k, v] of staged) this.put(k, v);
    return result;
  }

  keys(): string[] {
    const out: string[] = [];
    for (const [parent, folder] of this.folders) for (const name of folder.keys()) out.push(parent + name);
    return out;
  }
}
