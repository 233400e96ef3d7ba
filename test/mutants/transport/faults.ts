// The transport fault corpus: each mutant is the reference runtime served over stdio
// (src/adapter/stdio/server.ts) with exactly one named fault, on the wire or in `run`, and
// names the message the kit must report. Every one must end its check `error` with that
// message: never a hang, never a kit crash. Served by runtime.ts in this folder.

import type { Adapter } from '../../../src/adapter/contract.js';
import type { RpcId, RpcMessage } from '../../../src/adapter/stdio/protocol.js';

/** The runtime's side of the pipe as a fault sees it. */
export interface Wire {
  /** Writes one raw line to the kit. */
  send(line: string): void;
  /** Requests the kit sent that the runtime has not answered yet. */
  open: ReadonlyMap<RpcId, { method: string; params: Record<string, unknown> }>;
}

export interface TransportFault {
  name: string;
  description: string;
  /** The check the test runs against the mutant. */
  check: string;
  /** A fragment the `error` outcome's message must contain. */
  expect: string;
  /** Rewrites one message the runtime is about to send: what to send instead. */
  outgoing?(message: RpcMessage, wire: Wire): RpcMessage[];
  /** Replaces the served adapter (a fault inside the runtime rather than on the wire). */
  adapter?(reference: Adapter): Adapter;
}

const isResponseTo = (m: RpcMessage, wire: Wire, method: string) => !('method' in m) && m.id !== null && wire.open.get(m.id)?.method === method;

/** Runs fn once per process (faults that would otherwise fire on every message). */
function once<A extends unknown[]>(fn: (...a: A) => RpcMessage[] | undefined): (...a: A) => RpcMessage[] | undefined {
  let fired = false;
  return (...a) => {
    if (fired) return undefined;
    const out = fn(...a);
    if (out !== undefined) fired = true;
    return out;
  };
}

/** Ids of run requests the early-answer fault already answered (their real answers are dropped). */
const answeredEarly = new Set<RpcId>();

const wrongId = once((m: RpcMessage, wire: Wire) => (isResponseTo(m, wire, 'run') ? [{ ...m, id: Number(m.id) + 1000 } as RpcMessage] : undefined));
const printOnLoad = once((m: RpcMessage, wire: Wire) => {
  if (!isResponseTo(m, wire, 'load')) return undefined;
  wire.send('loading plans into the PSG...');
  return [m];
});

export const TRANSPORT_FAULTS: readonly TransportFault[] = [
  {
    name: 'wrong-id',
    description: 'answers its first run request with an id the kit never sent',
    check: 'ael.failure.session-keeps-running',
    expect: 'which matches no request the kit sent',
    outgoing: (m, wire) => wrongId(m, wire) ?? [m],
  },
  {
    name: 'drops-response',
    description: 'computes every load answer but never writes it',
    check: 'ael.failure.session-keeps-running',
    expect: 'session.load() did not settle within',
    outgoing: (m, wire) => (isResponseTo(m, wire, 'load') ? [] : [m]),
  },
  {
    name: 'answers-run-before-ael-returns',
    description: 'answers run "completed" as soon as it sends the first step action, before the AEL call returned',
    // The kit can tell only while it still holds the action: this check holds it at a barrier.
    check: 'ael.result.awaited',
    expect: 'while the kit was still executing the action of step',
    outgoing: (m, wire) => {
      if (!('method' in m)) return m.id !== null && answeredEarly.has(m.id) ? [] : [m];
      if (m.method !== 'ael.execute') return [m];
      const run = [...wire.open].find(([id, r]) => r.method === 'run' && r.params['session'] === m.params['session'] && !answeredEarly.has(id));
      if (!run) return [m];
      answeredEarly.add(run[0]);
      const planId = String(run[1].params['plan_id']);
      return [m, { jsonrpc: '2.0', id: run[0], result: { ok: true, outcome: { plan_id: planId, plan_status: 'completed', step_statuses: {}, paused: false } } }];
    },
  },
  {
    name: 'run-never-returns',
    description: 'run() never settles',
    check: 'ael.failure.session-keeps-running',
    expect: 'session.run() did not settle within',
    adapter: (reference) => ({
      describe: () => reference.describe(),
      createSession: async (env) => ({ ...(await reference.createSession(env)), run: () => new Promise(() => undefined) }),
    }),
  },
  {
    name: 'prints-to-stdout',
    description: 'prints a progress line on stdout before its first load answer',
    check: 'ael.failure.session-keeps-running',
    expect: 'which is not JSON',
    outgoing: (m, wire) => printOnLoad(m, wire) ?? [m],
  },
  {
    name: 'crashes-mid-run',
    description: 'exits with code 70 when it sends its first step action',
    check: 'ael.failure.session-keeps-running',
    expect: 'exited with code 70',
    outgoing: (m) => {
      if ('method' in m && m.method === 'ael.execute') {
        process.stderr.write('fatal: simulated crash while executing a step\n');
        process.exit(70);
      }
      return [m];
    },
  },
];

export function transportFaultNamed(name: string): TransportFault {
  const f = TRANSPORT_FAULTS.find((x) => x.name === name);
  if (!f) throw new Error(`no transport fault named ${name}; known: ${TRANSPORT_FAULTS.map((x) => x.name).join(', ')}`);
  return f;
}
