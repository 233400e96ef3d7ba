// Reverse CSR (who depends on whom) shared by the typed-array baselines.

import type { BenchDag } from '../dag.js';

export interface Dependents {
  start: Int32Array;
  list: Int32Array;
}

export function dependentsOf(dag: BenchDag): Dependents {
  const start = new Int32Array(dag.nodes + 1);
  for (let j = 0; j < dag.edges; j++) start[dag.depList[j]! + 1]!++;
  for (let v = 0; v < dag.nodes; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, dag.nodes);
  const list = new Int32Array(dag.edges);
  for (let v = 0; v < dag.nodes; v++) {
    for (let j = dag.depStart[v]!; j < dag.depStart[v + 1]!; j++) list[fill[dag.depList[j]!]!++] = v;
  }
  return { start, list };
}

export function indegreesOf(dag: BenchDag): Int32Array {
  const indegree = new Int32Array(dag.nodes);
  for (let v = 0; v < dag.nodes; v++) indegree[v] = dag.depStart[v + 1]! - dag.depStart[v]!;
  return indegree;
}
