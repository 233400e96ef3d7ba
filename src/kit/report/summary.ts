// summary.md: the verdict, the table per area, then every failure with its replay command.

import { developmentText } from '../certification.js';
import { incompleteText, type Report } from './build.js';
import { areaRows, causeTree, countsText, inline } from './tally.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderSummary(report: Report): string {
  const out: string[] = [];
  out.push(`# MPLP ${report.spec.version} ${report.spec.layer} conformance: ${report.adapter.name} ${report.adapter.version}`, '');
  out.push(`Run \`${report.run_id}\` · seed ${report.seed} · level ${report.options.level}${report.verdict.partial ? ` · partial (--only ${report.options.only.join(' ')})` : ''} · kit ${report.kit.version}`, '');
  if (report.certification && !report.certification.certified) out.push(`> **${developmentText(report.certification)}.** The tables show what this run graded; it claims no level.`, '');
  if (report.incomplete) {
    out.push(`> **${incompleteText(report.incomplete)}.** The run was stopped at ${report.incomplete.at}; checks that did not finish ended \`blocked\` and no level can be judged. Run it again to completion.`, '');
  }
  out.push('| Level | Verdict | Failures | Inconclusive | Warnings | Ungraded |', '|:--|:--|--:|--:|--:|--:|');
  for (const l of report.levels) {
    out.push(`| ${l.level} | **${l.verdict}** | ${l.failures.length} | ${l.inconclusive.length} | ${l.warnings.length} | ${l.ungraded.length} |`);
  }
  out.push('', `Checks: ${countsText(report.totals.checks)}. Requirements: ${countsText(report.totals.requirements)}.`, '');
  out.push(`Time: ${((report.timing.wall_ms ?? report.timing.duration_ms) / 1000).toFixed(1)} s wall for the whole run, ${(report.timing.duration_ms / 1000).toFixed(1)} s for the checks${report.timing.check_ms !== undefined ? ` (${(report.timing.check_ms / 1000).toFixed(1)} s of check time)` : ''}.`, '');
  out.push('| Area | Requirements | Checks |', '|:--|:--|--:|');
  for (const row of areaRows(report)) out.push(`| ${row.area} | ${countsText(row.requirements)} | ${row.checks} |`);

  const tree = causeTree(report);
  if (tree.causes.length > 0) {
    out.push('', '## Root causes (failures and errors, with the checks they held up)', '');
    for (const { check: c, requirements, knockOn } of tree.causes) {
      out.push(`### ${c.outcome.toUpperCase()} ${c.id} (${c.requirements.join(', ')})`, '', cell(c.message), '');
      for (const id of requirements) {
        const req = report.requirements.find((r) => r.id === id);
        if (req) out.push(`- rule ${id}: ${cell(req.rule)}${req.source ? ` _(${cell(req.source)})_` : ''}`);
      }
      if (c.expected !== undefined) out.push(`- expected: \`${inline(c.expected)}\``);
      if (c.seen !== undefined) out.push(`- seen: \`${inline(c.seen)}\``);
      for (const cmd of c.replay ?? []) out.push(`- replay: \`${cmd}\``);
      if (knockOn.length > 0) out.push(`- held up ${knockOn.length} check(s): ${knockOn.map((k) => `\`${k.id}\``).join(', ')}`);
      out.push('');
    }
  }
  if (tree.unexplained.length > 0) {
    out.push('', '## Blocked by rules no check of this run failed', '');
    for (const b of tree.unexplained) out.push(`- \`${b.id}\` (blocked by ${b.blocked_by?.requirement}): ${cell(b.message)}`);
  }
  const findings = report.levels.flatMap((l) => [...l.failures, ...l.warnings].map((f) => ({ level: l.level, ...f })));
  if (findings.length > 0) {
    out.push('', '## Level findings', '');
    for (const f of findings) out.push(`- ${f.level}: ${f.requirement} — ${f.reason}`);
  }
  if (report.untested.length > 0) out.push('', '## Untested requirements', '', report.untested.map((id) => `- ${id}`).join('\n'));
  out.push('', `Verdict hash: \`${report.verdict_hash}\``, '');
  if (report.certification) out.push(`Kit digest: \`${report.certification.kit_digest}\` (${report.certification.certified ? 'certification run' : 'development run'})`, '');
  return out.join('\n');
}
