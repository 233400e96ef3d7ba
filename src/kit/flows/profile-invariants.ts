// The profile invariants of digest §7.1 (SA, 9) and the structural ones of §7.2 (MAP, 7), as
// data in the mini-language of digest §6, evaluated with the kit's semantics on the objects a
// run leaves behind. Ids are upstream's; the two descriptive MAP rules (turn matching,
// broadcast receivers) are graded by the MAP event checks instead.

import { compileInvariant, type CompiledInvariant, type Invariant } from './invariants.js';

const WHEN_PRESENT = 'only when the field is present';

export const SA_INVARIANTS: readonly Invariant[] = [
  { id: 'sa_requires_context', scope: 'context', path: 'context_id', rule: 'uuid-v4' },
  { id: 'sa_context_must_be_active', scope: 'context', path: 'status', rule: 'enum(active)' },
  { id: 'sa_plan_context_binding', scope: 'plan', path: 'context_id', rule: 'eq(context.context_id)' },
  { id: 'sa_plan_has_steps', scope: 'plan', path: 'steps', rule: 'min-length(1)' },
  { id: 'sa_steps_have_valid_ids', scope: 'plan', path: 'steps[*].step_id', rule: 'uuid-v4' },
  { id: 'sa_steps_agent_role_if_present', scope: 'plan', path: 'steps[*].agent_role', rule: 'non-empty-string', note: WHEN_PRESENT },
  { id: 'sa_trace_not_empty', scope: 'trace', path: 'events', rule: 'min-length(1)' },
  { id: 'sa_trace_context_binding', scope: 'trace', path: 'context_id', rule: 'eq(context.context_id)' },
  { id: 'sa_trace_plan_binding', scope: 'trace', path: 'plan_id', rule: 'eq(plan.plan_id)' },
];

export const MAP_INVARIANTS: readonly Invariant[] = [
  { id: 'map_session_requires_participants', scope: 'collab', path: 'participants', rule: 'min-length(1)' },
  { id: 'map_collab_mode_valid', scope: 'collab', path: 'mode', rule: 'enum(broadcast,round_robin,orchestrated,swarm,pair)' },
  { id: 'map_session_id_is_uuid', scope: 'collab', path: 'collab_id', rule: 'uuid-v4' },
  { id: 'map_participants_have_role_ids', scope: 'collab', path: 'participants[*].role_id', rule: 'non-empty-string' },
  { id: 'map_role_ids_non_empty', scope: 'collab', path: 'participants[*].role_id', rule: 'optional-string' },
  { id: 'map_participant_ids_are_non_empty', scope: 'collab', path: 'participants[*].participant_id', rule: 'non-empty-string' },
  { id: 'map_participant_kind_valid', scope: 'collab', path: 'participants[*].kind', rule: 'enum(agent,human,system,external)' },
];

function compiled(list: readonly Invariant[]): CompiledInvariant[] {
  return list.map((inv) => {
    const c = compileInvariant(inv);
    if (!c.ok) throw new Error(`internal: profile invariant ${inv.id}: ${c.message}`);
    return c.compiled;
  });
}

export const COMPILED_SA_INVARIANTS = compiled(SA_INVARIANTS);
export const COMPILED_MAP_INVARIANTS = compiled(MAP_INVARIANTS);
