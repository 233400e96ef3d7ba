// Wraps an adapter Session so checks call it normally while every operation is guarded: a
// throw (of anything), a hang past the operation timeout, or a return of the wrong shape
// becomes an AdapterFault naming the operation. Faults are also recorded on the guard, so a
// check that swallows one still ends `error`: adapter trouble is never graded as a rule.
// Nothing the adapter hands back is trusted: results are copied to plain data before they are
// judged (a getter or a Proxy cannot throw in a check, or answer differently the second time),
// lists longer than MAX_LIST_ITEMS are refused before anything is copied, and reading a thrown
// value can never throw again (test/chaos/corpus.ts holds the misbehaviours this survives).

import type { Capabilities, Session } from '../adapter/contract.js';
import { describeThrown, summarise } from '../adapter/load.js';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { copyValue } from '../mplp/copy.js';
import type { BusEvent } from '../mplp/types.js';
import type { CallTrace } from './call-trace.js';

/**
 * The most items one list in an adapter's answer may hold (events(), graph() nodes or edges,
 * module names, artifacts, snapshots…); a longer one is an adapter fault, refused before it is
 * copied or judged. Checks build small scenarios: ten thousand times the events any of them
 * sees. Documented in docs/adapter.md.
 */
export const MAX_LIST_ITEMS = 100_000;

export class AdapterFault extends Error {
  override name = 'AdapterFault';
  constructor(
    readonly operation: string,
    readonly problem: string,
  ) {
    super(`${operation} ${problem}`);
  }
}

/** Shared by every session of one check. */
export interface OperationGuard {
  timeoutMs: number;
  /** Aborts when the check is over: pending and later operations are abandoned. */
  signal: AbortSignal;
  faults: AdapterFault[];
  /** Called with each fault recorded (the check scope ends the check at the first). */
  onFault?(fault: AdapterFault): void;
  /** --trace: every operation is recorded here. */
  trace?: CallTrace;
}

/** Returns a problem sentence, or undefined when the value has the right shape. */
type ShapeRule = (value: unknown) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const anything: ShapeRule = () => undefined;

const opResult: ShapeRule = (v) => {
  const expected = 'an OpResult ({ ok: true, value? } or { ok: false, code, message })';
  if (!isObject(v)) return `returned ${summarise(v)}, not ${expected}`;
  if (v['ok'] === true) return undefined;
  if (v['ok'] !== false) return `returned ${summarise(v)}: "ok" must be true or false in ${expected}`;
  if (typeof v['code'] !== 'string' || v['code'] === '') return `returned a rejection without a string "code": ${summarise(v)}`;
  if (typeof v['message'] !== 'string') return `returned a rejection without a string "message": ${summarise(v)}`;
  return undefined;
};

const runResult: ShapeRule = (v) => {
  const base = opResult(v);
  if (base !== undefined || !isObject(v) || v['ok'] !== true) return base;
  const o = v['outcome'];
  if (!isObject(o)) return `accepted the run but returned no "outcome" (a RunOutcome): ${summarise(v)}`;
  if (typeof o['plan_id'] !== 'string' || typeof o['plan_status'] !== 'string' || !isObject(o['step_statuses']) || typeof o['paused'] !== 'boolean') {
    return `returned an outcome that is not a RunOutcome ({ plan_id, plan_status, step_statuses, paused }): ${summarise(o)}`;
  }
  return undefined;
};

const objectOrNothing: ShapeRule = (v) =>
  v === undefined || v === null || isObject(v) ? undefined : `returned ${summarise(v)}, not an object (or undefined when there is none)`;

