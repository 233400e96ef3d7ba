// The chaos corpus (issue #11, "the kit never hangs, never crashes, never lies"): one table of
// named misbehaviours, each a patch over the reference runtime's adapter (one operation
// replaced, or the SessionEnv the runtime sees wrapped), and what the kit must conclude. The
// same table drives the in-process adapter (test/chaos/adapter.ts) and the stdio runtime
// process (test/chaos/runtime.ts); behaviours only a process can show (exiting, printing on
// stdout) are stdio-only. docs/adapter.md, "What the kit does when your adapter misbehaves",
// lists these behaviours and outcomes for vendors.

import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { Session, SessionEnv, StepAction } from '../../src/adapter/contract.js';

export type Transport = 'in-process' | 'stdio';

/**
 * The operation timeout (--timeout) of chaos runs, unless a case sets its own. Small, yet
 * with room for the honest waits of a loaded 2-core machine running many cases at once: a
 * run() legitimately stays open while the check holds its steps at a barrier and reads the
 * session, and over stdio every answer is a round trip to another process.
 */
export const CHAOS_OPERATION_TIMEOUT_MS = 1_000;
/** The check timeout (--check-timeout) of chaos runs, unless a case sets its own (over stdio it includes restarting a runtime that died). */
export const CHAOS_CHECK_TIMEOUT_MS: Readonly<Record<Transport, number>> = { 'in-process': 5_000, stdio: 15_000 };

/** Real checks of the kit whose representative scenario calls every core session operation. */
export const ONCE_PER_STEP = 'orchestration.ael.once-per-step';
export const READ_AFTER_WRITE = 'psg.read-after-write.status';
export const CHAOS_CHECKS = [ONCE_PER_STEP, READ_AFTER_WRITE] as const;

/** A huge answer: more items than the kit accepts in one list (src/kit/session-guard.ts). */
export const FLOOD_EVENTS = 2_000_000;
export const HUGE_GRAPH_NODES = 1_000_000;

export interface ChaosExpectation {
  /** What every check in `checks` (default: every selected check) must end as. */
  outcome: 'error' | 'fail' | 'pass';
  /** Its message must match: for `error`, it names the operation that misbehaved. */
  message: RegExp;
  checks?: readonly string[];
}

export interface ChaosCase {
  name: string;
  /** What the runtime does, one line (the docs table says the same). */
  does: string;
  transports: readonly Transport[];
  expect: ChaosExpectation;
  /** The SessionEnv the reference runtime is given instead of the kit's (a misbehaving AEL user). */
  env?(env: SessionEnv): SessionEnv;
  /** Session members replacing the reference session's. */
  session?(reference: Session, env: SessionEnv): Partial<Session>;
  /** Replaces createSession altogether. */
  createSession?(): Promise<Session>;
  /** Runs in the runtime process before it serves (stdio only). */
  startup?(): void;
  /** Check timeout for this case (default CHAOS_CHECK_TIMEOUT_MS). */
  checkTimeoutMs?: number;
  /** Operation timeout for this case (default CHAOS_OPERATION_TIMEOUT_MS): room for a huge answer to arrive whole. */
  operationTimeoutMs?: number;
  /**
   * Transports on which the kit spends a second or more of CPU reading the answer (parsing a
   * line of tens of MB): the tests run those in a process of their own, so no other case's
   * timers wait behind it.
   */
  heavyOn?: readonly Transport[];
}

// ------------------------------------------------------------------ hostile values

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/** A Proxy whose every trap throws (reading, listing, typeof-probing through instanceof…). */
export function hostileProxy(): object {
  const refuse = () => {
    throw 'hostile proxy: no access';
  };
  return new Proxy(
    {},
    {
      get: refuse,
      set: refuse,
      has: refuse,
      ownKeys: refuse,
      getPrototypeOf: refuse,
      setPrototypeOf: refuse,
      getOwnPropertyDescriptor: refuse,
      defineProperty: refuse,
      deleteProperty: refuse,
      isExtensible: refuse,
      preventExtensions: refuse,
    },
  );
}

/** A plain object every property of which is a getter that throws. */
function trappedObject(): object {
  const boom = (what: string) => () => {
    throw new Error(`${what} getter exploded`);
  };
  return Object.defineProperties({}, {
    message: { get: boom('message'), enumerable: true },
    name: { get: boom('name'), enumerable: true },
    toJSON: { get: boom('toJSON') },
    toString: { get: boom('toString') },
    [Symbol.toStringTag]: { get: boom('toStringTag') },
    [Symbol.toPrimitive]: { get: boom('toPrimitive') },
  });
}

/** An Error whose message and name getters throw. */
function trappedError(): Error {
  const e = new Error('never seen');
  for (const key of ['message', 'name', 'stack']) {
    Object.defineProperty(e, key, {
      get() {
        throw new Error(`${key} getter exploded`);
      },
    });
  }
  return e;
}

