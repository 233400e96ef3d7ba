// Spawns the real bin (no build step) and checks every exit code and what the run leaves behind.

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchemaProblems } from '../src/kit/report/write.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'mplp-conformance.js');
const fixture = (name: string) => join(root, 'test', 'fixtures', 'adapters', name);

let work: string;
/** The test kit's flags, with a report folder of the test's own so concurrent tests never share one. */
let kit: (reportDir: string) => string[];

/** A two-requirement kit: one check any working runtime passes, one requirement needing pauseResume. */
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mplp-cli-test-'));
  await mkdir(join(work, 'suites'));
  await mkdir(join(work, 'flows'));
  await writeFile(
    join(work, 'catalogue.yaml'),
    `version: 1
requirements:
  - { id: L3-LIFE-001, level: MUST, area: lifecycle, source: test, rule: "An unknown plan cannot be transitioned.", needs: [], core: true }
  - { id: L3-PAUSE-001, level: MUST, area: pause, source: test, rule: "Pause is supported.", needs: [pauseResume], core: true }
`,
  );
  await writeFile(
    join(work, 'suites', 'unknown-plan.check.ts'),
    `export default {
  id: 'lifecycle.unknown-plan',
  title: 'An unknown plan cannot be transitioned',
  requirements: ['L3-LIFE-001'],
  async run(ctx: any) {
    const { session } = await ctx.newSession();
    const r = await session.transition({ type: 'plan', id: '00000000-0000-4000-8000-000000000000' }, 'approved');
    return r.ok ? { outcome: 'fail', message: 'an unknown plan was transitioned', expected: { ok: false }, seen: r } : { outcome: 'pass', message: 'refused' };
  },
};
`,
  );
  await writeFile(
    join(work, 'suites', 'pause.check.ts'),
    `export default [{
  id: 'pause.exists',
  title: 'pause() answers',
  requirements: ['L3-PAUSE-001'],
  needs: ['pauseResume'],
  async run(ctx: any) {
    const { session } = await ctx.newSession();
    const r = await session.pause('00000000-0000-4000-8000-000000000000');
    return { outcome: r.ok ? 'fail' : 'pass', message: r.ok ? 'paused an unknown plan' : 'refused' };
  },
}];
`,
  );
  kit = (reportDir) => ['--catalogue', join(work, 'catalogue.yaml'), '--suites', join(work, 'suites'), '--flows', join(work, 'flows'), '--report-dir', join(work, reportDir), '--seed', '5'];
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function cli(args: string[]) {
  return execa('node', [bin, ...args], { cwd: root, reject: false, timeout: 120_000 });
}

async function onlyReport(dir: string): Promise<Record<string, unknown>> {
  const runs = (await readdir(dir)).filter((d) => d !== 'latest');
  return JSON.parse(await readFile(join(dir, runs.sort().at(-1)!, 'report.json'), 'utf8')) as Record<string, unknown>;
}

