// A representative set of runs of the reference runtime (SA, MAP, failure, cancel,
// pause/resume, rejected review rounds, loaded traces, drift, rollback), each building its own
// runtime from options, so tests can run the same scenario in different runtime set-ups and
// compare or audit what came out.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingAEL } from '../../src/kit/recording-ael.js';
import { seededIds } from '../../src/mplp/ids.js';
import type { L3Runtime, RuntimeOptions } from '../../src/runtime/runtime.js';
import { L3Runtime as Runtime } from '../../src/runtime/runtime.js';
import { InMemoryVSL } from '../../src/runtime/vsl/in-memory.js';
import { BarrierAEL, turns } from './barrier-ael.js';
import { buildCollab, buildContext, buildPlan, buildTrace, stepIdFor, testClock } from './mplp-builders.js';

export interface Scenario {
  name: string;
  /** Runs the scenario in a runtime made by `make` and returns that runtime. */
  run(make: (options: RuntimeOptions) => L3Runtime): Promise<L3Runtime>;
}

const ctx = buildContext('scenarios');

/** Workspaces the scenarios made; remove them after the tests. */
export const scenarioFolders: string[] = [];
const diamond = ['a', { name: 'b', deps: ['a'] }, { name: 'c', deps: ['a'] }, { name: 'd', deps: ['b', 'c'] }, { name: 'e', deps: ['d'], agent_role: 'alpha' }];

