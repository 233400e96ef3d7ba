// Runs one property check against an adapter outside the runner, in the kit's own check
// scope (guarded sessions, cleanup), with its own cases per property and counterexample
// folder. For tests, benchmarks and tools.

import type { Adapter } from '../adapter/contract.js';
import type { Check, CheckResult } from '../kit/check.js';
import { openCheckScope } from '../kit/check-context.js';

export interface PropertyRunOptions {
  seed: number;
  /** Cases per property (default: the property's own). */
  propertyCases?: number;
  /** Default: a folder per seed under the OS temp dir. */
  counterexampleDir?: string;
  maxConcurrency?: number;
  operationTimeoutMs?: number;
}

export interface PropertyRun {
  result: CheckResult;
  /** Adapter faults seen while the check ran (the runner would turn any into `error`). */
  faults: string[];
}

export async function runPropertyCheck(check: Check, adapter: Adapter, options: PropertyRunOptions): Promise<PropertyRun> {
  const scope = openCheckScope({
    adapter,
    description: await adapter.describe(),
    seed: options.seed,
    maxConcurrency: options.maxConcurrency ?? 4,
    operationTimeoutMs: options.operationTimeoutMs ?? 10_000,
    ...(options.propertyCases === undefined ? {} : { propertyCases: options.propertyCases }),
    ...(options.counterexampleDir === undefined ? {} : { counterexampleDir: options.counterexampleDir }),
  });
  try {
    const result = await check.run(scope.context);
    return { result, faults: scope.faults.map((f) => f.message) };
  } finally {
    await scope.end();
  }
}
