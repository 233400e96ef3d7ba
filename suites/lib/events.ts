// Reading the event stream the way every check does: status changes by payload
// resource_id / from_status / to_status (digest §5.3; never by event_type name),
// graph_update deltas (§5.4), runtime_execution events of one action (§5.5).

import { familyOf, statusChangeOf } from '../../src/kit/flows/selectors.js';
import { edgeEnds } from '../../src/kit/psg-names.js';
import type { AelCall } from '../../src/kit/recording-ael.js';
import type { BusEvent } from '../../src/mplp/types.js';

export { familyOf, statusChangeOf };

export interface StatusChange {
  resource: string;
  from: string;
  to: string;
}

/** pipeline_stage status changes of one plan or step, in stream order. */
export function statusEventsOf(events: readonly BusEvent[], resourceId: string): BusEvent[] {
  return events.filter((e) => statusChangeOf(e)?.resource === resourceId);
}

export function change(e: BusEvent): StatusChange {
  const c = statusChangeOf(e);
  if (!c) throw new Error('internal: not a status-change event');
  return c;
}

/** `a → b, b → c` for messages. */
export function chainText(events: readonly BusEvent[]): string {
  return events.length === 0 ? '(none)' : events.map((e) => `${change(e).from} → ${change(e).to}`).join(', ');
}

export function graphUpdates(events: readonly BusEvent[]): BusEvent[] {
  return events.filter((e) => familyOf(e) === 'graph_update');
}

/** Signed node/edge count change the graph_update events announce. */
export function deltaSums(events: readonly BusEvent[]): { nodes: number; edges: number } {
  const sum = (k: string) => graphUpdates(events).reduce((n, e) => n + (Number((e as Record<string, unknown>)[k]) || 0), 0);
  return { nodes: sum('node_delta'), edges: sum('edge_delta') };
}

function payloadOf(e: BusEvent): Record<string, unknown> {
  const p = (e as { payload?: unknown }).payload;
  return p !== null && typeof p === 'object' ? (p as Record<string, unknown>) : {};
}

/**
 * runtime_execution events of one AEL action: execution_id = the action_id, or payload.step_id
 * = the step (the two links digest §5.5 describes).
 */
export function executionEventsOf(events: readonly BusEvent[], call: AelCall): BusEvent[] {
  return events.filter(
    (e) => familyOf(e) === 'runtime_execution' && ((e as { execution_id?: unknown }).execution_id === call.action.action_id || payloadOf(e)['step_id'] === call.step_id),
  );
}

/** The bus sequence number an event carries, if any. */
export function seqOf(e: BusEvent): number | undefined {
  const s = payloadOf(e)['seq'];
  return typeof s === 'number' ? s : undefined;
}

/**
 * Node ids and edges (by their two endpoints, whatever the type's spelling or the edge's
 * direction) that graph_update payloads list (digest §5.4 [KIT]: payload.nodes [{id}],
 * payload.edges [{from, to}]) — or undefined when no payload lists anything: listing is the
 * reference's habit, not a duty, so only a runtime that lists is held to its own lists.
 */
export function listedInUpdates(updates: readonly BusEvent[]): { nodes: Set<string>; edges: Set<string> } | undefined {
  const payloads = updates.map((e) => payloadOf(e) as { nodes?: unknown; edges?: unknown });
  if (!payloads.some((p) => Array.isArray(p.nodes) || Array.isArray(p.edges))) return undefined;
  const nodes = new Set<string>();
  const edges = new Set<string>();
  for (const p of payloads) {
    for (const n of Array.isArray(p.nodes) ? p.nodes : []) if (n && typeof n === 'object') nodes.add(String((n as { id?: unknown }).id));
    for (const e of Array.isArray(p.edges) ? p.edges : []) if (e && typeof e === 'object') edges.add(edgeEnds(e as { from: unknown; to: unknown }));
  }
  return { nodes, edges };
}
