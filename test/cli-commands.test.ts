// The CLI's other commands (help, list, validate, init, replay), spawned through the real bin.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTER_TEMPLATE } from '../src/cli/templates/adapter-template.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'mplp-conformance.js');
const mplp = (name: string) => join(root, 'test', 'fixtures', 'mplp', name);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mplp-cli-commands-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function cli(args: string[], cwd = root) {
  return execa('node', [bin, ...args], { cwd, reject: false, timeout: 120_000 });
}

describe.concurrent('help', () => {
  it.each(['run', 'list', 'validate', 'init', 'replay'])('%s --help lists its options and exits 0', async (command) => {
    const r = await cli([command, '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`mplp-conformance ${command}`);
    expect(r.stdout).toContain('-h, --help');
  });

  it('run --help documents every flag the brief requires', async () => {
    const r = await cli(['run', '--help']);
    for (const flag of ['--adapter', '--level', '--only', '--seed', '--runs', '--timeout', '--report-dir', '--format', '--bail']) expect(r.stdout).toContain(flag);
  });

  it('--help lists the commands', async () => {
    const r = await cli(['--help']);
    expect(r.exitCode).toBe(0);
    for (const command of ['run', 'list', 'validate', 'init', 'replay']) expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });
});

describe.concurrent('list', () => {
  it('prints requirements with level, area and check counts as JSON', async () => {
    const r = await cli(['list', '--format', 'json', '--level', 'core']);
    expect(r.exitCode, r.stderr).toBe(0);
    const listing = JSON.parse(r.stdout) as { requirements: Array<{ id: string; core: boolean; checks: string[] }>; areas: Array<{ area: string; requirements: number; checks: number }> };
    expect(listing.requirements.length).toBeGreaterThan(0);
    expect(listing.requirements.every((q) => q.core)).toBe(true);
    expect(listing.areas.reduce((n, a) => n + a.requirements, 0)).toBe(listing.requirements.length);
  });

  it('prints a readable table', async () => {
    const r = await cli(['list', '--only', 'psg']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Requirements at level full: \d+ \(\d+ MUST/);
    expect(r.stdout).toMatch(/^ {2}L3-PSG-001 +MUST +core +psg +\d+ check\(s\)/m);
  });
});

describe.concurrent('validate', () => {
  it('accepts a valid plan and a valid event', async () => {
    for (const file of ['plan.json', 'pipeline-stage-event.json']) {
      const r = await cli(['validate', mplp(`valid/${file}`)]);
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.stderr).toContain('valid');
    }
  });

  it('names file:line and pointer for an invalid object', async () => {
    const file = mplp('invalid/plan-step-missing-step-id.json');
    const r = await cli(['validate', file]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe(`${file}:13: /steps/0/step_id: required property 'step_id' is missing [plan]`);
  });

  it('validates an .ndjson event log line by line', async () => {
    const good = (await readFile(mplp('valid/pipeline-stage-event.json'), 'utf8')).replace(/\s*\n\s*/g, ' ');
    const file = join(work, 'events.ndjson');
    await writeFile(file, `${good}\n\n{ broken\n${JSON.stringify({ ...JSON.parse(good), stage_status: 'exploded' })}\n`);
    const r = await cli(['validate', file]);
    expect(r.exitCode).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${file}:3: not valid JSON`));
    expect(lines[1]).toMatch(new RegExp(`^${file}:4: /stage_status: must be one of`));
    expect(lines).toHaveLength(2);
  });

  it('says when it cannot tell the kind', async () => {
    const file = join(work, 'mystery.json');
    await writeFile(file, '{ "name": "who am i" }');
    const r = await cli(['validate', file]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('cannot tell which MPLP object this is');
  });

  it('exits 4 for a missing file', async () => {
    const r = await cli(['validate', join(work, 'absent.json')]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('no such file');
  });
});

describe('init', () => {
  // Its type check against the published `mplp-conformance/adapter` (strict, exactOptionalPropertyTypes,
  // no @types/node) runs on the installed tarball: test/package-installed.test.ts.
  it('writes an adapter template that loads and runs', async () => {
    const dir = await mkdtemp(join(root, '.tmp-init-'));
    try {
      const r = await cli(['init', dir]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(await readFile(join(dir, 'adapter.ts'), 'utf8')).toBe(ADAPTER_TEMPLATE);
      expect((await cli(['init', dir])).exitCode).toBe(4);


      // The template answers every operation NOT_IMPLEMENTED: nothing it does may pass (issue 17).
      const run = await cli(['run', '--adapter', join(dir, 'adapter.ts'), '--report-dir', join(dir, 'reports'), '--seed', '3', '--format', 'json']);
      const report = JSON.parse(run.stdout) as { adapter: { name: string }; verdict: { verdict: string }; totals: { checks: Record<string, number> }; checks: { id: string; outcome: string }[] };
      expect(report.adapter.name).toBe('my-runtime');
      expect(report.checks.filter((c) => c.outcome === 'pass').map((c) => c.id)).toEqual([]);
      expect(report.totals.checks['inconclusive']).toBeGreaterThan(0);
      expect(run.exitCode).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.concurrent('replay', () => {
  it('runs one golden flow against the reference adapter', async () => {
    const flow = join(root, 'golden-flows', 'sa-basic.yaml');
    const r = await cli(['replay', flow, '--seed', '9', '--format', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'flow.sa-basic', outcome: 'pass' });
  });

  it('ends error (exit 3) against an adapter whose operations throw, with both replay commands', async () => {
    const flow = join(root, 'golden-flows', 'sa-basic.yaml');
    const adapter = join(root, 'test', 'fixtures', 'adapters', 'throws.ts');
    const r = await cli(['replay', flow, '--adapter', adapter, '--seed', '9']);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toContain('ERROR flow.sa-basic');
    expect(r.stdout).toContain(`replay:   npx mplp-conformance replay ${flow} --adapter ${adapter} --seed 9`);
  });

  it('exits 4 naming file:line for a malformed flow', async () => {
    const flow = join(root, 'test', 'fixtures', 'flows', 'malformed', 'bad-status.yaml');
    const r = await cli(['replay', flow]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(new RegExp(`${flow.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
  });
});

// Issue 18: objects in the shape of upstream's examples (test/fixtures/mplp-examples, each checked
// once against upstream's own schemas, where all are valid): the kinds an L3 runtime touches are
// valid, the other MPLP modules are "unsupported kind", never another module's schema.
describe.concurrent('validate: kinds', () => {
  const examples = join(root, 'test', 'fixtures', 'mplp-examples');

  it('says "unsupported kind" for core, dialog, extension and network, and exits 4 when nothing was validated', async () => {
    for (const kind of ['core', 'dialog', 'extension', 'network']) {
      const r = await cli(['validate', join(examples, `${kind}.json`)]);
      expect(r.exitCode, r.stderr).toBe(4);
      expect(r.stdout).toContain(`(root): unsupported kind "${kind}"`);
      expect(r.stdout).not.toContain('[context]');
      expect(r.stderr).toContain('nothing validated: only unsupported kinds');
    }
  });

  it('validates an array of every example: the supported ones valid, the others listed', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(examples)).filter((f) => f.endsWith('.json')).sort();
    const all = await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(examples, f), 'utf8')) as unknown));
    const file = join(work, 'all-examples.json');
    await writeFile(file, JSON.stringify(all, null, 2));
    const r = await cli(['validate', file]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout.match(/unsupported kind/g)).toHaveLength(4);
    expect(r.stderr).toContain('valid (4 object(s) of unsupported kinds not validated)');
  });

  it('--kind validates as the kind given, and refuses an unknown kind', async () => {
    const r = await cli(['validate', join(examples, 'context.json'), '--kind', 'plan']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("required property 'plan_id' is missing [plan]");
    const ok = await cli(['validate', join(examples, 'plan.json'), '--kind', 'plan']);
    expect(ok.exitCode, ok.stdout).toBe(0);
    const bad = await cli(['validate', join(examples, 'plan.json'), '--kind', 'planz']);
    expect(bad.exitCode).toBe(4);
    expect(bad.stderr).toMatch(/--kind planz: unknown kind \(kinds: identifier, .*core, dialog, extension, network\)/);
  });
});
