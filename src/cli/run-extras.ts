// What `run` adds for CI around the kit's run: --exclude and --shard, the checks of --upstream
// folders, the flags a replay command needs, and the stable report paths (--report-file,
// <report-dir>/latest).

import { randomUUID } from 'node:crypto';
import { copyFile, cp, mkdir, rename, rm, symlink } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { Check } from '../kit/check.js';
import { FlowError, formatProblem, loadFlowFile, upstreamImportDir } from '../kit/flows/index.js';
import type { WrittenReport } from '../kit/report/write.js';
import { parseShard, type ShardSpec } from '../kit/shard.js';
import { describeThrown } from '../adapter/load.js';
import { listOption, stringOption, type Parsed } from './args.js';
import type { FlagSpec } from './command.js';
import { importOrFail } from './commands/import-upstream.js';
import { usageError } from './exit-codes.js';
import type { Output } from './output.js';

export const CI_FLAGS: Record<string, FlagSpec> = {
  exclude: { type: 'string', multiple: true, value: '<area|id>', description: 'Leave out an area, a requirement id (or prefix) or a check id (or prefix), and the checks that need it; repeatable or comma-separated. Makes the run partial.' },
  shard: { type: 'string', value: '<i/n>', description: 'Run shard i of n (needs --seed): checks are dealt round-robin, property cases split; merge the shards\' report.json files with mplp-conformance merge.' },
  upstream: { type: 'string', multiple: true, value: '<dir>', description: "Also run upstream's golden-flow fixture folders (imported into <report-dir>/upstream/; see import-upstream); repeatable." },
  'report-file': { type: 'string', value: '<file>', description: 'Also write report.json to this path (a stable name for CI). <report-dir>/latest always points at the last run.' },
};

export interface SelectionExtras {
  exclude: string[];
  shard?: ShardSpec;
}

export function readSelectionExtras(values: Parsed['values']): SelectionExtras {
  const exclude = listOption(values['exclude']);
  const text = stringOption(values['shard']);
  if (text === undefined) return { exclude };
  const shard = parseShard(text);
  if (typeof shard === 'string') throw usageError(shard);
  if (stringOption(values['seed']) === undefined) throw usageError('--shard needs --seed: every shard must draw the same cases (use one seed for all shards, e.g. the CI run number)');
  return { exclude, shard };
}

/** Flags a `run --only <check>` replay needs besides adapter, seed and cases: where the checks came from, and limits that change outcomes. */
export function replayFlagsOf(values: Parsed['values']): string[] {
  const flags: string[] = [];
  for (const name of ['catalogue', 'suites', 'flows'] as const) {
    const v = stringOption(values[name]);
    if (v !== undefined) flags.push(`--${name}`, resolve(v));
  }
  for (const dir of listOption(values['upstream'])) flags.push('--upstream', resolve(dir));
  for (const name of ['max-concurrency', 'timeout', 'check-timeout'] as const) {
    const v = stringOption(values[name]);
    if (v !== undefined) flags.push(`--${name}`, v);
  }
  return flags;
}

export interface UpstreamRun {
  checks: Check[];
  /** report.json `upstream`. */
  summary: { source: string; imported: string[]; refused: { fixture: string; reason: string }[] }[];
}

/** Imports every --upstream folder under the report folder and loads its flows; refusals are printed, not fatal. */
export async function upstreamChecksOrFail(values: Parsed['values'], reportDir: string, output: Output): Promise<UpstreamRun> {
  const run: UpstreamRun = { checks: [], summary: [] };
  for (const dir of listOption(values['upstream'])) {
    const result = await importOrFail(dir, upstreamImportDir(reportDir, dir));
    for (const r of result.refused) output.err(`upstream: refused ${r.fixture}: ${r.reason}`);
    if (result.imported.length === 0) throw usageError(`--upstream ${dir}: no fixture could be imported (${result.refused.length} refused)`);
    for (const i of result.imported) {
      try {
        run.checks.push(await loadFlowFile(i.file));
      } catch (e) {
        if (e instanceof FlowError) throw usageError(`--upstream ${dir}: ${e.problems.map(formatProblem).join('; ')}`);
        throw e;
      }
    }
    run.summary.push({ source: result.source, imported: result.imported.map((i) => `flow.${i.id}`), refused: result.refused });
  }
  return run;
}

/** <report-dir>/latest → the run's folder (a relative symlink; a copy where links are not allowed), and --report-file. */
export async function publishReport(written: WrittenReport, reportDir: string, reportFile: string | undefined): Promise<void> {
  const latest = resolve(reportDir, 'latest');
  try {
    await pointLatest(latest, relative(reportDir, written.dir), written.dir);
  } catch (e) {
    throw usageError(`cannot write ${latest}: ${describeThrown(e)}`);
  }
  if (reportFile === undefined) return;
  try {
    await mkdir(dirname(resolve(reportFile)), { recursive: true });
    await copyFile(written.files.report, resolve(reportFile));
  } catch (e) {
    throw usageError(`--report-file ${reportFile}: ${describeThrown(e)}`);
  }
}

/**
 * Points `latest` at the run's folder. The link is made under a name of its own and renamed over
 * `latest`, so runs sharing a report folder (CI shards, parallel replays) never meet a half-made
 * one: the last rename wins. Where links are not allowed, `latest` is a copy.
 */
async function pointLatest(latest: string, target: string, runDir: string): Promise<void> {
  const temp = `${latest}.${randomUUID()}`;
  try {
    await symlink(target, temp, 'dir');
  } catch {
    await rm(latest, { recursive: true, force: true });
    await cp(runDir, latest, { recursive: true });
    return;
  }
  try {
    await rename(temp, latest);
  } catch {
    // `latest` is a directory (an earlier copy): it cannot be renamed over.
    await rm(latest, { recursive: true, force: true });
    await rename(temp, latest).catch(async (e: unknown) => {
      await rm(temp, { force: true });
      throw e;
    });
  }
}
