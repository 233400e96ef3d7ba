// What `run` prints: the summary first (per level and per area), then each failure and error
// with its requirement, expected, seen and replay command. `json` prints the report itself;
// `quiet` one line.

import type { Check } from '../kit/check.js';
import { traceLines } from '../kit/call-trace.js';
import { developmentText } from '../kit/certification.js';
import { incompleteText, type Report } from '../kit/report/build.js';
import { areaRows, causeTree, countsText, inline } from '../kit/report/tally.js';
import { renderTap } from '../kit/report/tap.js';
import type { WrittenReport } from '../kit/report/write.js';
import type { CheckRecord, RunProgress } from '../kit/runner.js';
import type { Output } from './output.js';

export const FORMATS = ['pretty', 'json', 'quiet', 'tap'] as const;
export type Format = (typeof FORMATS)[number];

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

function requirementLabels(record: CheckRecord, report: Report): string {
  return record.requirements
    .map((id) => {
      const req = report.requirements.find((r) => r.id === id);
      return req ? `${id} (${req.level}${req.core ? ', core' : ''})` : id;
    })
    .join(', ');
}

/** Wall time of the whole run next to the time the checks took. */
export function timingText(report: Report): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const t = report.timing;
  return `time:   ${s(t.wall_ms ?? t.duration_ms)} wall (start-up, loading, checks, report) · checks ${s(t.duration_ms)} from first start to last end${t.check_ms !== undefined ? `, ${s(t.check_ms)} of check time` : ''}`;
}

export function renderPretty(report: Report, written: WrittenReport): string {
  const caps = report.adapter.capabilities;
  const claimed = [...caps.profiles.map((p) => `profile:${p}`), ...Object.entries(caps).filter(([k, v]) => k !== 'profiles' && v === true).map(([k]) => k)];
  const lines = [
    `mplp-conformance ${report.kit.version} · MPLP ${report.spec.version} ${report.spec.layer}`,
    `adapter: ${report.adapter.name} ${report.adapter.version}${report.adapter.spec ? ` (${report.adapter.spec})` : ' (embedded reference)'}`,
    `claims:  ${claimed.length > 0 ? claimed.join(', ') : 'nothing'}`,
    `seed:    ${report.seed} · level ${report.options.level}${report.verdict.partial ? ` · partial: --only ${report.options.only.join(',')}` : ''}`,
    ...(report.incomplete ? ['', incompleteText(report.incomplete)] : []),
    '',
    ...table([
      ['level', 'verdict', 'failures', 'inconclusive', 'warnings', 'ungraded'],
      ...report.levels.map((l) => [l.level, l.verdict, String(l.failures.length), String(l.inconclusive.length), String(l.warnings.length), String(l.ungraded.length)]),
    ]),
    '',
    ...table([['area', 'requirements', 'checks'], ...areaRows(report).map((r) => [r.area, countsText(r.requirements), String(r.checks)])]),
    '',
    `checks: ${countsText(report.totals.checks)}`,
    timingText(report),
  ];
  // Level failures not caused by a failing check (an unclaimed capability core needs).
  const verdictOf = (id: string) => report.requirements.find((r) => r.id === id)?.verdict;
  // One line per requirement, naming every level it fails (a core failure fails full too).
  const unclaimed = new Map<string, { levels: string[]; reason: string }>();
  for (const l of report.levels) {
    for (const f of l.failures.filter((x) => verdictOf(x.requirement) !== 'fail')) {
      const seen = unclaimed.get(`${f.requirement}\0${f.reason}`) ?? { levels: [], reason: f.reason };
      seen.levels.push(l.level);
      unclaimed.set(`${f.requirement}\0${f.reason}`, seen);
    }
  }
  for (const [key, f] of unclaimed) lines.push(`${f.levels.join(', ')}: ${key.split('\0')[0]} ${f.reason}`);
  // Root causes first, each with the rule it broke and the checks it held up folded under it.
  const tree = causeTree(report);
  if (tree.causes.length > 0) lines.push('');
  for (const { check: c, requirements, knockOn } of tree.causes) {
    lines.push(`${c.outcome.toUpperCase()} ${c.id} — ${requirementLabels(c, report)}`, `  ${c.message}`);
    for (const id of requirements) {
      const req = report.requirements.find((r) => r.id === id);
      if (req) lines.push(`  rule ${id}: ${req.rule}${req.source ? ` (${req.source})` : ''}`);
    }
    if (c.expected !== undefined) lines.push(`  expected: ${inline(c.expected)}`);
    if (c.seen !== undefined) lines.push(`  seen:     ${inline(c.seen)}`);
    for (const cmd of c.replay ?? []) lines.push(`  replay:   ${cmd}`);
    if (knockOn.length > 0) lines.push(`  held up ${knockOn.length} check(s), blocked by it: ${knockOn.map((k) => k.id).join(', ')}`);
    if (c.trace) lines.push(...traceLines(c.trace));
  }
  if (tree.unexplained.length > 0) {
    lines.push('', `BLOCKED by rules no check of this run failed (${tree.unexplained.length}):`);
    for (const b of tree.unexplained) lines.push(`  ${b.id} — ${b.message}`);
  }
  const warnings = report.verdict.warnings;
  if (warnings.length > 0) lines.push('', `warnings (do not affect the verdict): ${warnings.map((w) => w.requirement).join(', ')}`);
  if (report.untested.length > 0) lines.push(`untested (no check yet, not graded): ${report.untested.join(', ')}`);
  if (report.bailed_after) lines.push(`--bail: stopped after ${report.bailed_after}`);
  const development = report.certification && !report.certification.certified ? report.certification : undefined;
  if (development) lines.push('', developmentText(development));
  const verdictLine = report.incomplete
    ? incompleteText(report.incomplete)
    : `${report.verdict.level}: ${report.verdict.verdict.toUpperCase()}${development ? ' (not claimed: development run)' : ''}`;
  lines.push('', verdictLine, `report: ${written.files.report} (junit.xml, summary.md beside it)`);
  return `${lines.join('\n')}\n`;
}

export function renderRun(format: Format, report: Report, written: WrittenReport): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'quiet':
      if (report.incomplete) return `${incompleteText(report.incomplete)} (${countsText(report.totals.checks)}) ${written.files.report}\n`;
      return `${report.verdict.level}: ${report.verdict.verdict}${report.certification && !report.certification.certified ? ' (development run, not claimed)' : ''} (${countsText(report.totals.checks)}) ${written.files.report}\n`;
    case 'pretty':
      return renderPretty(report, written);
    case 'tap':
      return renderTap(report);
  }
}

/** A one-line progress indicator on an interactive stderr; nothing otherwise. */
export function progressLine(output: Output, total: number, enabled: boolean): RunProgress & { done(): void } {
  let finished = 0;
  const show = (text: string) => output.status(text);
  if (!enabled || !output.interactive) return { done: () => undefined };
  return {
    onCheckStart: (check: Check) => show(`[${finished}/${total}] ${check.id}`),
    onCheckEnd: (record: CheckRecord) => {
      finished += 1;
      show(`[${finished}/${total}] ${record.id} ${record.outcome}`);
    },
    done: () => show(''),
  };
}
