// The numbers both summaries print: per area, how requirements and checks ended; and the
// non-passing checks a vendor has to look at, worst first.

import type { CheckRecord } from '../runner.js';
import type { Report } from './build.js';
import { outcomeFor, REQUIREMENT_VERDICTS, type RequirementVerdictValue } from './verdicts.js';

export interface AreaRow {
  area: string;
  requirements: Record<RequirementVerdictValue, number>;
  /** Checks grading at least one requirement of the area. */
  checks: number;
}

const VERDICTS: readonly RequirementVerdictValue[] = REQUIREMENT_VERDICTS;

export function areaRows(report: Report): AreaRow[] {
  const areas = [...new Set(report.requirements.map((r) => r.area))];
  return areas.map((area) => {
    const reqs = report.requirements.filter((r) => r.area === area);
    const requirements = Object.fromEntries(VERDICTS.map((v) => [v, reqs.filter((r) => r.verdict === v).length])) as AreaRow['requirements'];
    const ids = new Set(reqs.map((r) => r.id));
    return { area, requirements, checks: report.checks.filter((c) => c.requirements.some((id) => ids.has(id))).length };
  });
}

/** "12 pass, 1 fail" — only the non-zero counts. */
export function countsText(counts: Record<string, number>): string {
  const parts = Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

const SEVERITY: Record<CheckRecord['outcome'], number> = { fail: 0, error: 1, blocked: 2, inconclusive: 3, skipped: 4, pass: 5 };

/** A check that broke a rule (or errored), with the checks it held up. */
export interface RootCause {
  check: CheckRecord;
  /** The requirements it failed (its charges). */
  requirements: string[];
  /** Blocked checks whose blocked_by names one of those requirements. */
  knockOn: CheckRecord[];
}

export interface CauseTree {
  causes: RootCause[];
  /** Blocked checks whose blocking requirement no check of this run failed (outside the selection, or an untested rule). */
  unexplained: CheckRecord[];
}

/** The requirements a check failed: its charges, else all of them. */
export function failedRequirementsOf(c: CheckRecord): string[] {
  return c.requirements.filter((id) => outcomeFor(c, id) === 'fail');
}

/**
 * Root causes first: every failed or errored check, with the blocked checks its broken rules
 * held up folded under it — the most consequential first, then as problemChecks orders them.
 */
export function causeTree(report: Pick<Report, 'checks'>): CauseTree {
  const problems = problemChecks(report);
  const blocked = report.checks.filter((c) => c.outcome === 'blocked' && c.blocked_by);
  const claimed = new Set<string>();
  const causes = problems.map((check): RootCause => {
    const requirements = failedRequirementsOf(check);
    // Each blocked check folds under the first cause that explains it.
    const knockOn = blocked.filter((b) => !claimed.has(b.id) && requirements.includes(b.blocked_by!.requirement));
    for (const k of knockOn) claimed.add(k.id);
    return { check, requirements, knockOn };
  });
  causes.sort((a, b) => b.knockOn.length - a.knockOn.length);
  return { causes, unexplained: blocked.filter((b) => !claimed.has(b.id)) };
}

/** Checks that failed or errored, fails first, then by id. */
export function problemChecks(report: Pick<Report, 'checks'>): CheckRecord[] {
  return report.checks
    .filter((c) => c.outcome === 'fail' || c.outcome === 'error')
    .sort((a, b) => SEVERITY[a.outcome] - SEVERITY[b.outcome] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Compact one-line JSON for expected/seen values. */
export function inline(value: unknown, max = 300): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
