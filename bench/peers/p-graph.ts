// p-graph as an executor peer: same ids and dependencies, same no-op call, same concurrency.

import { PGraph, type PGraphNode } from 'p-graph';
import type { StringDag } from '../inputs.js';

/** Builds the p-graph (cycle check included, as p-graph does in its constructor) and runs it. */
export async function runPGraph(dag: StringDag, call: (id: string) => Promise<unknown>, concurrency: number): Promise<number> {
  const nodes = new Map<string, PGraphNode>();
  for (const id of dag.ids) nodes.set(id, {});
  const edges: [string, string][] = [];
  dag.ids.forEach((id, i) => {
    for (const dep of dag.deps[i]!) edges.push([dep, id]);
  });
  let ran = 0;
  await new PGraph(nodes, edges).run({ concurrency, run: (id) => (ran++, call(id)) });
  return ran;
}
