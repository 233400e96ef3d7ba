// `mplp-conformance run`: grade an adapter against the catalogue and write the reports.

import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { describeThrown } from '../../adapter/load.js';
import { BaselineError, DEFAULT_BASELINE_FILE, openBaseline, renderJudgement, settleBaseline, type Baseline } from '../../kit/baseline/index.js';
import type { Catalogue } from '../../kit/catalogue.js';
import type { Check } from '../../kit/check.js';
import { runConformance } from '../../kit/conformance.js';
import { makeRunId, type Report } from '../../kit/report/build.js';
import { githubAnnotations } from '../../kit/report/annotations.js';
import { writeReport } from '../../kit/report/write.js';
import { DEFAULT_RUN_OPTIONS, type RunOptions } from '../../kit/runner.js';
import { selectChecks, type ConformanceLevel } from '../../kit/select.js';
import { choiceOption, intOption, listOption, stringOption, type Parsed } from '../args.js';
import type { Command, FlagSpec } from '../command.js';
import { baselineExitCode, EXIT, runExitCode, usageError } from '../exit-codes.js';
import type { Output } from '../output.js';
import { onInterrupt, SIGNAL_EXIT } from '../interrupt.js';
import { FORMATS, progressLine, renderRun } from '../run-console.js';
import { watchRuns } from '../watch.js';
import { CI_FLAGS, publishReport, readSelectionExtras, replayFlagsOf, upstreamChecksOrFail } from '../run-extras.js';
import { certificationInput, checkTargetSpecOrFail, disposeTarget, kitPaths, loadCatalogueOrFail, loadChecksOrFail, loadTargetOrFail, VSL_FLAG } from '../setup.js';

const LEVELS: readonly ConformanceLevel[] = ['core', 'full'];
const MAX_SEED = 2 ** 32 - 1;

/** Flags `run` shares with `list` and `replay`: where the kit's own data lives. */
export const KIT_FLAGS: Record<string, FlagSpec> = {
  catalogue: { type: 'string', value: '<file>', description: 'Requirement catalogue (kit development; default: suites/requirements.yaml).' },
  suites: { type: 'string', value: '<dir>', description: 'Folder of *.check.ts files (kit development; default: suites/).' },
  flows: { type: 'string', value: '<dir>', description: 'Folder of golden flows (kit development; default: golden-flows/).' },
};

export const ADAPTER_FLAG: FlagSpec = {
  type: 'string',
  short: 'a',
  value: '<spec>',
  description: 'Adapter module (.ts/.js path), package name, "exec:<command>" or an mplp-adapter.json manifest (any language, over stdio). Default: the embedded reference runtime.',
};

export const TIMEOUT_FLAG: FlagSpec = { type: 'string', value: '<ms>', description: 'Limit for one adapter operation (default 10000); a larger one also lengthens the waits for runs and step arrivals in the same proportion, for slow runtimes.' };

export function readTimeouts(values: Parsed['values']): { operationTimeoutMs: number; checkTimeoutMs: number } {
  const operationTimeoutMs = intOption('timeout', stringOption(values['timeout']), 1) ?? DEFAULT_RUN_OPTIONS.operationTimeoutMs;
  const checkTimeoutMs = intOption('check-timeout', stringOption(values['check-timeout']), 1) ?? Math.max(DEFAULT_RUN_OPTIONS.checkTimeoutMs, 4 * operationTimeoutMs);
  return { operationTimeoutMs, checkTimeoutMs };
}

export function readSeed(values: Parsed['values']): number {
  return intOption('seed', stringOption(values['seed']), 0, MAX_SEED) ?? randomInt(0, 2 ** 31);
}

/** --cases: generated cases per property check. */
function optionalCases(values: Parsed['values']): { propertyCases?: number } {
  const cases = intOption('cases', stringOption(values['cases']), 1, 1_000_000);
  return cases === undefined ? {} : { propertyCases: cases };
}

