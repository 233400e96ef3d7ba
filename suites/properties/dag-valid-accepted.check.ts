// Property: any valid plan DAG (chains, fan-outs, diamond lattices, random layered and random
// graphs) is accepted and reads back schema-valid, with its ids and every step pending.

import { propertyCheck, validPlanCases } from '../../src/generate/index.js';

export default propertyCheck({
  id: 'properties.dag.valid-accepted',
  title: 'Generated valid plan DAGs are accepted and read back as registered',
  requirements: ['L3-PSG-007', 'L3-PSG-004', 'L3-PSG-006'],
  cases: validPlanCases(),
});
