import { copyValue } from '../../mplp/copy.js';
import type { ValueStateLayer, VslTx } from './types.js';

/**
 * Values are stored and returned as copies, so no caller can change stored state by reference;
 * the runtime's own snapshots (putShared) are kept as they are, since nobody changes them.
 */
export class InMemoryVSL implements ValueStateLayer {
  private readonly store = new Map<string, unknown>();

  async get(key: string): Promise<unknown> {
    const v = this.store.get(key);
    return v === undefined ? undefined : copyValue(v);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.store.set(key, copyValue(value));
  }

  putShared(key: string, value: unknown): void {
    this.store.set(key, value);
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
    for (const [k, v] of staged) this.store.set(k, v);
    return result;
  }

  keys(): string[] {
    return [...this.store.keys()];
  }
}
