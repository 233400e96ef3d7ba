// L3-EVT-010 (SHOULD): each AEL action is announced by one runtime_execution event when it
// starts (status pending or running) and one when it ends, whose status matches how the
// action ended (completed / failed), start before end. Events are tied to the action by
// execution_id = action_id or payload.step_id (digest §5.5).

import type { AelCall } from '../../src/kit/recording-ael.js';
import type { BusEvent } from '../../src/mplp/types.js';
import { executionEventsOf } from '../lib/events.js';
import { representativeTrail } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'events.runtime-execution.start-end-pair';

const START: ReadonlySet<unknown> = new Set(['pending', 'running']);
const END_OF: Readonly<Record<NonNullable<AelCall['outcome']>, string>> = { completed: 'completed', failed: 'failed' };

const statusOf = (e: BusEvent) => (e as { status?: unknown }).status;

export default defineCheck({
  id: ID,
  title: 'Each AEL action has one runtime_execution start event and one end event matching its outcome',
  requirements: ['L3-EVT-010'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const { events } = trail.final;
    const calls = trail.scenario.ael.calls;
    const violations: Violation[] = [];
    for (const call of calls) {
      const mine = executionEventsOf(events, call);
      const who = trail.plans.find((p) => p.planId === call.plan_id)?.nameOf(call.step_id) ?? call.step_id;
      const want = [...START].join('|') + ' then ' + END_OF[call.outcome ?? 'completed'];
      const seen = mine.map(statusOf);
      const ok = mine.length === 2 && START.has(seen[0]) && seen[1] === END_OF[call.outcome ?? 'completed'];
      if (!ok) violations.push({ requirement: 'L3-EVT-010', message: `the action of ${who} (${call.outcome ?? 'still running'}) has runtime_execution statuses [${seen.join(', ')}]`, expected: want, seen, events: mine });
    }
    return findings(violations, `each of ${calls.length} AEL actions (completed and failed) had one start and one matching end runtime_execution event`, undefined, calls.length);
  },
});
