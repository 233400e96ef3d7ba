// Benchmark hooks for the property machinery: how many generated cases per second go through
// the in-process reference adapter (generation + golden-flow run + grading, exactly what a
// property check does per case), and what shrinking costs. For the shrink measure a
// property is made to fail on purpose, deterministically: every run of a plan with
// `shrinkAbove` or more steps is expected to emit no pipeline_stage event at all, so the
// shrinker has to walk a failing case down to exactly that many steps.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import type { Adapter, Profile } from '../adapter/contract.js';
import { referenceAdapter } from '../adapters/reference.js';
import type { CheckContext } from '../kit/check.js';
import { RecordingAEL } from '../kit/recording-ael.js';
import type { CaseEnv, CaseOwner, GeneratedCase } from './case.js';
import type { PropertyCases } from './cases/cases.js';
import { defectivePlanCases, validPlanCases } from './cases/registration.js';
import { executionCases, failurePropagationCases, statusEventCases } from './cases/runs.js';
import { CYCLIC_DEFECTS } from './plan-defects.js';
import { caseEnv } from './property-check.js';
import { runCase } from './run-case.js';

/** Properties whose case rate can be measured. */
export const THROUGHPUT_PROPERTIES = ['dag.valid', 'dag.cyclic', 'execution', 'events', 'failure'] as const;
export type ThroughputProperty = (typeof THROUGHPUT_PROPERTIES)[number];

function casesOf(property: ThroughputProperty, profile: Profile, maxSteps: number): PropertyCases<unknown> {
  const options = { maxSteps };
  switch (property) {
    case 'dag.valid':
      return validPlanCases(options) as PropertyCases<unknown>;
    case 'dag.cyclic':
      return defectivePlanCases(CYCLIC_DEFECTS, options) as PropertyCases<unknown>;
    case 'execution':
      return executionCases(profile, options) as PropertyCases<unknown>;
    case 'events':
      return statusEventCases(options) as PropertyCases<unknown>;
    case 'failure':
      return failurePropagationCases(options) as PropertyCases<unknown>;
  }
}

export interface ThroughputOptions {
  /** Cases to run per property for the rate (default 2000). */
  cases?: number;
  /** Properties to measure (default all of THROUGHPUT_PROPERTIES). */
  properties?: readonly ThroughputProperty[];
  /** Largest generated plan (default 4 steps: "small cases"). */
  maxSteps?: number;
  profile?: Profile;
  seed?: number;
  /** Default: the in-process reference adapter. */
  adapter?: Adapter;
  maxConcurrency?: number;
  /** Failing runs to shrink for the shrink measure (default 5; 0 skips it). */
  shrinkRuns?: number;
  /** Plans of this many steps or more fail the shrink measure's property (default 3). */
  shrinkAbove?: number;
}

export interface CaseRate {
  property: ThroughputProperty;
  cases: number;
  seconds: number;
  casesPerSecond: number;
  /** Mean steps per generated case. */
  meanSteps: number;
}

export interface ThroughputResult {
  adapter: string;
  rates: CaseRate[];
  /** Shrinking the execution property (MAP by default) with a planted failure. */
  shrink?: {
    runs: number;
    /** Successful shrink steps, summed over the runs. */
    shrinks: number;
    /** Candidates tried after the first failure, summed over the runs. */
    attempts: number;
    msPerShrink: number;
    msPerAttempt: number;
    /** Steps of the shrunk cases (each should equal shrinkAbove). */
    shrunkSteps: number[];
  };
}

const OWNER: CaseOwner = { checkId: 'bench.properties', title: 'property throughput', requirements: ['L3-ORCH-001'] };

/** A light CheckContext over one adapter: sessions share one workspace and nothing guards them. */
async function benchContext(adapter: Adapter, seed: number, maxConcurrency: number): Promise<{ ctx: CheckContext; done(): Promise<void> }> {
  const description = await adapter.describe();
  const workspace = await mkdtemp(join(tmpdir(), 'mplp-property-bench-'));
  const over = new AbortController();
  const ctx: CheckContext = {
    adapter: description,
    seed,
    maxConcurrency,
    signal: over.signal,
    newSession: async () => {
      const ael = new RecordingAEL();
      return { session: await adapter.createSession({ ael, workspace, seed, maxConcurrency }), ael, workspace };
    },
  };
  return { ctx, done: async () => (over.abort(), rm(workspace, { recursive: true, force: true })) };
}

