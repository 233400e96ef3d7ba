// The reference runtime keeps every property (suites/properties/*.check.ts) across 20
// different seeds, at the default concurrency limit and, for the run properties, at limit 2
// (where generated plans are wider than the limit). Few cases per seed keep this fast; the
// seeds make them different cases.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { referenceAdapter } from '../src/adapters/reference.js';
import { runPropertyCheck } from '../src/generate/index.js';
import { DEFAULT_SUITES_DIR, discoverChecks } from '../src/kit/discover.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => 7919 * (i + 1));
const RUNS = 5;

const noFlows = await mkdtemp(join(tmpdir(), 'properties-reference-'));
afterAll(() => rm(noFlows, { recursive: true, force: true }));
const discovery = await discoverChecks({ suitesDir: join(DEFAULT_SUITES_DIR, 'properties'), flowsDir: noFlows });

describe('property checks against the reference runtime', () => {
  it('are discovered without problems', () => {
    expect(discovery.problems).toEqual([]);
    expect(discovery.checks.length).toBeGreaterThanOrEqual(11);
  });

  it.each(discovery.checks.map((c) => [c.id, c] as const))('%s holds for 20 seeds', async (_id, check) => {
    const outcomes: string[] = [];
    for (const seed of SEEDS) {
      const { result, faults } = await runPropertyCheck(check, referenceAdapter, { seed, propertyCases: RUNS, counterexampleDir: noFlows });
      if (result.outcome !== 'pass' || faults.length > 0) outcomes.push(`seed ${seed}: ${result.outcome} ${result.message} ${faults.join('; ')}`);
    }
    expect(outcomes).toEqual([]);
  });

  it.each(discovery.checks.filter((c) => /execution|events|failure/.test(c.id)).map((c) => [c.id, c] as const))('%s holds at concurrency limit 2', async (_id, check) => {
    for (const seed of SEEDS.slice(0, 5)) {
      const { result } = await runPropertyCheck(check, referenceAdapter, { seed, propertyCases: 10, maxConcurrency: 2, counterexampleDir: noFlows });
      expect(result.outcome, result.message).toBe('pass');
    }
  });
});
