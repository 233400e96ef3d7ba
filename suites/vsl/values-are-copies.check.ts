// L3-VSL-004: the VSL keeps copies. Changing an object after handing it to set (or to tx.set
// inside a transaction), or changing an object that get (or tx.get) returned, must not change
// what a later get returns. The kit hands VSL values across by reference so this shows.

import { isDeepStrictEqual } from 'node:util';
import type { ValueStateLayer } from '../../src/adapter/contract.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import { vslOf } from './vsl-session.js';

const ID = 'vsl.isolation.values-are-copies';
const REQ = 'L3-VSL-004';

interface Probe {
  n: number;
  nested: { list: number[] };
}

const original = (): Probe => ({ n: 1, nested: { list: [1, 2] } });

function tamper(value: unknown): void {
  const v = value as Probe | undefined;
  if (!v || typeof v !== 'object') return;
  v.n = 99;
  if (Array.isArray(v.nested?.list)) v.nested.list.push(99);
}

async function unchanged(vsl: ValueStateLayer, key: string, what: string): Promise<Violation[]> {
  const seen = await vsl.get(key);
  return isDeepStrictEqual(seen, original()) ? [] : [{ requirement: REQ, message: `${what} changed what a later get returns`, expected: original(), seen }];
}

export default defineCheck({
  id: ID,
  title: 'The VSL stores and returns copies: changing an object after set or after get changes nothing stored',
  requirements: [REQ],
  needs: ['vsl'],
  async run(ctx) {
    const { session } = await Scenario.open(ctx, ID);
    const vsl = vslOf(session);
    const key = (name: string) => `conformance/${ID}/${name}`;
    const violations: Violation[] = [];

    const given = original();
    await vsl.set(key('plain'), given);
    tamper(given);
    violations.push(...(await unchanged(vsl, key('plain'), 'changing the object after set')));
    tamper(await vsl.get(key('plain')));
    violations.push(...(await unchanged(vsl, key('plain'), 'changing the object get returned')));

    const paths = ['set', 'get'];
    if (typeof vsl.transaction === 'function') {
      await vsl.transaction(async (tx) => {
        const staged = original();
        await tx.set(key('in-transaction'), staged);
        tamper(staged);
        tamper(await tx.get(key('in-transaction')));
        tamper(await tx.get(key('plain')));
      });
      violations.push(...(await unchanged(vsl, key('in-transaction'), 'inside a transaction, changing the object after tx.set or what tx.get returned')));
      violations.push(...(await unchanged(vsl, key('plain'), 'inside a transaction, changing what tx.get returned')));
      paths.push('tx.set', 'tx.get');
    }
    return findings(violations, `objects changed after ${paths.join(', ')} left the stored values as they were`);
  },
});