function readRunOptions(values: Parsed['values']): RunOptions & { runs: number } {
  const { exclude, shard } = readSelectionExtras(values);
  return {
    level: choiceOption('level', stringOption(values['level']), LEVELS) ?? 'full',
    only: listOption(values['only']),
    ...(exclude.length > 0 ? { exclude } : {}),
    ...(shard ? { shard } : {}),
    replayFlags: replayFlagsOf(values),
    seed: readSeed(values),
    ...readTimeouts(values),
    concurrency: intOption('concurrency', stringOption(values['concurrency']), 1, 64) ?? DEFAULT_RUN_OPTIONS.concurrency,
    maxConcurrency: intOption('max-concurrency', stringOption(values['max-concurrency']), 1, 1024) ?? DEFAULT_RUN_OPTIONS.maxConcurrency,
    bail: values['bail'] === true,
    runs: intOption('runs', stringOption(values['runs']), 1, 1000) ?? 1,
    trace: values['trace'] === true,
    ...optionalCases(values),
  };
}

/** --baseline FILE (or the default file with --update-baseline), strictly validated; problems are config errors. */
async function baselineOrFail(values: Parsed['values'], catalogue: Catalogue, checks: readonly Check[]): Promise<Baseline | undefined> {
  const update = values['update-baseline'] === true;
  const file = stringOption(values['baseline']) ?? (update ? DEFAULT_BASELINE_FILE : undefined);
  if (file === undefined) {
    if (values['allow-stale'] === true) throw usageError('--allow-stale needs --baseline <file>');
    return undefined;
  }
  try {
    return await openBaseline(file, catalogue, checks, update);
  } catch (e) {
    if (e instanceof BaselineError) throw usageError(`the baseline is unusable (${e.problems.length} problem(s)):\n  ${e.message.split('\n').join('\n  ')}`);
    throw e;
  }
}

