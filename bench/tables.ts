// The report's tables: MAP execution, cycle detection, and per-step growth.

import type { CaseRow } from './rows.js';
import { count, fixed, markdownTable, rate, ratio, sig } from './format.js';
import { growthExponent } from './stats.js';

/** Peak RSS of the fresh process with its RSS just before the run, and the run's heap growth. */
const memoryCells = (r: CaseRow) => [`${fixed(r.memory.maxRssMiB, 0)} (${fixed(r.memory.rssBeforeMiB, 0)})`, fixed(r.memory.heapPeakMiB - r.memory.heapBeforeMiB)];
const peersOf = (rows: CaseRow[]) => [...new Set(rows.filter((r) => r.role === 'peer').map((r) => r.contender))];

export function mapTable(rows: CaseRow[]): string {
  const peers = peersOf(rows);
  return markdownTable(
    ['contender', 'steps', 'edges', 'median ms', 'CPU ms', 'µs/step', 'steps/s', 'events/s', 'peak RSS MiB (before run)', 'heap+ext Δ MiB', '× lower bound', ...peers.map((p) => `× ${p}`)],
    rows.map((r) => [
      r.contender, count(r.size), String(r.edges), sig(r.medianMs), sig(r.medianCpuMs), sig(r.usPerUnit), rate(r.stepsPerSec), rate(r.eventsPerSec),
      ...memoryCells(r), r.role === 'lower-bound' ? '1×' : ratio(r.ratios['lower-bound']), ...peers.map((p) => (p === r.contender ? '1×' : ratio(r.ratios[p]))),
    ]),
  );
}

export function cycleTable(rows: CaseRow[]): string {
  const peers = peersOf(rows);
  return markdownTable(
    ['contender', 'edges', 'nodes', 'cycle', 'median ms', 'CPU ms', 'ns/edge', 'nodes/s', 'peak RSS MiB (before run)', 'heap+ext Δ MiB', '× Kahn', ...peers.map((p) => `× ${p}`)],
    rows.map((r) => [
      r.contender, String(r.edges), String(r.steps), r.cyclic ? 'yes' : 'no', sig(r.medianMs), sig(r.medianCpuMs), sig(r.usPerUnit * 1000), rate(r.stepsPerSec),
      ...memoryCells(r), r.role === 'lower-bound' ? '1×' : ratio(r.ratios['lower-bound']), ...peers.map((p) => (p === r.contender ? '1×' : ratio(r.ratios[p]))),
    ]),
  );
}

export interface Growth {
  contender: string;
  unit: 'step' | 'edge';
  /** Median µs per unit at each size. */
  usPerUnit: Record<string, number>;
  /** Per-unit time at the largest size over that at the smallest: 1 = perfectly linear. */
  largestOverSmallest: number;
  /** Slope of log time against log size: 1 = linear. */
  exponent: number;
}

/** Growth of each contender over the acyclic graphs of every size. */
export function growthOf(rows: CaseRow[]): Growth[] {
  const acyclic = rows.filter((r) => !r.cyclic);
  return [...new Set(acyclic.map((r) => r.contender))].map((contender) => {
    const mine = acyclic.filter((r) => r.contender === contender).sort((a, b) => a.size - b.size);
    const units = (r: CaseRow) => (r.workload === 'map' ? r.steps : r.edges);
    return {
      contender,
      unit: mine[0]!.workload === 'map' ? 'step' : 'edge',
      usPerUnit: Object.fromEntries(mine.map((r) => [count(r.size), r.usPerUnit])),
      largestOverSmallest: mine.at(-1)!.usPerUnit / mine[0]!.usPerUnit,
      exponent: mine.length > 1 ? growthExponent(mine.map((r) => ({ size: units(r), ms: r.medianMs }))) : NaN,
    };
  });
}

export function growthTable(growth: Growth[]): string {
  const sizes = [...new Set(growth.flatMap((g) => Object.keys(g.usPerUnit)))];
  return markdownTable(
    ['contender', ...sizes.map((s) => `µs/${growth[0]?.unit ?? 'unit'} @${s}`), 'largest/smallest', 'log-log slope'],
    growth.map((g) => [g.contender, ...sizes.map((s) => sig(g.usPerUnit[s] ?? NaN)), ratio(g.largestOverSmallest), fixed(g.exponent, 2)]),
  );
}
