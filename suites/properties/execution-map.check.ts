// Property (MAP): on generated DAGs every step runs exactly once and none starts before its
// dependencies completed; an antichain held at a barrier reaches min(size, limit) arrivals
// (parallelism proven without timing) and the overlap never exceeds the session's limit.

import { executionCases, propertyCheck } from '../../src/generate/index.js';

export default propertyCheck({
  id: 'properties.execution.map',
  title: 'MAP runs of generated DAGs: each step once, in dependency order, parallel within the limit',
  requirements: ['L3-ORCH-001', 'L3-ORCH-002', 'L3-ORCH-005', 'L3-ORCH-007', 'L3-MAP-001', 'L3-MAP-002'],
  needs: ['profile:map'],
  cases: executionCases('map'),
});
