// Measured cases as report rows, with throughput and ratios against the lower bound and
// the peers timed on the same graph in the same rounds.

import type { CaseSpec, Contender, Workload } from './cases/spec.js';
import type { MemoryReport, TimedRun } from './protocol.js';
import { othersShare, type CpuAccount } from './quiet.js';
import { median } from './stats.js';

const roundShare = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

export interface CaseRow {
  workload: Workload;
  contender: string;
  role: Contender['role'];
  size: number;
  cyclic: boolean;
  steps: number;
  edges: number;
  events: number;
  cycleFound?: boolean;
  /** Wall time of each timed run, in round order (round r of every contender ran back to back). */
  timesMs: number[];
  medianMs: number;
  cpuMs: number[];
  medianCpuMs: number;
  /** Median time per step (map) or per edge (cycle), microseconds. */
  usPerUnit: number;
  stepsPerSec: number;
  eventsPerSec: number;
  /** Share of all CPU time other processes took while this contender's runs were timed (null: runs too short to tell). */
  othersCpuShare: number | null;
  memory: MemoryReport;
  /** Median over rounds of (this run's time ÷ the named contender's run time in the same round). */
  ratios: Record<string, number>;
}

export function toRow(role: Contender['role'], spec: CaseSpec, runs: TimedRun[], cpu: CpuAccount[], memory: MemoryReport): CaseRow {
  const timesMs = runs.map((r) => r.ms);
  const cpuMs = runs.map((r) => r.cpuMs);
  const medianMs = median(timesMs);
  const r = runs.at(-1)!.result;
  const units = spec.workload === 'map' ? r.steps : r.edges;
  return {
    workload: spec.workload,
    contender: spec.contender,
    role,
    size: spec.size,
    cyclic: spec.cyclic ?? false,
    steps: r.steps,
    edges: r.edges,
    events: r.events,
    ...(r.cycle === undefined ? {} : { cycleFound: r.cycle }),
    timesMs,
    medianMs,
    cpuMs,
    medianCpuMs: median(cpuMs),
    usPerUnit: (medianMs * 1000) / units,
    stepsPerSec: r.steps / (medianMs / 1000),
    eventsPerSec: r.events / (medianMs / 1000),
    othersCpuShare: roundShare(othersShare(cpu)),
    memory,
    ratios: {},
  };
}

const sameGraph = (a: CaseRow, b: CaseRow) => a.workload === b.workload && a.size === b.size && a.cyclic === b.cyclic;

/** Pairing runs of the same round cancels most of the drift in machine load between rounds. */
function pairedRatio(a: CaseRow, b: CaseRow): number {
  const n = Math.min(a.timesMs.length, b.timesMs.length);
  return median(Array.from({ length: n }, (_, i) => a.timesMs[i]! / b.timesMs[i]!));
}

/** Fills each row's ratios against the lower bound ('lower-bound') and every peer by name. */
export function addRatios(rows: CaseRow[]): void {
  for (const row of rows) {
    for (const other of rows) {
      if (!sameGraph(row, other) || other === row) continue;
      if (other.role === 'lower-bound') row.ratios['lower-bound'] = pairedRatio(row, other);
      if (other.role === 'peer') row.ratios[other.contender] = pairedRatio(row, other);
    }
  }
}
