// L3-MAP-006 (SHOULD): the MAP events of a run carry the content digest §5.7 says each reports
// (MAP-EV@old; the schema leaves payload free, so this is graded as a recommendation), checked
// against the Collab the run was given and the turns the run itself dispatched. The Collab has
// three participants of different kinds, no role_ids of their own (a runtime names the roles),
// and the plan has more steps than participants, so turns outnumber them.

import { MAP_EVENT_TYPES, type BusEvent, type MAPEvent } from '../../src/mplp/types.js';
import { gradePayloads, type PayloadRule as Rule } from '../lib/payload-rules.js';
import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings } from '../lib/verdict.js';

const ID = 'map.events.payload-content';
const REQ = 'L3-MAP-006';

interface Session {
  mode: string;
  participants: { participant_id: string; kind: string }[];
  turns: number;
}

type PayloadRule = Rule<Session>;

const nonEmptyString = (v: unknown) => typeof v === 'string' && v.length > 0;
const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function assignmentProblems(assignments: unknown, session: Session): string | undefined {
  if (!Array.isArray(assignments)) return `payload.assignments ${JSON.stringify(assignments)} is not a list`;
  const problems: string[] = [];
  const assigned = new Set<string>();
  for (const [i, raw] of assignments.entries()) {
    const a = record(raw);
    const participant = session.participants.find((p) => p.participant_id === a['participant_id']);
    if (!participant) problems.push(`assignments[${i}].participant_id ${JSON.stringify(a['participant_id'])} is no participant of the Collab`);
    else {
      assigned.add(participant.participant_id);
      if (a['kind'] !== participant.kind) problems.push(`assignments[${i}].kind ${JSON.stringify(a['kind'])} is not the participant's ${participant.kind}`);
    }
    if (!nonEmptyString(a['role_id'])) problems.push(`assignments[${i}].role_id ${JSON.stringify(a['role_id'])} is not a non-empty string`);
  }
  // Which participants get a role is the runtime's choice; at least one must.
  if (assigned.size === 0) problems.push('no assignment names a participant of the Collab');
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** Digest §5.7, "Content expected by MAP-EV@old". */
const CONTENT: Partial<Record<MAPEvent['event_type'], PayloadRule[]>> = {
  MAPSessionStarted: [
    (p, x) => (p['mode'] === x.mode ? undefined : `payload.mode ${JSON.stringify(p['mode'])} is not the Collab's ${x.mode}`),
    (p, x) => (p['participant_count'] === x.participants.length ? undefined : `payload.participant_count ${JSON.stringify(p['participant_count'])} is not the Collab's ${x.participants.length}`),
  ],
  MAPRolesAssigned: [(p, x) => assignmentProblems(p['assignments'], x)],
  MAPTurnCompleted: [(p) => (nonEmptyString(record(p['result'])['status']) ? undefined : `payload.result.status ${JSON.stringify(record(p['result'])['status'])} is not a non-empty string`)],
  MAPSessionCompleted: [
    (p) => (nonEmptyString(p['status']) ? undefined : `payload.status ${JSON.stringify(p['status'])} is not a non-empty string`),
    (p, x) => (p['participants_count'] === x.participants.length ? undefined : `payload.participants_count ${JSON.stringify(p['participants_count'])} is not the Collab's ${x.participants.length}`),
    (p, x) => (p['turns_total'] === x.turns ? undefined : `payload.turns_total ${JSON.stringify(p['turns_total'])} is not the ${x.turns} turns dispatched`),
  ],
};

const MAP_TYPES: ReadonlySet<string> = new Set(MAP_EVENT_TYPES);
const mapEvents = (events: BusEvent[]) => events.filter((e): e is MAPEvent => !('event_family' in e) && MAP_TYPES.has(e.event_type));

export default defineCheck({
  id: ID,
  title: 'MAP events of a run carry the content their event documentation describes, matching the Collab and the turns dispatched',
  requirements: [REQ],
  needs: ['profile:map'],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const plan = s.plan('team', {
      steps: { root: {}, left: { after: ['root'] }, mid: { after: ['root'] }, right: { after: ['root'] }, join: { after: ['left', 'mid', 'right'] } },
      collab: { mode: 'orchestrated', participants: { lead: { kind: 'agent' }, reviewer: { kind: 'human' }, tool: { kind: 'system' } } },
    });
    await s.loadApproved(plan);
    await s.runToEnd(plan, 'map');

    const collab = plan.flow.collab!;
    const map = mapEvents(await s.session.events()).filter((e) => e.session_id === collab.collab_id);
    const session: Session = {
      mode: collab.mode,
      participants: collab.participants.map((p) => ({ participant_id: p.participant_id, kind: p.kind })),
      turns: map.filter((e) => e.event_type === 'MAPTurnDispatched').length,
    };
    const { violations, graded } = gradePayloads(map, CONTENT, session, REQ);
    return findings(violations, `${graded} MAP events of session ${collab.collab_id} carry the content digest §5.7 describes`, undefined, graded);
  },
});
