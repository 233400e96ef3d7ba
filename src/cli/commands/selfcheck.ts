// `mplp-conformance selfcheck`: the kit tests its own teeth. Runs every check against the
// reference runtime (all must pass) and against each planted-fault mutant of the source
// checkout's test/mutants/ corpus (each must fail on its declared requirements).

import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { FROM_SOURCES, packagePath } from '../../package-files.js';
import { referenceAdapter } from '../../adapters/reference.js';
import { DEFAULT_RUN_OPTIONS } from '../../kit/runner.js';
import { renderSelfcheck, selfcheck, type MutantSpec } from '../../kit/selfcheck.js';
import { choiceOption, listOption, stringOption, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../exit-codes.js';
import type { Output } from '../output.js';
import { kitPaths, loadCatalogueOrFail, loadChecksOrFail } from '../setup.js';
import { KIT_FLAGS, readSeed, readTimeouts, TIMEOUT_FLAG } from './run.js';

const CORPUS = packagePath('test', 'mutants', 'faults.ts');
const FORMATS = ['pretty', 'json'] as const;

interface Corpus {
  FAULTS: readonly { name: string; description: string; requirements: string[] }[];
  mutantAdapter(name: string): MutantSpec['adapter'];
}

async function loadCorpus(): Promise<Corpus> {
  if (!existsSync(CORPUS)) {
    throw usageError(`selfcheck needs a source checkout of mplp-conformance: the mutant corpus ${CORPUS} is not shipped in the package`);
  }
  // The mutants inject faults through the reference runtime's sources, which only the source build loads.
  if (!FROM_SOURCES) throw usageError('selfcheck runs from the sources of a checkout: node bin/mplp-conformance.js selfcheck (the compiled kit cannot load the TypeScript mutant corpus)');
  return (await import(pathToFileURL(CORPUS).href)) as Corpus;
}

async function execute(parsed: Parsed, output: Output): Promise<number> {
  const { values } = parsed;
  const format = choiceOption('format', stringOption(values['format']), FORMATS) ?? 'pretty';
  const only = listOption(values['mutant']);
  const corpus = await loadCorpus();
  const unknown = only.filter((n) => !corpus.FAULTS.some((f) => f.name === n));
  if (unknown.length > 0) throw usageError(`--mutant ${unknown.join(',')}: no such mutant (see test/mutants/faults.ts)`);
  const faults = only.length > 0 ? corpus.FAULTS.filter((f) => only.includes(f.name)) : corpus.FAULTS;

  const paths = kitPaths({ catalogue: stringOption(values['catalogue']), suites: stringOption(values['suites']), flows: stringOption(values['flows']) });
  const catalogue = await loadCatalogueOrFail(paths.catalogue);
  const checks = await loadChecksOrFail(catalogue, paths);
  const seed = readSeed(values);
  if (format === 'pretty') output.err(`seed ${seed} · ${faults.length} mutant(s) · ${checks.length} checks`);
  const result = await selfcheck({
    reference: referenceAdapter,
    mutants: faults.map((f) => ({ ...f, adapter: corpus.mutantAdapter(f.name) })),
    checks,
    catalogue,
    options: { ...DEFAULT_RUN_OPTIONS, seed, ...readTimeouts(values) },
    onMutant: (m) => {
      if (format === 'pretty') output.err(`  ${m.caught ? 'caught' : 'MISSED'} ${m.name}`);
    },
  });
  output.out(format === 'json' ? JSON.stringify({ seed, ...result }, null, 2) : renderSelfcheck(result));
  const clean = result.referenceProblems.length === 0 && result.caught === result.total && (only.length > 0 || result.untestedTeeth.length === 0);
  return clean ? EXIT.conformant : EXIT.nonConformant;
}

export const selfcheckCommand: Command = {
  name: 'selfcheck',
  summary: 'Run the kit against the reference runtime and every planted-fault mutant; print the mutation score.',
  positionals: '',
  maxPositionals: 0,
  flags: {
    mutant: { type: 'string', multiple: true, value: '<name>', description: 'Only these mutants (repeatable or comma-separated).' },
    seed: { type: 'string', value: '<n>', description: 'Seed for every run (default: random, printed).' },
    timeout: TIMEOUT_FLAG,
    'check-timeout': { type: 'string', value: '<ms>', description: 'Limit for one whole check.' },
    format: { type: 'string', value: 'pretty|json', description: 'Output style (default pretty).' },
    ...KIT_FLAGS,
  },
  notes: ['Exit 0 when the reference passes every check, every mutant is caught and no MUST requirement is left untested; 1 otherwise.'],
  execute,
};
