// The runtime side of the stdio protocol in TypeScript: serves any in-process Adapter over a
// pair of streams (stdin/stdout by default), so a JS runtime needs no protocol code of its
// own. `mplp-conformance serve` uses it for the reference runtime. Step actions and module
// calls go back to the kit as requests; the runtime sees the answers as the promises the
// adapter contract describes.

import type { Readable, Writable } from 'node:stream';
import type { Adapter, ModuleResult, Session, SessionEnv } from '../contract.js';
import { describeThrown, isInstance } from '../values.js';
import { readLines } from './lines.js';
import { RpcPeer, type RequestHandler } from './peer.js';
import { compatibleVersion, FORWARDED_OPERATIONS, MAX_LINE_CHARS, OPTIONAL_SESSION_METHODS, PROTOCOL_VERSION, RPC_ERROR, RpcError, type OptionalSessionMethod } from './protocol.js';

export interface ServeOptions {
  input?: Readable;
  output?: Writable;
  /** Diagnostics (default: stderr); never stdout, which carries the protocol. */
  log?(line: string): void;
}

type Params = Record<string, unknown>;
type VslTx = { get(key: string): Promise<unknown>; set(key: string, value: unknown): Promise<void> };

interface Served {
  session: Session;
  transactions: Map<string, { tx: VslTx; end(commit: boolean): Promise<void> }>;
}

/** A transaction's fn was told to give up: its writes are discarded. */
class Aborted extends Error {}

/** Serves `adapter` until the input ends, then closes its sessions and disposes it. */
export function serveAdapter(adapter: Adapter, options: ServeOptions = {}): Promise<void> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const sessions = new Map<string, Served>();
  let transactionCount = 0;

  const served = (p: Params): Served => {
    const s = sessions.get(String(p['session']));
    if (!s) throw new RpcError(RPC_ERROR.unknownSession, `no open session ${JSON.stringify(p['session'])}`);
    return s;
  };
  /** A session operation: adapter throws become operationFailed answers naming the throw. */
  const op =
    (fn: (s: Served, p: Params) => unknown): RequestHandler =>
    async (p) => {
      const s = served(p);
      try {
        return await fn(s, p);
      } catch (e) {
        if (isInstance(e, RpcError)) throw e;
        throw new RpcError(RPC_ERROR.operationFailed, describeThrown(e));
      }
    };
  /** The session's function at a dotted member path ("drift.scan"), bound to its group. */
  const member = (s: Served, path: string): ((...args: unknown[]) => unknown) => {
    const [group, name] = path.includes('.') ? path.split('.') : [undefined, path];
    const owner = (group === undefined ? s.session : (s.session as unknown as Record<string, unknown>)[group]) as Record<string, unknown> | undefined;
    const fn = owner?.[name!];
    if (typeof fn !== 'function') throw new RpcError(RPC_ERROR.methodNotFound, `this session has no ${path}()`);
    return (fn as (...args: unknown[]) => unknown).bind(owner);
  };
  const transaction = (s: Served, p: Params) => {
    const t = s.transactions.get(String(p['transaction']));
    if (!t) throw new RpcError(RPC_ERROR.invalidParams, `no open transaction ${JSON.stringify(p['transaction'])}`);
    return t;
  };

  const handlers: Record<string, RequestHandler> = {
    describe: async (p) => {
      if (!compatibleVersion(p['protocol_version'])) {
        throw new RpcError(RPC_ERROR.invalidParams, `the kit speaks protocol ${String(p['protocol_version'])}; this runtime speaks ${PROTOCOL_VERSION}`);
      }
      return { protocol_version: PROTOCOL_VERSION, ...(await adapter.describe()) };
    },
    createSession: async (p) => {
      const id = String(p['session']);
      if (sessions.has(id)) throw new RpcError(RPC_ERROR.invalidParams, `session ${id} is already open`);
      const env = p['env'] as Omit<SessionEnv, 'ael'>;
      const session = await adapter.createSession({
        ...env,
        ael: { execute: async (action) => (await peer.request('ael.execute', { session: id, action })).result },
      });
      sessions.set(id, { session, transactions: new Map() });
      return { methods: methodsOf(session) };
    },
    ...Object.fromEntries(
      Object.entries(FORWARDED_OPERATIONS).map(([method, names]) => [method, op((s, p) => member(s, method)(...names.map((n) => p[n])))]),
    ),
    run: op((s, p) => s.session.run(String(p['plan_id']), p['options'] as never)),
    get: op(async (s, p) => (await s.session.get(p['target'] as never)) ?? null),
    'vsl.get': op(async (s, p) => found(await member(s, 'vsl.get')(String(p['key'])))),
    'vsl.set': op(async (s, p) => {
      await member(s, 'vsl.set')(String(p['key']), p['value']);
    }),
    'vsl.transaction.begin': op(async (s) => {
      const id = `t${++transactionCount}`;
      s.transactions.set(id, await openTransaction(member(s, 'vsl.transaction') as Parameters<typeof openTransaction>[0]));
      return { transaction: id };
    }),
    'vsl.transaction.get': op(async (s, p) => found(await transaction(s, p).tx.get(String(p['key'])))),
    'vsl.transaction.set': op(async (s, p) => {
      await transaction(s, p).tx.set(String(p['key']), p['value']);
    }),
    'vsl.transaction.commit': op(async (s, p) => {
      const t = transaction(s, p);
      s.transactions.delete(String(p['transaction']));
      await t.end(true);
    }),
    'vsl.transaction.abort': op(async (s, p) => {
      const t = transaction(s, p);
      s.transactions.delete(String(p['transaction']));
      await t.end(false);
    }),
    'modules.register': op((s, p) => {
      const name = String(p['name']);
      const invoke = async ({ ctx }: { ctx: unknown }) => (await peer.request('module.invoke', { session: String(p['session']), name, ctx })).result as ModuleResult;
      return member(s, 'modules.register')(name, invoke);
    }),
    close: op(async (s, p) => {
      sessions.delete(String(p['session']));
      await s.session.close();
    }),
  };

  const peer = new RpcPeer({
    send: (line) => void output.write(`${line}\n`),
    peerName: 'the kit',
    selfName: 'the runtime',
    streamName: 'stdin',
    handlers,
    onViolation: (v) => log(`mplp stdio server: stdin line ${v.lineNumber} ${v.problem}`),
  });

  return new Promise((resolve) => {
    readLines(input, {
      line: (text, n) => peer.receive(text, n),
      tooLong: (n) => log(`mplp stdio server: stdin line ${n} is longer than ${MAX_LINE_CHARS} characters; ignored`),
      end: () => {
        peer.close('the kit closed the connection');
        void shutDown(adapter, sessions, log).then(resolve);
      },
    });
  });
}