async function measureRate(cases: PropertyCases<unknown>, ctx: CheckContext, env: CaseEnv, count: number, seed: number): Promise<{ seconds: number; meanSteps: number }> {
  const values = fc.sample(cases.arbitrary(env), { seed, numRuns: count });
  let steps = 0;
  const t0 = performance.now();
  for (const value of values) {
    const c = cases.toCase(value, env, OWNER);
    steps += c.size.steps;
    const result = await runCase(c, ctx);
    if (result.outcome !== 'pass') throw new Error(`benchmark case ${c.spec.id} did not pass: ${result.message}`);
  }
  return { seconds: (performance.now() - t0) / 1000, meanSteps: steps / values.length };
}

/** The planted failure of the shrink measure: plans of `above` steps or more expect no pipeline_stage event. */
function failingAbove(cases: PropertyCases<unknown>, above: number): PropertyCases<unknown> {
  return {
    ...cases,
    toCase: (value, env, owner): GeneratedCase => {
      const c = cases.toCase(value, env, owner);
      if (c.size.steps < above) return c;
      return { ...c, spec: { ...c.spec, expect: { ...c.spec.expect, events: { pipeline_stage: 0 } } } };
    },
  };
}

async function measureShrink(cases: PropertyCases<unknown>, ctx: CheckContext, env: CaseEnv, runs: number, above: number, seed: number): Promise<NonNullable<ThroughputResult['shrink']>> {
  const planted = failingAbove(cases, above);
  let shrinks = 0;
  let attempts = 0;
  let shrinkMs = 0;
  const shrunkSteps: number[] = [];
  for (let r = 0; r < runs; r++) {
    let failedAt: number | undefined;
    let tried = 0;
    const predicate = fc.asyncProperty(planted.arbitrary(env), async (value) => {
      if (failedAt !== undefined) tried++;
      const passed = (await runCase(planted.toCase(value, env, OWNER), ctx)).outcome === 'pass';
      if (!passed) failedAt ??= performance.now();
      return passed;
    });
    const details = await fc.check(predicate, { seed: seed + r, numRuns: 200 });
    if (!details.failed || failedAt === undefined) continue;
    shrinkMs += performance.now() - failedAt;
    shrinks += details.numShrinks;
    attempts += tried;
    shrunkSteps.push(planted.toCase(details.counterexample![0], env, OWNER).size.steps);
  }
  return { runs: shrunkSteps.length, shrinks, attempts, msPerShrink: shrinks > 0 ? shrinkMs / shrinks : 0, msPerAttempt: attempts > 0 ? shrinkMs / attempts : 0, shrunkSteps };
}

/** Generated cases per second through the adapter, and the cost of shrinking. */
export async function measurePropertyThroughput(options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const adapter = options.adapter ?? referenceAdapter;
  const seed = options.seed ?? 1;
  const count = options.cases ?? 2000;
  const { ctx, done } = await benchContext(adapter, seed, options.maxConcurrency ?? 4);
  const profile = options.profile ?? 'map';
  try {
    const env = caseEnv(ctx);
    const rates: CaseRate[] = [];
    for (const property of options.properties ?? THROUGHPUT_PROPERTIES) {
      const rate = await measureRate(casesOf(property, profile, options.maxSteps ?? 4), ctx, env, count, seed);
      rates.push({ property, cases: count, seconds: rate.seconds, casesPerSecond: count / rate.seconds, meanSteps: rate.meanSteps });
    }
    const shrinkRuns = options.shrinkRuns ?? 5;
    const shrink = shrinkRuns > 0 ? await measureShrink(casesOf('execution', profile, 8), ctx, env, shrinkRuns, options.shrinkAbove ?? 3, seed) : undefined;
    return { adapter: ctx.adapter.name, rates, ...(shrink ? { shrink } : {}) };
  } finally {
    await done();
  }
}
