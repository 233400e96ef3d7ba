// What the VSL checks share: the session's VSL (its absence stops the check), and sessions on
// one shared store. The contract's sessions are isolated runtimes; an adapter that declares
// `sharedVsl` can be asked for sessions sharing one store (env.vslShare). For one that does not,
// the shared-store rules (L3-VSL-005, L3-VSL-006) are not graded: those checks end skipped.

import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { Session, ValueStateLayer } from '../../src/adapter/contract.js';
import type { Check, CheckContext } from '../../src/kit/check.js';
import { Stop } from '../lib/verdict.js';

/** How long a write may take to show in another session on the same store (stated in L3-VSL-005). */
export const SHARED_WAIT_MS = 2000;
/** Pause between two reads while waiting for a write to show (liveness only). */
const POLL_MS = 20;

export function vslOf(session: Session): ValueStateLayer {
  if (!session.vsl) throw new Stop({ message: 'the session claims vsl but exposes no vsl', expected: 'session.vsl', seen: null });
  return session.vsl;
}

/** The check, skipped for adapters whose sessions cannot share a VSL store. */
export function whenStoresShare(check: Check): Check {
  return {
    ...check,
    run: async (ctx) =>
      ctx.adapter.sharedVsl === true
        ? check.run(ctx)
        : { outcome: 'skipped', message: 'the adapter does not declare sharedVsl, so no two of its sessions can be put on one VSL store; the rule is not graded' },
  };
}

/** A new session on the check's shared store `share`, and its VSL. */
export async function sharedSession(ctx: CheckContext, share: string): Promise<{ session: Session; vsl: ValueStateLayer }> {
  const { session } = await ctx.newSession({ vslShare: share });
  return { session, vsl: vslOf(session) };
}

/** The VSLs of `count` new sessions on the check's shared store `share`. */
export async function sharedStores(ctx: CheckContext, share: string, count: number): Promise<ValueStateLayer[]> {
  const stores: ValueStateLayer[] = [];
  for (let i = 0; i < count; i++) stores.push((await sharedSession(ctx, share)).vsl);
  return stores;
}

/** Reads until `done(value)` holds or SHARED_WAIT_MS passed; answers the last value read. */
export async function readUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, signal: AbortSignal): Promise<{ done: boolean; seen: T }> {
  const deadline = Date.now() + SHARED_WAIT_MS;
  for (;;) {
    const seen = await read();
    if (done(seen)) return { done: true, seen };
    if (Date.now() >= deadline) return { done: false, seen };
    await sleep(POLL_MS, undefined, { signal });
  }
}

export interface Expected {
  /** Which session reads, for messages. */
  reader: number;
  vsl: ValueStateLayer;
  key: string;
  value: unknown;
}

/** Reads each key until it equals its value, all within one SHARED_WAIT_MS; answers those that never did, with what was read last. */
export async function unmetReads(expectations: readonly Expected[], signal: AbortSignal): Promise<(Expected & { seen: unknown })[]> {
  let open = expectations.map((e) => ({ ...e, seen: undefined as unknown }));
  await readUntil(
    async () => {
      for (const e of open) e.seen = await e.vsl.get(e.key);
      open = open.filter((e) => !isDeepStrictEqual(e.seen, e.value));
      return open.length;
    },
    (left) => left === 0,
    signal,
  );
  return open;
}
