// Scale and phase (issue 16): pausing and resuming a plan of more than a thousand steps, under
// each claimed profile. The root runs held at a barrier while its thousand dependents (a fan-out,
// far more than twice the limit) wait; the plan is paused and the root released: it finishes
// (PAUSE-002) and, while paused, none of the thousand starts (PAUSE-001). After the resume the
// ready steps start — one at a time under SA (SA-001), the limit at once under MAP (MAP-001),
// never more (ORCH-007) — and the plan runs to its normal end (PAUSE-004).

import { generatedFlowCheck } from '../lib/generated-flow.js';

export const FAN = 1000;

export default generatedFlowCheck({
  id: 'scale.thousand-step-pause',
  title: 'A thousand ready steps stay unstarted while their plan is paused; after the resume they start within the limit and the plan completes',
  requirements: ['L3-PAUSE-001', 'L3-PAUSE-002', 'L3-PAUSE-004', 'L3-ORCH-007', 'L3-SA-001', 'L3-MAP-001'],
  needs: ['pauseResume'],
  profiles: ['sa', 'map'],
  source: import.meta.url,
  flow(_ctx, profile) {
    const steps = { root: {}, ...Object.fromEntries(Array.from({ length: FAN }, (_, i) => [`f${i}`, { after: ['root'] }])) };
    const fan = Object.fromEntries(Array.from({ length: FAN }, (_, i) => [`f${i}`, { barrier: 'fan' }]));
    return {
      plan: { status: 'approved', steps },
      actions: { root: { barrier: 'root' }, ...fan },
      operations: [
        { load: {} },
        { run: { background: true } },
        { await_barrier: { name: 'root', arrivals: 1 } },
        { pause: {} },
        { release_barrier: 'root' },
        // Bounded below the adapter's operation timeout: a runtime that keeps scheduling never answers paused.
        { await_run: { timeout_ms: 3_000, expect: { paused: true, plan: 'in_progress', about: ['L3-PAUSE-001'] } } },
        { check: { about: ['L3-PAUSE-002'], final: { plan: 'in_progress', steps: { root: 'completed', f0: 'pending', [`f${FAN - 1}`]: 'pending' } } } },
        { check: { about: ['L3-PAUSE-001'], ael: { calls: 1 } } },
        { resume: {} },
        { run: { background: true } },
        { await_barrier: { name: 'fan', arrivals: profile === 'sa' ? 1 : 'limit' } },
        { release_barrier: 'fan' },
        { await_run: { timeout_ms: 30_000, expect: { plan: 'completed', about: ['L3-PAUSE-004'] } } },
      ],
      expect: {
        about: ['L3-PAUSE-004'],
        final: { plan: 'completed', all_steps: 'completed' },
        also: [{ about: ['L3-ORCH-007', 'L3-SA-001', 'L3-MAP-001'], max_overlap: profile === 'sa' ? 1 : '<= limit' }],
      },
    };
  },
});
