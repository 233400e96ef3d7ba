// Issue 16: the requirement × dimension coverage table (suites/coverage.yaml) is complete and
// true to the kit — every requirement has an entry with every dimension, every cell names
// checks that exist and list the requirement (or says why it does not apply), no applicable
// cell is uncovered — and docs/coverage.md is what `npm run coverage:docs` renders from it.

import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { discoverChecks, loadCatalogue } from '../src/kit/index.js';
import type { Catalogue } from '../src/kit/catalogue.js';
import type { Check } from '../src/kit/check.js';
import { COVERAGE_DOC, coverageCounts, coverageProblems, kindsNamed, loadCoverage, renderCoverage, type CoverageData } from '../scripts/coverage-table.js';

let data: CoverageData;
let schemaProblems: string[];
let catalogue: Catalogue;
let checks: Check[];

beforeAll(async () => {
  ({ data, schemaProblems } = await loadCoverage());
  catalogue = await loadCatalogue();
  checks = (await discoverChecks()).checks;
}, 60_000);

const check = (id: string, requirements: string[]): Check => ({ id, title: id, requirements, run: async () => ({ outcome: 'pass', message: '' }) });

describe('requirement × dimension coverage', () => {
  it('is valid against schemas/coverage.schema.json', () => {
    expect(schemaProblems).toEqual([]);
  });

  it('covers every applicable cell of every requirement with a check that grades it', () => {
    expect(coverageProblems(data, catalogue, checks)).toEqual([]);
    const counts = coverageCounts(data);
    expect(counts.requirements).toBe(catalogue.requirements.length);
    expect(counts.uncovered).toBe(0);
  });

  it('docs/coverage.md is up to date (npm run coverage:docs)', async () => {
    expect(await readFile(COVERAGE_DOC, 'utf8')).toBe(renderCoverage(data, catalogue));
  });

  describe('fails when', () => {
    // A small table of one requirement over the real catalogue's rule text.
    const one = (id: string, dims: Record<string, unknown>): CoverageData => ({ ...structuredClone(data), requirements: { [id]: dims } as CoverageData['requirements'] });
    const full = () => structuredClone(data.requirements['L3-PSG-004']!) as Record<string, unknown>;
    const problems = (d: CoverageData, extra: Check[] = []) => coverageProblems(d, catalogue, [...checks, ...extra]).filter((p) => !p.startsWith('reason ') && !p.includes('no entry in suites/coverage.yaml'));

    it('a catalogue requirement has no entry, or an entry names no requirement', () => {
      const { ['L3-PSG-004']: _dropped, ...rest } = data.requirements;
      expect(coverageProblems({ ...data, requirements: rest }, catalogue, checks)).toContain('L3-PSG-004: no entry in suites/coverage.yaml (every requirement says, per dimension, which checks cover it or why not)');
      expect(problems(one('L3-PSG-999', full()))).toContain('L3-PSG-999: not a requirement of the catalogue');
    });

    it('a dimension or a cell is missing', () => {
      const dims = full();
      delete dims['phase'];
      (dims['profile'] as Record<string, unknown>) = { sa: ['flow.sa-basic'] };
      expect(problems(one('L3-PSG-004', dims))).toEqual(expect.arrayContaining(['L3-PSG-004 phase: missing (list its cells, or "n/a <reason>")', 'L3-PSG-004 profile: cell map is missing']));
    });

    it('an object kind the rule names is not listed, or the kind dimension is n/a although the rule names kinds', () => {
      const dims = full();
      dims['object_kind'] = { plan: ['psg.read-after-write.status'] };
      expect(problems(one('L3-PSG-004', dims))).toEqual([]); // PSG-004's rule names no kind
      const life = structuredClone(data.requirements['L3-LIFE-004']!) as Record<string, unknown>;
      life['object_kind'] = { plan: ['lifecycle.plan.forbidden-matrix'] };
      expect(problems(one('L3-LIFE-004', life))).toEqual(expect.arrayContaining(['L3-LIFE-004 object_kind: cell trace is missing (the rule names it)', 'L3-LIFE-004 object_kind: cell collab is missing (the rule names it)']));
      life['object_kind'] = 'n/a no-kind';
      expect(problems(one('L3-LIFE-004', life)).some((p) => p.includes('cannot be n/a as a whole'))).toBe(true);
      expect(kindsNamed('plan.context_id and the steps of a Trace', ['plan', 'step', 'context', 'trace'])).toEqual(['plan', 'step', 'trace']);
    });

    it('a cell names a check that does not exist, or one that does not list the requirement', () => {
      const dims = full();
      dims['session_length'] = { thousands: ['scale.no-such-check', 'flow.sa-basic', 'vsl.get.missing-key'] };
      expect(problems(one('L3-PSG-004', dims))).toEqual(['L3-PSG-004 session_length thousands: no check scale.no-such-check', 'L3-PSG-004 session_length thousands: check vsl.get.missing-key does not list L3-PSG-004']);
    });

    it('an applicable cell has no covering check', () => {
      const dims = full();
      dims['session_length'] = { thousands: [] };
      expect(problems(one('L3-PSG-004', dims))).toEqual(['L3-PSG-004 session_length thousands: applicable but no check covers it']);
    });

    it('a reason is neither named nor words, or a value is not n/a', () => {
      const dims = full();
      dims['dag_shape'] = 'n/a no-such-reason';
      dims['session_length'] = 'whatever';
      expect(problems(one('L3-PSG-004', dims))).toEqual(expect.arrayContaining([expect.stringContaining('L3-PSG-004 dag_shape: n/a names no known reason "no-such-reason"'), expect.stringContaining('L3-PSG-004 session_length: "whatever" is neither')]));
    });

    it('a new requirement arrives without its cells', () => {
      const bigger: Catalogue = { ...catalogue, requirements: [...catalogue.requirements, { ...catalogue.requirements[0]!, id: 'L3-PSG-099' }], byId: new Map([...catalogue.byId, ['L3-PSG-099', { ...catalogue.requirements[0]!, id: 'L3-PSG-099' }]]) };
      expect(coverageProblems(data, bigger, [...checks, check('x.y', ['L3-PSG-099'])])).toContain('L3-PSG-099: no entry in suites/coverage.yaml (every requirement says, per dimension, which checks cover it or why not)');
    });

    it('the rendered docs are stale', () => {
      const changed = structuredClone(data);
      (changed.requirements['L3-PSG-004']!['session_length'] as Record<string, string[]>)['thousands'] = ['scale.thousand-step-run', 'flow.sa-basic'];
      expect(renderCoverage(changed, catalogue)).not.toBe(renderCoverage(data, catalogue));
    });
  });
});
