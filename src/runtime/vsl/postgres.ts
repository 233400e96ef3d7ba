// PostgresVSL: one jsonb table (`mplp_vsl` unless the URL says `?table=`), a row per
// (namespace, key). A namespace is a value of the `space` column: nested namespaces are
// `parent/child` with each segment escaped, so `space = $1 OR space LIKE $1 || '/%'` is exactly a
// namespace and what is inside it.
//
// transaction(fn): BEGIN on a pooled client; tx.get reads with SELECT … FOR UPDATE (the rows it
// read stay locked until COMMIT), tx.set writes inside the transaction; COMMIT when fn resolves,
// ROLLBACK when it throws, so nothing of a failed transaction is written.
//
// jsonb keeps values, not their text: object key order is not kept, and PostgreSQL refuses the
// NUL character (U+0000) in strings and keys; such writes reject naming the backend. Keys are
// a btree primary key: one over about 2.7 kB is refused by the server.
// Connecting is bounded by connectTimeoutMs; the table is created on first connect.

import pg from 'pg';
import { joinSpace, keyProblem, safeAddress, VslBackendError, type BackendVsl } from './backend.js';
import { toJsonText } from './json-value.js';
import type { VslTx } from './types.js';

export interface PostgresVslOptions {
  /** Limit for opening a connection (default 2000 ms). */
  connectTimeoutMs?: number;
  /** Pooled connections (default 8). */
  poolSize?: number;
}

const DEFAULT_TABLE = 'mplp_vsl';
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** \u0000 in JSON text, as JSON.stringify writes NUL (an even run of backslashes before it is text). */
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

/** The pool and the statements of one table. */
class PgStore {
  readonly get: string;
  readonly getForUpdate: string;
  readonly upsert: string;
  readonly remove: string;
  readonly removeSpace: string;

  constructor(
    readonly pool: pg.Pool,
    readonly table: string,
  ) {
    this.get = `SELECT value FROM ${table} WHERE space = $1 AND key = $2`;
    this.getForUpdate = `${this.get} FOR UPDATE`;
    this.upsert = `INSERT INTO ${table} (space, key, value) VALUES ($1, $2, $3::jsonb) ON CONFLICT (space, key) DO UPDATE SET value = EXCLUDED.value`;
    this.remove = `DELETE FROM ${table} WHERE space = $1 AND key = $2`;
    this.removeSpace = `DELETE FROM ${table} WHERE space = $1 OR space LIKE $2`;
  }

  /** Creates the table once; the advisory lock keeps concurrent first connections from racing. */
  async createTable(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.table]);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.table} (space text NOT NULL, key text NOT NULL, value jsonb NOT NULL, PRIMARY KEY (space, key))`);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
}

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export class PostgresVSL implements BackendVsl {
  readonly backend = 'postgres' as const;
  private closed = false;

  private constructor(
    private readonly store: PgStore,
    readonly address: string,
    readonly space: string,
    private readonly ownsPool: boolean,
  ) {}

  /** Connects to `postgres://[user[:password]@]host[:port]/db[?table=…]` and creates the table if needed. */
  static async connect(url: string, options: PostgresVslOptions = {}): Promise<PostgresVSL> {
    const parsed = new URL(url);
    const table = parsed.searchParams.get('table') ?? DEFAULT_TABLE;
    parsed.searchParams.delete('table');
    const address = safeAddress(parsed);
    if (!TABLE_NAME.test(table)) throw new VslBackendError('postgres', address, `table name ${JSON.stringify(table)} must match ${TABLE_NAME}`);
    const timeout = options.connectTimeoutMs ?? 2000;
    const pool = new pg.Pool({ connectionString: parsed.href, connectionTimeoutMillis: timeout, max: options.poolSize ?? 8 });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    const store = new PgStore(pool, table);
    try {
      await store.createTable();
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw new VslBackendError('postgres', address, `cannot connect and prepare table ${table} (limit ${timeout} ms)`, e);
    }
    return new PostgresVSL(store, address, '', true);
  }

  async get(key: string): Promise<unknown> {
    return this.read(this.store.pool, key, this.store.get);
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.write(this.store.pool, key, value);
  }

  async transaction<T>(fn: (tx: VslTx) => Promise<T>): Promise<T> {
    this.usable();
    const client = await this.call('cannot open a connection for a transaction', () => this.store.pool.connect());
    let healthy = true;
    const rollback = () => client.query('ROLLBACK').then(
      () => undefined,
      () => void (healthy = false),
    );
    const tx: VslTx = {
      get: (key) => this.read(client, key, this.store.getForUpdate),
      set: (key, value) => this.write(client, key, value),
    };
    try {
      await this.call('BEGIN failed', () => client.query('BEGIN')).catch((e: unknown) => {
        healthy = false;
        throw e;
      });
      let result: T;
      try {
        result = await fn(tx);
      } catch (e) {
        await rollback();
        throw e;
      }
      const done = await this.call('COMMIT failed', () => client.query('COMMIT')).catch(async (e: unknown) => {
        await rollback();
        throw e;
      });
      // COMMIT of a transaction in which a statement failed answers ROLLBACK instead of throwing.
      if (done.command !== 'COMMIT') throw new VslBackendError('postgres', this.address, 'the transaction was rolled back: one of its statements failed, so nothing was written');
      return result;
    } finally {
      client.release(!healthy);
    }
  }

  async namespace(name: string): Promise<PostgresVSL> {
    this.usable();
    return new PostgresVSL(this.store, this.address, joinSpace(this.space, name), false);
  }

  async destroy(): Promise<void> {
    this.usable();
    // Escaped segments hold no '%' or '_' other than escapes, which LIKE must match literally.
    const inside = `${this.space === '' ? '' : `${this.space}/`}`.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
    await this.call('deleting the namespace failed', () => this.store.pool.query(this.store.removeSpace, [this.space, inside]));
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsPool) await this.store.pool.end();
  }

  private async read(db: Queryable, key: string, statement: string): Promise<unknown> {
    this.usable(key);
    const result = await this.call(`read of key ${JSON.stringify(key)} failed`, () => db.query<{ value: unknown }>(statement, [this.space, key]));
    return result.rows[0]?.value;
  }

  private async write(db: Queryable, key: string, value: unknown): Promise<void> {
    this.usable(key);
    if (value === undefined) {
      await this.call(`delete of key ${JSON.stringify(key)} failed`, () => db.query(this.store.remove, [this.space, key]));
      return;
    }
    let text: string;
    try {
      text = toJsonText(value);
      if (ESCAPED_NUL.test(text)) throw new TypeError('PostgreSQL jsonb cannot hold the NUL character (U+0000) in a string');
    } catch (e) {
      throw new VslBackendError('postgres', this.address, `cannot store key ${JSON.stringify(key)}`, e);
    }
    await this.call(`write of key ${JSON.stringify(key)} failed`, () => db.query(this.store.upsert, [this.space, key, text]));
  }

  private usable(key?: unknown): void {
    if (this.closed) throw new VslBackendError('postgres', this.address, 'the VSL is closed');
    if (key === undefined) return;
    const problem = keyProblem(key) ?? (typeof key === 'string' && key.includes('\0') ? `key ${JSON.stringify(key)} holds the NUL character (U+0000), which PostgreSQL text cannot hold` : undefined);
    if (problem !== undefined) throw new VslBackendError('postgres', this.address, problem);
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      throw e instanceof VslBackendError ? e : new VslBackendError('postgres', this.address, what, e);
    }
  }
}
