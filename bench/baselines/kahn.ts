// Kahn's algorithm over typed arrays: the lower bound for cycle detection (it must touch
// every node and edge once, and does nothing else).

import type { BenchDag } from '../dag.js';
import { dependentsOf, indegreesOf } from './dependents.js';

/** True when the graph has a cycle (some node never reaches indegree 0). */
export function kahnHasCycle(dag: BenchDag): boolean {
  const { start, list } = dependentsOf(dag);
  const indegree = indegreesOf(dag);
  const queue = new Int32Array(dag.nodes);
  let head = 0, tail = 0;
  for (let v = 0; v < dag.nodes; v++) if (indegree[v] === 0) queue[tail++] = v;
  while (head < tail) {
    const v = queue[head++]!;
    for (let j = start[v]!; j < start[v + 1]!; j++) {
      const w = list[j]!;
      if (--indegree[w]! === 0) queue[tail++] = w;
    }
  }
  return tail !== dag.nodes;
}
