// Shape check of a flow against schemas/golden-flow.schema.json. Ajv errors are rewritten
// into one readable sentence each and keep their JSON pointer so the caller can find the line.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { packagePath } from '../../package-files.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { pointerSegments } from './source.js';

export const FLOW_SCHEMA_URL = pathToFileURL(packagePath('schemas', 'golden-flow.schema.json'));

export interface ShapeProblem {
  pointer: string;
  message: string;
}

let compiled: { validate: ValidateFunction; operations: string[] } | undefined;

function flowValidator(): { validate: ValidateFunction; operations: string[] } {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(FLOW_SCHEMA_URL, 'utf8')) as { definitions: { operation: { properties: object } } };
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    compiled = { validate: ajv.compile(schema), operations: Object.keys(schema.definitions.operation.properties) };
  }
  return compiled;
}

/** Names of every operation the format knows, in schema order. */
export function operationNames(): string[] {
  return flowValidator().operations;
}

export function checkFlowShape(value: unknown): ShapeProblem[] {
  const { validate, operations } = flowValidator();
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  // Errors inside an anyOf branch are noise once the anyOf itself is reported.
  const anyOfAt = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const kept = errors.filter((e) => !(e.schemaPath.includes('/anyOf/') && [...anyOfAt].some((p) => e.instancePath.startsWith(p))));
  const seen = new Set<string>();
  const out: ShapeProblem[] = [];
  for (const e of kept) {
    const p = describe(e, operations);
    const key = `${p.pointer}\0${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** `/plan/steps/b` → `plan.steps.b`, `/requirements/1` → `requirements[1]`. */
function where(pointer: string): string {
  if (pointer === '') return 'the flow';
  return pointerSegments(pointer).reduce((out, seg) => (/^\d+$/.test(seg) ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg), '');
}

function describe(e: ErrorObject, operations: string[]): ShapeProblem {
  const at = e.instancePath;
  const params = e.params as Record<string, unknown>;
  const isOperation = /^\/operations\/\d+$/.test(at);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const pointer = `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      return isOperation
        ? { pointer, message: `unknown operation "${key}" (known: ${operations.join(', ')})` }
        : { pointer, message: `unknown key "${key}" in ${where(at)}` };
    }
    case 'required':
      return { pointer: at, message: `${where(at)} is missing required key "${String(params['missingProperty'])}"` };
    case 'maxProperties':
    case 'minProperties':
      if (isOperation) return { pointer: at, message: `each operation item holds exactly one operation, found ${Object.keys((e.data as object) ?? {}).length}` };
      return { pointer: at, message: `${where(at)} ${e.message ?? 'has the wrong number of keys'}` };
    case 'enum':
      return { pointer: at, message: `${where(at)} is ${JSON.stringify(e.data)}, expected one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'pattern':
      return { pointer: at, message: `${where(at)} is ${JSON.stringify(e.data)}, which does not match ${String(params['pattern'])}` };
    case 'anyOf': {
      const description = (e.parentSchema as { description?: string } | undefined)?.description;
      return { pointer: at, message: `${where(at)} is ${JSON.stringify(e.data)}; expected ${description ?? 'another form'}` };
    }
    case 'type':
      return { pointer: at, message: `${where(at)} must be ${String(params['type']).replace(',', ' or ')}, found ${JSON.stringify(e.data)}` };
    default:
      return { pointer: at, message: `${where(at)} ${e.message ?? 'is invalid'}` };
  }
}
