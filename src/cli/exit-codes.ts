// The CLI's exit codes, one meaning each (docs/adapter.md lists them for vendors and CI).

export const EXIT = {
  /** Conformant at the requested level. */
  conformant: 0,
  /** The runtime broke at least one graded MUST rule (or `validate` found invalid input). */
  nonConformant: 1,
  /** With --baseline: a baseline entry names a failure that passes now (unless --allow-stale). */
  stale: 2,
  /** Nothing failed, but checks ended `error`/`blocked`/`inconclusive` (a MUST left without conclusive
   *  evidence), or the adapter failed while starting. */
  operational: 3,
  /** Bad command line, unusable adapter spec or module, or a broken kit configuration. */
  usage: 4,
  /** A development run (not a certification: --only, --add-flows, a changed kit, ungraded
   *  requirements) in which nothing failed: never the certification's 0. */
  development: 5,
  /** `run` was interrupted by SIGINT (Ctrl-C): the report so far is written, marked incomplete (128 + 2). */
  interrupted: 130,
  /** `run` was stopped by SIGTERM: the report so far is written, marked incomplete (128 + 15). */
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An expected way for a command to stop: a message for stderr and an exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);

type Certified = { certification?: { certified: boolean } | undefined };

/** 0 only for a certification: a development run that found nothing wrong exits 5. */
function conformantOr(report: Certified): ExitCode {
  return report.certification && !report.certification.certified ? EXIT.development : EXIT.conformant;
}

/** The exit code of a finished run: its requested level verdict, then any adapter trouble. */
export function runExitCode(report: { verdict: { verdict: string }; totals: { checks: Record<string, number> } } & Certified): ExitCode {
  if (report.verdict.verdict === 'non-conformant') return EXIT.nonConformant;
  if (report.verdict.verdict === 'inconclusive' || (report.totals.checks['error'] ?? 0) > 0) return EXIT.operational;
  return conformantOr(report);
}

/** The exit code of a run judged against a baseline (--baseline): new failures, then adapter
 *  trouble, then stale entries; 0 when every failure is baselined. */
export function baselineExitCode(
  report: { verdict: { inconclusive: unknown[] }; totals: { checks: Record<string, number> } } & Certified,
  ci: { ci_verdict: 'accepted' | 'new-failures' | 'stale' },
): ExitCode {
  if (ci.ci_verdict === 'new-failures') return EXIT.nonConformant;
  if (report.verdict.inconclusive.length > 0 || (report.totals.checks['error'] ?? 0) > 0) return EXIT.operational;
  if (ci.ci_verdict === 'stale') return EXIT.stale;
  return conformantOr(report);
}
