// Properties of plan runs, one expectation set per property over the same generated runs
// (run-scenario.ts): execution (each step once, dependency order, SA one at a time, MAP
// within its limit), status-change events (one pipeline_stage per change, in order; graph
// deltas; schema-valid events) and failure propagation (dependents blocked and never started,
// plan failed, nothing running or changing once it is terminal).

import type { Profile } from '../../adapter/contract.js';
import type { ExpectationSpec } from '../../kit/flows/spec.js';
import { finishCase, type CaseEnv } from '../case.js';
import type { DagOptions } from '../dag-arbitraries.js';
import { stepName } from '../dag.js';
import { dependencyOrder, planChain, profileNeed } from '../flow-parts.js';
import { predictedEnd, runScenarioArbitrary, scenarioBody, type RunScenario, type StepEnd } from '../run-scenario.js';
import type { PropertyCases } from './cases.js';

function names(steps: Iterable<number>): string[] {
  return [...steps].map(stepName);
}

function executionExpectation(s: RunScenario): ExpectationSpec {
  const n = s.dag.deps.length;
  const order = dependencyOrder(s.dag);
  return {
    final: { plan: 'completed', all_steps: 'completed' },
    ael: { calls: n, called: names(s.dag.deps.keys()) },
    ...(order.length > 0 ? { order } : {}),
    max_overlap: s.profile === 'sa' ? 1 : '<= limit',
  };
}

const STEP_CHAINS: Readonly<Record<StepEnd, string[]>> = {
  completed: ['pending -> in_progress', 'in_progress -> completed'],
  failed: ['pending -> in_progress', 'in_progress -> failed'],
  blocked: ['pending -> blocked'],
};

function eventsExpectation(s: RunScenario): ExpectationSpec {
  const end = predictedEnd(s);
  const plan = planChain(s.start, end.plan);
  const transitions: Record<string, string[]> = { plan };
  end.steps.forEach((e, i) => (transitions[stepName(i)] = STEP_CHAINS[e]));
  const changes = Object.values(transitions).reduce((n, chain) => n + chain.length, 0);
  return { events: { pipeline_stage: changes }, transitions, graph_deltas: true, events_valid: true, chains: true };
}

function failureExpectation(s: RunScenario): ExpectationSpec {
  const end = predictedEnd(s);
  const failed = stepName(s.failing!);
  const blocked = end.steps.flatMap((e, i) => (e === 'blocked' ? [stepName(i)] : []));
  const executed = end.steps.filter((e) => e !== 'blocked').length;
  return {
    final: { plan: 'failed', steps: Object.fromEntries(end.steps.map((e, i) => [stepName(i), e])) },
    ael: { calls: executed, ...(blocked.length > 0 ? { not_called: blocked } : {}) },
    order: [...blocked.map((b) => `${failed}.failed < ${b}.blocked`), '*.* < plan.failed'],
  };
}

interface RunCasesOptions extends DagOptions {
  /** Profiles to run under; default: every profile the adapter claims. */
  profile?: Profile;
}

function runCases(
  property: string,
  failure: 'never' | 'always' | 'sometimes',
  expectation: (s: RunScenario) => ExpectationSpec,
  gradeRunOutcome: boolean,
  options: RunCasesOptions,
): PropertyCases<RunScenario> {
  const profilesOf = (env: CaseEnv) => (options.profile ? [options.profile] : env.profiles);
  return {
    property,
    unavailable: (env) => (profilesOf(env).length === 0 ? 'the adapter claims no execution profile (sa or map)' : undefined),
    // Plans up to twice the limit wide, so some runs could exceed it.
    arbitrary: (env) => runScenarioArbitrary({ ...options, maxSteps: options.maxSteps ?? Math.max(8, 2 * env.maxConcurrency + 1), profiles: profilesOf(env), failure, approval: env.approval }),
    toCase: (s, env, owner) => {
      const body = scenarioBody(s, env, { gradeRunOutcome });
      return finishCase(owner, { needs: [profileNeed(s.profile)], ...body, expect: expectation(s) });
    },
  };
}

export function executionCases(profile: Profile, options: DagOptions = {}): PropertyCases<RunScenario> {
  const limit = profile === 'sa' ? 'one step action at a time' : 'never more step actions at once than the limit';
  return runCases(`every step runs exactly once, after all its dependencies completed, ${limit}`, 'never', executionExpectation, true, { ...options, profile });
}

export function statusEventCases(options: DagOptions = {}): PropertyCases<RunScenario> {
  return runCases(
    'each plan and step status change emits exactly one pipeline_stage event, in order; graph_update deltas add up to the PSG; every event is schema-valid',
    'sometimes',
    eventsExpectation,
    false,
    options,
  );
}

export function failurePropagationCases(options: DagOptions = {}): PropertyCases<RunScenario> {
  return runCases(
    "after a step fails its dependents never start and end blocked, the plan ends failed, and no step changes once the plan is terminal",
    'always',
    failureExpectation,
    true,
    options,
  );
}
