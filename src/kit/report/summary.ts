// summary.md: the verdict, the table per area, then every failure with its replay command.

import { incompleteText, type Report } from './build.js';
import { areaRows, countsText, inline, problemChecks } from './tally.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderSummary(report: Report): string {
  const out: string[] = [];
  out.push(`# MPLP ${report.spec.version} ${report.spec.layer} conformance: ${report.adapter.name} ${report.adapter.version}`, '');
  out.push(`Run \`${report.run_id}\` · seed ${report.seed} · level ${report.options.level}${report.verdict.partial ? ` · partial (--only ${report.options.only.join(' ')})` : ''} · kit ${report.kit.version}`, '');
  if (report.incomplete) {
    out.push(`> **${incompleteText(report.incomplete)}.** The run was stopped at ${report.incomplete.at}; checks that did not finish ended \`blocked\` and no level can be judged. Run it again to completion.`, '');
  }
  out.push('| Level | Verdict | Failures | Inconclusive | Warnings | Ungraded |', '|:--|:--|--:|--:|--:|--:|');
  for (const l of report.levels) {
    out.push(`| ${l.level} | **${l.verdict}** | ${l.failures.length} | ${l.inconclusive.length} | ${l.warnings.length} | ${l.ungraded.length} |`);
  }
  out.push('', `Checks: ${countsText(report.totals.checks)}. Requirements: ${countsText(report.totals.requirements)}.`, '');
  out.push('| Area | Requirements | Checks |', '|:--|:--|--:|');
  for (const row of areaRows(report)) out.push(`| ${row.area} | ${countsText(row.requirements)} | ${row.checks} |`);

  const problems = problemChecks(report);
  if (problems.length > 0) {
    out.push('', '## Failures and errors', '');
    for (const c of problems) {
      out.push(`### ${c.outcome.toUpperCase()} ${c.id} (${c.requirements.join(', ')})`, '', cell(c.message), '');
      if (c.expected !== undefined) out.push(`- expected: \`${inline(c.expected)}\``);
      if (c.seen !== undefined) out.push(`- seen: \`${inline(c.seen)}\``);
      for (const cmd of c.replay ?? []) out.push(`- replay: \`${cmd}\``);
      out.push('');
    }
  }
  const findings = report.levels.flatMap((l) => [...l.failures, ...l.warnings].map((f) => ({ level: l.level, ...f })));
  if (findings.length > 0) {
    out.push('', '## Level findings', '');
    for (const f of findings) out.push(`- ${f.level}: ${f.requirement} — ${f.reason}`);
  }
  if (report.untested.length > 0) out.push('', '## Untested requirements', '', report.untested.map((id) => `- ${id}`).join('\n'));
  out.push('', `Verdict hash: \`${report.verdict_hash}\``, '');
  return out.join('\n');
}
