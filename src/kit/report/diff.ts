// Two report.json files compared: checks newly failing and newly passing, checks failing in
// both whose evidence changed, requirement and level verdicts that moved, and whether the
// verdict hash changed. A regression is anything that got worse; a check or requirement that
// graded nothing before (inconclusive) and fails now was never passing: newly graded, not a
// regression.

import type { Outcome } from '../check.js';
import type { Report } from './build.js';
import { canonicalJson } from './hash.js';

export type DiffInput = Pick<Report, 'run_id' | 'adapter' | 'levels' | 'requirements' | 'checks' | 'verdict_hash'>;

type Presence<T> = T | 'absent';

export interface OutcomeChange {
  id: string;
  from: Presence<Outcome>;
  to: Presence<Outcome>;
}

export interface ReportDiff {
  old: { run_id: string; verdict_hash: string };
  new: { run_id: string; verdict_hash: string };
  hash_changed: boolean;
  /** Checks that end fail/error now and did not before (including checks new in this report). */
  newly_failing: OutcomeChange[];
  /** Checks that graded nothing before (inconclusive) and fail or error now: no regression. */
  newly_graded_failing: OutcomeChange[];
  /** Checks that pass now and did not before. */
  newly_passing: OutcomeChange[];
  /** Every other outcome change (fail ↔ error, pass → skipped, checks that disappeared...). */
  other_changes: OutcomeChange[];
  /** Checks with the same non-pass outcome whose message, expected or seen changed. */
  evidence_changed: { id: string; fields: string[] }[];
  requirements: { id: string; from: Presence<string>; to: Presence<string> }[];
  levels: { level: string; from: Presence<string>; to: Presence<string> }[];
  regression: boolean;
}

const FAILING = new Set<string>(['fail', 'error']);
const LEVEL_RANK: Record<string, number> = { conformant: 0, inconclusive: 1, 'non-conformant': 2 };
const EVIDENCE_FIELDS = ['message', 'expected', 'seen'] as const;

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((x) => [x.id, x]));
}

function union(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort();
}

export function diffReports(oldReport: DiffInput, newReport: DiffInput): ReportDiff {
  const [oldChecks, newChecks] = [byId(oldReport.checks), byId(newReport.checks)];
  const diff: ReportDiff = {
    old: { run_id: oldReport.run_id, verdict_hash: oldReport.verdict_hash },
    new: { run_id: newReport.run_id, verdict_hash: newReport.verdict_hash },
    hash_changed: oldReport.verdict_hash !== newReport.verdict_hash,
    newly_failing: [],
    newly_graded_failing: [],
    newly_passing: [],
    other_changes: [],
    evidence_changed: [],
    requirements: [],
    levels: [],
    regression: false,
  };
  for (const id of union(oldChecks.keys(), newChecks.keys())) {
    const [before, after] = [oldChecks.get(id), newChecks.get(id)];
    const change: OutcomeChange = { id, from: before?.outcome ?? 'absent', to: after?.outcome ?? 'absent' };
    if (change.from === change.to) {
      const fields = EVIDENCE_FIELDS.filter((f) => change.to !== 'pass' && canonicalJson(before![f]) !== canonicalJson(after![f]));
      if (fields.length > 0) diff.evidence_changed.push({ id, fields });
    } else if (FAILING.has(change.to) && change.from === 'inconclusive') diff.newly_graded_failing.push(change);
    else if (FAILING.has(change.to) && !FAILING.has(change.from)) diff.newly_failing.push(change);
    else if (change.to === 'pass') diff.newly_passing.push(change);
    else diff.other_changes.push(change);
  }

  const [oldReqs, newReqs] = [byId(oldReport.requirements), byId(newReport.requirements)];
  for (const id of union(oldReqs.keys(), newReqs.keys())) {
    const [from, to] = [oldReqs.get(id)?.verdict ?? 'absent', newReqs.get(id)?.verdict ?? 'absent'];
    if (from !== to) diff.requirements.push({ id, from, to });
  }
  const levelOf = (r: DiffInput, level: string) => r.levels.find((l) => l.level === level)?.verdict ?? 'absent';
  for (const level of union(oldReport.levels.map((l) => l.level), newReport.levels.map((l) => l.level))) {
    const [from, to] = [levelOf(oldReport, level), levelOf(newReport, level)];
    if (from !== to) diff.levels.push({ level, from, to });
  }

  diff.regression =
    diff.newly_failing.length > 0 ||
    diff.requirements.some((r) => FAILING.has(r.to) && !FAILING.has(r.from) && r.from !== 'inconclusive') ||
    diff.levels.some((l) => l.from !== 'absent' && l.to !== 'absent' && l.from !== 'inconclusive' && LEVEL_RANK[l.to]! > LEVEL_RANK[l.from]!);
  return diff;
}

export function renderDiff(diff: ReportDiff, newReport: DiffInput): string {
  const out: string[] = [`${diff.old.run_id} → ${diff.new.run_id} (${newReport.adapter.name} ${newReport.adapter.version})`];
  out.push(diff.hash_changed ? `verdict hash changed: ${diff.old.verdict_hash.slice(0, 12)} → ${diff.new.verdict_hash.slice(0, 12)}` : `verdict hash unchanged (${diff.new.verdict_hash.slice(0, 12)})`);
  for (const l of diff.levels) out.push(`level ${l.level}: ${l.from} → ${l.to}`);
  const section = (title: string, lines: string[]) => {
    if (lines.length > 0) out.push('', `${title} (${lines.length}):`, ...lines.map((l) => `  ${l}`));
  };
  const messageOf = (id: string) => {
    const m = newReport.checks.find((c) => c.id === id)?.message ?? '';
    return m.length > 160 ? ` — ${m.slice(0, 160)}…` : m ? ` — ${m}` : '';
  };
  section('newly failing', diff.newly_failing.map((c) => `${c.id}: ${c.from} → ${c.to}${messageOf(c.id)}`));
  section('graded for the first time, failing (inconclusive before: no regression)', diff.newly_graded_failing.map((c) => `${c.id}: ${c.from} → ${c.to}${messageOf(c.id)}`));
  section('newly passing', diff.newly_passing.map((c) => `${c.id}: ${c.from} → ${c.to}`));
  section('other outcome changes', diff.other_changes.map((c) => `${c.id}: ${c.from} → ${c.to}`));
  section('changed evidence', diff.evidence_changed.map((e) => `${e.id}: ${e.fields.join(', ')} changed`));
  section('requirement verdicts', diff.requirements.map((r) => `${r.id}: ${r.from} → ${r.to}`));
  out.push('', diff.regression ? 'REGRESSION: something that passed before does not now.' : 'no regression.');
  return `${out.join('\n')}\n`;
}
