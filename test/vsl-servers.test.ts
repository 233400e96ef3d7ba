// RedisVSL and PostgresVSL against real servers started for this file (test/helpers/servers.ts):
// JSON values, namespaces kept apart, atomic transactions, errors that name the backend and
// address, and the reference runtime passing the VSL area on each — leaving nothing behind.

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceAdapterOn } from '../src/adapters/reference.js';
import type { BackendVsl } from '../src/runtime/vsl/backend.js';
import { redactedVslUrl, vslFromUrl } from '../src/runtime/vsl/from-url.js';
import { startPostgres, startRedis, type RunningServer } from './helpers/servers.js';
import { notPassed, runVslArea } from './helpers/vsl-area.js';

const servers: Partial<Record<'redis' | 'postgres', RunningServer>> = {};

beforeAll(async () => {
  const [redis, postgres] = await Promise.allSettled([startRedis(), startPostgres()]);
  if (redis.status === 'fulfilled') servers.redis = redis.value;
  if (postgres.status === 'fulfilled') servers.postgres = postgres.value;
  const failed = [redis, postgres].filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as Error);
  if (failed.length > 0) throw new Error(failed.map((e) => e.message).join('\n'));
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
});

function server(kind: 'redis' | 'postgres'): RunningServer {
  const s = servers[kind];
  if (!s) throw new Error(`the ${kind} server did not start (see the beforeAll error)`);
  return s;
}

