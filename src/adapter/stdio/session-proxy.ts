// A Session whose every operation is a request to the runtime process, so the kit's checks
// run unchanged over stdio. Only transport facts are handled here (absent values, kit-side
// modules, transactions as begin/commit, run answered early); the shape of each answer is
// judged by the kit's session guard exactly as for an in-process adapter.

import type { Capabilities, OpResult, RuntimeModule, Session } from '../contract.js';
import { CAPABILITY_METHODS, clip, FORWARDED_OPERATIONS, OPTIONAL_SESSION_METHODS, type OptionalSessionMethod } from './protocol.js';
import type { SessionLink } from './session-link.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const accepted = (r: unknown) => isObject(r) && r['ok'] === true;

/** Members each claimed capability requires, for runtimes that announce none (a transaction must be announced). */
function impliedMethods(caps: Capabilities): OptionalSessionMethod[] {
  const claimed = (Object.keys(CAPABILITY_METHODS) as (keyof typeof CAPABILITY_METHODS)[]).filter((c) => caps[c] === true);
  return claimed.flatMap((c): readonly OptionalSessionMethod[] => CAPABILITY_METHODS[c]).filter((m) => m !== 'vsl.transaction');
}

/** The optional members a createSession answer announces (`methods`), else those the capabilities imply. */
export function announcedMethods(answer: unknown, caps: Capabilities): Set<OptionalSessionMethod> {
  const methods = isObject(answer) ? answer['methods'] : undefined;
  if (methods === undefined) return new Set(impliedMethods(caps));
  const known = OPTIONAL_SESSION_METHODS as readonly unknown[];
  if (!Array.isArray(methods) || !methods.every((m) => known.includes(m))) {
    throw new Error(`createSession answered "methods": ${clip(JSON.stringify(methods))}; expected an array of ${OPTIONAL_SESSION_METHODS.join(', ')}`);
  }
  return new Set(methods as OptionalSessionMethod[]);
}

/** A vsl read answer, { found, value? }, as the contract's value-or-undefined. */
function readValue(method: string, answer: unknown): unknown {
  if (isObject(answer) && typeof answer['found'] === 'boolean') return answer['found'] ? answer['value'] : undefined;
  throw new Error(`${method} answered ${clip(JSON.stringify(answer))}, not { found: true|false, value? }`);
}

type Call = (method: string, params?: Record<string, unknown>) => Promise<unknown>;

/** Sets `fn` at a dotted member path of the session ("drift.scan" → session.drift.scan). */
function setMember(session: Record<string, unknown>, path: string, fn: unknown): void {
  const [group, name] = path.includes('.') ? path.split('.') : [undefined, path];
  if (group === undefined) session[name!] = fn;
  else ((session[group] ??= {}) as Record<string, unknown>)[name!] = fn;
}

export function proxySession(link: SessionLink, methods: ReadonlySet<OptionalSessionMethod>, released: () => void): Session {
  const call: Call = async (method, params = {}) => (await link.process.call(method, { session: link.id, ...params })).result;
  const session: Record<string, unknown> = {};

  for (const [method, names] of Object.entries(FORWARDED_OPERATIONS)) {
    const optional = (OPTIONAL_SESSION_METHODS as readonly string[]).includes(method);
    if (optional && !methods.has(method as OptionalSessionMethod)) continue;
    // JSON has no undefined: an absent argument travels as null.
    setMember(session, method, (...args: unknown[]) => call(method, Object.fromEntries(names.map((n, i) => [n, args[i] ?? null]))));
  }
  session['run'] = async (planId: string, options?: { profile?: string }) => {
    // Which of the plan's actions were unanswered when the answer line arrived (not when this code resumes).
    const params = { session: link.id, plan_id: planId, ...(options?.profile ? { options: { profile: options.profile } } : {}) };
    const { result, lineNumber, atAnswer } = await link.process.call('run', params, () => [...link.actionsExecuting(planId)]);
    const executing = accepted(result) ? (atAnswer as string[]) : [];
    if (executing.length > 0) {
      throw new Error(`the runtime answered run on stdout line ${lineNumber} while the kit was still executing the action of step ${executing.join(', ')} of plan ${planId}: run must await every AEL call it makes before it answers`);
    }
    return result;
  };
  // "No such object" travels as null.
  session['get'] = async (target: unknown) => (await call('get', { target })) ?? undefined;
  // A cursor travels only when given: runtimes that do not read one see the same request as ever.
  session['events'] = async (cursor?: unknown) => call('events', cursor === undefined || cursor === null ? {} : { cursor });
  session['close'] = async () => {
    try {
      await call('close');
    } finally {
      released();
    }
  };
  if (methods.has('vsl.get')) setMember(session, 'vsl.get', async (key: string) => readValue('vsl.get', await call('vsl.get', { key })));
  if (methods.has('vsl.set')) {
    setMember(session, 'vsl.set', async (key: string, value: unknown) => {
      await call('vsl.set', { key, value: value ?? null });
    });
  }
  if (methods.has('vsl.transaction')) setMember(session, 'vsl.transaction', <T>(fn: (tx: VslTx) => Promise<T>) => transaction(call, fn));
  if (methods.has('modules.register')) setMember(session, 'modules.register', registrar(link, call));
  if (methods.has('modules.unregister')) {
    const forward = (session['modules'] as Record<string, (name: string) => Promise<unknown>>)['unregister']!;
    setMember(session, 'modules.unregister', async (name: string) => {
      const answer = await forward(name);
      if (accepted(answer)) link.modules.delete(name);
      return answer;
    });
  }
  return session as unknown as Session;
}

interface VslTx {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

/** A transaction opened on the runtime, committed when fn resolves and aborted when it throws (fn's error is rethrown as is). */
async function transaction<T>(call: Call, fn: (tx: VslTx) => Promise<T>): Promise<T> {
  const begun = await call('vsl.transaction.begin');
  const id = isObject(begun) ? begun['transaction'] : undefined;
  if (typeof id !== 'string' || id === '') throw new Error(`vsl.transaction.begin answered ${clip(JSON.stringify(begun))}, not { transaction: "<id>" }`);
  const tx: VslTx = {
    get: async (key) => readValue('vsl.transaction.get', await call('vsl.transaction.get', { transaction: id, key })),
    set: async (key, value) => {
      await call('vsl.transaction.set', { transaction: id, key, value: value ?? null });
    },
  };
  let result: T;
  try {
    result = await fn(tx);
  } catch (e) {
    await call('vsl.transaction.abort', { transaction: id }).catch(() => undefined);
    throw e;
  }
  await call('vsl.transaction.commit', { transaction: id });
  return result;
}

/** modules.register: the module stays a kit-side function the runtime reaches by name. */
function registrar(link: SessionLink, call: Call): (name: string, module: RuntimeModule) => Promise<OpResult> {
  return async (name, module) => {
    // Known before the answer arrives: the runtime may invoke it as soon as it has answered.
    const had = link.modules.has(name);
    if (!had) link.modules.set(name, module);
    const answer = await call('modules.register', { name });
    if (accepted(answer)) link.modules.set(name, module);
    else if (!had) link.modules.delete(name);
    return answer as OpResult;
  };
}
