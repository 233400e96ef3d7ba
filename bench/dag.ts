// Layered random DAGs for the benchmarks, in a compact dependency-CSR form: node i depends
// on depList[depStart[i] .. depStart[i+1]). Nodes are numbered layer by layer, so every
// dependency points to a smaller number and the graph is acyclic by construction.

import { mulberry32, randomInt } from './prng.js';

export interface BenchDag {
  nodes: number;
  edges: number;
  layers: number;
  depStart: Int32Array;
  depList: Int32Array;
}

export interface DagShape {
  nodes: number;
  seed: number;
  /** Mean dependencies per node over the whole graph (= mean out-degree). */
  meanDegree: number;
  /** Mean layer width; each layer's width is drawn from [width/2, 3·width/2]. */
  layerWidth: number;
  /** Share of dependencies drawn from any earlier layer instead of the previous one. */
  longEdgeShare: number;
}

export const DEFAULT_SHAPE: Omit<DagShape, 'nodes'> = { seed: 0x3b1d, meanDegree: 3, layerWidth: 100, longEdgeShare: 0.25 };

/** Layer boundaries: layerStart[l] is the first node of layer l; the last entry is `nodes`. */
function drawLayers(nodes: number, width: number, random: () => number): number[] {
  const starts = [0];
  let next = 0;
  while (next < nodes) {
    next = Math.min(nodes, next + randomInt(random, Math.ceil(width / 2), Math.floor((3 * width) / 2) + 1));
    starts.push(next);
  }
  return starts;
}

export function layeredDag(shape: DagShape): BenchDag {
  const { nodes, meanDegree, layerWidth, longEdgeShare } = shape;
  const random = mulberry32(shape.seed ^ nodes);
  const layerStart = drawLayers(nodes, layerWidth, random);
  const roots = layerStart[1]!;
  // Only non-root nodes have dependencies; raise their mean so the graph-wide mean is exact.
  const perNode = nodes > roots ? (meanDegree * nodes) / (nodes - roots) : 0;
  const depStart = new Int32Array(nodes + 1);
  const depList = new Int32Array(Math.ceil(perNode * 2) * nodes + 1);
  let k = 0;
  for (let layer = 1; layer + 1 < layerStart.length; layer++) {
    const prevFrom = layerStart[layer - 1]!, from = layerStart[layer]!, to = layerStart[layer + 1]!;
    for (let v = from; v < to; v++) {
      depStart[v] = k;
      // floor(x + U) has mean x, so counts spread over 1 .. 2·perNode−1 with mean perNode.
      const want = Math.floor(1 + random() * (2 * perNode - 2) + random());
      const count = Math.min(want, from);
      const first = k;
      while (k - first < count) {
        const dep = random() < longEdgeShare ? randomInt(random, 0, from) : randomInt(random, prevFrom, from);
        let duplicate = false;
        for (let j = first; j < k; j++) if (depList[j] === dep) duplicate = true;
        if (!duplicate) depList[k++] = dep;
      }
    }
  }
  depStart[nodes] = k;
  return { nodes, edges: k, layers: layerStart.length - 1, depStart, depList: depList.slice(0, k) };
}

/**
 * Same graph plus one dependency that closes a cycle: walk from the last node along first
 * dependencies down to a root, then make that root depend on the last node.
 */
export function withOneCycle(dag: BenchDag): BenchDag {
  const last = dag.nodes - 1;
  let root = last;
  while (dag.depStart[root + 1]! > dag.depStart[root]!) root = dag.depList[dag.depStart[root]!]!;
  const depStart = new Int32Array(dag.nodes + 1);
  const depList = new Int32Array(dag.edges + 1);
  let k = 0;
  for (let v = 0; v < dag.nodes; v++) {
    depStart[v] = k;
    for (let j = dag.depStart[v]!; j < dag.depStart[v + 1]!; j++) depList[k++] = dag.depList[j]!;
    if (v === root) depList[k++] = last;
  }
  depStart[dag.nodes] = k;
  return { ...dag, edges: k, depStart, depList };
}
