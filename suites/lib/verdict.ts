// How a suite check turns what it saw into one CheckResult. A check's body returns the rule
// violations it found (each naming its requirement, what was expected, what was seen and the
// fewest events that show it); no violation is a pass. A check that cannot go on because the
// runtime refused something it needed throws `Stop` with that violation. Adapter faults are
// left to propagate: the runner turns them into `error`.

import type { Check, CheckContext, CheckResult, Need } from '../../src/kit/check.js';
import { evidence } from '../../src/kit/flows/failure.js';
import type { BusEvent } from '../../src/mplp/types.js';

export interface Violation {
  /** Requirement id from suites/requirements.yaml the runtime broke. */
  requirement: string;
  /** One sentence: what happened, for a vendor. */
  message: string;
  expected?: unknown;
  seen?: unknown;
  events?: BusEvent[];
}

export interface Findings {
  violations: Violation[];
  /** What was shown when nothing broke (the pass message). */
  summary: string;
  evidence?: Record<string, unknown>;
  /** How many cases the check graded, when it counts them: 0 ends `inconclusive`, never `pass`. */
  graded?: number;
}

/**
 * The runtime refused or broke something the check needs to go on. With `requirement` R (the
 * rule the runtime broke): the check fails on R when R is one of its own requirements, and
 * ends `blocked` by R otherwise — the root cause is graded by R's own checks. Without one the
 * check fails on its first requirement.
 */
export class Stop extends Error {
  override name = 'Stop';
  constructor(readonly violation: Omit<Violation, 'requirement'> & { requirement?: string }) {
    super(violation.message);
  }
}

export interface CheckDefinition {
  id: string;
  title: string;
  requirements: string[];
  needs?: Need[];
  /** Cases drawn from the run's seed (see Check.generated). */
  generated?: boolean;
  run(ctx: CheckContext): Promise<Findings>;
}

/** Most violations listed in a result's evidence (the count is always given). */
export const MAX_LISTED_VIOLATIONS = 25;

function label(v: Violation): string {
  return `${v.requirement}: ${v.message}`;
}

/**
 * Each requirement's outcome: failed where a violation names it, else `unbroken` (pass when
 * the check graded everything, blocked when a Stop cut it short).
 */
function charges(requirements: readonly string[], violations: readonly Violation[], unbroken: 'pass' | 'blocked'): Record<string, 'fail' | 'pass' | 'blocked'> {
  const broken = new Set(violations.map((v) => v.requirement));
  return Object.fromEntries(requirements.map((id) => [id, broken.has(id) ? 'fail' : unbroken]));
}

/** The CheckResult for a list of violations (empty = pass), charging each to its requirement. */
export function resultOf(findings: Findings, requirements: readonly string[] = [], stopped = false): CheckResult {
  const [first, ...rest] = findings.violations;
  if (!first && findings.graded === 0) {
    return { outcome: 'inconclusive', message: `graded nothing: ${findings.summary}`, ...(findings.evidence ? { evidence: findings.evidence } : {}) };
  }
  if (!first) return { outcome: 'pass', message: findings.summary, ...(findings.evidence ? { evidence: findings.evidence } : {}) };
  return {
    outcome: 'fail',
    byRequirement: charges(requirements, findings.violations, stopped ? 'blocked' : 'pass'),
    message: `${label(first)}${rest.length > 0 ? ` (and ${rest.length} more violation(s))` : ''}`,
    ...(first.expected !== undefined ? { expected: first.expected } : {}),
    ...(first.seen !== undefined ? { seen: first.seen } : {}),
    ...(first.events && first.events.length > 0 ? { events: evidence(first.events) } : {}),
    evidence: {
      ...findings.evidence,
      violation_count: findings.violations.length,
      violations: findings.violations.slice(0, MAX_LISTED_VIOLATIONS).map(({ events: _events, ...v }) => v),
    },
  };
}

/** A Check whose body reports violations; `Stop` ends it `fail` naming the check's first requirement by default. */
export function defineCheck(def: CheckDefinition): Check {
  return {
    id: def.id,
    title: def.title,
    requirements: [...def.requirements],
    ...(def.needs ? { needs: [...def.needs] } : {}),
    ...(def.generated ? { generated: true } : {}),
    async run(ctx) {
      try {
        return resultOf(await def.run(ctx), def.requirements);
      } catch (e) {
        if (!(e instanceof Stop)) throw e;
        const cause = e.violation.requirement;
        if (cause !== undefined && !def.requirements.includes(cause)) return blockedBy(cause, e.violation, def.requirements);
        return resultOf({ violations: [{ requirement: def.requirements[0]!, ...e.violation, ...(cause ? { requirement: cause } : {}) }], summary: '' }, def.requirements, true);
      }
    },
  };
}

/** A check held up by a broken rule of another requirement: blocked, pointing at that requirement. */
function blockedBy(requirement: string, v: Stop['violation'], requirements: readonly string[]): CheckResult {
  return {
    outcome: 'blocked',
    message: `blocked by ${requirement}: ${v.message.replace(/, which this check needs$/, '')}; this check's own requirements were not reached`,
    blockedBy: { requirement },
    byRequirement: Object.fromEntries(requirements.map((id) => [id, 'blocked'])),
    ...(v.expected !== undefined ? { expected: v.expected } : {}),
    ...(v.seen !== undefined ? { seen: v.seen } : {}),
    ...(v.events && v.events.length > 0 ? { events: evidence(v.events) } : {}),
  };
}

/** Findings with a pass summary: `violations` may be empty. `graded` counts what was graded
 *  (transitions answered, events compared, actions run): 0 makes the check inconclusive. */
export function findings(violations: Violation[], summary: string, extra?: Record<string, unknown>, graded?: number): Findings {
  return { violations, summary, ...(extra ? { evidence: extra } : {}), ...(graded === undefined ? {} : { graded }) };
}
