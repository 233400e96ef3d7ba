// Assembles report.json (shape: schemas/report.schema.json) from one run.

import { createHash, randomUUID } from 'node:crypto';
import { arch, cpus, platform } from 'node:os';
import { kitPackage } from '../../package-files.js';
import { CONTRACT_VERSION, type AdapterDescription } from '../../adapter/contract.js';
import type { Catalogue } from '../catalogue.js';
import { OUTCOMES, type Outcome } from '../check.js';
import type { CheckRecord, RunOptions, RunResult } from '../runner.js';
import { certificationOf, type Certification, type CertificationInput } from '../certification.js';
import type { ShardInfo } from '../shard.js';
import { verdictHash } from './hash.js';
import { levelsFor, levelVerdict, REQUIREMENT_VERDICTS, requirementVerdicts, type LevelVerdict, type RequirementVerdict, type RequirementVerdictValue } from './verdicts.js';

const KIT = kitPackage();

export const REPORT_VERSION = 1;
export const SPEC = { protocol: 'MPLP', version: '1.0.0', layer: 'L3' } as const;

export interface Report {
  report_version: number;
  run_id: string;
  kit: { name: string; version: string; contract_version: string };
  spec: typeof SPEC;
  adapter: { spec: string | null; name: string; version: string; contract_version?: string; capabilities: AdapterDescription['capabilities'] };
  seed: number;
  options: {
    level: RunOptions['level'];
    only: string[];
    operation_timeout_ms: number;
    check_timeout_ms: number;
    concurrency: number;
    max_concurrency: number;
    bail: boolean;
    /** Generated cases per property check (--cases); null: each property's own default. */
    property_cases?: number | null;
    /** --exclude filters, when given. */
    exclude?: string[];
  };
  environment: { node: string; platform: string; arch: string; cpus: number };
  /** duration_ms: the checks' run; wall_ms: the whole run (start-up, loading, checks, report);
   *  check_ms: the checks' own time added up (more than duration_ms when checks run in parallel). */
  timing: { started_at: string; finished_at: string; duration_ms: number; wall_ms?: number; check_ms?: number };
  /** The verdict at the requested level (the exit code follows it). */
  verdict: LevelVerdict;
  /** Every level this run can judge (core for a core run; core and full for a full run). */
  levels: LevelVerdict[];
  totals: { checks: Record<Outcome, number>; requirements: Record<RequirementVerdictValue, number> };
  requirements: RequirementVerdict[];
  checks: CheckRecord[];
  /** Catalogue requirements no check grades at all (a gap in the kit, not in the runtime). */
  untested: string[];
  bailed_after: string | null;
  /** Certification or development run (src/kit/certification.ts); absent: built without one (kit API). */
  certification?: Certification;
  /** Set when the run was interrupted (Ctrl-C, SIGTERM, an aborted signal): the checks that did
   *  not finish ended `blocked`, no level is `conformant`, and the verdict is not valid. */
  incomplete?: ReportIncomplete | null;
  /** A shard of a sharded run (`--shard i/n`): its verdict is partial; `merge` joins the shards. */
  shard?: ShardInfo;
  verdict_hash: string;
}

export interface ReportIncomplete {
  /** What interrupted the run: "SIGINT", "SIGTERM", or the abort reason given to the kit API. */
  signal: string;
  /** When the interruption was seen (ISO 8601). */
  at: string;
  /** Checks that never started or were cut off (each ended `blocked`). */
  checks_not_run: number;
}

/** The one sentence every renderer prints for an incomplete report. */
export function incompleteText(incomplete: ReportIncomplete): string {
  return `INCOMPLETE — interrupted by ${incomplete.signal}; verdict not valid (${incomplete.checks_not_run} check(s) not run)`;
}

export interface ReportInput {
  run: RunResult;
  catalogue: Catalogue;
  description: AdapterDescription;
  adapterSpec?: string;
  options: RunOptions;
  untested: string[];
  /** What decides certification besides the verdicts (omit: the report claims no certification status). */
  certification?: Omit<CertificationInput, 'ungraded'>;
}

function count<K extends string>(keys: readonly K[], values: readonly K[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const v of values) out[v] += 1;
  return out;
}

const VERDICTS: readonly RequirementVerdictValue[] = REQUIREMENT_VERDICTS;

/** Timestamp plus a short hash: sortable, and unique even for runs in the same second. */
export function makeRunId(startedAt: string, seed: number): string {
  const stamp = startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const salt = createHash('sha256').update(`${startedAt}|${seed}|${process.pid}|${randomUUID()}`).digest('hex').slice(0, 8);
  return `${stamp}-${salt}`;
}

export function buildReport(input: ReportInput): Report {
  const { run, catalogue, description, options } = input;
  const requirements = requirementVerdicts(catalogue, run.selection.requirements, run.records);
  const interrupted = run.interrupted === undefined ? undefined : {
    signal: run.interrupted.signal,
    // Requirements a check that did not finish would have graded.
    requirements: new Set(run.records.filter((r) => run.interrupted!.notRun.includes(r.id)).flatMap((r) => r.requirements)),
  };
  const levels = levelsFor(options.level).map((l) => levelVerdict(l, requirements, description.capabilities, run.selection.partial, interrupted));
  const incomplete: ReportIncomplete | null = run.interrupted === undefined ? null : { signal: run.interrupted.signal, at: run.interrupted.at, checks_not_run: run.interrupted.notRun.length };
  const requested = levels.find((l) => l.level === options.level)!;
  const certification = input.certification ? certificationOf({ ...input.certification, ungraded: requested.ungraded }) : undefined;
  return {
    report_version: REPORT_VERSION,
    run_id: options.runId ?? makeRunId(run.started_at, options.seed),
    kit: { name: KIT.name, version: KIT.version, contract_version: CONTRACT_VERSION },
    spec: SPEC,
    adapter: {
      spec: input.adapterSpec ?? null,
      name: description.name,
      version: description.version,
      ...(description.contract_version === undefined ? {} : { contract_version: description.contract_version }),
      capabilities: description.capabilities,
    },
    seed: options.seed,
    options: {
      level: options.level,
      only: [...options.only],
      operation_timeout_ms: options.operationTimeoutMs,
      check_timeout_ms: options.checkTimeoutMs,
      concurrency: options.concurrency,
      max_concurrency: options.maxConcurrency,
      bail: options.bail,
      property_cases: options.propertyCases ?? null,
      ...(options.exclude && options.exclude.length > 0 ? { exclude: [...options.exclude] } : {}),
    },
    environment: { node: process.version, platform: platform(), arch: arch(), cpus: cpus().length },
    timing: {
      started_at: run.started_at,
      finished_at: run.finished_at,
      duration_ms: run.duration_ms,
      wall_ms: options.wallStartedAt === undefined ? run.duration_ms : Math.round(Math.max(run.duration_ms, Date.now() - options.wallStartedAt)),
      check_ms: run.records.reduce((n, r) => n + r.duration_ms, 0),
    },
    verdict: requested,
    levels,
    totals: {
      checks: count(OUTCOMES, run.records.map((r) => r.outcome)),
      requirements: count(VERDICTS, requirements.map((r) => r.verdict)),
    },
    requirements,
    checks: run.records,
    untested: input.untested.filter((id) => run.selection.requirements.includes(id)),
    bailed_after: run.bailedAfter ?? null,
    incomplete,
    ...(certification ? { certification } : {}),
    ...(run.selection.shard ? { shard: run.selection.shard } : {}),
    // An incomplete run never shares its hash with a complete one, whatever its outcomes.
    verdict_hash: verdictHash(run.records, requirements, incomplete !== null, certification),
  };
}
