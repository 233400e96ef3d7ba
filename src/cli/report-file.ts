// Reading a report.json a command is given (diff, merge, matrix): it must parse and match
// schemas/report.schema.json; otherwise a usage error names the file, line and JSON pointer.

import { readFile } from 'node:fs/promises';
import { formatProblem } from '../kit/flows/errors.js';
import { parseJsonSource } from '../kit/flows/source.js';
import type { Report } from '../kit/report/build.js';
import { reportSchemaProblems } from '../kit/report/write.js';
import { usageError } from './exit-codes.js';

const MAX_LISTED_PROBLEMS = 5;

/** A report.json that parses and matches schemas/report.schema.json, or a usage error naming the file. */
export async function readReportFile(file: string, command: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw usageError(`${command}: cannot read ${file}: ${(e as Error).message}`);
  }
  const parsed = parseJsonSource(file, text);
  // V8 may quote a multi-line excerpt of the text after the reason: keep the reason only.
  if (!parsed.ok) throw usageError(`${command}: ${formatProblem({ ...parsed.problem, message: parsed.problem.message.replace(/, \.\.\.[\s\S]*$|, "[\s\S]*" is not valid JSON$/, '') })}`);
  const problems = reportSchemaProblems(parsed.source.value);
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => {
      const pointer = /^(\S*):/.exec(p)?.[1];
      const line = pointer && pointer !== '(root)' ? parsed.source.lineOf(pointer) : undefined;
      return `  ${file}${line === undefined ? '' : `:${line}`}: ${p}`;
    });
    const more = problems.length > MAX_LISTED_PROBLEMS ? `\n  … and ${problems.length - MAX_LISTED_PROBLEMS} more` : '';
    throw usageError(`${command}: ${file} is not a mplp-conformance report.json (schemas/report.schema.json):\n${shown.join('\n')}${more}`);
  }
  return parsed.source.value as Report;
}

