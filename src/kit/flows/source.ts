// Reads a YAML file once and keeps what error reporting needs: the parsed value and a way
// to turn a JSON pointer into the 1-based line where that part of the file is written.
//
// Every YAML (and JSON) file the kit reads goes through here: flows and the files they refer
// to, baselines, the requirement catalogue, `validate` inputs. Parsing is safe: the YAML 1.2
// core schema only (no custom or language tags such as `!!js/function` or `!foo`, no YAML 1.1
// extras such as `!!binary`, whatever a `%YAML` directive says), files above MAX_YAML_BYTES are
// refused unread, nesting deeper than MAX_YAML_DEPTH is refused, and alias expansion is bounded
// by MAX_YAML_ALIASES. Each refusal names the file and, where there is one, the line.

import { readFile, stat } from 'node:fs/promises';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { FlowProblem } from './errors.js';

/** Largest YAML/JSON file the kit reads (flows, referenced files, baselines, catalogues): 1 MiB. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** Deepest nesting of maps and sequences accepted. */
export const MAX_YAML_DEPTH = 64;
/** Most alias (`*name`) expansions accepted in one document (yaml's maxAliasCount). */
export const MAX_YAML_ALIASES = 100;

const sizeProblem = (file: string, bytes: number): FlowProblem => ({
  file,
  message: `the file is too large: ${bytes} bytes, the limit is ${MAX_YAML_BYTES} bytes (1 MiB)`,
});

/** The file's text (BOM removed), refusing a file above MAX_YAML_BYTES before reading it. */
export async function readLimitedText(file: string): Promise<{ ok: true; text: string } | { ok: false; problem: FlowProblem; cause?: NodeJS.ErrnoException }> {
  try {
    const info = await stat(file);
    if (info.isFile() && info.size > MAX_YAML_BYTES) return { ok: false, problem: sizeProblem(file, info.size) };
    let text = await readFile(file, 'utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { ok: true, text };
  } catch (e) {
    return { ok: false, problem: { file, message: `cannot read the file: ${(e as Error).message}` }, cause: e as NodeJS.ErrnoException };
  }
}

export interface YamlSource {
  file: string;
  value: unknown;
  /** Line of the deepest existing node on the pointer's path (a key's own line for map entries). */
  lineOf(pointer: string): number | undefined;
}

export type ReadResult = { ok: true; source: YamlSource } | { ok: false; problem: FlowProblem };

/** Reads a YAML file, or a JSON file (parsed strictly: JSON that is only valid YAML is refused). */
export async function readYamlSource(file: string): Promise<ReadResult> {
  const read = await readLimitedText(file);
  if (!read.ok) return read;
  return /\.json$/i.test(file) ? parseJsonSource(file, read.text) : parseYamlSource(file, read.text);
}

export function parseJsonSource(file: string, text: string): ReadResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_YAML_BYTES) return { ok: false, problem: sizeProblem(file, bytes) };
  try {
    JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const line = jsonErrorLine(text, message);
    return { ok: false, problem: { file, ...(line !== undefined ? { line } : {}), message: `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/s, '').replace(/ \(line \d+ column \d+\)$/, '')}` } };
  }
  // Valid JSON is valid YAML: the YAML reader keeps the line numbers.
  return parseYamlSource(file, text);
}

/** Line of a JSON.parse error, from V8's "line L column C" or "position N" wording. */
function jsonErrorLine(text: string, message: string): number | undefined {
  const direct = /line (\d+) column \d+/.exec(message);
  if (direct) return Number(direct[1]);
  const position = /position (\d+)/.exec(message);
  if (position) return text.slice(0, Number(position[1])).split('\n').length;
  return /end of JSON input/.test(message) ? text.trimEnd().split('\n').length : undefined;
}

