// `merge`: the report.json files of the shards of one sharded run (`--shard i/n`) become the
// report the unsharded run with the same seed would have written: the same checks and
// outcomes, the same requirement and level verdicts, the same verdict hash. The shards must
// be complete (1..n, each once) and agree on everything that decides outcomes; anything else is
// refused with the file named. Rules for combining records: src/kit/shard.ts.

import { mergedCertificationInput } from './certification.js';
import type { AdapterDescription } from '../adapter/contract.js';
import type { Catalogue } from './catalogue.js';
import type { Check } from './check.js';
import { buildReport, makeRunId, type Report } from './report/build.js';
import type { CheckRecord, RunOptions, RunResult } from './runner.js';
import { mergeSplitRecords } from './shard.js';

export interface ShardReport {
  file: string;
  report: Report;
}

export class MergeError extends Error {
  override name = 'MergeError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

export type MergedReport = Report & { merged_from: { file: string; run_id: string; shard: string; verdict_hash: string }[] };

const canon = (v: unknown) => JSON.stringify(v ?? null);

/** What every shard must agree on, as [label, value] pairs. */
function identity(r: Report): [string, unknown][] {
  return [
    ['kit version', r.kit.version],
    ['seed', r.seed],
    ['adapter', { spec: r.adapter.spec, name: r.adapter.name, version: r.adapter.version, capabilities: r.adapter.capabilities }],
    ['level', r.options.level],
    ['--only', r.options.only],
    ['--exclude', r.options.exclude ?? []],
    ['--cases', r.options.property_cases ?? null],
    ['--max-concurrency', r.options.max_concurrency],
    ['shard count', r.shard?.count],
    ['selection', r.shard?.selection],
    ['requirements in scope', r.requirements.map((q) => q.id)],
  ];
}

function consistencyProblems(shards: readonly ShardReport[]): string[] {
  const problems: string[] = [];
  for (const s of shards) if (!s.report.shard) problems.push(`${s.file}: not a shard report (no "shard"; run with --shard i/n)`);
  if (problems.length > 0) return problems;
  const [first, ...rest] = shards as [ShardReport, ...ShardReport[]];
  const base = identity(first.report);
  for (const s of rest) {
    identity(s.report).forEach(([label, value], i) => {
      if (canon(value) !== canon(base[i]![1])) problems.push(`${s.file}: ${label} differs from ${first.file} (${canon(value).slice(0, 120)} vs ${canon(base[i]![1]).slice(0, 120)})`);
    });
  }
  if (problems.length > 0) return problems;
  const count = first.report.shard!.count;
  const byIndex = new Map<number, string[]>();
  for (const s of shards) byIndex.set(s.report.shard!.index, [...(byIndex.get(s.report.shard!.index) ?? []), s.file]);
  for (const [index, files] of byIndex) if (files.length > 1) problems.push(`shard ${index}/${count} is given ${files.length} times: ${files.join(', ')}`);
  for (let i = 1; i <= count; i++) if (!byIndex.has(i)) problems.push(`shard ${i}/${count} is missing (given: ${[...byIndex.keys()].sort((a, b) => a - b).map((k) => `${k}/${count}`).join(', ')})`);
  if (problems.length > 0) return problems;
  // Every check of the selection is split, or owned by exactly one shard.
  const owners = new Map<string, string[]>();
  for (const s of shards) for (const id of s.report.shard!.owned) owners.set(id, [...(owners.get(id) ?? []), s.file]);
  const split = new Set(first.report.shard!.split);
  for (const id of first.report.shard!.selection) {
    const by = owners.get(id) ?? [];
    if (!split.has(id) && by.length !== 1) problems.push(by.length === 0 ? `no shard owns ${id}` : `${id} is owned by ${by.length} shards: ${by.join(', ')}`);
  }
  for (const s of shards) {
    const ran = new Set(s.report.checks.map((c) => c.id));
    const missing = [...s.report.shard!.owned, ...s.report.shard!.split].filter((id) => !ran.has(id));
    if (missing.length > 0) problems.push(`${s.file}: has no record of ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}, which shard ${s.report.shard!.index}/${count} runs`);
  }
  return problems;
}

/** The stand-in for a check that only exists as a record now. */
function recordedCheck(record: CheckRecord): Check {
  return {
    id: record.id,
    title: record.title,
    requirements: [...record.requirements],
    ...(record.file === undefined ? {} : { origin: { file: record.file, kind: record.kind } }),
    run: () => Promise.reject(new Error(`${record.id} is a record of a merged report; run it with mplp-conformance run --only ${record.id}`)),
  };
}

const INTERRUPTED = /^not run: the run was interrupted/;

export function mergeShardReports(shards: readonly ShardReport[], catalogue: Catalogue): MergedReport {
  if (shards.length === 0) throw new MergeError(['no report given']);
  const problems = consistencyProblems(shards);
  if (problems.length > 0) throw new MergeError(problems);
  const sorted = [...shards].sort((a, b) => a.report.shard!.index - b.report.shard!.index);
  const first = sorted[0]!.report;
  const unknown = first.requirements.map((r) => r.id).filter((id) => !catalogue.byId.has(id));
  if (unknown.length > 0) throw new MergeError([`${sorted[0]!.file}: requirement(s) ${unknown.join(', ')} are not in ${catalogue.file} (merge with the catalogue the shards ran with: --catalogue)`]);

  const split = new Set(first.shard!.split);
  const owner = new Map<string, Report>();
  for (const s of sorted) for (const id of s.report.shard!.owned) owner.set(id, s.report);
  const records: CheckRecord[] = first.shard!.selection.map((id) => {
    if (split.has(id)) return mergeSplitRecords(sorted.map((s) => s.report.checks.find((c) => c.id === id)!));
    return owner.get(id)!.checks.find((c) => c.id === id)!;
  });

  const started = sorted.map((s) => s.report.timing.started_at).sort()[0]!;
  const finished = sorted.map((s) => s.report.timing.finished_at).sort().at(-1)!;
  const incomplete = sorted.find((s) => s.report.incomplete)?.report.incomplete ?? undefined;
  const run: RunResult = {
    selection: {
      checks: records.map(recordedCheck),
      requirements: first.requirements.map((r) => r.id),
      partial: first.options.only.length > 0 || (first.options.exclude ?? []).length > 0,
      unmatched: [],
    },
    records,
    started_at: started,
    finished_at: finished,
    duration_ms: Math.max(0, Date.parse(finished) - Date.parse(started)),
  };
  const bailed = sorted.find((s) => s.report.bailed_after)?.report.bailed_after;
  if (bailed) run.bailedAfter = bailed;
  if (incomplete) run.interrupted = { signal: incomplete.signal, at: incomplete.at, notRun: records.filter((r) => r.outcome === 'blocked' && INTERRUPTED.test(r.message)).map((r) => r.id) };

  const o = first.options;
  const options: RunOptions = {
    level: o.level,
    only: [...o.only],
    ...(o.exclude ? { exclude: [...o.exclude] } : {}),
    seed: first.seed,
    operationTimeoutMs: o.operation_timeout_ms,
    checkTimeoutMs: o.check_timeout_ms,
    concurrency: o.concurrency,
    bail: o.bail,
    maxConcurrency: o.max_concurrency,
    ...(o.property_cases === null || o.property_cases === undefined ? {} : { propertyCases: o.property_cases }),
    runId: makeRunId(new Date().toISOString(), first.seed),
  };
  const a = first.adapter;
  const description: AdapterDescription = { name: a.name, version: a.version, ...(a.contract_version === undefined ? {} : { contract_version: a.contract_version }), capabilities: a.capabilities };
  const certification = mergedCertificationInput(sorted.map((s) => s.report));
  const report = buildReport({ run, catalogue, description, ...(a.spec === null ? {} : { adapterSpec: a.spec }), options, untested: [...first.untested], ...(certification ? { certification } : {}) });
  const upstream = sorted.find((s) => (s.report as { upstream?: unknown }).upstream)?.report as { upstream?: unknown } | undefined;
  return Object.assign(report, {
    ...(upstream?.upstream ? { upstream: upstream.upstream } : {}),
    merged_from: sorted.map((s) => ({ file: s.file, run_id: s.report.run_id, shard: `${s.report.shard!.index}/${s.report.shard!.count}`, verdict_hash: s.report.verdict_hash })),
  });
}
