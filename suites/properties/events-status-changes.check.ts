// Property: over generated runs (some with a failing step) every plan and step status change
// emits exactly one pipeline_stage event, each resource's events form its exact chain, the
// graph_update deltas add up to the exported PSG, and every event is schema-valid.

import { propertyCheck, statusEventCases } from '../../src/generate/index.js';

export default propertyCheck({
  id: 'properties.events.status-changes',
  title: 'Generated runs emit one pipeline_stage event per status change, valid events and exact graph deltas',
  requirements: ['L3-EVT-001', 'L3-EVT-002', 'L3-EVT-003', 'L3-EVT-005', 'L3-EVT-006', 'L3-EVT-009'],
  cases: statusEventCases(),
});
