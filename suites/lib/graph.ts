// Reading a PSG export the way every check does.

import type { GraphEdge, GraphExport } from '../../src/adapter/contract.js';

/** Edges of an export whose source or target is no node of it (PSG-001: references resolve). */
export function danglingEdges(graph: GraphExport): GraphEdge[] {
  const ids = new Set(graph.nodes.map((n) => n.id));
  return graph.edges.filter((e) => !ids.has(e.from) || !ids.has(e.to));
}
