// The kit's Action Execution Layer: every step a runtime executes passes through it, so the
// kit can script each step's outcome, hold steps at barriers, and see exactly which actions
// ran, in what order and how many at once. Time is a logical clock (one tick per call start
// or end), never the wall clock, so records are identical across machines.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ActionDeclarations, ActionExecutionLayer, StepAction } from '../adapter/contract.js';

/** Files an action writes (path → UTF-8 text) or deletes, relative to the session workspace. */
export interface FileEffects {
  write?: Record<string, string>;
  remove?: string[];
}

/**
 * A step with side effects in the workspace. Its result declares them (ActionDeclarations):
 * written and removed files as `artifacts: [{ path }]`, `deliver` as `[{ path, content }]`
 * (text the runtime writes), `state` as VSL values, and `inverse` as a compensation the
 * runtime can send back (`compensation_for`), which this AEL then performs. With `then: 'fail'`
 * the effects happen and the action throws (a failure that leaves debris behind).
 */
export interface EffectScript extends FileEffects {
  kind: 'effect';
  /** Waits at this barrier before doing anything. */
  barrier?: string;
  deliver?: Record<string, string>;
  state?: Record<string, unknown>;
  inverse?: FileEffects;
  then?: 'succeed' | 'fail';
}

export type Scripted =
  | { kind: 'succeed'; result?: unknown }
  | { kind: 'fail'; message?: string }
  | { kind: 'barrier'; barrier: string; then?: 'succeed' | 'fail' }
  | EffectScript;

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

/** A compensation the runtime asked for (an action carrying `compensation_for`). */
export interface CompensationCall {
  index: number;
  step_id: string;
  /** The forward action being undone. */
  compensation_for: string;
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
  private readonly compensationRecords: CompensationCall[] = [];
  /** Inverses declared by completed effect actions, by forward action id. */
  private readonly inverses = new Map<string, { stepId: string; inverse: FileEffects }>();
  private workspace: string | undefined;
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

  /** Compensations the runtime ran through this AEL, in call order (not part of `calls`). */
  get compensations(): readonly CompensationCall[] {
    return this.compensationRecords.map((c) => ({ ...c }));
  }

  /** The session workspace effect scripts write in. */
  useWorkspace(dir: string): void {
    this.workspace = dir;
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
    const compensationFor = (action as { compensation_for?: unknown }).compensation_for;
    if (compensationFor !== undefined) return this.compensate(stepId, compensationFor);
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
      const result = await this.perform(stepId, scripted ?? this.fallback, call.action.action_id);
      this.finish(call, 'completed');
      return result;
    } catch (e) {
      this.finish(call, 'failed');
      throw e;
    }
  }

  private async perform(stepId: string, scripted: Scripted, actionId: string): Promise<unknown> {
    switch (scripted.kind) {
      case 'succeed':
        return scripted.result === undefined ? { status: 'executed', step_id: stepId } : structuredClone(scripted.result);
      case 'fail':
        // `fail: ''` rejects with an Error that has no message: a rejection must fail its step
        // whatever it carries (L3-AEL-002).
        if (scripted.message === '') throw new Error();
        throw new Error(`step ${stepId} failed (scripted): ${scripted.message ?? 'scripted failure'}`);
      case 'barrier':
        await this.gate(scripted.barrier).arrive();
        return this.perform(stepId, { kind: scripted.then ?? 'succeed' }, actionId);
      case 'effect':
        return this.effect(stepId, scripted, actionId);
    }
  }

  private async effect(stepId: string, script: EffectScript, actionId: string): Promise<ActionDeclarations & { status: string; step_id: string }> {
    if (script.barrier !== undefined) await this.gate(script.barrier).arrive();
    await this.apply(script);
    if (script.then === 'fail') throw new Error(`step ${stepId} failed (scripted) after its side effects`);
    if (script.inverse) this.inverses.set(actionId, { stepId, inverse: script.inverse });
    const artifacts = [
      ...[...Object.keys(script.write ?? {}), ...(script.remove ?? [])].map((path) => ({ path })),
      ...Object.entries(script.deliver ?? {}).map(([path, content]) => ({ path, content })),
    ];
    return {
      status: 'executed',
      step_id: stepId,
      ...(artifacts.length > 0 ? { artifacts } : {}),
      ...(script.state ? { state: structuredClone(script.state) } : {}),
      ...(script.inverse ? { compensation: { action_type: 'file_operation', description: `undo the side effects of step ${stepId}` } } : {}),
    };
  }

  /** Performs the inverse this AEL declared for `forward`, once; anything else is an anomaly. */
  private async compensate(stepId: string, forward: unknown): Promise<unknown> {
    const call: CompensationCall = { index: this.compensationRecords.length, step_id: stepId, compensation_for: String(forward), start: ++this.clock };
    this.compensationRecords.push(call);
    const done = (outcome: 'completed' | 'failed') => {
      call.end = ++this.clock;
      call.outcome = outcome;
    };
    const declared = typeof forward === 'string' ? this.inverses.get(forward) : undefined;
    const repeated = this.compensationRecords.some((c) => c !== call && c.compensation_for === call.compensation_for);
    const problem = repeated
      ? `AEL asked a second time to compensate action ${call.compensation_for} (step ${stepId})`
      : !declared
        ? `AEL asked to compensate action ${call.compensation_for} (step ${stepId}), which declared no compensation`
        : declared.stepId !== stepId
          ? `AEL asked to compensate action ${call.compensation_for} as step ${stepId}, but it ran for step ${declared.stepId}`
          : undefined;
    if (problem) {
      this.anomalyLog.push(problem);
      done('failed');
      throw new Error(problem);
    }
    try {
      await this.apply(declared!.inverse);
      done('completed');
      return { status: 'compensated', step_id: stepId, compensation_for: call.compensation_for };
    } catch (e) {
      done('failed');
      throw e;
    }
  }

  private async apply(effects: FileEffects): Promise<void> {
    if (!this.workspace) throw new Error('RecordingAEL: an effect script needs the session workspace (useWorkspace)');
    await applyFileEffects(this.workspace, effects);
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

/** Writes and deletes files under `root` (the kit's own edits; plain relative paths only). */
export async function applyFileEffects(root: string, effects: FileEffects): Promise<void> {
  const inside = (path: string) => {
    if (path.split('/').some((p) => p === '..' || p === '') || path.startsWith('/')) throw new Error(`file effect path ${path} is not a plain workspace path`);
    return join(root, path);
  };
  for (const [path, text] of Object.entries(effects.write ?? {})) {
    const file = inside(path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text, 'utf8');
  }
  for (const path of effects.remove ?? []) await rm(inside(path), { force: true });
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
