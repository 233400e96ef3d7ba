// L3-EVT-006 / L3-EVT-007 on every path of the representative scenario (a failing plan, a
// rejected load, forbidden and same-state requests), not only on a happy run: each event is
// valid against its envelope, the upstream observability invariants hold on every event-core
// event (evaluated by the kit's invariant engine), and no two events share an event_id.

import { compileInvariant, evaluateInvariant, type CompiledInvariant, type Invariant } from '../../src/kit/flows/invariants.js';
import { envelopeViolations } from '../lib/envelopes.js';
import { representativeTrail } from '../lib/trail.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'events.envelope.valid-on-every-path';

const FAMILIES = 'import_process,intent,delta_intent,impact_analysis,compensation_plan,methodology,reasoning_graph,pipeline_stage,graph_update,runtime_execution,cost_budget,external_integration';
const only = (family: string) => `Apply when event_family == ${family}`;

/** Upstream schemas/v2/invariants/observability-invariants.yaml (digest §7.3), verbatim. */
const OBSERVABILITY: Invariant[] = [
  { id: 'obs_event_id_is_uuid', scope: 'event', path: 'event_id', rule: 'uuid-v4' },
  { id: 'obs_event_type_non_empty', scope: 'event', path: 'event_type', rule: 'non-empty-string' },
  { id: 'obs_event_family_valid', scope: 'event', path: 'event_family', rule: `enum(${FAMILIES})` },
  { id: 'obs_timestamp_iso_format', scope: 'event', path: 'timestamp', rule: 'iso-datetime' },
  { id: 'obs_pipeline_event_has_pipeline_id', scope: 'event', path: 'pipeline_id', rule: 'uuid-v4', note: only('pipeline_stage') },
  { id: 'obs_pipeline_stage_id_non_empty', scope: 'event', path: 'stage_id', rule: 'non-empty-string', note: only('pipeline_stage') },
  { id: 'obs_pipeline_stage_status_valid', scope: 'event', path: 'stage_status', rule: 'enum(pending,running,completed,failed,skipped)', note: only('pipeline_stage') },
  { id: 'obs_graph_event_has_graph_id', scope: 'event', path: 'graph_id', rule: 'uuid-v4', note: only('graph_update') },
  { id: 'obs_graph_update_kind_valid', scope: 'event', path: 'update_kind', rule: 'enum(node_add,node_update,node_delete,edge_add,edge_update,edge_delete,bulk)', note: only('graph_update') },
  { id: 'obs_runtime_event_has_execution_id', scope: 'event', path: 'execution_id', rule: 'uuid-v4', note: only('runtime_execution') },
  { id: 'obs_runtime_executor_kind_valid', scope: 'event', path: 'executor_kind', rule: 'enum(agent,tool,llm,worker,external)', note: only('runtime_execution') },
  { id: 'obs_runtime_status_valid', scope: 'event', path: 'status', rule: 'enum(pending,running,completed,failed,cancelled)', note: only('runtime_execution') },
];

const COMPILED: CompiledInvariant[] = OBSERVABILITY.map((inv) => {
  const c = compileInvariant(inv);
  if (!c.ok) throw new Error(`internal: ${c.message}`);
  return c.compiled;
});

export default defineCheck({
  id: ID,
  title: 'Every event of a run with a failure, a rejected load and refused requests is a valid envelope that meets the observability invariants',
  requirements: ['L3-EVT-006', 'L3-EVT-007'],
  async run(ctx) {
    const { trail } = await representativeTrail(ctx, ID);
    const events = trail.final.events;
    const violations: Violation[] = envelopeViolations(events);

    for (const c of COMPILED) {
      for (const r of evaluateInvariant(c, {}, events).filter((x) => !x.ok)) {
        const at = Number(/^events\[(\d+)\]/.exec(r.path)?.[1]);
        violations.push({
          requirement: 'L3-EVT-007',
          message: `${r.path} breaks observability invariant ${r.id}: ${r.message}`,
          expected: c.invariant.rule,
          seen: r.message,
          events: Number.isInteger(at) ? [events[at]!] : [],
        });
      }
    }

    const firstWith = new Map<string, number>();
    events.forEach((e, i) => {
      const earlier = firstWith.get(e.event_id);
      if (earlier === undefined) firstWith.set(e.event_id, i);
      else violations.push({ requirement: 'L3-EVT-007', message: `events #${earlier} and #${i} share event_id ${e.event_id}`, expected: 'a unique event_id per event', seen: e.event_id, events: [events[earlier]!, e] });
    });

    return findings(violations, `${events.length} events over ${trail.steps.length} operations (success, failure, rejections) are valid envelopes with unique ids and meet the ${OBSERVABILITY.length} observability invariants`, undefined, events.length);
  },
});
