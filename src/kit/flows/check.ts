// One golden flow = one Check: id `flow.<flow id>`, the flow's requirements and needs, and a
// result that gives expected vs seen, the fewest events that show the violation, and the
// flow file to replay.

import type { Check, CheckContext, CheckResult } from '../check.js';
import { FlowRun } from './driver.js';
import type { FlowFailure } from './failure.js';
import type { LoadedFlow } from './load.js';
import { HarnessError } from './observe.js';
import { planDag, type PlanDag } from './plan-evidence.js';
import { gradeUpstream } from './upstream-grade.js';

function failed(flow: LoadedFlow, failures: FlowFailure[], run: FlowRun, dag?: PlanDag): CheckResult {
  const [first, ...rest] = failures as [FlowFailure, ...FlowFailure[]];
  return {
    outcome: 'fail',
    message: `flow ${flow.spec.id}: ${first.where}: ${first.message}${rest.length > 0 ? ` (and ${rest.length} more)` : ''}`,
    expected: first.expected,
    seen: first.seen,
    ...(first.events && first.events.length > 0 ? { events: first.events } : {}),
    evidence: {
      flow_file: flow.file,
      failures: failures.map(({ events: _events, ...f }) => f),
      operations: run.log.map((r) => (r.answer === undefined ? `${r.index}: ${r.operation}` : `${r.index}: ${r.operation} ${JSON.stringify(r.answer)}`)),
      ael_calls: run.kit.ael.calls.map((c) => ({ step: run.flow.expanded.steps.find((s) => s.id === c.step_id)?.name ?? c.step_id, start: c.start, end: c.end, outcome: c.outcome })),
      ...(dag ? { plan_dag: dag } : {}),
    },
    counterexample: flow.file,
  };
}

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
    let failures = await run.drive();
    if (failures.length === 0 && extra) failures = await extra(run);
    // The plan picture for the HTML report; a failing read is already an adapter fault.
    if (failures.length > 0) return failed(flow, failures, run, await planDag(flow.expanded, run.objects, run.session).catch(() => undefined));
    const anomalies = kit.ael.anomalies;
    if (anomalies.length > 0) {
      return { outcome: 'fail', message: `flow ${spec.id}: the AEL saw anomalies: ${anomalies[0]}`, expected: 'no AEL anomalies', seen: anomalies, evidence: { flow_file: flow.file }, counterexample: flow.file };
    }
    return { outcome: 'pass', message: `flow ${spec.id}: ${spec.operations.length} operation(s) and every expectation held`, evidence: { flow_file: flow.file } };
  } catch (e) {
    if (e instanceof HarnessError) return { outcome: 'error', message: `flow ${spec.id}: ${e.message}`, evidence: { flow_file: flow.file, operations: run.log.map((r) => `${r.index}: ${r.operation}`) } };
    throw e;
  }
}

export function flowCheck(flow: LoadedFlow): Check {
  const { spec } = flow;
  return {
    id: `flow.${spec.id}`,
    title: spec.title,
    requirements: [...spec.requirements],
    ...(spec.needs && spec.needs.length > 0 ? { needs: [...spec.needs] } : {}),
    origin: { file: flow.file, kind: 'flow' },
    run: (ctx) => runFlow(flow, ctx, flow.upstream ? gradeUpstream(flow.upstream) : undefined),
  };
}
