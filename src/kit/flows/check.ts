// One golden flow = one Check: id `flow.<flow id>`, the flow's requirements and needs, and a
// result that gives expected vs seen, the fewest events that show the violation, and the
// flow file to replay.

import type { Check, CheckContext, CheckResult, KitSession, Need, Outcome } from '../check.js';
import { AEL_ANOMALIES, chargedRequirements, chargesOf } from './charges.js';
import { FlowRun } from './driver.js';
import type { FlowFailure } from './failure.js';
import type { LoadedFlow } from './load.js';
import { HarnessError } from './observe.js';
import { planDag, type PlanDag } from './plan-evidence.js';
import { operationName, type FlowSpec } from './spec.js';

/**
 * Each listed requirement's outcome: failed when a failure is charged to it (charges.ts),
 * blocked when an operation failed before the flow reached what grades it, else passed (the
 * final expectations were graded and none of them charged it).
 */
export function chargeFailures(spec: FlowSpec, failures: readonly FlowFailure[]): Record<string, Outcome> {
  const failed = new Set(failures.flatMap((f) => chargedRequirements(f.where, spec).requirements));
  // A failure about none of the listed requirements broke a prerequisite: what it held up is blocked.
  const stoppedEarly = failures.some((f) => f.where.startsWith('operations[') || !chargedRequirements(f.where, spec).matched);
  return Object.fromEntries(spec.requirements.map((id) => [id, failed.has(id) ? 'fail' : stoppedEarly ? 'blocked' : 'pass']));
}

function chargeText(where: string, spec: FlowSpec): string {
  const c = chargedRequirements(where, spec);
  return c.matched ? `charged to ${c.requirements.join(', ')}` : `a prerequisite of this flow broke (a rule of ${c.about.join(', ') || 'no requirement'}); its requirements are blocked`;
}
import { gradeUpstream } from './upstream-grade.js';

function failed(flow: LoadedFlow, failures: FlowFailure[], run: FlowRun, dag?: PlanDag): CheckResult {
  const byRequirement = chargeFailures(flow.spec, failures);
  // Failures charged to listed requirements come first: they are what this flow found.
  const ordered = [...failures].sort((a, b) => Number(chargedRequirements(b.where, flow.spec).matched) - Number(chargedRequirements(a.where, flow.spec).matched));
  const [first, ...rest] = ordered as [FlowFailure, ...FlowFailure[]];
  const outcome = Object.values(byRequirement).includes('fail') ? 'fail' : 'blocked';
  const cause = chargesOf(first.where, flow.spec).find((c) => /^L3-[A-Z]+-\d{3}$/.test(c));
  return {
    outcome,
    ...(outcome === 'blocked' && cause ? { blockedBy: { requirement: cause } } : {}),
    byRequirement,
    message: `flow ${flow.spec.id}: ${first.where}: ${first.message}${rest.length > 0 ? ` (and ${rest.length} more)` : ''} [${chargeText(first.where, flow.spec)}]`,
    expected: first.expected,
    seen: first.seen,
    ...(first.events && first.events.length > 0 ? { events: first.events } : {}),
    evidence: {
      flow_file: flow.file,
      failures: ordered.map(({ events: _events, ...f }) => ({ ...f, charged_to: chargedRequirements(f.where, flow.spec).requirements })),
      operations: run.log.map((r) => (r.answer === undefined ? `${r.index}: ${r.operation}` : `${r.index}: ${r.operation} ${JSON.stringify(r.answer)}`)),
      ael_calls: run.kit.ael.calls.map((c) => ({ step: run.flow.expanded.steps.find((s) => s.id === c.step_id)?.name ?? c.step_id, start: c.start, end: c.end, outcome: c.outcome })),
      ...(dag ? { plan_dag: dag } : {}),
    },
    counterexample: flow.file,
  };
}

/** Operations answered accept/refuse, and those that only observe: a flow made of these alone
 *  graded nothing when the runtime accepted none of them. */
const REFUSABLE_OR_PASSIVE: ReadonlySet<string> = new Set(['load', 'transition', 'reject_all', 'confirm', 'run', 'await_run', 'cancel', 'await_cancel', 'pause', 'resume', 'snapshot', 'check', 'await_barrier', 'await_events', 'release_barrier']);

/** Grading a caller adds after the flow's own expectations (the upstream importer's invariants). */
export type ExtraGrading = (run: FlowRun) => Promise<FlowFailure[]>;

export async function runFlow(flow: LoadedFlow, ctx: CheckContext, extra?: ExtraGrading): Promise<CheckResult> {
  const { spec } = flow;
  if (spec.min_concurrency !== undefined && ctx.maxConcurrency < spec.min_concurrency) {
    return { outcome: 'skipped', message: `flow ${spec.id} needs a concurrency limit of at least ${spec.min_concurrency}; the kit runs with ${ctx.maxConcurrency}` };
  }
  if (spec.max_concurrency !== undefined && ctx.maxConcurrency > spec.max_concurrency) {
    return { outcome: 'skipped', message: `flow ${spec.id} needs a concurrency limit of at most ${spec.max_concurrency}; the kit runs with ${ctx.maxConcurrency}` };
  }
  const kit = await ctx.newSession();
  const run = new FlowRun(flow, kit, ctx);
  try {
    return await driveAndGrade(flow, run, kit, extra);
  } finally {
    // Under several profiles the next leg opens its own session: this one's leftovers end here.
    await kit.session.close().catch(() => undefined);
  }
}

