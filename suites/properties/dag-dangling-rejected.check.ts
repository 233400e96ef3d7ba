// Property: a valid DAG whose plan has a dependency on no step, or a context_id no object
// carries, is rejected at registration and changes nothing.

import { DANGLING_DEFECTS, defectivePlanCases, propertyCheck } from '../../src/generate/index.js';

export default propertyCheck({
  id: 'properties.dag.dangling-rejected',
  title: 'Generated plans with dangling references are rejected atomically',
  requirements: ['L3-DAG-003', 'L3-PSG-001', 'L3-PSG-002'],
  cases: defectivePlanCases(DANGLING_DEFECTS),
});
