// Issue 18: --exclude and --shard selection, and the TAP rendering of a report.

import { describe, expect, it } from 'vitest';
import { parseCatalogue } from '../src/kit/catalogue.js';
import type { Check } from '../src/kit/check.js';
import { DEFAULT_RUN_OPTIONS, runChecks } from '../src/kit/runner.js';
import { buildReport } from '../src/kit/report/build.js';
import { renderTap } from '../src/kit/report/tap.js';
import { selectChecks } from '../src/kit/select.js';
import { referenceAdapter, referenceDescription } from '../src/adapters/reference.js';

const catalogue = parseCatalogue(
  'inline.yaml',
  `version: 1
requirements:
  - { id: L3-PSG-001, level: MUST, area: psg, source: t, rule: r, needs: [], core: true }
  - { id: L3-PSG-002, level: MUST, area: psg, source: t, rule: r, needs: [], core: true }
  - { id: L3-LIFE-001, level: MUST, area: lifecycle, source: t, rule: r, needs: [], core: true }
  - { id: L3-MAP-001, level: MUST, area: map, source: t, rule: r, needs: ["profile:map"], core: false }
`,
);

const check = (id: string, requirements: string[], extra: Partial<Check> = {}): Check => ({ id, title: id, requirements, run: async () => ({ outcome: 'pass', message: 'ok' }), ...extra });
const CHECKS: Check[] = [
  check('psg.a', ['L3-PSG-001']),
  check('psg.b', ['L3-PSG-001', 'L3-PSG-002']),
  check('life.base', ['L3-LIFE-001']),
  check('life.after', ['L3-LIFE-001'], { after: ['life.base'] }),
  check('map.one', ['L3-MAP-001']),
  check('props.x', ['L3-PSG-002'], { splitCases: true, generated: true }),
];
const ids = (checks: readonly Check[]) => checks.map((c) => c.id);

describe('--exclude', () => {
  it('leaves out a check by id, and every check that needs it', () => {
    const s = selectChecks(CHECKS, catalogue, { level: 'full', exclude: ['life.base'] });
    expect(ids(s.checks)).toEqual(['psg.a', 'psg.b', 'map.one', 'props.x']);
    expect(s.requirements).toEqual(['L3-PSG-001', 'L3-PSG-002', 'L3-MAP-001']);
    expect(s.partial).toBe(true);
    expect(s.unmatchedExclude).toEqual([]);
  });

  it('leaves out a requirement or area, and the checks grading nothing else', () => {
    const byRequirement = selectChecks(CHECKS, catalogue, { level: 'full', exclude: ['L3-PSG-001'] });
    expect(ids(byRequirement.checks)).toEqual(['psg.b', 'life.base', 'life.after', 'map.one', 'props.x']);
    expect(byRequirement.requirements).toEqual(['L3-PSG-002', 'L3-LIFE-001', 'L3-MAP-001']);
    const byArea = selectChecks(CHECKS, catalogue, { level: 'full', exclude: ['psg', 'map'] });
    expect(ids(byArea.checks)).toEqual(['life.base', 'life.after']);
    expect(byArea.requirements).toEqual(['L3-LIFE-001']);
  });

  it('combines with --only and names the filters that match nothing', () => {
    const s = selectChecks(CHECKS, catalogue, { level: 'full', only: ['psg'], exclude: ['psg.a', 'map.one', 'nothing'] });
    expect(ids(s.checks)).toEqual(['psg.b', 'props.x']);
    expect(s.unmatchedExclude).toEqual(['map.one', 'nothing']);
  });
});

describe('--shard', () => {
  it('deals whole checks round-robin, runs split checks in every shard and adds prerequisites', () => {
    const shards = [1, 2].map((index) => selectChecks(CHECKS, catalogue, { level: 'full', shard: { index, count: 2 } }));
    expect(shards.map((s) => s.shard!.owned)).toEqual([['psg.a', 'life.base', 'map.one'], ['psg.b', 'life.after']]);
    expect(shards.map((s) => s.shard!.split)).toEqual([['props.x'], ['props.x']]);
    expect(ids(shards[1]!.checks)).toEqual(['psg.b', 'life.base', 'life.after', 'props.x']);
    expect(shards.every((s) => s.partial && s.shard!.selection.length === CHECKS.length)).toBe(true);
  });
});

describe('TAP', () => {
  it('renders one test point per check, SKIP for skipped, a YAML block for failures, and the verdict', async () => {
    const checks: Check[] = [
      check('psg.a', ['L3-PSG-001']),
      check('psg.b', ['L3-PSG-002'], { run: async () => ({ outcome: 'fail', message: 'a # in the message', expected: { status: 'blocked' }, seen: 'pending' }) }),
      check('map.one', ['L3-MAP-001'], { needs: ['profile:map'] }),
    ];
    const description = { ...referenceDescription, capabilities: { ...referenceDescription.capabilities, profiles: ['sa' as const] } };
    const options = { ...DEFAULT_RUN_OPTIONS, seed: 3 };
    const run = await runChecks({ adapter: referenceAdapter, description }, checks, catalogue, options);
    const report = buildReport({ run, catalogue, description, options, untested: [] });
    const tap = renderTap(report).split('\n');
    expect(tap.slice(0, 4)).toEqual(['TAP version 14', '1..3', 'ok 1 - psg.a (L3-PSG-001)', 'not ok 2 - psg.b (L3-PSG-002)']);
    expect(tap).toContain('  ---');
    expect(tap).toContain('  outcome: fail');
    expect(tap).toContain('  message: "a # in the message"');
    expect(tap).toContain('    status: blocked');
    expect(tap.find((l) => l.startsWith('  replay:'))).toBeDefined();
    expect(tap).toContain('ok 3 - map.one (L3-MAP-001) # SKIP needs profile:map, which the adapter does not claim');
    expect(tap.at(-2)).toMatch(/^# full: non-conformant · verdict hash [0-9a-f]{12}$/);
  });
});
