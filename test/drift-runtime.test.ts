// Artifacts and drift in the reference runtime: what steps declare becomes artifact nodes;
// scans and file_update events report modified, deleted and new files as evidence; the four
// reconciliation strategies and manual decisions; interval scans on a fake timer; and
// properties over random workspaces and edit scripts.

import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { applyFileEffects, RecordingAEL, type EffectScript } from '../src/kit/recording-ael.js';
import type { BusEvent, Trace } from '../src/mplp/types.js';
import { validate } from '../src/mplp/validate.js';
import type { IntervalTimer } from '../src/runtime/drift/monitor.js';
import { mergeThreeWay } from '../src/runtime/drift/merge.js';
import { RuntimeError } from '../src/runtime/errors.js';
import type { L3Runtime } from '../src/runtime/runtime.js';
import { buildContext, buildPlan, expectAuditedEventsValid, newRuntime, ofFamily, stepIdFor, type StepSpec } from './helpers/mplp-builders.js';

afterEach(expectAuditedEventsValid);
const roots: string[] = [];
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

const ctx = buildContext('drift');
const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
type Effects = Omit<EffectScript, 'kind'>;

/** A runtime whose AEL performs effect scripts in a fresh workspace. */
async function scene(options: { timer?: IntervalTimer } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'drift-rt-'));
  roots.push(root);
  const ael = new RecordingAEL();
  ael.useWorkspace(root);
  const rt = newRuntime({ ael, workspace: root, ...options });
  let plans = 0;
  /** Registers and runs an approved plan whose steps run the given effects in order. */
  const run = async (steps: Record<string, Effects>) => {
    const name = `plan-${plans++}`;
    const names = Object.keys(steps);
    const specs: StepSpec[] = names.map((s, i) => (i === 0 ? { name: s } : { name: s, deps: [names[i - 1]!] }));
    const plan = buildPlan(name, ctx, specs, 'approved');
    for (const s of names) ael.script(stepIdFor(name, s), { kind: 'effect', ...steps[s]! });
    await rt.load({ ...(plans === 1 ? { contexts: [ctx] } : {}), plans: [plan] });
    const outcome = await rt.run(plan.plan_id, { profile: 'sa' });
    return { plan, outcome, step: (s: string) => stepIdFor(name, s) };
  };
  const text = (path: string) => readFile(join(root, path), 'utf8').catch(() => null);
  const tracked = () => Object.fromEntries(rt.files.drift.artifacts().map((a) => [a.path, a.sha256]));
  return { root, ael, rt, run, text, tracked };
}

const kinds = (report: { entries: { path: string; kind: string }[] }) => report.entries.map((e) => `${e.kind}:${e.path}`);
const traceOf = (rt: L3Runtime, planId: string) => rt.get({ type: 'trace', id: rt.traceIdOf(planId)! }) as Trace;
const impact = (events: BusEvent[], type: string) => ofFamily(events, 'impact_analysis').filter((e) => e.event_type === type);

