// `mplp-conformance import-upstream <dir> [--out <dir>]`: upstream's golden-flow fixture folders
// (tests/golden/flows/*, or one fixture) become the kit's golden flows, which `run --flows`,
// `replay` and CI then use like any other. Every fixture is either imported (with notes on what
// the import changed or left out) or refused with the reason.

import { resolve } from 'node:path';
import { FlowError, formatProblem, importUpstream, type ImportResult } from '../../kit/flows/index.js';
import { choiceOption, stringOption, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../exit-codes.js';
import type { Output } from '../output.js';

const FORMATS = ['pretty', 'json'] as const;

export function renderImport(result: ImportResult): string {
  const lines = [`upstream ${result.source} → ${result.out}: ${result.imported.length} imported, ${result.refused.length} refused`];
  for (const i of result.imported) {
    lines.push(`  imported flow.${i.id}  ${i.file}`);
    for (const n of i.notes) lines.push(`           note: ${n}`);
  }
  for (const r of result.refused) lines.push(`  REFUSED  ${r.fixture}: ${r.reason}`);
  return `${lines.join('\n')}\n`;
}

/** Imports or turns the failure to read the source into a usage error. */
export async function importOrFail(source: string, out: string): Promise<ImportResult> {
  try {
    return await importUpstream(source, out);
  } catch (e) {
    if (e instanceof FlowError) throw usageError(`import-upstream: ${e.problems.map(formatProblem).join('\n')}`);
    throw e;
  }
}

async function execute(parsed: Parsed, output: Output): Promise<number> {
  const source = parsed.positionals[0];
  if (source === undefined) throw usageError('import-upstream: which folder? usage: mplp-conformance import-upstream <dir> [--out <dir>]');
  const format = choiceOption('format', stringOption(parsed.values['format']), FORMATS) ?? 'pretty';
  const out = resolve(stringOption(parsed.values['out']) ?? 'upstream-flows');
  const result = await importOrFail(source, out);
  output.out(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderImport(result));
  if (result.imported.length === 0) {
    output.err(`import-upstream: nothing in ${result.source} could be imported`);
    return EXIT.usage;
  }
  if (format === 'pretty') output.err(`run them: mplp-conformance run --flows ${out} (only these), or run --upstream ${result.source} (with the kit's own checks)`);
  return EXIT.conformant;
}

export const importUpstreamCommand: Command = {
  name: 'import-upstream',
  summary: "Turn upstream's golden-flow fixture folders (input/, expected/, invariants.yaml) into the kit's golden flows; every fixture is imported or refused with the reason.",
  positionals: '<dir>',
  maxPositionals: 1,
  flags: {
    out: { type: 'string', value: '<dir>', description: 'Where the flows are written: <id>.yaml plus <id>/ data files (default ./upstream-flows).' },
    format: { type: 'string', value: '<pretty|json>', description: 'Output style (default pretty).' },
  },
  notes: [
    '<dir> is one fixture folder, a folder of them (upstream tests/golden/flows), or upstream tests/golden itself.',
    'Each flow registers the inputs, submits the plan, replays the Confirm decisions of expected/ (else input/) confirm.json — rejected rounds are resubmitted — runs it, and grades the run, the fixture\'s invariants and its expected objects (plan and step statuses as completed).',
    'Exit codes: 0 at least one fixture imported (refusals are listed); 4 nothing could be imported, or the folder cannot be read.',
  ],
  execute,
};
