import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Adapter, Capabilities } from '../src/adapter/contract.js';
import type { BusEvent } from '../src/mplp/types.js';
import { parseCatalogue } from '../src/kit/catalogue.js';
import type { Check, CheckResult } from '../src/kit/check.js';
import { runConformance } from '../src/kit/conformance.js';
import { buildReport } from '../src/kit/report/build.js';
import { canonicalJson, verdictHash } from '../src/kit/report/hash.js';
import { renderJunit, xmlEscape } from '../src/kit/report/junit.js';
import { levelVerdict, requirementVerdict, type RequirementVerdict } from '../src/kit/report/verdicts.js';
import { reportSchemaProblems, writeReport } from '../src/kit/report/write.js';
import { DEFAULT_RUN_OPTIONS, type CheckRecord, type RunOptions } from '../src/kit/runner.js';

const catalogue = parseCatalogue(
  'inline.yaml',
  `version: 1
requirements:
  - { id: L3-PSG-001, level: MUST, area: psg, source: t, rule: "references resolve", needs: [], core: true }
  - { id: L3-PAUSE-001, level: MUST, area: pause, source: t, rule: "pause holds", needs: [pauseResume], core: true }
  - { id: L3-EVT-010, level: SHOULD, area: events, source: t, rule: "events are nice", needs: [], core: true }
  - { id: L3-MAP-001, level: MUST, area: map, source: t, rule: "map limit", needs: ["profile:map"], core: false }
  - { id: L3-RB-001, level: MUST, area: rollback, source: t, rule: "no check yet", needs: [], core: false }
`,
);

const CAPS: Capabilities = { profiles: ['sa', 'map'], pauseResume: true, approval: false, moduleRegistry: false, drift: false, rollback: false, vsl: false };

const adapter: Adapter = {
  describe: () => ({ name: 'report adapter', version: '1.0.0', capabilities: CAPS }),
  createSession: async () => ({
    load: async () => ({ ok: true }),
    transition: async () => ({ ok: true }),
    run: async (id) => ({ ok: true, outcome: { plan_id: id, plan_status: 'completed', step_statuses: {}, paused: false } }),
    cancel: async () => ({ ok: true }),
    confirm: async () => ({ ok: true }),
    pause: async () => ({ ok: true }),
    resume: async () => ({ ok: true }),
    get: async () => undefined,
    graph: async () => ({ nodes: [], edges: [] }),
    events: async () => [],
    close: async () => undefined,
  }),
};

const returning = (r: CheckResult): Check['run'] => async (ctx) => {
  await ctx.newSession();
  return r;
};

const CHECKS: Check[] = [
  { id: 'psg.refs', title: 'refs', requirements: ['L3-PSG-001'], run: returning({ outcome: 'pass', message: 'ok' }) },
  {
    id: 'pause.holds',
    title: 'pause <holds> & "quotes"',
    requirements: ['L3-PAUSE-001'],
    run: returning({ outcome: 'fail', message: 'step ran while paused <b> & \'x\' \u0001', expected: { running: 0 }, seen: { running: 1 }, events: [{ event_id: 'e1', seq: BigInt(3) }] as unknown as BusEvent[] }),
  },
  { id: 'events.nice', title: 'nice', requirements: ['L3-EVT-010'], run: returning({ outcome: 'fail', message: 'not nice' }) },
  { id: 'map.limit', title: 'limit', requirements: ['L3-MAP-001'], needs: ['profile:map'], run: async () => { throw 'bug'; } },
];

const options = (o: Partial<RunOptions> = {}): RunOptions => ({ ...DEFAULT_RUN_OPTIONS, seed: 11, operationTimeoutMs: 500, checkTimeoutMs: 2_000, ...o });

