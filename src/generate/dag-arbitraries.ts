// fast-check arbitraries of valid plan DAGs of configurable size and shape: chains, wide
// fan-outs, diamond lattices (layers fully joined to the previous one), random layered graphs
// and unconstrained random DAGs. Every DAG shrinks towards fewer steps and fewer edges.

import fc from 'fast-check';
import { dagOf, type Dag } from './dag.js';
import { isDag, shrinkingBy, smallerDags } from './shrink.js';

export type DagShape = 'chain' | 'fan-out' | 'diamond-lattice' | 'layered' | 'random';

export const DAG_SHAPES: readonly DagShape[] = ['chain', 'fan-out', 'diamond-lattice', 'layered', 'random'];

export interface DagOptions {
  /** Fewest steps (default 1). */
  minSteps?: number;
  /** Most steps (default 8). */
  maxSteps?: number;
  /** Shapes to draw from (default all). */
  shapes?: readonly DagShape[];
}

/** s0 ← s1 ← … ← s(n-1). */
export function chainDag(steps: number): Dag {
  return { deps: Array.from({ length: steps }, (_, i) => (i === 0 ? [] : [i - 1])) };
}

/** One root and `width` steps that all depend on it. */
export function fanOutDag(width: number): Dag {
  return { deps: [[], ...Array.from({ length: width }, () => [0])] };
}

/** A source, `height` layers of `width` steps each depending on every step of the layer before, and a sink. */
export function latticeDag(width: number, height: number): Dag {
  const deps: number[][] = [[]];
  let previous = [0];
  for (let layer = 0; layer < height; layer++) {
    const current: number[] = [];
    for (let k = 0; k < width; k++) {
      current.push(deps.length);
      deps.push([...previous]);
    }
    previous = current;
  }
  deps.push([...previous]);
  return { deps };
}

/** Layers of steps; each step depends on the steps of the previous layer its choices pick. */
export function layeredDag(layers: readonly (readonly (readonly number[])[])[]): Dag {
  const deps: number[][] = [];
  let previous: number[] = [];
  for (const layer of layers) {
    const current: number[] = [];
    for (const choices of layer) {
      current.push(deps.length);
      const picked = previous.length === 0 ? [] : [...new Set(choices.map((c) => previous[c % previous.length]!))];
      deps.push(picked.sort((a, b) => a - b));
    }
    previous = current;
  }
  return { deps };
}

function truncate(dag: Dag, maxSteps: number): Dag {
  return { deps: dag.deps.slice(0, maxSteps) };
}

function shapeArbitrary(shape: DagShape, min: number, max: number): fc.Arbitrary<Dag> {
  switch (shape) {
    case 'chain':
      return fc.integer({ min, max }).map(chainDag);
    case 'fan-out':
      return fc.integer({ min: Math.max(0, min - 1), max: max - 1 }).map(fanOutDag);
    case 'diamond-lattice': {
      const widest = Math.max(1, max - 2);
      return fc
        .tuple(fc.integer({ min: 1, max: Math.min(widest, 4) }), fc.integer({ min: 1, max: widest }))
        .map(([w, h]) => latticeDag(w, Math.max(1, Math.min(h, Math.floor((max - 2) / w)))));
    }
    case 'layered':
      return fc
        .array(fc.array(fc.array(fc.nat({ max: 7 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: max })
        .map((layers) => truncate(layeredDag(layers), max));
    case 'random':
      return fc.array(fc.array(fc.nat({ max: 31 }), { maxLength: 4 }), { minLength: min, maxLength: max }).map(dagOf);
  }
}

/** Valid DAGs within the step bounds, drawn from the requested shapes; shrinks by removing steps and edges. */
export function dagArbitrary(options: DagOptions = {}): fc.Arbitrary<Dag> {
  const min = Math.max(1, options.minSteps ?? 1);
  const max = Math.max(min, options.maxSteps ?? 8);
  // A lattice has a source, a layer and a sink: at least three steps.
  const shapes = (options.shapes ?? DAG_SHAPES).filter((s) => s !== 'diamond-lattice' || max >= 3);
  if (shapes.length === 0) throw new Error(`no DAG shape fits ${min}..${max} steps`);
  const drawn = fc.oneof(...shapes.map((s) => shapeArbitrary(s, min, max))).filter((d) => d.deps.length >= min && d.deps.length <= max);
  return shrinkingBy(drawn, (d) => smallerDags(d, min), isDag);
}
