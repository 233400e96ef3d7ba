// JSON Schema validation of MPLP objects and events against our own schemas/ folder.
// One Ajv instance (draft-07, strict, all errors, formats) is built on first use; each
// schema is compiled the first time it is needed and the compiled function is kept.
// Ajv errors are rewritten so every error points at the offending value itself: a missing
// property or a forbidden extra key is reported at its own JSON pointer, not at its parent.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { packagePath } from '../package-files.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';

export type SchemaKind =
  | 'identifier' | 'metadata' | 'trace-base' | 'ref' | 'base-event'
  | 'context' | 'plan' | 'trace' | 'confirm' | 'role' | 'collab'
  | 'event-core' | 'pipeline_stage' | 'graph_update' | 'runtime_execution' | 'sa-event' | 'map-event'
  | 'file-update-event' | 'event';

export interface SchemaError {
  /** JSON pointer to the offending value ("" = the value itself). */
  pointer: string;
  /** The same location in dotted form ("steps.0.step_id"). */
  path: string;
  /** The JSON Schema keyword that failed, or "envelope" when no event schema fits. */
  keyword: string;
  message: string;
}

export type ValidationResult = { ok: true } | { ok: false; errors: SchemaError[] };

/** Folder holding every schema; resolved from this file so any cwd or install location works. */
export const SCHEMA_DIR = pathToFileURL(`${packagePath('schemas')}/`);
/** $id base shared by our schemas; relative $refs resolve against it. */
export const SCHEMA_ID_BASE = 'https://mplp-conformance.dev/schemas/';

/** The MPLP object and event schemas, registered together so their $refs resolve. */
export const MPLP_SCHEMA_FILES = [
  'identifier.schema.json', 'metadata.schema.json', 'trace-base.schema.json', 'common-types.schema.json',
  'governance.schema.json', 'base-event.schema.json',
  'context.schema.json', 'plan.schema.json', 'trace.schema.json', 'confirm.schema.json', 'role.schema.json', 'collab.schema.json',
  'event-core.schema.json', 'pipeline-stage-event.schema.json', 'graph-update-event.schema.json',
  'runtime-execution-event.schema.json', 'sa-event.schema.json', 'map-event.schema.json', 'file-update-event.schema.json',
] as const;

type DirectKind = Exclude<SchemaKind, 'event'>;

/** Schema (file, plus fragment where the kind is a definition) behind each kind. */
const KIND_SCHEMA: Record<DirectKind, string> = {
  identifier: 'identifier.schema.json',
  metadata: 'metadata.schema.json',
  'trace-base': 'trace-base.schema.json',
  ref: 'common-types.schema.json#/definitions/Ref',
  'base-event': 'base-event.schema.json',
  context: 'context.schema.json',
  plan: 'plan.schema.json',
  trace: 'trace.schema.json',
  confirm: 'confirm.schema.json',
  role: 'role.schema.json',
  collab: 'collab.schema.json',
  'event-core': 'event-core.schema.json',
  pipeline_stage: 'pipeline-stage-event.schema.json',
  graph_update: 'graph-update-event.schema.json',
  runtime_execution: 'runtime-execution-event.schema.json',
  'sa-event': 'sa-event.schema.json',
  'map-event': 'map-event.schema.json',
  'file-update-event': 'file-update-event.schema.json',
};

export const SCHEMA_KINDS: readonly SchemaKind[] = [...(Object.keys(KIND_SCHEMA) as DirectKind[]), 'event'];

/** Event families with a schema of their own; the other nine are checked against the core. */
const FAMILY_KINDS: Record<string, DirectKind> = {
  pipeline_stage: 'pipeline_stage',
  graph_update: 'graph_update',
  runtime_execution: 'runtime_execution',
};

const UUID_V4_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';
const OK: ValidationResult = Object.freeze({ ok: true });

// ajv-formats is CommonJS; under NodeNext its default export may arrive wrapped once more.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats: FormatsPlugin =
  ((addFormatsPlugin as unknown as { default?: FormatsPlugin }).default ?? (addFormatsPlugin as unknown as FormatsPlugin));

let ajvInstance: Ajv | undefined;
const byKind = new Map<DirectKind, ValidateFunction>();
const byFile = new Map<string, ValidateFunction>();

function readSchema(fileName: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(fileName, SCHEMA_DIR), 'utf8')) as Record<string, unknown>;
}

function ajv(): Ajv {
  if (!ajvInstance) {
    // verbose keeps the failing data and schema on each error for readable messages.
    const instance = new Ajv({ strict: true, allErrors: true, verbose: true, allowUnionTypes: true });
    addFormats(instance);
    // Registering is cheap (no compilation) and lets cross-file $refs resolve on first compile.
    for (const file of MPLP_SCHEMA_FILES) instance.addSchema(readSchema(file));
    ajvInstance = instance;
  }
  return ajvInstance;
}

