// The upstream invariant mini-language (digest §6) with the kit's semantics: exact
// lowercase v4 regex, date-time per JSON Schema, unknown rule = configuration error,
// a path that resolves to nothing fails unless the invariant is conditional, `[*]` over an
// empty array passes, family-conditional invariants apply only to events of that family.

import { isDeepStrictEqual } from 'node:util';
import { isUuidV4 } from '../../mplp/ids.js';

export interface Invariant {
  id: string;
  scope: string;
  path?: string;
  rule?: string;
  description?: string;
  note?: string;
}

export type Rule =
  | { kind: 'uuid-v4' | 'non-empty-string' | 'optional-string' | 'iso-datetime' | 'exists' | 'positive-integer' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'eq-ref'; scope: string; path: string }
  | { kind: 'eq-literal'; value: string }
  | { kind: 'min-length'; n: number };

export type ParsedRule = { ok: true; rule: Rule } | { ok: false; message: string };

const SIMPLE_RULES = ['uuid-v4', 'non-empty-string', 'optional-string', 'iso-datetime', 'exists', 'positive-integer'] as const;

function unquote(s: string): string {
  const t = s.trim();
  return /^(["']).*\1$/.test(t) ? t.slice(1, -1) : t;
}

export function parseRule(text: string): ParsedRule {
  const t = text.trim();
  if ((SIMPLE_RULES as readonly string[]).includes(t)) return { ok: true, rule: { kind: t as (typeof SIMPLE_RULES)[number] } };
  const call = /^([a-z-]+)\((.*)\)$/s.exec(t);
  if (call) {
    const [, name, arg] = call as unknown as [string, string, string];
    if (name === 'enum') {
      const values = arg.split(',').map(unquote);
      if (values.some((v) => v === '')) return { ok: false, message: `enum(${arg}) has an empty value` };
      return { ok: true, rule: { kind: 'enum', values } };
    }
    if (name === 'min-length' && /^\s*\d+\s*$/.test(arg)) return { ok: true, rule: { kind: 'min-length', n: Number(arg) } };
    if (name === 'eq') {
      const a = arg.trim();
      if (/^"[^"]*"$/.test(a)) return { ok: true, rule: { kind: 'eq-literal', value: a.slice(1, -1) } };
      const ref = /^([a-z_]+)\.(.+)$/.exec(a);
      if (ref) return { ok: true, rule: { kind: 'eq-ref', scope: ref[1]!, path: ref[2]! } };
    }
  }
  return { ok: false, message: `unknown invariant rule "${text}" (known: ${SIMPLE_RULES.join(', ')}, enum(...), eq(<scope>.<path>), eq("literal"), min-length(n))` };
}

// ---------------------------------------------------------------- paths

type Segment = { key: string } | { index: number } | { all: true };

export function parsePath(path: string): Segment[] | undefined {
  const out: Segment[] = [];
  const re = /([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+|\*)\]|(\.)/gy;
  let expectKey = true;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(path)) !== null) {
    consumed = re.lastIndex;
    if (m[1] !== undefined) {
      if (!expectKey) return undefined;
      out.push({ key: m[1] });
      expectKey = false;
    } else if (m[2] !== undefined) {
      if (expectKey && out.length === 0) return undefined;
      out.push(m[2] === '*' ? { all: true } : { index: Number(m[2]) });
    } else {
      if (expectKey) return undefined;
      expectKey = true;
    }
  }
  return consumed === path.length && !expectKey && out.length > 0 ? out : undefined;
}

export interface Resolved {
  /** Concrete path, e.g. plan.steps[1].description. */
  path: string;
  present: boolean;
  value?: unknown;
}

/** Every concrete location a path names; `[*]` fans out (nothing for an empty array). */
export function resolvePath(root: unknown, segments: Segment[], prefix: string): Resolved[] {
  let frontier: Resolved[] = [{ path: prefix, present: true, value: root }];
  for (const seg of segments) {
    const next: Resolved[] = [];
    for (const r of frontier) {
      if (!r.present) {
        next.push(r);
        continue;
      }
      const v = r.value;
      if ('key' in seg) {
        const obj = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
        const path = r.path ? `${r.path}.${seg.key}` : seg.key;
        next.push(obj && Object.hasOwn(obj, seg.key) ? { path, present: true, value: obj[seg.key] } : { path, present: false });
      } else if ('index' in seg) {
        const path = `${r.path}[${seg.index}]`;
        next.push(Array.isArray(v) && seg.index < v.length ? { path, present: true, value: v[seg.index] } : { path, present: false });
      } else if (Array.isArray(v)) {
        v.forEach((item, i) => next.push({ path: `${r.path}[${i}]`, present: true, value: item }));
      } else {
        next.push({ path: `${r.path}[*]`, present: false });
      }
    }
    frontier = next;
  }
  return frontier;
}

// ---------------------------------------------------------------- evaluation

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** JSON Schema `date-time` (RFC 3339 with an offset). */
export function isDateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  const days = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  return mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= days && h! <= 23 && mi! <= 59 && s! <= 60 && (m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59));
}

/** Conditional invariants may skip a missing path (digest §6 [KIT]). */
export function isConditional(inv: Invariant, rule: Rule): boolean {
  if (rule.kind === 'optional-string') return true;
  if (inv.note && /only (when|if)\b.*\b(exists|present)/i.test(inv.note)) return true;
  return /\bif present\b/i.test(inv.description ?? '');
}

