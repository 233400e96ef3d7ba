// Deep copies: what a VSL stores and hands out, what crosses an adapter boundary. structuredClone
// costs microseconds even for a small object and the runtime copies on every status change, so
// plain data (plain objects, arrays, primitives) is copied by a walk; anything else (a Date, a
// Map, a cycle, a sparse array, a function) goes to structuredClone, which copies or refuses
// it exactly as before.

const MAX_WALK_DEPTH = 64;

class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain();

function walk(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol') throw NOT_PLAIN;
    return value;
  }
  if (depth > MAX_WALK_DEPTH) throw NOT_PLAIN;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw NOT_PLAIN;
      out[i] = walk(value[i], depth + 1);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = walk((value as Record<string, unknown>)[key], depth + 1);
  return out;
}

/** A deep copy of `value`, as structuredClone makes it. */
export function copyValue<T>(value: T): T {
  try {
    return walk(value, 0) as T;
  } catch (e) {
    if (e !== NOT_PLAIN) throw e;
    return structuredClone(value);
  }
}