describe.concurrent('exit codes', () => {
  it('0: the embedded reference runtime is conformant with the shipped kit; the report validates', async () => {
    // Only the shipped catalogue, suites and flows certify (a replaced kit is a development run, exit 5).
    const r = await cli(['run', '--report-dir', join(work, 'reports-0'), '--seed', '5']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('full: CONFORMANT');
    expect(r.stdout.indexOf('level  verdict')).toBeLessThan(r.stdout.indexOf('report:'));
    const report = await onlyReport(join(work, 'reports-0'));
    expect(reportSchemaProblems(report)).toEqual([]);
    expect(report['adapter']).toMatchObject({ spec: null });
  }, 240_000);

  it('1: an adapter that does not claim a capability core needs', async () => {
    const r = await cli(['run', '--adapter', fixture('claims-nothing.ts'), ...kit('reports-1')]);
    expect(r.exitCode, r.stderr).toBe(1);
    // Once, naming both levels it fails (it was printed once per level).
    expect(r.stdout).toContain('core, full: L3-PAUSE-001 needs pauseResume');
    expect(r.stdout.match(/L3-PAUSE-001 needs pauseResume/g)).toHaveLength(1);
    expect(r.stdout).toContain('full: NON-CONFORMANT');
  });

  it.each(['throws.ts', 'garbage.ts'])('3: every operation of %s misbehaves; checks end error, the report is written', async (name) => {
    const dir = join(work, `reports-${name}`);
    const r = await cli(['run', '--adapter', fixture(name), ...kit(`reports-${name}`)]);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/ERROR lifecycle\.unknown-plan — L3-LIFE-001 \(MUST, core\)\n {2}adapter fault: session\.transition\(\)/);
    // The test kit's own catalogue, suites and flows ride along, so the command finds the check again.
    expect(r.stdout).toContain(`replay:   npx mplp-conformance run --adapter ${fixture(name)} --catalogue ${join(work, 'catalogue.yaml')} --suites ${join(work, 'suites')} --flows ${join(work, 'flows')} --only lifecycle.unknown-plan --seed 5`);
    const report = await onlyReport(dir);
    expect(reportSchemaProblems(report)).toEqual([]);
    expect(report['totals']).toMatchObject({ checks: { error: 2, fail: 0 } });
  });

  it('3: a hanging adapter ends error at the operation timeout and the run still finishes', async () => {
    const r = await cli(['run', '--adapter', fixture('hangs.ts'), ...kit('reports-2'), '--timeout', '100', '--format', 'json']);
    expect(r.exitCode, r.stderr).toBe(3);
    const report = JSON.parse(r.stdout) as { checks: Array<{ outcome: string; message: string }> };
    expect(report.checks.map((c) => c.outcome)).toEqual(['error', 'error']);
    expect(report.checks[0]!.message).toContain('did not settle within 100 ms');
  });

  it('3: an adapter whose describe() throws fails while starting', async () => {
    const r = await cli(['run', '--adapter', fixture('describe-throws.ts'), ...kit('reports-3')]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('describe() failed: threw the string "runtime license expired"');
  });

  it.each([
    [['run', '--frobnicate'], "Unknown option '--frobnicate'"],
    [['run', '--level', 'gold'], '--level must be one of core, full, got "gold"'],
    [['run', '--seed', '1.5'], '--seed expects a whole number'],
    [['run', '--adapter', './nowhere.ts'], 'file not found'],
    [['run', '--adapter', 'exec:./rt --stdio'], 'cannot start "./rt"'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['validate'], 'which file?'],
  ])('4: %j', async (args, message) => {
    const r = await cli(args);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('4: nothing usable exported, naming the exports found', async () => {
    const r = await cli(['run', '--adapter', fixture('no-export.ts'), ...kit('reports-4')]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('found runtime (object), version (string)');
  });

  it('4: an import that throws shows its message only', async () => {
    const r = await cli(['run', '--adapter', fixture('import-throws.ts'), ...kit('reports-5')]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('cannot reach the runtime at localhost:9999');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('4: --only that matches nothing', async () => {
    const r = await cli(['run', ...kit('reports-6'), '--only', 'no-such-area']);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('--only no-such-area matches no area, requirement or check');
  });
});

describe.concurrent('run options', () => {
  it('--runs repeats with the same seed and reports identical verdicts', async () => {
    const r = await cli(['run', ...kit('reports-7'), '--runs', '2', '--format', 'quiet']);
    // A replaced kit: nothing failed, a development run.
    expect(r.exitCode, r.stderr).toBe(5);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/2 runs, identical verdicts \(hash [0-9a-f]{12}\)/);
  });

  it('--level core --only narrows the run and says so', async () => {
    const r = await cli(['run', ...kit('reports-8'), '--level', 'core', '--only', 'lifecycle', '--format', 'json']);
    expect(r.exitCode, r.stderr).toBe(5);
    const report = JSON.parse(r.stdout) as { levels: Array<{ level: string }>; verdict: { partial: boolean }; checks: Array<{ id: string }> };
    expect(report.levels.map((l) => l.level)).toEqual(['core']);
    expect(report.verdict.partial).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(['lifecycle.unknown-plan']);
  });
});

describe('the shipped kit against the reference runtime', () => {
  it('runs every suite and golden flow: conformant, with a schema-valid report and junit', async () => {
    const dir = join(work, 'reports-shipped');
    const r = await cli(['run', '--seed', '1', '--report-dir', dir, '--format', 'quiet']);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const report = await onlyReport(dir);
    expect(reportSchemaProblems(report)).toEqual([]);
    expect((report['checks'] as unknown[]).length).toBeGreaterThan(0);
    const runDir = join(dir, (await readdir(dir)).filter((d) => d !== 'latest')[0]!);
    expect(await readFile(join(runDir, 'junit.xml'), 'utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
  });
});
