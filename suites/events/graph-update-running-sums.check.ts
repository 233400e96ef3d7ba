// L3-EVT-005: at every boundary of the representative scenario — after each load, mid-run,
// after each run and after a rejected load — the running sums of graph_update node_delta and
// edge_delta equal the node and edge counts of the PSG export.

import { isDeepStrictEqual } from 'node:util';
import { deltaSums, graphUpdates } from '../lib/events.js';
import { representativeTrail } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'events.graph-update.running-sums';

export default defineCheck({
  id: ID,
  title: 'graph_update deltas add up to the PSG node and edge counts after every operation',
  requirements: ['L3-EVT-005'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const violations: Violation[] = [];
    for (const step of trail.steps) {
      const announced = deltaSums(step.after.events);
      const exported = { nodes: step.after.graph.nodes.length, edges: step.after.graph.edges.length };
      if (!isDeepStrictEqual(announced, exported)) {
        violations.push({
          requirement: 'L3-EVT-005',
          message: `after "${step.label}" graph_update deltas add up to ${announced.nodes} nodes / ${announced.edges} edges, the PSG export has ${exported.nodes} / ${exported.edges}`,
          expected: exported,
          seen: announced,
          events: graphUpdates(trail.newEvents(step)),
        });
        break;
      }
    }
    return findings(violations, `after each of ${trail.steps.length} operations the graph_update running sums equal the PSG export's counts`);
  },
});
