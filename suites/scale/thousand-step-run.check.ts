// Scale (issue 16): a plan of more than a thousand steps, run once under each claimed profile
// as a golden flow built in code — a root, a fan-out of more than twice the concurrency limit,
// a chain of 1,000 steps beside it and a join of them all, order_index values in the thousands.
// The session reaches thousands of events. Every rule a run of it shows is graded the way the
// golden flows grade it: the plan and every step complete (ORCH-005, LIFE-009), each step runs
// once through the AEL (ORCH-002) with well-formed actions (AEL-003), after its dependencies
// (ORCH-001; the join after the last of its branches, MAP-002), within the limit (ORCH-007; one
// at a time under SA, SA-001) and under MAP up to the limit (MAP-001); exactly 4 + 2n
// pipeline_stage events forming each resource's chain (EVT-001/002/003/009, ORCH-006) and a
// runtime_execution pair per action (EVT-010); graph_update sums equal to the PSG (EVT-004/005);
// every event valid, unique and in order (EVT-006/007/008); objects read back valid with their
// ids and statuses (PSG-004/006); a terminal trace segment per step, trace history append-only
// from mid-run on (TRACE-001/002/003); the SA events and invariants (SA-003/005/006) and the
// MAP session events (MAP-003/004).

import type { StepSpec } from '../../src/kit/flows/spec.js';
import { generatedFlowCheck } from '../lib/generated-flow.js';

export const CHAIN = 1000;

/** root → (fan-out of `wide`, chain of CHAIN) → join; order_index counts down from the thousands. */
export function thousandStepPlan(wide: number): Record<string, StepSpec> {
  const steps: Record<string, StepSpec> = {};
  let order = 1 + wide + CHAIN + 1 + 10;
  steps['root'] = { order_index: order-- };
  for (let i = 0; i < wide; i++) steps[`w${i}`] = { after: ['root'], order_index: order-- };
  for (let i = 0; i < CHAIN; i++) steps[`c${i}`] = { after: [i === 0 ? 'root' : `c${i - 1}`], order_index: order-- };
  steps['join'] = { after: [...Array.from({ length: wide }, (_, i) => `w${i}`), `c${CHAIN - 1}`], order_index: order-- };
  return steps;
}

export default generatedFlowCheck({
  id: 'scale.thousand-step-run',
  title: 'A plan of more than a thousand steps runs to completion under each profile, every execution and event rule kept',
  requirements: [
    'L3-ORCH-005', 'L3-ORCH-001', 'L3-ORCH-002', 'L3-ORCH-006', 'L3-ORCH-007', 'L3-LIFE-009', 'L3-AEL-003', 'L3-SA-001', 'L3-MAP-001', 'L3-MAP-002',
    'L3-EVT-001', 'L3-EVT-002', 'L3-EVT-003', 'L3-EVT-004', 'L3-EVT-005', 'L3-EVT-006', 'L3-EVT-007', 'L3-EVT-008', 'L3-EVT-009', 'L3-EVT-010',
    'L3-PSG-004', 'L3-PSG-006', 'L3-TRACE-001', 'L3-TRACE-002', 'L3-TRACE-003', 'L3-SA-003', 'L3-SA-005', 'L3-SA-006', 'L3-MAP-003', 'L3-MAP-004',
  ],
  profiles: ['sa', 'map'],
  source: import.meta.url,
  flow(ctx, profile) {
    const wide = 2 * ctx.maxConcurrency + 3;
    const steps = thousandStepPlan(wide);
    const n = Object.keys(steps).length;
    const fan = Object.fromEntries(Array.from({ length: wide }, (_, i) => [`w${i}`, { barrier: 'fan' }]));
    // The join starts only after every branch completed: its last dependencies, named.
    const joins = ['c999', 'w0', `w${wide - 1}`].map((d) => `${d}.completed < join.in_progress`);
    return {
      ...(profile === 'map' ? { collab: { mode: 'broadcast' as const, participants: { orchestrator: {}, worker: {} } } } : {}),
      plan: { steps },
      actions: fan,
      operations: [
        { load: {} },
        { transition: { target: 'plan', to: 'proposed' } },
        { confirm: { status: 'approved' } },
        { run: { background: true } },
        // SA holds one fan-out step at a time, MAP the limit of them at once (and no more).
        { await_barrier: { name: 'fan', arrivals: profile === 'sa' ? 1 : 'limit' } },
        { snapshot: 'mid' },
        { release_barrier: 'fan' },
        { await_run: { timeout_ms: 30_000, expect: { plan: 'completed' } } },
      ],
      expect: {
        final: { plan: 'completed', all_steps: 'completed' },
        events: { pipeline_stage: 4 + 2 * n, runtime_execution: 2 * n },
        ael: { calls: n, actions_valid: true },
        max_overlap: profile === 'sa' ? 1 : '<= limit',
        order: joins,
        events_valid: true,
        chains: true,
        graph_deltas: true,
        objects_valid: true,
        profile_invariants: true,
        trace: { segments: '>= executed', segments_terminal: true, append_only_since: 'mid' },
        ...(profile === 'sa' ? { sa_run: true } : { map_run: true }),
      },
    };
  },
});
