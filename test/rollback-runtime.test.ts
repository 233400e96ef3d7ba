// Rollback in the reference runtime: snapshot restore of files, step-written VSL values and
// artifact nodes; compensations newest first, once each, completed steps only, best-effort;
// statuses and trace kept as history with the rollback appended; the policy a run started
// with; and the recording AEL's side of compensation.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RecordingAEL, type EffectScript } from '../src/kit/recording-ael.js';
import type { BusEvent, Trace } from '../src/mplp/types.js';
import { RuntimeError } from '../src/runtime/errors.js';
import type { L3Runtime } from '../src/runtime/runtime.js';
import { buildContext, buildPlan, expectAuditedEventsValid, newRuntime, ofFamily, statusChanges, stepIdFor } from './helpers/mplp-builders.js';

afterEach(expectAuditedEventsValid);
const roots: string[] = [];
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

const ctx = buildContext('rollback');
type Effects = Omit<EffectScript, 'kind'>;

/** A runtime in a fresh workspace with a chain plan a → b → c → d whose c fails. */
async function failingChain(policy: { snapshot: boolean; compensate: boolean }, scripts: Partial<Record<'a' | 'b' | 'c' | 'd', Effects | 'fail'>> = {}) {
  const root = await mkdtemp(join(tmpdir(), 'rollback-rt-'));
  roots.push(root);
  const ael = new RecordingAEL();
  ael.useWorkspace(root);
  const rt = newRuntime({ ael, workspace: root });
  const plan = buildPlan('chain', ctx, [{ name: 'a' }, { name: 'b', deps: ['a'] }, { name: 'c', deps: ['b'] }, { name: 'd', deps: ['c'] }], 'approved');
  const step = (s: string) => stepIdFor('chain', s);
  const defaults: Record<string, Effects | 'fail'> = {
    a: { write: { 'a.txt': 'a\n', 'log.txt': 'a\n' }, state: { k: 'from a' }, inverse: { remove: ['a.txt', 'log.txt'] } },
    b: { write: { 'shared.txt': 'b\n', 'log.txt': 'a\nb\n' }, state: { k: 'from b', fresh: 'from b' }, inverse: { write: { 'shared.txt': 'original\n', 'log.txt': 'a\n' } } },
    c: { write: { 'debris.txt': 'debris\n' }, then: 'fail' },
    d: { write: { 'd.txt': 'd\n' }, inverse: { remove: ['d.txt'] } },
  };
  for (const [s, script] of Object.entries({ ...defaults, ...scripts })) ael.script(step(s), script === 'fail' ? { kind: 'fail' } : { kind: 'effect', ...script });
  await writeFile(join(root, 'shared.txt'), 'original\n');
  await rt.vsl.set('k', 'before');
  await rt.load({ contexts: [ctx], plans: [plan] });
  rt.files.rollback.setPolicy(policy);
  const text = (path: string) => readFile(join(root, path), 'utf8').catch(() => null);
  const files = async () => Object.fromEntries(await Promise.all((await rt.files.workspace!.list()).map(async (p) => [p, await text(p)] as const)));
  return { root, ael, rt, plan, step, text, files, run: () => rt.run(plan.plan_id, { profile: 'sa' }) };
}

const traceOf = (rt: L3Runtime, planId: string) => rt.get({ type: 'trace', id: rt.traceIdOf(planId)! }) as Trace;
const rollbackEvents = (events: BusEvent[]) => ofFamily(events, 'compensation_plan').map((e) => e.event_type);

describe('policy', () => {
  it('accepts exactly { snapshot, compensate } booleans', () => {
    const rt = newRuntime();
    expect(rt.files.rollback.setPolicy({ snapshot: true, compensate: false })).toEqual({ snapshot: true, compensate: false });
    for (const bad of [{ snapshot: true }, { snapshot: 'yes', compensate: false }, { snapshot: true, compensate: true, extra: 1 }, null]) {
      expect(() => rt.files.rollback.setPolicy(bad)).toThrow(RuntimeError);
    }
  });

  it('does nothing without a policy: no snapshot, no events, files left as the run left them', async () => {
    const s = await failingChain({ snapshot: false, compensate: false });
    expect((await s.run()).plan_status).toBe('failed');
    expect(rollbackEvents(s.rt.events())).toEqual([]);
    expect(s.rt.files.rollback.snapshots()).toEqual([]);
    expect(await s.text('debris.txt')).toBe('debris\n');
  });
});