describe('artifacts', () => {
  it('tracks declared files as artifact nodes linked from their producers, with graph_update', async () => {
    const s = await scene();
    const { plan, outcome, step } = await s.run({ make: { write: { 'a.txt': 'one', 'd/b.txt': 'two' } }, redo: { write: { 'a.txt': 'three' } } });
    expect(outcome.plan_status).toBe('completed');
    const records = s.rt.files.drift.artifacts();
    expect(records.map((r) => [r.path, r.sha256, r.size, r.version, r.producers])).toEqual([
      ['a.txt', sha('three'), 5, 2, [step('make'), step('redo')]],
      ['d/b.txt', sha('two'), 3, 1, [step('make')]],
    ]);
    const edges = s.rt.graph().edges.filter((e) => e.type === 'produces');
    expect(edges).toHaveLength(3);
    const updates = ofFamily<BusEvent & { node_delta: number; edge_delta: number; source_module?: string }>(s.rt.events(), 'graph_update');
    expect(updates.reduce((n, e) => n + e.node_delta, 0)).toBe(s.rt.psg.nodeCount);
    expect(updates.reduce((n, e) => n + e.edge_delta, 0)).toBe(s.rt.psg.edgeCount);
    expect(updates.filter((e) => e.source_module === 'artifact')).toHaveLength(2);
    expect(traceOf(s.rt, plan.plan_id).events?.some((e) => e.event_type.startsWith('drift'))).toBe(false);
  });

  it('untracks a declared file the step deleted', async () => {
    const s = await scene();
    await s.run({ make: { write: { 'a.txt': 'x' } }, drop: { remove: ['a.txt'] } });
    expect(s.tracked()).toEqual({});
    expect(s.rt.graph().nodes.filter((n) => n.type === 'artifact')).toEqual([]);
  });

  it('fails the step whose declaration is malformed or leaves the workspace', async () => {
    const s = await scene();
    const bad = buildPlan('bad-declaration', ctx, ['x', 'y'], 'approved');
    s.ael.script(stepIdFor('bad-declaration', 'x'), { kind: 'succeed', result: { artifacts: [{ path: '../escape.txt' }] } });
    s.ael.script(stepIdFor('bad-declaration', 'y'), { kind: 'succeed', result: { artifacts: 'nope' } });
    await s.rt.load({ contexts: [ctx], plans: [bad] });
    const outcome = await s.rt.run(bad.plan_id, { profile: 'map' });
    expect(outcome.step_statuses[stepIdFor('bad-declaration', 'x')]).toBe('failed');
    expect(outcome.step_statuses[stepIdFor('bad-declaration', 'y')]).toBe('failed');
    expect(traceOf(s.rt, bad.plan_id).events?.filter((e) => e.event_type === 'step.failed').map((e) => String(e.data?.['error']))).toEqual(
      expect.arrayContaining([expect.stringContaining("could not record the step's outputs")]),
    );
  });

  it('writes a delivered product, but not over a file that drifted: then only the PSG takes it', async () => {
    const s = await scene();
    await s.run({ make: { deliver: { 'n.txt': 'v1\n' } } });
    expect(await s.text('n.txt')).toBe('v1\n');
    await writeFile(join(s.root, 'n.txt'), 'hand\n');
    await s.run({ revise: { deliver: { 'n.txt': 'v2\n' } } });
    expect(await s.text('n.txt')).toBe('hand\n');
    const [record] = s.rt.files.drift.artifacts();
    expect([record!.sha256, record!.synced_sha256, record!.version]).toEqual([sha('v2\n'), sha('v1\n'), 2]);
  });
});

