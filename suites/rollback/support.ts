// The failing plan every rollback check runs: a → b → c → d, where a and b complete with
// side effects (files, VSL values) and declared inverses, c fails (after leaving debris, or
// held at a barrier first), and d never runs. Before it, a setup plan has produced
// shared.txt (so the PSG tracks it), the kit put keep.txt in the workspace and a VSL value
// under a key the steps overwrite.

import type { GraphExport, RollbackPolicy } from '../../src/adapter/contract.js';
import type { CheckContext } from '../../src/kit/check.js';
import { isNodeOf } from '../../src/kit/psg-names.js';
import type { EffectScript } from '../../src/kit/recording-ael.js';
import { Stop } from '../lib/verdict.js';
import type { PlanHandle, Scenario } from '../lib/scenario.js';
import { accepted, editFiles, openWithWorkspace, readFiles, rollbackGroup, runEffects, type Files } from '../drift/support.js';

export const BEFORE_FILES: Files = { 'keep.txt': 'keep\n', 'shared.txt': 'original\n' };

export interface FailingRun {
  scenario: Scenario;
  plan: PlanHandle;
  workspace: string;
  /** VSL keys the steps write, and what they held before (undefined = absent). */
  vsl: { keys: string[]; before: Record<string, unknown> } | undefined;
  /** Files, artifact nodes and produces edges before the failing plan ran. */
  files: Files;
  artifacts: GraphExport;
}

/** Artifact nodes and produces edges of a PSG export: the part a snapshot covers. */
export function artifactPart(graph: GraphExport): GraphExport {
  const ids = new Set(graph.nodes.filter((n) => isNodeOf(n, 'artifact')).map((n) => n.id));
  return { nodes: graph.nodes.filter((n) => ids.has(n.id)), edges: graph.edges.filter((e) => ids.has(e.to) || ids.has(e.from)) };
}

/** Builds the scene, selects the policy and registers the failing plan (not yet run). */
export async function failingPlan(ctx: CheckContext, namespace: string, policy: RollbackPolicy, failing: 'debris' | 'barrier'): Promise<FailingRun> {
  const scenario = await openWithWorkspace(ctx, namespace);
  const workspace = scenario.kit.workspace;
  await runEffects(scenario, 'setup', { produce: { write: { 'shared.txt': BEFORE_FILES['shared.txt']! } } });
  await editFiles(workspace, { 'keep.txt': BEFORE_FILES['keep.txt']! });
  const [k1, k2] = [`conformance/${namespace}/k1`, `conformance/${namespace}/k2`];
  let vsl: FailingRun['vsl'];
  if (ctx.adapter.capabilities.vsl && scenario.session.vsl) {
    await scenario.session.vsl.set(k1, 'before');
    vsl = { keys: [k1, k2], before: { [k1]: 'before', [k2]: await scenario.session.vsl.get(k2) } };
  }
  accepted(`rollback.setPolicy(${JSON.stringify(policy)})`, await rollbackGroup(scenario).setPolicy(policy));

  const steps: Record<string, EffectScript> = {
    a: { kind: 'effect', write: { 'a.txt': 'from a\n', 'log.txt': 'a\n' }, state: { [k1]: 'from a' }, inverse: { remove: ['a.txt', 'log.txt'] } },
    b: { kind: 'effect', write: { 'shared.txt': 'changed by b\n', 'log.txt': 'a\nb\n' }, state: { [k1]: 'from b', [k2]: 'from b' }, inverse: { write: { 'shared.txt': 'original\n', 'log.txt': 'a\n' } } },
    c: { kind: 'effect', write: { 'debris.txt': 'left by the failing step\n' }, then: 'fail' },
    d: { kind: 'effect', write: { 'never.txt': 'd never runs\n' }, inverse: { remove: ['never.txt'] } },
  };
  const plan = scenario.plan('failing', { status: 'approved', steps: { a: null, b: { after: ['a'] }, c: { after: ['b'] }, d: { after: ['c'] } } });
  for (const [name, script] of Object.entries(steps)) scenario.ael.script(plan.stepId(name), script);
  if (failing === 'barrier') scenario.ael.script(plan.stepId('c'), { kind: 'barrier', barrier: 'hold', then: 'fail' });
  await scenario.loadOk(plan);
  return { scenario, plan, workspace, vsl, files: await readFiles(workspace), artifacts: artifactPart(await scenario.session.graph()) };
}

/** Runs the failing plan to its end; it must end failed for any rollback to be graded. */
export async function runToFailure(run: FailingRun, requirement: string): Promise<void> {
  const outcome = await run.scenario.runToEnd(run.plan);
  if (outcome.plan_status !== 'failed') {
    throw new Stop({ requirement, message: `setup: the plan whose step c fails ended ${outcome.plan_status}`, expected: 'failed', seen: outcome });
  }
}

/** What the VSL holds now under the steps' keys. */
export async function vslNow(run: FailingRun): Promise<Record<string, unknown> | undefined> {
  if (!run.vsl || !run.scenario.session.vsl) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of run.vsl.keys) out[k] = await run.scenario.session.vsl.get(k);
  return out;
}
