// Issue 10, baseline: strict validation with file:line errors, the CI verdict of real runs of
// the mini kit against baselines, the exit codes 0/1/2/3/4, the report.json section (the
// conformance verdict untouched) and --update-baseline.

import { copyFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeBaseline, openBaseline, parseBaseline, renderBaseline, TODO_REASON, type BaselineContext } from '../src/kit/baseline/index.js';
import { loadCatalogue, type Catalogue } from '../src/kit/catalogue.js';
import type { Check } from '../src/kit/check.js';
import { discoverChecks } from '../src/kit/discover.js';
import type { Report } from '../src/kit/report/build.js';
import { reportSchemaProblems } from '../src/kit/report/write.js';
import { adapterFile, baselineFile, BIN, KIT, KIT_DIR, ROOT, runKit, tempDir } from './fixtures/ci/harness.js';

let catalogue: Catalogue;
let checks: Check[];
let context: BaselineContext;
let failing: Report;
let passing: Report;
const cleanup: string[] = [];

const readReport = async (runDir: string) => JSON.parse(await readFile(join(runDir, 'report.json'), 'utf8')) as Report & { baseline?: ReturnType<typeof judgeBaseline> };

beforeAll(async () => {
  catalogue = await loadCatalogue(join(KIT_DIR, 'catalogue.yaml'));
  ({ checks } = await discoverChecks({ suitesDir: join(KIT_DIR, 'suites'), flowsDir: join(KIT_DIR, 'flows') }));
  context = { requirementIds: new Set(catalogue.byId.keys()), checkIds: new Set(checks.map((c) => c.id)), today: '2026-06-15', kitVersion: '0.1.0' };
  const [bad, good] = await Promise.all([runKit('no-blocking'), runKit('reference')]);
  cleanup.push(bad.runDir, good.runDir);
  [failing, passing] = await Promise.all([readReport(bad.runDir), readReport(good.runDir)]);
});
afterAll(async () => {
  await Promise.all(cleanup.map((d) => rm(d, { recursive: true, force: true })));
});

