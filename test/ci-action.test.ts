// Issue 18: the GitHub Action (action.yml) as far as it can run outside GitHub: its inputs are
// the documented ones, and its run step (action/mplp-action.sh) runs the kit, writes the job
// summary and the step outputs, exits with the kit's code, and runs and merges shards. The
// install step is run on the packed tarball by test/package-installed.test.ts.

import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DIST_BIN } from './helpers/packed.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SCRIPT = join(ROOT, 'action', 'mplp-action.sh');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ci-action-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

interface Action {
  inputs: Record<string, { description: string; default: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id?: string; run?: string; uses?: string; env?: Record<string, string> }[] };
}

/** Runs the action's run step as GitHub would: INPUT_* variables, output and summary files. */
async function actionRun(name: string, inputs: Record<string, string>) {
  const output = join(work, `${name}.output`);
  const summary = join(work, `${name}.summary`);
  await writeFile(output, '');
  await writeFile(summary, '');
  // The compiled command (built once for the tests), as the action installs it.
  const env: Record<string, string> = { MPLP_KIT_BIN: DIST_BIN, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true' };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase().replace(/-/g, '_')}`] = v;
  const r = await execa('bash', [SCRIPT, 'run'], { cwd: work, env, reject: false, timeout: 180_000 });
  const outputs = Object.fromEntries((await readFile(output, 'utf8')).split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { r, outputs, summary: await readFile(summary, 'utf8') };
}

describe('action.yml', () => {
  it('is a composite action whose inputs are the documented ones, each passed to the script', async () => {
    const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as Action;
    expect(action.runs.using).toBe('composite');
    const docs = await readFile(join(ROOT, 'docs', 'ci.md'), 'utf8');
    const table = docs.slice(docs.indexOf('### Inputs'), docs.indexOf('### Outputs'));
    const documented = [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(action.inputs).sort());
    const outputsDoc = docs.slice(docs.indexOf('### Outputs'));
    for (const o of Object.keys(action.outputs)) expect(outputsDoc).toContain(`| \`${o}\` |`);
    const passed = new Set(action.runs.steps.flatMap((s) => Object.keys(s.env ?? {})));
    for (const name of Object.keys(action.inputs).filter((n) => !['upload', 'node-version', 'working-directory'].includes(n))) {
      expect(passed, name).toContain(`INPUT_${name.toUpperCase().replace(/-/g, '_')}`);
    }
    expect(action.runs.steps.filter((s) => s.run).every((s) => s.run!.includes('action/mplp-action.sh'))).toBe(true);
  });
});

describe('the action\'s run step', () => {
  it('exits with the kit\'s code and annotates the failures of a faulty runtime', async () => {
    const { r, outputs } = await actionRun('fail', { adapter: join(ROOT, 'test', 'fixtures', 'ci', 'adapters', 'no-blocking.ts'), only: 'flow.step-failure-blocks-dependents', 'report-dir': 'reports-fail', format: 'quiet' });
    expect(r.exitCode).toBe(1);
    expect(outputs).toMatchObject({ 'exit-code': '1', verdict: 'non-conformant' });
    expect(r.stdout).toMatch(/^::error title=FAIL flow\.step-failure-blocks-dependents \[L3-ORCH-003 SHOULD core/m);
  }, 120_000);

  it('runs the kit (job summary, outputs, exit 5 for a narrowed run), runs shards (one artifact name each) and merges them to the unsharded verdict hash', async () => {
    const base = { only: 'trace,approval', seed: '31', format: 'quiet' };
    const whole = await actionRun('whole', { ...base, 'report-dir': 'reports-whole' });
    // --only: a development run in which nothing failed exits 5.
    expect(whole.r.exitCode, whole.r.stderr + whole.r.stdout).toBe(5);
    expect(whole.r.stdout).toContain('::notice');
    expect(whole.outputs).toMatchObject({ 'exit-code': '5', verdict: 'conformant', report: 'reports-whole/report.json', 'artifact-name': 'mplp-conformance-report' });
    expect(whole.outputs['verdict-hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(await readFile(join(work, 'reports-whole', 'report.json'), 'utf8')).verdict_hash).toBe(whole.outputs['verdict-hash']);
    expect(whole.outputs['report-dir']).toMatch(/reports-whole\/\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    expect(whole.summary).toMatch(/^# MPLP/m);
    const one = await actionRun('one', { ...base, shard: '1/2', 'report-dir': 'shards/one' });
    const two = await actionRun('two', { ...base, shard: '2/2', 'report-dir': 'shards/two' });
    expect([whole.r.exitCode, one.r.exitCode, two.r.exitCode]).toEqual([5, 5, 5]);
    expect([one.outputs['artifact-name'], two.outputs['artifact-name']]).toEqual(['mplp-conformance-shard-1-of-2', 'mplp-conformance-shard-2-of-2']);
    const merged = await actionRun('merged', { merge: 'shards/*/report.json', 'report-dir': 'reports-merged', format: 'quiet' });
    expect(merged.r.exitCode, merged.r.stdout + merged.r.stderr).toBe(5);
    expect(merged.outputs['verdict-hash']).toBe(whole.outputs['verdict-hash']);
  }, 240_000);
});