const graphExport: ShapeRule = (v) => {
  if (!isObject(v) || !Array.isArray(v['nodes']) || !Array.isArray(v['edges'])) return `returned ${summarise(v)}, not a GraphExport ({ nodes: [], edges: [] })`;
  const badNode = (v['nodes'] as unknown[]).find((n) => !isObject(n) || typeof n['type'] !== 'string' || typeof n['id'] !== 'string');
  if (badNode !== undefined) return `returned a graph node without string "type" and "id": ${summarise(badNode)}`;
  const badEdge = (v['edges'] as unknown[]).find((e) => !isObject(e) || typeof e['from'] !== 'string' || typeof e['to'] !== 'string' || typeof e['type'] !== 'string');
  if (badEdge !== undefined) return `returned a graph edge without string "from", "to" and "type": ${summarise(badEdge)}`;
  return undefined;
};

const eventList: ShapeRule = (v) => {
  if (!Array.isArray(v)) return `returned ${summarise(v)}, not an array of events`;
  const at = v.findIndex((e) => !isObject(e));
  return at < 0 ? undefined : `returned an event list whose item ${at} is not an object: ${summarise(v[at])}`;
};

const stringList: ShapeRule = (v) =>
  Array.isArray(v) && v.every((s) => typeof s === 'string') ? undefined : `returned ${summarise(v)}, not an array of strings`;

const SESSION_OPS: Record<string, ShapeRule> = {
  load: opResult,
  transition: opResult,
  run: runResult,
  cancel: opResult,
  confirm: opResult,
  pause: opResult,
  resume: opResult,
  get: objectOrNothing,
  graph: graphExport,
  events: eventList,
  close: anything,
};
const REQUIRED_OPS = ['load', 'transition', 'run', 'cancel', 'confirm', 'get', 'graph', 'events', 'close'];
const MODULE_OPS: Record<string, ShapeRule> = { register: opResult, unregister: opResult, list: stringList, invoke: opResult };

/** An accepted OpResult whose value holds these array fields (DriftReport, ReconcileResult). */
const acceptedWithLists = (what: string, fields: string[]): ShapeRule => (v) => {
  const base = opResult(v);
  if (base !== undefined || !isObject(v) || v['ok'] !== true) return base;
  const value = v['value'];
  if (!isObject(value) || fields.some((f) => !Array.isArray(value[f]) || (value[f] as unknown[]).some((x) => !isObject(x)))) {
    return `accepted but its value is not a ${what} (${fields.map((f) => `${f}: [ {...} ]`).join(', ')}): ${summarise(value)}`;
  }
  return undefined;
};
const objectList: ShapeRule = (v) => (Array.isArray(v) && v.every(isObject) ? undefined : `returned ${summarise(v)}, not an array of objects`);
const DRIFT_OPS: Record<string, ShapeRule> = {
  scan: acceptedWithLists('DriftReport', ['entries']),
  ingest: acceptedWithLists('DriftReport', ['entries']),
  reconcile: acceptedWithLists('ReconcileResult', ['applied', 'pending']),
  resolve: acceptedWithLists('ReconcileResult', ['applied', 'pending']),
  artifacts: objectList,
};
const ROLLBACK_OPS: Record<string, ShapeRule> = { setPolicy: opResult, snapshots: objectList };

/** What each capability obliges a session to offer. */
const CAPABILITY_MEMBERS: Array<{ claimed: (c: Capabilities) => boolean; capability: string; members: string[] }> = [
  { claimed: (c) => c.pauseResume, capability: 'pauseResume', members: ['pause', 'resume'] },
  { claimed: (c) => c.vsl, capability: 'vsl', members: ['vsl.get', 'vsl.set'] },
  { claimed: (c) => c.moduleRegistry, capability: 'moduleRegistry', members: ['modules.register', 'modules.unregister', 'modules.list', 'modules.invoke'] },
  { claimed: (c) => c.drift, capability: 'drift', members: Object.keys(DRIFT_OPS).map((op) => `drift.${op}`) },
  { claimed: (c) => c.rollback, capability: 'rollback', members: Object.keys(ROLLBACK_OPS).map((op) => `rollback.${op}`) },
];

function memberAt(raw: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (isObject(o) || typeof o === 'function' ? (o as Record<string, unknown>)[k] : undefined), raw);
}

