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

/** The pipeline_stage chain of a step whose end is determined (dependents of a failure may or may not become blocked). */
const STEP_CHAINS: Readonly<Partial<Record<StepEnd, string[]>>> = {
  completed: ['pending -> in_progress', 'in_progress -> completed'],
  failed: ['pending -> in_progress', 'in_progress -> failed'],
};

function eventsExpectation(s: RunScenario): ExpectationSpec {
  const end = predictedEnd(s);
  const plan = planChain(s.start, end.plan);
  const transitions: Record<string, string[]> = { plan };
  end.steps.forEach((e, i) => {
    const chain = STEP_CHAINS[e];
    if (chain) transitions[stepName(i)] = chain;
  });
  // Whether dependents of a failed step go blocked is the runtime's choice: their events are
  // graded by `chains` (one per change they did make), the count only when every change is known.
  const known = end.steps.every((e) => STEP_CHAINS[e] !== undefined);
  const changes = Object.values(transitions).reduce((n, chain) => n + chain.length, 0);
  return { ...(known ? { events: { pipeline_stage: changes } } : {}), transitions, graph_deltas: true, events_valid: true, chains: true };
}

function failureExpectation(s: RunScenario): ExpectationSpec {
  const end = predictedEnd(s);
  const failed = stepName(s.failing!);
  const never = end.steps.flatMap((e, i) => (e === 'dependent' || e === 'below' ? [stepName(i)] : []));
  const dependents = end.steps.flatMap((e, i) => (e === 'dependent' ? [stepName(i)] : []));
  const determined = Object.fromEntries(end.steps.flatMap((e, i) => (STEP_CHAINS[e] ? [[stepName(i), e]] : [])));
  return {
    final: { plan: 'failed', steps: determined },
    ael: { calls: end.steps.length - never.length, ...(never.length > 0 ? { not_called: never } : {}) },
    order: ['*.* < plan.failed'],
    // Blocking the direct dependents of a failure is the kit's SHOULD (fail-fast, digest §3.1 [KIT]).
    ...(dependents.length > 0
      ? { also: [{ about: ['L3-ORCH-003'], final: { steps: Object.fromEntries(dependents.map((d) => [d, 'blocked'])) }, order: dependents.map((d) => `${failed}.failed < ${d}.blocked`) }] }
      : {}),
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
