// Issue 11, bad files: each bad input the kit reads is ONE clear error on stderr that names the
// file and line (or the export), and exit 4 — never a stack trace, never a run. YAML is parsed
// safely: core schema only (no custom tags), a size limit, a depth limit, an alias limit.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_YAML_BYTES, MAX_YAML_DEPTH, parseYamlSource } from '../src/kit/flows/source.js';
import { KIT, runCli } from './fixtures/ci/harness.js';

let work: string;
const CATALOGUE = `version: 1
requirements:
  - { id: L3-PSG-001, level: MUST, area: psg, source: test, rule: "The PSG can be read.", needs: [], core: true }
`;
const GOOD_CHECK = `export default { id: 'psg.reads', title: 'reads', requirements: ['L3-PSG-001'], run: async () => ({ outcome: 'pass', message: 'ok' }) };\n`;
const FLOW_HEAD = 'id: bad\ntitle: a bad flow\nrequirements: [L3-PSG-001]\n';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mplp-bad-files-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

let kits = 0;
/** A kit of its own (catalogue, one good check, one good-or-bad flow folder) and its flags. */
async function kit(files: Record<string, string>): Promise<{ dir: string; flags: string[] }> {
  const dir = join(work, `kit-${++kits}`);
  await mkdir(join(dir, 'suites'), { recursive: true });
  await mkdir(join(dir, 'flows'), { recursive: true });
  await writeFile(join(dir, 'catalogue.yaml'), CATALOGUE);
  await writeFile(join(dir, 'suites', 'good.check.ts'), GOOD_CHECK);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return { dir, flags: ['--catalogue', join(dir, 'catalogue.yaml'), '--suites', join(dir, 'suites'), '--flows', join(dir, 'flows'), '--report-dir', join(dir, 'reports')] };
}

/** Runs the CLI; asserts exit 4, one problem, no stack trace and no report; returns stderr. */
async function refused(argv: string[]): Promise<string> {
  const r = await runCli(['run', '--seed', '1', ...argv]);
  expect(r.exitCode, r.stderr).toBe(4);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/[2-9]\d* problem\(s\)/);
  return r.stderr;
}

describe.concurrent('a bad file is one error naming file and line, exit 4', () => {
  it('malformed YAML in a flow', async () => {
    const { dir, flags } = await kit({ 'flows/bad.yaml': `${FLOW_HEAD}operations:\n  - load: {\n` });
    expect(await refused(flags)).toMatch(new RegExp(`${join(dir, 'flows', 'bad.yaml')}:\\d+: invalid YAML: `));
  });

  it('a flow that fails its schema', async () => {
    const { dir, flags } = await kit({ 'flows/bad.yaml': `${FLOW_HEAD}operations:\n  - frobnicate: {}\n` });
    expect(await refused(flags)).toContain(`${join(dir, 'flows', 'bad.yaml')}:5: unknown operation "frobnicate"`);
  });

  it('a flow that references an undefined step', async () => {
    const { dir, flags } = await kit({ 'flows/bad.yaml': `${FLOW_HEAD}plan:\n  steps:\n    a: {}\n    b: { after: [nope] }\noperations:\n  - load: {}\n` });
    expect(await refused(flags)).toContain(`${join(dir, 'flows', 'bad.yaml')}:7: step b: after names step "nope", which the plan does not define`);
  });

  it('an unknown requirement id in a flow', async () => {
    const { dir, flags } = await kit({ 'flows/bad.yaml': 'id: bad\ntitle: t\n\nrequirements: [L3-PSG-001, L3-PSG-999]\noperations:\n  - vsl_get: { key: k }\n' });
    expect(await refused(flags)).toContain(`${join(dir, 'flows', 'bad.yaml')}:4: check flow.bad names requirement L3-PSG-999, which ${join(dir, 'catalogue.yaml')} does not define`);
  });

  it('an unknown requirement id in a check', async () => {
    const { dir, flags } = await kit({ 'suites/other.check.ts': "export default {\n  id: 'psg.other',\n  title: 'other',\n  requirements: ['L3-PSG-999'],\n  run: async () => ({ outcome: 'pass', message: 'ok' }),\n};\n" });
    expect(await refused(flags)).toContain(`${join(dir, 'suites', 'other.check.ts')}:4: check psg.other names requirement L3-PSG-999`);
  });

  it('a baseline with errors', async () => {
    const { dir, flags } = await kit({ 'baseline.yaml': 'version: 1\nentries:\n  L3-PSG-001:\n    reason: known\n  L3-PSG-999:\n    reason: unknown id\n' });
    expect(await refused([...flags, '--baseline', join(dir, 'baseline.yaml')])).toContain(`${join(dir, 'baseline.yaml')}:5: unknown requirement id L3-PSG-999`);
  });

  it('an adapter path that does not exist', async () => {
    const { dir, flags } = await kit({});
    expect(await refused([...flags, '--adapter', join(dir, 'no-such-adapter.ts')])).toContain(`file not found: ${join(dir, 'no-such-adapter.ts')}`);
  });

  it('an adapter module that exports nothing usable, naming the exports it has', async () => {
    const { flags } = await kit({});
    const stderr = await refused([...flags, '--adapter', 'test/fixtures/adapters/no-export.ts']);
    expect(stderr).toContain('nothing usable is exported');
    expect(stderr).toContain('found runtime (object), version (string)');
  });
});