describe('detection', () => {
  it('scans modified, deleted and new files; records the report in the trace and announces it', async () => {
    const s = await scene();
    const { plan } = await s.run({ make: { write: { 'm.txt': 'm', 'gone.txt': 'g', 'same.txt': 's' } } });
    await applyFileEffects(s.root, { write: { 'm.txt': 'M', 'new/n.txt': 'n' }, remove: ['gone.txt'] });
    const report = await s.rt.files.drift.scan();
    expect(report.entries).toEqual([
      { path: 'gone.txt', kind: 'deleted', psg_sha256: sha('g'), file_sha256: null, detected_by: 'scan' },
      { path: 'm.txt', kind: 'modified', psg_sha256: sha('m'), file_sha256: sha('M'), detected_by: 'scan' },
      { path: 'new/n.txt', kind: 'new', psg_sha256: null, file_sha256: sha('n'), detected_by: 'scan' },
    ]);
    const trace = traceOf(s.rt, plan.plan_id);
    const recorded = trace.events!.filter((e) => e.event_type === 'drift.detected');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.data).toMatchObject({ report_id: report.report_id, entries: report.entries });
    expect(validate('trace', trace).ok).toBe(true);
    expect(impact(s.rt.events(), 'DriftDetected')).toHaveLength(1);
  });

  it('a clean scan reports nothing and records nothing', async () => {
    const s = await scene();
    const { plan } = await s.run({ make: { write: { 'a.txt': 'a' } } });
    const events = s.rt.events().length;
    const trace = traceOf(s.rt, plan.plan_id).events!.length;
    expect((await s.rt.files.drift.scan()).entries).toEqual([]);
    expect(s.rt.events()).toHaveLength(events);
    expect(traceOf(s.rt, plan.plan_id).events).toHaveLength(trace);
  });

  it('takes file_update events newer than the PSG record, ignores older ones and unchanged files', async () => {
    const s = await scene();
    await s.run({ make: { write: { 'a.txt': 'a', 'b.txt': 'b', 'old.txt': 'o' } } });
    await applyFileEffects(s.root, { write: { 'a.txt': 'A', 'renamed.txt': 'b' }, remove: ['b.txt'] });
    const at = (timestamp: string, file_path: string, change_type: string, extra = {}) => s.rt.files.drift.ingest({ file_path, change_type, timestamp, ...extra });
    expect(kinds(await at('2030-01-01T00:00:00Z', 'a.txt', 'modified'))).toEqual(['modified:a.txt']);
    expect(kinds(await at('2000-01-01T00:00:00Z', 'a.txt', 'modified'))).toEqual([]);
    expect(kinds(await at('2030-01-01T00:00:00Z', 'old.txt', 'modified'))).toEqual([]);
    expect(kinds(await at('2030-01-01T00:00:00Z', 'renamed.txt', 'renamed', { previous_path: 'b.txt' }))).toEqual(['new:renamed.txt', 'deleted:b.txt']);
    expect(kinds(await at('2030-01-01T00:00:00Z', join(s.root, 'a.txt'), 'modified'))).toEqual(['modified:a.txt']);
    expect((await s.rt.files.drift.ingest({ file_path: 'a.txt', change_type: 'modified', timestamp: '2030-01-01T00:00:00Z' })).entries[0]!.detected_by).toBe('file_update');
  });

  it('rejects malformed events and paths outside the workspace, changing nothing', async () => {
    const s = await scene();
    await s.run({ make: { write: { 'a.txt': 'a' } } });
    const events = s.rt.events().length;
    for (const bad of [{ file_path: 'a.txt' }, { file_path: '../x', change_type: 'modified', timestamp: '2030-01-01T00:00:00Z' }, { file_path: '/etc/hosts', change_type: 'modified', timestamp: '2030-01-01T00:00:00Z' }]) {
      await expect(s.rt.files.drift.ingest(bad)).rejects.toBeInstanceOf(RuntimeError);
    }
    expect(s.rt.events()).toHaveLength(events);
  });

  it('scans on the interval the caller sets, on an injected timer, one scan at a time', async () => {
    let tick: (() => void) | undefined;
    let stopped = 0;
    const timer: IntervalTimer = {
      every(ms, fn) {
        expect(ms).toBe(250);
        tick = fn;
        return () => stopped++;
      },
    };
    const s = await scene({ timer });
    await s.run({ make: { write: { 'a.txt': 'a' } } });
    s.rt.files.drift.watch(250);
    expect(s.rt.files.drift.watching).toBe(true);
    await writeFile(join(s.root, 'a.txt'), 'changed');
    tick!();
    tick!(); // still scanning: skipped, not queued
    await s.rt.files.drift.scan(); // queued behind the tick's scan on the runtime lock
    expect(impact(s.rt.events(), 'DriftDetected')).toHaveLength(2);
    s.rt.files.drift.unwatch();
    expect([s.rt.files.drift.watching, stopped]).toEqual([false, 1]);
    expect(() => s.rt.files.drift.watch(0)).toThrow(RangeError);
  });
});

