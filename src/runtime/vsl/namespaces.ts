// Hands each runtime session a VSL over one backend: a private namespace per session (deleted when
// the session lets go of it), or a shared one by name, which every session given that name uses
// and which outlives them until close() (a later session reads what an earlier one wrote).
// While a namespace is in use all its holders get the same instance (FileVSL allows one per
// folder); when the last holder lets go it is closed, and reopened — as after a restart — by the
// next session that names it.

import { randomUUID } from 'node:crypto';
import type { BackendVsl } from './backend.js';

export interface VslLease {
  readonly vsl: BackendVsl;
  /** Lets go of the namespace; idempotent. */
  release(): Promise<void>;
}

interface InUse {
  vsl: Promise<BackendVsl>;
  holders: number;
}

export class VslNamespaces {
  private root: Promise<BackendVsl> | null = null;
  private readonly inUse = new Map<string, InUse>();
  /** Namespaces being closed: the next lease of the name waits for that. */
  private readonly settling = new Map<string, Promise<void>>();
  private readonly shared = new Set<string>();

  /** `openRoot` is called once, at the first lease (and again after close()). */
  constructor(private readonly openRoot: () => Promise<BackendVsl>) {}

  /** Opens the backend now rather than at the first lease, so a wrong URL fails early. */
  async open(): Promise<void> {
    await this.rootVsl();
  }

  async lease(share?: string): Promise<VslLease> {
    const name = share === undefined ? `session-${randomUUID()}` : `shared-${share}`;
    if (share !== undefined) this.shared.add(name);
    await this.settling.get(name);
    let entry = this.inUse.get(name);
    if (!entry) {
      entry = { vsl: this.rootVsl().then((root) => root.namespace(name)), holders: 0 };
      this.inUse.set(name, entry);
    }
    const held = entry;
    held.holders++;
    let vsl: BackendVsl;
    try {
      vsl = await held.vsl;
    } catch (e) {
      if (--held.holders === 0 && this.inUse.get(name) === held) this.inUse.delete(name);
      throw e;
    }
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      if (--held.holders > 0) return;
      this.inUse.delete(name);
      const done = share === undefined ? vsl.destroy() : vsl.close();
      this.settling.set(name, done.then(() => undefined, () => undefined));
      try {
        await done;
      } finally {
        this.settling.delete(name);
      }
    };
    return { vsl, release };
  }

  /** Deletes the shared namespaces and closes the backend; a later lease opens it again. */
  async close(): Promise<void> {
    const pending = this.root;
    if (!pending) return;
    this.root = null;
    await Promise.allSettled([...this.settling.values()]);
    // Sessions never released (their holder forgot to close them) end here.
    const leftovers = [...this.inUse];
    this.inUse.clear();
    for (const [name, entry] of leftovers) {
      const vsl = await entry.vsl.catch(() => undefined);
      await (this.shared.has(name) ? vsl?.close() : vsl?.destroy());
    }
    const root = await pending.catch(() => undefined);
    if (!root) return;
    try {
      for (const name of this.shared) await (await root.namespace(name)).destroy();
    } finally {
      this.shared.clear();
      await root.close();
    }
  }

  private rootVsl(): Promise<BackendVsl> {
    if (!this.root) {
      const opening = this.openRoot();
      // A failed open is not kept: the next lease tries again.
      opening.catch(() => {
        if (this.root === opening) this.root = null;
      });
      this.root = opening;
    }
    return this.root;
  }
}