/** Problems that make `raw` unusable as a Session for an adapter with these capabilities. */
export function sessionShapeProblems(raw: unknown, caps: Capabilities): string[] {
  try {
    return shapeProblemsOf(raw, caps);
  } catch (e) {
    return [`createSession() returned a session that cannot be read (${describeThrown(e)})`];
  }
}

function shapeProblemsOf(raw: unknown, caps: Capabilities): string[] {
  if (!isObject(raw)) return [`createSession() returned ${summarise(raw)}, not a Session object`];
  const problems = REQUIRED_OPS.filter((op) => typeof raw[op] !== 'function').map((op) => `the session has no ${op}() method`);
  for (const rule of CAPABILITY_MEMBERS) {
    if (!rule.claimed(caps)) continue;
    for (const m of rule.members) {
      if (typeof memberAt(raw, m) !== 'function') problems.push(`the session has no ${m}() although the adapter claims ${rule.capability}`);
    }
  }
  return problems;
}

/** Copies the kit's arguments so the adapter cannot mutate the check's objects; functions (modules) pass through. */
function copy<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

/** How one operation's values cross the guard. */
interface Crossing {
  /** A rejection that is the check's own error coming back (not an adapter fault): rethrown as is. */
  ownError?: (e: unknown) => boolean;
  /** The result is handed over as it is, not copied. */
  byReference?: boolean;
  /** The operation's arguments and session, for --trace. */
  traced?: { args: readonly unknown[]; session?: object };
}

/** Runs one adapter operation under the guard. */
export function guardOperation<T>(guard: OperationGuard, operation: string, invoke: () => unknown, shape: ShapeRule = anything, crossing: Crossing = {}): Promise<T> {
  const run = async (): Promise<T> => {
    if (guard.signal.aborted) throw new AdapterFault(operation, 'was called after the check ended');
    const began = guard.trace ? performance.now() : 0;
    const settled = await settleWithin(invoke, guard.timeoutMs, guard.signal);
    if (guard.trace) {
      const seen = settled.kind === 'value' ? settled.value : settled.kind === 'threw' ? describeThrown(settled.error) : settled.problem;
      guard.trace.call(operation, crossing.traced?.args ?? [], settled.kind === 'value' ? 'ok' : settled.kind, seen, performance.now() - began, crossing.traced?.session);
    }
    if (settled.kind === 'overdue') throw recordFault(guard, new AdapterFault(operation, settled.problem));
    if (settled.kind === 'threw') {
      if (crossing.ownError?.(settled.error)) throw settled.error;
      throw recordFault(guard, new AdapterFault(operation, describeThrown(settled.error).replace(/^(?!threw)/, 'threw: ')));
    }
    const crossed = cross(settled.value, shape, crossing);
    if (crossed.problem !== undefined) throw recordFault(guard, new AdapterFault(operation, crossed.problem));
    return crossed.value as T;
  };
  const promise = run();
  // A check that never awaits an operation must not crash the process with an unhandled rejection.
  promise.catch(() => undefined);
  return promise;
}

/**
 * A result as the check will see it: lists within MAX_LIST_ITEMS, copied to plain data (unless
 * it crosses by reference), and of the operation's shape. The shape is judged on the copy, so
 * what was judged is what the check gets.
 */
function cross(value: unknown, shape: ShapeRule, crossing: Crossing): { value: unknown; problem?: undefined } | { problem: string } {
  let data: unknown;
  try {
    const tooLong = oversizedList(value);
    if (tooLong !== undefined) return { problem: tooLong };
    data = crossing.byReference ? value : copyValue(value);
  } catch (e) {
    return { problem: `returned a value that is not plain data (${describeThrown(e)})` };
  }
  const problem = shape(data);
  return problem === undefined ? { value: data } : { problem };
}

