// A broken expectation: where in the flow, what was expected, what was seen, and the few
// events that show it.

import type { BusEvent } from '../../mplp/types.js';

export interface FlowFailure {
  /** Where in the flow file: `operations[3].transition`, `expect.final.plan`, ... */
  where: string;
  message: string;
  expected?: unknown;
  seen?: unknown;
  events?: BusEvent[];
}

/** At most this many events are attached to one failure. */
export const MAX_EVIDENCE_EVENTS = 12;

export function evidence(events: BusEvent[]): BusEvent[] {
  return events.slice(0, MAX_EVIDENCE_EVENTS);
}
