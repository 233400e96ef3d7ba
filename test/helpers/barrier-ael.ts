// A tiny AEL for runtime tests: holds chosen steps at a barrier until released, throws
// scripted values, counts actions in flight. Concurrency is proven with the barrier, never
// with timing. (The kit's richer RecordingAEL lives elsewhere.)

import type { ActionExecutionLayer, StepActionLike } from '../../src/runtime/ael/types.js';
import type { BusEvent } from '../../src/mplp/types.js';

export class BarrierAEL implements ActionExecutionLayer {
  /** Actions in the order execute was called. */
  readonly calls: StepActionLike[] = [];
  /** Step ids in the order their actions returned or threw. */
  readonly finished: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Called synchronously when an action arrives, before it is held. */
  onStart?: (action: StepActionLike) => void;

  private holdEverything = false;
  private readonly heldSteps = new Set<string>();
  private readonly gates = new Map<string, () => void>();
  private readonly failures = new Map<string, { thrown: unknown }>();
  private readonly watchers = new Set<() => void>();

  get started(): string[] {
    return this.calls.map((a) => a.step_id);
  }

  /** Every action waits at the barrier until released. */
  holdAll(): void {
    this.holdEverything = true;
  }

  hold(...stepIds: string[]): void {
    for (const s of stepIds) this.heldSteps.add(s);
  }

  release(stepId: string): void {
    this.heldSteps.delete(stepId);
    this.gates.get(stepId)?.();
  }

  /** Lets every waiting action go and stops holding new ones. */
  releaseAll(): void {
    this.holdEverything = false;
    this.heldSteps.clear();
    for (const open of [...this.gates.values()]) open();
  }

  /** The step's action throws this value (any value, not only Errors) when it finishes. */
  failStep(stepId: string, thrown: unknown): void {
    this.failures.set(stepId, { thrown });
  }

  isWaiting(stepId: string): boolean {
    return this.gates.has(stepId);
  }

  /** Resolves once the predicate holds, re-checked whenever an action starts or finishes. */
  until(predicate: (ael: this) => boolean): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (predicate(this)) {
          this.watchers.delete(check);
          resolve();
        }
      };
      this.watchers.add(check);
    });
  }

  async execute(action: StepActionLike): Promise<unknown> {
    const step = action.step_id;
    this.calls.push(action);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.onStart?.(action);
    // The gate exists before watchers hear of the start, so until(isWaiting) can see it.
    const gate = this.holdEverything || this.heldSteps.has(step) ? new Promise<void>((open) => this.gates.set(step, open)) : null;
    this.notify();
    if (gate) {
      await gate;
      this.gates.delete(step);
    } else {
      // Yield a whole event-loop turn so that actions a runtime starts together overlap.
      await new Promise<void>((resume) => setImmediate(resume));
    }
    this.inFlight--;
    this.finished.push(step);
    this.notify();
    const failure = this.failures.get(step);
    if (failure) throw failure.thrown;
    return { status: 'executed', step_id: step };
  }

  private notify(): void {
    for (const w of [...this.watchers]) w();
  }
}

/** Resolves with the first bus event (already emitted or future) that matches. */
export function untilEvent(rt: { events(): BusEvent[]; bus: { subscribe(fn: (e: BusEvent) => void): () => void } }, match: (e: BusEvent) => boolean): Promise<BusEvent> {
  const seen = rt.events().find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const stop = rt.bus.subscribe((e) => {
      if (match(e)) {
        stop();
        resolve(e);
      }
    });
  });
}

/** Lets queued promise callbacks and immediates run: n full event-loop turns, no timers. */
export async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resume) => setImmediate(resume));
}

/** True if the promise settles within n event-loop turns. */
export async function settlesWithin<T>(promise: Promise<T>, n = 50): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < n && !settled; i++) await turns(1);
  return settled;
}
