// Issue 15: the kit does not fail a correct runtime. Every must-pass variant of the reference
// (test/variants/variants.ts: one spec-permitted behaviour the reference does not have) and the
// runtime with all of them on at once pass the whole kit: no check ends fail or error.

import { describe, expect, it } from 'vitest';
import { referenceAdapter } from '../src/adapters/reference.js';
import { DEFAULT_RUN_OPTIONS, discoverChecks, loadCatalogue } from '../src/kit/index.js';
import { renderSelfcheck, selfcheck } from '../src/kit/selfcheck.js';
import { allVariantsAdapter, VARIANTS, variantAdapter } from './variants/variants.js';

describe('must-pass variants', () => {
  it('has at least 15 distinct named variants, each citing the latitude it uses', () => {
    expect(VARIANTS.length).toBeGreaterThanOrEqual(15);
    expect(new Set(VARIANTS.map((v) => v.name)).size).toBe(VARIANTS.length);
    for (const v of VARIANTS) expect(v.latitude, v.name).toMatch(/(digest|SEED|issue) /);
  });

  it('every variant and the all-variants runtime pass the whole kit with no fail and no error', async () => {
    const { checks, problems } = await discoverChecks();
    expect(problems).toEqual([]);
    const catalogue = await loadCatalogue();
    const result = await selfcheck({
      reference: referenceAdapter,
      mutants: [],
      variants: [...VARIANTS.map((v) => ({ name: v.name, description: v.description, adapter: variantAdapter(v.name) })), { name: 'all-variants', description: 'every variant at once', adapter: allVariantsAdapter() }],
      checks,
      catalogue,
      options: { ...DEFAULT_RUN_OPTIONS, seed: 20261124 },
    });
    console.log(renderSelfcheck(result));
    expect(result.referenceProblems).toEqual([]);
    expect(result.variants.filter((v) => !v.passed).map((v) => `${v.name}: ${v.problems.map((p) => `${p.outcome} ${p.check}: ${p.message}`).join(' | ')}`)).toEqual([]);
  }, 900_000);
});
