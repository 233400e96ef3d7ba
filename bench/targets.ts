// The issue's targets, checked against the measurements (reported, never asserted).

import type { CaseRow } from './rows.js';
import type { Growth } from './tables.js';
import { fixed, sig } from './format.js';

export interface TargetCheck {
  target: string;
  met: boolean;
  measured: string;
}

/** Issue 19's MAP targets, as ratios measured side by side: steps, then the most the runtime may take. */
const MAP_TARGETS: readonly { steps: number; lowerBound?: number; peer?: number }[] = [
  { steps: 100_000, lowerBound: 8, peer: 0.4 },
  { steps: 1_000_000, peer: 0.4 },
];
/** Peak RSS of the runtime's memory process at 100k steps (input and Node included). */
const PEAK_RSS_MIB_AT_100K = 400;
/** Log-log slope counted as linear: 10% above 1 absorbs GC and cache effects at 100k. */
const LINEAR_SLOPE = 1.1;

export function checkTargets(rows: CaseRow[], growth: Growth[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const t of MAP_TARGETS) {
    const runtime = rows.find((r) => r.workload === 'map' && r.contender === 'runtime' && r.size === t.steps);
    if (!runtime) continue;
    if (t.lowerBound !== undefined) {
      const lb = runtime.ratios['lower-bound'] ?? NaN;
      checks.push({ target: `MAP ${t.steps} steps within ${t.lowerBound}× the minimal executor`, met: lb <= t.lowerBound, measured: `${sig(lb)}×` });
    }
    const peers = Object.entries(runtime.ratios).filter(([name]) => name !== 'lower-bound');
    if (t.peer !== undefined) {
      checks.push({
        target: `MAP ${t.steps} steps within ${t.peer}× every peer's time`,
        met: peers.length > 0 && peers.every(([, r]) => r <= t.peer!),
        measured: peers.map(([name, r]) => `${sig(r)}× ${name}`).join(', '),
      });
    }
    if (t.steps === 100_000) {
      checks.push({ target: `peak RSS at ${t.steps} steps ≤ ${PEAK_RSS_MIB_AT_100K} MiB`, met: runtime.memory.maxRssMiB <= PEAK_RSS_MIB_AT_100K, measured: `${fixed(runtime.memory.maxRssMiB, 0)} MiB` });
    }
  }
  const mapGrowth = growth.find((g) => g.contender === 'runtime' && g.unit === 'step');
  if (mapGrowth) {
    checks.push({
      target: `MAP linear growth (log-log slope ≤ ${LINEAR_SLOPE})`,
      met: mapGrowth.exponent <= LINEAR_SLOPE,
      measured: `slope ${fixed(mapGrowth.exponent, 2)}, µs/step ${Object.entries(mapGrowth.usPerUnit).map(([s, v]) => `${s}: ${sig(v)}`).join(', ')}`,
    });
  }
  const largestCycle = Math.max(...rows.filter((r) => r.workload === 'cycle').map((r) => r.size));
  for (const cyclic of [false, true]) {
    const find = rows.find((r) => r.workload === 'cycle' && r.contender === 'runtime.findCycle' && r.size === largestCycle && r.cyclic === cyclic);
    if (!find) continue;
    const peers = Object.entries(find.ratios).filter(([name]) => name !== 'lower-bound');
    checks.push({
      target: `findCycle on ${find.edges} edges (${cyclic ? 'one cycle' : 'acyclic'}) faster than every peer`,
      met: peers.length > 0 && peers.every(([, r]) => r < 1),
      measured: `${sig(find.ratios['lower-bound'] ?? NaN)}× Kahn; ${peers.map(([name, r]) => `${sig(r)}× ${name}`).join(', ')}`,
    });
  }
  return checks;
}

/** The event history's targets: memory per retained event and the cost of reading every event back. */
export function eventTargets(r: { retainedBytesPerEvent: number; readNsPerEvent: { all: number } }): TargetCheck[] {
  return [
    { target: '≤ 200 bytes of heap per retained event', met: r.retainedBytesPerEvent <= 200, measured: `${fixed(r.retainedBytesPerEvent, 0)} B` },
    { target: 'reading all events back ≤ 1 µs/event', met: r.readNsPerEvent.all <= 1_000, measured: `${sig(r.readNsPerEvent.all)} ns/event` },
  ];
}

/** Every contender must agree with how the graph was built, or its timing means nothing. */
export function cycleAnswersWrong(rows: CaseRow[]): CaseRow[] {
  return rows.filter((r) => r.workload === 'cycle' && r.cycleFound !== r.cyclic);
}