describe('snapshot restore', () => {
  it('puts back files, step-written VSL values and artifact nodes, announced before the plan fails', async () => {
    const s = await failingChain({ snapshot: true, compensate: false });
    const before = { files: await s.files(), graph: s.rt.graph() };
    expect((await s.run()).plan_status).toBe('failed');
    expect(await s.files()).toEqual(before.files);
    expect([await s.rt.vsl.get('k'), await s.rt.vsl.get('fresh')]).toEqual(['before', undefined]);
    expect(s.rt.graph().nodes.filter((n) => n.type === 'artifact')).toEqual([]);
    expect(s.rt.graph().edges.filter((e) => e.type === 'produces')).toEqual([]);
    const [info] = s.rt.files.rollback.snapshots();
    expect(info).toMatchObject({ plan_id: s.plan.plan_id, status: 'restored', files: 1, vsl_keys: 2 });
    const events = s.rt.events();
    const index = (match: (e: BusEvent) => boolean) => events.findIndex(match);
    const failed = index((e) => statusChanges([e]).some((c) => c.payload['resource_id'] === s.plan.plan_id && c.payload['to_status'] === 'failed'));
    expect(index((e) => e.event_type === 'RollbackInitiated')).toBeLessThan(index((e) => e.event_type === 'RollbackCompleted'));
    expect(index((e) => e.event_type === 'RollbackCompleted')).toBeLessThan(failed);
  });

  it('restores artifact nodes a run changed or removed, with their produces edges', async () => {
    const s = await failingChain({ snapshot: false, compensate: false }, { a: { write: { 'kept.txt': 'v1\n', 'doomed.txt': 'x\n' } }, b: 'fail' });
    await s.run();
    const second = buildPlan('second', ctx, [{ name: 'w' }, { name: 'x', deps: ['w'] }], 'approved');
    s.ael.script(stepIdFor('second', 'w'), { kind: 'effect', write: { 'kept.txt': 'v2\n' }, remove: ['doomed.txt'] });
    s.ael.script(stepIdFor('second', 'x'), { kind: 'fail' });
    await s.rt.load({ plans: [second] });
    const tracked = JSON.stringify(s.rt.files.drift.artifacts());
    const graph = s.rt.graph();
    s.rt.files.rollback.setPolicy({ snapshot: true, compensate: false });
    expect((await s.rt.run(second.plan_id, { profile: 'sa' })).plan_status).toBe('failed');
    expect(JSON.stringify(s.rt.files.drift.artifacts())).toBe(tracked);
    expect(s.rt.graph().edges.filter((e) => e.type === 'produces')).toEqual(graph.edges.filter((e) => e.type === 'produces'));
    expect([await s.text('kept.txt'), await s.text('doomed.txt')]).toEqual(['v1\n', 'x\n']);
    const updates = ofFamily<BusEvent & { node_delta: number; edge_delta: number }>(s.rt.events(), 'graph_update');
    expect(updates.reduce((n, e) => n + e.node_delta, 0)).toBe(s.rt.psg.nodeCount);
    expect(updates.reduce((n, e) => n + e.edge_delta, 0)).toBe(s.rt.psg.edgeCount);
  });

  it('releases the snapshot of a run that did not fail, without rolling back', async () => {
    const s = await failingChain({ snapshot: true, compensate: true }, { c: {}, d: {} });
    expect((await s.run()).plan_status).toBe('completed');
    expect(s.rt.files.rollback.snapshots()[0]).toMatchObject({ status: 'released' });
    expect(rollbackEvents(s.rt.events())).toEqual([]);
    expect(await s.text('a.txt')).toBe('a\n');
  });

  it('keeps the policy a run started with', async () => {
    const s = await failingChain({ snapshot: false, compensate: false }, { c: { barrier: 'hold', then: 'fail' } });
    const run = s.run();
    await s.ael.barrier('hold').waitForArrivals(1);
    s.rt.files.rollback.setPolicy({ snapshot: true, compensate: true });
    s.ael.barrier('hold').release();
    expect((await run).plan_status).toBe('failed');
    expect(rollbackEvents(s.rt.events())).toEqual([]);
    expect(await s.text('a.txt')).toBe('a\n');
  });
});

