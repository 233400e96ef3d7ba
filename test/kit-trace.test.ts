// Issue 17: --trace keeps every adapter call of a check (arguments, answer, duration) and the
// JSON-RPC lines of a stdio runtime, bounded, so a failure's cause shows without reading the kit.

import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAdapter } from '../src/adapter/load.js';
import { capTraces, CallTrace, MAX_ENTRIES, traceLines } from '../src/kit/call-trace.js';
import { DEFAULT_RUN_OPTIONS, discoverChecks, loadCatalogue, runChecks } from '../src/kit/index.js';
import { mutantAdapter } from './mutants/faults.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { checks } = await discoverChecks();
const catalogue = await loadCatalogue();
const OPTIONS = { ...DEFAULT_RUN_OPTIONS, seed: 7, trace: true };
const disposers: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const d of disposers) await d();
});

describe('--trace', () => {
  it('shows the call that broke the rule: a forbidden draft → in_progress accepted', async () => {
    const adapter = mutantAdapter('allows-draft-to-in-progress');
    disposers.push(() => adapter.dispose?.());
    const run = await runChecks({ adapter, description: await adapter.describe() }, checks, catalogue, { ...OPTIONS, only: ['flow.draft-not-executable'] });
    const record = run.records[0]!;
    expect(record.outcome).toBe('fail');
    const culprit = record.trace!.entries.find((e) => e.op === 'session.transition()' && e.args?.includes('in_progress'));
    expect(culprit, JSON.stringify(record.trace!.entries.map((e) => e.op))).toBeDefined();
    expect(culprit!.result).toContain('"ok":true');
    expect(traceLines(record.trace!).join('\n')).toMatch(/session\.transition\(\).*in_progress.*"ok":true/);
  });

  it('holds the JSON-RPC lines of a stdio runtime, both ways', async () => {
    const served = await loadAdapter('exec:node bin/mplp-conformance.js serve', { cwd: ROOT, timeoutMs: 20_000 });
    disposers.push(() => served.adapter.dispose?.());
    const run = await runChecks({ adapter: served.adapter, description: served.description, spec: 'exec:…' }, checks, catalogue, { ...OPTIONS, only: ['flow.sa-basic'] });
    const ops = run.records[0]!.trace!.entries.map((e) => e.op);
    expect(ops).toContain('stdio →');
    expect(ops).toContain('stdio ←');
    expect(ops).toContain('session.run()');
  }, 60_000);

  it('is bounded per check and per report, and says what it cut', () => {
    const trace = new CallTrace();
    for (let i = 0; i < MAX_ENTRIES + 5; i++) trace.call('session.get()', [{ i }], 'ok', 'x'.repeat(10_000), 0);
    const kept = trace.result();
    expect(kept.entries.length).toBe(MAX_ENTRIES);
    expect(kept.cut).toMatch(/5 more entries/);
    expect(kept.entries[0]!.result!.length).toBeLessThan(2_100);
    const records = [{ outcome: 'pass', trace: trace.result() }, { outcome: 'fail', trace: trace.result() }];
    capTraces(records, JSON.stringify(kept).length + 10);
    expect(records[1]!.trace!.entries.length).toBe(MAX_ENTRIES);
    expect(records[0]!.trace!.cut).toMatch(/budget/);
  });
});
