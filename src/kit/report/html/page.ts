// reports/<run-id>/index.html: one self-contained file (inline CSS, script and SVG; no
// network). Summary first, then every failure with its plan picture, then the requirement
// table with filters. The Content-Security-Policy forbids every fetch and every script but
// the page's own, as a second wall behind the escaping.

import type { JudgedReport } from '../../baseline/judge.js';
import { causeTree } from '../tally.js';
import { SCRIPT, SCRIPT_HASH, STYLE } from './assets.js';
import { esc } from './escape.js';
import { failureHtml } from './failure.js';
import { overviewHtml } from './overview.js';
import { requirementsHtml } from './requirements.js';

const CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${SCRIPT_HASH}; base-uri 'none'; form-action 'none'`;

function failuresHtml(report: JudgedReport): string {
  // Root causes first; the checks each one held up are folded under it.
  const { causes, unexplained } = causeTree(report);
  const body =
    causes.length === 0
      ? '<p class="empty">No check failed or errored.</p>'
      : causes
          .map(({ check, knockOn }, i) => {
            const folded = knockOn.length === 0 ? '' : `<details class="knock-on"><summary>held up ${knockOn.length} check(s), blocked by this failure</summary><ul>${knockOn.map((k) => `<li><code>${esc(k.id)}</code>: ${esc(k.message)}</li>`).join('')}</ul></details>`;
            return `${failureHtml(check, i, report.requirements, report.baseline)}${folded}`;
          })
          .join('');
  const counts = causes.length === 0 ? '' : ` <span class="muted">(${causes.length})</span>`;
  const stray = unexplained.length === 0 ? '' : `<h3>Blocked by rules no check of this run failed</h3><ul>${unexplained.map((b) => `<li><code>${esc(b.id)}</code> (blocked by ${esc(b.blocked_by?.requirement ?? '?')}): ${esc(b.message)}</li>`).join('')}</ul>`;
  return `<h2 id="failures">Root causes: failures and errors${counts}</h2>${body}${stray}`;
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
