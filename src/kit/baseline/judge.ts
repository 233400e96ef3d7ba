// The CI verdict of a run against a baseline. It never touches the conformance verdict: a
// baselined failure is still a failure in the report; the baseline only decides whether CI
// should go red. The units are the requirements that fail the requested level.
//   - a failure is baselined when its requirement id is listed, or every failing check that
//     grades it is listed by check id;
//   - an entry is stale when what it names passed in this run (never for intermittent ones);
//     entries about requirements or checks outside this run's scope are not judged.

import { outcomeFor } from '../report/verdicts.js';
import type { Report } from '../report/build.js';
import type { Baseline, BaselineEntry } from './load.js';

export interface BaselinedFailure {
  requirement: string;
  /** Failing checks that grade it (empty when it fails for an unclaimed capability). */
  checks: string[];
  /** The entries that cover it. */
  entries: string[];
  reason: string;
  issue?: string;
}

export interface NewFailure {
  requirement: string;
  checks: string[];
  /** Why the level verdict counts it (from the level findings). */
  finding: string;
}

export interface StaleEntry {
  id: string;
  line?: number;
}

export type CiVerdict = 'accepted' | 'new-failures' | 'stale';

/** Recorded in report.json as `baseline`, apart from the conformance verdict. */
export interface BaselineJudgement {
  file: string;
  /** accepted: no failure outside the baseline and no stale entry (or --allow-stale). */
  ci_verdict: CiVerdict;
  allow_stale: boolean;
  baselined: BaselinedFailure[];
  new_failures: NewFailure[];
  stale: StaleEntry[];
  /** Intermittent entries whose failure did not show up this time. */
  intermittent_passing: string[];
  /** Set when --update-baseline rewrote the file. */
  updated?: { added: string[]; removed: string[] };
}

/** A report with the CI verdict of --baseline attached (report.json's optional `baseline`). */
export type JudgedReport = Report & { baseline?: BaselineJudgement };

type ReportView = Pick<Report, 'verdict' | 'requirements' | 'checks'>;

export function judgeBaseline(report: ReportView, baseline: Baseline, allowStale: boolean): BaselineJudgement {
  const entryOf = new Map(baseline.entries.map((e) => [e.id, e]));
  const baselined: BaselinedFailure[] = [];
  const newFailures: NewFailure[] = [];
  for (const finding of report.verdict.failures) {
    const checks = report.checks.filter((c) => c.requirements.includes(finding.requirement) && outcomeFor(c, finding.requirement) === 'fail').map((c) => c.id);
    const covering = coveringEntries(finding.requirement, checks, entryOf);
    if (covering.length > 0) baselined.push(describeCovered(finding.requirement, checks, covering));
    else newFailures.push({ requirement: finding.requirement, checks: checks.filter((id) => !entryOf.has(id)), finding: finding.reason });
  }

  const passed = (entry: BaselineEntry): boolean =>
    entry.kind === 'requirement'
      ? report.requirements.find((r) => r.id === entry.id)?.verdict === 'pass'
      : report.checks.find((c) => c.id === entry.id)?.outcome === 'pass';
  const stale = baseline.entries.filter((e) => !e.intermittent && passed(e)).map((e) => (e.line === undefined ? { id: e.id } : { id: e.id, line: e.line }));
  const intermittentPassing = baseline.entries.filter((e) => e.intermittent && passed(e)).map((e) => e.id);

  const ciVerdict: CiVerdict = newFailures.length > 0 ? 'new-failures' : stale.length > 0 && !allowStale ? 'stale' : 'accepted';
  return { file: baseline.file, ci_verdict: ciVerdict, allow_stale: allowStale, baselined, new_failures: newFailures, stale, intermittent_passing: intermittentPassing };
}

/** The requirement's own entry, else the check entries when they cover every failing check. */
function coveringEntries(requirement: string, failingChecks: string[], entryOf: ReadonlyMap<string, BaselineEntry>): BaselineEntry[] {
  const own = entryOf.get(requirement);
  if (own) return [own];
  const byCheck = failingChecks.map((id) => entryOf.get(id));
  return byCheck.length > 0 && byCheck.every((e) => e !== undefined) ? (byCheck as BaselineEntry[]) : [];
}

function describeCovered(requirement: string, checks: string[], covering: BaselineEntry[]): BaselinedFailure {
  const issues = [...new Set(covering.flatMap((e) => (e.issue ? [e.issue] : [])))];
  return {
    requirement,
    checks,
    entries: covering.map((e) => e.id),
    reason: [...new Set(covering.map((e) => e.reason))].join('; '),
    ...(issues.length > 0 ? { issue: issues.join(', ') } : {}),
  };
}