describe.concurrent('YAML is parsed safely', () => {
  it.each([
    ['!!js/function', 'handler: !!js/function "function () { return 1 }"', 'unknown tag !!js/function'],
    ['a local tag', 'handler: !foo bar', 'unknown tag !foo'],
    ['a YAML 1.1 tag', 'handler: !!binary aGVsbG8=', 'unknown tag !!binary'],
  ])('refuses %s in a flow, on its line', async (_name, line, problem) => {
    const { dir, flags } = await kit({ 'flows/bad.yaml': `${FLOW_HEAD}plan:\n  ${line}\noperations:\n  - load: {}\n` });
    expect(await refused(flags)).toContain(`${join(dir, 'flows', 'bad.yaml')}:5: invalid YAML: ${problem}: only the YAML 1.2 core schema is accepted`);
  });

  it('refuses a custom tag in a baseline and in the catalogue', async () => {
    const { dir, flags } = await kit({ 'baseline.yaml': 'version: 1\nentries:\n  L3-PSG-001:\n    reason: !shell "rm -rf /"\n' });
    expect(await refused([...flags, '--baseline', join(dir, 'baseline.yaml')])).toContain(`${join(dir, 'baseline.yaml')}:4: invalid YAML: unknown tag !shell`);
    await writeFile(join(dir, 'catalogue.yaml'), CATALOGUE.replace('source: test', 'source: !!python/object:os.system test'));
    expect(await refused(flags)).toContain(`${join(dir, 'catalogue.yaml')}:3: invalid YAML: unknown tag !!python/object:os.system`);
  });

  it(`refuses a flow above ${MAX_YAML_BYTES} bytes, and a catalogue, naming the file`, async () => {
    const big = `${FLOW_HEAD}operations:\n  - load: {}\n${`# ${'x'.repeat(98)}\n`.repeat(Math.ceil(MAX_YAML_BYTES / 100) + 10)}`;
    const { dir, flags } = await kit({ 'flows/big.yaml': big });
    expect(await refused(flags)).toContain(`${join(dir, 'flows', 'big.yaml')}: the file is too large: ${Buffer.byteLength(big)} bytes, the limit is ${MAX_YAML_BYTES} bytes (1 MiB)`);
    const other = await kit({ 'catalogue.yaml': CATALOGUE + big.replace(FLOW_HEAD, '') });
    expect(await refused(other.flags)).toContain(`${join(other.dir, 'catalogue.yaml')}: the file is too large`);
  });

  it(`refuses nesting deeper than ${MAX_YAML_DEPTH} levels, on the line where it goes too deep`, async () => {
    const nested = Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n');
    const { dir, flags } = await kit({ 'flows/deep.yaml': `${FLOW_HEAD}plan:\n${nested} 1\noperations:\n  - load: {}\n` });
    // The map holding k0 (line 5) is level 2 of the document, so level 65 is the one holding k63, on line 5 + 63.
    expect(await refused(flags)).toContain(`${join(dir, 'flows', 'deep.yaml')}:68: invalid YAML: nesting is too deep (more than ${MAX_YAML_DEPTH} levels`);
    // Flow-style nesting far past the limit (where the parser itself would give up) says the same.
    const flow = `${FLOW_HEAD}operations: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const again = await kit({ 'flows/deeper.yaml': flow });
    expect(await refused(again.flags)).toMatch(new RegExp(`${join(again.dir, 'flows', 'deeper.yaml')}:4: invalid YAML: nesting is too deep`));
  });

  it('refuses an alias bomb (too many alias expansions), at the first alias', async () => {
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++) bomb += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
    const { dir, flags } = await kit({ 'flows/bomb.yaml': `${FLOW_HEAD}plan:\n  title: t\n  ${bomb.split('\n').join('\n  ')}\noperations:\n  - load: {}\n` });
    expect(await refused(flags)).toContain(`${join(dir, 'flows', 'bomb.yaml')}:7: invalid YAML: too many alias expansions (the limit is 100)`);
  });

  it('reads files a flow refers to with the same limits', async () => {
    // Every .yaml under the flows folder is a flow, so data files are JSON: nested too deep here.
    const deep = `{"steps": ${'['.repeat(80)}${']'.repeat(80)}}`;
    const { dir, flags } = await kit({ 'flows/plan.json': deep, 'flows/ref.yaml': `${FLOW_HEAD}plan: { file: plan.json }\noperations:\n  - load: {}\n` });
    expect(await refused(flags)).toContain(`${join(dir, 'flows', 'ref.yaml')}:4: file "plan.json" cannot be parsed: ${join(dir, 'flows', 'plan.json')}:1: invalid YAML: nesting is too deep`);
  });

  it('still reads plain YAML: core types, anchors and aliases within the limits', () => {
    const read = parseYamlSource('ok.yaml', 'a: &a { n: 1, on: yes, o: 0o17 }\nb: *a\nc: !!str 12\n');
    expect(read.ok && read.source.value).toEqual({ a: { n: 1, on: 'yes', o: 15 }, b: { n: 1, on: 'yes', o: 15 }, c: '12' });
  });
});
