// L3-VSL-001: a get after a resolved set returns an equal value — for every JSON type and
// edge value (null, booleans, zero, negative and fractional numbers, the empty string,
// unicode, empty and nested arrays and objects). The golden flow vsl-roundtrip covers one
// object and an overwrite; this covers the types.

import { isDeepStrictEqual } from 'node:util';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, Stop } from '../lib/verdict.js';

const ID = 'vsl.roundtrip.json-types';

/** One value per JSON type and edge case, by name. */
const VALUES: Readonly<Record<string, unknown>> = {
  null: null,
  true: true,
  false: false,
  zero: 0,
  negative: -17,
  fraction: 3.25,
  large: 9007199254740991,
  'empty-string': '',
  string: 'MPLP ✓ — L3',
  'empty-array': [],
  array: [1, 'two', null, false, [3]],
  'empty-object': {},
  object: { a: 1, nested: { list: [{ deep: true }, null], text: 'x' }, empty: {} },
};

export default defineCheck({
  id: ID,
  title: 'The VSL returns what was set, for every JSON type',
  requirements: ['L3-VSL-001'],
  needs: ['vsl'],
  async run(ctx) {
    const { session } = await Scenario.open(ctx, ID);
    const vsl = session.vsl;
    if (!vsl) throw new Stop({ message: 'the session claims vsl but exposes no vsl', expected: 'session.vsl', seen: null });
    const key = (name: string) => `conformance/${ID}/${name}`;
    for (const [name, value] of Object.entries(VALUES)) await vsl.set(key(name), structuredClone(value));
    const wrong: { value: string; expected: unknown; seen: unknown }[] = [];
    for (const [name, value] of Object.entries(VALUES)) {
      const seen = await vsl.get(key(name));
      if (!isDeepStrictEqual(seen, value)) wrong.push({ value: name, expected: value, seen });
    }
    const violations = wrong.length === 0 ? [] : [{ requirement: 'L3-VSL-001', message: `get after set returned a different value for ${wrong.map((w) => w.value).join(', ')}`, expected: wrong.map((w) => w.expected), seen: wrong }];
    return findings(violations, `${Object.keys(VALUES).length} values of every JSON type read back equal`);
  },
});
