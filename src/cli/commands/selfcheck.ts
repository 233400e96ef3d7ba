// `mplp-conformance selfcheck`: the kit tests its own teeth. Runs every check against the
// reference runtime (all must pass) and against each planted-fault mutant of the source
// checkout's test/mutants/ corpus (each must fail on its declared requirements).

import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { FROM_SOURCES, packagePath } from '../../package-files.js';
import { referenceAdapter } from '../../adapters/reference.js';
import { DEFAULT_RUN_OPTIONS } from '../../kit/runner.js';
import { renderSelfcheck, selfcheck, type MutantSpec, type VariantSpec } from '../../kit/selfcheck.js';
import { choiceOption, listOption, stringOption, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../exit-codes.js';
import type { Output } from '../output.js';
import { kitPaths, loadCatalogueOrFail, loadChecksOrFail } from '../setup.js';
import { KIT_FLAGS, readSeed, readTimeouts, TIMEOUT_FLAG } from './run.js';

const CORPUS = packagePath('test', 'mutants', 'faults.ts');
const VARIANTS = packagePath('test', 'variants', 'variants.ts');
const FORMATS = ['pretty', 'json'] as const;

interface Corpus {
  FAULTS: readonly { name: string; description: string; requirements: string[] }[];
  mutantAdapter(name: string): MutantSpec['adapter'];
}

interface VariantCorpus {
  VARIANTS: readonly { name: string; description: string }[];
  variantAdapter(name: string): MutantSpec['adapter'];
  allVariantsAdapter(): MutantSpec['adapter'];
}

async function loadCorpus(): Promise<Corpus> {
  if (!existsSync(CORPUS)) {
    throw usageError(`selfcheck needs a source checkout of mplp-conformance: the mutant corpus ${CORPUS} is not shipped in the package`);
  }
  // The mutants inject faults through the reference runtime's sources, which only the source build loads.
  if (!FROM_SOURCES) throw usageError('selfcheck runs from the sources of a checkout: node bin/mplp-conformance.js selfcheck (the compiled kit cannot load the TypeScript mutant corpus)');
  return (await import(pathToFileURL(CORPUS).href)) as Corpus;
}

/** Every must-pass variant, then all of them in one runtime. */
async function loadVariants(only: readonly string[]): Promise<VariantSpec[]> {
  const corpus = (await import(pathToFileURL(VARIANTS).href)) as VariantCorpus;
  const unknown = only.filter((n) => n !== 'all' && !corpus.VARIANTS.some((v) => v.name === n));
  if (unknown.length > 0) throw usageError(`--variant ${unknown.join(',')}: no such variant (see test/variants/variants.ts)`);
  const chosen = only.length > 0 ? corpus.VARIANTS.filter((v) => only.includes(v.name)) : corpus.VARIANTS;
  const all = only.length === 0 || only.includes('all') ? [{ name: 'all-variants', description: 'every variant at once', adapter: corpus.allVariantsAdapter() }] : [];
  return [...chosen.map((v) => ({ name: v.name, description: v.description, adapter: corpus.variantAdapter(v.name) })), ...all];
}

async function execute(parsed: Parsed, output: Output): Promise<number> {
  const { values } = parsed;
  const format = choiceOption('format', stringOption(values['format']), FORMATS) ?? 'pretty';
  const only = listOption(values['mutant']);
  const onlyVariants = listOption(values['variant']);
  const corpus = await loadCorpus();
  const unknown = only.filter((n) => !corpus.FAULTS.some((f) => f.name === n));
  if (unknown.length > 0) throw usageError(`--mutant ${unknown.join(',')}: no such mutant (see test/mutants/faults.ts)`);
  // Choosing some mutants (or some variants) runs just those: the other corpus is left out.
  const faults = only.length > 0 ? corpus.FAULTS.filter((f) => only.includes(f.name)) : onlyVariants.length > 0 ? [] : corpus.FAULTS;
  const variants = only.length > 0 && onlyVariants.length === 0 ? [] : await loadVariants(onlyVariants);

  const paths = kitPaths({ catalogue: stringOption(values['catalogue']), suites: stringOption(values['suites']), flows: stringOption(values['flows']) });
  const catalogue = await loadCatalogueOrFail(paths.catalogue);
  const checks = await loadChecksOrFail(catalogue, paths);
  const seed = readSeed(values);
  if (format === 'pretty') output.err(`seed ${seed} · ${faults.length} mutant(s) · ${variants.length} variant(s) · ${checks.length} checks`);
  const result = await selfcheck({
    reference: referenceAdapter,
    mutants: faults.map((f) => ({ ...f, adapter: corpus.mutantAdapter(f.name) })),
    variants,
    checks,
    catalogue,
    options: { ...DEFAULT_RUN_OPTIONS, seed, ...readTimeouts(values) },
    onMutant: (m) => {
      if (format === 'pretty') output.err(`  ${m.caught ? 'caught' : 'MISSED'} ${m.name}`);
    },
    onVariant: (v) => {
      if (format === 'pretty') output.err(`  ${v.passed ? 'passed' : 'FAILED'} variant ${v.name}`);
    },
  });
  output.out(format === 'json' ? JSON.stringify({ seed, ...result }, null, 2) : renderSelfcheck(result));
  const whole = only.length === 0 && onlyVariants.length === 0;
  const clean = result.referenceProblems.length === 0 && result.caught === result.total && result.variantsPassed === result.variants.length && (!whole || result.untestedTeeth.length === 0);
  return clean ? EXIT.conformant : EXIT.nonConformant;
}

export const selfcheckCommand: Command = {
  name: 'selfcheck',
  summary: 'Run the kit against the reference runtime, every planted-fault mutant and every must-pass variant; print both scores.',
  positionals: '',
  maxPositionals: 0,
  flags: {
    mutant: { type: 'string', multiple: true, value: '<name>', description: 'Only these mutants (repeatable or comma-separated).' },
    variant: { type: 'string', multiple: true, value: '<name>', description: 'Only these must-pass variants (`all`: the all-variants runtime).' },
    seed: { type: 'string', value: '<n>', description: 'Seed for every run (default: random, printed).' },
    timeout: TIMEOUT_FLAG,
    'check-timeout': { type: 'string', value: '<ms>', description: 'Limit for one whole check.' },
    format: { type: 'string', value: 'pretty|json', description: 'Output style (default pretty).' },
    ...KIT_FLAGS,
  },
  notes: ['Exit 0 when the reference passes every check, every mutant is caught, every variant passes (no fail, no error) and no MUST requirement is left untested; 1 otherwise.'],
  execute,
};
