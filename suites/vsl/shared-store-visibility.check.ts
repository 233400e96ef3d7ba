// L3-VSL-005 (SHOULD): sessions on one shared store read each other's writes. Three sessions
// share a store; each first reads every key (so a per-session read cache would be primed with
// "absent"), then each writes its own key, and every other session must read those values
// within SHARED_WAIT_MS; the same again after one session overwrote its key.

import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import { SHARED_WAIT_MS, sharedStores, unmetReads, whenStoresShare, type Expected } from './vsl-session.js';

const ID = 'vsl.shared.cross-session-visibility';
const REQ = 'L3-VSL-005';
const SESSIONS = 3;

export default whenStoresShare(
  defineCheck({
    id: ID,
    title: 'Sessions on one shared VSL store read each other\'s writes',
    requirements: [REQ],
    needs: ['vsl'],
    async run(ctx) {
      const stores = await sharedStores(ctx, 'store', SESSIONS);
      const key = (i: number) => `conformance/${ID}/from-${i}`;
      const value = (i: number, version: number) => ({ from: i, version, nested: { list: [i, version] } });
      for (const vsl of stores) for (let i = 0; i < SESSIONS; i++) await vsl.get(key(i));

      const violations: Violation[] = [];
      const othersRead = async (writers: number[], version: number, when: string) => {
        const expected: Expected[] = [];
        for (const writer of writers) for (const [reader, vsl] of stores.entries()) if (reader !== writer) expected.push({ reader, vsl, key: key(writer), value: value(writer, version) });
        for (const miss of await unmetReads(expected, ctx.signal)) {
          violations.push({ requirement: REQ, message: `${when}, session ${miss.reader} still read ${miss.key} as ${JSON.stringify(miss.seen ?? null)} after ${SHARED_WAIT_MS} ms`, expected: miss.value, seen: miss.seen ?? null });
        }
      };
      for (const [writer, vsl] of stores.entries()) await vsl.set(key(writer), value(writer, 1));
      await othersRead([0, 1, 2], 1, 'after each session wrote its key');
      // A store that fails the first reads would only fail these again.
      if (violations.length === 0) {
        await stores[0]!.set(key(0), value(0, 2));
        await othersRead([0], 2, 'after session 0 overwrote its key');
      }
      return findings(violations, `each of ${SESSIONS} sessions on one store read the others' writes and an overwrite within ${SHARED_WAIT_MS} ms`);
    },
  }),
);
