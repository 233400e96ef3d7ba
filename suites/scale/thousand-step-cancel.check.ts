// Scale and phase (issue 16): cancelling a plan of more than a thousand steps, under each
// claimed profile. The root runs held at a barrier while its thousand dependents (a fan-out, far
// more than twice the limit) wait; the plan is cancelled and the root released. The root
// finishes and records its outcome before the plan ends cancelled (ORCH-009), none of the
// thousand starts after the cancel was answered (ORCH-004), and once the plan is terminal no
// step is running or starts (LIFE-010).

import { generatedFlowCheck } from '../lib/generated-flow.js';

export const FAN = 1000;

export default generatedFlowCheck({
  id: 'scale.thousand-step-cancel',
  title: 'Cancelling a plan with a thousand ready steps lets the running one finish and starts none of them',
  requirements: ['L3-ORCH-004', 'L3-ORCH-009', 'L3-LIFE-010'],
  profiles: ['sa', 'map'],
  source: import.meta.url,
  flow() {
    const steps = { root: {}, ...Object.fromEntries(Array.from({ length: FAN }, (_, i) => [`f${i}`, { after: ['root'] }])) };
    return {
      plan: { status: 'approved', steps },
      actions: { root: { barrier: 'root' } },
      operations: [
        { load: {} },
        { run: { background: true } },
        { await_barrier: { name: 'root', arrivals: 1 } },
        { cancel: { background: true } },
        { release_barrier: 'root' },
        { await_cancel: {} },
        { await_run: { expect: { plan: 'cancelled' } } },
      ],
      expect: {
        final: { plan: 'cancelled' },
        ael: { calls: 1, called: ['root'], not_called: ['f0', `f${FAN - 1}`] },
        no_step_running_after_end: true,
        also: [{ about: ['L3-ORCH-009'], final: { steps: { root: 'completed' } }, order: ['root.completed < plan.cancelled'] }],
      },
    };
  },
});
