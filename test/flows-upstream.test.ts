// The upstream golden-flow importer, on our own fixture folders in the upstream format.

import { cp, mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Adapter } from '../src/adapter/contract.js';
import { referenceAdapter } from '../src/adapters/reference.js';
import { FlowError, importUpstream, importUpstreamFlow, loadFlow, loadFlowDir, loadFlowFile } from '../src/kit/flows/index.js';
import { runCheck } from './fixtures/flows/harness.js';

const UPSTREAM = fileURLToPath(new URL('./fixtures/flows/upstream/', import.meta.url));

describe('importUpstreamFlow', () => {
  it('runs an SA fixture: submit, approve, run, invariants and expected objects hold', async () => {
    const check = await importUpstreamFlow(join(UPSTREAM, 'sa-two-steps'));
    expect(check.id).toBe('flow.upstream-sa-two-steps');
    // A Confirm decision (approve) needs the approval capability.
    expect(check.needs).toEqual(['profile:sa', 'approval']);
    const result = await runCheck(check);
    expect(result.outcome, result.message).toBe('pass');
  });

  it('runs a MAP fixture with a Collab under the MAP profile', async () => {
    const check = await importUpstreamFlow(join(UPSTREAM, 'map-broadcast'));
    expect(check.needs).toEqual(['profile:map', 'approval']);
    const result = await runCheck(check);
    expect(result.outcome, result.message).toBe('pass');
  });

  it('fails when a flow invariant does not hold on the objects after the run', async () => {
    const result = await runCheck(await importUpstreamFlow(join(UPSTREAM, 'failing-invariant')));
    expect(result.outcome).toBe('fail');
    expect(result.message).toMatch(/invariants\.yaml fx_plan_has_five_steps: plan\.steps: length 2 is below 5/);
    expect(result.expected).toBe('min-length(5)');
  });

  it('fails with the differences when the objects differ from expected/', async () => {
    const result = await runCheck(await importUpstreamFlow(join(UPSTREAM, 'wrong-expected')));
    expect(result.outcome).toBe('fail');
    expect(result.message).toMatch(/expected\/plan\.json: 2 difference\(s\)/);
    expect(result.seen).toEqual([
      { path: 'title', message: '"Two-step SA plan", expected "A different title"' },
      { path: 'steps[1].description', message: '"Summarise", expected "Summarise briefly"' },
    ]);
  });

  it('an unknown rule is a configuration error naming the file and line', async () => {
    const file = join(UPSTREAM, 'bad-rule', 'invariants.yaml');
    const error = await importUpstreamFlow(join(UPSTREAM, 'bad-rule')).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(FlowError);
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect((error as FlowError).file).toBe(file);
    expect((error as FlowError).line).toBe(lines.findIndex((l) => l.includes('# <-')) + 1);
    expect((error as FlowError).problem).toMatch(/configuration error: invariant fx_unsupported: unknown invariant rule "one-of\(\[approved, rejected\]\)"/);
  });

  it('a fixture without input/plan.json is refused, naming the missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'upstream-'));
    await cp(join(UPSTREAM, 'sa-two-steps'), dir, { recursive: true });
    await unlink(join(dir, 'input', 'plan.json'));
    const error = await importUpstreamFlow(dir).then(() => undefined, (e: unknown) => e);
    await rm(dir, { recursive: true, force: true });
    expect(error).toBeInstanceOf(FlowError);
    expect((error as FlowError).file).toBe(join(dir, 'input', 'plan.json'));
    expect((error as FlowError).problem).toMatch(/no input\/plan\.json/);
  });

  it('bad JSON in a fixture file names the file and line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'upstream-'));
    await cp(join(UPSTREAM, 'sa-two-steps'), dir, { recursive: true });
    const { writeFile } = await import('node:fs/promises');
    // Valid YAML, invalid JSON: a .json fixture is parsed strictly.
    await writeFile(join(dir, 'expected', 'plan.json'), '{\n  "plan_id": "x",\n  "title": "t",\n}\n');
    const error = await importUpstreamFlow(dir).then(() => undefined, (e: unknown) => e);
    await rm(dir, { recursive: true, force: true });
    expect(error).toBeInstanceOf(FlowError);
    expect((error as FlowError).file).toBe(join(dir, 'expected', 'plan.json'));
    expect((error as FlowError).line).toBe(4);
  });
});

