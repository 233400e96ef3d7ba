// What every durable VSL backend (file, Redis, PostgreSQL) offers beyond get/set/transaction:
// namespaces over one connection (so sessions stay apart or share on purpose), deleting a
// namespace, closing. Errors name the backend and its address, never a password.

import type { ValueStateLayer, VslTx } from './types.js';

export type BackendKind = 'memory' | 'file' | 'redis' | 'postgres';

export interface BackendVsl extends ValueStateLayer {
  readonly backend: BackendKind;
  /** Where the data lives, safe to print: a folder, or host:port/db without credentials. */
  readonly address: string;
  /** Every backend offers transactions: all writes of fn commit together or none does. */
  transaction<T>(fn: (tx: VslTx) => Promise<T>): Promise<T>;
  /** This VSL's namespace ('' for the root). */
  readonly space: string;
  /** A VSL over namespace `name` inside this one, on the same connection. Names are any strings. */
  namespace(name: string): Promise<BackendVsl>;
  /** Deletes every key of this namespace (nested namespaces too) and closes it. */
  destroy(): Promise<void>;
  /** Releases what this VSL opened (connections, locks); later calls reject. Idempotent. */
  close(): Promise<void>;
}

export class VslBackendError extends Error {
  override name = 'VslBackendError';
  constructor(
    readonly backend: BackendKind,
    readonly address: string,
    what: string,
    cause?: unknown,
  ) {
    super(`${backend} VSL at ${address}: ${what}${cause === undefined ? '' : `: ${causeText(cause)}`}`, cause === undefined ? undefined : { cause });
  }
}

function causeText(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0) return cause.errors.map(causeText).join('; ');
  if (cause instanceof Error) return cause.message || cause.name;
  return String(cause);
}

/** Why `key` cannot be a VSL key, or undefined. Keys are strings of well-formed Unicode: a lone
 *  surrogate would turn into U+FFFD on its way to a file name or a server, so two keys could meet. */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return `a key must be a string, got ${typeof key}`;
  if (/\p{Cs}/u.test(key)) return `key ${JSON.stringify(key)} holds a lone UTF-16 surrogate`;
  return undefined;
}

/** host:port/path of a URL without user or password (for messages). */
export function safeAddress(url: URL): string {
  return `${url.hostname || 'localhost'}${url.port ? `:${url.port}` : ''}${url.pathname && url.pathname !== '/' ? url.pathname : ''}`;
}

/** Namespace path segments are joined with '/', each escaped so no name can forge another's path. */
export function joinSpace(parent: string, name: string): string {
  if (name === '') throw new TypeError('a VSL namespace name must not be empty');
  const segment = encodeURIComponent(name).replace(/[.*!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return parent === '' ? segment : `${parent}/${segment}`;
}