describe('reconciliation', () => {
  async function drifted() {
    const s = await scene();
    await s.run({ make: { write: { 'm.txt': 'm\n', 'gone.txt': 'g\n', 'keep.txt': 'k\n' } } });
    await applyFileEffects(s.root, { write: { 'm.txt': 'M\n', 'n.txt': 'n\n' }, remove: ['gone.txt'] });
    return s;
  }

  it('psg-wins restores files from the PSG and removes untracked ones', async () => {
    const s = await drifted();
    const before = s.tracked();
    const result = await s.rt.files.drift.reconcile('psg-wins');
    expect(result.applied.map((a) => `${a.outcome}:${a.path}`)).toEqual(['file-restored:gone.txt', 'file-restored:m.txt', 'file-removed:n.txt']);
    expect([await s.text('m.txt'), await s.text('gone.txt'), await s.text('n.txt')]).toEqual(['m\n', 'g\n', null]);
    expect(s.tracked()).toEqual(before);
    expect((await s.rt.files.drift.scan()).entries).toEqual([]);
    expect(impact(s.rt.events(), 'DriftResolved')).toHaveLength(1);
  });

  it('fs-wins updates the PSG from the files, announcing it with graph_update', async () => {
    const s = await drifted();
    const updates = ofFamily(s.rt.events(), 'graph_update').length;
    await s.rt.files.drift.reconcile('fs-wins');
    expect(s.tracked()).toEqual({ 'keep.txt': sha('k\n'), 'm.txt': sha('M\n'), 'n.txt': sha('n\n') });
    expect(s.rt.files.drift.artifacts().find((a) => a.path === 'm.txt')!.version).toBe(2);
    expect(ofFamily(s.rt.events(), 'graph_update')).toHaveLength(updates + 1);
    expect((await s.rt.files.drift.scan()).entries).toEqual([]);
  });

  it('manual changes nothing, then each decision changes only its path', async () => {
    const s = await drifted();
    const [graph, events, tracked] = [JSON.stringify(s.rt.graph()), s.rt.events().length, s.tracked()];
    const flagged = await s.rt.files.drift.reconcile('manual');
    expect(flagged.pending.map((e) => e.path)).toEqual(['gone.txt', 'm.txt', 'n.txt']);
    expect([JSON.stringify(s.rt.graph()), s.rt.events().length, s.tracked(), await s.text('m.txt')]).toEqual([graph, events, tracked, 'M\n']);
    await expect(s.rt.files.drift.resolve('keep.txt', { keep: 'psg' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(s.rt.files.drift.resolve('m.txt', { keep: 'both' } as never)).rejects.toMatchObject({ code: 'SCHEMA_INVALID' });
    const first = await s.rt.files.drift.resolve('m.txt', { keep: 'file' });
    expect(first.pending.map((e) => e.path)).toEqual(['gone.txt', 'n.txt']);
    expect([s.tracked()['m.txt'], await s.text('n.txt'), s.tracked()['gone.txt']]).toEqual([sha('M\n'), 'n\n', sha('g\n')]);
    await s.rt.files.drift.resolve('gone.txt', { content: 'back\n' });
    await s.rt.files.drift.resolve('n.txt', { keep: 'psg' });
    expect([await s.text('gone.txt'), await s.text('n.txt')]).toEqual(['back\n', null]);
    expect((await s.rt.files.drift.scan()).entries).toEqual([]);
  });

  it('three-way takes one-sided changes, merges both sides, and leaves conflicts waiting with hunks', async () => {
    const s = await scene();
    await s.run({ make: { write: { 'clean.txt': '1\n2\n3\n4\n5\n', 'clash.txt': 'a\nb\nc\n', 'del.txt': 'd\n', 'del2.txt': 'e\n' } } });
    await applyFileEffects(s.root, { write: { 'clean.txt': '1\n2\n3\n4\nFIVE\n', 'clash.txt': 'a\nB-file\nc\n' }, remove: ['del.txt', 'del2.txt'] });
    await s.run({ revise: { deliver: { 'clean.txt': 'ONE\n2\n3\n4\n5\n', 'clash.txt': 'a\nB-psg\nc\n', 'del2.txt': 'E\n' } } });
    const result = await s.rt.files.drift.reconcile('three-way');
    expect(result.applied.map((a) => `${a.outcome}:${a.path}`)).toEqual(['merged:clean.txt', 'psg-removed:del.txt']);
    expect(await s.text('clean.txt')).toBe('ONE\n2\n3\n4\nFIVE\n');
    expect(s.tracked()['clean.txt']).toBe(sha('ONE\n2\n3\n4\nFIVE\n'));
    const clash = result.pending.find((e) => e.path === 'clash.txt')!;
    expect(clash.conflicts).toEqual([{ base: ['b'], psg: ['B-psg'], file: ['B-file'] }]);
    expect(result.pending.find((e) => e.path === 'del2.txt')!.conflicts).toEqual([{ base: ['e', ''], psg: ['E', ''], file: [] }]);
    expect([await s.text('clash.txt'), s.tracked()['clash.txt']]).toEqual(['a\nB-file\nc\n', sha('a\nB-psg\nc\n')]);
  });

  it('refuses an unknown strategy', async () => {
    const s = await drifted();
    await expect(s.rt.files.drift.reconcile('mine-wins' as never)).rejects.toMatchObject({ code: 'SCHEMA_INVALID' });
  });
});

describe('three-way merge', () => {
  const b = (t: string) => Buffer.from(t);
  it('returns the changed side when the other equals the ancestor', () => {
    expect(mergeThreeWay(b('x'), b('x'), b('y'))).toEqual({ clean: true, content: b('y') });
    expect(mergeThreeWay(b('x'), b('y'), b('x'))).toEqual({ clean: true, content: b('y') });
  });
  it('merges against an empty ancestor when there was none, and conflicts on binary content', () => {
    expect(mergeThreeWay(null, b('same'), b('same'))).toEqual({ clean: true, content: b('same') });
    expect(mergeThreeWay(null, b('p'), b('f')).clean).toBe(false);
    expect(mergeThreeWay(b('o'), Buffer.from([0xff, 0x01]), Buffer.from([0xfe]))).toMatchObject({ clean: false });
  });
});

describe('properties', () => {
  const fileText = fc.stringMatching(/^[a-z\n]{0,10}$/);
  const names = fc.uniqueArray(fc.constantFrom('a', 'b', 'c/d', 'c/e', 'f/g/h'), { minLength: 1, maxLength: 4 });
  const scenario = names.chain((ns) =>
    fc.record({
      files: fc.tuple(...ns.map((n) => fileText.map((t) => [`${n}.txt`, t] as const))).map((p) => Object.fromEntries(p) as Record<string, string>),
      edits: fc.tuple(...ns.map((n) => fc.oneof(fc.constant(undefined), fc.constant(null), fileText).map((e) => [`${n}.txt`, e] as const))),
      created: fc.uniqueArray(fc.constantFrom('x.txt', 'y/z.txt'), { maxLength: 2 }),
    }),
  );

  it('a scan reports exactly the edits, and psg-wins, fs-wins and three-way each leave no drift', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.constantFrom('psg-wins', 'fs-wins', 'three-way') as fc.Arbitrary<'psg-wins' | 'fs-wins' | 'three-way'>, async ({ files, edits, created }, strategy) => {
        const s = await scene();
        await s.run({ make: { write: files } });
        const write: Record<string, string> = {};
        const remove: string[] = [];
        const expected: string[] = [];
        for (const [path, e] of edits) {
          if (e === undefined || e === files[path]) continue;
          if (e === null) remove.push(path);
          else write[path] = e;
          expected.push(`${e === null ? 'deleted' : 'modified'}:${path}`);
        }
        for (const path of created) {
          write[path] = `created ${path}`;
          expected.push(`new:${path}`);
        }
        await applyFileEffects(s.root, { write, remove });
        const report = await s.rt.files.drift.scan();
        expect(kinds(report).sort()).toEqual(expected.sort());
        await s.rt.files.drift.reconcile(strategy);
        expect((await s.rt.files.drift.scan()).entries).toEqual([]);
      }),
      { numRuns: 15, seed: 424242 },
    );
  });
});
