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
export async function idleShare(windowMs = 1000): Promise<number> {
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
    await sleep(2000);
    idle = await idleShare();
  }
  return idle;
}

/** Share of all CPU time between two snapshots used by processes other than ours (ownCpuMs). */
export function othersShare(before: CpuTimes, after: CpuTimes, ownCpuMs: number): number {
  const busy = after.busyMs - before.busyMs, idle = after.idleMs - before.idleMs;
  return busy + idle > 0 ? Math.max(0, busy - ownCpuMs) / (busy + idle) : 0;
}