/** The result, or one of its fields, is a list longer than MAX_LIST_ITEMS (checked before anything is copied). */
function oversizedList(value: unknown): string | undefined {
  const tooLong = (v: unknown) => Array.isArray(v) && v.length > MAX_LIST_ITEMS;
  const limit = `more than the kit's limit of ${MAX_LIST_ITEMS} per list`;
  if (tooLong(value)) return `returned ${(value as unknown[]).length} items, ${limit}`;
  if (!isObject(value)) return undefined;
  for (const key of Object.keys(value)) {
    const field = value[key];
    if (tooLong(field)) return `returned ${(field as unknown[]).length} items in "${key}", ${limit}`;
  }
  return undefined;
}

/** Keeps a fault on the guard (unless the check is already over); returns it to be thrown. */
export function recordFault(guard: OperationGuard, fault: AdapterFault): AdapterFault {
  if (!guard.signal.aborted) {
    guard.faults.push(fault);
    guard.onFault?.(fault);
  }
  return fault;
}

/** How an operation ended: what it resolved to, what it threw (anything at all), or not in time. */
type Settled = { kind: 'value'; value: unknown } | { kind: 'threw'; error: unknown } | { kind: 'overdue'; problem: string };

function settleWithin(invoke: () => unknown, ms: number, signal: AbortSignal): Promise<Settled> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish({ kind: 'overdue', problem: `did not settle within ${ms} ms (operation timeout)` }), ms);
    const onAbort = () => finish({ kind: 'overdue', problem: 'was abandoned: the check ended before it settled' });
    let done = false;
    const finish = (settled: Settled) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(settled);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      // Promise.resolve reads a returned value's `then`; a getter or a Proxy that throws there rejects it.
      Promise.resolve(invoke()).then(
        (value) => finish({ kind: 'value', value }),
        (error: unknown) => finish({ kind: 'threw', error }),
      );
    } catch (error) {
      finish({ kind: 'threw', error });
    }
  });
}

function wrapGroup<T extends object>(raw: T, ops: Record<string, ShapeRule>, prefix: string, guard: OperationGuard): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, shape] of Object.entries(ops)) {
    const fn = (raw as Record<string, unknown>)[name];
    if (typeof fn !== 'function') continue;
    wrapped[name] = (...args: unknown[]) => guardOperation(guard, `${prefix}${name}()`, () => fn.apply(raw, args.map(copy)), shape, guard.trace ? { traced: { args, session: raw } } : {});
  }
  return wrapped as T;
}

/**
 * The VSL group. Values cross by reference: L3-VSL-004 is about the runtime's VSL copying them,
 * and a copy made here would hide a VSL that does not. The error a transaction's callback threw
 * comes back as that same error, not as an adapter fault: throwing is how a check aborts one.
 */
function guardVsl(raw: NonNullable<Session['vsl']>, guard: OperationGuard): NonNullable<Session['vsl']> {
  const crossing: Crossing = { byReference: true };
  const vsl: NonNullable<Session['vsl']> = {
    get: (key) => guardOperation(guard, 'session.vsl.get()', () => raw.get(key), anything, crossing),
    set: (key, value) => guardOperation(guard, 'session.vsl.set()', () => raw.set(key, value), anything, crossing),
  };
  if (typeof raw.transaction === 'function') {
    vsl.transaction = (fn) => {
      const thrown = new Set<unknown>();
      const watched: typeof fn = async (tx) => {
        try {
          return await fn(tx);
        } catch (e) {
          thrown.add(e);
          throw e;
        }
      };
      return guardOperation(guard, 'session.vsl.transaction()', () => raw.transaction!(watched), anything, { ...crossing, ownError: (e) => thrown.has(e) });
    };
  }
  return vsl;
}

/** Events asked for per request when the adapter reads by cursor (a page; the kit asks again while pages are full). */
export const EVENT_PAGE = 10_000;

