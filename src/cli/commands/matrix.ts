// `mplp-conformance matrix <report.json…> --out matrix.html`: requirements × implementations
// from several runs (the reference in process, the reference over stdio, a vendor runtime, …),
// each cell linking to its evidence in that run's HTML report.

import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { describeThrown } from '../../adapter/load.js';
import { buildMatrix, renderMatrixHtml, renderMatrixMarkdown, type MatrixInput } from '../../kit/report/matrix.js';
import { listOption, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../exit-codes.js';
import type { Output } from '../output.js';
import { readReportFile } from '../report-file.js';

async function execute(parsed: Parsed, output: Output): Promise<number> {
  const files = parsed.positionals;
  if (files.length === 0) throw usageError('matrix: which reports? usage: mplp-conformance matrix <report.json…> [--out matrix.html] [--out matrix.md]');
  const labels = listOption(parsed.values['label']);
  if (labels.length > 0 && labels.length !== files.length) throw usageError(`matrix: --label given ${labels.length} time(s) for ${files.length} report(s): give one label per report, in order`);
  const inputs: MatrixInput[] = [];
  // Links point at the run's own folder, not at a moving <report-dir>/latest.
  for (const [i, file] of files.entries()) inputs.push({ file: await realpath(file).catch(() => resolve(file)), report: await readReportFile(file, 'matrix'), ...(labels[i] ? { label: labels[i] } : {}) });
  const outs = listOption(parsed.values['out']);
  if (outs.length === 0) {
    output.out(renderMatrixMarkdown(buildMatrix(inputs, resolve('matrix.md'))));
    return EXIT.conformant;
  }
  for (const out of outs) {
    const file = resolve(out);
    const ext = extname(file).toLowerCase();
    if (!['.html', '.htm', '.md', '.markdown'].includes(ext)) throw usageError(`matrix: --out ${out}: the file must end in .html or .md`);
    const matrix = buildMatrix(inputs, file);
    const text = ext === '.md' || ext === '.markdown' ? renderMatrixMarkdown(matrix) : renderMatrixHtml(matrix);
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
    } catch (e) {
      throw usageError(`matrix: cannot write ${out}: ${describeThrown(e)}`);
    }
    output.err(`matrix: ${matrix.rows.length} requirements × ${matrix.columns.length} implementation(s) → ${file}`);
  }
  return EXIT.conformant;
}

export const matrixCommand: Command = {
  name: 'matrix',
  summary: 'Requirements × implementations from several report.json files, each cell linking to its evidence (HTML page and/or Markdown).',
  positionals: '<report.json…>',
  maxPositionals: 256,
  flags: {
    out: { type: 'string', multiple: true, value: '<file>', description: 'Write the matrix: .html (one self-contained page) or .md; repeatable. Default: Markdown on stdout.' },
    label: { type: 'string', multiple: true, value: '<name>', description: 'Column heading per report, in order (default: adapter name and version); repeatable.' },
  },
  notes: ['Cells link to #req-<id> in the index.html beside each report.json, relative to the output file: keep the report folders where the links point (e.g. publish them together).', 'Exit codes: 0 written; 4 a report is unreadable or not a report.json, or an output cannot be written.'],
  execute,
};
