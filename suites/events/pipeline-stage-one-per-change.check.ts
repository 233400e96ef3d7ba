// L3-EVT-001/002/003: exactly one pipeline_stage event per plan or step status change. At
// every boundary of the representative scenario the statuses read back through get() and
// the AEL call log say what changed; the events of that window must report exactly those
// changes — none for a refused or same-state request, none for a status that stayed, a
// continuous chain from the status before to the status after, and an in_progress change
// for every plan or step whose action the AEL ran in that window.

import type { BusEvent } from '../../src/mplp/types.js';
import { chainText, change, statusEventsOf } from '../lib/events.js';
import { representativeTrail, statusAt, type Resource, type Trail, type TrailStep } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'events.pipeline-stage.one-per-change';

/** The requirement for a missing event of this kind of resource. */
const MISSING: Record<Resource['kind'], string> = { plan: 'L3-EVT-001', step: 'L3-EVT-002' };

function executedIn(trail: Trail, step: TrailStep, r: Resource): boolean {
  return trail.newCalls(step).some((c) => (r.kind === 'step' ? c.step_id === r.id : c.plan_id === r.id));
}

/** The first way a window's chain differs from "one event per change, before → … → after". */
function chainProblem(before: string, after: string, changes: { from: string; to: string }[]): { kind: 'missing' | 'extra'; text: string } | undefined {
  let at = before;
  for (const [i, c] of changes.entries()) {
    if (c.from === c.to) return { kind: 'extra', text: `an event reports ${c.from} → ${c.to}, which is no change` };
    if (c.from !== at) {
      const prev = changes[i - 1];
      if (prev && prev.from === c.from && prev.to === c.to) return { kind: 'extra', text: `the change ${c.from} → ${c.to} is reported twice` };
      return { kind: 'missing', text: `no event reports its change ${at} → ${c.from}` };
    }
    at = c.to;
  }
  return at === after ? undefined : { kind: 'missing', text: `no event reports its change ${at} → ${after}` };
}

function windowViolations(trail: Trail, step: TrailStep, r: Resource): Violation[] {
  const after = statusAt(step.after, r);
  if (after === undefined) return [];
  const before = statusAt(step.before, r) ?? r.registered;
  const events: BusEvent[] = statusEventsOf(trail.newEvents(step), r.id);
  const who = trail.label(r);
  const during = `during "${step.label}"`;
  if (before === after) {
    if (events.length === 0) return [];
    return [{ requirement: 'L3-EVT-003', message: `${who} stayed ${before} ${during}, yet pipeline_stage reported ${chainText(events)}`, expected: 'no pipeline_stage event: the status did not change', seen: chainText(events), events }];
  }
  if (events.length === 0) {
    return [{ requirement: MISSING[r.kind], message: `${who} went ${before} → ${after} ${during} without any pipeline_stage event`, expected: `pipeline_stage events from ${before} to ${after}`, seen: 'no event', events: [] }];
  }
  const changes = events.map(change);
  const problem = chainProblem(before, after, changes);
  if (problem) {
    const requirement = problem.kind === 'missing' ? MISSING[r.kind] : 'L3-EVT-003';
    return [{ requirement, message: `${who} went ${before} → ${after} ${during}; ${problem.text} (events: ${chainText(events)})`, expected: `one event per change, a chain from ${before} to ${after}`, seen: chainText(events), events }];
  }
  if (executedIn(trail, step, r) && before !== 'in_progress' && !changes.some((c) => c.to === 'in_progress')) {
    return [{ requirement: MISSING[r.kind], message: `the AEL ran ${r.kind === 'step' ? 'the action of' : 'step actions of'} ${who} ${during}, but no pipeline_stage event reports its change to in_progress (${chainText(events)})`, expected: `a ${before} → in_progress event`, seen: chainText(events), events }];
  }
  return [];
}

export default defineCheck({
  id: ID,
  title: 'Each plan and step status change emits exactly one pipeline_stage event, and nothing else does',
  requirements: ['L3-EVT-001', 'L3-EVT-002', 'L3-EVT-003'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const violations = trail.steps.flatMap((step) => trail.resources().flatMap((r) => windowViolations(trail, step, r)));
    const graded = trail.steps.reduce((n, step) => n + trail.resources().filter((r) => statusAt(step.after, r) !== undefined).length, 0);
    return findings(violations, `over ${trail.steps.length} operations every plan/step status change read back had exactly one pipeline_stage event, and refused or same-state requests had none`, undefined, graded);
  },
});
