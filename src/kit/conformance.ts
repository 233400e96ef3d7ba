// One conformance run from loaded parts to a finished report: run the checks, grade the
// requirements, judge the levels. Writing files and printing are the caller's business.
// Cancellation: abort `options.signal` and the run ends early with a report marked
// `incomplete` (checks that did not finish end blocked; no level is conformant).

import type { Catalogue } from './catalogue.js';
import { lintCoverage } from './catalogue.js';
import type { CertificationInput } from './certification.js';
import type { Check } from './check.js';
import { buildReport, type Report } from './report/build.js';
import { runChecks, type RunOptions, type RunProgress, type RunResult, type RunTarget } from './runner.js';

export interface ConformanceInput {
  target: RunTarget;
  checks: readonly Check[];
  catalogue: Catalogue;
  options: RunOptions;
  progress?: RunProgress;
  /** Decides whether the run certifies (see src/kit/certification.ts). */
  certification?: Omit<CertificationInput, 'ungraded'>;
}

export async function runConformance(input: ConformanceInput): Promise<{ run: RunResult; report: Report }> {
  const run = await runChecks(input.target, input.checks, input.catalogue, input.options, input.progress);
  const { untested } = lintCoverage(input.catalogue, input.checks);
  const report = buildReport({
    run,
    catalogue: input.catalogue,
    description: input.target.description,
    ...(input.target.spec === undefined ? {} : { adapterSpec: input.target.spec }),
    options: input.options,
    untested,
    ...(input.certification ? { certification: input.certification } : {}),
  });
  return { run, report };
}
