// L3-DRIFT-011: files a step's action declares become artifact nodes of the PSG. One step
// writes two files, a later step rewrites one of them: each file is tracked with its path,
// sha256, size and version (2 for the rewritten one), linked from every producing step by a
// produces edge (any spelling: PRODUCES, produces; src/kit/psg-names.ts), and graph_update covers the nodes and edges (payload lists, when the
// runtime gives them, and the running node/edge sums).

import type { GraphExport } from '../../src/adapter/contract.js';
import type { BusEvent } from '../../src/mplp/types.js';
import { defineCheck, findings, Stop, type Violation } from '../lib/verdict.js';
import { edgeEnds, isNodeOf, joins } from '../../src/kit/psg-names.js';
import { listedInUpdates } from '../lib/events.js';
import { driftGroup, graphUpdates, openWithWorkspace, runEffects, sha256 } from './support.js';

const ID = 'drift.artifacts.tracked-in-psg';
const REQ = 'L3-DRIFT-011';

const FIRST = { 'report.md': '# draft\n', 'data/table.csv': 'a,b\n1,2\n' };
const REWRITE = { 'report.md': '# final report\nwith a second line\n' };

function runningSums(graph: GraphExport, events: BusEvent[]): Violation[] {
  const updates = graphUpdates(events) as (BusEvent & { node_delta?: number; edge_delta?: number })[];
  const nodes = updates.reduce((n, e) => n + (e.node_delta ?? 0), 0);
  const edges = updates.reduce((n, e) => n + (e.edge_delta ?? 0), 0);
  if (nodes === graph.nodes.length && edges === graph.edges.length) return [];
  return [{ requirement: REQ, message: 'with artifact nodes in the PSG, the graph_update deltas no longer sum to its node and edge counts', expected: { nodes: graph.nodes.length, edges: graph.edges.length }, seen: { nodes, edges } }];
}

export default defineCheck({
  id: ID,
  title: 'Files steps produce are artifact nodes linked to their steps, covered by graph_update',
  requirements: [REQ],
  needs: ['drift'],
  async run(ctx) {
    const scenario = await openWithWorkspace(ctx, ID);
    const plan = await runEffects(scenario, 'produce', { make: { write: FIRST }, revise: { write: REWRITE } }, { revise: ['make'] });
    const status = (await scenario.readPlan(plan))?.status;
    if (status !== 'completed') throw new Stop({ message: `setup: the plan whose steps write files ended ${String(status)}`, expected: 'completed', seen: status });
    const [make, revise] = [plan.stepId('make'), plan.stepId('revise')];
    const records = await driftGroup(scenario).artifacts();
    const graph = await scenario.session.graph();
    const events = await scenario.session.events();
    const violations: Violation[] = [];
    const want = [
      { path: 'data/table.csv', text: FIRST['data/table.csv'], version: 1, producers: [make] },
      { path: 'report.md', text: REWRITE['report.md'], version: 2, producers: [make, revise] },
    ];
    const updatesListed = listedInUpdates(graphUpdates(events));
    for (const w of want) {
      const r = records.find((x) => x.path === w.path);
      const seen = r && { path: r.path, sha256: r.sha256, size: r.size, version: r.version, producers: [...r.producers].sort() };
      const expected = { path: w.path, sha256: sha256(w.text), size: Buffer.byteLength(w.text), version: w.version, producers: [...w.producers].sort() };
      if (JSON.stringify(seen) !== JSON.stringify(expected)) {
        violations.push({ requirement: REQ, message: `the PSG's record of ${w.path} is not the file its steps produced`, expected, seen: r ?? null });
        continue;
      }
      if (!graph.nodes.some((n) => n.id === r!.node_id && isNodeOf(n, 'artifact'))) violations.push({ requirement: REQ, message: `the PSG export has no node of type artifact (any spelling: artifact, ArtifactNode) with the id ${r!.node_id} the artifacts() record of ${w.path} names`, expected: { type: 'artifact', id: r!.node_id }, seen: graph.nodes.filter((n) => n.id === r!.node_id) });
      for (const step of w.producers) {
        const edge = { from: step, to: r!.node_id, type: 'produces' };
        const touching = graph.edges.filter((e) => e.to === r!.node_id || e.from === r!.node_id);
        if (!graph.edges.some((e) => joins(e, step, r!.node_id, 'produces'))) {
          violations.push({ requirement: REQ, message: `no edge of type produces (any spelling: produces, PRODUCES) joins ${plan.nameOf(step)} and the artifact node of ${w.path}; the edges at that node are ${touching.map((e) => `${e.type} ${e.from} → ${e.to}`).join(', ') || 'none'}`, expected: edge, seen: touching });
        } else if (updatesListed && !updatesListed.edges.has(edgeEnds(edge))) {
          violations.push({ requirement: REQ, message: `the graph_update payloads list edges, but none lists the produces edge between ${plan.nameOf(step)} and the artifact node of ${w.path}`, expected: edge, seen: 'not listed' });
        }
      }
      if (updatesListed && !updatesListed.nodes.has(r!.node_id)) violations.push({ requirement: REQ, message: `no graph_update lists the artifact node of ${w.path}`, expected: r!.node_id, seen: 'not listed' });
    }
    violations.push(...runningSums(graph, events));
    return findings(violations, 'both files are artifact nodes with path, sha256, size and version, linked from their producing steps, covered by graph_update');
  },
});
