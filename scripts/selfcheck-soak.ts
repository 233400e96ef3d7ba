// Flakiness soak (issue 6): runs the whole selfcheck — reference, every mutant and every
// must-pass variant (issue 15) — with N different seeds and requires the same verdicts every time:
//   - the reference passes every check on every seed;
//   - every variant (and the all-variants runtime) has no fail and no error on any seed;
//   - every mutant is caught on every seed (its declared requirements fail);
//   - every check whose cases do not come from the seed (not Check.generated) gives each
//     mutant the same outcome on every seed.
// Generated (property) checks draw different cases from different seeds, so against a mutant
// they may find a violation on one seed and none on another; the soak reports how often.
// Usage: npm run selfcheck:soak -- [--seeds 20] [--first-seed 1] [--out share.json]
//        npm run selfcheck:soak -- --merge share-1.json share-2.json   (judge shares run in parallel)

import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { referenceAdapter } from '../src/adapters/reference.js';
import type { Outcome } from '../src/kit/check.js';
import { DEFAULT_RUN_OPTIONS, discoverChecks, loadCatalogue } from '../src/kit/index.js';
import { selfcheck } from '../src/kit/selfcheck.js';
import { FAULTS, mutantAdapter } from '../test/mutants/faults.js';
import { allVariantsAdapter, VARIANTS, variantAdapter } from '../test/variants/variants.js';

/** What one seed gave one mutant. */
interface SeedVerdict {
  seed: number;
  caught: boolean;
  /** Failed requirements (collateral ones included). */
  failed: string[];
  /** Outcomes of the checks that are not generated from the seed. */
  fixed: Record<string, Outcome>;
  /** Generated checks that did not pass. */
  generatedNotPass: string[];
}

interface Share {
  seeds: number[];
  seconds: number;
  referenceFailures: string[];
  /** Variant false failures: `seed N: variant: outcome check: message`. */
  variantFailures?: string[];
  mutants: Record<string, SeedVerdict[]>;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seeds: { type: 'string', default: '20' }, 'first-seed': { type: 'string', default: '1' }, out: { type: 'string' }, merge: { type: 'boolean', default: false } },
});