/** Runtime options every scenario starts from: seeded ids and a ticking clock, so runs repeat exactly. */
export function baseOptions(seed: string): RuntimeOptions {
  return { ids: seededIds(seed), clock: testClock(), vsl: new InMemoryVSL(), maxConcurrency: 2 };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'SA from draft with an approving Confirm',
    async run(make) {
      const rt = make({ ...baseOptions('sa'), ael: new BarrierAEL() });
      const plan = buildPlan('sa', ctx, diamond);
      await rt.load({ contexts: [ctx], plans: [plan] });
      await rt.transition({ type: 'plan', id: plan.plan_id }, 'proposed');
      await rt.decide({ target_id: plan.plan_id, status: 'approved', decided_by_role: 'reviewer' });
      await rt.run(plan.plan_id, { profile: 'sa' });
      return rt;
    },
  },
  {
    name: 'MAP with a Collab, order_index ties and a concurrency limit',
    async run(make) {
      const rt = make({ ...baseOptions('map'), ael: new BarrierAEL() });
      const steps = Array.from({ length: 12 }, (_, i) => (i < 4 ? { name: `r${i}`, order_index: 4 - i } : { name: `s${i}`, deps: [`r${i % 4}`] }));
      const plan = buildPlan('map', ctx, steps, 'approved');
      await rt.load({ contexts: [ctx], plans: [plan], collabs: [buildCollab('map', ctx)] });
      await rt.run(plan.plan_id, { profile: 'map', maxConcurrency: 3 });
      return rt;
    },
  },
  {
    name: 'a failing step blocks its dependents and fails the plan',
    async run(make) {
      const ael = new BarrierAEL();
      const rt = make({ ...baseOptions('failure'), ael });
      const plan = buildPlan('failure', ctx, diamond, 'approved');
      ael.failStep(stepIdFor('failure', 'b'), new Error('b broke'));
      await rt.load({ contexts: [ctx], plans: [plan] });
      await rt.run(plan.plan_id, { profile: 'map' });
      return rt;
    },
  },
  {
    name: 'cancel while a step runs',
    async run(make) {
      const ael = new BarrierAEL();
      const rt = make({ ...baseOptions('cancel'), ael });
      const plan = buildPlan('cancel', ctx, diamond, 'approved');
      ael.hold(stepIdFor('cancel', 'a'));
      await rt.load({ contexts: [ctx], plans: [plan] });
      const running = rt.run(plan.plan_id, { profile: 'sa' });
      await ael.until((x) => x.isWaiting(stepIdFor('cancel', 'a')));
      const cancelling = rt.cancel(plan.plan_id);
      await turns();
      ael.releaseAll();
      await cancelling;
      await running;
      return rt;
    },
  },
  {
    name: 'pause and resume',
    async run(make) {
      const ael = new BarrierAEL();
      const rt = make({ ...baseOptions('pause'), ael });
      const plan = buildPlan('pause', ctx, diamond, 'approved');
      ael.hold(stepIdFor('pause', 'a'));
      await rt.load({ contexts: [ctx], plans: [plan] });
      const first = rt.run(plan.plan_id, { profile: 'map' });
      await ael.until((x) => x.isWaiting(stepIdFor('pause', 'a')));
      await rt.pause(plan.plan_id);
      ael.releaseAll();
      await first;
      await rt.resume(plan.plan_id);
      await rt.run(plan.plan_id, { profile: 'map' });
      return rt;
    },
  },
  {
    name: 'a rejected review round, resubmission and approval; a cancelled plan',
    async run(make) {
      const rt = make({ ...baseOptions('review'), ael: new BarrierAEL() });
      const plan = buildPlan('review', ctx, ['a', { name: 'b', deps: ['a'] }]);
      const other = buildPlan('dropped', ctx, ['x']);
      await rt.load({ contexts: [ctx], plans: [plan, other] });
      const ref = { type: 'plan' as const, id: plan.plan_id };
      await rt.transition(ref, 'proposed');
      await rt.decide({ target_id: plan.plan_id, status: 'rejected', decided_by_role: 'reviewer', reason: 'too vague' });
      await rt.transition(ref, 'proposed');
      const waiting = rt.run(plan.plan_id, { profile: 'sa' });
      await turns();
      await rt.decide({ target_id: plan.plan_id, status: 'approved', decided_by_role: 'reviewer' });
      await waiting;
      await rt.transition({ type: 'plan', id: other.plan_id }, 'cancelled');
      return rt;
    },
  },
  {
    name: 'a loaded trace with segments, a suspended Context refusing a run',
    async run(make) {
      const rt = make({ ...baseOptions('loaded'), ael: new BarrierAEL() });
      const plan = buildPlan('loaded', ctx, ['a'], 'approved');
      const trace = buildTrace('loaded', ctx, { planId: plan.plan_id, status: 'running', segments: [{ name: 'earlier', status: 'completed' }] });
      await rt.load({ contexts: [ctx], plans: [plan], traces: [trace] });
      await rt.transition({ type: 'context', id: ctx.context_id }, 'suspended');
      await rt.run(plan.plan_id, { profile: 'sa' }).catch(() => undefined);
      await rt.transition({ type: 'context', id: ctx.context_id }, 'active');
      await rt.run(plan.plan_id, { profile: 'sa' });
      return rt;
    },
  },
  {
    name: 'artifacts, a drift scan and fs-wins reconciliation',
    async run(make) {
      const root = await mkdtemp(join(tmpdir(), 'scenario-drift-'));
      scenarioFolders.push(root);
      const ael = new RecordingAEL();
      ael.useWorkspace(root);
      const rt = make({ ...baseOptions('drift'), ael, workspace: root });
      const plan = buildPlan('drift', ctx, ['make', { name: 'more', deps: ['make'] }], 'approved');
      ael.script(stepIdFor('drift', 'make'), { kind: 'effect', write: { 'a.txt': 'one', 'b.txt': 'two' } });
      ael.script(stepIdFor('drift', 'more'), { kind: 'effect', write: { 'a.txt': 'three' } });
      await rt.load({ contexts: [ctx], plans: [plan] });
      await rt.run(plan.plan_id, { profile: 'sa' });
      await writeFile(join(root, 'a.txt'), 'edited');
      await writeFile(join(root, 'new.txt'), 'new');
      await rt.files.drift.scan();
      await rt.files.drift.reconcile('fs-wins');
      return rt;
    },
  },
  {
    name: 'a failed run rolled back by snapshot and compensation',
    async run(make) {
      const root = await mkdtemp(join(tmpdir(), 'scenario-rollback-'));
      scenarioFolders.push(root);
      const ael = new RecordingAEL();
      ael.useWorkspace(root);
      const rt = make({ ...baseOptions('rollback'), ael, workspace: root });
      const plan = buildPlan('rollback', ctx, ['a', { name: 'b', deps: ['a'] }, { name: 'c', deps: ['b'] }], 'approved');
      ael.script(stepIdFor('rollback', 'a'), { kind: 'effect', write: { 'a.txt': 'a' }, state: { k: 'from a' }, inverse: { remove: ['a.txt'] } });
      ael.script(stepIdFor('rollback', 'b'), { kind: 'effect', write: { 'b.txt': 'b' }, then: 'fail' });
      await rt.vsl.set('k', 'before');
      await rt.load({ contexts: [ctx], plans: [plan] });
      rt.files.rollback.setPolicy({ snapshot: true, compensate: true });
      await rt.run(plan.plan_id, { profile: 'sa' });
      return rt;
    },
  },
];

/** A runtime as the reference adapter would make one. */
export const plainRuntime = (options: RuntimeOptions): L3Runtime => new Runtime(options);