async function conformance(checks: Check[] = CHECKS, o: Partial<RunOptions> = {}) {
  return runConformance({ target: { adapter, description: await adapter.describe(), spec: './a.ts' }, checks, catalogue, options: options(o) });
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('requirement verdicts', () => {
  const rec = (outcome: CheckRecord['outcome']) => ({ outcome }) as CheckRecord;
  it.each([
    [[], 'untested'],
    [['skipped', 'skipped'], 'skipped'],
    [['pass', 'skipped'], 'pass'],
    [['pass', 'blocked'], 'blocked'],
    [['pass', 'error', 'blocked'], 'error'],
    [['error', 'fail', 'pass'], 'fail'],
  ] as const)('%j → %s', (outcomes, verdict) => {
    expect(requirementVerdict(outcomes.map(rec))).toBe(verdict);
  });
});

describe('level verdicts', () => {
  const v = (id: string, verdict: RequirementVerdict['verdict'], extra: Partial<RequirementVerdict> = {}): RequirementVerdict => ({
    id, level: 'MUST', area: 'psg', core: true, rule: 'r', source: 's', needs: [], verdict, checks: [], ...extra,
  });

  it('fails core when a core MUST requirement needs an unclaimed capability', () => {
    const core = levelVerdict('core', [v('L3-PAUSE-001', 'skipped', { needs: ['pauseResume'] })], { ...CAPS, pauseResume: false }, false);
    expect(core.verdict).toBe('non-conformant');
    expect(core.failures[0]!.reason).toContain('pauseResume');
  });

  it('ignores unclaimed non-core requirements, and judges claimed ones only at full', () => {
    const verdicts = [v('L3-PSG-001', 'pass'), v('L3-MAP-001', 'fail', { core: false, needs: ['profile:map'] })];
    expect(levelVerdict('core', verdicts, CAPS, false).verdict).toBe('conformant');
    expect(levelVerdict('full', verdicts, CAPS, false).verdict).toBe('non-conformant');
    expect(levelVerdict('full', verdicts, { ...CAPS, profiles: ['sa'] }, false).verdict).toBe('conformant');
  });

  it('treats SHOULD failures as warnings, errors as inconclusive, untested as ungraded', () => {
    const level = levelVerdict('full', [v('L3-EVT-010', 'fail', { level: 'SHOULD' }), v('L3-PSG-001', 'error'), v('L3-RB-001', 'untested', { core: false })], CAPS, false);
    expect(level).toMatchObject({ verdict: 'inconclusive', failures: [], ungraded: ['L3-RB-001'] });
    expect(level.warnings.map((w) => w.requirement)).toEqual(['L3-EVT-010']);
  });
});

describe('report.json', () => {
  it('matches schemas/report.schema.json and carries verdicts, evidence and replay commands', async () => {
    const { report } = await conformance();
    expect(reportSchemaProblems(report)).toEqual([]);
    expect(report.verdict).toMatchObject({ level: 'full', verdict: 'non-conformant' });
    expect(report.requirements.map((r) => [r.id, r.verdict])).toEqual([
      ['L3-PSG-001', 'pass'],
      ['L3-PAUSE-001', 'fail'],
      ['L3-EVT-010', 'fail'],
      ['L3-MAP-001', 'error'],
      ['L3-RB-001', 'untested'],
    ]);
    expect(report.untested).toEqual(['L3-RB-001']);
    const pause = report.checks.find((c) => c.id === 'pause.holds')!;
    expect(pause).toMatchObject({ expected: { running: 0 }, seen: { running: 1 }, events: [{ event_id: 'e1', seq: '3' }] });
    expect(pause.replay).toEqual(['npx mplp-conformance run --adapter ./a.ts --only pause.holds --seed 11']);
    expect(report.adapter).toMatchObject({ spec: './a.ts', name: 'report adapter' });
    expect(report.environment.node).toBe(process.version);
  });

  it('detects a report that breaks its schema', async () => {
    const { report } = await conformance();
    expect(reportSchemaProblems({ ...report, verdict_hash: 'nope' })[0]).toContain('/verdict_hash');
  });

  it('gives identical verdict hashes to identical runs and a different one when an outcome changes', async () => {
    const first = (await conformance()).report;
    const second = (await conformance([...CHECKS].reverse(), { concurrency: 3 })).report;
    expect(second.run_id).not.toBe(first.run_id);
    expect(second.verdict_hash).toBe(first.verdict_hash);
    const changed = (await conformance([CHECKS[0]!, { ...CHECKS[1]!, run: returning({ outcome: 'pass', message: 'ok' }) }, CHECKS[2]!, CHECKS[3]!])).report;
    expect(changed.verdict_hash).not.toBe(first.verdict_hash);
  });

  it('hashes canonical JSON: key order does not matter', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(verdictHash([{ id: 'b', outcome: 'pass' }, { id: 'a', outcome: 'fail' }], [])).toBe(verdictHash([{ id: 'a', outcome: 'fail' }, { id: 'b', outcome: 'pass' }], []));
  });

  it('writes report.json, junit.xml and summary.md under the run id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mplp-report-test-'));
    dirs.push(dir);
    const { report } = await conformance();
    const written = await writeReport(report, dir);
    expect(written.dir).toBe(join(dir, report.run_id));
    expect(JSON.parse(await readFile(written.files.report, 'utf8'))).toEqual(report);
    const summary = await readFile(written.files.summary, 'utf8');
    expect(summary).toContain('| full | **non-conformant** |');
    expect(summary).toContain('replay: `npx mplp-conformance run --adapter ./a.ts --only pause.holds --seed 11`');
    expect(await readFile(written.files.junit, 'utf8')).toBe(renderJunit(report));
  });
});

