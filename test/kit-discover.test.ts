import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkShapeProblems, discoverChecks } from '../src/kit/discover.js';

let work: string;
const suites = () => join(work, 'suites');
const emptyFlows = () => join(work, 'flows');

const checkSource = (id: string, extra = '') =>
  `{ id: '${id}', title: '${id}', requirements: ['L3-PSG-001']${extra}, async run() { return { outcome: 'pass', message: 'ok' }; } }`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mplp-discover-'));
  await mkdir(join(suites(), 'psg'), { recursive: true });
  await mkdir(emptyFlows());
  await writeFile(join(suites(), 'psg', 'one.check.ts'), `export default ${checkSource('psg.one')};\n`);
  await writeFile(join(suites(), 'psg', 'many.check.ts'), `export default [${checkSource('psg.two')}, ${checkSource('psg.three', ", needs: ['vsl']")}];\n`);
  await writeFile(
    join(suites(), 'class.check.ts'),
    `class Probe { id = 'psg.class'; title = 'class'; requirements = ['L3-PSG-001']; answer = 'from this';
  async run() { return { outcome: 'pass', message: this.answer }; } }
export default new Probe();\n`,
  );
  await writeFile(join(suites(), 'dup.check.ts'), `export default ${checkSource('psg.one')};\n`);
  await writeFile(join(suites(), 'bad.check.ts'), `export default { id: 'has space', requirements: ['PSG-1'], needs: ['teleport'] };\n`);
  await writeFile(join(suites(), 'none.check.ts'), `export const x = 1;\n`);
  await writeFile(join(suites(), 'throws.check.ts'), `throw new Error('suite file is broken');\n`);
  await writeFile(join(suites(), 'helper.ts'), `throw new Error('not a check file, never imported');\n`);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('discoverChecks', () => {
  it('finds *.check.ts files recursively, single and array exports, and records their origin', async () => {
    const { checks } = await discoverChecks({ suitesDir: suites(), flowsDir: emptyFlows() });
    expect(checks.map((c) => c.id).sort()).toEqual(['psg.class', 'psg.one', 'psg.three', 'psg.two']);
    const three = checks.find((c) => c.id === 'psg.three')!;
    expect(three.needs).toEqual(['vsl']);
    expect(three.origin).toEqual({ file: join(suites(), 'psg', 'many.check.ts'), kind: 'suite' });
  });

  it('keeps `this` for class-based checks', async () => {
    const { checks } = await discoverChecks({ suitesDir: suites(), flowsDir: emptyFlows() });
    const probe = checks.find((c) => c.id === 'psg.class')!;
    await expect(probe.run({} as never)).resolves.toEqual({ outcome: 'pass', message: 'from this' });
  });

  it('reports every broken file by name', async () => {
    const { problems } = await discoverChecks({ suitesDir: suites(), flowsDir: emptyFlows() });
    const text = problems.map((p) => `${p.file}: ${p.message}`).join('\n');
    // Files are read in path order, so psg/one.check.ts comes after dup.check.ts.
    expect(text).toContain(`${join(suites(), 'psg', 'one.check.ts')}: check id psg.one is already used by ${join(suites(), 'dup.check.ts')}`);
    expect(text).toContain(`${join(suites(), 'none.check.ts')}: has no default export`);
    expect(text).toContain(`${join(suites(), 'throws.check.ts')}: cannot import the check file: suite file is broken`);
    expect(text).toContain(`${join(suites(), 'bad.check.ts')}: default export is not a valid Check`);
    expect(text).not.toContain('helper.ts');
    expect(problems).toHaveLength(4);
  });

  it('loads golden flows through the flows module, passing on their problems with lines', async () => {
    const malformed = fileURLToPath(new URL('./fixtures/flows/malformed/', import.meta.url));
    const { checks, problems } = await discoverChecks({ suitesDir: join(work, 'no-suites'), flowsDir: malformed });
    expect(checks).toEqual([]);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.file.startsWith(malformed))).toBe(true);
    expect(problems.some((p) => p.line !== undefined)).toBe(true);
  });

  it('finds the shipped golden flows with their flow file as origin', async () => {
    const { checks, problems } = await discoverChecks({ suitesDir: join(work, 'no-suites') });
    expect(problems).toEqual([]);
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every((c) => c.id.startsWith('flow.') && c.origin?.kind === 'flow' && c.origin.file.endsWith('.yaml'))).toBe(true);
  });
});

describe('checkShapeProblems', () => {
  it('names each bad field', () => {
    const problems = checkShapeProblems({ id: 'has space', requirements: ['PSG-1'], needs: ['teleport'], after: 'x' });
    expect(problems.join('\n')).toMatch(/"id"[\s\S]*"title"[\s\S]*"requirements"[\s\S]*"needs"[\s\S]*"after"[\s\S]*"run"/);
  });
});

describe('generated checks', () => {
  it('keeps Check.generated through discovery: every property check is marked, no golden flow is', async () => {
    const { checks } = await discoverChecks();
    const generated = checks.filter((c) => c.generated).map((c) => c.id);
    expect(generated).toContain('properties.dag.cycles-rejected');
    expect(generated).toContain('drift.property.reconcile-converges');
    expect(generated.every((id) => id.startsWith('properties.') || id.includes('.property.'))).toBe(true);
    expect(checks.filter((c) => c.id.startsWith('properties.')).every((c) => c.generated)).toBe(true);
  });
});
