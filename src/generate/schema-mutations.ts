// Targeted mutations that make a schema-valid object invalid in exactly one way: a required
// property removed, an enum value replaced, a v4 id rewritten (uppercase, or another UUID
// version), an unknown property added to a closed object. A mutation names its kind and
// the path it applies at, so it survives the shrinking of the object around it.

import { editAt, getAt, isIdSchema, sites, type JsonSchema, type Path } from './schema-objects.js';

export type MutationKind = 'missing-required' | 'wrong-enum' | 'non-v4-id' | 'extra-property';

export const MUTATION_KINDS: readonly MutationKind[] = ['missing-required', 'wrong-enum', 'non-v4-id', 'extra-property'];

export interface SchemaMutation {
  kind: MutationKind;
  /** Where: the removed key, the enum value, the id, or the closed object. */
  path: Path;
  /** non-v4-id: 0 uppercase, 1 version-1 UUID. */
  variant: number;
}

export const EXTRA_PROPERTY = 'x_not_in_schema';
export const WRONG_ENUM_VALUE = 'not_in_enum';

/** Paths a mutation of this kind can apply at; `keep` protects paths a reader needs intact. */
export function mutationSites(value: unknown, schema: JsonSchema, kind: MutationKind, keep: (path: Path) => boolean = () => false): Path[] {
  const out: Path[] = [];
  for (const site of sites(value, schema)) {
    const isObject = site.value !== null && typeof site.value === 'object' && !Array.isArray(site.value);
    switch (kind) {
      case 'missing-required':
        if (isObject) for (const k of (site.schema['required'] ?? []) as string[]) if (k in (site.value as object)) out.push([...site.path, k]);
        break;
      case 'wrong-enum':
        if (Array.isArray(site.schema['enum']) && typeof site.value === 'string') out.push(site.path);
        break;
      case 'non-v4-id':
        if (isIdSchema(site.schema) && typeof site.value === 'string') out.push(site.path);
        break;
      case 'extra-property':
        if (isObject && site.schema['additionalProperties'] === false) out.push(site.path);
        break;
    }
  }
  return out.filter((p) => !keep(p));
}

/** The id uppercased (when it has letters to raise) or turned into a version-1 UUID. */
function nonV4(id: string, variant: number): string {
  const upper = id.toUpperCase();
  return variant % 2 === 0 && upper !== id ? upper : `${id.slice(0, 14)}1${id.slice(15)}`;
}

/** The mutated copy, or undefined when the path no longer exists in `value`. */
export function applyMutation(value: unknown, m: SchemaMutation): unknown {
  const target = m.path.length === 0 ? value : getAt(value, m.path.slice(0, -1));
  if (m.path.length > 0 && (target === null || typeof target !== 'object' || !(String(m.path.at(-1)) in (target as object)))) return undefined;
  switch (m.kind) {
    case 'missing-required':
      return editAt(value, m.path, (parent, key) => {
        delete parent[key];
      });
    case 'wrong-enum':
      return m.path.length === 0 ? WRONG_ENUM_VALUE : editAt(value, m.path, (parent, key) => (parent[key] = WRONG_ENUM_VALUE));
    case 'non-v4-id':
      return editAt(value, m.path, (parent, key) => (parent[key] = nonV4(String(parent[key]), m.variant)));
    case 'extra-property': {
      const copy = structuredClone(value);
      (getAt(copy, m.path) as Record<string, unknown>)[EXTRA_PROPERTY] = true;
      return copy;
    }
  }
}

export function describeMutation(m: SchemaMutation): string {
  const where = m.path.length === 0 ? '(root)' : m.path.join('.');
  switch (m.kind) {
    case 'missing-required':
      return `required property ${where} removed`;
    case 'wrong-enum':
      return `${where} set to "${WRONG_ENUM_VALUE}", outside its enum`;
    case 'non-v4-id':
      return `id at ${where} rewritten as ${m.variant % 2 === 0 ? 'uppercase' : 'a version-1 UUID'}`;
    case 'extra-property':
      return `unknown property ${EXTRA_PROPERTY} added at ${where}`;
  }
}
