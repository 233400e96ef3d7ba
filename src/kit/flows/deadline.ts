// Liveness bounds for waits on the runtime. A wait that outlives its bound is a verdict
// (the runtime did not progress); the check's own abort signal is a harness stop.

import { HarnessError } from './observe.js';

/** Default bound for awaiting a run or barrier arrivals. */
export const DEFAULT_WAIT_MS = 10_000;

/** The operation timeout (--timeout) the kit's liveness bounds are written for: its default. */
export const BASE_OPERATION_TIMEOUT_MS = 10_000;

/**
 * A liveness bound scaled to the operation timeout: a runtime that is slow but correct (a
 * persistent VSL, a remote AEL) is given more time by raising --timeout, and a bound written for
 * the default timeout grows in the same proportion (it never shrinks).
 */
export function scaledWaitMs(wanted: number, operationTimeoutMs: number | undefined): number {
  if (operationTimeoutMs === undefined) return wanted;
  return wanted * Math.max(1, operationTimeoutMs / BASE_OPERATION_TIMEOUT_MS);
}

/** A graded wait's bound: scaled, and ended early enough before the operation timeout that the
 *  wait, not the guard, answers (a run that never ends is then a failure, not an adapter fault). */
export function gradedWaitMs(wanted: number, operationTimeoutMs: number | undefined): number {
  if (operationTimeoutMs === undefined) return wanted;
  return Math.min(scaledWaitMs(wanted, operationTimeoutMs), Math.max(1, operationTimeoutMs - Math.min(1000, operationTimeoutMs / 5)));
}

export type Waited<T> = { done: true; value: T } | { done: false };

/** Awaits `work` for at most `ms`; throws HarnessError when the check itself is aborted. */
export async function within<T>(work: Promise<T>, ms: number, signal: AbortSignal): Promise<Waited<T>> {
  if (signal.aborted) throw new HarnessError('the check ran out of time');
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<Waited<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new HarnessError('the check ran out of time'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work.then((value) => ({ done: true as const, value })), timeout, aborted]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** An AbortSignal that fires after `ms` or when `parent` fires. */
export function boundedSignal(parent: AbortSignal, ms: number): AbortSignal {
  return AbortSignal.any([parent, AbortSignal.timeout(ms)]);
}
