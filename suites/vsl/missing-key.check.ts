// L3-VSL-001: get of a key that was never set resolves to undefined (seed §3.2 get/set over a
// key-value store; the reference InMemoryVSL is a Map), also when a sibling key was set.

import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, Stop } from '../lib/verdict.js';

const ID = 'vsl.get.missing-key';

export default defineCheck({
  id: ID,
  title: 'The VSL answers undefined for a key that was never set',
  requirements: ['L3-VSL-001'],
  needs: ['vsl'],
  async run(ctx) {
    const { session } = await Scenario.open(ctx, ID);
    const vsl = session.vsl;
    if (!vsl) throw new Stop({ message: 'the session claims vsl but exposes no vsl', expected: 'session.vsl', seen: null });
    await vsl.set(`conformance/${ID}/present`, { here: true });
    const seen = await vsl.get(`conformance/${ID}/absent`);
    const violations = seen === undefined ? [] : [{ requirement: 'L3-VSL-001', message: `get of a never-set key returned ${JSON.stringify(seen)}`, expected: 'undefined', seen }];
    return findings(violations, 'a never-set key reads back undefined');
  },
});
