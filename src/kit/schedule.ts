// Order and parallelism of checks: prerequisites (`after`) first, catalogue order otherwise,
// at most N checks at once. Checks caught in a prerequisite cycle are reported, not run.

import type { Check } from './check.js';

export interface Ordering {
  /** Runnable checks, every prerequisite before its dependents, stable otherwise. */
  ordered: Check[];
  /** Checks on a prerequisite cycle, with the cycle as text. */
  cyclic: Map<string, string>;
}

export function orderChecks(checks: readonly Check[]): Ordering {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const cyclic = new Map<string, string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const ordered: Check[] = [];

  const visit = (c: Check): void => {
    const s = state.get(c.id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const loop = [...stack.slice(stack.indexOf(c.id)), c.id];
      for (const id of loop) cyclic.set(id, loop.join(' → '));
      return;
    }
    state.set(c.id, 'visiting');
    stack.push(c.id);
    for (const id of c.after ?? []) {
      const pre = byId.get(id);
      if (pre) visit(pre);
    }
    stack.pop();
    state.set(c.id, 'done');
    if (!cyclic.has(c.id)) ordered.push(c);
  };
  checks.forEach(visit);
  return { ordered, cyclic };
}

/** A FIFO counting semaphore. */
export class Slots {
  private free: number;
  private readonly queue: Array<() => void> = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next();
      else this.free += 1;
    };
  }
}
