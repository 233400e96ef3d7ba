// L3-SA-003 / L3-SA-005 on a wide DAG (a diamond: two steps ready at once): the SA events
// come in profile order with one sa_id (the flows' sa_run grader), and each carries what
// digest §5.6 says it reports — the Context, the plan, the step and its status, the trace
// and the final status.

import { isUuidV4 } from '../../src/mplp/ids.js';
import { SA_EVENT_TYPES, type BusEvent, type SAEvent } from '../../src/mplp/types.js';
import { gradeAsFlow } from '../lib/flow-graders.js';
import { Scenario, type PlanHandle } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'sa.events.required-fields';

interface Expectations {
  context: string;
  plan: string;
  steps: ReadonlySet<string>;
  trace: string | undefined;
}

type FieldRule = (e: SAEvent, x: Expectations) => string | undefined;

const payload = (e: SAEvent) => e.payload ?? {};
const stepNamed: FieldRule = (e, x) => (x.steps.has(String(payload(e)['step_id'])) ? undefined : `payload.step_id ${JSON.stringify(payload(e)['step_id'])} names no step of the plan`);

/** Digest §5.6, "Content expected": what each SA event must carry. */
const FIELDS: Partial<Record<SAEvent['event_type'], FieldRule[]>> = {
  SAContextLoaded: [(e, x) => (e.context_id === x.context ? undefined : `context_id ${JSON.stringify(e.context_id)} is not the plan's Context`)],
  SAPlanEvaluated: [(e, x) => (e.plan_id === x.plan ? undefined : `plan_id ${JSON.stringify(e.plan_id)} is not the plan`)],
  SAStepStarted: [stepNamed],
  SAStepCompleted: [stepNamed, (e) => (payload(e)['status'] === 'completed' ? undefined : `payload.status ${JSON.stringify(payload(e)['status'])} is not completed`)],
  SATraceEmitted: [(e, x) => (x.trace !== undefined && e.trace_id === x.trace ? undefined : `trace_id ${JSON.stringify(e.trace_id)} is not the plan's trace ${x.trace ?? '(none found)'}`)],
  SACompleted: [(e) => (payload(e)['status'] === 'completed' ? undefined : `payload.status ${JSON.stringify(payload(e)['status'])} is not the plan's completed`)],
};

const SA_TYPES: ReadonlySet<string> = new Set(SA_EVENT_TYPES);

function saEvents(events: BusEvent[]): SAEvent[] {
  return events.filter((e): e is SAEvent => !('event_family' in e) && SA_TYPES.has(e.event_type));
}

async function expectations(plan: PlanHandle): Promise<Expectations> {
  return { context: plan.contextId, plan: plan.planId, steps: new Set(plan.stepIds()), trace: (await plan.objects.trace())?.trace_id };
}

export default defineCheck({
  id: ID,
  title: 'SA events of a run on a wide DAG come in profile order, with one sa_id and the fields each must carry',
  requirements: ['L3-SA-003', 'L3-SA-005'],
  needs: ['profile:sa'],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const plan = s.plan('wide', { steps: { a: {}, b: { after: ['a'] }, c: { after: ['a'] }, d: { after: ['b', 'c'] } } });
    await s.loadApproved(plan);
    await s.runToEnd(plan, 'sa');

    const violations: Violation[] = await gradeAsFlow(s, plan, { sa_run: true }, (m) => (/sa_id/.test(m) ? 'L3-SA-005' : 'L3-SA-003'));
    const sa = saEvents(await s.session.events());
    const x = await expectations(plan);
    for (const e of sa) {
      if (!isUuidV4(e.sa_id)) violations.push({ requirement: 'L3-SA-005', message: `${e.event_type} carries sa_id ${JSON.stringify(e.sa_id)}, not a lowercase v4`, expected: 'uuid v4', seen: e.sa_id, events: [e] });
      for (const rule of FIELDS[e.event_type] ?? []) {
        const problem = rule(e, x);
        if (problem) violations.push({ requirement: 'L3-SA-003', message: `${e.event_type}: ${problem}`, expected: x, seen: e, events: [e] });
      }
    }
    return findings(violations, `${sa.length} SA events in profile order with one sa_id and the fields digest §5.6 lists`, undefined, sa.length);
  },
});