async function driveAndGrade(flow: LoadedFlow, run: FlowRun, kit: KitSession, extra: ExtraGrading | undefined): Promise<CheckResult> {
  const { spec } = flow;
  try {
    let failures = await run.drive();
    if (failures.length === 0 && extra) failures = await extra(run);
    // The plan picture for the HTML report; a failing read is already an adapter fault.
    if (failures.length > 0) return failed(flow, failures, run, await planDag(flow.expanded, run.objects, run.session).catch(() => undefined));
    const anomalies = kit.ael.anomalies;
    if (anomalies.length > 0) {
      // An action without its step, or a step executed twice: charged like any failure (charges.ts).
      return failed(flow, [{ where: AEL_ANOMALIES, message: `the AEL saw anomalies: ${anomalies[0]}${anomalies.length > 1 ? ` (and ${anomalies.length - 1} more)` : ''}`, expected: 'no AEL anomalies', seen: anomalies }], run);
    }
    if (run.accepted === 0 && spec.operations.every((op) => REFUSABLE_OR_PASSIVE.has(operationName(op)))) {
      // A runtime that refuses everything "rejects" every invalid object too: that shows nothing.
      return { outcome: 'inconclusive', message: `flow ${spec.id}: the runtime refused every one of the flow's operations, so its expected refusals graded nothing`, evidence: { flow_file: flow.file } };
    }
    return { outcome: 'pass', message: `flow ${spec.id}: ${spec.operations.length} operation(s) and every expectation held`, evidence: { flow_file: flow.file } };
  } catch (e) {
    if (e instanceof HarnessError) return { outcome: 'error', message: `flow ${spec.id}: ${e.message}`, evidence: { flow_file: flow.file, operations: run.log.map((r) => `${r.index}: ${r.operation}`) } };
    throw e;
  }
}

/** Capabilities a flow uses without saying so: a Confirm decision needs approval. */
export function impliedNeeds(spec: FlowSpec): Need[] {
  const decides = spec.operations.some((op) => op.confirm !== undefined);
  return decides ? ['approval'] : [];
}

/** The flow as it runs under one profile of its `profiles`: every run takes that profile. */
function underProfile(flow: LoadedFlow, profile: 'sa' | 'map'): LoadedFlow {
  const operations = flow.spec.operations.map((op) => (op.run !== undefined ? { ...op, run: { ...(op.run ?? {}), profile } } : op));
  return { ...flow, spec: { ...flow.spec, operations } };
}

const PROFILE_NAMES = { sa: 'SA', map: 'MAP' } as const;
/** Which leg's result speaks for the flow: a failure first, then what kept a leg from grading. */
const LEG_ORDER: readonly Outcome[] = ['fail', 'error', 'blocked', 'inconclusive', 'pass', 'skipped'];

/**
 * A flow with `profiles` runs once per listed profile the adapter claims, each in its own
 * session. A requirement's outcome is its worst over the legs; the result shown is the worst
 * leg's, its message naming the profile.
 */
async function runUnderProfiles(flow: LoadedFlow, profiles: readonly ('sa' | 'map')[], ctx: CheckContext, extra?: ExtraGrading): Promise<CheckResult> {
  const claimed = profiles.filter((p) => ctx.adapter.capabilities.profiles.includes(p));
  if (claimed.length === 0) {
    return { outcome: 'skipped', message: `flow ${flow.spec.id} runs under ${profiles.map((p) => PROFILE_NAMES[p]).join(' or ')}; the adapter claims none of them` };
  }
  const legs: { profile: 'sa' | 'map'; result: CheckResult }[] = [];
  for (const profile of claimed) legs.push({ profile, result: await runFlow(underProfile(flow, profile), ctx, extra) });
  const rank = (o: Outcome) => LEG_ORDER.indexOf(o);
  const worst = [...legs].sort((a, b) => rank(a.result.outcome) - rank(b.result.outcome))[0]!;
  const byRequirement: Record<string, Outcome> = {};
  for (const id of flow.spec.requirements) {
    const outcomes = legs.map((l) => l.result.byRequirement?.[id] ?? l.result.outcome);
    byRequirement[id] = [...outcomes].sort((a, b) => rank(a) - rank(b))[0]!;
  }
  const names = claimed.map((p) => PROFILE_NAMES[p]).join(' and ');
  const message = worst.result.outcome === 'pass' ? `${worst.result.message} (under ${names})` : `${PROFILE_NAMES[worst.profile]} run: ${worst.result.message}`;
  return { ...worst.result, message, byRequirement, evidence: { ...worst.result.evidence, profile: worst.profile, profiles_run: claimed } };
}

export function flowCheck(flow: LoadedFlow): Check {
  const { spec } = flow;
  const needs = [...new Set([...(spec.needs ?? []), ...impliedNeeds(spec)])];
  return {
    id: `flow.${spec.id}`,
    title: spec.title,
    requirements: [...spec.requirements],
    ...(needs.length > 0 ? { needs } : {}),
    origin: { file: flow.file, kind: 'flow' },
    run: (ctx) => {
      const extra = flow.upstream ? gradeUpstream(flow.upstream) : undefined;
      return spec.profiles ? runUnderProfiles(flow, spec.profiles, ctx, extra) : runFlow(flow, ctx, extra);
    },
  };
}
