// Durable backends store JSON text. JSON.stringify would quietly turn NaN into null and a Date
// into a string, so a value is checked first and anything JSON cannot carry is refused with
// the path to it. As in JSON, object properties whose value is undefined are left out.

/** The JSON text of `value`, or a TypeError naming the first part JSON cannot hold. */
export function toJsonText(value: unknown): string {
  const problem = nonJson(value, '$', new Set());
  if (problem !== undefined) throw new TypeError(`the value is not JSON: ${problem}`);
  return JSON.stringify(value);
}

function nonJson(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}`;
    case 'object':
      break;
    default:
      return `${path} is ${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`}`;
  }
  if (value === null) return undefined;
  if (ancestors.has(value)) return `${path} refers back to an enclosing object (a cycle)`;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) return `${path}[${i}] is a hole in a sparse array`;
        const p = nonJson(value[i], `${path}[${i}]`, ancestors);
        if (p !== undefined) return p;
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return `${path} is a ${(value as object).constructor?.name ?? 'non-plain object'}, not a plain object`;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const p = nonJson(v, `${path}.${k}`, ancestors);
      if (p !== undefined) return p;
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
}
