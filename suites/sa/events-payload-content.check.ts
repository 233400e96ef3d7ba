// L3-SA-007 (SHOULD): the SA events of a run carry the content digest §5.6 says each reports
// (SA-EV@old; the schema leaves payload free, so this is graded as a recommendation). The run is
// a chain whose third step fails, so the counts are fixed whatever the scheduling: three steps
// executed, two succeeded, one failed, the fourth never runs and the plan ends failed. Payload
// counts the documentation marks optional (steps_executed/succeeded/failed) are graded only when
// given; what a runtime counts as events_written is its choice, so only its shape is.

import { SA_EVENT_TYPES, type BusEvent, type SAEvent } from '../../src/mplp/types.js';
import { gradePayloads, type PayloadRule as Rule } from '../lib/payload-rules.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings } from '../lib/verdict.js';

const ID = 'sa.events.payload-content';
const REQ = 'L3-SA-007';

interface Run {
  steps: number;
  executed: number;
  succeeded: number;
  failed: number;
  planStatus: string;
}

type PayloadRule = Rule<Run>;

const nonEmptyString = (v: unknown) => typeof v === 'string' && v.length > 0;
const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
/** A count the documentation marks optional: graded only when given. */
const optionalCount = (field: string, of: (run: Run) => number): PayloadRule => (p, run) =>
  p[field] === undefined || p[field] === of(run) ? undefined : `payload.${field} ${JSON.stringify(p[field])} is not the run's ${of(run)}`;

/** Digest §5.6, "Content expected by SA-EV@old". */
const CONTENT: Partial<Record<SAEvent['event_type'], PayloadRule[]>> = {
  SAInitialized: [
    (p) => (nonEmptyString(p['runtime_version']) ? undefined : `payload.runtime_version ${JSON.stringify(p['runtime_version'])} is not a non-empty string`),
    (p) => (Array.isArray(p['capabilities']) && p['capabilities'].every(nonEmptyString) ? undefined : `payload.capabilities ${JSON.stringify(p['capabilities'])} is not a list of names`),
  ],
  SAPlanEvaluated: [(p, run) => (p['step_count'] === run.steps ? undefined : `payload.step_count ${JSON.stringify(p['step_count'])} is not the plan's ${run.steps} steps`)],
  SAStepFailed: [
    (p) => (p['status'] === 'failed' ? undefined : `payload.status ${JSON.stringify(p['status'])} is not failed`),
    (p) => (nonEmptyString(p['error_message']) || nonEmptyString(p['error_code']) ? undefined : 'payload carries neither an error_code nor an error_message'),
  ],
  SATraceEmitted: [(p) => (count(p['events_written']) ? undefined : `payload.events_written ${JSON.stringify(p['events_written'])} is not a count`)],
  SACompleted: [
    // The run failed: its status must say something, and not that it completed (SA-EV@old names
    // the field, not its words for a failure).
    (p, run) => (nonEmptyString(p['status']) && (p['status'] !== 'completed') === (run.planStatus !== 'completed') ? undefined : `payload.status ${JSON.stringify(p['status'])} does not report the plan's final ${run.planStatus}`),
    optionalCount('steps_executed', (r) => r.executed),
    optionalCount('steps_succeeded', (r) => r.succeeded),
    optionalCount('steps_failed', (r) => r.failed),
  ],
};

const SA_TYPES: ReadonlySet<string> = new Set(SA_EVENT_TYPES);
const saEvents = (events: BusEvent[]) => events.filter((e): e is SAEvent => !('event_family' in e) && SA_TYPES.has(e.event_type));

export default defineCheck({
  id: ID,
  title: 'SA events of a run with a failing step carry the content their event documentation describes',
  requirements: [REQ],
  needs: ['profile:sa'],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const plan = s.plan('chain', {
      steps: { a: {}, b: { after: ['a'] }, c: { after: ['b'] }, d: { after: ['c'] } },
      actions: { c: { fail: 'scripted failure' } },
    });
    await s.loadApproved(plan);
    const outcome = await s.runToEnd(plan, 'sa');
    const read = await s.readPlan(plan);
    const statuses = (read?.steps ?? []).map((st) => st.status);
    const run: Run = {
      steps: plan.stepIds().length,
      executed: s.ael.calls.length,
      succeeded: statuses.filter((st) => st === 'completed').length,
      failed: statuses.filter((st) => st === 'failed').length,
      planStatus: read?.status ?? outcome.plan_status,
    };

    const { violations, graded } = gradePayloads(saEvents(await s.session.events()), CONTENT, run, REQ);
    return findings(violations, `${graded} SA events carry the content digest §5.6 describes (run: ${JSON.stringify(run)})`, undefined, graded);
  },
});
