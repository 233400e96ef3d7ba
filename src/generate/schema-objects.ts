// Schema-driven objects: json-schema-faker fills our own MPLP schemas (schemas/*.schema.json,
// every $ref resolved inline first) from a seeded random source, so the same seed always
// gives the same object. Walking a value together with its schema finds where a targeted
// mutation can make it invalid (a required key, an enum value, a v4 id, a closed object)
// and which parts are optional (what shrinking may drop).

import { readdirSync, readFileSync } from 'node:fs';
import { JSONSchemaFaker } from 'json-schema-faker';
import { SCHEMA_DIR, SCHEMA_ID_BASE } from '../mplp/validate.js';

export type JsonSchema = Record<string, unknown>;
type Json = unknown;

const UUID_V4_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';
/** Keywords that only document (json-schema-faker would otherwise copy examples verbatim). */
const DOC_KEYWORDS = new Set(['$id', '$schema', 'examples', 'title', 'description']);

/** A documentation keyword, not a property that happens to share its name (properties are schemas: objects). */
function isDocumentation(key: string, value: unknown): boolean {
  return key === 'definitions' || (DOC_KEYWORDS.has(key) && (value === null || typeof value !== 'object' || Array.isArray(value)));
}

let schemasById: Map<string, JsonSchema> | undefined;

function schemaFiles(): Map<string, JsonSchema> {
  if (!schemasById) {
    schemasById = new Map();
    for (const name of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'))) {
      const schema = JSON.parse(readFileSync(new URL(name, SCHEMA_DIR), 'utf8')) as JsonSchema;
      schemasById.set(String(schema['$id']), schema);
    }
  }
  return schemasById;
}

function pointerInto(doc: JsonSchema, fragment: string): JsonSchema {
  let at: unknown = doc;
  for (const token of fragment.split('/').slice(1)) at = (at as Record<string, unknown>)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (at === undefined) throw new Error(`schema fragment #${fragment} not found`);
  return at as JsonSchema;
}

/** The schema with every $ref replaced by what it points at (our schemas have no recursion). */
function inline(node: unknown, base: string, doc: JsonSchema): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, base, doc));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  const ref = (node as Record<string, unknown>)['$ref'];
  if (typeof ref === 'string') {
    const url = new URL(ref, base);
    const file = url.href.replace(/#.*$/, '');
    const target = ref.startsWith('#') ? doc : schemaFiles().get(file);
    if (!target) throw new Error(`$ref ${ref} (from ${base}) names no schema in schemas/`);
    const pointed = url.hash ? pointerInto(target, url.hash.slice(1)) : target;
    Object.assign(out, inline(pointed, file, target));
  }
  for (const [k, v] of Object.entries(node)) if (k !== '$ref' && !isDocumentation(k, v)) out[k] = inline(v, base, doc);
  return out;
}

const inlined = new Map<string, JsonSchema>();

/** schemas/<name>.schema.json with every $ref inlined. */
export function inlinedSchema(name: string): JsonSchema {
  let s = inlined.get(name);
  if (!s) {
    const id = new URL(`${name}.schema.json`, SCHEMA_ID_BASE).href;
    const doc = schemaFiles().get(id);
    if (!doc) throw new Error(`no schema ${name}.schema.json in schemas/`);
    s = inline(doc, id, doc) as JsonSchema;
    inlined.set(name, s);
  }
  return s;
}

/** A deterministic random source (Park–Miller) for json-schema-faker. */
function seededRandom(seed: number): () => number {
  let state = (Math.abs(Math.trunc(seed)) % 2147483646) + 1;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/** A schema-valid object for schemas/<name>.schema.json; the same seed gives the same object. */
export function fakeObject(name: string, seed: number): Json {
  // json-schema-faker keeps its options globally: set them for every call (generation is synchronous).
  JSONSchemaFaker.option({ random: seededRandom(seed), maxItems: 3, alwaysFakeOptionals: false, failOnInvalidFormat: false, useExamplesValue: false, useDefaultValue: false });
  return JSONSchemaFaker.generate(inlinedSchema(name) as Parameters<typeof JSONSchemaFaker.generate>[0]);
}

// ------------------------------------------------------------------ walking value and schema

export type Path = (string | number)[];

export interface Site {
  path: Path;
  schema: JsonSchema;
  value: Json;
}

/** Every node of `value` with the schema that governs it (properties and items only). */
export function sites(value: Json, schema: JsonSchema, path: Path = []): Site[] {
  const out: Site[] = [{ path, schema, value }];
  if (Array.isArray(value) && schema['items'] && typeof schema['items'] === 'object') {
    value.forEach((v, i) => out.push(...sites(v, schema['items'] as JsonSchema, [...path, i])));
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const props = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
    for (const [k, v] of Object.entries(value)) if (props[k]) out.push(...sites(v, props[k], [...path, k]));
  }
  return out;
}

export function getAt(value: Json, path: Path): Json {
  return path.reduce<Json>((at, k) => (at as Record<string | number, Json>)[k], value);
}

/** A copy of `value` with `edit` applied to the node at `path`'s parent and key. */
export function editAt(value: Json, path: Path, edit: (parent: Record<string | number, Json>, key: string | number) => void): Json {
  const copy = structuredClone(value);
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, Json>;
  edit(parent, path.at(-1)!);
  return copy;
}

export function isIdSchema(schema: JsonSchema): boolean {
  return schema['pattern'] === UUID_V4_PATTERN;
}

/** Optional parts of a value: properties not required by their object, array items above minItems. */
export function optionalParts(value: Json, schema: JsonSchema): Path[] {
  const out: Path[] = [];
  for (const site of sites(value, schema)) {
    if (Array.isArray(site.value)) {
      const min = Number(site.schema['minItems'] ?? 0);
      if (site.value.length > min) site.value.forEach((_, i) => out.push([...site.path, i]));
    } else if (site.value !== null && typeof site.value === 'object') {
      const required = new Set((site.schema['required'] ?? []) as string[]);
      for (const k of Object.keys(site.value)) if (!required.has(k)) out.push([...site.path, k]);
    }
  }
  return out;
}

export function withoutPart(value: Json, path: Path): Json {
  return editAt(value, path, (parent, key) => {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  });
}
