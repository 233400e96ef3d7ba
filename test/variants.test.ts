// Issue 15: the kit does not fail a correct runtime. Every must-pass variant of the reference
// (test/variants/variants.ts: one spec-permitted behaviour the reference does not have) and the
// runtime with all of them on at once pass the whole kit: no check ends fail or error
// (test/variants-shard-*.test.ts run them). Here: the table itself.

import { describe, expect, it } from 'vitest';
import { VARIANTS } from './variants/variants.js';

describe('must-pass variants', () => {
  it('has at least 15 distinct named variants, each citing the latitude it uses', () => {
    expect(VARIANTS.length).toBeGreaterThanOrEqual(15);
    expect(new Set(VARIANTS.map((v) => v.name)).size).toBe(VARIANTS.length);
    for (const v of VARIANTS) expect(v.latitude, v.name).toMatch(/(digest|SEED|issue) /);
  });
});
