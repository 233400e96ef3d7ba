// L3-REG-001: invoking a registered module hands it the ctx given to invoke() and returns
// the module's own { output, events } result, events included (the golden flow
// module-load-unload compares the output only).

import { isDeepStrictEqual } from 'node:util';
import type { RuntimeModule } from '../../src/adapter/contract.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, Stop } from '../lib/verdict.js';

const ID = 'registry.invoke.returns-module-result';
const REQ = 'L3-REG-001';
const NAME = 'conformance-echo-events';

const echo: RuntimeModule = async ({ ctx }) => ({ output: { received: ctx }, events: [{ kind: 'probe', seq: 1 }, { kind: 'probe', seq: 2 }] });

export default defineCheck({
  id: ID,
  title: "Invoking a module passes its ctx and returns the module's { output, events }",
  requirements: [REQ],
  needs: ['moduleRegistry'],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const modules = s.session.modules;
    if (!modules) throw new Stop({ message: 'the session claims moduleRegistry but has no modules', expected: 'session.modules', seen: null });
    s.must(`register(${NAME})`, await modules.register(NAME, echo));
    const input = { hello: 'world', n: [1, 2] };
    const answer = await modules.invoke(NAME, input);
    const expected = { output: { received: input }, events: [{ kind: 'probe', seq: 1 }, { kind: 'probe', seq: 2 }] };
    const seen = answer.ok ? answer.value : answer;
    const violations = answer.ok && isDeepStrictEqual(seen, expected) ? [] : [{ requirement: REQ, message: `invoke(${NAME}) answered ${JSON.stringify(seen)}`, expected: { ok: true, value: expected }, seen: answer }];
    return findings(violations, "invoke passed the ctx through and returned the module's output and events");
  },
});
