// L3-MAP-001 / L3-ORCH-007 for whatever concurrency limit the kit runs with (the golden flow
// map-concurrency-limit covers limits 2–7 with eight steps): limit + 2 independent steps wait
// at one barrier. Exactly `limit` of them must arrive (the runtime uses its parallelism) and
// no more while it holds; after release the peak never exceeded the limit.

import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'map.overlap.reaches-limit';
const GATE = 'map-wide';

export default defineCheck({
  id: ID,
  title: 'MAP runs exactly as many independent steps at once as the limit allows',
  requirements: ['L3-MAP-001', 'L3-ORCH-007'],
  needs: ['profile:map'],
  async run(ctx) {
    const limit = ctx.maxConcurrency;
    const s = await Scenario.open(ctx, ID);
    const names = Array.from({ length: limit + 2 }, (_, i) => `w${i + 1}`);
    const plan = s.plan('wide', { steps: Object.fromEntries(names.map((n) => [n, {}])), actions: Object.fromEntries(names.map((n) => [n, { barrier: GATE }])) });
    await s.loadApproved(plan);
    const run = s.start(plan, 'map');
    await s.arrivals(GATE, limit, 'L3-MAP-001');
    await s.quiesce();
    const violations: Violation[] = [];
    const arrived = s.ael.barrier(GATE).arrived;
    if (arrived > limit) violations.push({ requirement: 'L3-ORCH-007', message: `${arrived} step actions were running at once with a limit of ${limit}`, expected: `≤ ${limit}`, seen: s.ael.inFlight().map((id) => plan.nameOf(id)) });
    s.release(GATE);
    await s.finish(run, 'L3-MAP-001');
    if (violations.length === 0 && s.ael.maxInFlight > limit) {
      violations.push({ requirement: 'L3-ORCH-007', message: `the peak of step actions running at once was ${s.ael.maxInFlight} with a limit of ${limit}`, expected: `≤ ${limit}`, seen: s.ael.maxInFlight });
    }
    return findings(violations, `${limit} of ${names.length} independent steps ran at once, never more`);
  },
});
