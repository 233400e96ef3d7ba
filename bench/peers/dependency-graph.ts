// dependency-graph as a cycle-detection peer: overallOrder() throws DepGraphCycleError on a cycle.

import { DepGraph, DepGraphCycleError } from 'dependency-graph';
import type { StringDag } from '../inputs.js';

/** Dependencies-first order, or null on a cycle. */
export function depGraphOrder(dag: StringDag): string[] | null {
  const graph = new DepGraph<undefined>();
  for (const id of dag.ids) graph.addNode(id);
  dag.ids.forEach((id, i) => {
    for (const dep of dag.deps[i]!) graph.addDependency(id, dep);
  });
  try {
    return graph.overallOrder();
  } catch (e) {
    if (e instanceof DepGraphCycleError) return null;
    throw e;
  }
}
