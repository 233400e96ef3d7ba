// L3-VSL-002 (SHOULD), the abort half: a transaction whose callback throws writes nothing — not
// the new key, not the overwrite it staged before throwing — and rejects with the callback's
// error (the kit passes that error back as itself, not as an adapter fault).

import { isDeepStrictEqual } from 'node:util';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import { vslOf } from './vsl-session.js';

const ID = 'vsl.transaction.abort-writes-nothing';
const REQ = 'L3-VSL-002';

export default defineCheck({
  id: ID,
  title: 'A VSL transaction whose callback throws writes nothing',
  requirements: [REQ],
  needs: ['vsl'],
  async run(ctx) {
    const { session } = await Scenario.open(ctx, ID);
    const vsl = vslOf(session);
    if (typeof vsl.transaction !== 'function') {
      return findings([{ requirement: REQ, message: 'the VSL offers no transaction()', expected: 'vsl.transaction(fn)', seen: 'absent' }], '');
    }
    const [existing, fresh, third] = [`conformance/${ID}/existing`, `conformance/${ID}/fresh`, `conformance/${ID}/third`];
    await vsl.set(existing, 'before');
    const abort = new Error('conformance check: abort this transaction');
    let answer: 'resolved' | 'rejected' = 'resolved';
    try {
      await vsl.transaction(async (tx) => {
        await tx.set(existing, 'during');
        await tx.set(fresh, { n: 1 });
        await tx.get(existing);
        await tx.set(third, [1, 2, 3]);
        throw abort;
      });
    } catch (e) {
      if (e !== abort) throw e;
      answer = 'rejected';
    }
    const violations: Violation[] = [];
    if (answer === 'resolved') violations.push({ requirement: REQ, message: 'transaction() resolved although its callback threw', expected: 'a rejection with the callback\'s error', seen: 'resolved' });
    const seen = { existing: await vsl.get(existing), fresh: await vsl.get(fresh), third: await vsl.get(third) };
    if (!isDeepStrictEqual(seen, { existing: 'before', fresh: undefined, third: undefined })) {
      // Reports are JSON: an absent key shows as null.
      const shown = { existing: seen.existing ?? null, fresh: seen.fresh ?? null, third: seen.third ?? null };
      violations.push({ requirement: REQ, message: 'a transaction whose callback threw left some of its writes behind', expected: { existing: 'before', fresh: null, third: null }, seen: shown });
    }
    return findings(violations, 'the throwing transaction rejected with its error and none of its three writes is readable');
  },
});
