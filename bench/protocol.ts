// Messages between the runner and a case process (see case.ts).

import type { CaseSpec, RunResult } from './cases/spec.js';

export interface CaseRequest {
  spec: CaseSpec;
  /** 'serve': prepare, then warm up and time runs on request over IPC. 'memory': one cold run, peaks only. */
  mode: 'serve' | 'memory';
}

export type ToCase = { cmd: 'warmup'; runs: number } | { cmd: 'run' };

export interface TimedRun {
  ms: number;
  /** CPU time (user + system) of the case process during the run, all threads: parallel GC counts. */
  cpuMs: number;
  result: RunResult;
}

export type FromCase = { kind: 'ready' } | { kind: 'warmed' } | ({ kind: 'ran' } & TimedRun) | { kind: 'error'; message: string };

export interface MemoryReport {
  result: RunResult;
  /** Process peak RSS over its whole life (input building included), MiB. */
  maxRssMiB: number;
  /** RSS just before the measured run, after a full GC, MiB. */
  rssBeforeMiB: number;
  /** Highest heap + external use seen during the run (sampled every 256 steps, and at the end), MiB. */
  heapPeakMiB: number;
  /** Heap + external use just before the run, after a full GC, MiB. */
  heapBeforeMiB: number;
}
