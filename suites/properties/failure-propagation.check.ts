// Property: in a generated plan where one step's action fails, its (transitive) dependents
// never start and end blocked before the plan ends failed, the runtime keeps answering, and
// no step is running or changes status once the plan is terminal.

import { failurePropagationCases, propertyCheck } from '../../src/generate/index.js';

export default propertyCheck({
  id: 'properties.orchestration.failure-propagation',
  title: 'A failing step of a generated plan blocks its dependents and fails the plan',
  requirements: ['L3-ORCH-003', 'L3-AEL-002', 'L3-LIFE-010'],
  cases: failurePropagationCases(),
});
