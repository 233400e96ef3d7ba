// Seed §3.2: the Value State Layer. get/set are async; transaction is optional and
// commits all of its writes or none of them.

import { RuntimeError } from '../errors.js';

export interface VslTx {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

export interface ValueStateLayer extends VslTx {
  transaction?<T>(fn: (tx: VslTx) => Promise<T>): Promise<T>;
  /**
   * Optional, for stores in this process: writes the key `parent + name` (parent: the key up to
   * and with its last '/', name: the rest) synchronously, keeping the value by reference. Only
   * the runtime calls it, with values it built for the write and never changes afterwards
   * (immutable snapshots); reads still hand out copies. Several calls in a row are atomic:
   * nothing runs between them.
   */
  putShared?(parent: string, name: string, value: unknown): void;
}

/**
 * Writes entries whose values the runtime built for this write and will not change: kept by
 * reference, synchronously, where the store allows it (then the answer is undefined), else as
 * writeAll does (then the answer is its promise).
 */
export function writeSnapshots(vsl: ValueStateLayer, entries: readonly (readonly [string, unknown])[]): Promise<void> | undefined {
  if (entries.length === 0) return undefined;
  if (!vsl.putShared) return writeAll(vsl, entries);
  for (const [key, value] of entries) {
    const at = key.lastIndexOf('/') + 1;
    vsl.putShared(key.slice(0, at), key.slice(at), value);
  }
  return undefined;
}

/**
 * Writes the entries atomically: in one transaction when the backend has them, otherwise
 * in order, putting the earlier keys back if a later write fails (best effort: a backend
 * that fails the restore too is reported as such). Failures become VSL_WRITE_FAILED.
 */
export async function writeAll(vsl: ValueStateLayer, entries: readonly (readonly [string, unknown])[]): Promise<void> {
  if (entries.length === 0) return;
  const keys = entries.map(([k]) => k);
  if (entries.length === 1) {
    // One set is atomic on every backend: no transaction or restore needed (every step start).
    const [key, value] = entries[0]!;
    try {
      await vsl.set(key, value);
    } catch (e) {
      throw writeFailed(keys, e, 'nothing was written');
    }
    return;
  }
  if (vsl.transaction) {
    try {
      await vsl.transaction(async (tx) => {
        for (const [k, v] of entries) await tx.set(k, v);
      });
    } catch (e) {
      throw writeFailed(keys, e, 'the transaction was not committed');
    }
    return;
  }
  const previous: [string, unknown][] = [];
  for (const [k, v] of entries) {
    try {
      previous.push([k, await vsl.get(k)]);
      await vsl.set(k, v);
    } catch (e) {
      try {
        for (const [pk, pv] of previous.reverse()) await vsl.set(pk, pv);
      } catch (restoreError) {
        throw writeFailed(keys, e, `restoring the earlier keys failed too (${message(restoreError)})`);
      }
      throw writeFailed(keys, e, 'earlier keys of the batch were restored');
    }
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function writeFailed(keys: string[], cause: unknown, outcome: string): RuntimeError {
  const shown = keys.length > 3 ? `${keys.slice(0, 3).join(', ')} and ${keys.length - 3} more` : keys.join(', ');
  return new RuntimeError('VSL_WRITE_FAILED', `VSL write of ${shown} failed: ${message(cause)}; ${outcome}, nothing else changed`, { keys, cause: message(cause) });
}
