// The kit tests itself: the whole kit runs against the reference adapter (everything must
// pass), against every planted-fault mutant (each must fail, on at least the requirements it
// declares) and against every must-pass variant (each a spec-permitted behaviour the reference
// does not have: it must pass, with no fail and no error). The mutation score is caught /
// total, the fidelity score variants passed / total; MUST requirements no mutant fails are
// "untested teeth".

import type { Adapter } from '../adapter/contract.js';
import type { Catalogue } from './catalogue.js';
import type { Check, Outcome } from './check.js';
import { runConformance } from './conformance.js';
import { unclaimed } from './needs.js';
import type { RunOptions } from './runner.js';

export interface MutantSpec {
  name: string;
  description: string;
  requirements: string[];
  adapter: Adapter;
}

/** A spec-permitted variant of the reference: the kit must grade it without a fail or an error. */
export interface VariantSpec {
  name: string;
  description: string;
  adapter: Adapter;
}

export interface VariantVerdict {
  name: string;
  description: string;
  /** Checks that ended fail or error: each is a false failure of the kit. */
  problems: { check: string; outcome: Outcome; message: string }[];
  passed: boolean;
}

export interface MutantVerdict {
  name: string;
  description: string;
  declared: string[];
  /** Requirements whose verdict was fail for this mutant. */
  failed: string[];
  /** Declared requirements the kit did not fail. */
  missed: string[];
  /** Checks that ended `error` (a mutant should fail checks, not break the harness). */
  errors: string[];
  /** Every check's outcome, by check id. */
  outcomes: Record<string, Outcome>;
  caught: boolean;
}

export interface SelfcheckResult {
  /** Checks that did not pass against the reference (must be empty). */
  referenceProblems: { check: string; outcome: string; message: string }[];
  mutants: MutantVerdict[];
  caught: number;
  total: number;
  variants: VariantVerdict[];
  variantsPassed: number;
  /** MUST requirements, within what the reference claims, that no mutant fails. */
  untestedTeeth: string[];
  /** MUST requirements needing capabilities the reference does not claim (no mutant can fail them yet). */
  unclaimedByReference: string[];
}

export interface SelfcheckInput {
  reference: Adapter;
  mutants: readonly MutantSpec[];
  variants?: readonly VariantSpec[];
  checks: readonly Check[];
  catalogue: Catalogue;
  options: RunOptions;
  /** The checks a mutant runs (default: all of `checks`). A narrower set answers "is it caught"
   *  sooner; `failed` and `untestedTeeth` then cover those checks only. */
  checksFor?(mutant: MutantSpec): readonly Check[];
  onMutant?(verdict: MutantVerdict): void;
  onVariant?(verdict: VariantVerdict): void;
}

async function failedRequirements(adapter: Adapter, input: SelfcheckInput, checks: readonly Check[] = input.checks) {
  const description = await adapter.describe();
  const { run, report } = await runConformance({ target: { adapter, description }, checks, catalogue: input.catalogue, options: input.options });
  const failed = report.requirements.filter((r) => r.verdict === 'fail').map((r) => r.id);
  return { run, failed };
}

export async function selfcheck(input: SelfcheckInput): Promise<SelfcheckResult> {
  const reference = await failedRequirements(input.reference, input);
  const referenceProblems = reference.run.records
    .filter((r) => r.outcome !== 'pass' && r.outcome !== 'skipped')
    .map((r) => ({ check: r.id, outcome: r.outcome, message: r.message }));

  const mutants: MutantVerdict[] = [];
  for (const m of input.mutants) {
    const { run, failed } = await failedRequirements(m.adapter, input, input.checksFor?.(m));
    const missed = m.requirements.filter((id) => !failed.includes(id));
    const verdict: MutantVerdict = {
      name: m.name,
      description: m.description,
      declared: m.requirements,
      failed,
      missed,
      errors: run.records.filter((r) => r.outcome === 'error').map((r) => r.id),
      outcomes: Object.fromEntries(run.records.map((r) => [r.id, r.outcome])),
      caught: failed.length > 0 && missed.length === 0,
    };
    input.onMutant?.(verdict);
    mutants.push(verdict);
  }
  const variants: VariantVerdict[] = [];
  for (const v of input.variants ?? []) {
    const { run } = await failedRequirements(v.adapter, input);
    const problems = run.records.filter((r) => r.outcome === 'fail' || r.outcome === 'error').map((r) => ({ check: r.id, outcome: r.outcome, message: r.message }));
    const verdict: VariantVerdict = { name: v.name, description: v.description, problems, passed: problems.length === 0 };
    input.onVariant?.(verdict);
    variants.push(verdict);
  }
  const failedByAny = new Set(mutants.flatMap((m) => m.failed));
  const caps = (await input.reference.describe()).capabilities;
  const must = input.catalogue.requirements.filter((r) => r.level === 'MUST');
  const unclaimedByReference = must.filter((r) => unclaimed(r.needs, caps).length > 0).map((r) => r.id);
  const untestedTeeth = must.filter((r) => !failedByAny.has(r.id) && !unclaimedByReference.includes(r.id)).map((r) => r.id);
  return {
    referenceProblems,
    mutants,
    caught: mutants.filter((m) => m.caught).length,
    total: mutants.length,
    variants,
    variantsPassed: variants.filter((v) => v.passed).length,
    untestedTeeth,
    unclaimedByReference,
  };
}

/** The score table people read. */
export function renderSelfcheck(result: SelfcheckResult): string {
  const lines = [`mutants caught: ${result.caught}/${result.total}`, `variants passed: ${result.variantsPassed}/${result.variants.length}`, ''];
  const width = Math.max(...result.mutants.map((m) => m.name.length), ...result.variants.map((v) => v.name.length), 6);
  for (const m of result.mutants) {
    const mark = m.caught ? 'caught' : 'MISSED';
    const detail = m.caught ? m.declared.join(', ') : `missed ${m.missed.join(', ') || '(no requirement failed)'}`;
    lines.push(`  ${mark}  ${m.name.padEnd(width)}  ${detail}`);
  }
  if (result.variants.length > 0) lines.push('');
  for (const v of result.variants) {
    lines.push(`  ${v.passed ? 'passed' : 'FAILED'}  ${v.name.padEnd(width)}  ${v.passed ? v.description : `${v.problems.length} false failure(s)`}`);
    for (const p of v.problems) lines.push(`            ${p.outcome} ${p.check}: ${p.message}`);
  }
  lines.push('');
  lines.push(result.referenceProblems.length === 0 ? 'reference runtime: every check passes' : `reference runtime: ${result.referenceProblems.length} check(s) did not pass`);
  for (const p of result.referenceProblems) lines.push(`  ${p.outcome}  ${p.check}: ${p.message}`);
  lines.push(result.untestedTeeth.length === 0 ? 'untested teeth: none (every MUST requirement the reference claims is failed by some mutant)' : `untested teeth (MUST requirements no mutant fails): ${result.untestedTeeth.join(', ')}`);
  if (result.unclaimedByReference.length > 0) lines.push(`not claimed by the reference, so not mutated yet: ${result.unclaimedByReference.join(', ')}`);
  return lines.join('\n');
}
