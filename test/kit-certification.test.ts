// Issue 17: a run certifies a level only with the shipped kit, unmodified, nothing narrowed or
// added, every requirement of the level graded. An empty or custom-suite run can never print or
// badge a conformance level, and never exits 0.

import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { certificationOf, DIGEST_MANIFEST, kitDigest, shippedDigest } from '../src/kit/certification.js';
import { DEFAULT_CATALOGUE } from '../src/kit/catalogue.js';
import { DEFAULT_FLOWS_DIR, DEFAULT_SUITES_DIR } from '../src/kit/discover.js';
import { renderBadge } from '../src/kit/report/badge.js';

const BIN = fileURLToPath(new URL('../bin/mplp-conformance.js', import.meta.url));
const SOURCES = { catalogue: DEFAULT_CATALOGUE, suites: DEFAULT_SUITES_DIR, flows: DEFAULT_FLOWS_DIR };
const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

async function temp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mplp-cert-'));
  temps.push(dir);
  return dir;
}

async function runKit(args: string[], cwd: string) {
  const r = await execa('node', [BIN, ...args, '--format', 'json', '--report-dir', join(cwd, 'reports')], { cwd, reject: false, env: { CI: 'true' } });
  return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as { certification: { certified: boolean; reasons: string[] }; verdict: { verdict: string } } };
}

describe('certification', () => {
  it(`${DIGEST_MANIFEST} records the digest of the shipped catalogue, suites and flows (npm run digest refreshes it)`, async () => {
    const computed = await kitDigest(SOURCES);
    const shipped = await shippedDigest(SOURCES.suites);
    expect(shipped, 'run: npm run digest').toEqual(computed);
  });

  it('a changed file changes the digest', async () => {
    const dir = await temp();
    await cp(SOURCES.flows, join(dir, 'flows'), { recursive: true });
    const before = await kitDigest({ ...SOURCES, flows: join(dir, 'flows') });
    const file = join(dir, 'flows', 'sa-basic.yaml');
    await writeFile(file, `${await readFile(file, 'utf8')}# edited\n`);
    expect((await kitDigest({ ...SOURCES, flows: join(dir, 'flows') })).digest).not.toBe(before.digest);
  });

  it('names every reason a run is a development run', () => {
    const digest = { digest: 'a'.repeat(64), files: 3 };
    const c = certificationOf({ digest, shipped: { digest: 'b'.repeat(64), files: 3 }, defaultSources: false, only: ['vsl'], addedFlows: ['/x'], ungraded: ['L3-PSG-001'] });
    expect(c.certified).toBe(false);
    expect(c.reasons.join('\n')).toMatch(/replaced[\s\S]*differ[\s\S]*--only vsl[\s\S]*--add-flows[\s\S]*L3-PSG-001/);
    expect(certificationOf({ digest, shipped: digest, defaultSources: true, only: [], addedFlows: [], ungraded: [] }).certified).toBe(true);
  });

  it('a development run badges no level, even when every check passed', () => {
    const levels = [{ level: 'full', verdict: 'conformant' }, { level: 'core', verdict: 'conformant' }];
    const badge = renderBadge({ levels, verdict: { partial: false }, incomplete: null, certification: { certified: false, kit_digest: 'a'.repeat(64), shipped_digest: null, reasons: ['x'] } } as never);
    expect(badge).toMatchObject({ message: 'development run', color: 'lightgrey' });
  });

  it('an empty run (no suites, no flows) claims no level and does not exit 0', async () => {
    const dir = await temp();
    await Promise.all([writeFile(join(dir, 'keep'), ''), cp(join(SOURCES.suites, DIGEST_MANIFEST), join(dir, DIGEST_MANIFEST))]);
    const { exitCode, report } = await runKit(['--suites', dir, '--flows', dir], dir);
    expect(report.certification.certified).toBe(false);
    expect(report.certification.reasons.join(' ')).toMatch(/replaced/);
    expect(report.certification.reasons.join(' ')).toMatch(/not graded by any check/);
    expect(exitCode).toBe(5);
  }, 60_000);

  it('--only and --add-flows make a development run', async () => {
    const dir = await temp();
    const only = await runKit(['--only', 'vsl'], dir);
    expect(only.report.certification.certified).toBe(false);
    expect(only.exitCode).toBe(5);
    await mkdir(join(dir, 'flows'), { recursive: true });
    await writeFile(join(dir, 'flows', 'mine.yaml'), (await readFile(join(SOURCES.flows, 'sa-basic.yaml'), 'utf8')).replace('id: sa-basic', 'id: vendor-sa-basic'));
    const added = await runKit(['--add-flows', join(dir, 'flows'), '--only', 'flow.vendor-sa-basic'], dir);
    expect(added.report.certification.reasons.join(' ')).toMatch(/--add-flows/);
    expect(added.exitCode).toBe(5);
  }, 120_000);
});
