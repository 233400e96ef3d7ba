// One failed or errored check: what broke, the plan picture with the violation highlighted,
// the events that show it, expected vs seen, the other broken expectations, and the replay
// commands.

import type { BaselineJudgement } from '../../baseline/judge.js';
import type { PlanDag } from '../../flows/plan-evidence.js';
import type { CheckRecord } from '../../runner.js';
import type { RequirementVerdict } from '../verdicts.js';
import { esc, jsonBlock } from './escape.js';
import { findingsOf, planDagOf } from './evidence.js';
import { legendStatuses, planSvg, statusClass } from './plan-svg.js';
import { timelineSection } from './timeline.js';
import { violationOf, type Violation } from './violation.js';

/** Failures shown expanded when the page opens; the rest are one click away. */
const OPEN_FAILURES = 4;

export const checkAnchor = (id: string) => `check-${id}`;

function requirementTags(record: CheckRecord, requirements: readonly RequirementVerdict[]): string {
  return record.requirements
    .map((id) => {
      const r = requirements.find((x) => x.id === id);
      return `<a class="tag" href="#req-${esc(id)}">${esc(id)}${r ? ` <span class="muted">${esc(r.level)}${r.core ? ' core' : ''}</span>` : ''}</a>`;
    })
    .join(' ');
}

function pictureHtml(record: CheckRecord, dag: PlanDag | undefined, violation: Violation | undefined): string {
  if (!dag || !violation) return '<p class="muted">No plan picture: this check did not record a plan (only flow-based checks do).</p>';
  const legend = legendStatuses(dag).map((s) => `<span class="pill ${statusClass(s)}">${esc(s.replace(/_/g, ' '))}</span>`);
  if (violation.steps.size > 0) legend.push('<span class="pill violation-key">violation</span>');
  const where = violation.steps.size > 0 ? `violation at ${[...violation.steps].join(', ')}` : 'no single step is at fault: see the message';
  return [
    `<h4>Plan when the check stopped${dag.plan_status ? ` <span class="pill ${statusClass(dag.plan_status)}">plan ${esc(dag.plan_status.replace(/_/g, ' '))}</span>` : ''}</h4>`,
    `<div class="picture">${planSvg(dag, violation, `plan of ${record.id}: ${where}`)}</div>`,
    `<div class="legend">${legend.join(' ')} <span class="muted">${esc(where)}</span></div>`,
  ].join('');
}

function expectedSeen(record: CheckRecord): string {
  const block = (value: unknown) => (value === undefined ? '<span class="none">not recorded</span>' : jsonBlock(value));
  return `<div class="expected-seen"><div><h4>Expected</h4><pre>${block(record.expected)}</pre></div><div><h4>Seen</h4><pre>${block(record.seen)}</pre></div></div>`;
}

/** --trace: every adapter call of the check as a collapsible timeline. */
function traceHtml(trace: NonNullable<CheckRecord['trace']>): string {
  const rows = trace.entries
    .map((e) => `<tr class="t-${esc(e.outcome)}"><td>+${e.at_ms} ms</td><td><code>${esc(e.op)}</code></td><td>${e.args === undefined ? '' : `<code>${esc(e.args)}</code>`}</td><td>${esc(e.outcome)}</td><td>${e.result === undefined ? '' : `<code>${esc(e.result)}</code>`}</td><td>${e.ms === undefined ? '' : `${e.ms} ms`}</td></tr>`)
    .join('');
  return `<details class="trace"><summary>Trace: ${trace.entries.length} adapter call(s) and line(s)${trace.cut ? ` (${esc(trace.cut)})` : ''}</summary><table class="trace"><thead><tr><th>at</th><th>operation</th><th>arguments</th><th>outcome</th><th>result</th><th>took</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

export function failureHtml(record: CheckRecord, index: number, requirements: readonly RequirementVerdict[], baseline: BaselineJudgement | undefined): string {
  const known = baseline?.baselined.filter((b) => record.requirements.includes(b.requirement)) ?? [];
  const baselineTag = known.length > 0 ? ` <span class="pill baselined" title="${esc(known.map((k) => k.reason).join('; '))}">baselined</span>` : '';
  const findings = findingsOf(record);
  const dag = planDagOf(record);
  const violation = dag ? violationOf(findings, dag) : undefined;
  const parts = [
    `<details class="failure outcome-${esc(record.outcome)}" id="${esc(checkAnchor(record.id))}"${index < OPEN_FAILURES ? ' open' : ''}>`,
    `<summary><span class="pill v-${esc(record.outcome)}">${esc(record.outcome.toUpperCase())}</span> <code>${esc(record.id)}</code> <span class="title">${esc(record.title)}</span>${baselineTag}</summary>`,
    '<div class="body">',
    `<p class="reqs">${requirementTags(record, requirements)}</p>`,
    `<p class="message">${esc(record.message)}</p>`,
    known.length > 0 ? `<p class="note">Baselined: ${known.map((k) => `${esc(k.reason)}${k.issue ? ` (${esc(k.issue)})` : ''}`).join('; ')}</p>` : '',
    pictureHtml(record, dag, violation),
    timelineSection(record.events ?? [], dag, violation),
    record.expected === undefined && record.seen === undefined ? '' : expectedSeen(record),
    findings.length > 1 ? `<h4>Also broken (${findings.length - 1})</h4><ul class="findings">${findings.slice(1).map((f) => `<li><code>${esc(f.where)}</code> ${esc(f.message)}</li>`).join('')}</ul>` : '',
    (record.replay ?? []).length > 0 ? `<h4>Replay</h4>${(record.replay ?? []).map((cmd) => `<pre class="replay">${esc(cmd)}</pre>`).join('')}` : '',
    record.counterexample ? `<p class="muted">Counterexample: <code>${esc(record.counterexample)}</code></p>` : '',
    record.trace ? traceHtml(record.trace) : '',
    '</div></details>',
  ];
  return parts.join('');
}
