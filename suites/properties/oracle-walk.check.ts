// Property (model oracle, issue 16): random walks of status changes, Confirm decisions, runs
// (some with failing actions), cancels and — when claimed — pause/resume, on plans of one to
// four steps. After every operation the L2 oracle (src/generate/l2-model.ts) predicts the
// whole observable picture — statuses through get() and graph(), every plan and step
// pipeline_stage change within the spec's latitude, the steps the AEL ran and never ran, the
// dependency order — and the walk's end adds the event, graph and overlap invariants. The
// first difference is reported, charged to the requirement its expectation speaks for.

import { lifecycleWalkCases, propertyCheck } from '../../src/generate/index.js';

export default propertyCheck({
  id: 'properties.oracle.model-walk',
  title: 'Random operation walks match the L2 oracle: statuses via get() and graph(), every stage event, AEL calls',
  requirements: [
    'L3-LIFE-001', 'L3-LIFE-002', 'L3-LIFE-003', 'L3-LIFE-004', 'L3-LIFE-005', 'L3-LIFE-007', 'L3-LIFE-008', 'L3-LIFE-009', 'L3-LIFE-010',
    'L3-APPR-003', 'L3-APPR-005',
    'L3-ORCH-001', 'L3-ORCH-005', 'L3-ORCH-007',
    'L3-EVT-001', 'L3-EVT-002', 'L3-EVT-003', 'L3-EVT-005', 'L3-EVT-006', 'L3-EVT-007', 'L3-EVT-008', 'L3-EVT-009',
    'L3-PSG-004', 'L3-PSG-006', 'L3-SA-001',
  ],
  cases: lifecycleWalkCases({ pauseResume: false, oracle: true }),
});
