// Assembles report.json (shape: schemas/report.schema.json) from one run.

import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { CONTRACT_VERSION, type AdapterDescription } from '../../adapter/contract.js';
import type { Catalogue } from '../catalogue.js';
import type { Outcome } from '../check.js';
import type { CheckRecord, RunOptions, RunResult } from '../runner.js';
import { verdictHash } from './hash.js';
import { levelsFor, levelVerdict, requirementVerdicts, type LevelVerdict, type RequirementVerdict, type RequirementVerdictValue } from './verdicts.js';

const KIT = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

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
  };
  environment: { node: string; platform: string; arch: string; cpus: number };
  timing: { started_at: string; finished_at: string; duration_ms: number };
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
  verdict_hash: string;
}

export interface ReportInput {
  run: RunResult;
  catalogue: Catalogue;
  description: AdapterDescription;
  adapterSpec?: string;
  options: RunOptions;
  untested: string[];
}

function count<K extends string>(keys: readonly K[], values: readonly K[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const v of values) out[v] += 1;
  return out;
}

const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'error', 'skipped', 'blocked'];
const VERDICTS: readonly RequirementVerdictValue[] = ['pass', 'fail', 'error', 'blocked', 'skipped', 'untested'];

/** Timestamp plus a short hash: sortable, and unique even for runs in the same second. */
export function makeRunId(startedAt: string, seed: number): string {
  const stamp = startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const salt = createHash('sha256').update(`${startedAt}|${seed}|${process.pid}|${randomUUID()}`).digest('hex').slice(0, 8);
  return `${stamp}-${salt}`;
}

export function buildReport(input: ReportInput): Report {
  const { run, catalogue, description, options } = input;
  const requirements = requirementVerdicts(catalogue, run.selection.requirements, run.records);
  const levels = levelsFor(options.level).map((l) => levelVerdict(l, requirements, description.capabilities, run.selection.partial));
  const requested = levels.find((l) => l.level === options.level)!;
  return {
    report_version: REPORT_VERSION,
    run_id: makeRunId(run.started_at, options.seed),
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
    },
    environment: { node: process.version, platform: platform(), arch: arch(), cpus: cpus().length },
    timing: { started_at: run.started_at, finished_at: run.finished_at, duration_ms: run.duration_ms },
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
    verdict_hash: verdictHash(run.records, requirements),
  };
}
