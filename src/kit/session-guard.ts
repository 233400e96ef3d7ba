// Wraps an adapter Session so checks call it normally while every operation is guarded: a
// throw (of anything), a hang past the operation timeout, or a return of the wrong shape
// becomes an AdapterFault naming the operation. Faults are also recorded on the guard, so a
// check that swallows one still ends `error`: adapter trouble is never graded as a rule.

import type { Capabilities, Session } from '../adapter/contract.js';
import { describeThrown, summarise } from '../adapter/load.js';

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

/** Copies plain data so neither side can mutate the other's objects; functions pass through. */
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
}

/** Runs one adapter operation under the guard. */
export function guardOperation<T>(guard: OperationGuard, operation: string, invoke: () => unknown, shape: ShapeRule = anything, crossing: Crossing = {}): Promise<T> {
  const run = async (): Promise<T> => {
    if (guard.signal.aborted) throw new AdapterFault(operation, 'was called after the check ended');
    let value: unknown;
    try {
      value = await settleWithin(invoke, guard.timeoutMs, guard.signal);
    } catch (e) {
      if (crossing.ownError?.(e)) throw e;
      if (e instanceof Deadline) throw record(guard, new AdapterFault(operation, e.message));
      throw record(guard, new AdapterFault(operation, describeThrown(e).replace(/^(?!threw)/, 'threw: ')));
    }
    const problem = shape(value);
    if (problem !== undefined) throw record(guard, new AdapterFault(operation, problem));
    return (crossing.byReference ? value : copy(value)) as T;
  };
  const promise = run();
  // A check that never awaits an operation must not crash the process with an unhandled rejection.
  promise.catch(() => undefined);
  return promise;
}

function record(guard: OperationGuard, fault: AdapterFault): AdapterFault {
  if (!guard.signal.aborted) guard.faults.push(fault);
  return fault;
}

class Deadline extends Error {}

function settleWithin(invoke: () => unknown, ms: number, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new Deadline(`did not settle within ${ms} ms (operation timeout)`))), ms);
    const onAbort = () => finish(() => reject(new Deadline('was abandoned: the check ended before it settled')));
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      settle();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      Promise.resolve(invoke()).then(
        (v) => finish(() => resolve(v)),
        (e) => finish(() => reject(e)),
      );
    } catch (e) {
      finish(() => reject(e));
    }
  });
}

function wrapGroup<T extends object>(raw: T, ops: Record<string, ShapeRule>, prefix: string, guard: OperationGuard): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, shape] of Object.entries(ops)) {
    const fn = (raw as Record<string, unknown>)[name];
    if (typeof fn !== 'function') continue;
    wrapped[name] = (...args: unknown[]) => guardOperation(guard, `${prefix}${name}()`, () => fn.apply(raw, args.map(copy)), shape);
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

/** The guarded view of a raw session; call only after sessionShapeProblems found nothing. */
export function guardSession(raw: Session, guard: OperationGuard): Session {
  const session = wrapGroup(raw, SESSION_OPS, 'session.', guard);
  if (isObject(raw.vsl)) session.vsl = guardVsl(raw.vsl, guard);
  if (isObject(raw.modules)) session.modules = wrapGroup(raw.modules, MODULE_OPS, 'session.modules.', guard);
  if (isObject(raw.drift)) session.drift = wrapGroup(raw.drift, DRIFT_OPS, 'session.drift.', guard);
  if (isObject(raw.rollback)) session.rollback = wrapGroup(raw.rollback, ROLLBACK_OPS, 'session.rollback.', guard);
  return session;
}
