// The issue's targets, checked against the measurements (reported, never asserted).

import type { CaseRow } from './rows.js';
import type { Growth } from './tables.js';
import { fixed, sig } from './format.js';

export interface TargetCheck {
  target: string;
  met: boolean;
  measured: string;
}

const LOWER_BOUND_FACTOR = 5;
/** Log-log slope counted as linear: 10% above 1 absorbs GC and cache effects at 100k. */
const LINEAR_SLOPE = 1.1;

export function checkTargets(rows: CaseRow[], growth: Growth[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const largestMap = Math.max(...rows.filter((r) => r.workload === 'map').map((r) => r.size));
  const runtime = rows.find((r) => r.workload === 'map' && r.contender === 'runtime' && r.size === largestMap);
  if (runtime) {
    const lb = runtime.ratios['lower-bound'] ?? NaN;
    checks.push({ target: `MAP ${largestMap} steps within ${LOWER_BOUND_FACTOR}× the lower bound`, met: lb <= LOWER_BOUND_FACTOR, measured: `${sig(lb)}×` });
    const peers = Object.entries(runtime.ratios).filter(([name]) => name !== 'lower-bound');
    checks.push({
      target: `MAP ${largestMap} steps faster than every peer`,
      met: peers.length > 0 && peers.every(([, r]) => r < 1),
      measured: peers.map(([name, r]) => `${sig(r)}× ${name}`).join(', '),
    });
  }
  const mapGrowth = growth.find((g) => g.contender === 'runtime' && g.unit === 'step');
  if (mapGrowth) {
    checks.push({
      target: `MAP linear growth 1k→100k (log-log slope ≤ ${LINEAR_SLOPE})`,
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

/** Every contender must agree with how the graph was built, or its timing means nothing. */
export function cycleAnswersWrong(rows: CaseRow[]): CaseRow[] {
  return rows.filter((r) => r.workload === 'cycle' && r.cycleFound !== r.cyclic);
}
