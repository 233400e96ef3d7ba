// The machine may be shared (other test runs, compilers). Before each timing process we
// wait, within a limit, until the CPUs are mostly idle; while it runs we measure how much
// CPU everything else used. A disturbed measurement then shows in the report instead of
// silently skewing the ratios.

import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** Idle share a case must see before its timing process starts (unless the wait runs out). */
export const QUIET_IDLE_SHARE = 0.9;
/** Share of all CPU time taken by other processes above which a case counts as disturbed. */
export const DISTURBED_SHARE = 0.1;

export interface CpuTimes {
  idleMs: number;
  busyMs: number;
}

export function cpuTimes(): CpuTimes {
  let idleMs = 0, busyMs = 0;
  for (const { times } of cpus()) {
    idleMs += times.idle;
    busyMs += times.user + times.nice + times.sys + times.irq;
  }
  return { idleMs, busyMs };
}

/** Share of CPU time spent idle across all CPUs over `windowMs`. */
export async function idleShare(windowMs = 500): Promise<number> {
  const a = cpuTimes();
  await sleep(windowMs);
  const b = cpuTimes();
  const idle = b.idleMs - a.idleMs, busy = b.busyMs - a.busyMs;
  return idle + busy > 0 ? idle / (idle + busy) : 1;
}

/** Waits until idle share ≥ minIdle or maxWaitMs passed; returns the last idle share seen. */
export async function waitForQuiet(minIdle: number, maxWaitMs: number): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let idle = await idleShare();
  while (idle < minIdle && Date.now() < deadline) {
    await sleep(500);
    idle = await idleShare();
  }
  return idle;
}

/** CPU time the machine spent while we timed something, and what our process used of it. */
export interface CpuAccount {
  busyMs: number;
  idleMs: number;
  ownMs: number;
  wallMs: number;
}

export function account(before: CpuTimes, after: CpuTimes, ownMs: number, wallMs: number): CpuAccount {
  return { busyMs: after.busyMs - before.busyMs, idleMs: after.idleMs - before.idleMs, ownMs, wallMs };
}

/** The kernel counts CPU time in ticks (often 10 ms), so shorter spans say little. */
const MIN_ACCOUNTED_WALL_MS = 500;

/**
 * Share of all CPU time that processes other than ours took over the accounted runs, or
 * null when the runs were too short in total to tell.
 */
export function othersShare(accounts: readonly CpuAccount[]): number | null {
  const sum = (k: keyof CpuAccount) => accounts.reduce((t, a) => t + a[k], 0);
  if (sum('wallMs') < MIN_ACCOUNTED_WALL_MS) return null;
  const total = sum('busyMs') + sum('idleMs');
  return total > 0 ? Math.max(0, sum('busyMs') - sum('ownMs')) / total : null;
}