const throwing = (value: () => unknown) => async (): Promise<never> => {
  throw value();
};

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value;
}

/** Rewrites every object of a load bundle in place, then freezes it. */
function scramble(bundle: unknown): void {
  const b = bundle as { plans?: Array<Record<string, unknown>>; contexts?: Array<Record<string, unknown>> };
  for (const plan of b.plans ?? []) {
    plan['status'] = 'completed';
    plan['plan_id'] = randomUUID();
    const steps = plan['steps'] as Array<Record<string, unknown>> | undefined;
    steps?.reverse();
    for (const s of steps ?? []) {
      s['status'] = 'failed';
      s['step_id'] = randomUUID();
    }
  }
  for (const c of b.contexts ?? []) c['title'] = 'scrambled by the adapter';
  b.plans?.push({ plan_id: 'junk' });
  deepFreeze(bundle);
}

/** Writes characters on stdout without ever ending the line, until the process is killed. */
async function endlessLine(): Promise<never> {
  const chunk = 'x'.repeat(8 << 20);
  for (;;) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
}

/** A SessionEnv whose AEL executes each action with `around` instead. */
function aelWrapped(env: SessionEnv, around: (action: StepAction, execute: (a: StepAction) => Promise<unknown>) => Promise<unknown>): SessionEnv {
  const execute = (a: StepAction) => env.ael.execute(a);
  return { ...env, ael: { execute: (action) => around(action, execute) } };
}

// ------------------------------------------------------------------ the corpus

const BOTH: readonly Transport[] = ['in-process', 'stdio'];
const IN_PROCESS: readonly Transport[] = ['in-process'];
const STDIO: readonly Transport[] = ['stdio'];
const LATE_MS = CHAOS_OPERATION_TIMEOUT_MS + 500;
/** Operation timeout of the cases whose answer is huge: time to build, send and read it whole, so the kit's limit (not its timeout) decides. */
const HUGE_ANSWER_TIMEOUT_MS = 20_000;
/** The kit's words for an operation that outlived --timeout: its own timer, or the stdio call's. */
const timedOut = (op: string) => new RegExp(`${op.replace(/[().]/g, '\\$&')} (did not settle within \\d+ ms|threw: .*did not answer within \\d+ ms)`);
const said = (op: string, rest: string) => new RegExp(`${op.replace(/[().]/g, '\\$&')} ${rest}`);

