/**
 * Serialises critical sections: each runs after the previous one settled. run() always waits
 * for a turn; runNow() enters at once when nobody holds or waits for the lock, so a section
 * that finishes synchronously (a status change on an in-memory VSL, every step start) costs
 * no promise. A section entered by runNow that returns a promise keeps the lock until it settles.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  /** Sections queued or running. */
  private pending = 0;
  /** Inside a synchronous runNow section: a run() called now must wait for its end. */
  private inSync = false;
  private gate: { promise: Promise<void>; open: () => void } | undefined;

  get idle(): boolean {
    return this.pending === 0;
  }

  run<T>(fn: () => Promise<T> | T): Promise<T> {
    this.pending++;
    // The first section queued during a synchronous one waits for its end; later ones queue behind it.
    const after = this.inSync && this.gate === undefined ? (this.gate = openable()).promise : this.tail;
    const result = after.then(fn);
    const release = () => {
      this.pending--;
    };
    result.then(release, release);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Runs fn(arg) now when the lock is free, else in its turn (then the answer is a promise). */
  runNow<A, T>(fn: (arg: A) => T | Promise<T>, arg: A): T | Promise<T> {
    if (this.pending > 0) return this.run(() => fn(arg));
    this.pending++;
    this.inSync = true;
    let out: T | Promise<T>;
    try {
      out = fn(arg);
    } catch (e) {
      this.leaveSync();
      throw e;
    } finally {
      this.inSync = false;
    }
    if (out instanceof Promise) {
      // The section goes on asynchronously and keeps the lock until it settles. Sections queued
      // during its synchronous part already wait behind the gate, which opens then.
      const held = out.finally(() => this.leaveSync()).catch(() => undefined);
      if (this.gate === undefined) this.tail = held;
      return out;
    }
    this.leaveSync();
    return out;
  }

  private leaveSync(): void {
    this.pending--;
    const gate = this.gate;
    this.gate = undefined;
    gate?.open();
  }
}

function openable(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
