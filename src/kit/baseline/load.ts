// Reads and strictly validates a CI baseline (mplp-conformance.baseline.yaml, format:
// schemas/baseline.schema.json). Every problem names the file and line: malformed YAML,
// duplicate ids, schema violations, ids that are neither a requirement nor a check, and
// entries past their `expires` date or kit version.

import { formatProblem, type FlowProblem } from '../flows/errors.js';
import { parseYamlSource, readLimitedText, type YamlSource } from '../flows/source.js';
import { validateWithSchemaFile } from '../../mplp/validate.js';

export const DEFAULT_BASELINE_FILE = 'mplp-conformance.baseline.yaml';

export interface BaselineEntry {
  /** A requirement id (covers every failure of that requirement) or a check id (that check only). */
  id: string;
  kind: 'requirement' | 'check';
  reason: string;
  issue?: string;
  /** YYYY-MM-DD or a kit version x.y.z. */
  expires?: string;
  intermittent?: boolean;
  /** Line of the entry's key in the file (absent for entries not read from a file). */
  line?: number;
}

export interface Baseline {
  file: string;
  entries: BaselineEntry[];
}

/** What an entry may name, and the moment expiry is judged against. */
export interface BaselineContext {
  requirementIds: ReadonlySet<string>;
  checkIds: ReadonlySet<string>;
  /** Today, YYYY-MM-DD (UTC). */
  today: string;
  kitVersion: string;
}

/** Thrown when a baseline cannot be used; carries every problem found. */
export class BaselineError extends Error {
  override name = 'BaselineError';
  constructor(readonly problems: readonly FlowProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

const REQUIREMENT_ID = /^L3-[A-Z]+-[0-9]{3}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Reads the file; `missingIsEmpty` turns a file that does not exist yet into an empty baseline. */
export async function loadBaseline(file: string, context: BaselineContext, missingIsEmpty = false): Promise<Baseline> {
  const read = await readLimitedText(file);
  if (!read.ok) {
    if (missingIsEmpty && read.cause?.code === 'ENOENT') return { file, entries: [] };
    throw new BaselineError([read.cause ? { file, message: `cannot read the baseline: ${read.cause.message}` } : read.problem]);
  }
  return parseBaseline(file, read.text, context);
}

export function parseBaseline(file: string, text: string, context: BaselineContext): Baseline {
  const read = parseYamlSource(file, text);
  if (!read.ok) throw new BaselineError([duplicateKeyWording(read.problem, text)]);
  const { source } = read;
  // Every problem in one pass: schema problems, and the id and expiry problems of every entry
  // the schema did not already reject as a whole, sorted by line.
  const shape = validateWithSchemaFile('baseline.schema.json', source.value);
  const problems: FlowProblem[] = shape.ok ? [] : shape.errors.map((e) => at(source, e.pointer, `${e.pointer || '(document)'}: ${e.message}`));
  const rawEntries = (source.value as { entries?: unknown } | null)?.entries;
  const raw = rawEntries !== null && typeof rawEntries === 'object' && !Array.isArray(rawEntries) ? (rawEntries as Record<string, Partial<Omit<BaselineEntry, 'id' | 'kind' | 'line'>>>) : {};
  const entries: BaselineEntry[] = [];
  const known = [...context.requirementIds, ...context.checkIds];
  for (const [id, body] of Object.entries(raw)) {
    const pointer = `/entries/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const line = source.lineOf(pointer);
    const kind = REQUIREMENT_ID.test(id) ? 'requirement' : 'check';
    const hint = didYouMean(id, known);
    if (kind === 'requirement' && !context.requirementIds.has(id)) problems.push(at(source, pointer, `unknown requirement id ${id}: the requirement catalogue does not define it${hint}`));
    if (kind === 'check' && !context.checkIds.has(id)) problems.push(at(source, pointer, `unknown id ${id}: neither a requirement id (L3-AREA-nnn) nor a check of this kit (see mplp-conformance list)${hint}`));
    if (body !== null && typeof body === 'object' && typeof body.expires === 'string') {
      const expired = expiryProblem(body.expires, context);
      if (expired) problems.push(at(source, `${pointer}/expires`, `entry ${id} ${expired}`));
    }
    entries.push({ id, kind, ...(body as Omit<BaselineEntry, 'id' | 'kind' | 'line'>), ...(line === undefined ? {} : { line }) });
  }
  if (problems.length > 0) throw new BaselineError([...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  return { file, entries };
}

/** ` (did you mean X?)` for the closest known id within a few edits, else nothing. */
export function didYouMean(id: string, known: readonly string[]): string {
  let best: { id: string; d: number } | undefined;
  const limit = Math.max(2, Math.floor(id.length / 4));
  for (const k of known) {
    const d = editDistance(id.toLowerCase(), k.toLowerCase(), limit);
    if (d <= limit && (best === undefined || d < best.d)) best = { id: k, d };
  }
  return best ? ` (did you mean ${best.id}?)` : '';
}

/** Levenshtein distance, giving up (returning limit + 1) once every path is over `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > limit) return limit + 1;
    prev = row;
  }
  return prev[b.length]!;
}

function at(source: YamlSource, pointer: string, message: string): FlowProblem {
  const line = source.lineOf(pointer);
  return line === undefined ? { file: source.file, message } : { file: source.file, line, message };
}

/** The YAML reader says "Map keys must be unique"; a baseline reader wants the id. */
function duplicateKeyWording(problem: FlowProblem, text: string): FlowProblem {
  if (!/Map keys must be unique/.test(problem.message) || problem.line === undefined) return problem;
  const key = /^\s*["']?([^"':]+)["']?\s*:/.exec(text.split('\n')[problem.line - 1] ?? '')?.[1];
  return { ...problem, message: `duplicate entry${key ? ` ${key}` : ''}: each id may appear only once` };
}

/** Why an `expires` value makes the entry unusable, or undefined while it still counts. */
function expiryProblem(expires: string, context: BaselineContext): string | undefined {
  const date = DATE.exec(expires);
  if (date) {
    const [, y, m, d] = date.map(Number) as [number, number, number, number];
    const parsed = new Date(Date.UTC(y, m - 1, d));
    if (parsed.getUTCFullYear() !== y || parsed.getUTCMonth() !== m - 1 || parsed.getUTCDate() !== d) return `has an impossible date in expires: ${expires}`;
    return expires <= context.today ? `expired on ${expires}: fix the failure, or extend expires if it is still accepted` : undefined;
  }
  return compareVersions(context.kitVersion, expires) >= 0
    ? `expired at kit version ${expires} (this kit is ${context.kitVersion}): fix the failure, or extend expires if it is still accepted`
    : undefined;
}

/** Numeric x.y.z comparison (pre-release tags are ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.+-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
