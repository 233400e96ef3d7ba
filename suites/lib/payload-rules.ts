// Grading of profile-event payloads against per-event_type rules (SA-EV/MAP-EV content,
// digest §5.6/§5.7): each rule names what it found wrong, or nothing. One loop for every
// profile's content check, so they count graded events and word violations alike.

import type { Violation } from './verdict.js';

export type PayloadRule<X> = (payload: Record<string, unknown>, expected: X) => string | undefined;

export function gradePayloads<E extends { event_type: string; payload?: Record<string, unknown> }, X>(
  events: readonly E[],
  rules: Partial<Record<E['event_type'], PayloadRule<X>[]>>,
  expected: X,
  requirement: string,
): { violations: Violation[]; graded: number } {
  const violations: Violation[] = [];
  let graded = 0;
  for (const e of events) {
    const list: PayloadRule<X>[] = rules[e.event_type as E['event_type']] ?? [];
    if (list.length > 0) graded++;
    for (const rule of list) {
      const problem = rule(e.payload ?? {}, expected);
      if (problem) violations.push({ requirement, message: `${e.event_type}: ${problem}`, expected, seen: e, events: [e as never] });
    }
  }
  return { violations, graded };
}
