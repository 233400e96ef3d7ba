// Property: a valid DAG with a cycle planted in it — a back edge, a self-loop or a long ring
// behind the valid steps — is rejected at registration and changes nothing.

import { CYCLIC_DEFECTS, defectivePlanCases, propertyCheck } from '../../src/generate/index.js';

export default propertyCheck({
  id: 'properties.dag.cycles-rejected',
  title: 'Generated cyclic plans are rejected atomically',
  requirements: ['L3-DAG-001', 'L3-DAG-002', 'L3-PSG-002'],
  cases: defectivePlanCases(CYCLIC_DEFECTS),
});