async function problemsOf(name: string, ctx: BaselineContext = context): Promise<string> {
  const file = baselineFile(name);
  try {
    parseBaseline(file, await readFile(file, 'utf8'), ctx);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${name} was accepted`);
}

describe('baseline file validation', () => {
  it('reads entries with their kind and line', async () => {
    const b = await openBaseline(baselineFile('all-known.yaml'), catalogue, checks, false, '2026-06-15');
    expect(b.entries.map((e) => [e.id, e.kind, e.line])).toEqual([['L3-MAP-001', 'requirement', 4], ['L3-ORCH-003', 'requirement', 8]]);
    const byCheck = await openBaseline(baselineFile('by-check.yaml'), catalogue, checks, false, '2026-06-15');
    expect(byCheck.entries.map((e) => e.kind)).toEqual(['check', 'check']);
  });

  it('names file and line of unknown requirement ids and unknown check ids', async () => {
    const message = await problemsOf('bad-unknown.yaml');
    expect(message).toContain(`${baselineFile('bad-unknown.yaml')}:5: unknown requirement id L3-ORCH-999: the requirement catalogue does not define it`);
    expect(message).toContain(`${baselineFile('bad-unknown.yaml')}:7: unknown id flow.no-such-check: neither a requirement id`);
    expect(message).not.toContain(':3:');
  });

  it('names the duplicate id and its line', async () => {
    expect(await problemsOf('bad-duplicate.yaml')).toBe(`${baselineFile('bad-duplicate.yaml')}:7: duplicate entry L3-ORCH-003: each id may appear only once`);
  });

  it('refuses entries past their date or kit version, on the expires line', async () => {
    const message = await problemsOf('bad-expired.yaml');
    expect(message).toContain(':5: entry L3-ORCH-003 expired on 2020-01-31: fix the failure, or extend expires');
    expect(message).toContain(':8: entry L3-MAP-001 expired at kit version 0.0.1 (this kit is 0.1.0)');
  });

  it('expires on the given day, not after it, and from the given kit version on', () => {
    const text = (expires: string) => `version: 1\nentries:\n  L3-ORCH-003:\n    reason: r\n    expires: "${expires}"\n`;
    expect(() => parseBaseline('b.yaml', text('2026-06-16'), context)).not.toThrow();
    expect(() => parseBaseline('b.yaml', text('2026-06-15'), context)).toThrow(/b\.yaml:5: entry L3-ORCH-003 expired on 2026-06-15/);
    expect(() => parseBaseline('b.yaml', text('0.1.1'), context)).not.toThrow();
    expect(() => parseBaseline('b.yaml', text('0.1.0'), context)).toThrow(/expired at kit version 0\.1\.0/);
    expect(() => parseBaseline('b.yaml', text('2026-02-30'), context)).toThrow(/b\.yaml:5: entry L3-ORCH-003 has an impossible date/);
  });

  it('reports schema problems (missing reason, unknown field) at their lines', async () => {
    const message = await problemsOf('bad-schema.yaml');
    expect(message).toContain("bad-schema.yaml:3: /entries/L3-ORCH-003/reason: required property 'reason' is missing");
    expect(message).toContain("bad-schema.yaml:7: /entries/L3-MAP-001/owner: property 'owner' is not allowed here");
  });

  it('reports every problem of a baseline in one pass, in line order, with the closest known id', async () => {
    const file = baselineFile('bad-many.yaml');
    const lines = (await problemsOf('bad-many.yaml')).split('\n');
    expect(lines).toEqual([
      `${file}:3: unknown id L3-ORCH-03: neither a requirement id (L3-AREA-nnn) nor a check of this kit (see mplp-conformance list) (did you mean L3-ORCH-003?)`,
      `${file}:5: unknown id flow.failure-blocks-dependent: neither a requirement id (L3-AREA-nnn) nor a check of this kit (see mplp-conformance list) (did you mean flow.ci-failure-blocks-dependents?)`,
      `${file}:7: /entries/L3-MAP-001/reason: required property 'reason' is missing`,
      `${file}:8: /entries/L3-MAP-001/owner: property 'owner' is not allowed here (allowed: reason, issue, expires, intermittent)`,
      `${file}:11: entry L3-LIFE-001 expired on 2020-01-01: fix the failure, or extend expires if it is still accepted`,
    ]);
  });

  it('reports a missing file, unless --update-baseline may create it', async () => {
    await expect(openBaseline('/nonexistent/b.yaml', catalogue, checks, false)).rejects.toThrow(/\/nonexistent\/b\.yaml: cannot read the baseline/);
    await expect(openBaseline('/nonexistent/b.yaml', catalogue, checks, true)).resolves.toEqual({ file: '/nonexistent/b.yaml', entries: [] });
  });
});

describe('CI verdict of a real run', () => {
  const open = (name: string) => openBaseline(baselineFile(name), catalogue, checks, false, '2026-06-15');

  it('accepts a run whose every failure is baselined, by requirement id or by check id', async () => {
    for (const name of ['all-known.yaml', 'by-check.yaml']) {
      const j = judgeBaseline(failing, await open(name), false);
      expect(j.ci_verdict, name).toBe('accepted');
      expect(j.baselined.map((b) => b.requirement).sort()).toEqual(['L3-MAP-001', 'L3-ORCH-003']);
    }
    const j = judgeBaseline(failing, await open('all-known.yaml'), false);
    expect(j.baselined.find((b) => b.requirement === 'L3-ORCH-003')).toMatchObject({ checks: ['flow.ci-failure-blocks-dependents'], entries: ['L3-ORCH-003'], issue: 'https://example.test/issues/7' });
  });

  it('names a failure the baseline does not list, with its failing checks', async () => {
    const j = judgeBaseline(failing, await open('orch-only.yaml'), false);
    expect(j.ci_verdict).toBe('new-failures');
    expect(j.new_failures).toEqual([{ requirement: 'L3-MAP-001', checks: ['flow.ci-map-failure-drains'], finding: 'a check found the rule broken' }]);
  });

  it('reports an entry whose failure passes now as stale, with its line; --allow-stale tolerates it', async () => {
    const baseline = await open('stale-and-known.yaml');
    const j = judgeBaseline(failing, baseline, false);
    expect(j.stale).toEqual([{ id: 'L3-LIFE-001', line: 7 }]);
    expect(j.ci_verdict).toBe('new-failures'); // L3-MAP-001 is not listed: worse than stale
    expect(judgeBaseline(passing, baseline, false)).toMatchObject({ ci_verdict: 'stale', stale: [{ id: 'L3-ORCH-003' }, { id: 'L3-LIFE-001' }] });
    expect(judgeBaseline(passing, baseline, true).ci_verdict).toBe('accepted');
  });

  it('never reports an intermittent entry stale', async () => {
    const j = judgeBaseline(passing, await open('intermittent.yaml'), false);
    expect(j).toMatchObject({ ci_verdict: 'accepted', stale: [], intermittent_passing: ['L3-ORCH-003'] });
  });

  it('does not judge entries outside the run scope', async () => {
    const partial = { ...passing, requirements: passing.requirements.filter((r) => r.id !== 'L3-ORCH-003'), checks: passing.checks.filter((c) => !c.requirements.includes('L3-ORCH-003')) };
    expect(judgeBaseline(partial, await open('orch-only.yaml'), false)).toMatchObject({ ci_verdict: 'accepted', stale: [] });
  });

  it('--update-baseline output: sorted, reasons kept, stale entries dropped, new failures with a TODO reason', async () => {
    const baseline = await open('stale-and-known.yaml');
    const { updateBaseline } = await import('../src/kit/baseline/update.js');
    const next = updateBaseline(baseline, judgeBaseline(failing, baseline, false));
    expect(next.added).toEqual(['L3-MAP-001']);
    expect(next.removed).toEqual(['L3-LIFE-001']);
    const text = renderBaseline(next.baseline);
    expect(text).toMatch(/^# mplp-conformance CI baseline/);
    expect(text).toContain(`entries:\n  L3-MAP-001:\n    reason: "${TODO_REASON}"\n  L3-ORCH-003:\n    reason: dependents of a failed step stay pending\n    issue: ACME-7\n`);
    expect(() => parseBaseline('x.yaml', text, context)).not.toThrow();
  });
});

describe('run --baseline exit codes (development runs: 5 where a certification exits 0)', () => {
  it('0 (5 here) when every failure is baselined; report.json still says non-conformant and records the CI verdict apart', async () => {
    const r = await runKit('no-blocking', ['--baseline', baselineFile('all-known.yaml')]);
    cleanup.push(r.runDir);
    // The test kit is a development run: nothing new failed, so 5 (a certification would exit 0).
    expect(r.exitCode, r.stderr).toBe(5);
    const report = await readReport(r.runDir);
    expect(report.verdict.verdict).toBe('non-conformant');
    expect(report.baseline).toMatchObject({ ci_verdict: 'accepted', new_failures: [], stale: [] });
    expect(reportSchemaProblems(report)).toEqual([]);
    expect(r.stderr).toContain('every failure is baselined · 2 baselined, 0 new, 0 stale');
  });

  it('1 on a failure outside the baseline, naming it', async () => {
    const r = await runKit('no-blocking', ['--baseline', baselineFile('orch-only.yaml')]);
    cleanup.push(r.runDir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('NEW    L3-MAP-001 (flow.ci-map-failure-drains)');
  });

  it('2 on a stale entry, naming file and line; 0 with --allow-stale', async () => {
    const stale = await runKit('reference', ['--baseline', baselineFile('orch-only.yaml')]);
    const allowed = await runKit('reference', ['--baseline', baselineFile('orch-only.yaml'), '--allow-stale']);
    cleanup.push(stale.runDir, allowed.runDir);
    expect(stale.exitCode).toBe(2);
    expect(stale.stderr).toContain(`STALE  L3-ORCH-003 passes now: remove it from ${baselineFile('orch-only.yaml')}:3`);
    expect(allowed.exitCode).toBe(5);
  });

  it('3 when a check ends error, even with every failure baselined', async () => {
    const r = await runKit('evil', ['--baseline', baselineFile('all-known.yaml')]);
    cleanup.push(r.runDir);
    expect(r.exitCode).toBe(3);
    expect((await readReport(r.runDir)).baseline?.ci_verdict).toBe('accepted');
  });

  it('4 on an invalid baseline, before the adapter is loaded, naming every problem with file:line', async () => {
    const r = await runKit('reference', ['--baseline', baselineFile('bad-unknown.yaml')]);
    expect(r.exitCode).toBe(4);
    expect(r.runDir).toBe('');
    expect(r.stderr).toContain('the baseline is unusable (2 problem(s))');
    expect(r.stderr).toContain(`${baselineFile('bad-unknown.yaml')}:5: unknown requirement id L3-ORCH-999: the requirement catalogue does not define it`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect((await runKit('reference', ['--allow-stale'])).exitCode).toBe(4);
  });

  it('--update-baseline rewrites the file and then judges against it', async () => {
    const dir = await tempDir('update');
    cleanup.push(dir);
    const file = join(dir, 'mplp-conformance.baseline.yaml');
    await copyFile(baselineFile('stale-and-known.yaml'), file);
    const r = await runKit('no-blocking', ['--baseline', file, '--update-baseline']);
    cleanup.push(r.runDir);
    // The test kit is a development run: nothing new failed, so 5 (a certification would exit 0).
    expect(r.exitCode, r.stderr).toBe(5);
    expect(r.stderr).toContain('1 added, 1 removed');
    expect(r.stderr).toContain('write the real reason: L3-MAP-001');
    const text = await readFile(file, 'utf8');
    expect(text.indexOf('L3-MAP-001:')).toBeLessThan(text.indexOf('L3-ORCH-003:'));
    expect(text).not.toContain('L3-LIFE-001');
    expect(text).toContain('issue: ACME-7');
    expect((await readReport(r.runDir)).baseline?.updated).toEqual({ added: ['L3-MAP-001'], removed: ['L3-LIFE-001'] });
  });

  it('the real bin exits with the same code (2: stale entry)', async () => {
    const reportDir = await tempDir('bin');
    cleanup.push(reportDir);
    const r = await execa('node', [BIN, 'run', ...KIT, '--adapter', adapterFile('reference'), '--seed', '7', '--report-dir', reportDir, '--baseline', baselineFile('orch-only.yaml')], { cwd: ROOT, reject: false });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toContain('baseline');
    expect(r.stdout).toContain('STALE  L3-ORCH-003');
  });
});
