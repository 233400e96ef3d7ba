// The event timeline of a failure, one row per event in bus order: sequence number, event
// type, the step or plan it is about, the status change and the runtime's reason. Rows
// about a violating step are marked. Two sources: the events the grader attached (the
// fewest that show the violation), or else the plan's recorded status changes, cut to a
// window around the last change of a violating step. Events are adapter data of any shape:
// every field is read defensively and escaped.

import type { PlanDag, PlanDagChange } from '../../flows/plan-evidence.js';
import { esc } from './escape.js';
import { statusClass } from './plan-svg.js';
import type { Violation } from './violation.js';

interface Row {
  seq: string;
  type: string;
  family?: string;
  subject: string;
  from?: string;
  to?: string;
  reason?: string;
}

/** Rows shown before and after the violating step's last change. */
const BEFORE = 10;
const AFTER = 6;

const field = (o: unknown, key: string): unknown => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

function eventRows(events: readonly unknown[], dag: PlanDag | undefined): Row[] {
  const nameOfId = new Map((dag?.steps ?? []).map((s) => [s.id, s.name]));
  return events.map((event, i) => {
    const payload = field(event, 'payload');
    const resourceId = text(field(payload, 'resource_id'));
    const stepName = resourceId === undefined ? undefined : nameOfId.get(resourceId);
    const subject = stepName ?? (text(field(payload, 'resource_type')) === 'plan' ? 'plan' : text(field(event, 'stage_name')) ?? resourceId ?? '');
    const [family, from, to, reason] = [text(field(event, 'event_family')), text(field(payload, 'from_status')), text(field(payload, 'to_status')), text(field(payload, 'reason'))];
    return {
      seq: text(field(payload, 'seq')) ?? String(i + 1),
      type: text(field(event, 'event_type')) ?? '?',
      subject,
      ...(family === undefined ? {} : { family }),
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      ...(reason === undefined ? {} : { reason }),
    };
  });
}

function changeRows(changes: readonly PlanDagChange[]): Row[] {
  return changes.map((c, i) => ({ ...c, seq: c.seq === undefined ? String(i + 1) : String(c.seq) }));
}

function rowHtml(row: Row, hot: boolean): string {
  const pill = (s: string | undefined) => `<span class="pill ${statusClass(s)}">${esc((s ?? '?').replace(/_/g, ' '))}</span>`;
  const change = row.from !== undefined || row.to !== undefined ? `${pill(row.from)} → ${pill(row.to)}` : '';
  return `<tr${hot ? ' class="hot"' : ''}><td class="seq">#${esc(row.seq)}</td><td><code>${esc(row.type)}</code>${row.family ? `<div class="muted">${esc(row.family)}</div>` : ''}</td><td>${esc(row.subject)}</td><td>${change}</td><td class="reason">${esc(row.reason ?? '')}</td></tr>`;
}

function table(rows: Row[], violation: Violation | undefined, note: string): string {
  const body = rows.map((r) => rowHtml(r, violation?.steps.has(r.subject) === true)).join('');
  return `<table class="timeline"><thead><tr><th>seq</th><th>event</th><th>about</th><th>status change</th><th>reason</th></tr></thead><tbody>${body}</tbody></table>${note ? `<p class="muted">${esc(note)}</p>` : ''}`;
}

/** The timeline section, or '' when the failure recorded no events at all. */
export function timelineSection(events: readonly unknown[], dag: PlanDag | undefined, violation: Violation | undefined): string {
  if (events.length > 0) return `<h4>Events that show it (${events.length})</h4>${table(eventRows(events, dag), violation, '')}`;
  const all = changeRows(dag?.changes ?? []);
  if (all.length === 0) return '';
  let last = -1;
  all.forEach((r, i) => {
    if (violation?.steps.has(r.subject)) last = i;
  });
  const [start, end] = last < 0 ? [Math.max(0, all.length - BEFORE - AFTER), all.length] : [Math.max(0, last - BEFORE), Math.min(all.length, last + AFTER + 1)];
  const cut = [start > 0 ? `${start} earlier change(s) not shown` : '', end < all.length ? `${all.length - end} later change(s) not shown` : ''].filter(Boolean).join(' · ');
  const quiet = last < 0 && violation !== undefined && violation.steps.size > 0 ? ` (none for ${[...violation.steps].join(', ')})` : '';
  const title = `Status changes before the check stopped${quiet}`;
  return `<h4>${esc(title)}</h4>${table(all.slice(start, end), violation, cut)}`;
}
