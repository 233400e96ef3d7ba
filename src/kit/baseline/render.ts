// What a run prints about its baseline: the CI verdict in one line, then each new failure,
// each stale entry (with file:line) and what --update-baseline changed.

import type { BaselineJudgement } from './judge.js';
import { TODO_REASON } from './update.js';

const VERDICT_TEXT: Record<BaselineJudgement['ci_verdict'], string> = {
  accepted: 'every failure is baselined',
  'new-failures': 'failures outside the baseline',
  stale: 'stale entries (their failures pass now)',
};

export function renderJudgement(j: BaselineJudgement): string {
  const lines = [`baseline ${j.file}: ${VERDICT_TEXT[j.ci_verdict]} · ${j.baselined.length} baselined, ${j.new_failures.length} new, ${j.stale.length} stale (the conformance verdict is unchanged)`];
  for (const f of j.new_failures) lines.push(`  NEW    ${f.requirement}${f.checks.length > 0 ? ` (${f.checks.join(', ')})` : ''}: ${f.finding}`);
  for (const s of j.stale) {
    const where = s.line === undefined ? j.file : `${j.file}:${s.line}`;
    lines.push(`  STALE  ${s.id} passes now: remove it from ${where} (or run with --update-baseline)${j.allow_stale ? ' [--allow-stale]' : ''}`);
  }
  for (const f of j.baselined) lines.push(`  known  ${f.requirement}: ${f.reason}${f.issue ? ` (${f.issue})` : ''}`);
  if (j.intermittent_passing.length > 0) lines.push(`  intermittent entries that passed this time: ${j.intermittent_passing.join(', ')}`);
  if (j.updated) {
    const { added, removed } = j.updated;
    lines.push(`  updated ${j.file}: ${added.length} added, ${removed.length} removed`);
    if (added.length > 0) lines.push(`  added with "reason: ${TODO_REASON}" — write the real reason: ${added.join(', ')}`);
    if (removed.length > 0) lines.push(`  removed stale: ${removed.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
