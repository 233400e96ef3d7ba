// A property check: fast-check generates cases (golden flows) from the run's seed, each runs
// against the adapter in a fresh session, and a failing case is shrunk, run once more for
// its evidence and written out as a standalone golden-flow file. The result names the seed
// and fast-check path, the shrunk case's size and the file to replay.
//
// The run's `--cases` (ctx.propertyCases) sets the cases per property, else the property's
// own default; counterexamples go to ctx.counterexampleDir (reports/<run-id>/counterexamples
// in a CLI run), else to a temp folder per seed.

import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import type { Check, CheckContext, CheckResult, Need } from '../kit/check.js';
import type { CaseEnv, CaseOwner, GeneratedCase } from './case.js';
import type { PropertyCases } from './cases/cases.js';
import { defaultCounterexampleDir, writeCounterexample } from './counterexample.js';
import { runCase } from './run-case.js';

/** Cases per property when the kit does not say. */
export const DEFAULT_PROPERTY_CASES = 30;

/**
 * How long shrinking may go on after the first failing case. A resource bound of the
 * harness, not a verdict: a runtime that hangs costs a liveness bound per shrink attempt,
 * and the smallest failing case found when the budget runs out is the counterexample.
 */
export const SHRINK_BUDGET_MS = 10_000;

export interface PropertyCheckDefinition<T> {
  id: string;
  title: string;
  requirements: string[];
  needs?: Need[];
  cases: PropertyCases<T>;
  /** Cases unless the run says otherwise (default DEFAULT_PROPERTY_CASES). */
  numRuns?: number;
}

export function caseEnv(ctx: CheckContext): CaseEnv {
  const c = ctx.adapter.capabilities;
  return { maxConcurrency: ctx.maxConcurrency, profiles: [...c.profiles], pauseResume: c.pauseResume, approval: c.approval };
}

/** Cases for one property: the run's setting, else the property's own default. */
export function propertyCases(ctx: CheckContext, fallback = DEFAULT_PROPERTY_CASES): number {
  const cases = ctx.propertyCases;
  return typeof cases === 'number' && Number.isInteger(cases) && cases > 0 ? cases : fallback;
}

function counterexampleDir(ctx: CheckContext): string {
  return ctx.counterexampleDir ?? defaultCounterexampleDir(ctx.seed);
}

type CaseVerdict = { kind: 'pass' } | { kind: 'skipped' } | { kind: 'ungraded'; result: CheckResult } | { kind: 'fail'; result: CheckResult } | { kind: 'stop'; result: CheckResult };

/** One case; anything but pass/fail/skipped (an adapter fault, a harness error) stops the property. */
async function attempt(c: GeneratedCase, ctx: CheckContext): Promise<CaseVerdict> {
  try {
    const result = await runCase(c, ctx);
    if (result.outcome === 'pass') return { kind: 'pass' };
    if (result.outcome === 'fail') return { kind: 'fail', result };
    if (result.outcome === 'skipped') return { kind: 'skipped' };
    // The case graded nothing (every operation refused) or an unrelated rule broke first.
    if (result.outcome === 'inconclusive' || result.outcome === 'blocked') return { kind: 'ungraded', result };
    return { kind: 'stop', result };
  } catch (e) {
    return { kind: 'stop', result: { outcome: 'error', message: e instanceof Error ? e.message : String(e) } };
  }
}

