// Runs one share of the mutant corpus through the selfcheck, so the corpus is spread over
// several vitest files (and so over the machine's cores).

import { expect } from 'vitest';
import { referenceAdapter } from '../../src/adapters/reference.js';
import { DEFAULT_RUN_OPTIONS, discoverChecks, loadCatalogue } from '../../src/kit/index.js';
import { renderSelfcheck, selfcheck } from '../../src/kit/selfcheck.js';
import { FAULTS, mutantAdapter } from './faults.js';

export const SHARDS = 3;

export async function expectShardCaught(shard: number): Promise<void> {
  const { checks, problems } = await discoverChecks();
  expect(problems).toEqual([]);
  const catalogue = await loadCatalogue();
  const mine = FAULTS.filter((_, i) => i % SHARDS === shard);
  const result = await selfcheck({
    reference: referenceAdapter,
    mutants: mine.map((f) => ({ name: f.name, description: f.description, requirements: f.requirements, adapter: mutantAdapter(f.name) })),
    checks,
    catalogue,
    options: { ...DEFAULT_RUN_OPTIONS, seed: 20261124, operationTimeoutMs: 10_000, checkTimeoutMs: 60_000 },
  });
  console.log(`shard ${shard + 1}/${SHARDS}\n${renderSelfcheck(result)}`);
  expect(result.referenceProblems).toEqual([]);
  expect(result.mutants.filter((m) => !m.caught).map((m) => `${m.name}: missed ${m.missed.join(', ') || '(failed nothing)'}`)).toEqual([]);
}
