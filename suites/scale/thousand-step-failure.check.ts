// Scale and phase (issue 16): a step failing at the top of a plan of more than a thousand steps,
// under each claimed profile. The root's action throws (AEL-002: the step fails, the plan
// follows the failure rules and the runtime keeps answering). Below it: a fan-out of more than
// twice the limit, a diamond and a chain of 1,000 steps. None of them may start; the direct
// dependents become blocked and the plan ends failed (ORCH-003, SHOULD); once the plan is
// terminal no step runs or starts (LIFE-010).

import type { StepSpec } from '../../src/kit/flows/spec.js';
import { generatedFlowCheck } from '../lib/generated-flow.js';

export const CHAIN = 1000;

export default generatedFlowCheck({
  id: 'scale.thousand-step-failure',
  title: 'A failure at the root of a thousand-step plan starts none of its dependents, blocks them and fails the plan',
  requirements: ['L3-AEL-002', 'L3-ORCH-003', 'L3-LIFE-010'],
  profiles: ['sa', 'map'],
  source: import.meta.url,
  flow(ctx) {
    const wide = 2 * ctx.maxConcurrency + 3;
    const steps: Record<string, StepSpec> = { root: {} };
    for (let i = 0; i < wide; i++) steps[`w${i}`] = { after: ['root'] };
    steps['left'] = { after: ['root'] };
    steps['right'] = { after: ['root'] };
    steps['join'] = { after: ['left', 'right'] };
    for (let i = 0; i < CHAIN; i++) steps[`c${i}`] = { after: [i === 0 ? 'root' : `c${i - 1}`] };
    const direct = ['w0', `w${wide - 1}`, 'left', 'right', 'c0'];
    return {
      plan: { status: 'approved', steps },
      actions: { root: { fail: 'scripted failure at the root' } },
      operations: [{ load: {} }, { run: { expect: { plan: 'failed' } } }],
      expect: {
        final: { plan: 'failed', steps: { root: 'failed' } },
        ael: { calls: 1, not_called: [...direct, 'join', `c${CHAIN - 1}`] },
        no_step_running_after_end: true,
        also: [{ about: ['L3-ORCH-003'], final: { steps: Object.fromEntries(direct.map((d) => [d, 'blocked'])) }, order: direct.map((d) => `root.failed < ${d}.blocked`) }],
      },
    };
  },
});
