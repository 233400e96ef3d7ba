// Runs one share of the must-pass variants (and, in the last share, the runtime with all of
// them on) through the selfcheck, so the variants spread over several vitest files and so over
// the machine's cores. Every variant runs the whole kit: a false failure may hide in any check.

import { expect } from 'vitest';
import { referenceAdapter } from '../../src/adapters/reference.js';
import { DEFAULT_RUN_OPTIONS, discoverChecks, loadCatalogue } from '../../src/kit/index.js';
import { renderSelfcheck, selfcheck } from '../../src/kit/selfcheck.js';
import { allVariantsAdapter, VARIANTS, variantAdapter } from './variants.js';

export const VARIANT_SHARDS = 2;

export async function expectVariantShardPasses(shard: number): Promise<void> {
  const { checks, problems } = await discoverChecks();
  expect(problems).toEqual([]);
  const catalogue = await loadCatalogue();
  const mine = VARIANTS.filter((_, i) => i % VARIANT_SHARDS === shard).map((v) => ({ name: v.name, description: v.description, adapter: variantAdapter(v.name) }));
  const last = shard === VARIANT_SHARDS - 1;
  const result = await selfcheck({
    reference: referenceAdapter,
    mutants: [],
    variants: last ? [...mine, { name: 'all-variants', description: 'every variant at once', adapter: allVariantsAdapter() }] : mine,
    checks,
    catalogue,
    options: { ...DEFAULT_RUN_OPTIONS, seed: 20261124 },
  });
  console.log(`variants share ${shard + 1}/${VARIANT_SHARDS}\n${renderSelfcheck(result)}`);
  expect(result.referenceProblems).toEqual([]);
  expect(result.variants.filter((v) => !v.passed).map((v) => `${v.name}: ${v.problems.map((p) => `${p.outcome} ${p.check}: ${p.message}`).join(' | ')}`)).toEqual([]);
}
