// The kit's VSL area (suite checks and flows of area vsl) plus golden flows that persist a whole
// plan's life through the runtime's VSL, run against one adapter: the proof that the reference
// runtime conforms on a VSL backend, and the run the VSL mutants must fail.

import { join } from 'node:path';
import type { Adapter } from '../../src/adapter/contract.js';
import { loadCatalogue } from '../../src/kit/catalogue.js';
import { DEFAULT_FLOWS_DIR, DEFAULT_SUITES_DIR, discoverChecks } from '../../src/kit/discover.js';
import { DEFAULT_RUN_OPTIONS, runChecks, type CheckRecord } from '../../src/kit/runner.js';

/** Flows beyond the vsl area whose runs write plans, steps, traces and confirms to the VSL. */
export const PERSISTING_FLOWS = ['flow.diamond', 'flow.approval-gate-approve'];

// Only the vsl suites are imported: discovering every suite costs seconds per test file.
const discovered = discoverChecks({ suitesDir: join(DEFAULT_SUITES_DIR, 'vsl'), flowsDir: DEFAULT_FLOWS_DIR });

/** Runs `only` (default: the VSL area and PERSISTING_FLOWS) against the adapter. */
export async function runVslArea(adapter: Adapter, only: readonly string[] = ['vsl', ...PERSISTING_FLOWS]): Promise<CheckRecord[]> {
  const { checks } = await discovered;
  const catalogue = await loadCatalogue();
  const description = await adapter.describe();
  const run = await runChecks({ adapter, description }, checks, catalogue, { ...DEFAULT_RUN_OPTIONS, seed: 20261124, only: [...only] });
  return run.records;
}

/** `id: outcome — message` of every record that did not pass, for assertion messages. */
export function notPassed(records: readonly CheckRecord[]): string[] {
  return records.filter((r) => r.outcome !== 'pass').map((r) => `${r.id}: ${r.outcome} — ${r.message}`);
}
