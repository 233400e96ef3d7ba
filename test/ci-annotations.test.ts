// Issue 10, CI integration: GitHub Actions annotations (on the flow file's line when it is in
// the repository; baselined failures and tolerated stale entries as warnings), the escaping
// of workflow commands, badge.json, and the JUnit properties CI dashboards read.

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { renderBadge } from '../src/kit/report/badge.js';
import { formatAnnotation } from '../src/kit/report/annotations.js';
import type { LevelVerdict } from '../src/kit/report/verdicts.js';
import { baselineFile, KIT_DIR, runKit } from './fixtures/ci/harness.js';

const cleanup: string[] = [];
afterAll(async () => {
  await Promise.all(cleanup.map((d) => rm(d, { recursive: true, force: true })));
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Line of the first occurrence of `text` in a mini-kit flow file. */
async function lineOf(flow: string, text: string): Promise<number> {
  const lines = (await readFile(join(KIT_DIR, 'flows', flow), 'utf8')).split('\n');
  return lines.findIndex((l) => l.includes(text)) + 1;
}

const annotations = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::'));

describe('GitHub Actions annotations', () => {
  it('are printed only when GITHUB_ACTIONS=true', async () => {
    const r = await runKit('no-blocking');
    cleanup.push(r.runDir);
    expect(annotations(r.stdout)).toEqual([]);
  });

  it('put each failing flow on the line of its broken expectation, with requirement and level in the title', async () => {
    vi.stubEnv('GITHUB_ACTIONS', 'true');
    const r = await runKit('no-blocking');
    cleanup.push(r.runDir);
    const lines = annotations(r.stdout);
    const final = await lineOf('failure-blocks-dependents.yaml', 'final:');
    const head = `::error file=test/fixtures/ci/kit/flows/failure-blocks-dependents.yaml,line=${final},title=FAIL flow.ci-failure-blocks-dependents [L3-ORCH-003 MUST core]::`;
    const orch = lines.find((l) => l.startsWith(head));
    if (orch === undefined) throw new Error(`no annotation starting ${head} in:\n${lines.join('\n')}`);
    expect(orch).toContain('step merge is pending, expected blocked');
    // The replay command carries the kit paths the run used, so it finds the check again (issue 18).
    expect(orch).toMatch(/%0Areplay: npx mplp-conformance run --adapter test\/fixtures\/ci\/adapters\/no-blocking\.ts --catalogue \S+\/catalogue\.yaml --suites \S+ --flows \S+ --only flow\.ci-failure-blocks-dependents --seed 7/);
    expect(lines.at(-1)).toMatch(/^::notice title=MPLP 1\.0\.0 L3 conformance of .*::core: non-conformant, full: non-conformant$/);
  });

  it('turn baselined failures into warnings and stale entries into errors on the baseline line', async () => {
    vi.stubEnv('GITHUB_ACTIONS', 'true');
    const accepted = await runKit('no-blocking', ['--baseline', baselineFile('all-known.yaml')]);
    const stale = await runKit('reference', ['--baseline', baselineFile('orch-only.yaml')]);
    const tolerated = await runKit('reference', ['--baseline', baselineFile('orch-only.yaml'), '--allow-stale']);
    cleanup.push(accepted.runDir, stale.runDir, tolerated.runDir);
    const known = annotations(accepted.stdout).filter((l) => l.includes('title=FAIL'));
    expect(known).toHaveLength(2);
    for (const l of known) expect(l).toMatch(/^::warning .*\(baselined%3A /);
    expect(annotations(stale.stdout)).toContain('::error file=test/fixtures/ci/baselines/orch-only.yaml,line=3,title=stale baseline entry L3-ORCH-003::L3-ORCH-003 passes now: remove the entry (or run with --update-baseline)');
    expect(annotations(tolerated.stdout).some((l) => l.startsWith('::warning file=test/fixtures/ci/baselines/orch-only.yaml,line=3'))).toBe(true);
  });

  it('go to stderr with --format json, so stdout stays one JSON document', async () => {
    vi.stubEnv('GITHUB_ACTIONS', 'true');
    const r = await runKit('no-blocking', ['--format', 'json']);
    cleanup.push(r.runDir);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(annotations(r.stderr).length).toBeGreaterThan(0);
  });

  it('escape newlines and % in messages, and also : and , in properties, so adapter text cannot start a new command', () => {
    const line = formatAnnotation({ kind: 'error', file: 'a,b:c.yaml', line: 3, title: 'x: y, z', message: 'boom 100%\n::set-output name=x::y\r' });
    expect(line).toBe('::error file=a%2Cb%3Ac.yaml,line=3,title=x%3A y%2C z::boom 100%25%0A::set-output name=x::y%0D');
    expect(line.split('\n')).toHaveLength(1);
  });
});

describe('badge.json', () => {
  it('states the level reached, shields.io endpoint format', async () => {
    const good = await runKit('reference');
    const bad = await runKit('no-blocking');
    cleanup.push(good.runDir, bad.runDir);
    // The test kit is not the shipped one: a development run claims no level, whatever it found.
    expect(JSON.parse(await readFile(join(good.runDir, 'badge.json'), 'utf8'))).toEqual({ schemaVersion: 1, label: 'MPLP L3', message: 'development run', color: 'lightgrey' });
    expect(JSON.parse(await readFile(join(bad.runDir, 'badge.json'), 'utf8'))).toEqual({ schemaVersion: 1, label: 'MPLP L3', message: 'development run', color: 'lightgrey' });
    // The same reports as certifications would say the level reached.
    const certified = { certification: { certified: true, kit_digest: "", shipped_digest: "", reasons: [] } };
    const asCertified = async (dir: string) => renderBadge({ ...(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as Parameters<typeof renderBadge>[0]), ...certified });
    expect(await asCertified(good.runDir)).toEqual({ schemaVersion: 1, label: 'MPLP L3', message: 'full conformant', color: 'brightgreen' });
    expect(await asCertified(bad.runDir)).toEqual({ schemaVersion: 1, label: 'MPLP L3', message: 'not conformant', color: 'red' });
  });

  it('says core when only full was missed, inconclusive when core could not be judged, and marks partial runs', () => {
    const level = (l: 'core' | 'full', verdict: LevelVerdict['verdict'], partial = false): LevelVerdict => ({ level: l, verdict, partial, failures: [], inconclusive: [], warnings: [], ungraded: [] });
    expect(renderBadge({ levels: [level('core', 'conformant'), level('full', 'non-conformant')], verdict: level('full', 'non-conformant') })).toMatchObject({ message: 'core conformant', color: 'yellowgreen' });
    expect(renderBadge({ levels: [level('core', 'inconclusive')], verdict: level('core', 'inconclusive') })).toMatchObject({ message: 'inconclusive', color: 'lightgrey' });
    expect(renderBadge({ levels: [level('core', 'conformant', true)], verdict: level('core', 'conformant', true) })).toMatchObject({ message: 'core conformant (partial)' });
  });
});

describe('junit.xml', () => {
  it('gives every testcase its requirement ids and their levels as properties, and baselined failures their reason', async () => {
    const r = await runKit('no-blocking', ['--baseline', baselineFile('all-known.yaml')]);
    cleanup.push(r.runDir);
    const xml = await readFile(join(r.runDir, 'junit.xml'), 'utf8');
    const cases = xml.split('<testcase ').slice(1);
    expect(cases).toHaveLength(3);
    for (const c of cases) {
      expect(c).toMatch(/<property name="requirement" value="L3-[A-Z]+-\d{3}"\/>/);
      expect(c).toMatch(/<property name="requirement_level" value="L3-[A-Z]+-\d{3} MUST( core)?"\/>/);
    }
    expect(xml).toContain('<property name="requirement_level" value="L3-MAP-001 MUST"/>');
    expect(xml).toContain('<property name="baseline" value="L3-ORCH-003: dependents of a failed step stay pending"/>');
    expect(cases.find((c) => c.includes('lifecycle.unknown-plan'))).not.toContain('name="baseline"');
  });
});
