// The top of the page: who was tested, the verdict per conformance level (and the CI verdict
// when a baseline was used), why a level was missed, and the counts per area and per
// requirement level. Area and verdict counts link into the filtered requirement table.

import type { BaselineJudgement, JudgedReport } from '../../baseline/judge.js';
import { developmentText } from '../../certification.js';
import { incompleteText, type Report } from '../build.js';
import { areaRows } from '../tally.js';
import { REQUIREMENT_VERDICTS, type RequirementVerdictValue } from '../verdicts.js';
import { esc } from './escape.js';

const VERDICTS: readonly RequirementVerdictValue[] = REQUIREMENT_VERDICTS;
const CI_TEXT: Record<BaselineJudgement['ci_verdict'], string> = { accepted: 'green', 'new-failures': 'red: new failures', stale: 'red: stale entries' };

function filterLink(label: string, attrs: Record<string, string>): string {
  const data = Object.entries(attrs).map(([k, v]) => ` data-${k}="${esc(v)}"`).join('');
  return `<a class="set-filter" href="#requirements"${data}>${label}</a>`;
}

function countCell(n: number, attrs: Record<string, string>): string {
  return n === 0 ? '<td class="n zero">0</td>' : `<td class="n c-${esc(attrs['verdict'] ?? '')}">${filterLink(String(n), attrs)}</td>`;
}

function levelCards(report: Report): string {
  return report.levels
    .map((l) => {
      const counts = `${l.failures.length} failing · ${l.inconclusive.length} inconclusive · ${l.warnings.length} warnings · ${l.ungraded.length} ungraded`;
      return `<div class="card v-${esc(l.verdict)}${l.level === report.verdict.level ? ' requested' : ''}"><div class="label">${esc(l.level)} level${l.level === report.verdict.level ? ' (requested)' : ''}</div><div class="value">${esc(l.verdict)}</div><div class="counts">${counts}</div></div>`;
    })
    .join('');
}

function baselineCard(b: BaselineJudgement): string {
  return `<div class="card ci-${esc(b.ci_verdict)}"><div class="label">CI with baseline</div><div class="value">${esc(CI_TEXT[b.ci_verdict])}</div><div class="counts">${b.baselined.length} baselined · ${b.new_failures.length} new · ${b.stale.length} stale · <code>${esc(b.file)}</code></div></div>`;
}

/** The level findings, worst first, each linked to its requirement row. */
function why(report: Report): string {
  const items = report.levels.flatMap((l) => [
    ...l.failures.map((f) => ({ level: l.level, kind: 'fails', ...f })),
    ...l.inconclusive.map((f) => ({ level: l.level, kind: 'inconclusive', ...f })),
  ]);
  if (items.length === 0) return '';
  const list = items.map((f) => `<li><span class="muted">${esc(f.level)}</span> <a href="#req-${esc(f.requirement)}"><code>${esc(f.requirement)}</code></a> ${esc(f.kind)}: ${esc(f.reason)}</li>`).join('');
  return `<details class="why"><summary>Why: ${items.length} finding(s) decide the level verdicts</summary><ul>${list}</ul></details>`;
}

function areaTable(report: Report): string {
  const rows = areaRows(report).map(
    (r) => `<tr><td>${filterLink(esc(r.area), { area: r.area })}</td>${VERDICTS.map((v) => countCell(r.requirements[v], { area: r.area, verdict: v })).join('')}<td class="n">${r.checks}</td></tr>`,
  );
  return `<table><thead><tr><th>Area</th>${VERDICTS.map((v) => `<th class="n">${v}</th>`).join('')}<th class="n">checks</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function levelTable(report: Report): string {
  const groups = [
    { label: 'MUST (core)', level: 'MUST', keep: (r: Report['requirements'][number]) => r.level === 'MUST' && r.core },
    { label: 'MUST', level: 'MUST', keep: (r: Report['requirements'][number]) => r.level === 'MUST' && !r.core },
    { label: 'SHOULD', level: 'SHOULD', keep: (r: Report['requirements'][number]) => r.level === 'SHOULD' },
    { label: 'MAY', level: 'MAY', keep: (r: Report['requirements'][number]) => r.level === 'MAY' },
  ];
  const rows = groups.map((g) => {
    const reqs = report.requirements.filter(g.keep);
    return `<tr><td>${esc(g.label)}</td>${VERDICTS.map((v) => countCell(reqs.filter((r) => r.verdict === v).length, { level: g.level, verdict: v })).join('')}</tr>`;
  });
  return `<table><thead><tr><th>Requirement level</th>${VERDICTS.map((v) => `<th class="n">${v}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function overviewHtml(report: JudgedReport): string {
  const a = report.adapter;
  const pills = (counts: Record<string, number>) =>
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `<span class="pill v-${esc(k)}">${n} ${esc(k)}</span>`)
      .join('');
  return [
    '<header>',
    `<h1>MPLP ${esc(report.spec.version)} ${esc(report.spec.layer)} conformance: ${esc(a.name)} <span class="muted">${esc(a.version)}</span></h1>`,
    `<p class="meta">adapter ${a.spec ? `<code>${esc(a.spec)}</code>` : 'embedded reference runtime'} · level ${esc(report.options.level)} · seed ${report.seed} · ${esc(report.timing.started_at)} · ${((report.timing.wall_ms ?? report.timing.duration_ms) / 1000).toFixed(1)} s wall (whole run), ${(report.timing.duration_ms / 1000).toFixed(1)} s checks${report.timing.check_ms !== undefined ? `, ${(report.timing.check_ms / 1000).toFixed(1)} s check time` : ''}</p>`,
    `<p class="meta">run <code>${esc(report.run_id)}</code> · ${esc(report.kit.name)} ${esc(report.kit.version)}</p>`,
    report.incomplete
      ? `<p class="incomplete"><strong>${esc(incompleteText(report.incomplete))}.</strong> The run was stopped at ${esc(report.incomplete.at)}; checks that did not finish ended blocked and no level can be judged.</p>`
      : '',
    report.certification && !report.certification.certified
      ? `<p class="incomplete"><strong>${esc(developmentText(report.certification))}.</strong> The verdicts below show what this run graded; only a certification run (the shipped kit, unmodified, with nothing left out or added) claims a level.</p>`
      : report.certification
        ? `<p class="meta">certification run · kit digest <code>${esc(report.certification.kit_digest.slice(0, 16))}</code></p>`
        : '',
    report.verdict.partial ? `<p class="partial">Partial run (--only ${esc(report.options.only.join(' '))}): the verdicts cover only the requirements in scope.</p>` : '',
    '<nav class="toc"><a href="#failures">Failures</a><a href="#requirements">Requirements</a></nav>',
    '</header>',
    `<section class="verdicts">${levelCards(report)}${report.baseline ? baselineCard(report.baseline) : ''}</section>`,
    why(report),
    '<h2 id="counts">Counts</h2>',
    `<p class="counts-line"><strong>${report.checks.length} checks</strong> ${pills(report.totals.checks)} &nbsp; <strong>${report.requirements.length} requirements</strong> ${pills(report.totals.requirements)}</p>`,
    `<div class="tables">${levelTable(report)}${areaTable(report)}</div>`,
  ].join('');
}
