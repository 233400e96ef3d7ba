// RedisVSL: values as JSON strings under `<prefix><namespace>:<key>` (prefix `mplp:vsl:` unless the
// URL says `?prefix=`). Namespace segments are escaped, so the first ':' after the prefix always
// ends the namespace and no namespace can read another's keys.
//
// transaction(fn): reads inside fn WATCH their key on a connection of the transaction's own (WATCH
// is per connection, so transactions borrow from a small pool); writes are staged and sent as one
// MULTI/EXEC. If a key the transaction read changed before EXEC, nothing is written and the
// transaction rejects (no silent retry: fn may have side effects). A throw from fn writes nothing.
//
// Connecting is bounded: a failed first connection rejects at once (after at most
// connectTimeoutMs), naming the address; a dropped connection is retried a few times, then
// operations reject instead of queueing forever.

import { Redis, type RedisOptions } from 'ioredis';
import { joinSpace, keyProblem, safeAddress, VslBackendError, type BackendVsl } from './backend.js';
import { toJsonText } from './json-value.js';
import type { VslTx } from './types.js';

export interface RedisVslOptions {
  /** Limit for opening a connection (default 2000 ms). */
  connectTimeoutMs?: number;
}

const DEFAULT_PREFIX = 'mplp:vsl:';
const RECONNECT_TRIES = 3;
/** Idle transaction connections kept for reuse. */
const POOL_IDLE = 4;
const SCAN_BATCH = 1000;

/** The main connection, plus the dedicated ones transactions borrow. */
class RedisLink {
  private readonly idle: Redis[] = [];
  private readonly open = new Set<Redis>();

  private constructor(
    private readonly url: string,
    private readonly options: RedisOptions,
    readonly main: Redis,
  ) {}

  static async connect(url: string, options: RedisOptions): Promise<RedisLink> {
    return new RedisLink(url, options, await connectOne(url, options));
  }

  async borrow(): Promise<Redis> {
    const conn = this.idle.pop() ?? (await connectOne(this.url, this.options));
    this.open.add(conn);
    return conn;
  }

  giveBack(conn: Redis, reusable: boolean): void {
    this.open.delete(conn);
    if (reusable && conn.status === 'ready' && this.idle.length < POOL_IDLE) this.idle.push(conn);
    else conn.disconnect();
  }

  async close(): Promise<void> {
    const all = [this.main, ...this.idle, ...this.open];
    this.idle.length = 0;
    this.open.clear();
    await Promise.allSettled(all.map((c) => (c.status === 'ready' ? c.quit() : c.disconnect())));
  }
}

/** One connection, or the reason it could not be had (the 'error' event holds the real cause). */
async function connectOne(url: string, options: RedisOptions): Promise<Redis> {
  const conn = new Redis(url, options);
  let lastError: unknown;
  conn.on('error', (e: unknown) => {
    lastError = e;
  });
  try {
    await conn.connect();
    return conn;
  } catch (e) {
    conn.disconnect();
    throw lastError ?? e;
  }
}

type Pending = string | null;

export class RedisVSL implements BackendVsl {
  readonly backend = 'redis' as const;
  private closed = false;

  private constructor(
    private readonly link: RedisLink,
    readonly address: string,
    readonly space: string,
    private readonly prefix: string,
    private readonly ownsLink: boolean,
  ) {}

  /** Connects to `redis://[user:password@]host:port[/db][?prefix=…]` (or rediss://). */
  static async connect(url: string, options: RedisVslOptions = {}): Promise<RedisVSL> {
    const parsed = new URL(url);
    const prefix = parsed.searchParams.get('prefix') ?? DEFAULT_PREFIX;
    parsed.searchParams.delete('prefix');
    const address = safeAddress(parsed);
    const timeout = options.connectTimeoutMs ?? 2000;
    const redisOptions: RedisOptions = {
      lazyConnect: true,
      connectTimeout: timeout,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => (times > RECONNECT_TRIES ? null : times * 100),
    };
    try {
      return new RedisVSL(await RedisLink.connect(parsed.href, redisOptions), address, '', prefix, true);
    } catch (e) {
      throw new VslBackendError('redis', address, `cannot connect (limit ${timeout} ms)`, e);
    }
  }

