// Issue 10, `mplp-conformance diff OLD NEW` on report.json files of real runs of the mini
// kit: regressions exit 1, improvements 0, changed evidence and verdict hashes are named,
// and unreadable or invalid files are exit 4 errors that name the file (and line).

import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportDiff } from '../src/kit/report/diff.js';
import { runCli, runKit, tempDir } from './fixtures/ci/harness.js';

let passing: string;
let failing: string;
let work: string;
const cleanup: string[] = [];

beforeAll(async () => {
  const [good, bad] = await Promise.all([runKit('reference'), runKit('no-blocking')]);
  passing = join(good.runDir, 'report.json');
  failing = join(bad.runDir, 'report.json');
  work = await tempDir('diff');
  cleanup.push(good.runDir, bad.runDir, work);
});
afterAll(async () => {
  await Promise.all(cleanup.map((d) => rm(d, { recursive: true, force: true })));
});

const diffJson = async (a: string, b: string) => {
  const r = await runCli(['diff', a, b, '--format', 'json']);
  return { exitCode: r.exitCode, diff: JSON.parse(r.stdout) as ReportDiff };
};

describe('diff of two reports', () => {
  it('exits 1 on a regression and names the newly failing checks, the moved verdicts and the hash change', async () => {
    const r = await runCli(['diff', passing, failing]);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/verdict hash changed: [0-9a-f]{12} → [0-9a-f]{12}/);
    expect(r.stdout).toContain('newly failing (2):');
    expect(r.stdout).toContain('flow.ci-failure-blocks-dependents: pass → fail — flow ci-failure-blocks-dependents: expect.final.steps.merge');
    expect(r.stdout).toContain('level core: conformant → non-conformant');
    expect(r.stdout).toContain('L3-ORCH-003: pass → fail');
    expect(r.stdout).toContain('REGRESSION');
  });

  it('exits 0 when things only got better, listing the newly passing checks', async () => {
    const { exitCode, diff } = await diffJson(failing, passing);
    expect(exitCode).toBe(0);
    expect(diff.regression).toBe(false);
    expect(diff.newly_passing.map((c) => c.id).sort()).toEqual(['flow.ci-failure-blocks-dependents', 'flow.ci-map-failure-drains']);
    expect(diff.newly_failing).toEqual([]);
  });

  it('reports the same verdicts as an unchanged hash and no regression', async () => {
    const r = await runCli(['diff', failing, failing]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/verdict hash unchanged \([0-9a-f]{12}\)/);
    expect(r.stdout).toContain('no regression.');
  });

  it('names checks whose evidence changed while their outcome stayed the same', async () => {
    const report = JSON.parse(await readFile(failing, 'utf8')) as { checks: { id: string; seen?: unknown }[] };
    report.checks.find((c) => c.id === 'flow.ci-map-failure-drains')!.seen = 'in_progress';
    const edited = join(work, 'edited.json');
    await writeFile(edited, JSON.stringify(report));
    const { exitCode, diff } = await diffJson(failing, edited);
    expect(exitCode).toBe(0);
    expect(diff.evidence_changed).toEqual([{ id: 'flow.ci-map-failure-drains', fields: ['seen'] }]);
    expect(diff.hash_changed).toBe(false);
  });

  it('counts a check that ends error now as newly failing', async () => {
    const evil = await runKit('evil');
    cleanup.push(evil.runDir);
    const { exitCode, diff } = await diffJson(failing, join(evil.runDir, 'report.json'));
    expect(exitCode).toBe(1);
    expect(diff.newly_failing).toEqual([{ id: 'lifecycle.unknown-plan', from: 'pass', to: 'error' }]);
  });
});

describe('diff input errors (exit 4, no stack trace)', () => {
  it('names a missing file', async () => {
    const r = await runCli(['diff', join(work, 'nope.json'), failing]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain(`diff: cannot read ${join(work, 'nope.json')}`);
  });

  it('names the file of malformed JSON in one line (and the line when the JSON parser gives one)', async () => {
    const bad = join(work, 'broken.json');
    await writeFile(bad, '{\n  "report_version": 1,\n  "run_id": ,\n}\n');
    const r = await runCli(['diff', failing, bad]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/^mplp-conformance: diff: \S+broken\.json(:3)?: invalid JSON: Unexpected token ','\n$/);
  });

  it('names file, line and pointer of JSON that is not a report', async () => {
    const report = JSON.parse(await readFile(failing, 'utf8')) as { checks: { outcome: string }[] };
    report.checks[0]!.outcome = 'meh';
    const bad = join(work, 'not-a-report.json');
    await writeFile(bad, JSON.stringify(report, null, 2));
    const r = await runCli(['diff', bad, failing]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain(`${bad} is not a mplp-conformance report.json`);
    expect(r.stderr).toMatch(/not-a-report\.json:\d+: \/checks\/0\/outcome: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('asks for two files', async () => {
    const r = await runCli(['diff', failing]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('expects two report.json files');
  });
});
