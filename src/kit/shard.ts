// Sharded runs: one certification split across machines (`--shard i/n`), and the merge of the
// shards' reports into the report an unsharded run with the same seed would have written.
//
// Assignment, the same on every machine (same kit, same flags, same selection):
// - a check whose generated cases can be split (`splitCases`: the property checks) runs in
//   every shard, each shard grading the cases whose index modulo n is its own;
// - every other check belongs to one shard, round-robin in selection order;
// - a shard also runs the prerequisites of its checks (their outcomes are the same everywhere).
// Merging takes each owned check's record from its owner and, for a split check, the record of
// the shard whose failing case comes first in generation order: exactly the case an unsharded
// run would have stopped at. So the merged verdicts, and the verdict hash, are the unsharded run's.

import type { Check } from './check.js';
import type { CheckRecord } from './runner.js';
import { withPrerequisites, type Selection } from './select.js';

export interface ShardSpec {
  /** 1-based, as written: `--shard 2/3` is index 2, count 3. */
  index: number;
  count: number;
}

/** report.json `shard`: what a shard ran and owns, so `merge` can check completeness. */
export interface ShardInfo {
  index: number;
  count: number;
  /** Every check id of the unsharded selection, in order. */
  selection: string[];
  /** The checks this shard owns (their records are the merged report's). */
  owned: string[];
  /** Checks whose cases every shard splits (their records are combined). */
  split: string[];
}

export const MAX_SHARDS = 256;

/** `i/n` with 1 ≤ i ≤ n ≤ 256, or a sentence saying what is wrong. */
export function parseShard(text: string): ShardSpec | string {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return `--shard takes i/n (e.g. 2/4), got "${text}"`;
  const index = Number(m[1]), count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) return `--shard ${text}: n must be between 1 and ${MAX_SHARDS}`;
  if (index < 1 || index > count) return `--shard ${text}: i must be between 1 and ${count}`;
  return { index, count };
}

/** The share of `selection` shard `spec` runs. */
export function shardOf(selection: Selection, all: readonly Check[], spec: ShardSpec): Selection {
  const split = selection.checks.filter((c) => c.splitCases === true);
  const whole = selection.checks.filter((c) => c.splitCases !== true);
  const owned = whole.filter((_, i) => i % spec.count === spec.index - 1);
  const mine = new Set([...owned, ...split].map((c) => c.id));
  const run = withPrerequisites(selection.checks.filter((c) => mine.has(c.id)), all);
  return {
    ...selection,
    checks: run,
    partial: true,
    shard: { index: spec.index, count: spec.count, selection: selection.checks.map((c) => c.id), owned: owned.map((c) => c.id), split: split.map((c) => c.id) },
  };
}

/** The index of the first failing case a split check's record names (null: none known). */
function firstBadCase(record: CheckRecord): number | null {
  const shard = (record.evidence as { case_shard?: { first_failing_case?: unknown } } | undefined)?.case_shard;
  return typeof shard?.first_failing_case === 'number' ? shard.first_failing_case : null;
}

const SEVERITY: Readonly<Record<string, number>> = { fail: 0, error: 1, blocked: 2 };

/**
 * One record for a split check from its records in every shard: the non-pass record whose
 * failing case comes first (records that name none — a check timeout — come after, the most
 * severe first); else skipped if every shard skipped every case; else a pass counting the
 * cases graded in all shards.
 */
export function mergeSplitRecords(records: readonly CheckRecord[]): CheckRecord {
  const bad = records.filter((r) => r.outcome !== 'pass' && r.outcome !== 'skipped');
  if (bad.length > 0) {
    const rank = (r: CheckRecord) => firstBadCase(r) ?? Number.MAX_SAFE_INTEGER;
    return [...bad].sort((a, b) => rank(a) - rank(b) || (SEVERITY[a.outcome] ?? 9) - (SEVERITY[b.outcome] ?? 9))[0]!;
  }
  const passed = records.filter((r) => r.outcome === 'pass');
  if (passed.length === 0) return records[0]!;
  const graded = passed.reduce((sum, r) => sum + Number((r.evidence as { cases_graded?: unknown } | undefined)?.cases_graded ?? 0), 0);
  const first = passed[0]!;
  return {
    ...first,
    message: first.message.replace(/^\d+ generated case\(s\) held/, `${graded} generated case(s) held`),
    evidence: { ...first.evidence, cases_graded: graded, shards: records.length },
    sessions: records.reduce((s, r) => s + r.sessions, 0),
    duration_ms: Math.max(...records.map((r) => r.duration_ms)),
  };
}