/** The contract's optional members this session has, as announced in createSession. */
function methodsOf(session: Session): OptionalSessionMethod[] {
  const at = (path: string) => path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), session);
  return OPTIONAL_SESSION_METHODS.filter((m) => typeof at(m) === 'function');
}

function found(value: unknown): { found: boolean; value?: unknown } {
  return value === undefined ? { found: false } : { found: true, value };
}

/**
 * Opens an adapter transaction whose fn stays open until the kit commits or aborts: the
 * contract's transaction(fn) turned into begin / commit / abort requests.
 */
function openTransaction(run: <T>(fn: (tx: VslTx) => Promise<T>) => Promise<T>): Promise<{ tx: VslTx; end(commit: boolean): Promise<void> }> {
  return new Promise((opened, failed) => {
    let decide!: (commit: boolean) => void;
    const decision = new Promise<boolean>((r) => (decide = r));
    const done = run(async (tx) => {
      opened({
        tx,
        end: async (commit) => {
          decide(commit);
          await done.catch((e: unknown) => {
            if (!(e instanceof Aborted)) throw e;
          });
        },
      });
      if (!(await decision)) throw new Aborted();
    });
    // A transaction() that fails before calling fn fails the begin.
    done.catch(failed);
  });
}

async function shutDown(adapter: Adapter, sessions: Map<string, Served>, log: (line: string) => void): Promise<void> {
  for (const [id, s] of sessions) {
    await Promise.resolve()
      .then(() => s.session.close())
      .catch((e: unknown) => log(`mplp stdio server: closing session ${id} failed: ${describeThrown(e)}`));
  }
  sessions.clear();
  await Promise.resolve()
    .then(() => adapter.dispose?.())
    .catch((e: unknown) => log(`mplp stdio server: dispose() failed: ${describeThrown(e)}`));
}
