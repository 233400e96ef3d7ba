// --trace: every adapter call of a check — operation, arguments, result or error, duration —
// and, for a runtime over stdio, the JSON-RPC lines, kept in the check's record. Bounded: each
// value is cut to a few KiB and a check keeps at most MAX_ENTRIES entries; what was cut is said.

import { performance } from 'node:perf_hooks';

export const MAX_ENTRIES = 400;
export const MAX_VALUE_CHARS = 2_000;

export interface TraceEntry {
  /** Milliseconds since the check started. */
  at_ms: number;
  /** `session.load()`, `session.events()`, `stdio →` (a line to the runtime), `stdio ←` … */
  op: string;
  args?: string;
  /** `ok` (result), `threw`, `overdue` (timed out or abandoned), `line` (a stdio line). */
  outcome: 'ok' | 'threw' | 'overdue' | 'line';
  result?: string;
  ms?: number;
}

export interface CheckTrace {
  entries: TraceEntry[];
  /** Set when entries or values were cut to the bounds. */
  cut?: string;
}

/** JSON of a value cut to `max` characters (never throws). */
export function clipped(value: unknown, max = MAX_VALUE_CHARS): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/** Collects one check's calls. */
export class CallTrace {
  private readonly t0 = performance.now();
  private readonly entries: TraceEntry[] = [];
  private dropped = 0;
  /** Events already reported per session, so events() entries show only what is new. */
  private readonly eventsSeen = new WeakMap<object, number>();

  private push(entry: Omit<TraceEntry, 'at_ms'>): void {
    if (this.entries.length >= MAX_ENTRIES) {
      this.dropped++;
      return;
    }
    this.entries.push({ at_ms: Math.round(performance.now() - this.t0), ...entry });
  }

  /** One adapter operation. `events()` results are summarised: how many, and the types of the new ones. */
  call(op: string, args: readonly unknown[], outcome: 'ok' | 'threw' | 'overdue', result: unknown, ms: number, session?: object): void {
    let shown: string;
    if (outcome === 'ok' && op.endsWith('.events()') && Array.isArray(result)) {
      const before = session ? (this.eventsSeen.get(session) ?? 0) : 0;
      if (session) this.eventsSeen.set(session, result.length);
      const fresh = result.slice(before).map((e: { event_type?: unknown; event_family?: unknown; payload?: { resource_id?: unknown; from_status?: unknown; to_status?: unknown } }) =>
        e.payload?.to_status !== undefined ? `${String(e.event_type)}(${String(e.payload.from_status)}→${String(e.payload.to_status)})` : String(e.event_type ?? e.event_family),
      );
      shown = clipped(`${result.length} events; new: ${fresh.join(', ') || 'none'}`);
    } else shown = clipped(result);
    this.push({ op, ...(args.length > 0 ? { args: clipped(args) } : {}), outcome, result: shown, ms: Math.round(ms) });
  }

  /** A JSON-RPC line of a stdio runtime. */
  line(direction: '→' | '←', text: string): void {
    this.push({ op: `stdio ${direction}`, outcome: 'line', result: text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} chars)` : text });
  }

  result(): CheckTrace {
    return { entries: this.entries, ...(this.dropped > 0 ? { cut: `${this.dropped} more entries were dropped (the limit is ${MAX_ENTRIES} per check)` } : {}) };
  }
}

/** The most trace text one report keeps (failing checks first, then the rest in run order). */
export const MAX_REPORT_TRACE_CHARS = 16 * 1024 * 1024;

/** Keeps the traces of a run within MAX_REPORT_TRACE_CHARS: non-passing checks' traces first; a
 *  trace that does not fit is emptied and says so. */
export function capTraces(records: readonly { outcome: string; trace?: CheckTrace }[], budget = MAX_REPORT_TRACE_CHARS): void {
  const order = [...records.filter((r) => r.outcome !== 'pass'), ...records.filter((r) => r.outcome === 'pass')];
  let left = budget;
  for (const r of order) {
    if (!r.trace) continue;
    const size = JSON.stringify(r.trace).length;
    if (size <= left) left -= size;
    else r.trace = { entries: [], cut: `all ${r.trace.entries.length} entries were dropped: the report's trace budget (${budget} characters) was spent` };
  }
}

/** The trace as console lines (the last `max` entries), indented under a failure. */
export function traceLines(trace: CheckTrace, max = 60, indent = '  '): string[] {
  const shown = trace.entries.slice(-max);
  const lines = [`${indent}trace (${trace.entries.length} entries${shown.length < trace.entries.length ? `, the last ${shown.length} shown` : ''}${trace.cut ? `; ${trace.cut}` : ''}):`];
  for (const e of shown) {
    const timing = e.ms === undefined ? '' : ` ${e.ms} ms`;
    const args = e.args === undefined ? '' : ` ${e.args.length > 200 ? `${e.args.slice(0, 200)}…` : e.args}`;
    const result = e.result === undefined ? '' : ` ${e.outcome === 'line' ? '' : e.outcome === 'ok' ? '→ ' : `${e.outcome}: `}${e.result.length > 300 ? `${e.result.slice(0, 300)}…` : e.result}`;
    lines.push(`${indent}  +${e.at_ms} ms ${e.op}${args}${result}${timing}`);
  }
  return lines;
}
