// Issue 18: a sharded run merged equals the unsharded run with the same seed — the same
// outcomes, verdicts and verdict hash — for the reference (everything passes) and for a faulty
// runtime whose failures include split property checks. Plus the merge's refusals.

import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_BIN } from './helpers/packed.js';
import { referenceAdapter } from '../src/adapters/reference.js';
import { DEFAULT_RUN_OPTIONS, discoverChecks, loadCatalogue, runConformance, type Catalogue, type Check, type Report } from '../src/kit/index.js';
import { mergeShardReports, MergeError } from '../src/kit/merge.js';
import { parseShard } from '../src/kit/shard.js';
import type { Adapter } from '../src/adapter/contract.js';
import { mutantAdapter } from './mutants/faults.js';

// The compiled command (built once for the tests).
const BIN = DIST_BIN;
let checks: Check[];
let catalogue: Catalogue;
let work: string;

beforeAll(async () => {
  const found = await discoverChecks();
  expect(found.problems).toEqual([]);
  checks = found.checks;
  catalogue = await loadCatalogue();
  work = await mkdtemp(join(tmpdir(), 'kit-shard-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function runOnce(adapter: Adapter, seed: number, extra: { only?: string[]; shard?: { index: number; count: number } } = {}): Promise<Report> {
  const { report } = await runConformance({
    target: { adapter, description: await adapter.describe() },
    checks,
    catalogue,
    options: { ...DEFAULT_RUN_OPTIONS, seed, only: extra.only ?? [], counterexampleDir: join(work, 'cx'), ...(extra.shard ? { shard: extra.shard } : {}) },
  });
  return report;
}

async function sharded(adapter: Adapter, seed: number, count: number, only?: string[]): Promise<Report[]> {
  const out: Report[] = [];
  for (let index = 1; index <= count; index++) out.push(await runOnce(adapter, seed, { shard: { index, count }, ...(only ? { only } : {}) }));
  return out;
}

const outcomes = (r: Report) => Object.fromEntries(r.checks.map((c) => [c.id, c.outcome]));

describe('sharded runs', () => {
  it('deals every check to exactly one shard, splits the property checks, and merges to the unsharded verdict hash (reference, full run)', async () => {
    const whole = await runOnce(referenceAdapter, 4242);
    const shards = await sharded(referenceAdapter, 4242, 3);
    const owned = shards.flatMap((s) => s.shard!.owned);
    const split = shards[0]!.shard!.split;
    expect(split.length).toBeGreaterThanOrEqual(9);
    expect(new Set(owned).size).toBe(owned.length);
    expect([...owned, ...split].sort()).toEqual(whole.checks.map((c) => c.id).sort());
    for (const s of shards) expect(s.verdict.partial).toBe(true);
    // Every shard graded only its share of the generated cases.
    const graded = (r: Report, id: string) => Number((r.checks.find((c) => c.id === id)!.evidence as { cases_graded: number }).cases_graded);
    const property = split.find((id) => id.startsWith('properties.'))!;
    expect(shards.map((s) => graded(s, property)).reduce((a, b) => a + b, 0)).toBe(graded(whole, property));
    expect(Math.max(...shards.map((s) => graded(s, property)))).toBeLessThan(graded(whole, property));

    const merged = mergeShardReports(shards.map((report, i) => ({ file: `shard-${i + 1}.json`, report })), catalogue);
    expect(merged.verdict_hash).toBe(whole.verdict_hash);
    expect(merged.verdict).toEqual(whole.verdict);
    expect(merged.requirements.map((r) => [r.id, r.verdict])).toEqual(whole.requirements.map((r) => [r.id, r.verdict]));
    expect(merged.checks.map((c) => c.id)).toEqual(whole.checks.map((c) => c.id));
    expect(merged.merged_from.map((m) => m.shard)).toEqual(['1/3', '2/3', '3/3']);
  }, 240_000);

  it('merges a faulty runtime\'s failures, property counterexamples included, to the unsharded verdict hash', async () => {
    const adapter = mutantAdapter('failure-does-not-block-dependents');
    const only = ['properties', 'orchestration', 'flow.failure'];
    const whole = await runOnce(adapter, 99, { only });
    const failing = whole.checks.filter((c) => c.outcome === 'fail').map((c) => c.id);
    expect(failing.some((id) => id.startsWith('properties.'))).toBe(true);
    expect(failing.some((id) => !id.startsWith('properties.'))).toBe(true);
    const shards = await sharded(adapter, 99, 2, only);
    const merged = mergeShardReports(shards.map((report, i) => ({ file: `s${i + 1}.json`, report })), catalogue);
    expect(outcomes(merged)).toEqual(outcomes(whole));
    expect(merged.verdict.verdict).toBe('non-conformant');
    expect(merged.verdict_hash).toBe(whole.verdict_hash);
  }, 240_000);

  it('refuses reports that are not the complete shards of one run, naming the files', async () => {
    const shards = await sharded(referenceAdapter, 5, 2, ['psg']);
    const other = await runOnce(referenceAdapter, 6, { only: ['psg'], shard: { index: 2, count: 2 } });
    const refuse = (list: { file: string; report: Report }[]) => {
      try {
        mergeShardReports(list, catalogue);
      } catch (e) {
        return (e as MergeError).problems;
      }
      throw new Error('merged');
    };
    expect(refuse([{ file: 'a.json', report: shards[0]! }])).toEqual(['shard 2/2 is missing (given: 1/2)']);
    expect(refuse([{ file: 'a.json', report: shards[0]! }, { file: 'b.json', report: shards[0]! }])).toEqual(['shard 1/2 is given 2 times: a.json, b.json', 'shard 2/2 is missing (given: 1/2)']);
    expect(refuse([{ file: 'a.json', report: shards[0]! }, { file: 'c.json', report: other }])[0]).toMatch(/^c\.json: seed differs from a\.json \(6 vs 5\)/);
    const whole = await runOnce(referenceAdapter, 5, { only: ['psg'] });
    expect(refuse([{ file: 'w.json', report: whole }])).toEqual(['w.json: not a shard report (no "shard"; run with --shard i/n)']);
  }, 120_000);

  it('parses --shard and the CLI merges shard files into one written report', async () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('0/4')).toMatch(/i must be between 1 and 4/);
    expect(parseShard('5/4')).toMatch(/i must be between 1 and 4/);
    expect(parseShard('x')).toMatch(/takes i\/n/);
    const shards = await sharded(referenceAdapter, 8, 2, ['lifecycle']);
    const whole = await runOnce(referenceAdapter, 8, { only: ['lifecycle'] });
    const files = await Promise.all(shards.map(async (r, i) => {
      const file = join(work, `shard-${i + 1}.json`);
      await writeFile(file, JSON.stringify(r));
      return file;
    }));
    const r = await execa('node', [BIN, 'merge', ...files, '--report-dir', join(work, 'merged'), '--report-file', join(work, 'merged.json'), '--format', 'json'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Report).verdict_hash).toBe(whole.verdict_hash);
    const missing = await execa('node', [BIN, 'merge', files[0]!], { reject: false });
    expect(missing.exitCode).toBe(4);
    expect(missing.stderr).toContain('shard 2/2 is missing (given: 1/2)');
  }, 120_000);
});
