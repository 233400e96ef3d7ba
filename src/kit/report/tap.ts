// The report as TAP version 14 (https://testanything.org/tap-version-14-specification.html), for
// CI tools and test harnesses that read TAP: one test point per check, in report order.
// pass → ok; skipped → ok # SKIP; fail, error, blocked → not ok, with a YAML diagnostic block
// (outcome, requirements, message, expected, seen, replay). An interrupted run ends in Bail out!.

import { stringify } from 'yaml';
import { incompleteText, type Report } from './build.js';
import type { CheckRecord } from '../runner.js';

/** TAP descriptions may not hold `#` unescaped (it starts a directive) nor line breaks. */
function description(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/#/g, '\\#').replace(/[\r\n]+/g, ' ');
}

function diagnostics(record: CheckRecord, report: Report): string[] {
  const levels = record.requirements.map((id) => {
    const r = report.requirements.find((x) => x.id === id);
    return r ? `${id} ${r.level}${r.core ? ' core' : ''}` : id;
  });
  const block: Record<string, unknown> = {
    outcome: record.outcome,
    requirements: levels,
    message: record.message,
    ...(record.expected !== undefined ? { expected: record.expected } : {}),
    ...(record.seen !== undefined ? { seen: record.seen } : {}),
    ...(record.file !== undefined ? { file: record.file } : {}),
    ...(record.replay && record.replay.length > 0 ? { replay: record.replay } : {}),
  };
  const yaml = stringify(block, { lineWidth: 0 }).trimEnd().split('\n');
  return ['  ---', ...yaml.map((l) => `  ${l}`), '  ...'];
}

export function renderTap(report: Report): string {
  const lines = ['TAP version 14', `1..${report.checks.length}`];
  report.checks.forEach((c, i) => {
    const n = i + 1;
    const name = `${c.id} (${c.requirements.join(', ')})`;
    if (c.outcome === 'pass') lines.push(`ok ${n} - ${description(name)}`);
    else if (c.outcome === 'skipped') lines.push(`ok ${n} - ${description(name)} # SKIP ${description(c.message)}`);
    else lines.push(`not ok ${n} - ${description(name)}`, ...diagnostics(c, report));
  });
  if (report.incomplete) lines.push(`Bail out! ${description(incompleteText(report.incomplete))}`);
  lines.push(`# ${report.verdict.level}: ${report.verdict.verdict}${report.verdict.partial ? ' (partial)' : ''} · verdict hash ${report.verdict_hash.slice(0, 12)}`);
  return `${lines.join('\n')}\n`;
}
