// Flakiness soak (issue 6): runs the whole selfcheck — reference plus every mutant — with N
// different seeds and requires identical verdicts every time: the reference passes every
// check, and each mutant fails exactly the same set of requirements.
// Usage: npm run selfcheck:soak -- [--seeds 20] [--first-seed 1] [--out signatures.json]
// (--out writes every mutant's verdict signature per seed, so shares run in parallel can be compared.)

import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { referenceAdapter } from '../src/adapters/reference.js';
import { DEFAULT_RUN_OPTIONS, discoverChecks, loadCatalogue } from '../src/kit/index.js';
import { selfcheck } from '../src/kit/selfcheck.js';
import { FAULTS, mutantAdapter } from '../test/mutants/faults.js';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '20' }, 'first-seed': { type: 'string', default: '1' }, out: { type: 'string' } } });
const seeds = Number(values.seeds);
const first = Number(values['first-seed']);

const { checks, problems } = await discoverChecks();
if (problems.length > 0) throw new Error(`check discovery problems: ${JSON.stringify(problems)}`);
const catalogue = await loadCatalogue();

/** mutant name → (signature of its failed requirements → seeds that produced it) */
const signatures = new Map<string, Map<string, number[]>>();
const referenceFailures: string[] = [];
const t0 = performance.now();
for (let i = 0; i < seeds; i++) {
  const seed = first + i;
  const t = performance.now();
  const result = await selfcheck({
    reference: referenceAdapter,
    mutants: FAULTS.map((f) => ({ ...f, adapter: mutantAdapter(f.name) })),
    checks,
    catalogue,
    options: { ...DEFAULT_RUN_OPTIONS, seed },
  });
  for (const p of result.referenceProblems) referenceFailures.push(`seed ${seed}: ${p.outcome} ${p.check}: ${p.message}`);
  for (const m of result.mutants) {
    const sig = `${m.caught ? 'caught' : 'MISSED'} [${m.failed.join(',')}] errors [${m.errors.join(',')}]`;
    const bySig = signatures.get(m.name) ?? new Map<string, number[]>();
    bySig.set(sig, [...(bySig.get(sig) ?? []), seed]);
    signatures.set(m.name, bySig);
  }
  console.log(`seed ${seed}: ${result.caught}/${result.total} caught, reference ${result.referenceProblems.length === 0 ? 'clean' : `${result.referenceProblems.length} problem(s)`} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}

const unstable = [...signatures].filter(([, bySig]) => bySig.size > 1);
console.log(`\n${seeds} seeds × (reference + ${FAULTS.length} mutants) = ${seeds * (FAULTS.length + 1)} kit runs in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
console.log(`reference: ${referenceFailures.length === 0 ? 'every check passed on every seed' : `${referenceFailures.length} non-pass result(s)`}`);
for (const line of referenceFailures) console.log(`  ${line}`);
console.log(`mutants with identical verdicts on every seed: ${FAULTS.length - unstable.length}/${FAULTS.length}`);
for (const [name, bySig] of unstable) {
  console.log(`  ${name} varies:`);
  for (const [sig, s] of bySig) console.log(`    seeds ${s.join(',')}: ${sig}`);
}
if (values.out) {
  const json = Object.fromEntries([...signatures].map(([name, bySig]) => [name, Object.fromEntries(bySig)]));
  await writeFile(values.out, `${JSON.stringify({ seeds: [first, first + seeds - 1], referenceFailures, signatures: json }, null, 2)}\n`);
}
process.exit(referenceFailures.length === 0 && unstable.length === 0 ? 0 : 1);
