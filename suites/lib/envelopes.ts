// Event envelopes, graded the same way by every check of L3-EVT-006/007 whatever path produced
// the events: each event valid against its envelope (event core plus family schema, or the SA /
// MAP event schema), and a non-empty event_type.

import { validate } from '../../src/mplp/validate.js';
import type { BusEvent } from '../../src/mplp/types.js';
import type { Violation } from './verdict.js';

/** L3-EVT-006: one violation per event that is not valid against its envelope. */
export function envelopeViolations(events: readonly BusEvent[]): Violation[] {
  const violations: Violation[] = [];
  events.forEach((e, i) => {
    const r = validate('event', e);
    if (r.ok) return;
    violations.push({
      requirement: 'L3-EVT-006',
      message: `event #${i} (${String(e.event_type)}) is not valid against its envelope: ${r.errors.map((x) => `${x.path || '(root)'} ${x.message}`).join('; ')}`,
      expected: 'event core + family schema, or the SA / MAP event schema',
      seen: r.errors,
      events: [e],
    });
  });
  return violations;
}

/** L3-EVT-007: upstream observability invariant obs_event_type_non_empty (digest §7.3); the schema lets "" through. */
export function emptyEventTypeViolations(events: readonly BusEvent[]): Violation[] {
  return events.flatMap((e, i) =>
    typeof e.event_type !== 'string' || e.event_type.trim() === ''
      ? [{ requirement: 'L3-EVT-007', message: `event #${i} has an empty event_type (observability invariant obs_event_type_non_empty)`, expected: 'a non-empty event_type', seen: e.event_type, events: [e] }]
      : [],
  );
}