async function execute(parsed: Parsed, output: Output): Promise<number> {
  const { values } = parsed;
  const { runs, ...options } = readRunOptions(values);
  const format = choiceOption('format', stringOption(values['format']), FORMATS) ?? 'pretty';
  // Bad flags fail here, once, rather than in every watched run.
  if (values['watch'] === true) return watchRuns(parsed, output);
  const reportDir = resolve(stringOption(values['report-dir']) ?? 'reports');
  const spec = stringOption(values['adapter']);
  checkTargetSpecOrFail(spec, stringOption(values['vsl']));

  const paths = kitPaths({ catalogue: stringOption(values['catalogue']), suites: stringOption(values['suites']), flows: stringOption(values['flows']), addFlows: listOption(values['add-flows']).map((d) => resolve(d)) });
  const catalogue = await loadCatalogueOrFail(paths.catalogue);
  const upstream = await upstreamChecksOrFail(values, reportDir, output);
  const checks = await loadChecksOrFail(catalogue, paths, upstream.checks);
  const { unmatched, unmatchedExclude, checks: selected } = selectChecks(checks, catalogue, options);
  const certification = await certificationInput(paths, { only: options.only, exclude: options.exclude ?? [], shard: options.shard, upstream: listOption(values['upstream']) });
  if (unmatched.length > 0) throw usageError(`--only ${unmatched.join(',')} matches no area, requirement or check at level ${options.level} (see mplp-conformance list)`);
  if (unmatchedExclude && unmatchedExclude.length > 0) throw usageError(`--exclude ${unmatchedExclude.join(',')} matches no area, requirement or check of this run at level ${options.level} (see mplp-conformance list)`);
  let baseline = await baselineOrFail(values, catalogue, checks);
  // From here on a child process may exist: SIGINT/SIGTERM interrupt the run instead of killing
  // the kit, so the report so far is written and the adapter disposed (src/cli/interrupt.ts).
  const interrupt = onInterrupt(output);
  try {
    const target = await loadTargetOrFail(spec, options.operationTimeoutMs, stringOption(values['vsl']));
    if (format === 'pretty') output.err(`seed ${options.seed}`);

    const reports: Report[] = [];
    let exitCode: number = EXIT.conformant;
    try {
      for (let i = 0; i < runs; i++) {
        const progress = progressLine(output, selected.length, format === 'pretty');
        // Chosen up front so counterexamples written during the run land in its report folder.
        const runId = makeRunId(new Date().toISOString(), options.seed);
        // The first run's wall time covers the process start-up and loading; later ones their own run.
        const wallStartedAt = i === 0 ? performance.timeOrigin : Date.now();
        const runOptions = { ...options, runId, counterexampleDir: join(reportDir, runId, 'counterexamples'), signal: interrupt.signal, wallStartedAt };
        const { report } = await runConformance({ target, checks, catalogue, options: runOptions, progress, certification });
        progress.done();
        // The CI verdict rides along in report.json; the conformance verdict is untouched. An
        // interrupted run is judged against nothing (and never rewrites the baseline).
        const settled = baseline && !report.incomplete ? await settleBaseline(report, baseline, { allowStale: values['allow-stale'] === true, update: values['update-baseline'] === true }) : undefined;
        if (settled) {
          Object.assign(report, { baseline: settled.judgement });
          baseline = settled.baseline;
        }
        if (upstream.summary.length > 0) Object.assign(report, { upstream: upstream.summary });
        const written = await writeReport(report, reportDir).catch((e: unknown) => {
          throw usageError(`cannot write the report under ${reportDir}: ${describeThrown(e)}`);
        });
        await publishReport(written, reportDir, stringOption(values['report-file']));
        for (const problem of written.schemaProblems) output.err(`warning: report.json does not match schemas/report.schema.json: ${problem}`);
        output.out(renderRun(format, report, written));
        const aside = (text: string, onStdout: boolean) => (onStdout ? output.out(text) : output.err(text));
        if (format === 'pretty') output.out(`html:   ${written.files.html}\nbadge:  ${written.files.badge}`);
        if (settled) aside(renderJudgement(settled.judgement), format === 'pretty');
        if (baseline && report.incomplete) output.err(`baseline ${baseline.file}: not judged (nor updated): the run was interrupted`);
        // Workflow commands; stdout stays pure JSON with --format json (the runner reads stderr too).
        if (process.env['GITHUB_ACTIONS'] === 'true') for (const line of await githubAnnotations(report)) aside(line, format !== 'json');
        reports.push(report);
        exitCode = Math.max(exitCode, settled ? baselineExitCode(report, settled.judgement) : runExitCode(report));
        if (report.incomplete) break;
      }
    } finally {
      const disposeProblem = await disposeTarget(target, options.operationTimeoutMs);
      if (disposeProblem) output.err(`warning: ${disposeProblem}`);
    }
    const signal = interrupt.received();
    // Interrupted: 130 (SIGINT) or 143 (SIGTERM), whatever the checks that did run found.
    if (signal !== undefined) return SIGNAL_EXIT[signal];
    if (runs > 1) exitCode = Math.max(exitCode, reportRepeatability(reports, output));
    return exitCode;
  } finally {
    interrupt.dispose();
  }
}

