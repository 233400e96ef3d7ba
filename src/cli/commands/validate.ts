// `mplp-conformance validate <file>`: check an MPLP object (JSON or YAML; its kind is told by
// its id field, or by --kind), an array of them, or an .ndjson event log (one event per line)
// against our schemas. Every error names file:line and the JSON pointer. MPLP modules an L3
// runtime does not touch (core, dialog, extension, network) are named "unsupported kind", never
// graded against another module's schema.

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseYamlSource } from '../../kit/flows/source.js';
import { SCHEMA_KINDS, validate, type SchemaKind } from '../../mplp/validate.js';
import { stringOption, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { CliError, EXIT, usageError } from '../exit-codes.js';
import type { Output } from '../output.js';

/** First row whose top-level keys are all present decides the kind. Events come first (objects
 *  never carry event_id), and traces before plans (a trace also carries plan_id). */
/** MPLP v1.0 modules whose objects `validate` recognises but does not grade. */
export const UNSUPPORTED_KINDS = ['core', 'dialog', 'extension', 'network'] as const;
type UnsupportedKind = (typeof UNSUPPORTED_KINDS)[number];
type Kind = SchemaKind | UnsupportedKind;

const isUnsupported = (kind: Kind): kind is UnsupportedKind => (UNSUPPORTED_KINDS as readonly string[]).includes(kind);

const SUPPORTED_TEXT = 'context, plan, trace, confirm, role, collab and events';

const KIND_BY_KEYS: ReadonlyArray<[readonly string[], Kind]> = [
  [['event_id', 'event_family'], 'event'],
  [['event_id', 'sa_id'], 'event'],
  [['event_id', 'session_id'], 'event'],
  [['event_id'], 'base-event'],
  [['file_path', 'change_type'], 'file-update-event'],
  // Modules outside L3's object model: recognised (they also carry context_id) and not graded.
  [['core_id'], 'core'],
  [['dialog_id'], 'dialog'],
  [['extension_id'], 'extension'],
  [['network_id'], 'network'],
  [['confirm_id'], 'confirm'],
  [['collab_id'], 'collab'],
  [['role_id'], 'role'],
  [['trace_id'], 'trace'],
  [['plan_id'], 'plan'],
  [['context_id'], 'context'],
];

export function detectKind(value: unknown): Kind | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return KIND_BY_KEYS.find(([keys]) => keys.every((k) => k in value))?.[1];
}

const ID_FIELDS = [...new Set(KIND_BY_KEYS.map(([keys]) => keys[0]!))];

interface Finding {
  line?: number;
  text: string;
  /** Recognised but not graded: reported, not a problem. */
  unsupported?: boolean;
  /** Graded (valid or not). */
  graded?: boolean;
}

/** Validates one value; `pointerBase` locates it inside the file (array item). */
function findingsFor(value: unknown, pointerBase: string, lineOf: (pointer: string) => number | undefined, forced?: Kind): Finding[] {
  const kind = forced ?? detectKind(value);
  const where = lineOf(pointerBase);
  if (kind === undefined) {
    return [{ ...(where === undefined ? {} : { line: where }), text: `${pointerBase || '(root)'}: cannot tell which MPLP object this is: it has none of ${ID_FIELDS.join(', ')} (or pass --kind)` }];
  }
  if (isUnsupported(kind)) {
    return [{ ...(where === undefined ? {} : { line: where }), unsupported: true, text: `${pointerBase || '(root)'}: unsupported kind "${kind}": an MPLP ${kind} object, which mplp-conformance does not grade (it validates ${SUPPORTED_TEXT}); not validated` }];
  }
  const result = validate(kind, value);
  if (result.ok) return [{ graded: true, text: '' }];
  return result.errors.map((e) => {
    const pointer = pointerBase + e.pointer;
    const line = lineOf(pointer);
    return { ...(line === undefined ? {} : { line }), graded: true, text: `${pointer || '(root)'}: ${e.message} [${kind}]` };
  });
}

function lineAtOffset(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function validateNdjson(text: string, forced?: Kind): Finding[] {
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
    for (const f of findingsFor(value, '', () => line, forced)) findings.push({ ...f, line });
  });
  return findings;
}

function validateDocument(file: string, text: string, forced?: Kind): Finding[] {
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
  if (Array.isArray(value)) return value.flatMap((item, i) => findingsFor(item, `/${i}`, lineOf, forced));
  return findingsFor(value, '', lineOf, forced);
}

const KINDS: readonly Kind[] = [...SCHEMA_KINDS, ...UNSUPPORTED_KINDS];

function kindOption(raw: string | undefined): Kind | undefined {
  if (raw === undefined) return undefined;
  if (!(KINDS as readonly string[]).includes(raw)) throw usageError(`--kind ${raw}: unknown kind (kinds: ${KINDS.join(', ')})`);
  return raw as Kind;
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
  const forced = kindOption(stringOption(parsed.values['kind']));
  const all = extname(file).toLowerCase() === '.ndjson' ? validateNdjson(text, forced) : validateDocument(file, text, forced);
  const shown = all.filter((f) => f.text !== '');
  for (const f of shown) output.out(`${file}${f.line === undefined ? '' : `:${f.line}`}: ${f.text}`);
  const problems = shown.filter((f) => !f.unsupported);
  if (problems.length > 0) {
    output.err(`${file}: ${problems.length} problem(s)`);
    return EXIT.nonConformant;
  }
  if (!all.some((f) => f.graded)) {
    output.err(`${file}: nothing validated: only unsupported kinds (mplp-conformance validates ${SUPPORTED_TEXT})`);
    return EXIT.usage;
  }
  const skipped = shown.filter((f) => f.unsupported).length;
  output.err(`${file}: valid${skipped > 0 ? ` (${skipped} object(s) of unsupported kinds not validated)` : ''}`);
  return EXIT.conformant;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Validate an MPLP object file (JSON/YAML; kind told by its id field; an array validates each item) or an .ndjson event log against the MPLP v1.0 schemas.',
  positionals: '<file>',
  maxPositionals: 1,
  flags: {
    kind: { type: 'string', value: '<kind>', description: `Validate as this kind instead of telling it by the id field: ${SCHEMA_KINDS.join(', ')} (event: any event envelope); ${UNSUPPORTED_KINDS.join(', ')} are recognised and not graded.` },
  },
  notes: [
    `Kinds validated: ${SUPPORTED_TEXT} (and their parts). Objects of the other MPLP modules (${UNSUPPORTED_KINDS.join(', ')}) are reported as "unsupported kind" and not validated.`,
    'Exit codes: 0 valid (unsupported objects listed); 1 invalid (each error printed as file:line: pointer: message); 4 the file cannot be read, --kind is unknown, or it holds only unsupported kinds.',
  ],
  execute,
};
