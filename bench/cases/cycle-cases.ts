// Cycle-detection contenders on one layered graph of `size` edges: the runtime's own
// findCycle and topoOrder, Kahn over typed arrays (lower bound), graphology-dag and
// dependency-graph (peers). Every contender starts from the plan's form of the graph
// (string ids + dependency lists) except Kahn, which gets the integer CSR; Kahn after a
// string→position Map shows what starting from strings costs at the least.

import { kahnHasCycle } from '../baselines/kahn.js';
import { indexStrings } from '../baselines/string-index.js';
import { DEFAULT_SHAPE, layeredDag, withOneCycle, type BenchDag } from '../dag.js';
import { toStringDag, type StringDag } from '../inputs.js';
import { depGraphOrder } from '../peers/dependency-graph.js';
import { graphologyHasCycle, graphologyTopoSort } from '../peers/graphology.js';
import { findCycle, topoOrder } from '../../src/runtime/psg/dag.js';
import type { CaseSpec, Contender, RunResult } from './spec.js';

function graphFor(spec: CaseSpec): BenchDag {
  const dag = layeredDag({ ...DEFAULT_SHAPE, nodes: Math.round(spec.size / DEFAULT_SHAPE.meanDegree) });
  return spec.cyclic ? withOneCycle(dag) : dag;
}

function onStrings(name: string, role: Contender['role'], detect: (dag: StringDag) => boolean): Contender {
  return {
    name,
    role,
    async prepare(spec) {
      const dag = graphFor(spec);
      const strings = toStringDag(dag, DEFAULT_SHAPE.seed);
      const result = (cycle: boolean): RunResult => ({ steps: dag.nodes, edges: dag.edges, events: 0, cycle });
      return { run: async () => result(detect(strings)) };
    },
  };
}

export const cycleContenders: Contender[] = [
  onStrings('runtime.findCycle', 'subject', (g) => findCycle(g.ids, g.deps) !== null),
  onStrings('runtime.topoOrder', 'subject', (g) => topoOrder(g.ids, g.deps) === null),
  {
    name: 'kahn',
    role: 'lower-bound',
    async prepare(spec) {
      const dag = graphFor(spec);
      return { run: async () => ({ steps: dag.nodes, edges: dag.edges, events: 0, cycle: kahnHasCycle(dag) }) };
    },
  },
  onStrings('kahn+string-index', 'baseline', (g) => kahnHasCycle(indexStrings(g))),
  onStrings('graphology-dag.hasCycle', 'peer', graphologyHasCycle),
  onStrings('graphology-dag.topologicalSort', 'peer', (g) => graphologyTopoSort(g) === null),
  onStrings('dependency-graph.overallOrder', 'peer', (g) => depGraphOrder(g) === null),
];