/** With --runs N: the same seed must give the same verdicts; name the checks that flipped. */
function reportRepeatability(reports: Report[], output: Output): number {
  const hashes = new Set(reports.map((r) => r.verdict_hash));
  if (hashes.size === 1) {
    output.err(`${reports.length} runs, identical verdicts (hash ${reports[0]!.verdict_hash.slice(0, 12)})`);
    return EXIT.conformant;
  }
  const flipped = reports[0]!.checks
    .map((c) => c.id)
    .filter((id) => new Set(reports.map((r) => r.checks.find((c) => c.id === id)?.outcome)).size > 1);
  output.err(`${reports.length} runs with the same seed gave ${hashes.size} different verdicts; outcomes changed for: ${flipped.join(', ')}`);
  return EXIT.operational;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run the conformance checks against an adapter and write reports/<run-id>/{report.json, junit.xml, summary.md}.',
  positionals: '',
  maxPositionals: 0,
  flags: {
    adapter: ADAPTER_FLAG,
    vsl: VSL_FLAG,
    level: { type: 'string', value: '<core|full>', description: 'Conformance level to judge (default full).' },
    only: { type: 'string', multiple: true, value: '<area|id>', description: 'Run only an area, a requirement id (or prefix) or a check id (or prefix); repeatable or comma-separated.' },
    seed: { type: 'string', value: '<n>', description: 'Seed for everything randomised (default: random, printed).' },
    runs: { type: 'string', value: '<n>', description: 'Repeat the run n times with the same seed and compare verdicts (default 1).' },
    cases: { type: 'string', value: '<n>', description: 'Generated cases per property check (default: 30 for plan properties, 6 for drift workspaces).' },
    timeout: TIMEOUT_FLAG,
    'check-timeout': { type: 'string', value: '<ms>', description: 'Limit for one whole check (default max(60000, 4 × --timeout)).' },
    concurrency: { type: 'string', value: '<n>', description: 'Checks run in parallel (default 1).' },
    'max-concurrency': { type: 'string', value: '<n>', description: 'MAP parallelism limit given to sessions (default 4).' },
    'report-dir': { type: 'string', value: '<dir>', description: 'Where reports are written (default reports/).' },
    format: { type: 'string', value: '<pretty|json|quiet|tap>', description: 'Console output: pretty summary, the report as JSON, one line, or TAP version 14 (default pretty).' },
    bail: { type: 'boolean', description: 'Stop starting checks after the first fail or error.' },
    baseline: { type: 'string', value: '<file>', description: 'CI baseline of accepted failures (docs/ci.md): changes the exit code only, never the conformance verdict.' },
    'allow-stale': { type: 'boolean', description: 'With --baseline: entries whose failure now passes are reported, not exit 2.' },
    'update-baseline': { type: 'boolean', description: `Rewrite the baseline (--baseline, default ${DEFAULT_BASELINE_FILE}) to match this run: drop stale entries, add new failures with a TODO reason.` },
    watch: { type: 'boolean', description: 'Re-run when the adapter\'s files change (first the checks that did not pass, then the rest); Ctrl-C to stop.' },
    trace: { type: 'boolean', description: 'Record every adapter call of every check (arguments, result or error, duration; the JSON-RPC lines of a stdio runtime) in report.json and the HTML report; the console shows them under each failure.' },
    'add-flows': { type: 'string', multiple: true, value: '<dir>', description: 'Also run your own golden flows from this folder (besides the shipped ones); makes the run a development run.' },
    ...CI_FLAGS,
    ...KIT_FLAGS,
  },
  notes: [
    'Exit codes: 0 conformant at the level (a certification run); 1 non-conformant; 3 adapter/operational error (checks ended error, blocked or inconclusive and nothing failed, or the adapter failed while starting); 4 usage or configuration error; 5 a development run (--only, --add-flows, a changed kit, ungraded requirements) in which nothing failed — it claims no level; 130 interrupted by SIGINT (Ctrl-C), 143 stopped by SIGTERM.',
    'Interrupting (Ctrl-C or SIGTERM): no new check starts, the checks in flight are cut off and their sessions closed, the adapter is disposed (runtime processes are stopped) and the report so far is written, marked INCOMPLETE: the checks that did not finish end blocked ("not run: the run was interrupted"), no level is conformant and no baseline is judged. A second Ctrl-C exits at once (130) without writing the report.',
    'With --baseline: 0 nothing but baselined failures; 1 a failure not in the baseline; 2 a stale entry (its failure passes now; not with --allow-stale); 3 adapter/operational error; 4 an invalid, unknown-id, duplicate or expired entry.',
  ],
  execute,
};
