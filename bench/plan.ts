// Which cases run, at which sizes, with how many warm-up and timed repeats.

import type { CaseSpec, Workload } from './cases/spec.js';

export interface PlannedCase {
  spec: Omit<CaseSpec, 'contender'>;
  warmup: number;
  repeats: number;
}

export const MAP_SIZES = [1_000, 10_000, 100_000, 1_000_000];
export const CYCLE_EDGES = [10_000, 100_000, 1_000_000];

export function benchPlan(options: { quick: boolean; workloads: readonly Workload[] }): PlannedCase[] {
  // Small cases need many warm-up runs before V8 has optimised them. From 100k on, one run
  // warms up within itself and takes seconds (minutes for the slowest peers), so one warm-up
  // and three timed runs keep `npm run bench` near a quarter of an hour; at 1M (half a minute
  // per p-graph run) two timed runs and no warm-up.
  const warmup = (size: number) => (size >= 1_000_000 ? 0 : options.quick ? 1 : size <= 1_000 ? 20 : size <= 10_000 ? 5 : 1);
  const repeats = (size: number) => (size >= 1_000_000 ? (options.quick ? 1 : 2) : options.quick ? 3 : size <= 1_000 ? 11 : size <= 10_000 ? 7 : 3);
  const planned: PlannedCase[] = [];
  if (options.workloads.includes('map')) {
    for (const size of MAP_SIZES) planned.push({ spec: { workload: 'map', size }, warmup: warmup(size), repeats: repeats(size) });
  }
  if (options.workloads.includes('cycle')) {
    for (const size of CYCLE_EDGES) planned.push({ spec: { workload: 'cycle', size, cyclic: false }, warmup: warmup(size), repeats: repeats(size) });
    // One cyclic graph at the largest size checks every contender finds the cycle, and times it.
    const largest = CYCLE_EDGES.at(-1)!;
    planned.push({ spec: { workload: 'cycle', size: largest, cyclic: true }, warmup: warmup(largest), repeats: repeats(largest) });
  }
  return planned;
}
