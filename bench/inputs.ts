// Turns a bench DAG into the forms each contender takes as input: step ids with string
// dependency lists (what a plan carries), and full MPLP Context + Plan objects. Built before
// timing starts: making inputs is not part of any contender's cost. Inputs go through a
// JSON round trip, as plans read from a file or the network would: flat strings, and each
// dependency its own string object rather than a shared reference to the step id.

import { seededIds } from '../src/mplp/ids.js';
import type { Context, Meta, Plan, PlanStep } from '../src/mplp/types.js';
import type { BenchDag } from './dag.js';

export interface StringDag {
  ids: string[];
  deps: string[][];
}

export function toStringDag(dag: BenchDag, seed: number): StringDag {
  const idSource = seededIds(`bench-steps-${seed}`);
  const ids = Array.from({ length: dag.nodes }, () => idSource.next());
  const deps = ids.map((_, v) => {
    const out: string[] = [];
    for (let j = dag.depStart[v]!; j < dag.depStart[v + 1]!; j++) out.push(ids[dag.depList[j]!]!);
    return out;
  });
  return asParsedJson({ ids, deps });
}

export function asParsedJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const meta: Meta = { protocol_version: '1.0.0', schema_version: '1.0.0' };

export function toMplp(dag: StringDag, seed: number): { context: Context; plan: Plan } {
  const objectIds = seededIds(`bench-objects-${seed}`);
  const context: Context = {
    meta,
    context_id: objectIds.next(),
    root: { domain: 'bench', environment: 'local' },
    title: 'MAP benchmark',
    status: 'active',
  };
  const steps: PlanStep[] = dag.ids.map((step_id, i) => ({
    step_id,
    description: `no-op step ${i}`,
    status: 'pending',
    dependencies: dag.deps[i]!,
    order_index: i,
  }));
  const plan: Plan = {
    meta,
    plan_id: objectIds.next(),
    context_id: context.context_id,
    title: `No-op layered DAG of ${steps.length} steps`,
    objective: 'Measure MAP orchestration overhead',
    status: 'approved',
    steps,
  };
  return asParsedJson({ context, plan });
}
