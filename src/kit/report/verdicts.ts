// From check outcomes to requirement verdicts to a conformance-level verdict. The policy
// (documented for vendors in docs/adapter.md):
//   requirement: each check counts with its outcome for that requirement (a failure is charged
//     to the requirements it is about; CheckRecord.by_requirement), then: fail if any failed;
//     else error if any errored; else blocked if any was blocked; else pass if any passed
//     (skipped checks are ignored); else inconclusive when the checks that ran graded nothing
//     (no conclusive evidence: the requirement is not met); else skipped when every check was
//     skipped; untested when no check grades it.
//   core: every core MUST requirement passes. A core MUST requirement whose capability is not
//     claimed is a failure: core conformance requires that capability.
//   full: core, plus every MUST requirement whose capabilities are claimed passes.
//   SHOULD/MAY failures are warnings and never change a level verdict. Untested requirements
//   and ones whose checks were all skipped are listed as ungraded, not counted.
//   An interrupted run is never conformant at any level: what did not run is inconclusive.

import type { Capabilities } from '../../adapter/contract.js';
import type { Catalogue, Requirement } from '../catalogue.js';
import type { Need } from '../check.js';
import { unclaimed } from '../needs.js';
import type { CheckRecord } from '../runner.js';
import type { ConformanceLevel } from '../select.js';

export const REQUIREMENT_VERDICTS = ['pass', 'fail', 'error', 'blocked', 'inconclusive', 'skipped', 'untested'] as const;
export type RequirementVerdictValue = (typeof REQUIREMENT_VERDICTS)[number];

export interface RequirementVerdict {
  id: string;
  level: Requirement['level'];
  area: Requirement['area'];
  core: boolean;
  rule: string;
  /** Where the rule comes from (seed or digest section). */
  source: string;
  needs: Need[];
  verdict: RequirementVerdictValue;
  /** Checks that grade it in this run. */
  checks: string[];
}

export type LevelVerdictValue = 'conformant' | 'non-conformant' | 'inconclusive';

export interface LevelFinding {
  requirement: string;
  reason: string;
}

export interface LevelVerdict {
  level: ConformanceLevel;
  verdict: LevelVerdictValue;
  /** True when --only narrowed the run: the verdict covers only the requirements in scope. */
  partial: boolean;
  failures: LevelFinding[];
  inconclusive: LevelFinding[];
  /** SHOULD/MAY requirements that failed or errored. */
  warnings: LevelFinding[];
  /** Requirements of the level that no check graded (untested or all checks skipped). */
  ungraded: string[];
}

/** Worst first: the first outcome present among a requirement's graded checks decides. */
const PRECEDENCE: ReadonlyArray<[CheckRecord['outcome'], RequirementVerdictValue]> = [
  ['fail', 'fail'],
  ['error', 'error'],
  ['blocked', 'blocked'],
  ['pass', 'pass'],
  // Checks that graded nothing count only when nothing else did: no conclusive evidence, not met.
  ['inconclusive', 'inconclusive'],
];

/** A check's outcome for one of its requirements: its charge when it has one, else its own outcome. */
export function outcomeFor(record: Pick<CheckRecord, 'outcome' | 'by_requirement'>, requirement: string): CheckRecord['outcome'] {
  return record.by_requirement?.[requirement] ?? record.outcome;
}

export function requirementVerdict(records: readonly CheckRecord[], requirement?: string): RequirementVerdictValue {
  if (records.length === 0) return 'untested';
  const outcomes = records.map((r) => (requirement === undefined ? r.outcome : outcomeFor(r, requirement)));
  for (const [outcome, verdict] of PRECEDENCE) if (outcomes.includes(outcome)) return verdict;
  return 'skipped';
}

export function requirementVerdicts(catalogue: Catalogue, scope: readonly string[], records: readonly CheckRecord[]): RequirementVerdict[] {
  return scope.map((id) => {
    const req = catalogue.byId.get(id)!;
    const graded = records.filter((r) => r.requirements.includes(id));
    return {
      id,
      level: req.level,
      area: req.area,
      core: req.core,
      rule: req.rule,
      source: req.source,
      needs: [...req.needs],
      verdict: requirementVerdict(graded, id),
      checks: graded.map((r) => r.id),
    };
  });
}

const VERDICT_REASON: Partial<Record<RequirementVerdictValue, string>> = {
  fail: 'a check found the rule broken',
  error: 'a check ended in an adapter or harness error',
  blocked: 'a check could not run because a prerequisite did not pass',
  inconclusive: 'no check graded it: every check that ran found nothing to grade',
};

/** The levels a run can judge: a core run cannot say anything about full. */
export function levelsFor(level: ConformanceLevel): ConformanceLevel[] {
  return level === 'core' ? ['core'] : ['core', 'full'];
}

/** An interrupted run: its name ("SIGINT") and the requirements checks that did not finish grade. */
export interface LevelInterruption {
  signal: string;
  requirements: ReadonlySet<string>;
}

export function levelVerdict(level: ConformanceLevel, verdicts: readonly RequirementVerdict[], caps: Capabilities, partial: boolean, interrupted?: LevelInterruption): LevelVerdict {
  const failures: LevelFinding[] = [];
  const inconclusive: LevelFinding[] = [];
  const warnings: LevelFinding[] = [];
  const ungraded: string[] = [];

  for (const v of verdicts) {
    if (v.level !== 'MUST') {
      if ((v.core || level === 'full') && (v.verdict === 'fail' || v.verdict === 'error')) {
        warnings.push({ requirement: v.id, reason: `${v.level} requirement: ${VERDICT_REASON[v.verdict]}` });
      }
      continue;
    }
    const missing = unclaimed(v.needs, caps);
    if (missing.length > 0) {
      if (v.core) failures.push({ requirement: v.id, reason: `needs ${missing.join(', ')}, which the adapter does not claim; core conformance requires it` });
      continue;
    }
    if (!v.core && level === 'core') continue;
    if (v.verdict === 'fail') failures.push({ requirement: v.id, reason: VERDICT_REASON.fail! });
    else if (interrupted?.requirements.has(v.id)) inconclusive.push({ requirement: v.id, reason: `not fully graded: the run was interrupted (${interrupted.signal}) before its checks finished` });
    else if (v.verdict === 'error' || v.verdict === 'blocked' || v.verdict === 'inconclusive') inconclusive.push({ requirement: v.id, reason: VERDICT_REASON[v.verdict]! });
    else if (v.verdict === 'untested' || v.verdict === 'skipped') ungraded.push(v.id);
  }
  // An interrupted run never says conformant, even when the checks it cut off graded nothing of this level.
  const verdict: LevelVerdictValue = failures.length > 0 ? 'non-conformant' : inconclusive.length > 0 || interrupted !== undefined ? 'inconclusive' : 'conformant';
  return { level, verdict, partial, failures, inconclusive, warnings, ungraded };
}
