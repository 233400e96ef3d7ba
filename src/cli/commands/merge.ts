// `mplp-conformance merge <report.json…>`: the shards of one sharded run (`run --shard i/n`, one
// per CI machine) become one report, written like a run's (report.json, junit.xml, summary.md,
// index.html, badge.json), with the unsharded run's verdicts and verdict hash.

import { resolve } from 'node:path';
import { describeThrown } from '../../adapter/load.js';
import { BaselineError, openBaseline, renderJudgement, settleBaseline } from '../../kit/baseline/index.js';
import { MergeError, mergeShardReports, type ShardReport } from '../../kit/merge.js';
import { writeReport } from '../../kit/report/write.js';
import { choiceOption, stringOption, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { baselineExitCode, runExitCode, usageError } from '../exit-codes.js';
import type { Output } from '../output.js';
import { readReportFile } from '../report-file.js';
import { publishReport } from '../run-extras.js';
import { FORMATS, renderRun } from '../run-console.js';
import { kitPaths, loadCatalogueOrFail, loadChecksOrFail } from '../setup.js';

async function execute(parsed: Parsed, output: Output): Promise<number> {
  const { values } = parsed;
  if (parsed.positionals.length === 0) throw usageError('merge: which reports? usage: mplp-conformance merge <shard report.json…>');
  const format = choiceOption('format', stringOption(values['format']), FORMATS) ?? 'pretty';
  const reportDir = resolve(stringOption(values['report-dir']) ?? 'reports');
  const shards: ShardReport[] = [];
  for (const file of parsed.positionals) shards.push({ file, report: await readReportFile(file, 'merge') });
  const paths = kitPaths({ catalogue: stringOption(values['catalogue']) });
  const catalogue = await loadCatalogueOrFail(paths.catalogue);
  let report;
  try {
    report = mergeShardReports(shards, catalogue);
  } catch (e) {
    if (e instanceof MergeError) throw usageError(`merge: the reports are not the shards of one run (${e.problems.length} problem(s)):\n  ${e.problems.join('\n  ')}`);
    throw e;
  }
  const baselineFile = stringOption(values['baseline']);
  let settled;
  if (baselineFile !== undefined && !report.incomplete) {
    try {
      const baseline = await openBaseline(baselineFile, catalogue, await loadChecksOrFail(catalogue, kitPaths({})), false);
      settled = await settleBaseline(report, baseline, { allowStale: values['allow-stale'] === true, update: false });
      Object.assign(report, { baseline: settled.judgement });
    } catch (e) {
      if (e instanceof BaselineError) throw usageError(`the baseline is unusable (${e.problems.length} problem(s)):\n  ${e.message.split('\n').join('\n  ')}`);
      throw e;
    }
  }
  const written = await writeReport(report, reportDir).catch((e: unknown) => {
    throw usageError(`cannot write the report under ${reportDir}: ${describeThrown(e)}`);
  });
  await publishReport(written, reportDir, stringOption(values['report-file']));
  for (const problem of written.schemaProblems) output.err(`warning: report.json does not match schemas/report.schema.json: ${problem}`);
  if (format === 'pretty') output.err(`merged ${shards.length} shard(s): ${report.merged_from.map((m) => `${m.shard} ${m.verdict_hash.slice(0, 12)}`).join(', ')} → verdict hash ${report.verdict_hash.slice(0, 12)}`);
  output.out(renderRun(format, report, written));
  if (settled) (format === 'pretty' ? output.out : output.err)(renderJudgement(settled.judgement));
  return settled ? baselineExitCode(report, settled.judgement) : runExitCode(report);
}

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'Merge the report.json files of the shards of one run (run --shard i/n) into one report with the unsharded run\'s verdicts and verdict hash.',
  positionals: '<report.json…>',
  maxPositionals: 256,
  flags: {
    'report-dir': { type: 'string', value: '<dir>', description: 'Where the merged report is written (default reports/).' },
    'report-file': { type: 'string', value: '<file>', description: 'Also write the merged report.json to this path.' },
    format: { type: 'string', value: '<pretty|json|quiet|tap>', description: 'Console output (default pretty).' },
    baseline: { type: 'string', value: '<file>', description: 'Judge the merged run against a CI baseline (docs/ci.md).' },
    'allow-stale': { type: 'boolean', description: 'With --baseline: stale entries are reported, not exit 2.' },
    catalogue: { type: 'string', value: '<file>', description: 'Requirement catalogue the shards ran with (kit development).' },
  },
  notes: [
    'The shards must be complete (1/n … n/n, each once) and agree on kit version, seed, adapter, level, --only, --exclude, --cases and --max-concurrency; anything else is refused (exit 4) with the files named.',
    'Exit codes: as run: 0 conformant; 1 non-conformant; 3 adapter or operational error; 4 the reports are unreadable or not the shards of one run; with --baseline as run --baseline.',
  ],
  execute,
};
