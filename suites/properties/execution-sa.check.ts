// Property (SA): on generated DAGs, with some independent steps held at a barrier, every step
// runs exactly once, none starts before its dependencies completed, and no two step actions
// ever overlap on the AEL's logical clock.

import { executionCases, propertyCheck } from '../../src/generate/index.js';

export default propertyCheck({
  id: 'properties.execution.sa',
  title: 'SA runs of generated DAGs: each step once, in dependency order, one at a time',
  requirements: ['L3-SA-001', 'L3-ORCH-001', 'L3-ORCH-002', 'L3-ORCH-005'],
  needs: ['profile:sa'],
  cases: executionCases('sa'),
});