export function parseYamlSource(file: string, text: string): ReadResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_YAML_BYTES) return { ok: false, problem: sizeProblem(file, bytes) };
  const lineCounter = new LineCounter();
  // The core schema, explicitly: a %YAML 1.1 directive cannot bring back 1.1 types or merge keys.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, schema: 'core', resolveKnownTags: false, merge: false });
  const problemAt = (offset: number | undefined, message: string): ReadResult => {
    const line = offset === undefined ? undefined : lineCounter.linePos(offset).line;
    return { ok: false, problem: { file, ...(line !== undefined ? { line } : {}), message } };
  };
  // yaml gives up on very deep flow nesting with a stack overflow; say what it means.
  const exhausted = doc.errors.find((e) => e.code === 'RESOURCE_EXHAUSTION');
  if (exhausted) return problemAt(exhausted.pos[0], `invalid YAML: nesting is too deep (the limit is ${MAX_YAML_DEPTH} levels)`);
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line;
    return { ok: false, problem: { file, ...(line !== undefined ? { line } : {}), message: `invalid YAML: ${firstLine(first.message)}` } };
  }
  // yaml only warns about a tag it cannot resolve (and keeps the plain value): refuse it.
  const tag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED' || w.code === 'BAD_COLLECTION_TYPE');
  if (tag) {
    const name = /Unresolved tag: (\S+)/.exec(tag.message)?.[1];
    const what = name === undefined ? firstLine(tag.message) : `unknown tag ${name.replace(/^tag:yaml\.org,2002:/, '!!')}`;
    return problemAt(tag.pos[0], `invalid YAML: ${what}: only the YAML 1.2 core schema is accepted (no custom tags such as !!js/function or !foo)`);
  }
  const deep = tooDeep(doc.contents as Node | null);
  if (deep) return problemAt(deep.range?.[0], `invalid YAML: nesting is too deep (more than ${MAX_YAML_DEPTH} levels of maps and sequences)`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    const alias = firstAlias(doc.contents as Node | null);
    const why = /alias count/i.test((e as Error).message) ? `too many alias expansions (the limit is ${MAX_YAML_ALIASES})` : firstLine((e as Error).message);
    return problemAt(alias?.range?.[0], `invalid YAML: ${why}`);
  }
  // Aliases can nest what they repeat deeper than the text shows.
  if (valueDepth(value) > MAX_YAML_DEPTH) return problemAt(firstAlias(doc.contents as Node | null)?.range?.[0], `invalid YAML: nesting is too deep once aliases are expanded (more than ${MAX_YAML_DEPTH} levels)`);
  return { ok: true, source: { file, value, lineOf: (pointer) => lineOfPointer(doc, lineCounter, pointer) } };
}

/** The first collection nested deeper than MAX_YAML_DEPTH (aliases are not followed). */
function tooDeep(root: Node | null): Node | undefined {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      if (depth > MAX_YAML_DEPTH) return node;
      for (const item of node.items as unknown[]) {
        if (isPair(item)) stack.push([item.value, depth + 1], [item.key, depth + 1]);
        else stack.push([item, depth + 1]);
      }
    }
  }
  return undefined;
}

/** The first alias node in document order. */
function firstAlias(root: Node | null): Node | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) return node;
    if (isMap(node) || isSeq(node)) {
      for (const item of [...(node.items as unknown[])].reverse()) {
        if (isPair(item)) stack.push(item.value, item.key);
        else stack.push(item);
      }
    }
  }
  return undefined;
}

/** Nesting depth of a parsed value (objects and arrays), without recursion; stops past the limit. */
function valueDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_YAML_DEPTH) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The message without yaml's position suffix and source excerpt (the line is reported apart). */
function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** RFC 6901 segments of a JSON pointer. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer.replace(/^\//, '').split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function lineOfPointer(doc: Document, lc: LineCounter, pointer: string): number | undefined {
  let node: unknown = doc.contents;
  let at: Node | null | undefined = doc.contents as Node | null;
  for (const seg of pointerSegments(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      at = isScalar(pair.key) ? pair.key : at;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined || !/^\d+$/.test(seg)) break;
      at = item as Node;
      node = item;
    } else {
      break;
    }
  }
  const offset = at?.range?.[0];
  return offset === undefined ? undefined : lc.linePos(offset).line;
}
