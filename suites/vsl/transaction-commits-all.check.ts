// L3-VSL-002 (SHOULD): the VSL offers transaction(), and a transaction that resolves commits
// every one of its writes (a new key and an overwrite), readable afterwards.
// The abort half (a throwing callback commits nothing) is its own check:
// transaction-abort-writes-nothing.check.ts.

import { isDeepStrictEqual } from 'node:util';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, Stop } from '../lib/verdict.js';

const ID = 'vsl.transaction.commits-all';
const REQ = 'L3-VSL-002';

export default defineCheck({
  id: ID,
  title: 'A resolved VSL transaction commits all of its writes',
  requirements: [REQ],
  needs: ['vsl'],
  async run(ctx) {
    const { session } = await Scenario.open(ctx, ID);
    const vsl = session.vsl;
    if (!vsl) throw new Stop({ message: 'the session claims vsl but exposes no vsl', expected: 'session.vsl', seen: null });
    if (typeof vsl.transaction !== 'function') {
      return findings([{ requirement: REQ, message: 'the VSL offers no transaction()', expected: 'vsl.transaction(fn)', seen: 'absent' }], '');
    }
    const [a, b] = [`conformance/${ID}/a`, `conformance/${ID}/b`];
    await vsl.set(b, 'before');
    await vsl.transaction(async (tx) => {
      await tx.set(a, { n: 1 });
      await tx.set(b, 'after');
    });
    const seen = { a: await vsl.get(a), b: await vsl.get(b) };
    const expected = { a: { n: 1 }, b: 'after' };
    const violations = isDeepStrictEqual(seen, expected) ? [] : [{ requirement: REQ, message: 'after the transaction resolved, not all of its writes read back', expected, seen }];
    return findings(violations, 'both writes of the resolved transaction read back');
  },
});
