// MAP execution contenders: the same layered no-op DAG run with concurrency 8 by the
// reference runtime, the minimal typed-array executor (lower bound) and p-graph (peer).

import { runMinimal } from '../baselines/minimal-executor.js';
import { DEFAULT_SHAPE, layeredDag } from '../dag.js';
import { toMplp, toStringDag } from '../inputs.js';
import { makeNoop } from '../noop.js';
import { runPGraph } from '../peers/p-graph.js';
import { CONCURRENCY, type CaseSpec, type Contender } from './spec.js';

function expectAllRan(who: string, ran: number, steps: number): void {
  if (ran !== steps) throw new Error(`${who} ran ${ran} of ${steps} steps`);
}

const dagFor = (spec: CaseSpec) => layeredDag({ ...DEFAULT_SHAPE, nodes: spec.size });

export const mapContenders: Contender[] = [
  {
    name: 'runtime',
    role: 'subject',
    async prepare(spec, hook) {
      // Imported here so the baselines and peers still run while the runtime is being changed.
      const { benchCollab, runtimeMap, verifyMapRun } = await import('../runtime-map.js');
      const dag = dagFor(spec);
      const { context, plan } = toMplp(toStringDag(dag, DEFAULT_SHAPE.seed), DEFAULT_SHAPE.seed);
      const bundle = { context, plan, collab: benchCollab(context, CONCURRENCY) };
      const noop = makeNoop(hook);
      let last: Awaited<ReturnType<typeof runtimeMap>> | undefined;
      return {
        run: async () => {
          last = undefined; // let the previous runtime be collected before this run
          last = await runtimeMap(bundle, noop, CONCURRENCY);
          return { steps: plan.steps.length, edges: dag.edges, events: last.events };
        },
        verify: () => verifyMapRun(last!, plan.steps.length),
      };
    },
  },
  {
    name: 'minimal-executor',
    role: 'lower-bound',
    async prepare(spec, hook) {
      const dag = dagFor(spec);
      const noop = makeNoop(hook);
      let ran = 0;
      return {
        run: async () => {
          ran = await runMinimal(dag, noop, CONCURRENCY);
          return { steps: dag.nodes, edges: dag.edges, events: 0 };
        },
        verify: () => expectAllRan('minimal executor', ran, dag.nodes),
      };
    },
  },
  {
    name: 'p-graph',
    role: 'peer',
    async prepare(spec, hook) {
      const dag = dagFor(spec);
      const strings = toStringDag(dag, DEFAULT_SHAPE.seed);
      const noop = makeNoop(hook);
      let ran = 0;
      return {
        run: async () => {
          ran = await runPGraph(strings, noop, CONCURRENCY);
          return { steps: dag.nodes, edges: dag.edges, events: 0 };
        },
        verify: () => expectAllRan('p-graph', ran, dag.nodes),
      };
    },
  },
];
