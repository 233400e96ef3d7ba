// Issue 8, the protocol itself: the documented example exchange is valid message by message
// and pairs every request with one answer; the schema names what is wrong with a bad message;
// and the runtime side for JS (serveAdapter) answers garbage, bad params, unknown sessions and
// methods with the protocol's errors, runs VSL transactions and calls kit-side modules back.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readLines } from '../src/adapter/stdio/lines.js';
import { RpcPeer, type ProtocolViolation } from '../src/adapter/stdio/peer.js';
import { messageProblem, PROTOCOL_VERSION, RPC_ERROR, RpcError, type RpcMessage } from '../src/adapter/stdio/protocol.js';
import { serveAdapter } from '../src/adapter/stdio/server.js';
import { referenceAdapter } from '../src/adapters/reference.js';
import { validate } from '../src/mplp/validate.js';

const DOC = new URL('../docs/stdio-protocol.md', import.meta.url);
const workspace = mkdtempSync(join(tmpdir(), 'stdio-protocol-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** The example exchange of docs/stdio-protocol.md §7: [direction, message] per line. */
function documentedExchange(): Array<{ from: 'kit' | 'runtime'; text: string }> {
  const text = readFileSync(DOC, 'utf8');
  const block = text.slice(text.indexOf('## 7.'));
  return block
    .split('\n')
    .filter((l) => l.startsWith('→ ') || l.startsWith('← '))
    .map((l) => ({ from: l.startsWith('→') ? ('kit' as const) : ('runtime' as const), text: l.slice(2) }));
}

describe('the documented exchange', () => {
  const lines = documentedExchange();

  it('is made of valid protocol messages', () => {
    expect(lines.length).toBeGreaterThan(20);
    const problems = lines.map((l, i) => [i, messageProblem(JSON.parse(l.text))] as const).filter(([, p]) => p !== undefined);
    expect(problems).toEqual([]);
  });

  it('answers every request exactly once, from the other side, after the request', () => {
    const open = new Map<string, number>();
    const unmatched: string[] = [];
    lines.forEach((l, i) => {
      const m = JSON.parse(l.text) as RpcMessage;
      if ('method' in m) open.set(`${l.from}:${m.id}`, i);
      else {
        const key = `${l.from === 'kit' ? 'runtime' : 'kit'}:${String(m.id)}`;
        if (!open.delete(key)) unmatched.push(`line ${i}: ${l.text.slice(0, 80)}`);
      }
    });
    expect(unmatched).toEqual([]);
    expect([...open.keys()]).toEqual([]);
  });

  it('registers schema-valid MPLP objects', () => {
    const load = lines.map((l) => JSON.parse(l.text) as RpcMessage).find((m) => 'method' in m && m.method === 'load') as unknown as { params: { bundle: { contexts: unknown[]; plans: unknown[] } } };
    expect(load.params.bundle.contexts.map((c) => validate('context', c).ok)).toEqual([true]);
    expect(load.params.bundle.plans.map((p) => validate('plan', p).ok)).toEqual([true]);
  });
});

describe('the protocol schema', () => {
  it.each([
    [{ jsonrpc: '2.0', id: 1, result: null, error: { code: 1, message: 'x' } }, 'is not allowed in this kind of message'],
    [{ jsonrpc: '2.0', id: 1, method: 'ael.execute', params: { session: 's1' } }, "/params/action: required property 'action' is missing"],
    [{ jsonrpc: '2.0', id: 1, method: 'run', params: { session: 's1', plan_id: 'p', options: { profile: 'solo' } } }, '/params/options/profile: must be one of "sa", "map"'],
    [{ jsonrpc: '2.0', id: 1, method: 'load', params: { session: 's1', bundel: {} } }, "property 'bundel' is not allowed here"],
    [{ jsonrpc: '1.0', id: 1, result: 1 }, '/jsonrpc: must be "2.0"'],
    [[{ jsonrpc: '2.0', id: 1, result: 1 }], '(root): must be object'],
    [{ jsonrpc: '2.0', id: 1, method: 'events', params: { session: 's1', cursor: { after: -1 } } }, '/params/cursor/after: must be >= 0'],
    [{ jsonrpc: '2.0', id: 1, method: 'events', params: { session: 's1', cursor: { from: 3 } } }, "property 'from' is not allowed here"],
  ])('names the problem of %j', (message, problem) => {
    expect(messageProblem(message)).toContain(problem);
  });
});

/** The reference adapter served over in-memory pipes, driven by a kit-side peer. */
function served(moduleAnswer: (params: Record<string, unknown>) => unknown = () => null) {
  const toRuntime = new PassThrough();
  const fromRuntime = new PassThrough();
  const logs: string[] = [];
  const done = serveAdapter(referenceAdapter, { input: toRuntime, output: fromRuntime, log: (l) => logs.push(l) });
  const violations: ProtocolViolation[] = [];
  const kit = new RpcPeer({
    send: (line) => void toRuntime.write(`${line}\n`),
    peerName: 'the runtime',
    selfName: 'the kit',
    streamName: 'stdout',
    handlers: { 'ael.execute': () => ({ status: 'executed' }), 'module.invoke': moduleAnswer },
    onViolation: (v) => violations.push(v),
  });
  readLines(fromRuntime, { line: (text, n) => kit.receive(text, n), end: () => undefined });
  const call = async (method: string, params: Record<string, unknown> = {}) => (await kit.request(method, params)).result;
  const open = (session: string) => call('createSession', { session, env: { workspace, seed: 1, maxConcurrency: 2 } });
  return { kit, call, open, toRuntime, done, logs, violations };
}

const rpcCode = (p: Promise<unknown>) => p.then(() => 'answered', (e: unknown) => (e instanceof RpcError ? e.code : String(e)));

describe('serveAdapter', () => {
  it('answers describe with the protocol version and refuses another major', async () => {
    const s = served();
    expect(await s.call('describe', { protocol_version: PROTOCOL_VERSION, kit: { name: 'k', version: '1' } })).toMatchObject({ protocol_version: PROTOCOL_VERSION, name: 'mplp-conformance reference runtime' });
    expect(await rpcCode(s.call('describe', { protocol_version: '2.0', kit: { name: 'k', version: '1' } }))).toBe(RPC_ERROR.invalidParams);
    s.toRuntime.end();
    await s.done;
  });

  it('answers garbage, bad params, unknown sessions and unknown methods with protocol errors', async () => {
    const s = served();
    s.toRuntime.write('print("hello")\n');
    await expect(s.call('load', { session: 's1' })).rejects.toThrow("/params/bundle: required property 'bundle' is missing");
    expect(await rpcCode(s.call('graph', { session: 'nope' }))).toBe(RPC_ERROR.unknownSession);
    expect(await rpcCode(s.call('teleport', { session: 'nope' }))).toBe(RPC_ERROR.methodNotFound);
    // The runtime's answer to the garbage line is an error about an unreadable message.
    expect(s.violations.map((v) => v.problem)).toEqual(['reports an error about an unreadable message: line 1 is not JSON']);
    expect(s.logs.join('\n')).toContain('stdin line 1 is not JSON');
    s.toRuntime.end();
    await s.done;
  });

  it('announces the session members it has and runs VSL transactions to commit or abort', async () => {
    const s = served();
    const opened = (await s.open('s1')) as { methods: string[] };
    expect(opened.methods).toEqual(expect.arrayContaining(['pause', 'resume', 'vsl.get', 'vsl.set', 'vsl.transaction', 'modules.register', 'drift.scan', 'rollback.snapshots']));
    for (const [key, end] of [['kept', 'vsl.transaction.commit'], ['dropped', 'vsl.transaction.abort']] as const) {
      const { transaction } = (await s.call('vsl.transaction.begin', { session: 's1' })) as { transaction: string };
      await s.call('vsl.transaction.set', { session: 's1', transaction, key, value: { n: 1 } });
      expect(await s.call('vsl.transaction.get', { session: 's1', transaction, key })).toEqual({ found: true, value: { n: 1 } });
      await s.call(end, { session: 's1', transaction });
    }
    expect(await s.call('vsl.get', { session: 's1', key: 'kept' })).toEqual({ found: true, value: { n: 1 } });
    expect(await s.call('vsl.get', { session: 's1', key: 'dropped' })).toEqual({ found: false });
    s.toRuntime.end();
    await s.done;
  });

  it('answers events by cursor when the kit sends one, and the whole list when it does not', async () => {
    const s = served();
    expect(await s.call('describe', { protocol_version: PROTOCOL_VERSION, kit: { name: 'k', version: '1' } })).toMatchObject({ eventCursor: true });
    await s.open('s1');
    const context = { meta: { protocol_version: '1.0.0', schema_version: '1.0.0' }, root: { domain: 'd', environment: 'e' }, title: 't', status: 'active' };
    for (const id of ['0d3c1b8a-5e5f-4a4b-8c8d-9e9f0a0b0c01', '0d3c1b8a-5e5f-4a4b-8c8d-9e9f0a0b0c02', '0d3c1b8a-5e5f-4a4b-8c8d-9e9f0a0b0c03']) {
      await s.call('load', { session: 's1', bundle: { contexts: [{ ...context, context_id: id }] } });
    }
    const all = (await s.call('events', { session: 's1' })) as { payload: { seq: number } }[];
    expect(all.map((e) => e.payload.seq)).toEqual([1, 2, 3]);
    expect(messageProblem({ jsonrpc: '2.0', id: 9, method: 'events', params: { session: 's1', cursor: { after: 1, limit: 1 } } })).toBeUndefined();
    expect(await s.call('events', { session: 's1', cursor: { after: 1, limit: 1 } })).toEqual([all[1]]);
    expect(await s.call('events', { session: 's1', cursor: { after: 1 } })).toEqual(all.slice(1));
    expect(await s.call('events', { session: 's1', cursor: null })).toEqual(all);
    s.toRuntime.end();
    await s.done;
  });

  it('invokes a registered module by calling the kit back with module.invoke', async () => {
    const asked: unknown[] = [];
    const s = served((p) => {
      asked.push(p);
      return { output: { echoed: p['ctx'] }, events: [{ kind: 'probe' }] };
    });
    await s.open('s1');
    expect(await s.call('modules.register', { session: 's1', name: 'echo' })).toEqual({ ok: true });
    expect(await s.call('modules.list', { session: 's1' })).toEqual(['echo']);
    expect(await s.call('modules.invoke', { session: 's1', name: 'echo', ctx: { q: 1 } })).toEqual({ ok: true, value: { output: { echoed: { q: 1 } }, events: [{ kind: 'probe' }] } });
    expect(asked).toEqual([{ session: 's1', name: 'echo', ctx: { q: 1 } }]);
    s.toRuntime.end();
    await s.done;
  });
});