/**
 * session.events() for an adapter that declares `eventCursor`: the guard keeps the events it
 * has read (frozen plain copies) and asks only for the ones after them, a page at a time,
 * starting one event early so that the last event it holds is read again and compared: a
 * timeline that changed under it is read afresh from the start. An answer that is no
 * continuation (an event at or before the cursor, a missing or decreasing payload.seq: a
 * runtime that ignores the cursor, or wraps one that honours it) makes the guard read that
 * session whole from then on. Checks get the whole list either way.
 */
function cursorEvents(raw: Session, guard: OperationGuard): Session['events'] {
  let read: BusEvent[] = [];
  let byCursor = true;
  const page = (after: number) => guardOperation<BusEvent[]>(guard, 'session.events()', () => raw.events({ after, limit: EVENT_PAGE }), eventList);
  /** `held` plus every later event; 'changed' when the last held event no longer reads back the same; 'ignored' when an answer is no continuation. */
  const extend = async (held: BusEvent[]): Promise<BusEvent[] | 'changed' | 'ignored'> => {
    const out = held.slice();
    let recheck = out.length > 0;
    for (;;) {
      const after = recheck ? (out.length > 1 ? seqOf(out.at(-2)!) : 0) : out.length > 0 ? seqOf(out.at(-1)!) : 0;
      const got = await page(after);
      if (!continues(got, after)) return 'ignored';
      let from = 0;
      if (recheck) {
        if (got.length === 0 || !isDeepStrictEqual(got[0], out.at(-1))) return 'changed';
        from = 1;
        recheck = false;
      }
      for (let i = from; i < got.length; i++) out.push(deepFreeze(got[i]!));
      if (out.length > MAX_LIST_ITEMS) throw recordFault(guard, new AdapterFault('session.events()', `returned ${out.length} events in all, more than the kit's limit of ${MAX_LIST_ITEMS} per list`));
      if (got.length < EVENT_PAGE) return out;
    }
  };
  return async () => {
    if (byCursor) {
      let next = await extend(read);
      if (next === 'changed') next = await extend([]);
      if (next !== 'ignored' && next !== 'changed') {
        read = next;
        return read.slice();
      }
      byCursor = false;
      read = [];
    }
    return guardOperation<BusEvent[]>(guard, 'session.events()', () => raw.events(), eventList);
  };
}

/** Whether a page answered for events after `after` continues the timeline: each a numeric payload.seq above the one before. */
function continues(events: BusEvent[], after: number): boolean {
  let last = after;
  for (const e of events) {
    const seq = (e.payload as Record<string, unknown> | undefined)?.['seq'];
    if (typeof seq !== 'number' || !(seq > last)) return false;
    last = seq;
  }
  return true;
}

/** payload.seq of an event the guard holds (checked to be a number when it was read). */
const seqOf = (e: BusEvent) => (e.payload as Record<string, number>)['seq']!;

/** Freezes a fresh plain copy, so the events the guard keeps cannot be changed by a check. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else {
    for (const k in value) deepFreeze((value as Record<string, unknown>)[k]);
  }
  return value;
}

export interface GuardOptions {
  /** The adapter declared `eventCursor`: events are read incrementally. */
  eventCursor?: boolean;
}

/** The guarded view of a raw session; call only after sessionShapeProblems found nothing. */
export function guardSession(raw: Session, guard: OperationGuard, options: GuardOptions = {}): Session {
  const session = wrapGroup(raw, SESSION_OPS, 'session.', guard);
  if (options.eventCursor) session.events = cursorEvents(raw, guard);
  if (isObject(raw.vsl)) session.vsl = guardVsl(raw.vsl, guard);
  if (isObject(raw.modules)) session.modules = wrapGroup(raw.modules, MODULE_OPS, 'session.modules.', guard);
  if (isObject(raw.drift)) session.drift = wrapGroup(raw.drift, DRIFT_OPS, 'session.drift.', guard);
  if (isObject(raw.rollback)) session.rollback = wrapGroup(raw.rollback, ROLLBACK_OPS, 'session.rollback.', guard);
  return session;
}
