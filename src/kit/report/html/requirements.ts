// The requirement table: one row per requirement in scope with its verdict and the checks
// that grade it (failed ones link to their failure), filtered in the page by area, level,
// verdict and free text.

import type { JudgedReport } from '../../baseline/judge.js';
import { esc } from './escape.js';
import { checkAnchor } from './failure.js';

function select(key: string, label: string, values: readonly string[]): string {
  const options = values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('');
  return `<label>${esc(label)} <select id="f-${esc(key)}" data-key="${esc(key)}"><option value="">all</option>${options}</select></label>`;
}

export function requirementsHtml(report: JudgedReport): string {
  const outcomeOf = new Map(report.checks.map((c) => [c.id, c.outcome]));
  const baselined = new Map((report.baseline?.baselined ?? []).map((b) => [b.requirement, b.reason]));
  const rows = report.requirements.map((r) => {
    const checks = r.checks
      .map((id) => {
        const outcome = outcomeOf.get(id) ?? 'pass';
        const label = `<code>${esc(id)}</code>`;
        return outcome === 'fail' || outcome === 'error' ? `<a href="#${esc(checkAnchor(id))}">${label}</a> <span class="pill v-${esc(outcome)}">${esc(outcome)}</span>` : label;
      })
      .join('<br>');
    const known = baselined.get(r.id);
    return [
      `<tr id="req-${esc(r.id)}" data-area="${esc(r.area)}" data-level="${esc(r.level)}" data-verdict="${esc(r.verdict)}">`,
      `<td><code>${esc(r.id)}</code></td><td>${esc(r.area)}</td><td>${esc(r.level)}${r.core ? ' <span class="tag">core</span>' : ''}</td>`,
      `<td><span class="pill v-${esc(r.verdict)}">${esc(r.verdict)}</span>${known === undefined ? '' : ` <span class="pill baselined" title="${esc(known)}">baselined</span>`}</td>`,
      `<td class="rule">${esc(r.rule)}</td><td>${checks || '<span class="muted">no check yet</span>'}</td></tr>`,
    ].join('');
  });
  const areas = [...new Set(report.requirements.map((r) => r.area))];
  const verdicts = [...new Set(report.requirements.map((r) => r.verdict))];
  return [
    '<h2 id="requirements">Requirements</h2>',
    '<div class="filters">',
    select('area', 'Area', areas),
    select('level', 'Level', ['MUST', 'SHOULD', 'MAY']),
    select('verdict', 'Verdict', verdicts),
    '<input id="f-text" type="search" placeholder="Search id, rule or check…" aria-label="Search requirements">',
    '<span id="f-count" class="muted"></span>',
    '</div>',
    `<table id="req-table"><thead><tr><th>Id</th><th>Area</th><th>Level</th><th>Verdict</th><th>Rule</th><th>Checks</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
  ].join('');
}
