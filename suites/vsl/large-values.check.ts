// L3-VSL-007 (SHOULD): the VSL holds large values — a 1 MiB string of mixed characters and a
// 1 MiB object of many small records — reads them back equal, and a small value set over a
// large one replaces it.

import { isDeepStrictEqual } from 'node:util';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import { vslOf } from './vsl-session.js';

const ID = 'vsl.capacity.large-values';
const REQ = 'L3-VSL-007';
const MIB = 1024 * 1024;

/** Deterministic text of `length` characters drawn from ASCII, accented letters and symbols. */
function mixedText(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 -_/.:{}"\\\n\téüß€✓';
  let state = 0x2545f491;
  const out: string[] = new Array(length);
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = alphabet[state % alphabet.length]!;
  }
  return out.join('');
}

/** About 1 MiB of JSON as an array of small records. */
function records(): { items: { id: number; name: string; tags: string[]; ok: boolean }[] } {
  const items = [];
  for (let id = 0, bytes = 0; bytes < MIB; id++) {
    const item = { id, name: `record-${id}`, tags: [`t${id % 7}`, `u${id % 13}`], ok: id % 2 === 0 };
    items.push(item);
    bytes += JSON.stringify(item).length + 1;
  }
  return { items };
}

export default defineCheck({
  id: ID,
  title: 'The VSL stores 1 MiB values and reads them back equal',
  requirements: [REQ],
  needs: ['vsl'],
  async run(ctx) {
    const { session } = await Scenario.open(ctx, ID);
    const vsl = vslOf(session);
    const values: Record<string, unknown> = { 'mib-string': mixedText(MIB), 'mib-object': records() };
    const violations: Violation[] = [];
    for (const [name, value] of Object.entries(values)) {
      const key = `conformance/${ID}/${name}`;
      await vsl.set(key, structuredClone(value));
      const seen = await vsl.get(key);
      if (!isDeepStrictEqual(seen, value)) violations.push({ requirement: REQ, message: `the ${name} value (1 MiB) read back different`, expected: `${name}, ${JSON.stringify(value).length} bytes of JSON`, seen: describe(seen) });
      await vsl.set(key, 'small');
      const after = await vsl.get(key);
      if (after !== 'small') violations.push({ requirement: REQ, message: `a small value set over the ${name} value read back as ${describe(after)}`, expected: 'small', seen: describe(after) });
    }
    return findings(violations, 'a 1 MiB string and a 1 MiB object read back equal, and a small value replaced each');
  },
});

/** A short description of a possibly huge value, for messages. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length <= 80 ? text : `${typeof value === 'string' ? 'a string' : Array.isArray(value) ? 'an array' : `a ${typeof value}`} of ${text.length} bytes of JSON starting ${text.slice(0, 40)}…`;
}
