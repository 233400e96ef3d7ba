// L3-VSL-006 (SHOULD): what a session wrote outlives it. Session A, on a shared store, commits a
// transaction, sets a key, overwrites another key (its last write), and closes. A later session
// on the same store — standing for the runtime after a restart — must read every one of those
// values (within SHARED_WAIT_MS). A store that keeps the last write only in memory loses it here.

import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import { SHARED_WAIT_MS, sharedSession, unmetReads, whenStoresShare } from './vsl-session.js';

const ID = 'vsl.shared.survives-session-close';
const REQ = 'L3-VSL-006';

export default whenStoresShare(
  defineCheck({
    id: ID,
    title: 'Values a session wrote are readable from a later session on the same store after it closed',
    requirements: [REQ],
    needs: ['vsl'],
    async run(ctx) {
      const key = (name: string) => `conformance/${ID}/${name}`;
      const expected: Record<string, unknown> = {};
      const writer = await sharedSession(ctx, 'durable');
      if (typeof writer.vsl.transaction === 'function') {
        await writer.vsl.transaction(async (tx) => {
          await tx.set(key('tx-a'), { in: 'transaction', n: 1 });
          await tx.set(key('tx-b'), ['transaction', 2]);
        });
        expected[key('tx-a')] = { in: 'transaction', n: 1 };
        expected[key('tx-b')] = ['transaction', 2];
      }
      await writer.vsl.set(key('set'), { kept: true });
      await writer.vsl.set(key('last'), 'first value');
      await writer.vsl.set(key('last'), 'last value');
      expected[key('set')] = { kept: true };
      expected[key('last')] = 'last value';
      await writer.session.close();

      const reader = await sharedSession(ctx, 'durable');
      const expectations = Object.entries(expected).map(([key, value]) => ({ reader: 1, vsl: reader.vsl, key, value }));
      const violations: Violation[] = (await unmetReads(expectations, ctx.signal)).map((miss) => ({
        requirement: REQ,
        message: `after the writing session closed, a later session read ${miss.key} as ${JSON.stringify(miss.seen ?? null)} (waited ${SHARED_WAIT_MS} ms)`,
        expected: miss.value,
        seen: miss.seen ?? null,
      }));
      return findings(violations, `all ${Object.keys(expected).length} values written before the session closed were read by a later session on the same store`);
    },
  }),
);
