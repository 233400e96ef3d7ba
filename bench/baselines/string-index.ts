// The least any string-keyed checker must do before Kahn: map step ids to positions and
// dependency names to a CSR. Kahn after this is the floor for input given as a plan.

import type { BenchDag } from '../dag.js';
import type { StringDag } from '../inputs.js';

export function indexStrings(dag: StringDag): BenchDag {
  const n = dag.ids.length;
  const position = new Map<string, number>();
  for (let i = 0; i < n; i++) position.set(dag.ids[i]!, i);
  let edges = 0;
  for (const d of dag.deps) edges += d.length;
  const depStart = new Int32Array(n + 1);
  const depList = new Int32Array(edges);
  let k = 0;
  for (let i = 0; i < n; i++) {
    depStart[i] = k;
    for (const dep of dag.deps[i]!) depList[k++] = position.get(dep)!;
  }
  depStart[n] = k;
  return { nodes: n, edges, layers: 0, depStart, depList };
}
