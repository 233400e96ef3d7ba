// Liveness bounds of graded waits (src/kit/flows/deadline.ts): they end before the operation
// timeout, and a larger --timeout lengthens them for slow but correct runtimes.
import { describe, expect, it } from 'vitest';
import { BASE_OPERATION_TIMEOUT_MS, DEFAULT_WAIT_MS, gradedWaitMs, scaledWaitMs } from '../src/kit/flows/deadline.js';

describe('gradedWaitMs', () => {
  it('ends a wait before the operation timeout answers', () => {
    expect(gradedWaitMs(DEFAULT_WAIT_MS, BASE_OPERATION_TIMEOUT_MS)).toBe(9_000);
    expect(gradedWaitMs(DEFAULT_WAIT_MS, 5_000)).toBe(4_000);
    expect(gradedWaitMs(2_000, 1_000)).toBe(800);
  });

  it('keeps a wait as written when there is no operation timeout or the wait ends first', () => {
    expect(gradedWaitMs(3_000, undefined)).toBe(3_000);
    expect(gradedWaitMs(3_000, BASE_OPERATION_TIMEOUT_MS)).toBe(3_000);
  });

  it('lengthens waits in proportion to a --timeout above the default', () => {
    expect(gradedWaitMs(DEFAULT_WAIT_MS, 60_000)).toBe(59_000);
    expect(gradedWaitMs(3_000, 60_000)).toBe(18_000);
    expect(gradedWaitMs(3_000, 20_000)).toBe(6_000);
  });
});

describe('scaledWaitMs', () => {
  it('keeps a bound at or below the default timeout and grows it above', () => {
    expect(scaledWaitMs(DEFAULT_WAIT_MS, undefined)).toBe(DEFAULT_WAIT_MS);
    expect(scaledWaitMs(DEFAULT_WAIT_MS, 1_500)).toBe(DEFAULT_WAIT_MS);
    expect(scaledWaitMs(DEFAULT_WAIT_MS, 30_000)).toBe(30_000);
  });
});
