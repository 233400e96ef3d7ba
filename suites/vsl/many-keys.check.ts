// L3-VSL-007 (SHOULD): the VSL holds 10 000 keys in one session. They are written with up to
// 8 sets in flight, then each is read back (also 8 at a time) and must equal what was set.

import { isDeepStrictEqual } from 'node:util';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings } from '../lib/verdict.js';
import { vslOf } from './vsl-session.js';

const ID = 'vsl.capacity.many-keys';
const REQ = 'L3-VSL-007';
const KEYS = 10_000;
/** Sets (and gets) in flight at once: enough for a backend to overlap its round trips or syncs. */
const IN_FLIGHT = 8;

/** Runs work(0..count-1) with at most `limit` calls pending. */
async function eachLimited(count: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
}

export default defineCheck({
  id: ID,
  title: 'The VSL holds 10 000 keys and reads each back equal',
  requirements: [REQ],
  needs: ['vsl'],
  async run(ctx) {
    const { session } = await Scenario.open(ctx, ID);
    const vsl = vslOf(session);
    const key = (i: number) => `conformance/${ID}/key-${i}`;
    const value = (i: number) => ({ i, tag: `value-${i}` });
    await eachLimited(KEYS, IN_FLIGHT, (i) => vsl.set(key(i), value(i)));
    const wrong: { key: string; seen: unknown }[] = [];
    await eachLimited(KEYS, IN_FLIGHT, async (i) => {
      const seen = await vsl.get(key(i));
      if (!isDeepStrictEqual(seen, value(i))) wrong.push({ key: key(i), seen: seen ?? null });
    });
    wrong.sort((a, b) => a.key.localeCompare(b.key));
    const violations = wrong.length === 0 ? [] : [{ requirement: REQ, message: `${wrong.length} of ${KEYS} keys did not read back what was set`, expected: `each key-<i> holds { i, tag: "value-<i>" }`, seen: wrong.slice(0, 10) }];
    return findings(violations, `${KEYS} keys read back equal`);
  },
});
