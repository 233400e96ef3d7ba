// What a check hands back is checked before it is believed: a check that returns garbage is a
// kit bug and ends `error`, and evidence is reduced to plain JSON so reports always serialise.

import { summarise } from '../adapter/load.js';
import type { CheckResult, Outcome } from './check.js';

/** Outcomes a check may return itself: `blocked` when something it needed broke before it could
 *  grade its own requirements (its message names what); the scheduler also blocks checks. */
const RETURNABLE: readonly Outcome[] = ['pass', 'fail', 'error', 'inconclusive', 'skipped', 'blocked'];

/** Longest event list kept in a report: evidence is meant to be minimal. */
export const MAX_EVIDENCE_EVENTS = 50;

export type ResultCheck = { ok: true; result: CheckResult } | { ok: false; problem: string };

export function checkResultShape(value: unknown): ResultCheck {
  if (value === null || typeof value !== 'object') return { ok: false, problem: `the check returned ${summarise(value)} instead of a CheckResult` };
  const r = value as Partial<CheckResult>;
  if (!RETURNABLE.includes(r.outcome as Outcome)) {
    return { ok: false, problem: `the check returned outcome ${summarise(r.outcome)}; a check may return ${RETURNABLE.join(', ')}` };
  }
  if (typeof r.message !== 'string' || r.message.trim() === '') return { ok: false, problem: 'the check returned a result without a message' };
  if (r.events !== undefined && !Array.isArray(r.events)) return { ok: false, problem: 'the check returned "events" that is not an array' };
  if (r.byRequirement !== undefined) {
    const bad = Object.entries(r.byRequirement ?? {}).filter(([, o]) => !RETURNABLE.includes(o));
    if (bad.length > 0) return { ok: false, problem: `the check returned byRequirement outcomes that are not outcomes: ${bad.map(([k, o]) => `${k}: ${summarise(o)}`).join(', ')}` };
  }
  return { ok: true, result: r as CheckResult };
}

/** A JSON-only copy: bigint becomes a string; functions, symbols and cycles become markers. */
export function jsonSafe(value: unknown, ancestors: object[] = []): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function') return '[function]';
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value === null || typeof value !== 'object') return value ?? null;
  if (ancestors.includes(value)) return '[circular]';
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return jsonSafe(json.call(value), ancestors);
  const inner = [...ancestors, value];
  if (Array.isArray(value)) return value.map((v) => jsonSafe(v, inner));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonSafe(v, inner);
  return out;
}
