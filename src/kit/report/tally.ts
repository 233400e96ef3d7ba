// The numbers both summaries print: per area, how requirements and checks ended; and the
// non-passing checks a vendor has to look at, worst first.

import type { CheckRecord } from '../runner.js';
import type { Report } from './build.js';
import type { RequirementVerdictValue } from './verdicts.js';

export interface AreaRow {
  area: string;
  requirements: Record<RequirementVerdictValue, number>;
  /** Checks grading at least one requirement of the area. */
  checks: number;
}

const VERDICTS: readonly RequirementVerdictValue[] = ['pass', 'fail', 'error', 'blocked', 'skipped', 'untested'];

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

const SEVERITY: Record<CheckRecord['outcome'], number> = { fail: 0, error: 1, blocked: 2, skipped: 3, pass: 4 };

/** Checks that failed or errored, fails first, then by id. */
export function problemChecks(report: Report): CheckRecord[] {
  return report.checks
    .filter((c) => c.outcome === 'fail' || c.outcome === 'error')
    .sort((a, b) => SEVERITY[a.outcome] - SEVERITY[b.outcome] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Compact one-line JSON for expected/seen values. */
export function inline(value: unknown, max = 300): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
