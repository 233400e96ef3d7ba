// Runs one share of the mutant corpus through the selfcheck, so the corpus is spread over
// several vitest files (and so over the machine's cores).
//
// The question is "does the kit catch it": a first pass runs each mutant against the checks
// that grade its declared requirements (with their prerequisites), leaving out the scale
// checks (a thousand steps and more, seconds per run); a second pass runs the whole kit, scale
// checks included, against the reference and the mutants the first pass did not catch. More
// checks only fail more requirements, so a mutant caught in the first pass is caught by the
// whole kit too. (`npm run selfcheck` runs every mutant against the whole kit.)

import { expect } from 'vitest';
import { referenceAdapter } from '../../src/adapters/reference.js';
import { DEFAULT_RUN_OPTIONS, discoverChecks, loadCatalogue } from '../../src/kit/index.js';
import { withPrerequisites } from '../../src/kit/select.js';
import { renderSelfcheck, selfcheck } from '../../src/kit/selfcheck.js';
import { FAULTS, mutantAdapter } from './faults.js';

export const SHARDS = 3;

/** Checks left out of the first pass: runs of a thousand steps and more. */
export const HEAVY_CHECK = /^scale\.thousand-/;

export async function expectShardCaught(shard: number): Promise<void> {
  const { checks, problems } = await discoverChecks();
  expect(problems).toEqual([]);
  const catalogue = await loadCatalogue();
  const mine = FAULTS.filter((_, i) => i % SHARDS === shard);
  const options = { ...DEFAULT_RUN_OPTIONS, seed: 20261124, operationTimeoutMs: 10_000, checkTimeoutMs: 60_000 };
  const asMutant = (f: (typeof FAULTS)[number]) => ({ name: f.name, description: f.description, requirements: f.requirements, adapter: mutantAdapter(f.name) });
  const lightChecks = checks.filter((c) => !HEAVY_CHECK.test(c.id));
  const gradingDeclared = (m: { requirements: string[] }) => withPrerequisites(lightChecks.filter((c) => c.requirements.some((r) => m.requirements.includes(r))), checks);
  const light = await selfcheck({ reference: referenceAdapter, mutants: mine.map(asMutant), checks: lightChecks, checksFor: gradingDeclared, catalogue, options });
  const rest = mine.filter((f) => !light.mutants.find((m) => m.name === f.name)?.caught);
  const full = await selfcheck({ reference: referenceAdapter, mutants: rest.map(asMutant), checks, catalogue, options });
  const result = { ...full, mutants: [...light.mutants.filter((m) => m.caught), ...full.mutants], caught: light.caught + full.caught, total: mine.length };
  console.log(`shard ${shard + 1}/${SHARDS} (${light.caught} caught by the checks of their requirements, ${rest.length} run against the whole kit)\n${renderSelfcheck(result)}`);
  expect(light.referenceProblems).toEqual([]);
  expect(full.referenceProblems).toEqual([]);
  expect(result.mutants.filter((m) => !m.caught).map((m) => `${m.name}: missed ${m.missed.join(', ') || '(failed nothing)'}`)).toEqual([]);
}
