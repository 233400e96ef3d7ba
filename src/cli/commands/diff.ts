// `mplp-conformance diff OLD NEW`: compare two report.json files; exit 1 on any regression.

import { readFile } from 'node:fs/promises';
import type { Report } from '../../kit/report/build.js';
import { diffReports, renderDiff } from '../../kit/report/diff.js';
import { formatProblem } from '../../kit/flows/errors.js';
import { parseJsonSource } from '../../kit/flows/source.js';
import { reportSchemaProblems } from '../../kit/report/write.js';
import { choiceOption, stringOption, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../exit-codes.js';
import type { Output } from '../output.js';

const FORMATS = ['pretty', 'json'] as const;
const MAX_LISTED_PROBLEMS = 5;

/** A report.json that parses and matches schemas/report.schema.json, or a usage error naming the file. */
async function readReport(file: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw usageError(`diff: cannot read ${file}: ${(e as Error).message}`);
  }
  const parsed = parseJsonSource(file, text);
  // V8 may quote a multi-line excerpt of the text after the reason: keep the reason only.
  if (!parsed.ok) throw usageError(`diff: ${formatProblem({ ...parsed.problem, message: parsed.problem.message.replace(/, \.\.\.[\s\S]*$|, "[\s\S]*" is not valid JSON$/, '') })}`);
  const problems = reportSchemaProblems(parsed.source.value);
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => {
      const pointer = /^(\S*):/.exec(p)?.[1];
      const line = pointer && pointer !== '(root)' ? parsed.source.lineOf(pointer) : undefined;
      return `  ${file}${line === undefined ? '' : `:${line}`}: ${p}`;
    });
    const more = problems.length > MAX_LISTED_PROBLEMS ? `\n  … and ${problems.length - MAX_LISTED_PROBLEMS} more` : '';
    throw usageError(`diff: ${file} is not a mplp-conformance report.json (schemas/report.schema.json):\n${shown.join('\n')}${more}`);
  }
  return parsed.source.value as Report;
}

async function execute(parsed: Parsed, output: Output): Promise<number> {
  const [oldFile, newFile] = parsed.positionals;
  if (oldFile === undefined || newFile === undefined) throw usageError('diff: expects two report.json files: mplp-conformance diff OLD NEW');
  const format = choiceOption('format', stringOption(parsed.values['format']), FORMATS) ?? 'pretty';
  const [oldReport, newReport] = [await readReport(oldFile), await readReport(newFile)];
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