/** A small XML well-formedness check: one root, balanced tags, quoted attributes, known entities, legal characters. */
function wellFormedProblems(xml: string): string[] {
  const problems: string[] = [];
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml)) problems.push('illegal control character');
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (let m = token.exec(body); m; m = token.exec(body)) {
    const [, closing, name, , selfClosing, text, stray] = m;
    if (stray) problems.push(`stray < at ${m.index}`);
    else if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) problems.push(`bad entity in text at ${m.index}`);
      if (stack.length === 0 && text.trim() !== '') problems.push('text outside the root');
    } else if (closing) {
      if (stack.pop() !== name) problems.push(`mismatched </${name}>`);
    } else {
      if (stack.length === 0) roots += 1;
      if (!selfClosing) stack.push(name!);
    }
    if (m[3] && /&(?!(amp|lt|gt|quot|apos);)/.test(m[3])) problems.push(`bad entity in attributes of <${name}>`);
  }
  if (stack.length > 0) problems.push(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

describe('junit.xml', () => {
  it('is well-formed, escapes text, and has one testsuite per area with failure/error/skipped elements', async () => {
    const { report } = await conformance(CHECKS, {});
    const xml = renderJunit(report);
    expect(wellFormedProblems(xml)).toEqual([]);
    expect(xml).toContain('<testsuite name="pause" tests="1" failures="1" errors="0" skipped="0"');
    expect(xml).toContain('<testsuite name="map" tests="1" failures="0" errors="1"');
    expect(xml).toContain('message="step ran while paused &lt;b&gt; &amp; &apos;x&apos; \uFFFD"');
    expect(xml).toContain('<property name="requirement" value="L3-PAUSE-001"/>');
    expect(xml).toContain('<property name="requirement_level" value="L3-PAUSE-001 MUST core"/>');
    expect(xml).toContain('<testcase name="pause.holds [L3-PAUSE-001]" classname="mplp.l3.pause"');
  });

  it('marks skipped and blocked checks as skipped', async () => {
    const { report } = await runConformance({
      target: { adapter, description: { name: 'n', version: '1', capabilities: { ...CAPS, profiles: [] } } },
      checks: CHECKS,
      catalogue,
      options: options(),
    });
    const xml = renderJunit(report);
    expect(wellFormedProblems(xml)).toEqual([]);
    expect(xml).toContain('<skipped message="skipped: needs profile:map, which the adapter does not claim"/>');
  });

  it('the well-formedness check itself rejects broken XML', () => {
    expect(wellFormedProblems('<a><b></a>')).not.toEqual([]);
    expect(wellFormedProblems('<a x="1 & 2"/>')).not.toEqual([]);
    expect(wellFormedProblems(`<a>${xmlEscape('1 & <2>')}</a>`)).toEqual([]);
  });
});

describe('buildReport', () => {
  it('judges only core for a core run, and marks partial runs', async () => {
    const { run } = await conformance(CHECKS, { level: 'core', only: ['psg'] });
    const report = buildReport({ run, catalogue, description: await adapter.describe(), options: options({ level: 'core', only: ['psg'] }), untested: [] });
    expect(report.levels.map((l) => l.level)).toEqual(['core']);
    expect(report.verdict).toMatchObject({ verdict: 'conformant', partial: true });
    expect(report.adapter.spec).toBeNull();
    expect(reportSchemaProblems(report)).toEqual([]);
  });
});