describe('compensation', () => {
  it('runs the inverse of each completed step once, newest first, none for failed or unrun steps', async () => {
    const s = await failingChain({ snapshot: false, compensate: true });
    expect((await s.run()).plan_status).toBe('failed');
    expect(s.ael.compensations.map((c) => c.step_id)).toEqual([s.step('b'), s.step('a')]);
    expect(s.ael.compensations.map((c) => c.compensation_for)).toEqual([s.step('b'), s.step('a')].map((id) => s.ael.calls.find((c) => c.step_id === id)!.action.action_id));
    expect(s.ael.anomalies).toEqual([]);
    expect(await s.files()).toEqual({ 'debris.txt': 'debris\n', 'shared.txt': 'original\n' });
    const completed = ofFamily(s.rt.events(), 'compensation_plan').find((e) => e.event_type === 'RollbackCompleted')!;
    expect(completed.payload).toMatchObject({ unresolved: [], compensations: [{ step_id: s.step('b'), status: 'completed' }, { step_id: s.step('a'), status: 'completed' }] });
  });

  it('is best-effort: a failing compensation is reported and the others still run', async () => {
    const s = await failingChain({ snapshot: false, compensate: true }, { b: { write: { 'b.txt': 'b' }, inverse: { remove: ['../escape'] } } });
    expect((await s.run()).plan_status).toBe('failed');
    expect(s.ael.compensations.map((c) => [c.step_id, c.outcome])).toEqual([
      [s.step('b'), 'failed'],
      [s.step('a'), 'completed'],
    ]);
    const completed = ofFamily(s.rt.events(), 'compensation_plan').find((e) => e.event_type === 'RollbackCompleted')!;
    expect(completed.payload?.['unresolved']).toEqual([s.step('b')]);
  });

  it('with both policies, compensates first and then restores the snapshot', async () => {
    const s = await failingChain({ snapshot: true, compensate: true });
    const before = await s.files();
    await s.run();
    expect(s.ael.compensations).toHaveLength(2);
    expect(await s.files()).toEqual(before);
    const trace = traceOf(s.rt, s.plan.plan_id).events!.map((e) => e.event_type);
    expect(trace.slice(trace.indexOf('rollback.initiated'))).toEqual(['rollback.initiated', 'rollback.compensated', 'rollback.compensated', 'rollback.restored', 'rollback.completed', 'plan.status.changed']);
  });
});

describe('history', () => {
  it('keeps statuses and the failure in the trace, and appends the rollback after them', async () => {
    const s = await failingChain({ snapshot: true, compensate: true });
    const outcome = await s.run();
    expect(outcome.step_statuses).toEqual({ [s.step('a')]: 'completed', [s.step('b')]: 'completed', [s.step('c')]: 'failed', [s.step('d')]: 'blocked' });
    const trace = traceOf(s.rt, s.plan.plan_id);
    expect(trace.status).toBe('failed');
    expect(trace.segments!.map((g) => g.status)).toEqual(['completed', 'completed', 'failed']);
    const types = trace.events!.map((e) => e.event_type);
    expect(types.indexOf('step.failed')).toBeGreaterThan(-1);
    expect(types.indexOf('step.failed')).toBeLessThan(types.indexOf('rollback.initiated'));
    expect(types.filter((t) => t.startsWith('rollback.'))).toEqual(['rollback.snapshot.taken', 'rollback.initiated', 'rollback.compensated', 'rollback.compensated', 'rollback.restored', 'rollback.completed']);
  });

  it('does not roll back a cancelled run', async () => {
    const s = await failingChain({ snapshot: true, compensate: true }, { b: { barrier: 'hold' } });
    const run = s.run();
    await s.ael.barrier('hold').waitForArrivals(1);
    const cancelled = s.rt.cancel(s.plan.plan_id);
    s.ael.barrier('hold').release();
    await cancelled;
    expect((await run).plan_status).toBe('cancelled');
    expect(rollbackEvents(s.rt.events())).toEqual([]);
    expect(s.rt.files.rollback.snapshots()[0]!.status).toBe('released');
  });
});

describe('recording AEL compensation', () => {
  it('performs only the inverses it declared, once each; anything else is an anomaly', async () => {
    const root = await mkdtemp(join(tmpdir(), 'rollback-ael-'));
    roots.push(root);
    const ael = new RecordingAEL();
    ael.useWorkspace(root);
    ael.script('s1', { kind: 'effect', write: { 'f.txt': 'x' }, inverse: { remove: ['f.txt'] } });
    const result = (await ael.execute({ action_id: 'act-1', plan_id: 'p', step_id: 's1' })) as Record<string, unknown>;
    expect(result).toMatchObject({ artifacts: [{ path: 'f.txt' }], compensation: { action_type: 'file_operation' } });
    await ael.execute({ action_id: 'comp-1', plan_id: 'p', step_id: 's1', compensation_for: 'act-1' });
    expect(await readFile(join(root, 'f.txt'), 'utf8').catch(() => null)).toBeNull();
    await expect(ael.execute({ action_id: 'comp-2', plan_id: 'p', step_id: 's1', compensation_for: 'act-1' })).rejects.toThrow(/second time/);
    await expect(ael.execute({ action_id: 'comp-3', plan_id: 'p', step_id: 's2', compensation_for: 'never' })).rejects.toThrow(/declared no compensation/);
    expect(ael.anomalies).toHaveLength(2);
    expect(ael.calls).toHaveLength(1);
    expect(ael.compensations.map((c) => c.outcome)).toEqual(['completed', 'failed', 'failed']);
  });
});
