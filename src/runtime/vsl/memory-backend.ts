// The in-memory VSL as a backend with namespaces (URL `memory:`), so code that picks a backend by
// URL treats memory like the durable ones. Data lives as long as the root object; closing or
// destroying a view detaches it, and a detached view keeps working on its own copy-free store,
// as a plain InMemoryVSL would (a runtime still finishing a run never sees errors from it).

import { joinSpace, type BackendVsl } from './backend.js';
import { InMemoryVSL } from './in-memory.js';
import type { VslTx } from './types.js';

export class MemoryVSL implements BackendVsl {
  readonly backend = 'memory' as const;
  readonly address = 'this process';
  private readonly store: InMemoryVSL;

  private constructor(
    private readonly spaces: Map<string, InMemoryVSL>,
    readonly space: string,
  ) {
    let store = spaces.get(space);
    if (!store) spaces.set(space, (store = new InMemoryVSL()));
    this.store = store;
  }

  static create(): MemoryVSL {
    return new MemoryVSL(new Map(), '');
  }

  get(key: string): Promise<unknown> {
    return this.store.get(key);
  }

  set(key: string, value: unknown): Promise<void> {
    return this.store.set(key, value);
  }

  transaction<T>(fn: (tx: VslTx) => Promise<T>): Promise<T> {
    return this.store.transaction(fn);
  }

  putShared(parent: string, name: string, value: unknown): void {
    this.store.putShared(parent, name, value);
  }

  async namespace(name: string): Promise<MemoryVSL> {
    return new MemoryVSL(this.spaces, joinSpace(this.space, name));
  }

  /** Forgets this namespace and those inside it. */
  async destroy(): Promise<void> {
    for (const space of [...this.spaces.keys()]) {
      if (this.space === '' || space === this.space || space.startsWith(`${this.space}/`)) this.spaces.delete(space);
    }
  }

  async close(): Promise<void> {}
}
