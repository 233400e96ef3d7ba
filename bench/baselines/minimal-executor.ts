// The smallest honest DAG executor: FIFO ready queue and indegree counters over typed
// arrays, at most `concurrency` steps in flight, one awaited no-op call per step. Its time
// is the floor for what any runtime can do with the same work, hence the lower bound.

import type { BenchDag } from '../dag.js';
import { dependentsOf, indegreesOf } from './dependents.js';

export type StepCall = (step: number) => Promise<unknown>;

/** Runs every step once after its dependencies; resolves with the number of steps run. */
export function runMinimal(dag: BenchDag, call: StepCall, concurrency: number): Promise<number> {
  const { start, list } = dependentsOf(dag);
  const indegree = indegreesOf(dag);
  const queue = new Int32Array(dag.nodes);
  let head = 0, tail = 0, running = 0, done = 0;
  for (let v = 0; v < dag.nodes; v++) if (indegree[v] === 0) queue[tail++] = v;

  return new Promise((resolve, reject) => {
    if (dag.nodes === 0) return resolve(0);
    const finish = (v: number): void => {
      running--;
      done++;
      for (let j = start[v]!; j < start[v + 1]!; j++) {
        const w = list[j]!;
        if (--indegree[w]! === 0) queue[tail++] = w;
      }
      if (done === dag.nodes) resolve(done);
      else pump();
    };
    const pump = (): void => {
      while (running < concurrency && head < tail) {
        const v = queue[head++]!;
        running++;
        call(v).then(() => finish(v), reject);
      }
      if (running === 0 && done < dag.nodes) reject(new Error('stalled: the graph has a cycle'));
    };
    pump();
  });
}