export async function checkProperty<T>(def: PropertyCheckDefinition<T>, ctx: CheckContext): Promise<CheckResult> {
  const env = caseEnv(ctx);
  const owner: CaseOwner = { checkId: def.id, title: def.title, requirements: def.requirements };
  const { property } = def.cases;
  const unavailable = def.cases.unavailable?.(env);
  if (unavailable) return { outcome: 'skipped', message: `${unavailable}: ${property}` };
  let stopped: CheckResult | undefined;
  let graded = 0;
  let skipped = 0;
  let ungraded: CheckResult | undefined;
  let ungradedCount = 0;
  let firstFailureAt: number | undefined;
  let budgetSpent = false;
  // Sharded run: this shard grades only the generated cases whose index falls to it; the others
  // "pass" untried. Every shard draws the same cases from the seed, so the case a failure first
  // shows on has the same index in every shard and unsharded (src/kit/shard.ts merges by it).
  const shard = ctx.caseShard;
  let generatedCases = 0;
  let firstBadCase: number | undefined;
  // Shrinking always moves to a failing candidate: the last failure seen is the counterexample's.
  let lastFailure: { value: T; result: CheckResult } | undefined;
  const predicate = fc.asyncProperty(def.cases.arbitrary(env), async (value) => {
    if (stopped || ctx.signal.aborted) return true;
    // Once the budget is spent every further shrink candidate "passes": the last failing case stands.
    if (firstFailureAt !== undefined && performance.now() - firstFailureAt > SHRINK_BUDGET_MS) {
      budgetSpent = true;
      return true;
    }
    const caseIndex = firstFailureAt === undefined ? generatedCases++ : undefined;
    if (shard && caseIndex !== undefined && caseIndex % shard.count !== shard.index) return true;
    const verdict = await attempt(def.cases.toCase(value, env, owner), ctx);
    if (caseIndex !== undefined && (verdict.kind === 'stop' || verdict.kind === 'fail')) firstBadCase ??= caseIndex;
    if (verdict.kind === 'stop') stopped = verdict.result;
    else if (verdict.kind === 'skipped') skipped++;
    else if (verdict.kind === 'ungraded') {
      ungradedCount++;
      ungraded = verdict.result;
    } else graded++;
    if (verdict.kind === 'fail') {
      firstFailureAt ??= performance.now();
      lastFailure = { value, result: verdict.result };
    }
    return verdict.kind !== 'fail';
  });
  const control = def.cases.control ? fc.sample(def.cases.control(env), { seed: ctx.seed, numRuns: 1 }) : [];
  const details = await fc.check(predicate, { seed: ctx.seed, numRuns: propertyCases(ctx, def.numRuns), examples: control.map((value) => [value] as [T]) });
  const counts = {
    cases_graded: graded,
    cases_skipped: skipped,
    cases_ungraded: ungradedCount,
    seed: details.seed,
    ...(budgetSpent ? { shrink_budget_spent: 1 } : {}),
    ...(shard ? { case_shard: { index: shard.index + 1, count: shard.count, first_failing_case: firstBadCase ?? null } } : {}),
  };

  if (stopped) {
    return { ...stopped, outcome: 'error', message: `property "${property}" could not be graded: ${stopped.message}`, evidence: { ...stopped.evidence, ...counts } };
  }
  if (!details.failed && graded === 0 && ungraded) {
    return { outcome: 'inconclusive', message: `no generated case could be graded (${ungradedCount}); the last: ${ungraded.message}: ${property}`, evidence: counts };
  }
  if (!details.failed && graded === 0 && skipped > 0) {
    return { outcome: 'skipped', message: `every generated case was skipped (${skipped}): ${property}`, evidence: counts };
  }
  if (!details.failed) {
    return { outcome: 'pass', message: `${graded} generated case(s) held: ${property}`, evidence: { ...counts, runs: details.numRuns } };
  }
  return shrunkFailure(def, ctx, env, owner, details as fc.RunDetailsFailureProperty<[T]>, lastFailure, counts);
}

async function shrunkFailure<T>(
  def: PropertyCheckDefinition<T>,
  ctx: CheckContext,
  env: CaseEnv,
  owner: CaseOwner,
  details: fc.RunDetailsFailureProperty<[T]>,
  last: { value: T; result: CheckResult } | undefined,
  counts: Record<string, unknown>,
): Promise<CheckResult> {
  const c = def.cases.toCase(details.counterexample[0], env, owner);
  // fast-check may hand over a clone (commands are cloned): then the case runs once more for its evidence.
  const again = last?.value === details.counterexample[0] ? undefined : await attempt(c, ctx);
  const result = again === undefined ? last?.result : 'result' in again ? again.result : undefined;
  const origin = { checkId: def.id, property: def.cases.property, seed: details.seed, path: details.counterexamplePath ?? '', shrinks: details.numShrinks };
  let file: string | undefined;
  let writeProblem: string | undefined;
  try {
    file = await writeCounterexample(counterexampleDir(ctx), c, origin);
  } catch (e) {
    writeProblem = e instanceof Error ? e.message : String(e);
  }
  const why = result?.message ?? 'the shrunk case passed when run again: the runtime is not deterministic for this case';
  const where = file ? `; counterexample ${file}` : `; the counterexample could not be written (${writeProblem})`;
  return {
    outcome: 'fail',
    message: `property "${def.cases.property}" broken by a ${c.size.steps}-step, ${c.size.operations}-operation case after ${details.numShrinks} shrink(s): ${why} (fast-check seed ${details.seed}, path "${origin.path}")${where}`,
    ...(result?.expected !== undefined ? { expected: result.expected } : {}),
    ...(result?.seen !== undefined ? { seen: result.seen } : {}),
    ...(result?.events ? { events: result.events } : {}),
    // The counterexample's charges; a requirement it did not reach was graded by the other cases.
    ...(result?.byRequirement ? { byRequirement: Object.fromEntries(Object.entries(result.byRequirement).map(([id, o]) => [id, o === 'blocked' ? 'pass' : o])) } : {}),
    evidence: {
      ...result?.evidence,
      ...counts,
      fast_check: { seed: details.seed, path: origin.path, shrinks: details.numShrinks, runs: details.numRuns },
      case_size: c.size,
      flow_id: c.spec.id,
      ...(file ? { flow_file: file } : {}),
    },
    ...(file ? { counterexample: file } : {}),
  };
}

export function propertyCheck<T>(def: PropertyCheckDefinition<T>): Check {
  return {
    id: def.id,
    title: def.title,
    requirements: [...def.requirements],
    ...(def.needs ? { needs: [...def.needs] } : {}),
    generated: true,
    splitCases: true,
    run: (ctx) => checkProperty(def, ctx),
  };
}
