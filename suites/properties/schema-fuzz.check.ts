// Property (schema fuzz): Contexts and Plans faked from our JSON Schemas are accepted and read
// back valid; the same objects with one targeted mutation (missing required property, value
// outside an enum, non-v4 id, unknown property) are rejected at registration, atomically.

import { propertyCheck, schemaFuzzCases } from '../../src/generate/index.js';

export default propertyCheck({
  id: 'properties.psg.schema-fuzz',
  title: 'Objects faked from the MPLP schemas are accepted; targeted mutations of them are rejected atomically',
  requirements: ['L3-PSG-005', 'L3-PSG-002', 'L3-PSG-006', 'L3-PSG-007'],
  cases: schemaFuzzCases(),
  numRuns: 30,
});
