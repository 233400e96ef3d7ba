// L3-EVT-004 where the PSG shrinks: nodes and edges are removed, not only added. A step writes
// the standard drift workspace; one file is then modified, one deleted and one created by hand,
// and fs-wins makes the PSG take the workspace as it is (SEED-L3 §6 option 2, L3-DRIFT-007): the
// deleted file's artifact node goes, with the edge that pointed at it, and the new file's node
// comes. Every node and edge the PSG export gained or lost in that reconciliation must come
// with graph_update events, and when their payloads list what changed (digest §5.4 [KIT]:
// payload.nodes [{id}], payload.edges [{from, to}]), each removed node and edge must be listed
// as well as each added one. Edges are compared by their endpoints (src/kit/psg-names.ts).

import type { ReconcileResult } from '../../src/adapter/contract.js';
import { accepted, ALL_EDITS, BASE_FILES, editFiles, trackedWorkspace } from '../drift/support.js';
import { graphUpdates, listedInUpdates } from '../lib/events.js';
import { structuralDiff } from '../lib/graph.js';
import { defineCheck, findings, Stop, type Violation } from '../lib/verdict.js';

const ID = 'events.graph-update.covers-removals';
const REQ = 'L3-EVT-004';

export default defineCheck({
  id: ID,
  title: 'The nodes and edges fs-wins removes from the PSG are covered by graph_update events, and listed when payloads list changes',
  requirements: [REQ],
  needs: ['drift'],
  async run(ctx) {
    const t = await trackedWorkspace(ctx, ID, BASE_FILES, 'L3-DRIFT-007');
    const session = t.scenario.session;
    await editFiles(t.workspace, ALL_EDITS);
    const [before, eventsBefore] = [await session.graph(), (await session.events()).length];
    accepted<ReconcileResult>('reconcile(fs-wins)', await t.drift.reconcile('fs-wins'), 'L3-DRIFT-007');
    const [after, events] = [await session.graph(), await session.events()];
    const diff = structuralDiff(before, after);
    const removedNodes = diff.nodes.filter((id) => before.nodes.some((n) => n.id === id));
    if (removedNodes.length === 0) {
      throw new Stop({ requirement: 'L3-DRIFT-007', message: 'fs-wins removed no node from the PSG export although a tracked file was deleted', expected: 'the artifact node of gone.txt removed', seen: { nodes: after.nodes.length } });
    }
    const updates = graphUpdates(events.slice(eventsBefore));
    const violations: Violation[] = [];
    const what = `${diff.nodes.length} node(s) and ${diff.edges.length} edge(s)`;
    if (updates.length === 0) {
      violations.push({ requirement: REQ, message: `fs-wins changed ${what} of the PSG without any graph_update`, expected: 'at least one graph_update in the same operation', seen: diff });
    } else {
      const named = listedInUpdates(updates);
      if (named) {
        const missing = { nodes: diff.nodes.filter((n) => !named.nodes.has(n)), edges: diff.edges.filter((e) => !named.edges.has(e)) };
        if (missing.nodes.length + missing.edges.length > 0) {
          violations.push({ requirement: REQ, message: `fs-wins changed ${what}; its graph_update payloads leave out ${missing.nodes.length} node(s) and ${missing.edges.length} edge(s)`, expected: 'every added or removed node and edge listed', seen: missing, events: updates });
        }
      }
    }
    return findings(violations, `fs-wins changed ${what} of the PSG (${removedNodes.length} node(s) removed), all covered by its graph_update events`);
  },
});
