// `mplp-conformance validate <file>`: check an MPLP object (JSON or YAML; its kind is told by
// its id field), an array of them, or an .ndjson event log (one event per line) against our
// schemas. Every error names file:line and the JSON pointer.

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseYamlSource } from '../../kit/flows/source.js';
import { validate, type SchemaKind } from '../../mplp/validate.js';
import type { Parsed } from '../args.js';
import type { Command } from '../command.js';
import { CliError, EXIT, usageError } from '../exit-codes.js';
import type { Output } from '../output.js';

/** First row whose top-level keys are all present decides the kind. Events come first (objects
 *  never carry event_id), and traces before plans (a trace also carries plan_id). */
const KIND_BY_KEYS: ReadonlyArray<[readonly string[], SchemaKind]> = [
  [['event_id', 'event_family'], 'event'],
  [['event_id', 'sa_id'], 'event'],
  [['event_id', 'session_id'], 'event'],
  [['event_id'], 'base-event'],
  [['file_path', 'change_type'], 'file-update-event'],
  [['confirm_id'], 'confirm'],
  [['collab_id'], 'collab'],
  [['role_id'], 'role'],
  [['trace_id'], 'trace'],
  [['plan_id'], 'plan'],
  [['context_id'], 'context'],
];

export function detectKind(value: unknown): SchemaKind | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return KIND_BY_KEYS.find(([keys]) => keys.every((k) => k in value))?.[1];
}

const ID_FIELDS = [...new Set(KIND_BY_KEYS.map(([keys]) => keys[0]!))];

interface Finding {
  line?: number;
  text: string;
}

/** Validates one value; `pointerBase` locates it inside the file (array item). */
function findingsFor(value: unknown, pointerBase: string, lineOf: (pointer: string) => number | undefined): Finding[] {
  const kind = detectKind(value);
  const where = lineOf(pointerBase);
  if (kind === undefined) {
    return [{ ...(where === undefined ? {} : { line: where }), text: `${pointerBase || '(root)'}: cannot tell which MPLP object this is: it has none of ${ID_FIELDS.join(', ')}` }];
  }
  const result = validate(kind, value);
  if (result.ok) return [];
  return result.errors.map((e) => {
    const pointer = pointerBase + e.pointer;
    const line = lineOf(pointer);
    return { ...(line === undefined ? {} : { line }), text: `${pointer || '(root)'}: ${e.message} [${kind}]` };
  });
}

function lineAtOffset(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function validateNdjson(text: string): Finding[] {
  const findings: Finding[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      findings.push({ line, text: `not valid JSON: ${(e as Error).message}` });
      return;
    }
    for (const f of findingsFor(value, '', () => line)) findings.push({ line, text: f.text });
  });
  return findings;
}

function validateDocument(file: string, text: string): Finding[] {
  if (extname(file).toLowerCase() === '.json') {
    try {
      JSON.parse(text);
    } catch (e) {
      const at = /position (\d+)/.exec((e as Error).message);
      return [{ ...(at ? { line: lineAtOffset(text, Number(at[1])) } : {}), text: `not valid JSON: ${(e as Error).message}` }];
    }
  }
  const read = parseYamlSource(file, text);
  if (!read.ok) return [{ ...(read.problem.line === undefined ? {} : { line: read.problem.line }), text: read.problem.message }];
  const { value, lineOf } = read.source;
  if (Array.isArray(value)) return value.flatMap((item, i) => findingsFor(item, `/${i}`, lineOf));
  return findingsFor(value, '', lineOf);
}

async function execute(parsed: Parsed, output: Output): Promise<number> {
  const file = parsed.positionals[0];
  if (file === undefined) throw usageError('validate: which file? usage: mplp-conformance validate <file>');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(`validate: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, EXIT.usage);
  }
  const findings = extname(file).toLowerCase() === '.ndjson' ? validateNdjson(text) : validateDocument(file, text);
  for (const f of findings) output.out(`${file}${f.line === undefined ? '' : `:${f.line}`}: ${f.text}`);
  if (findings.length > 0) {
    output.err(`${file}: ${findings.length} problem(s)`);
    return EXIT.nonConformant;
  }
  output.err(`${file}: valid`);
  return EXIT.conformant;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Validate an MPLP object file (JSON/YAML; kind told by its id field; an array validates each item) or an .ndjson event log against the MPLP v1.0 schemas.',
  positionals: '<file>',
  maxPositionals: 1,
  flags: {},
  notes: ['Exit codes: 0 valid; 1 invalid (each error printed as file:line: pointer: message); 4 the file cannot be read.'],
  execute,
};
