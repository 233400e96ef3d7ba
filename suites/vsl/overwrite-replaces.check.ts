// L3-VSL-001: a set over an existing key replaces the whole value — of any type, larger or
// smaller — so a get returns exactly the last value set (no field of an earlier object is left
// behind, as a store that merges objects would leave it), and no other key changes.

import { isDeepStrictEqual } from 'node:util';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import { vslOf } from './vsl-session.js';

const ID = 'vsl.overwrite.replaces-whole-value';
const REQ = 'L3-VSL-001';

/** Successive values of one key: each differs in type or shape from the one before. */
const SEQUENCE: readonly unknown[] = [
  { a: 1, nested: { x: 1, y: 2 }, list: [1, 2, 3] },
  { nested: { x: 9 } },
  'text',
  [1],
  null,
  false,
  0,
  { back: true, list: [] },
];

export default defineCheck({
  id: ID,
  title: 'A VSL set over an existing key replaces the whole value',
  requirements: [REQ],
  needs: ['vsl'],
  async run(ctx) {
    const { session } = await Scenario.open(ctx, ID);
    const vsl = vslOf(session);
    const [key, neighbour] = [`conformance/${ID}/key`, `conformance/${ID}/neighbour`];
    await vsl.set(neighbour, { untouched: true });
    const violations: Violation[] = [];
    for (const [i, value] of SEQUENCE.entries()) {
      await vsl.set(key, structuredClone(value));
      const seen = await vsl.get(key);
      if (!isDeepStrictEqual(seen, value)) {
        violations.push({ requirement: REQ, message: `after set number ${i + 1} of one key, get returned ${JSON.stringify(seen)} instead of the value just set`, expected: value, seen });
      }
    }
    const other = await vsl.get(neighbour);
    if (!isDeepStrictEqual(other, { untouched: true })) {
      violations.push({ requirement: REQ, message: 'overwriting one key changed another key', expected: { untouched: true }, seen: other });
    }
    return findings(violations, `${SEQUENCE.length} successive sets of one key each read back exactly, and a neighbouring key kept its value`);
  },
});
