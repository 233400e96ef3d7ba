// Shrinking by meaning. fast-check's own shrinkers work on the raw choices behind a value;
// for graphs that is weak (dropping one raw choice renumbers everything after it). A
// semantic shrinker proposes strictly smaller *valid* values instead — this DAG without one
// step, without one edge — and keeps shrinking from whichever still fails.

import fc from 'fast-check';
import type { Dag } from './dag.js';

/** An arbitrary that generates like `inner` and shrinks through `smaller` (each candidate strictly smaller). */
export function shrinkingBy<T>(inner: fc.Arbitrary<T>, smaller: (value: T) => T[], isValue: (value: unknown) => value is T): fc.Arbitrary<T> {
  return new SemanticShrink(inner, smaller, isValue);
}

class SemanticShrink<T> extends fc.Arbitrary<T> {
  constructor(
    private readonly inner: fc.Arbitrary<T>,
    private readonly smaller: (value: T) => T[],
    private readonly isValue: (value: unknown) => value is T,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    return new fc.Value(this.inner.generate(mrng, biasFactor).value, undefined);
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.isValue(value);
  }

  shrink(value: T): fc.Stream<fc.Value<T>> {
    return fc.Stream.of(...this.smaller(value).map((v) => new fc.Value(v, undefined)));
  }
}

/** The DAG without step k; later steps move down one index. */
export function withoutStep(dag: Dag, k: number): Dag {
  const renumber = (i: number) => (i > k ? i - 1 : i);
  return { deps: dag.deps.filter((_, i) => i !== k).map((deps) => deps.filter((d) => d !== k).map(renumber)) };
}

/** New index of every old index once step k is gone (k itself maps to undefined). */
export function indexAfterRemoving(k: number): (i: number) => number | undefined {
  return (i) => (i === k ? undefined : i > k ? i - 1 : i);
}

/** The DAG without the dependency of `step` on `dep`. */
export function withoutEdge(dag: Dag, step: number, dep: number): Dag {
  return { deps: dag.deps.map((deps, i) => (i === step ? deps.filter((d) => d !== dep) : deps)) };
}

/** Every DAG one step or one edge smaller, steps first (the bigger cut). */
export function smallerDags(dag: Dag, minSteps = 1): Dag[] {
  const fewerSteps = dag.deps.length > minSteps ? dag.deps.map((_, k) => withoutStep(dag, k)) : [];
  const fewerEdges = dag.deps.flatMap((deps, i) => deps.map((d) => withoutEdge(dag, i, d)));
  return [...fewerSteps, ...fewerEdges];
}

export function isDag(value: unknown): value is Dag {
  const deps = (value as Dag | null)?.deps;
  return Array.isArray(deps) && deps.every((d, i) => Array.isArray(d) && d.every((x) => Number.isInteger(x) && x >= 0 && x < i));
}
