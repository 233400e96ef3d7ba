// reports/<run-id>/index.html: one self-contained file (inline CSS, script and SVG; no
// network). Summary first, then every failure with its plan picture, then the requirement
// table with filters. The Content-Security-Policy forbids every fetch and every script but
// the page's own, as a second wall behind the escaping.

import type { JudgedReport } from '../../baseline/judge.js';
import { problemChecks } from '../tally.js';
import { SCRIPT, SCRIPT_HASH, STYLE } from './assets.js';
import { esc } from './escape.js';
import { failureHtml } from './failure.js';
import { overviewHtml } from './overview.js';
import { requirementsHtml } from './requirements.js';

const CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${SCRIPT_HASH}; base-uri 'none'; form-action 'none'`;

function failuresHtml(report: JudgedReport): string {
  const problems = problemChecks(report);
  const body =
    problems.length === 0
      ? '<p class="empty">No check failed or errored.</p>'
      : problems.map((c, i) => failureHtml(c, i, report.requirements, report.baseline)).join('');
  const counts = problems.length === 0 ? '' : ` <span class="muted">(${problems.length})</span>`;
  return `<h2 id="failures">Failures and errors${counts}</h2>${body}`;
}

export function renderHtml(report: JudgedReport): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`${report.incomplete ? `INCOMPLETE (${report.incomplete.signal})` : `${report.verdict.level}: ${report.verdict.verdict}`} · ${report.adapter.name} ${report.adapter.version} · MPLP L3 conformance`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body><main>',
    overviewHtml(report),
    failuresHtml(report),
    requirementsHtml(report),
    `<footer>verdict hash <code>${esc(report.verdict_hash)}</code> · report.json, junit.xml and summary.md are next to this file.</footer>`,
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
