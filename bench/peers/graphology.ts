// graphology + graphology-dag as cycle-detection peers. Building the graph from the plan's
// ids and dependencies is part of the cost, as indexing is for the runtime's findCycle.

import { DirectedGraph } from 'graphology';
import { hasCycle, topologicalSort } from 'graphology-dag';
import type { StringDag } from '../inputs.js';

/** Edges point from dependency to dependent, so a topological sort puts dependencies first. */
function build(dag: StringDag): DirectedGraph {
  const graph = new DirectedGraph();
  for (const id of dag.ids) graph.addNode(id);
  dag.ids.forEach((id, i) => {
    for (const dep of dag.deps[i]!) graph.addEdge(dep, id);
  });
  return graph;
}

export function graphologyHasCycle(dag: StringDag): boolean {
  return hasCycle(build(dag));
}

/** Sorted order, or null when graphology-dag reports a cycle by throwing. */
export function graphologyTopoSort(dag: StringDag): string[] | null {
  try {
    return topologicalSort(build(dag));
  } catch {
    return null;
  }
}