async function runShare(): Promise<Share> {
  const seeds = Number(values.seeds);
  const first = Number(values['first-seed']);
  const { checks, problems } = await discoverChecks();
  if (problems.length > 0) throw new Error(`check discovery problems: ${JSON.stringify(problems)}`);
  const generated = new Set(checks.filter((c) => c.generated).map((c) => c.id));
  const catalogue = await loadCatalogue();
  const share: Share = { seeds: [], seconds: 0, referenceFailures: [], variantFailures: [], mutants: {} };
  const t0 = performance.now();
  for (let seed = first; seed < first + seeds; seed++) {
    const t = performance.now();
    const result = await selfcheck({
      reference: referenceAdapter,
      mutants: FAULTS.map((f) => ({ ...f, adapter: mutantAdapter(f.name) })),
      variants: [...VARIANTS.map((v) => ({ name: v.name, description: v.description, adapter: variantAdapter(v.name) })), { name: 'all-variants', description: 'every variant at once', adapter: allVariantsAdapter() }],
      checks,
      catalogue,
      options: { ...DEFAULT_RUN_OPTIONS, seed },
    });
    share.seeds.push(seed);
    for (const p of result.referenceProblems) share.referenceFailures.push(`seed ${seed}: ${p.outcome} ${p.check}: ${p.message}`);
    for (const v of result.variants) for (const p of v.problems) share.variantFailures!.push(`seed ${seed}: ${v.name}: ${p.outcome} ${p.check}: ${p.message}`);
    for (const m of result.mutants) {
      const entries = Object.entries(m.outcomes);
      (share.mutants[m.name] ??= []).push({
        seed,
        caught: m.caught,
        failed: m.failed,
        fixed: Object.fromEntries(entries.filter(([id]) => !generated.has(id))),
        generatedNotPass: entries.filter(([id, o]) => generated.has(id) && o !== 'pass' && o !== 'skipped').map(([id, o]) => `${id}:${o}`),
      });
    }
    console.log(`seed ${seed}: ${result.caught}/${result.total} caught, ${result.variantsPassed}/${result.variants.length} variants passed, reference ${result.referenceProblems.length === 0 ? 'clean' : `${result.referenceProblems.length} problem(s)`} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  share.seconds = (performance.now() - t0) / 1000;
  return share;
}

function merge(shares: Share[]): Share {
  const out: Share = { seeds: [], seconds: 0, referenceFailures: [], variantFailures: [], mutants: {} };
  for (const s of shares) {
    out.seeds.push(...s.seeds);
    out.seconds += s.seconds;
    out.referenceFailures.push(...s.referenceFailures);
    out.variantFailures!.push(...(s.variantFailures ?? []));
    for (const [name, verdicts] of Object.entries(s.mutants)) (out.mutants[name] ??= []).push(...verdicts);
  }
  return out;
}

/** Prints the judgement; true when the verdicts were the same on every seed. */
function judge(share: Share): boolean {
  const names = Object.keys(share.mutants);
  const runs = share.seeds.length * (names.length + 1);
  console.log(`\n${share.seeds.length} seeds (${share.seeds.join(',')}) × (reference + ${names.length} mutants) = ${runs} kit runs, ${share.seconds.toFixed(0)} s of run time`);
  console.log(`reference: ${share.referenceFailures.length === 0 ? 'every check passed on every seed' : `${share.referenceFailures.length} non-pass result(s)`}`);
  for (const line of share.referenceFailures) console.log(`  ${line}`);
  const variantFailures = share.variantFailures ?? [];
  console.log(`variants: ${variantFailures.length === 0 ? 'no fail and no error on any seed' : `${variantFailures.length} false failure(s)`}`);
  for (const line of variantFailures) console.log(`  ${line}`);
  let unstable = 0;
  let sameRequirements = 0;
  for (const name of names) {
    const verdicts = share.mutants[name]!;
    const missed = verdicts.filter((v) => !v.caught).map((v) => v.seed);
    const bySignature = new Map<string, number[]>();
    for (const v of verdicts) {
      const sig = JSON.stringify(Object.entries(v.fixed).sort(([a], [b]) => (a < b ? -1 : 1)));
      bySignature.set(sig, [...(bySignature.get(sig) ?? []), v.seed]);
    }
    if (new Set(verdicts.map((v) => v.failed.join(','))).size === 1) sameRequirements++;
    if (missed.length > 0 || bySignature.size > 1) {
      unstable++;
      console.log(`  ${name}: ${missed.length > 0 ? `MISSED on seeds ${missed.join(',')}` : 'caught on every seed'}; ${bySignature.size} different outcome sets of the non-generated checks`);
      if (bySignature.size > 1) {
        const [base, ...others] = verdicts;
        for (const v of others) {
          const changed = Object.keys(v.fixed).filter((id) => v.fixed[id] !== base!.fixed[id]);
          if (changed.length > 0) console.log(`    seed ${v.seed} vs ${base!.seed}: ${changed.map((id) => `${id} ${base!.fixed[id]}→${v.fixed[id]}`).join(', ')}`);
        }
      }
    }
  }
  console.log(`mutants caught on every seed, with the same outcome of every non-generated check: ${names.length - unstable}/${names.length}`);
  console.log(`mutants failing exactly the same requirements on every seed (generated checks included): ${sameRequirements}/${names.length}`);
  // How often the generated checks find each mutant: informational, seeds differ by design.
  const rates = new Map<string, number>();
  for (const verdicts of Object.values(share.mutants)) for (const v of verdicts) for (const c of v.generatedNotPass) rates.set(c, (rates.get(c) ?? 0) + 1);
  console.log(`generated checks not passing a mutant (check:outcome → mutant-seeds): ${[...rates].map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`);
  return share.referenceFailures.length === 0 && variantFailures.length === 0 && unstable === 0;
}

const share = values.merge ? merge(await Promise.all(positionals.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as Share))) : await runShare();
if (values.out) await writeFile(values.out, `${JSON.stringify(share, null, 2)}\n`);
process.exit(judge(share) ? 0 : 1);
