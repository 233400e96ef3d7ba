// L3-DRIFT-011: files a step's action declares become artifact nodes of the PSG. One step
// writes two files, a later step rewrites one of them: each file is tracked with its path,
// sha256, size and version (2 for the rewritten one), linked from every producing step by a
// produces edge, and graph_update covers the nodes and edges (payload lists, when the
// runtime gives them, and the running node/edge sums).

import type { GraphExport } from '../../src/adapter/contract.js';
import type { BusEvent } from '../../src/mplp/types.js';
import { defineCheck, findings, Stop, type Violation } from '../lib/verdict.js';
import { driftGroup, graphUpdates, openWithWorkspace, runEffects, sha256 } from './support.js';

const ID = 'drift.artifacts.tracked-in-psg';
const REQ = 'L3-DRIFT-011';

const FIRST = { 'report.md': '# draft\n', 'data/table.csv': 'a,b\n1,2\n' };
const REWRITE = { 'report.md': '# final report\nwith a second line\n' };

/** Node ids and edge keys graph_update payloads list (digest §5.4 [KIT]), when they list any. */
function listed(updates: BusEvent[]): { nodes: Set<string>; edges: Set<string> } | undefined {
  const payloads = updates.map((e) => (e.payload ?? {}) as { nodes?: unknown; edges?: unknown });
  if (!payloads.some((p) => Array.isArray(p.nodes))) return undefined;
  const nodes = new Set<string>();
  const edges = new Set<string>();
  for (const p of payloads) {
    for (const n of Array.isArray(p.nodes) ? p.nodes : []) nodes.add(String((n as { id?: unknown }).id));
    for (const e of Array.isArray(p.edges) ? p.edges : []) {
      const { from, to, type } = e as { from?: unknown; to?: unknown; type?: unknown };
      edges.add(`${String(type)}:${String(from)}→${String(to)}`);
    }
  }
  return { nodes, edges };
}

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
    const edgeKeys = new Set(graph.edges.map((e) => `${e.type}:${e.from}→${e.to}`));
    const updatesListed = listed(graphUpdates(events));
    for (const w of want) {
      const r = records.find((x) => x.path === w.path);
      const seen = r && { path: r.path, sha256: r.sha256, size: r.size, version: r.version, producers: [...r.producers].sort() };
      const expected = { path: w.path, sha256: sha256(w.text), size: Buffer.byteLength(w.text), version: w.version, producers: [...w.producers].sort() };
      if (JSON.stringify(seen) !== JSON.stringify(expected)) {
        violations.push({ requirement: REQ, message: `the PSG's record of ${w.path} is not the file its steps produced`, expected, seen: r ?? null });
        continue;
      }
      if (!graph.nodes.some((n) => n.id === r!.node_id && n.type === 'artifact')) violations.push({ requirement: REQ, message: `the artifact node of ${w.path} is not in the PSG export`, expected: { type: 'artifact', id: r!.node_id }, seen: graph.nodes.filter((n) => n.type === 'artifact') });
      for (const step of w.producers) {
        const key = `produces:${step}→${r!.node_id}`;
        if (!edgeKeys.has(key)) violations.push({ requirement: REQ, message: `no produces edge from ${plan.nameOf(step)} to the artifact node of ${w.path}`, expected: key, seen: graph.edges.filter((e) => e.to === r!.node_id) });
        else if (updatesListed && !updatesListed.edges.has(key)) violations.push({ requirement: REQ, message: `no graph_update lists the produces edge ${key}`, expected: key, seen: 'not listed' });
      }
      if (updatesListed && !updatesListed.nodes.has(r!.node_id)) violations.push({ requirement: REQ, message: `no graph_update lists the artifact node of ${w.path}`, expected: r!.node_id, seen: 'not listed' });
    }
    violations.push(...runningSums(graph, events));
    return findings(violations, 'both files are artifact nodes with path, sha256, size and version, linked from their producing steps, covered by graph_update');
  },
});
