// `mplp-conformance diff OLD NEW`: compare two report.json files; exit 1 on any regression.

import type { Report } from '../../kit/report/build.js';
import { diffReports, renderDiff } from '../../kit/report/diff.js';
import { choiceOption, stringOption, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../exit-codes.js';
import type { Output } from '../output.js';
import { readReportFile } from '../report-file.js';

const FORMATS = ['pretty', 'json'] as const;

async function execute(parsed: Parsed, output: Output): Promise<number> {
  const [oldFile, newFile] = parsed.positionals;
  if (oldFile === undefined || newFile === undefined) throw usageError('diff: expects two report.json files: mplp-conformance diff OLD NEW');
  const format = choiceOption('format', stringOption(parsed.values['format']), FORMATS) ?? 'pretty';
  const [oldReport, newReport] = [await readReportFile(oldFile, 'diff'), await readReportFile(newFile, 'diff')];
  for (const [file, report] of [[oldFile, oldReport], [newFile, newReport]] as const) {
    if (report.incomplete) output.err(`diff: warning: ${file} is INCOMPLETE (interrupted by ${report.incomplete.signal}; ${report.incomplete.checks_not_run} check(s) not run): its verdicts are not valid`);
  }
  const diff = diffReports(oldReport, newReport);
  output.out(format === 'json' ? `${JSON.stringify(diff, null, 2)}\n` : renderDiff(diff, newReport));
  return diff.regression ? EXIT.nonConformant : EXIT.conformant;
}

export const diffCommand: Command = {
  name: 'diff',
  summary: 'Compare two report.json files: newly failing and passing checks, changed evidence, verdict hash.',
  positionals: '<old report.json> <new report.json>',
  maxPositionals: 2,
  flags: {
    format: { type: 'string', value: '<pretty|json>', description: 'Print the comparison as text or as JSON (default pretty).' },
  },
  notes: ['Exit codes: 0 no regression; 1 a regression (a check, requirement or level got worse); 4 a file is missing, unreadable or not a report.json.'],
  execute,
};
