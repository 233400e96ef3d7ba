// Plan DAGs as plain data: step i depends on the steps listed in deps[i], always earlier
// indices (so every Dag is acyclic by construction). Steps are named s0, s1, ... — the same
// names golden flows give the steps of a plan read from a file. Graph helpers the generators
// and the property cases share live here, one implementation each.

export interface Dag {
  /** deps[i]: indices (< i, sorted, unique) of the steps step i depends on. */
  deps: number[][];
}

export function stepName(index: number): string {
  return `s${index}`;
}

export function stepCount(dag: Dag): number {
  return dag.deps.length;
}

export function edgeCount(dag: Dag): number {
  return dag.deps.reduce((n, d) => n + d.length, 0);
}

/** Normalises raw dependency choices: each kept index is below its step, sorted and unique. */
export function dagOf(raw: readonly (readonly number[])[]): Dag {
  return { deps: raw.map((choices, i) => (i === 0 ? [] : [...new Set(choices.map((c) => c % i))].sort((a, b) => a - b))) };
}

/** dependents[i]: steps that list i as a dependency. */
export function dependentsOf(dag: Dag): number[][] {
  const out: number[][] = dag.deps.map(() => []);
  dag.deps.forEach((deps, i) => deps.forEach((d) => out[d]!.push(i)));
  return out;
}

function closure(start: number, next: (i: number) => readonly number[]): Set<number> {
  const seen = new Set<number>();
  const stack = [...next(start)];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    stack.push(...next(i));
  }
  return seen;
}

export function ancestorsOf(dag: Dag, step: number): Set<number> {
  return closure(step, (i) => dag.deps[i]!);
}

export function descendantsOf(dag: Dag, step: number): Set<number> {
  const dependents = dependentsOf(dag);
  return closure(step, (i) => dependents[i]!);
}

/** The sub-DAG on `keep` (edges between kept steps only), renumbered in index order. */
export function restrict(dag: Dag, keep: ReadonlySet<number>): { dag: Dag; indexOf: Map<number, number> } {
  const kept = [...keep].sort((a, b) => a - b);
  const indexOf = new Map(kept.map((old, i) => [old, i]));
  return { dag: { deps: kept.map((old) => dag.deps[old]!.filter((d) => keep.has(d)).map((d) => indexOf.get(d)!)) }, indexOf };
}

/** True when no step of `steps` is an ancestor of another: they can all be ready at once. */
export function isAntichain(dag: Dag, steps: readonly number[]): boolean {
  return steps.every((s) => {
    const anc = ancestorsOf(dag, s);
    return steps.every((t) => t === s || !anc.has(t));
  });
}
