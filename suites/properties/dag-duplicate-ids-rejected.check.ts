// Property: a valid DAG in which two steps share a step_id is rejected at registration and
// changes nothing.

import { defectivePlanCases, propertyCheck } from '../../src/generate/index.js';

export default propertyCheck({
  id: 'properties.dag.duplicate-ids-rejected',
  title: 'Generated plans with a duplicate step_id are rejected atomically',
  requirements: ['L3-PSG-003', 'L3-PSG-002'],
  cases: defectivePlanCases(['duplicate-id']),
});
