// Reading a PSG export the way every check does.

import type { GraphEdge, GraphExport } from '../../src/adapter/contract.js';
import { edgeEnds } from '../../src/kit/psg-names.js';

/** Edges of an export whose source or target is no node of it (PSG-001: references resolve). */
export function danglingEdges(graph: GraphExport): GraphEdge[] {
  const ids = new Set(graph.nodes.map((n) => n.id));
  return graph.edges.filter((e) => !ids.has(e.from) || !ids.has(e.to));
}

/** Node ids and edges (by endpoints, src/kit/psg-names.ts) present in one export and not in the other, both ways. */
export function structuralDiff(before: GraphExport, after: GraphExport): { nodes: string[]; edges: string[] } {
  const ids = (g: GraphExport) => new Set(g.nodes.map((n) => n.id));
  const keys = (g: GraphExport) => new Set(g.edges.map((e: GraphEdge) => edgeEnds(e)));
  const sym = (a: Set<string>, b: Set<string>) => [...[...a].filter((x) => !b.has(x)), ...[...b].filter((x) => !a.has(x))];
  return { nodes: sym(ids(before), ids(after)), edges: sym(keys(before), keys(after)) };
}