/** `note: Apply when event_family == X` restricts an event invariant to one family. */
export function familyCondition(inv: Invariant): string | undefined {
  return /event_family\s*==\s*["']?([a-z_]+)/.exec(inv.note ?? '')?.[1];
}

function checkValue(rule: Rule, value: unknown, scopes: Readonly<Record<string, unknown>>): string | null {
  switch (rule.kind) {
    case 'uuid-v4':
      return isUuidV4(value) ? null : `${JSON.stringify(value)} is not a lowercase UUID v4`;
    case 'non-empty-string':
      return typeof value === 'string' && value.trim().length > 0 ? null : `${JSON.stringify(value)} is not a non-empty string`;
    case 'optional-string':
      return typeof value === 'string' ? null : `${JSON.stringify(value)} is not a string`;
    case 'iso-datetime':
      return isDateTime(value) ? null : `${JSON.stringify(value)} is not an RFC 3339 date-time`;
    case 'exists':
      return value !== null && value !== undefined ? null : 'the value is null';
    case 'positive-integer':
      return Number.isInteger(value) && (value as number) > 0 ? null : `${JSON.stringify(value)} is not a positive integer`;
    case 'enum':
      return typeof value === 'string' && rule.values.includes(value) ? null : `${JSON.stringify(value)} is not one of ${rule.values.join(', ')}`;
    case 'eq-literal':
      return value === rule.value ? null : `${JSON.stringify(value)} differs from "${rule.value}"`;
    case 'min-length': {
      const len = Array.isArray(value) || typeof value === 'string' ? value.length : undefined;
      return len !== undefined && len >= rule.n ? null : len === undefined ? `${JSON.stringify(value)} has no length` : `length ${len} is below ${rule.n}`;
    }
    case 'eq-ref': {
      const segments = parsePath(rule.path);
      const target = segments ? resolvePath(scopes[rule.scope], segments, rule.scope) : [];
      if (target.length !== 1 || !target[0]!.present) return `${rule.scope}.${rule.path} does not resolve to one value`;
      return isDeepStrictEqual(value, target[0]!.value) ? null : `${JSON.stringify(value)} differs from ${rule.scope}.${rule.path} = ${JSON.stringify(target[0]!.value)}`;
    }
  }
}

export interface InvariantResult {
  id: string;
  path: string;
  ok: boolean;
  message: string;
}

/** A compiled invariant: parse errors surface at load time as configuration errors. */
export interface CompiledInvariant {
  invariant: Invariant;
  rule: Rule;
  segments: Segment[];
}

export function compileInvariant(inv: Invariant): { ok: true; compiled: CompiledInvariant } | { ok: false; message: string } {
  if (typeof inv.path !== 'string' || typeof inv.rule !== 'string') {
    return { ok: false, message: `invariant ${inv.id} has no path/rule; descriptive invariants need trace analysis the mini-language cannot express` };
  }
  const rule = parseRule(inv.rule);
  if (!rule.ok) return { ok: false, message: `invariant ${inv.id}: ${rule.message}` };
  const segments = parsePath(inv.path);
  if (!segments) return { ok: false, message: `invariant ${inv.id}: path "${inv.path}" is not a dotted path with [n] / [*]` };
  return { ok: true, compiled: { invariant: inv, rule: rule.rule, segments } };
}

/**
 * Evaluates one invariant. `scopes` maps scope names to objects; scope `event` is evaluated
 * on every event of `events` (observability rules apply to event-core events only).
 */
export function evaluateInvariant(c: CompiledInvariant, scopes: Readonly<Record<string, unknown>>, events: readonly unknown[] = []): InvariantResult[] {
  const { invariant: inv, rule, segments } = c;
  if (inv.scope === 'event') {
    const family = familyCondition(inv);
    const results: InvariantResult[] = [];
    events.forEach((e, i) => {
      const eventFamily = (e as { event_family?: unknown } | null)?.event_family;
      if (typeof eventFamily !== 'string' || (family !== undefined && eventFamily !== family)) return;
      results.push(...evaluateAt(inv, rule, resolvePath(e, segments, `events[${i}]`), scopes));
    });
    return results;
  }
  if (!(inv.scope in scopes) || scopes[inv.scope] === undefined) {
    return [{ id: inv.id, path: `${inv.scope}.${inv.path}`, ok: false, message: `no ${inv.scope} object in this flow` }];
  }
  return evaluateAt(inv, rule, resolvePath(scopes[inv.scope], segments, inv.scope), scopes);
}

function evaluateAt(inv: Invariant, rule: Rule, at: Resolved[], scopes: Readonly<Record<string, unknown>>): InvariantResult[] {
  return at.map((r) => {
    if (!r.present) {
      const skip = isConditional(inv, rule);
      return { id: inv.id, path: r.path, ok: skip, message: skip ? 'absent (conditional)' : 'the path resolves to nothing' };
    }
    const problem = checkValue(rule, r.value, scopes);
    return { id: inv.id, path: r.path, ok: problem === null, message: problem ?? 'ok' };
  });
}

/** Invariant files are `{ invariants: [...] }` (flow-local, frozen) or a bare list (golden globals). */
export function invariantList(doc: unknown): unknown[] | undefined {
  if (Array.isArray(doc)) return doc;
  const list = (doc as { invariants?: unknown } | null)?.invariants;
  return Array.isArray(list) ? list : undefined;
}