/** A URL on 127.0.0.1 where nothing listens. */
async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Keys or rows the backend still holds for the VSL (0 once every namespace was destroyed). */
async function leftovers(kind: 'redis' | 'postgres', url: string): Promise<number> {
  if (kind === 'redis') {
    const client = new Redis(url);
    try {
      return (await client.keys('mplp:vsl:*')).length;
    } finally {
      client.disconnect();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM mplp_vsl')).rows[0]!.n);
  } finally {
    await client.end();
  }
}

describe.each(['redis', 'postgres'] as const)('%s VSL', (kind) => {
  let root: BackendVsl;
  let spaces = 0;
  const fresh = () => root.namespace(`test-${++spaces}`);

  beforeAll(async () => {
    root = await vslFromUrl(server(kind).url);
  });
  afterAll(async () => {
    await root?.destroy();
  });

  it('round-trips JSON values, answers undefined for missing keys, deletes on undefined', async () => {
    const vsl = await fresh();
    const values: unknown[] = [null, true, 0, -17.25, 9007199254740991, '', 'ü ✓ "quoted"', [], [1, [2, null]], {}, { a: { b: [true] } }];
    await Promise.all(values.map((v, i) => vsl.set(`k/${i}`, v)));
    for (const [i, v] of values.entries()) expect(await vsl.get(`k/${i}`)).toEqual(v);
    expect(await vsl.get('never-set')).toBeUndefined();
    await vsl.set('k/0', undefined);
    expect(await vsl.get('k/0')).toBeUndefined();
    await vsl.destroy();
  });

  it('refuses values JSON cannot hold, naming the backend, address and key', async () => {
    const vsl = await fresh();
    await expect(vsl.set('bad', { n: Infinity })).rejects.toThrow(`${kind} VSL at ${vsl.address}: cannot store key "bad": the value is not JSON: $.n is Infinity`);
    await vsl.destroy();
  });

  it('keeps namespaces apart; destroy deletes one namespace and those inside it only', async () => {
    const [a, b] = [await fresh(), await fresh()];
    const inner = await a.namespace('inner');
    await Promise.all([a.set('k', 'a'), b.set('k', 'b'), inner.set('k', 'inner')]);
    expect([await a.get('k'), await b.get('k'), await inner.get('k')]).toEqual(['a', 'b', 'inner']);
    await a.destroy();
    const again = await root.namespace(a.space.split('/').at(-1)!);
    expect(await again.get('k')).toBeUndefined();
    expect(await (await again.namespace('inner')).get('k')).toBeUndefined();
    expect(await b.get('k')).toBe('b');
    await expect(a.get('k')).rejects.toThrow(`${kind} VSL at ${a.address}: the VSL is closed`);
    await b.destroy();
  });

  it('commits a transaction whole, lets it read its own writes, and writes nothing when it throws', async () => {
    const vsl = await fresh();
    await vsl.set('b', 'before');
    await vsl.transaction(async (tx) => {
      await tx.set('a', { n: 1 });
      await tx.set('b', 'after');
      expect(await tx.get('b')).toBe('after');
    });
    expect([await vsl.get('a'), await vsl.get('b')]).toEqual([{ n: 1 }, 'after']);
    const boom = new Error('boom');
    await expect(
      vsl.transaction(async (tx) => {
        await tx.set('a', 'during');
        await tx.set('c', 'new');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect([await vsl.get('a'), await vsl.get('c')]).toEqual([{ n: 1 }, undefined]);
    await vsl.destroy();
  });

  it('fails to connect at once with an error naming the backend and address, without the password', async () => {
    const port = await deadPort();
    const url = kind === 'redis' ? `redis://:secret@127.0.0.1:${port}/2` : `postgres://mplp:secret@127.0.0.1:${port}/postgres`;
    const attempt = vslFromUrl(url, { connectTimeoutMs: 1000 });
    await expect(attempt).rejects.toThrow(new RegExp(`^${kind} VSL at 127\\.0\\.0\\.1:${port}/(2|postgres): cannot connect .*ECONNREFUSED`));
    await expect(attempt).rejects.not.toThrow(/secret/);
    expect(redactedVslUrl(url)).not.toContain('secret');
  });

  it('runs the reference runtime through the VSL area and the persisting flows, leaving nothing behind', async () => {
    const adapter = await referenceAdapterOn(server(kind).url);
    try {
      expect(notPassed(await runVslArea(adapter))).toEqual([]);
    } finally {
      await adapter.dispose?.();
    }
    expect(await leftovers(kind, server(kind).url)).toBe(0);
  });
});

describe('redis VSL specifics', () => {
  it('rejects a transaction whose read key changed before the commit, writing nothing', async () => {
    const vsl = await vslFromUrl(server('redis').url);
    const other = await vslFromUrl(server('redis').url);
    try {
      await vsl.set('watched', 1);
      await expect(
        vsl.transaction(async (tx) => {
          await tx.get('watched');
          await other.set('watched', 2);
          await tx.set('watched', 3);
          await tx.set('also', 3);
        }),
      ).rejects.toThrow(/^redis VSL at .*: transaction commit failed: .*a key the transaction read was changed by another client before the commit; nothing was written/);
      expect([await vsl.get('watched'), await vsl.get('also')]).toEqual([2, undefined]);
    } finally {
      await other.close();
      await vsl.destroy();
    }
  });

  it('keeps keys under the prefix the URL names', async () => {
    const vsl = await vslFromUrl(`${server('redis').url}?prefix=custom:`);
    const client = new Redis(server('redis').url);
    try {
      await vsl.set('k', 1);
      expect(await client.get('custom::k')).toBe('1');
    } finally {
      client.disconnect();
      await vsl.destroy();
    }
  });
});

describe('postgres VSL specifics', () => {
  it('creates its table once when several first connections race, in the table the URL names', async () => {
    const url = `${server('postgres').url}?table=vsl_race`;
    const all = await Promise.all(Array.from({ length: 5 }, () => vslFromUrl(url)));
    try {
      await all[0]!.set('k', { v: 1 });
      expect(await all[4]!.get('k')).toEqual({ v: 1 });
    } finally {
      await all[0]!.destroy();
      await Promise.all(all.slice(1).map((v) => v.close()));
    }
  });

  it('refuses the NUL character, which jsonb cannot hold, with a clear error', async () => {
    const root = await vslFromUrl(server('postgres').url);
    const vsl = await root.namespace('nul');
    try {
      await expect(vsl.set('k', { s: 'a\0b' })).rejects.toThrow(`postgres VSL at ${vsl.address}: cannot store key "k": PostgreSQL jsonb cannot hold the NUL character (U+0000) in a string`);
      await expect(vsl.set('k\0', 1)).rejects.toThrow('key "k\\u0000" holds the NUL character (U+0000), which PostgreSQL text cannot hold');
      await vsl.set('k', 'backslash-u text: \\u0000');
      expect(await vsl.get('k')).toBe('backslash-u text: \\u0000');
    } finally {
      await vsl.destroy();
      await root.close();
    }
  });

  it('rolls a transaction back whole when one of its statements fails', async () => {
    const root = await vslFromUrl(server('postgres').url);
    const vsl = await root.namespace('rollback');
    try {
      await expect(
        vsl.transaction(async (tx) => {
          await tx.set('good', 1);
          // A key past the btree entry limit (about 2.7 kB, incompressible) fails in the server.
          await tx.set(randomBytes(4000).toString('hex'), 1).catch(() => undefined);
        }),
      ).rejects.toThrow('the transaction was rolled back: one of its statements failed, so nothing was written');
      expect(await vsl.get('good')).toBeUndefined();
    } finally {
      await vsl.destroy();
      await root.close();
    }
  });
});
