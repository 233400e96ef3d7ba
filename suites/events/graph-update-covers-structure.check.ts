// L3-EVT-004: every structural PSG change is covered by a graph_update. For each operation
// of the representative scenario the nodes and edges added or removed in the PSG export
// must come with graph_update events in the same window; when the runtime's graph_update
// payloads list what changed (digest §5.4 [KIT]: payload.nodes [{id}], payload.edges
// [{from, to}]), every added or removed node and edge must be listed. Edges are compared by
// their endpoints: their type names and direction are the runtime's to spell (src/kit/psg-names.ts).

import { graphUpdates, listedInUpdates } from '../lib/events.js';
import { structuralDiff } from '../lib/graph.js';
import { representativeTrail } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'events.graph-update.covers-structure';

export default defineCheck({
  id: ID,
  title: 'Every node or edge added to or removed from the PSG is covered by a graph_update',
  requirements: ['L3-EVT-004'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const violations: Violation[] = [];
    for (const step of trail.steps) {
      const diff = structuralDiff(step.before.graph, step.after.graph);
      if (diff.nodes.length + diff.edges.length === 0) continue;
      const updates = graphUpdates(trail.newEvents(step));
      const what = `${diff.nodes.length} node(s) and ${diff.edges.length} edge(s)`;
      if (updates.length === 0) {
        violations.push({ requirement: 'L3-EVT-004', message: `"${step.label}" changed ${what} of the PSG without any graph_update`, expected: 'at least one graph_update in the same operation', seen: { nodes: diff.nodes, edges: diff.edges } });
        continue;
      }
      const named = listedInUpdates(updates);
      if (!named) continue;
      const missing = { nodes: diff.nodes.filter((n) => !named.nodes.has(n)), edges: diff.edges.filter((e) => !named.edges.has(e)) };
      if (missing.nodes.length + missing.edges.length > 0) {
        violations.push({ requirement: 'L3-EVT-004', message: `"${step.label}" changed ${what}; its graph_update payloads leave out ${missing.nodes.length} node(s) and ${missing.edges.length} edge(s)`, expected: 'every added or removed node and edge listed', seen: missing, events: updates });
      }
    }
    return findings(violations, `every operation that changed the PSG structure emitted graph_update events covering each node and edge`);
  },
});
