// `mplp-conformance replay <flow-file>`: run one golden flow (a counterexample or any flow
// file) against an adapter and print its result in full.

import { traceLines } from '../../kit/call-trace.js';
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { DEFAULT_FLOWS_DIR } from '../../kit/discover.js';
import { FlowError, importUpstreamFlow, isUpstreamFixture, loadFlowFile } from '../../kit/flows/index.js';
import { runChecks, DEFAULT_RUN_OPTIONS, type CheckRecord } from '../../kit/runner.js';
import { choiceOption, stringOption, type Parsed } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../exit-codes.js';
import type { Output } from '../output.js';
import { inline } from '../../kit/report/tally.js';
import { disposeTarget, kitPaths, loadCatalogueOrFail, loadTargetOrFail, VSL_FLAG } from '../setup.js';
import { ADAPTER_FLAG, readSeed, readTimeouts, TIMEOUT_FLAG } from './run.js';

const REPLAY_FORMATS = ['pretty', 'json'] as const;

/** Exit code of a single replayed check. */
const EXIT_BY_OUTCOME: Record<CheckRecord['outcome'], number> = {
  pass: EXIT.conformant,
  skipped: EXIT.conformant,
  fail: EXIT.nonConformant,
  error: EXIT.operational,
  blocked: EXIT.operational,
  inconclusive: EXIT.operational,
};

function renderRecord(record: CheckRecord, seed: number): string {
  const lines = [`${record.outcome.toUpperCase()} ${record.id} (${record.requirements.join(', ')}) seed ${seed}`, `  ${record.message}`];
  if (record.expected !== undefined) lines.push(`  expected: ${inline(record.expected, 2000)}`);
  if (record.seen !== undefined) lines.push(`  seen:     ${inline(record.seen, 2000)}`);
  for (const e of record.events ?? []) lines.push(`  event:    ${inline(e, 400)}`);
  if (record.evidence !== undefined) lines.push(`  evidence: ${inline(record.evidence, 2000)}`);
  for (const cmd of record.replay ?? []) lines.push(`  replay:   ${cmd}`);
  if (record.trace) lines.push(...traceLines(record.trace, 400));
  return lines.join('\n');
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

async function execute(parsed: Parsed, output: Output): Promise<number> {
  const { values } = parsed;
  const file = parsed.positionals[0];
  if (file === undefined) throw usageError('replay: which flow file? usage: mplp-conformance replay <flow-file> [--adapter <spec>]');
  const format = choiceOption('format', stringOption(values['format']), REPLAY_FORMATS) ?? 'pretty';
  const seed = readSeed(values);
  const timeouts = readTimeouts(values);
  const paths = kitPaths({ catalogue: stringOption(values['catalogue']) });
  const catalogue = await loadCatalogueOrFail(paths.catalogue);

  let check;
  const path = resolve(file);
  try {
    // A folder: an upstream golden-flow fixture (input/, expected/, invariants.yaml), imported first.
    if (await isDirectory(path)) {
      if (!(await isUpstreamFixture(path))) throw usageError(`replay: ${file} is a folder: pass a flow file, or an upstream golden-flow fixture folder (one with input/)`);
      check = await importUpstreamFlow(path);
    } else check = await loadFlowFile(path);
  } catch (e) {
    if (e instanceof FlowError) throw usageError(`replay: ${e.problems.map((p) => `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`).join('\n')}`);
    throw e;
  }
  const flowCheck = { ...check, origin: check.origin ?? { file: resolve(file), kind: 'flow' as const } };
  const target = await loadTargetOrFail(stringOption(values['adapter']), timeouts.operationTimeoutMs, stringOption(values['vsl']));
  try {
    // `run --only <id>` finds the flow only when it is one of the kit's own; else replay it from its file.
    const kitFlow = flowCheck.origin.file.startsWith(resolve(DEFAULT_FLOWS_DIR) + sep);
    const run = await runChecks(target, [flowCheck], catalogue, { ...DEFAULT_RUN_OPTIONS, ...timeouts, level: 'full', only: [flowCheck.id], seed, replayFlags: kitFlow ? [] : null, trace: values['trace'] === true });
    const record = run.records[0]!;
    output.out(format === 'json' ? JSON.stringify(record, null, 2) : renderRecord(record, seed));
    return EXIT_BY_OUTCOME[record.outcome];
  } finally {
    const problem = await disposeTarget(target, timeouts.operationTimeoutMs);
    if (problem) output.err(`warning: ${problem}`);
  }
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 'Run one golden-flow file (for example a counterexample from a report), or one upstream golden-flow fixture folder, against an adapter and print the full result.',
  positionals: '<flow-file|fixture-dir>',
  maxPositionals: 1,
  flags: {
    adapter: ADAPTER_FLAG,
    vsl: VSL_FLAG,
    seed: { type: 'string', value: '<n>', description: 'Seed (default: random, printed in the result).' },
    timeout: TIMEOUT_FLAG,
    'check-timeout': { type: 'string', value: '<ms>', description: 'Limit for the whole flow (default max(60000, 4 × --timeout)).' },
    format: { type: 'string', value: '<pretty|json>', description: 'Output style (default pretty).' },
    catalogue: { type: 'string', value: '<file>', description: 'Requirement catalogue (kit development).' },
    trace: { type: 'boolean', description: 'Print every adapter call of the flow (arguments, result or error, duration; JSON-RPC lines of a stdio runtime).' },
  },
  notes: ['Exit codes: 0 pass (or skipped); 1 fail; 3 error; 4 usage error or malformed flow file (reported as file:line).'],
  execute,
};