export const CHAOS: readonly ChaosCase[] = [
  // -- hangs and late answers
  {
    name: 'load-never-settles',
    does: 'load() returns a promise that never settles',
    transports: BOTH,
    expect: { outcome: 'error', message: timedOut('session.load()') },
    session: () => ({ load: never }),
  },
  {
    name: 'run-answers-late',
    does: `run() answers correctly, but ${LATE_MS} ms late (past the operation timeout)`,
    transports: BOTH,
    expect: { outcome: 'error', message: timedOut('session.run()') },
    session: (s) => ({
      run: async (planId, options) => {
        const answer = await s.run(planId, options);
        await delay(LATE_MS);
        return answer;
      },
    }),
  },
  {
    name: 'create-session-never-settles',
    does: 'createSession() never settles',
    transports: BOTH,
    expect: { outcome: 'error', message: timedOut('adapter.createSession()') },
    createSession: never,
  },
  {
    name: 'close-never-settles',
    does: 'close() never settles (every other operation is fine)',
    transports: BOTH,
    expect: { outcome: 'error', message: timedOut('session.close()') },
    session: () => ({ close: never }),
  },
  {
    name: 'everything-slow',
    does: 'every operation answers just inside the operation timeout, so the check never ends',
    transports: IN_PROCESS,
    checkTimeoutMs: 1_500,
    expect: { outcome: 'error', message: /did not finish within 1500 ms \(check timeout\)/ },
    session: (s) =>
      Object.fromEntries(
        (['load', 'transition', 'run', 'confirm', 'get', 'graph', 'events'] as const).map((op) => [
          op,
          async (...args: unknown[]) => {
            await delay(CHAOS_OPERATION_TIMEOUT_MS / 2);
            return (s[op] as (...a: unknown[]) => Promise<unknown>)(...args);
          },
        ]),
      ),
  },
  // -- throws of anything
  {
    name: 'load-throws-string',
    does: 'load() throws a string',
    transports: BOTH,
    expect: { outcome: 'error', message: said('session.load()', 'threw.*the string "load exploded"') },
    session: () => ({ load: throwing(() => 'load exploded') }),
  },
  {
    name: 'transition-throws-null',
    does: 'transition() throws null',
    transports: BOTH,
    expect: { outcome: 'error', message: said('session.transition()', 'threw.*null') },
    session: () => ({ transition: throwing(() => null) }),
  },
  {
    name: 'get-throws-undefined',
    does: 'get() throws undefined',
    transports: BOTH,
    expect: { outcome: 'error', message: said('session.get()', 'threw.*undefined') },
    session: () => ({ get: throwing(() => undefined) }),
  },
  {
    name: 'graph-throws-getter-object',
    does: 'graph() throws an object whose every getter throws',
    transports: BOTH,
    expect: { outcome: 'error', message: said('session.graph()', 'threw') },
    session: () => ({ graph: throwing(trappedObject) }),
  },
  {
    name: 'events-throws-trapped-error',
    does: 'events() throws an Error whose message and name getters throw',
    transports: BOTH,
    expect: { outcome: 'error', message: said('session.events()', 'threw') },
    session: () => ({ events: throwing(trappedError) }),
  },
  {
    name: 'run-throws-proxy',
    does: 'run() throws a Proxy that throws on every access',
    transports: BOTH,
    expect: { outcome: 'error', message: said('session.run()', 'threw') },
    session: () => ({ run: throwing(hostileProxy) }),
  },
  {
    name: 'load-returns-thenable-that-throws',
    does: 'load() returns a thenable whose then() throws a string',
    transports: IN_PROCESS,
    expect: { outcome: 'error', message: said('session.load()', 'threw.*"then exploded"') },
    session: () => ({
      load: () =>
        ({
          then() {
            throw 'then exploded';
          },
        }) as never,
    }),
  },
  {
    name: 'create-session-returns-proxy',
    does: 'createSession() returns a Proxy that throws on every access',
    transports: IN_PROCESS,
    expect: { outcome: 'error', message: said('adapter.createSession()', '') },
    createSession: async () => hostileProxy() as Session,
  },
  // -- wrong shapes
  {
    name: 'load-answer-missing-fields',
    does: 'load() answers { ok: false } without code or message',
    transports: BOTH,
    expect: { outcome: 'error', message: said('session.load()', 'returned a rejection without a string "code"') },
    session: () => ({ load: async () => ({ ok: false }) as never }),
  },
  {
    name: 'run-outcome-wrong-types',
    does: 'run() answers an outcome whose fields have the wrong types',
    transports: BOTH,
    expect: { outcome: 'error', message: said('session.run()', 'returned an outcome that is not a RunOutcome') },
    session: () => ({ run: async () => ({ ok: true, outcome: { plan_id: 42, plan_status: ['completed'], step_statuses: 'all good', paused: 'no' } }) as never }),
  },
  {
    name: 'load-answer-holds-proxy',
    does: 'load() answers { ok: true, value: <a Proxy that throws on every access> }',
    transports: BOTH,
    expect: { outcome: 'error', message: said('session.load()', '') },
    session: () => ({ load: async () => ({ ok: true, value: hostileProxy() }) }),
  },
  {
    name: 'graph-answer-getter-throws',
    does: 'graph() answers an object whose "nodes" getter throws',
    transports: BOTH,
    expect: { outcome: 'error', message: said('session.graph()', '') },
    session: () => ({
      graph: async () =>
        ({
          get nodes(): never {
            throw new Error('nodes getter exploded');
          },
          edges: [],
        }) as never,
    }),
  },
  {
    name: 'graph-huge',
    does: `graph() answers ${HUGE_GRAPH_NODES.toLocaleString('en')} nodes`,
    transports: BOTH,
    operationTimeoutMs: HUGE_ANSWER_TIMEOUT_MS,
    heavyOn: STDIO,
    checkTimeoutMs: 2 * HUGE_ANSWER_TIMEOUT_MS,
    expect: { outcome: 'error', message: said('session.graph()', `returned ${HUGE_GRAPH_NODES} items in "nodes", more than the kit's limit`) },
    session: () => ({ graph: async () => ({ nodes: new Array(HUGE_GRAPH_NODES).fill({ type: 'plan', id: 'p' }), edges: [] }) }),
  },
  {
    name: 'events-flood',
    does: `events() answers a flood of ${FLOOD_EVENTS.toLocaleString('en')} events`,
    transports: BOTH,
    operationTimeoutMs: HUGE_ANSWER_TIMEOUT_MS,
    heavyOn: STDIO,
    checkTimeoutMs: 2 * HUGE_ANSWER_TIMEOUT_MS,
    expect: { outcome: 'error', message: said('session.events()', `returned ${FLOOD_EVENTS} items, more than the kit's limit`) },
    session: () => ({ events: async () => new Array(FLOOD_EVENTS).fill({ event_type: 'x' }) }),
  },
  // -- mutating what the kit passed in (the kit is immune: the checks pass)
  {
    name: 'load-scrambles-bundle',
    does: 'load() loads a copy, then rewrites and freezes the bundle object it was given',
    transports: IN_PROCESS,
    expect: { outcome: 'pass', message: /./ },
    session: (s) => ({
      load: async (bundle) => {
        const answer = await s.load(structuredClone(bundle));
        scramble(bundle);
        return answer;
      },
    }),
  },
  {
    name: 'env-deep-frozen',
    does: 'createSession() deep-freezes the SessionEnv, AEL included',
    transports: IN_PROCESS,
    expect: { outcome: 'pass', message: /./ },
    env: (env) => {
      deepFreeze(env);
      return env;
    },
  },
  // -- AEL misuse (rule violations: the checks fail)
  {
    name: 'ael-twice-per-step',
    does: 'executes every step action through the AEL twice',
    transports: BOTH,
    expect: { outcome: 'fail', message: /executed 2 time\(s\)/, checks: [ONCE_PER_STEP] },
    env: (env) =>
      aelWrapped(env, async (action, execute) => {
        const result = await execute(action);
        await execute(action);
        return result;
      }),
  },
  {
    name: 'ael-unknown-step',
    does: 'executes an action for a step no plan has before every real one',
    transports: BOTH,
    expect: { outcome: 'fail', message: /AEL call\(s\) name no step of any loaded plan/, checks: [ONCE_PER_STEP] },
    env: (env) =>
      aelWrapped(env, async (action, execute) => {
        await execute({ ...action, action_id: randomUUID(), step_id: randomUUID() });
        return execute(action);
      }),
  },
  {
    name: 'ael-twice-then-erases-evidence',
    does: "executes each action twice, then edits the AEL's records to hide it",
    transports: IN_PROCESS,
    expect: { outcome: 'fail', message: /executed 2 time\(s\)/, checks: [ONCE_PER_STEP] },
    env: (env) => {
      const kitAel = env.ael as unknown as { records?: Array<{ step_id: string }>; anomalyLog?: string[] };
      return aelWrapped(env, async (action, execute) => {
        const result = await execute(action);
        await execute(action);
        const records = kitAel.records;
        if (Array.isArray(records)) {
          const second = records.map((r) => r.step_id).lastIndexOf(action.step_id);
          if (second >= 0) records.splice(second, 1);
        }
        kitAel.anomalyLog?.splice(0);
        return result;
      });
    },
  },
  // -- process trouble (stdio only)
  {
    name: 'exits-mid-run',
    does: 'the process calls process.exit(7) when asked to run a plan',
    transports: STDIO,
    expect: { outcome: 'error', message: said('session.run()', 'threw: .*exited with code 7') },
    session: () => ({
      run: async () => {
        process.exit(7);
      },
    }),
  },
  {
    name: 'killed-mid-load',
    does: 'the process SIGKILLs itself when asked to load',
    transports: STDIO,
    expect: { outcome: 'error', message: said('session.load()', 'threw: .*was killed by SIGKILL') },
    session: () => ({
      load: async () => {
        process.kill(process.pid, 'SIGKILL');
        return never();
      },
    }),
  },
  {
    name: 'prints-on-stdout',
    does: 'graph() prints a line of text on stdout (a stray print)',
    transports: STDIO,
    expect: { outcome: 'error', message: said('session.graph()', 'threw: .*broke the protocol on stdout line \\d+, which is not JSON') },
    session: (s) => ({
      graph: async () => {
        process.stdout.write('graph coming up!\n');
        return s.graph();
      },
    }),
  },
  {
    name: 'endless-stdout-line',
    does: 'load() writes one line on stdout that never ends',
    transports: STDIO,
    operationTimeoutMs: HUGE_ANSWER_TIMEOUT_MS,
    heavyOn: STDIO,
    checkTimeoutMs: 2 * HUGE_ANSWER_TIMEOUT_MS,
    expect: { outcome: 'error', message: said('session.load()', "threw: .*stdout line \\d+, which is longer than the kit's limit") },
    session: () => ({ load: endlessLine }),
  },
  {
    name: 'exits-at-startup',
    does: 'the process exits with code 9 before answering describe',
    transports: STDIO,
    expect: { outcome: 'error', message: /describe\(\) failed: the runtime did not complete the describe handshake: .*exited with code 9/ },
    startup: () => process.exit(9),
  },
  {
    name: 'prints-banner-at-startup',
    does: 'the process prints a banner on stdout before answering describe',
    transports: STDIO,
    expect: { outcome: 'error', message: /describe\(\) failed: the runtime did not complete the describe handshake: .*not JSON/ },
    startup: () => void process.stdout.write('Welcome to the chaos runtime!\n'),
  },
];

export function chaosCase(name: string): ChaosCase {
  const found = CHAOS.find((c) => c.name === name);
  if (!found) throw new Error(`no chaos case named ${JSON.stringify(name)} (known: ${CHAOS.map((c) => c.name).join(', ')})`);
  return found;
}
