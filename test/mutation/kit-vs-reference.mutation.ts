// Issue 16 (mutation testing): the kit itself is the test suite. Stryker (stryker.config.mjs)
// mutates src/runtime/** and runs this file only (vitest.mutation.config.ts): every check the
// kit discovers (suites/**/*.check.ts, golden flows and their regressions, property checks) is
// one vitest test that runs that check alone, in process, against the embedded reference
// runtime imported from the (mutated) sources. A test fails when its check does not end pass
// or skipped, which kills the mutant. One test per check lets Stryker's perTest coverage run
// only the checks that reach a mutant. Not part of `npm test` (its name does not end .test.ts).

import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceAdapter, referenceAdapterOn, referenceDescription } from '../../src/adapters/reference.js';
import type { Adapter } from '../../src/adapter/contract.js';
import { checkShapeProblems, DEFAULT_FLOWS_DIR, DEFAULT_SUITES_DIR } from '../../src/kit/discover.js';
import { loadFlowDir } from '../../src/kit/flows/index.js';
import { DEFAULT_RUN_OPTIONS, loadCatalogue, runChecks, type Check, type RunOptions } from '../../src/kit/index.js';

/** Fixed seed: Stryker needs every run of a test to behave the same. */
export const MUTATION_SEED = 20261124;
/** Generated cases per property check (the kit's default is 30); MPLP_MUTATION_CASES overrides. */
export const MUTATION_CASES = Number(process.env.MPLP_MUTATION_CASES ?? 10);

/**
 * The checks `discoverChecks()` finds (suite check files, then the golden flows), loaded
 * through vitest's own module graph: discoverChecks imports every check file through tsx's
 * tsImport, which loads each file's whole dependency graph anew (about 12 s on this machine),
 * and Stryker's vitest runner loads this file again for every mutant.
 */
async function kitChecks(): Promise<{ checks: Check[]; problems: string[] }> {
  const checks: Check[] = [];
  const problems: string[] = [];
  const entries = await readdir(DEFAULT_SUITES_DIR, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((e) => e.isFile() && /\.check\.ts$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort((a, b) => relative(DEFAULT_SUITES_DIR, a).localeCompare(relative(DEFAULT_SUITES_DIR, b)));
  for (const file of files) {
    const exported = ((await import(file)) as { default?: unknown }).default;
    for (const value of Array.isArray(exported) ? exported : [exported]) {
      const issues = checkShapeProblems(value);
      if (issues.length > 0) problems.push(`${file}: ${issues.join('; ')}`);
      else checks.push({ ...(value as Check), origin: { file, kind: 'suite' } });
    }
  }
  const flows = await loadFlowDir(DEFAULT_FLOWS_DIR);
  problems.push(...flows.problems.map((p) => `${p.file}: ${p.message}`));
  checks.push(...flows.checks);
  const ids = checks.map((c) => c.id);
  problems.push(...ids.filter((id, i) => ids.indexOf(id) !== i).map((id) => `check id ${id} is used twice`));
  return { checks, problems };
}

/**
 * The reference runtime on the default in-process VSL, or on the backend MPLP_VSL names (as
 * the CLI does): the VSL backends' code (src/runtime/vsl/file.ts, redis.ts, postgres.ts) runs
 * only when the kit drives the runtime on that backend, so each is measured with it
 * (docs/mutation.md).
 */
const vslUrl = process.env.MPLP_VSL;
const adapter: Adapter = vslUrl ? await referenceAdapterOn(vslUrl) : referenceAdapter;
const description = vslUrl ? await adapter.describe() : referenceDescription;

const { checks, problems } = await kitChecks();
const catalogue = await loadCatalogue();

const options: RunOptions = {
  ...DEFAULT_RUN_OPTIONS,
  seed: MUTATION_SEED,
  propertyCases: MUTATION_CASES,
  // A mutant that hangs the runtime ends the check `error` quickly instead of at Stryker's limit;
  // a persistent backend takes longer over the thousand-step flows, so it gets longer limits.
  operationTimeoutMs: vslUrl ? 60_000 : 5_000,
  checkTimeoutMs: vslUrl ? 240_000 : 30_000,
};

describe('kit vs reference', () => {
  it('discovers the checks without problems', () => {
    expect(problems).toEqual([]);
    expect(checks.length).toBeGreaterThan(0);
  });

  it.each(checks.map((c) => c.id))('%s', async (id) => {
    // Alone: a prerequisite (`after`) is graded by its own test, so it is not run again here.
    const { after: _after, ...check } = checks.find((c) => c.id === id)! as Check;
    const run = await runChecks({ adapter, description }, [check], catalogue, options);
    const record = run.records[0]!;
    expect(['pass', 'skipped'], `${record.outcome}: ${record.message}`).toContain(record.outcome);
  });
});