function validatorFor(kind: DirectKind): ValidateFunction {
  let fn = byKind.get(kind);
  if (!fn) {
    fn = ajv().getSchema(SCHEMA_ID_BASE + KIND_SCHEMA[kind]);
    if (!fn) throw new Error(`schema for kind "${kind}" not found (${KIND_SCHEMA[kind]})`);
    byKind.set(kind, fn);
  }
  return fn;
}

/** Compiles every MPLP schema now (normally each is compiled on first use); throws on any schema error. */
export function compileAllSchemas(): void {
  for (const kind of Object.keys(KIND_SCHEMA) as DirectKind[]) validatorFor(kind);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Picks the event schema by the envelope's distinguishing key (digest §4). */
function eventKind(value: unknown): DirectKind | undefined {
  if (!isRecord(value)) return undefined;
  if ('event_family' in value) return FAMILY_KINDS[String(value['event_family'])] ?? 'event-core';
  if ('sa_id' in value) return 'sa-event';
  if ('session_id' in value) return 'map-event';
  return undefined;
}

function run(fn: ValidateFunction, value: unknown): ValidationResult {
  if (fn(value)) return OK;
  return { ok: false, errors: translate(fn.errors ?? []) };
}

export function validate(kind: SchemaKind, value: unknown): ValidationResult {
  if (kind !== 'event') {
    if (!Object.hasOwn(KIND_SCHEMA, kind)) throw new Error(`unknown schema kind "${String(kind)}"`);
    return run(validatorFor(kind), value);
  }
  const chosen = eventKind(value);
  if (chosen) return run(validatorFor(chosen), value);
  const message = isRecord(value)
    ? 'is no known event envelope: expected event_family (observability event), sa_id (SA profile event) or session_id (MAP profile event)'
    : `is no known event envelope: expected an object, got ${describeValue(value)}`;
  return { ok: false, errors: [{ pointer: '', path: '', keyword: 'envelope', message }] };
}

/** Validates against any schemas/<fileName> (flows, reports, requirements, …); compiled once. */
export function validateWithSchemaFile(fileName: string, value: unknown): ValidationResult {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\.json$/.test(fileName)) {
    throw new Error(`schema file name must be a plain file name in schemas/, got "${fileName}"`);
  }
  let fn = byFile.get(fileName);
  if (!fn) {
    const instance = ajv();
    const known = (MPLP_SCHEMA_FILES as readonly string[]).includes(fileName);
    fn = known ? instance.getSchema(SCHEMA_ID_BASE + fileName) : instance.compile(readSchema(fileName));
    if (!fn) throw new Error(`schema ${fileName} could not be loaded`);
    byFile.set(fileName, fn);
  }
  return run(fn, value);
}

/** One line per error: "<pointer>: <message>", "(root)" for the value itself. */
export function formatErrors(errors: SchemaError[]): string {
  return errors.map((e) => `${e.pointer === '' ? '(root)' : e.pointer}: ${e.message}`).join('\n');
}

// ------------------------------------------------------------------ error translation

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function listOf(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function translateOne(e: ErrorObject): SchemaError {
  const params = e.params as Record<string, unknown>;
  let pointer = e.instancePath;
  let message = e.message ?? e.keyword;
  switch (e.keyword) {
    case 'required': {
      const name = String(params['missingProperty']);
      pointer = `${e.instancePath}/${escapePointerToken(name)}`;
      message = `required property '${name}' is missing`;
      break;
    }
    case 'additionalProperties': {
      const name = String(params['additionalProperty']);
      pointer = `${e.instancePath}/${escapePointerToken(name)}`;
      const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
      const allowed = props ? ` (allowed: ${Object.keys(props).join(', ')})` : '';
      message = `property '${name}' is not allowed here${allowed}`;
      break;
    }
    case 'enum':
      message = `must be one of ${listOf(params['allowedValues'] as unknown[])}; got ${describeValue(e.data)}`;
      break;
    case 'const':
      message = `must be ${JSON.stringify(params['allowedValue'])}; got ${describeValue(e.data)}`;
      break;
    case 'pattern': {
      const pattern = String(params['pattern']);
      const what = pattern === UUID_V4_PATTERN ? ' (a lowercase UUID v4)' : '';
      message = `must match pattern "${pattern}"${what}; got ${describeValue(e.data)}`;
      break;
    }
    case 'format':
      message = `must be a valid ${String(params['format'])}; got ${describeValue(e.data)}`;
      break;
    case 'type':
      message = `${e.message ?? 'has the wrong type'}; got ${describeValue(e.data)}`;
      break;
  }
  return { pointer, path: pointerToPath(pointer), keyword: e.keyword, message };
}

function translate(errors: readonly ErrorObject[]): SchemaError[] {
  // allOf family schemas can repeat a core error (e.g. a missing event_family); keep one.
  const seen = new Set<string>();
  const out: SchemaError[] = [];
  for (const e of errors) {
    const t = translateOne(e);
    const key = `${t.pointer}\0${t.keyword}\0${t.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}
