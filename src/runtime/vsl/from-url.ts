// Picks a VSL backend by URL — the form the CLI's --vsl and the MPLP_VSL variable take:
//   memory:                                   in this process (the default)
//   file:<folder> | file:///abs/folder        FileVSL
//   redis://[user:pass@]host:port[/db][?prefix=…]   (or rediss://) RedisVSL
//   postgres://user[:pass]@host:port/db[?table=…]   (or postgresql://) PostgresVSL

import { fileURLToPath } from 'node:url';
import type { BackendVsl } from './backend.js';
import { FileVSL } from './file.js';
import { MemoryVSL } from './memory-backend.js';

export interface VslUrlOptions {
  /** Limit for connecting to a server (default 2000 ms). */
  connectTimeoutMs?: number;
}

export const VSL_URL_FORMS = 'memory:, file:<folder>, redis://host:port[/db] or postgres://user@host:port/db';

/** Opens the backend a URL names; the caller closes it. A URL of no known form is a TypeError;
 *  a backend that cannot be reached is a VslBackendError naming the backend and address. */
export async function vslFromUrl(url: string, options: VslUrlOptions = {}): Promise<BackendVsl> {
  switch (schemeOf(url)) {
    case 'memory':
      return MemoryVSL.create();
    case 'file':
      return FileVSL.open(folderOf(url));
    // Server clients load only when asked for.
    case 'redis':
    case 'rediss':
      return (await import('./redis.js')).RedisVSL.connect(url, options);
    case 'postgres':
    case 'postgresql':
      return (await import('./postgres.js')).PostgresVSL.connect(url, options);
    default:
      throw new TypeError(`unknown VSL URL ${JSON.stringify(redactedVslUrl(url))}: use ${VSL_URL_FORMS}`);
  }
}

/** The URL without its password, for messages and report names. */
export function redactedVslUrl(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

function schemeOf(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return match ? match[1]!.toLowerCase() : '';
}

function folderOf(url: string): string {
  const folder = url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
  if (folder === '') throw new TypeError(`VSL URL ${JSON.stringify(url)} names no folder: use file:<folder>`);
  return folder;
}