// Issue 18: upstream's golden-flow folders imported as flows, on a folder in the shape of
// upstream's tests/golden (our own fixtures): a FLOW-05-like Confirm-required flow (rejected,
// resubmitted, approved, with roles and reasons), an evidence pack and a fixture with a rule the
// kit does not know, next to a global invariants/ folder.
describe('import-upstream', () => {
  const GOLDEN = fileURLToPath(new URL('./fixtures/flows/upstream-golden/', import.meta.url));
  const FLOW_05 = join(GOLDEN, 'flows', 'flow-05-confirm-required');

  it('imports every fixture or refuses it with the reason, and the imported flow replays the decisions', async () => {
    const out = await mkdtemp(join(tmpdir(), 'upstream-out-'));
    try {
      const result = await importUpstream(GOLDEN, out);
      expect(result.imported.map((i) => i.id)).toEqual(['upstream-flow-05-confirm-required']);
      expect(result.refused).toEqual([
        { fixture: join(GOLDEN, 'flows', 'sa-unknown-rule'), reason: expect.stringMatching(/sa-unknown-rule\/invariants\.yaml:5: configuration error: invariant fx_status: unknown invariant rule "one-of\(\[completed, failed\]\)"/) },
        { fixture: join(GOLDEN, 'flows', 'tool-call-pack'), reason: expect.stringMatching(/not a golden-flow fixture: no input\/ folder: it holds an evidence pack/) },
      ]);
      const notes = result.imported[0]!.notes.join('\n');
      expect(notes).toMatch(/decisions replayed from expected\/confirm\.json: rejected by dba_reviewer, then approved by dba_reviewer/);
      expect(notes).toMatch(/input\/trace\.json not registered/);
      expect(notes).toMatch(/expected\/trace\.json: events \(confirm\.submitted, decision\.rejected, decision\.approved\) not compared/);

      const flow = await loadFlow(result.imported[0]!.file);
      expect(flow.spec.operations).toEqual([
        { load: { only: ['context', 'plan'] } },
        { transition: { target: 'plan', to: 'proposed' } },
        { confirm: { status: 'rejected', by: 'dba_reviewer', reason: 'No backup before the index build' } },
        { transition: { target: 'plan', to: 'proposed' } },
        { confirm: { status: 'approved', by: 'dba_reviewer', reason: 'Backup step added' } },
        { run: { profile: 'sa' } },
      ]);
      const check = await loadFlowFile(result.imported[0]!.file);
      const passed = await runCheck(check);
      expect(passed.outcome, passed.message).toBe('pass');

      // A runtime that drops decision reasons fails the fixture's expected Confirm and invariants.
      const dropsReasons: Adapter = {
        describe: () => referenceAdapter.describe(),
        createSession: async (env) => {
          const s = await referenceAdapter.createSession(env);
          return { ...s, confirm: ({ reason: _reason, ...d }) => s.confirm(d), close: () => s.close() };
        },
      };
      const failed = await runCheck(check, { adapter: dropsReasons });
      expect(failed.outcome).toBe('fail');
      expect(failed.message).toMatch(/invariants\.yaml fx05_decision_reasons|expected\/confirm\.json: .*reason/);

      // Importing again replaces the flow; the out folder loads as a flow folder without importing its data again.
      await importUpstream(FLOW_05, out);
      const again = await loadFlowDir(out);
      expect(again.problems).toEqual([]);
      expect(again.checks.map((c) => c.id)).toEqual(['flow.upstream-flow-05-confirm-required']);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('loads upstream fixture folders given as a flow folder', async () => {
    const loaded = await loadFlowDir(join(GOLDEN, 'flows'));
    expect(loaded.checks.map((c) => c.id)).toEqual(['flow.upstream-flow-05-confirm-required']);
    expect(loaded.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^upstream fixture .*sa-unknown-rule cannot be imported: configuration error/),
    ]);
  });
});

describe('run --upstream', () => {
  it('imports under the report folder, runs the imported flows with the kit, and records what was refused', async () => {
    const { execa } = await import('execa');
    const golden = fileURLToPath(new URL('./fixtures/flows/upstream-golden/', import.meta.url));
    const reports = await mkdtemp(join(tmpdir(), 'run-upstream-'));
    try {
      const bin = fileURLToPath(new URL('../bin/mplp-conformance.js', import.meta.url));
      const r = await execa('node', [bin, 'run', '--upstream', golden, '--only', 'flow.upstream-flow-05-confirm-required', '--seed', '4', '--format', 'json', '--report-dir', reports], { reject: false });
      // --upstream and --only: a development run (exit 5) in which nothing failed.
      expect(r.exitCode, r.stderr).toBe(5);
      expect(r.stderr).toMatch(/upstream: refused .*sa-unknown-rule: .*unknown invariant rule/);
      const report = JSON.parse(r.stdout) as { checks: { id: string; outcome: string; file: string }[]; upstream: { source: string; imported: string[]; refused: { fixture: string }[] }[] };
      expect(report.checks.map((c) => [c.id, c.outcome])).toEqual([['flow.upstream-flow-05-confirm-required', 'pass']]);
      expect(report.checks[0]!.file.startsWith(join(reports, 'upstream'))).toBe(true);
      expect(report.upstream).toEqual([{ source: golden.replace(/\/$/, ''), imported: ['flow.upstream-flow-05-confirm-required'], refused: [expect.objectContaining({ fixture: join(golden, 'flows', 'sa-unknown-rule') }), expect.objectContaining({ fixture: join(golden, 'flows', 'tool-call-pack') })] }]);
    } finally {
      await rm(reports, { recursive: true, force: true });
    }
  }, 120_000);
});
