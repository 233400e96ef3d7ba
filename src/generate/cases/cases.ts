// What a property check needs from its cases: values fast-check can generate and shrink, and
// the golden flow that grades one value. `toCase` is pure, so a shrunk value always rebuilds
// the same flow — the counterexample written to disk is the case that failed.

import type fc from 'fast-check';
import type { CaseEnv, CaseOwner, GeneratedCase } from '../case.js';

export interface PropertyCases<T> {
  /** One sentence: what every case asks of the runtime. */
  property: string;
  /** Why no case can run in this environment (the check ends skipped), if so. */
  unavailable?(env: CaseEnv): string | undefined;
  arbitrary(env: CaseEnv): fc.Arbitrary<T>;
  /** Cases every run grades first, before the drawn ones: a positive control (valid input the
   *  runtime must accept), so a run whose drawn cases are all refusals still shows the runtime
   *  refuses because the input is wrong, not because it refuses everything. */
  control?(env: CaseEnv): fc.Arbitrary<T>;
  toCase(value: T, env: CaseEnv, owner: CaseOwner): GeneratedCase;
}
