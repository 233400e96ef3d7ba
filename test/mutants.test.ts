// Issue 6: the kit's teeth. The whole kit runs against the reference runtime (every check
// must pass) and against every planted-fault mutant (each must fail on at least the
// requirements it declares). Prints the mutation score and the untested teeth.

import { describe, expect, it } from 'vitest';
import { referenceAdapter } from '../src/adapters/reference.js';
import { DEFAULT_RUN_OPTIONS, discoverChecks, loadCatalogue } from '../src/kit/index.js';
import { renderSelfcheck, selfcheck } from '../src/kit/selfcheck.js';
import { FAULTS, mutantAdapter } from './mutants/faults.js';

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

  it('passes the reference, catches every mutant on its declared requirements, leaves no MUST untested', async () => {
    const { checks, problems } = await discoverChecks();
    expect(problems).toEqual([]);
    const catalogue = await loadCatalogue();
    const result = await selfcheck({
      reference: referenceAdapter,
      mutants: FAULTS.map((f) => ({ name: f.name, description: f.description, requirements: f.requirements, adapter: mutantAdapter(f.name) })),
      checks,
      catalogue,
      options: { ...DEFAULT_RUN_OPTIONS, seed: 20261124, operationTimeoutMs: 10_000, checkTimeoutMs: 30_000 },
    });
    console.log(renderSelfcheck(result));
    expect(result.referenceProblems).toEqual([]);
    expect(result.mutants.filter((m) => !m.caught).map((m) => `${m.name}: missed ${m.missed.join(', ')}`)).toEqual([]);
    expect(result.untestedTeeth).toEqual([]);
  }, 900_000);
});
