// Issue 6: the kit's teeth. The corpus is run in shares (test/mutants-shard-*.test.ts);
// each share proves every mutant in it fails at least its declared requirements, so a MUST
// requirement is failed by some mutant exactly when some mutant declares it. This file
// checks the corpus itself and that no MUST requirement is left without teeth.

import { describe, expect, it } from 'vitest';
import { referenceDescription } from '../src/adapters/reference.js';
import { loadCatalogue } from '../src/kit/index.js';
import { unclaimed } from '../src/kit/needs.js';
import { FAULTS } from './mutants/faults.js';

describe('mutant corpus', () => {
  it('has at least 30 distinct named faults, each declaring known requirements', async () => {
    const catalogue = await loadCatalogue();
    const ids = new Set(catalogue.requirements.map((r) => r.id));
    expect(FAULTS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(FAULTS.map((f) => f.name)).size).toBe(FAULTS.length);
    for (const f of FAULTS) {
      expect(f.requirements.length, f.name).toBeGreaterThan(0);
      for (const r of f.requirements) expect(ids.has(r), `${f.name} declares unknown ${r}`).toBe(true);
    }
  });

  it('leaves no MUST requirement the reference claims without a mutant that must fail it', async () => {
    const catalogue = await loadCatalogue();
    const declared = new Set(FAULTS.flatMap((f) => f.requirements));
    const teethless = catalogue.requirements
      .filter((r) => r.level === 'MUST' && unclaimed(r.needs, referenceDescription.capabilities).length === 0 && !declared.has(r.id))
      .map((r) => r.id);
    expect(teethless).toEqual([]);
  });
});
