// Reads a YAML file once and keeps what error reporting needs: the parsed value and a way
// to turn a JSON pointer into the 1-based line where that part of the file is written.

import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { FlowProblem } from './errors.js';

export interface YamlSource {
  file: string;
  value: unknown;
  /** Line of the deepest existing node on the pointer's path (a key's own line for map entries). */
  lineOf(pointer: string): number | undefined;
}

export type ReadResult = { ok: true; source: YamlSource } | { ok: false; problem: FlowProblem };

/** Reads a YAML file, or a JSON file (parsed strictly: JSON that is only valid YAML is refused). */
export async function readYamlSource(file: string): Promise<ReadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { ok: false, problem: { file, message: `cannot read the file: ${(e as Error).message}` } };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return /\.json$/i.test(file) ? parseJsonSource(file, text) : parseYamlSource(file, text);
}

export function parseJsonSource(file: string, text: string): ReadResult {
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
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line;
    return { ok: false, problem: { file, ...(line !== undefined ? { line } : {}), message: `invalid YAML: ${firstLine(first.message)}` } };
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  return { ok: true, source: { file, value, lineOf: (pointer) => lineOfPointer(doc, lineCounter, pointer) } };
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
