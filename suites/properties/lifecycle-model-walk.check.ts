// Property (model-based): random walks of plan, step and Context status changes, Confirm
// decisions, runs and cancels — forbidden ones included — agree with the L2 model built on
// the tables of src/mplp/transitions.ts: what the model accepts is accepted and leads to the
// model's statuses, what it forbids is rejected and changes nothing.

import { lifecycleWalkCases, propertyCheck } from '../../src/generate/index.js';

export default propertyCheck({
  id: 'properties.lifecycle.model-walk',
  title: 'Random operation walks agree with the L2 lifecycle model',
  requirements: ['L3-LIFE-001', 'L3-LIFE-002', 'L3-LIFE-003', 'L3-LIFE-004', 'L3-LIFE-005', 'L3-LIFE-007', 'L3-LIFE-008', 'L3-LIFE-009', 'L3-LIFE-010', 'L3-LIFE-011', 'L3-APPR-003', 'L3-APPR-005'],
  cases: lifecycleWalkCases({ pauseResume: false }),
});