  async get(key: string): Promise<unknown> {
    this.usable(key);
    const text = await this.call(`GET of key ${JSON.stringify(key)} failed`, () => this.link.main.get(this.redisKey(key)));
    return text === null ? undefined : JSON.parse(text);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.usable(key);
    const pending = this.encode(key, value);
    const k = this.redisKey(key);
    await this.call(`write of key ${JSON.stringify(key)} failed`, async () => {
      if (pending === null) await this.link.main.del(k);
      else await this.link.main.set(k, pending);
    });
  }

  async transaction<T>(fn: (tx: VslTx) => Promise<T>): Promise<T> {
    this.usable();
    const conn = await this.call('cannot open a connection for a transaction', () => this.link.borrow());
    const staged = new Map<string, Pending>();
    let reusable = true;
    const tx: VslTx = {
      get: async (key) => {
        this.usable(key);
        if (staged.has(key)) return parse(staged.get(key)!);
        const k = this.redisKey(key);
        const text = await this.call(`transaction read of key ${JSON.stringify(key)} failed`, async () => {
          await conn.watch(k);
          return conn.get(k);
        });
        return parse(text);
      },
      set: async (key, value) => {
        this.usable(key);
        staged.set(key, this.encode(key, value));
      },
    };
    try {
      let result: T;
      try {
        result = await fn(tx);
      } catch (e) {
        await conn.unwatch().catch(() => (reusable = false));
        throw e;
      }
      reusable = false;
      await this.call('transaction commit failed', () => this.exec(conn, staged));
      reusable = true;
      return result;
    } finally {
      this.link.giveBack(conn, reusable);
    }
  }

  async namespace(name: string): Promise<RedisVSL> {
    this.usable();
    return new RedisVSL(this.link, this.address, joinSpace(this.space, name), this.prefix, false);
  }

  /** Deletes this namespace's keys and those of namespaces inside it (SCAN + UNLINK). */
  async destroy(): Promise<void> {
    this.usable();
    const base = globEscape(this.prefix + this.space);
    const patterns = this.space === '' ? [`${base}*`] : [`${base}:*`, `${base}/*`];
    await this.call('deleting the namespace failed', async () => {
      for (const pattern of patterns) {
        let cursor = '0';
        do {
          const [next, keys] = await this.link.main.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH);
          if (keys.length > 0) await this.link.main.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
      }
    });
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsLink) await this.link.close();
  }

  /** MULTI/EXEC of the staged writes; EXEC answers null when a WATCHed key changed. */
  private async exec(conn: Redis, staged: Map<string, Pending>): Promise<void> {
    if (staged.size === 0) {
      await conn.unwatch();
      return;
    }
    const multi = conn.multi();
    for (const [key, pending] of staged) {
      if (pending === null) multi.del(this.redisKey(key));
      else multi.set(this.redisKey(key), pending);
    }
    const replies = await multi.exec();
    if (replies === null) throw new Error('a key the transaction read was changed by another client before the commit; nothing was written');
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0];
  }

  private redisKey(key: string): string {
    return `${this.prefix}${this.space}:${key}`;
  }

  private encode(key: string, value: unknown): Pending {
    if (value === undefined) return null;
    try {
      return toJsonText(value);
    } catch (e) {
      throw new VslBackendError('redis', this.address, `cannot store key ${JSON.stringify(key)}`, e);
    }
  }

  private usable(key?: unknown): void {
    if (this.closed) throw new VslBackendError('redis', this.address, 'the VSL is closed');
    if (key === undefined) return;
    const problem = keyProblem(key);
    if (problem !== undefined) throw new VslBackendError('redis', this.address, problem);
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      throw e instanceof VslBackendError ? e : new VslBackendError('redis', this.address, what, e);
    }
  }
}

function parse(text: Pending): unknown {
  return text === null ? undefined : JSON.parse(text);
}

function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
