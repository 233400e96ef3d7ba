// L3-EVT-004 for a registration that adds many nodes and edges in one load: a plan of forty
// steps in a chain (its nodes, its step and dependency edges, its Context and Trace). A large
// batch is where a runtime may keep its change in another form; every node and edge the PSG
// export gained must still come with graph_update events, and when their payloads list what
// changed (digest §5.4 [KIT]: payload.nodes [{id}], payload.edges [{from, to}]), each one must
// be listed. Edges are compared by their endpoints (src/kit/psg-names.ts).

import { graphUpdates, listedInUpdates } from '../lib/events.js';
import { structuralDiff } from '../lib/graph.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'events.graph-update.covers-large-registration';
const REQ = 'L3-EVT-004';
const STEPS = 40;

export default defineCheck({
  id: ID,
  title: 'Every node and edge a forty-step plan registration adds to the PSG is covered by graph_update events, and listed when payloads list changes',
  requirements: [REQ],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const steps = Object.fromEntries(Array.from({ length: STEPS }, (_, i) => [`s${i}`, i === 0 ? {} : { after: [`s${i - 1}`] }]));
    const plan = s.plan('chain', { status: 'approved', steps });
    const [before, eventsBefore] = [await s.session.graph(), (await s.session.events()).length];
    await s.loadOk(plan);
    const [after, events] = [await s.session.graph(), await s.session.events()];
    const diff = structuralDiff(before, after);
    const updates = graphUpdates(events.slice(eventsBefore));
    const violations: Violation[] = [];
    const what = `${diff.nodes.length} node(s) and ${diff.edges.length} edge(s)`;
    if (updates.length === 0) {
      violations.push({ requirement: REQ, message: `registering a plan of ${STEPS} steps added ${what} to the PSG without any graph_update`, expected: 'at least one graph_update in the same operation', seen: diff });
    } else {
      const named = listedInUpdates(updates);
      if (named) {
        const missing = { nodes: diff.nodes.filter((n) => !named.nodes.has(n)), edges: diff.edges.filter((e) => !named.edges.has(e)) };
        if (missing.nodes.length + missing.edges.length > 0) {
          violations.push({ requirement: REQ, message: `registering a plan of ${STEPS} steps added ${what}; its graph_update payloads leave out ${missing.nodes.length} node(s) and ${missing.edges.length} edge(s)`, expected: 'every added node and edge listed', seen: missing, events: updates });
        }
      }
    }
    return findings(violations, `registering a plan of ${STEPS} steps added ${what} to the PSG, all covered by its graph_update events`);
  },
});
