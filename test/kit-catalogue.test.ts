import { describe, expect, it } from 'vitest';
import { CatalogueError, lintCoverage, loadCatalogue, parseCatalogue } from '../src/kit/catalogue.js';
import type { Check } from '../src/kit/check.js';

function problemsOf(text: string) {
  try {
    parseCatalogue('cat.yaml', text);
  } catch (e) {
    expect(e).toBeInstanceOf(CatalogueError);
    return (e as CatalogueError).problems;
  }
  throw new Error('expected the catalogue to be rejected');
}

const entry = (id: string, extra = '') => `  - id: ${id}
    level: MUST
    area: psg
    source: "t"
    rule: "r"
    needs: []
    core: true${extra}
`;

describe('requirement catalogue', () => {
  it('loads the shipped suites/requirements.yaml', async () => {
    const catalogue = await loadCatalogue();
    expect(catalogue.requirements.length).toBeGreaterThan(0);
    for (const r of catalogue.requirements) expect(catalogue.byId.get(r.id)).toBe(r);
  });

  it('reports a duplicate id at the line of the second entry', () => {
    const problems = problemsOf(`version: 1\nrequirements:\n${entry('L3-PSG-001')}${entry('L3-PSG-001')}`);
    expect(problems).toEqual([{ file: 'cat.yaml', line: 10, message: 'duplicate requirement id L3-PSG-001' }]);
  });

  it('reports schema problems at their own line', () => {
    const text = `version: 1\nrequirements:\n${entry('L3-PSG-001')}${entry('L3-psg-2').replace('level: MUST', 'level: MUSTNT')}`;
    const problems = problemsOf(text);
    const byLine = Object.fromEntries(problems.map((p) => [p.line, p.message]));
    expect(byLine[10]).toContain('/requirements/1/id');
    expect(byLine[11]).toContain('/requirements/1/level');
  });

  it('reports unknown keys and missing fields by name', () => {
    const problems = problemsOf(`version: 1\nrequirements:\n  - id: L3-PSG-001\n    level: MUST\n    colour: red\n`);
    const text = problems.map((p) => `${p.line}: ${p.message}`).join('\n');
    expect(text).toContain("5: /requirements/0/colour: property 'colour' is not allowed here");
    expect(text).toContain("required property 'area' is missing");
  });

  it('reports invalid YAML with its line', () => {
    const problems = problemsOf('version: 1\nrequirements:\n  - id: [unclosed\n');
    expect(problems[0]!.message).toContain('invalid YAML');
    expect(problems[0]!.line).toBeGreaterThan(0);
  });

  it('lints checks naming unknown requirements and requirements no check grades', () => {
    const catalogue = parseCatalogue('cat.yaml', `version: 1\nrequirements:\n${entry('L3-PSG-001')}${entry('L3-PSG-002')}`);
    const check = (id: string, requirements: string[]): Check => ({ id, title: id, requirements, run: async () => ({ outcome: 'pass', message: 'ok' }) });
    expect(lintCoverage(catalogue, [check('a', ['L3-PSG-001', 'L3-XYZ-009'])])).toEqual({
      unknown: [{ check: 'a', requirement: 'L3-XYZ-009' }],
      untested: ['L3-PSG-002'],
    });
  });
});
