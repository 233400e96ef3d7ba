// Runs one property check against an adapter outside the runner, in the kit's own check
// scope (guarded sessions, cleanup), with the property settings the runner cannot pass yet:
// cases per property and the counterexample folder. For tests, benchmarks and tools.

import type { Adapter } from '../adapter/contract.js';
import type { Check, CheckResult } from '../kit/check.js';
import { openCheckScope } from '../kit/check-context.js';
import type { PropertyHooks } from './property-check.js';

export interface PropertyRunOptions extends PropertyHooks {
  seed: number;
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
  });
  const hooks: PropertyHooks = {
    ...(options.propertyRuns !== undefined ? { propertyRuns: options.propertyRuns } : {}),
    ...(options.counterexampleDir !== undefined ? { counterexampleDir: options.counterexampleDir } : {}),
  };
  try {
    const result = await check.run({ ...scope.context, ...hooks });
    return { result, faults: scope.faults.map((f) => f.message) };
  } finally {
    await scope.end();
  }
}
