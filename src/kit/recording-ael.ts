// The kit's Action Execution Layer: every step a runtime executes passes through it, so the
// kit can script each step's outcome, hold steps at barriers, and see exactly which actions
// ran, in what order and how many at once. Time is a logical clock (one tick per call start
// or end), never the wall clock, so records are identical across machines.

import type { ActionExecutionLayer, StepAction } from '../adapter/contract.js';

export type Scripted =
  | { kind: 'succeed'; result?: unknown }
  | { kind: 'fail'; message?: string }
  | { kind: 'barrier'; barrier: string; then?: 'succeed' | 'fail' };

export interface Barrier {
  /** How many calls have reached the barrier so far. */
  readonly arrived: number;
  /** Resolves once `n` calls have arrived; rejects when `signal` aborts first. */
  waitForArrivals(n: number, signal?: AbortSignal): Promise<void>;
  /** Lets every waiting call (and every later arrival) continue. */
  release(): void;
}

export interface AelCall {
  index: number;
  step_id: string;
  plan_id: string;
  /** A deep, frozen copy of the action as received. */
  action: StepAction;
  start: number;
  end?: number;
  outcome?: 'completed' | 'failed';
}

export interface RecordingAelOptions {
  /** Outcome of steps without a script (default: succeed). */
  default?: Scripted;
  /** When true, a call for a step that was never scripted is an anomaly. */
  strict?: boolean;
}

class GateBarrier implements Barrier {
  private count = 0;
  private released = false;
  private readonly waiters: Array<{ n: number; resolve: () => void }> = [];
  private readonly held: Array<() => void> = [];

  constructor(readonly name: string) {}

  get arrived(): number {
    return this.count;
  }

  /** A call reaches the barrier: resolves when the barrier is released. */
  arrive(): Promise<void> {
    this.count += 1;
    for (const w of this.waiters.filter((w) => this.count >= w.n)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
    if (this.released) return Promise.resolve();
    return new Promise((resolve) => this.held.push(resolve));
  }

  waitForArrivals(n: number, signal?: AbortSignal): Promise<void> {
    if (this.count >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const abortError = () =>
        new Error(`barrier '${this.name}': waited for ${n} arrival(s), only ${this.count} arrived`);
      if (signal?.aborted) return reject(abortError());
      const waiter = {
        n,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(): void {
    this.released = true;
    for (const go of this.held.splice(0)) go();
  }
}

const SUCCEED: Scripted = { kind: 'succeed' };

export class RecordingAEL implements ActionExecutionLayer {
  private readonly scripts = new Map<string, Scripted>();
  private readonly barriers = new Map<string, GateBarrier>();
  private readonly records: AelCall[] = [];
  private readonly running = new Set<AelCall>();
  private readonly anomalyLog: string[] = [];
  private readonly fallback: Scripted;
  private readonly strict: boolean;
  private clock = 0;
  private peak = 0;

  constructor(opts: RecordingAelOptions = {}) {
    this.fallback = opts.default ?? SUCCEED;
    this.strict = opts.strict ?? false;
  }

  script(stepId: string, outcome: Scripted): void {
    if (typeof stepId !== 'string' || stepId === '') throw new Error('RecordingAEL.script: step id must be a non-empty string');
    this.scripts.set(stepId, outcome);
  }

  /** The barrier with this name (created on first use; the same object afterwards). */
  barrier(name: string): Barrier {
    return this.gate(name);
  }

  /** Releases every barrier, so no runtime stays stuck on the kit once a check is over. */
  releaseAll(): void {
    for (const b of this.barriers.values()) b.release();
  }

  get calls(): readonly AelCall[] {
    return this.records.map((c) => ({ ...c }));
  }

  get maxInFlight(): number {
    return this.peak;
  }

  inFlight(): string[] {
    return [...this.running].map((c) => c.step_id);
  }

  get anomalies(): string[] {
    return [...this.anomalyLog];
  }

  async execute(action: StepAction): Promise<unknown> {
    const stepId = (action as { step_id?: unknown } | null | undefined)?.step_id;
    if (typeof stepId !== 'string' || stepId === '') {
      const problem = `AEL received an action without a step_id: ${describe(action)}`;
      this.anomalyLog.push(problem);
      throw new Error(problem);
    }
    const planId = (action as { plan_id?: unknown }).plan_id;
    if (typeof planId !== 'string') this.anomalyLog.push(`AEL action for step ${stepId} has no plan_id`);
    if (this.records.some((c) => c.step_id === stepId)) this.anomalyLog.push(`AEL called a second time for step ${stepId}`);
    const scripted = this.scripts.get(stepId);
    if (scripted === undefined && this.strict) this.anomalyLog.push(`AEL called for step ${stepId}, which was never scripted`);

    const call: AelCall = {
      index: this.records.length,
      step_id: stepId,
      plan_id: typeof planId === 'string' ? planId : '',
      action: this.snapshot(action, stepId),
      start: ++this.clock,
    };
    this.records.push(call);
    this.running.add(call);
    this.peak = Math.max(this.peak, this.running.size);
    try {
      const result = await this.perform(stepId, scripted ?? this.fallback);
      this.finish(call, 'completed');
      return result;
    } catch (e) {
      this.finish(call, 'failed');
      throw e;
    }
  }

  private async perform(stepId: string, scripted: Scripted): Promise<unknown> {
    switch (scripted.kind) {
      case 'succeed':
        return scripted.result === undefined ? { status: 'executed', step_id: stepId } : structuredClone(scripted.result);
      case 'fail':
        throw new Error(`step ${stepId} failed (scripted): ${scripted.message ?? 'scripted failure'}`);
      case 'barrier':
        await this.gate(scripted.barrier).arrive();
        return this.perform(stepId, { kind: scripted.then ?? 'succeed' });
    }
  }

  private finish(call: AelCall, outcome: 'completed' | 'failed'): void {
    call.end = ++this.clock;
    call.outcome = outcome;
    this.running.delete(call);
  }

  private gate(name: string): GateBarrier {
    let b = this.barriers.get(name);
    if (!b) {
      b = new GateBarrier(name);
      this.barriers.set(name, b);
    }
    return b;
  }

  /** Copies the action so a runtime mutating it later cannot change the record. */
  private snapshot(action: StepAction, stepId: string): StepAction {
    try {
      return deepFreeze(structuredClone(action));
    } catch {
      this.anomalyLog.push(`AEL action for step ${stepId} is not plain data (it cannot be copied)`);
      return deepFreeze({ action_id: String(action.action_id), plan_id: String(action.plan_id), step_id: stepId });
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}
