// L3-VSL-005 (SHOULD): concurrent sets from sessions on one shared store. Three sessions write
// at once — each its own ten keys, and all of them one common key, several times. Afterwards
// every session reads every key written (no write lost to a read-modify-write of a shared
// blob), and the common key settles within SHARED_WAIT_MS on one value that one session wrote,
// whole (not a merge of two writers' objects), the same in every session.

import { isDeepStrictEqual } from 'node:util';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import { readUntil, SHARED_WAIT_MS, sharedStores, unmetReads, whenStoresShare, type Expected } from './vsl-session.js';

const ID = 'vsl.shared.concurrent-sets';
const REQ = 'L3-VSL-005';
const SESSIONS = 3;
const OWN_KEYS = 10;
const ROUNDS = 5;

export default whenStoresShare(
  defineCheck({
    id: ID,
    title: 'Concurrent sets from sessions on one shared VSL store are all kept, and one key ends on one whole value',
    requirements: [REQ],
    needs: ['vsl'],
    async run(ctx) {
      const stores = await sharedStores(ctx, 'store', SESSIONS);
      const own = (writer: number, k: number) => `conformance/${ID}/own-${writer}-${k}`;
      const common = `conformance/${ID}/common`;
      const ownValue = (writer: number, k: number) => ({ writer, k });
      const commonValue = (writer: number, round: number) => ({ writer, round, [`field-of-${writer}`]: round });

      await Promise.all(
        stores.flatMap((vsl, writer) => [
          ...Array.from({ length: OWN_KEYS }, (_, k) => vsl.set(own(writer, k), ownValue(writer, k))),
          (async () => {
            for (let round = 0; round < ROUNDS; round++) await vsl.set(common, commonValue(writer, round));
          })(),
        ]),
      );

      const violations: Violation[] = [];
      const expected: Expected[] = [];
      for (const [reader, vsl] of stores.entries()) {
        for (let writer = 0; writer < SESSIONS; writer++) for (let k = 0; k < OWN_KEYS; k++) expected.push({ reader, vsl, key: own(writer, k), value: ownValue(writer, k) });
      }
      const missed = await unmetReads(expected, ctx.signal);
      for (let reader = 0; reader < SESSIONS; reader++) {
        const mine = missed.filter((m) => m.reader === reader);
        if (mine.length > 0) violations.push({ requirement: REQ, message: `session ${reader} did not read ${mine.length} of the ${SESSIONS * OWN_KEYS} keys written concurrently within ${SHARED_WAIT_MS} ms`, expected: 'every key written', seen: mine.slice(0, 10).map((m) => ({ key: m.key, seen: m.seen ?? null })) });
      }

      const agreed = await readUntil(
        () => Promise.all(stores.map((vsl) => vsl.get(common))),
        (reads) => reads.every((r) => isDeepStrictEqual(r, reads[0])),
        ctx.signal,
      );
      const shown = agreed.seen.map((r) => r ?? null);
      if (!agreed.done) violations.push({ requirement: REQ, message: `the sessions still read different values of the key all of them wrote after ${SHARED_WAIT_MS} ms`, expected: 'one value, the same in every session', seen: shown });
      const written = stores.flatMap((_, writer) => Array.from({ length: ROUNDS }, (_, round) => commonValue(writer, round)));
      const unwritten = shown.filter((r) => !written.some((w) => isDeepStrictEqual(w, r)));
      if (unwritten.length > 0) violations.push({ requirement: REQ, message: `the key all sessions wrote reads as ${JSON.stringify(unwritten[0])}, which no session wrote`, expected: 'one of the values written, whole', seen: unwritten[0] });
      return findings(violations, `${SESSIONS * OWN_KEYS} keys written at once by ${SESSIONS} sessions were all read by each, and the common key settled on one whole value`);
    },
  }),
);
