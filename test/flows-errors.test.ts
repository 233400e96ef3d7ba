// A malformed flow is reported once, naming the file, the line and the problem.

import { readdir, readFile, mkdtemp, symlink, writeFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FlowError, loadFlowDir, loadFlowFile } from '../src/kit/flows/index.js';
import { runCheck } from './fixtures/flows/harness.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/flows/', import.meta.url));
const MALFORMED = join(FIXTURES, 'malformed');

/** The 1-based line a fixture marks with `# <-`. */
async function markedLine(file: string): Promise<number> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const at = lines.findIndex((l) => l.includes('# <-'));
  if (at < 0) throw new Error(`${file} has no # <- marker`);
  return at + 1;
}

async function flowError(file: string): Promise<FlowError> {
  const error = await loadFlowFile(file).then(() => undefined, (e: unknown) => e);
  expect(error, file).toBeInstanceOf(FlowError);
  return error as FlowError;
}

const CASES: [file: string, problem: RegExp][] = [
  ['bad-yaml.yaml', /invalid YAML/],
  ['duplicate-key.yaml', /invalid YAML.*unique/i],
  ['unknown-key.yaml', /unknown key "afterr" in plan\.steps\.b/],
  ['unknown-operation.yaml', /unknown operation "frobnicate" \(known: load, transition/],
  ['two-operations.yaml', /exactly one operation, found 2/],
  ['bad-requirement.yaml', /requirements\[1\] is "l3-psg-1", which does not match/],
  ['undefined-after.yaml', /step b: after names step "nope", which the plan does not define \(steps: a, b\)/],
  ['undefined-barrier.yaml', /barrier "held" is used by no action/],
  ['snapshot-later.yaml', /snapshot "later" is not taken before this point/],
  ['bad-status.yaml', /"finished" is not a plan status/],
  ['bad-selector.yaml', /names step "b", which the plan does not define/],
  ['await-run-alone.yaml', /await_run without an earlier background run/],
  ['missing-operations.yaml', /missing required key "operations"/],
  ['profiles-with-run-profile.yaml', /a flow with profiles runs every run under each of them \(sa, map\); remove run\.profile/],
];

describe('malformed flow files', () => {
  it.each(CASES)('%s is refused with file, line and problem', async (name, problem) => {
    const file = join(MALFORMED, name);
    const error = await flowError(file);
    expect(error.file).toBe(file);
    expect(error.line).toBe(await markedLine(file));
    expect(error.problem).toMatch(problem);
    expect(error.message).toBe(`${file}:${error.line}: ${error.problem}`);
  });

  it('every malformed fixture is covered by a case', async () => {
    const files = (await readdir(MALFORMED)).filter((f) => f.endsWith('.yaml')).sort();
    expect(files).toEqual(CASES.map(([f]) => f).sort());
  });

  it('loadFlowDir reports each malformed file as one problem and loads none of them', async () => {
    const { checks, problems } = await loadFlowDir(MALFORMED);
    expect(checks).toEqual([]);
    expect(problems).toHaveLength(CASES.length);
    for (const p of problems) {
      expect(p.file.startsWith(MALFORMED)).toBe(true);
      expect(p.line).toBe(await markedLine(p.file));
    }
  });

  it('a file that does not exist is a problem naming that file', async () => {
    const missing = join(MALFORMED, 'no-such-flow.yaml');
    const error = await flowError(missing);
    expect(error.file).toBe(missing);
    expect(error.problem).toMatch(/cannot read the file/);
  });
});

describe('file references stay inside the flow folder', () => {
  const scratch: string[] = [];
  afterAll(async () => {
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a path that climbs out of the folder', async () => {
    const file = join(FIXTURES, 'escape', 'inner', 'escape-parent.yaml');
    const error = await flowError(file);
    expect(error.line).toBe(await markedLine(file));
    expect(error.problem).toMatch(/"\.\.\/outside\.json" is outside the flow's folder/);
  });

  it('refuses an absolute path', async () => {
    const file = join(FIXTURES, 'escape', 'inner', 'escape-absolute.yaml');
    const error = await flowError(file);
    expect(error.line).toBe(await markedLine(file));
    expect(error.problem).toMatch(/must be a path relative to the flow's folder/);
  });

  it('refuses a symlink inside the folder that points outside it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flows-escape-'));
    scratch.push(root);
    await mkdir(join(root, 'flows'));
    await writeFile(join(root, 'secret.json'), '{"steps":[{"step_id":"x"}]}');
    await symlink(join(root, 'secret.json'), join(root, 'flows', 'plan.json'));
    const flow = join(root, 'flows', 'link.yaml');
    await writeFile(flow, 'id: link\ntitle: t\nrequirements: [L3-ORCH-001]\nplan: { file: plan.json }\noperations:\n  - load: {}\n');
    const error = await flowError(flow);
    expect(error.line).toBe(4);
    expect(error.problem).toMatch(/resolves outside the flow's folder/);
  });

  it('accepts a file next to the flow and names its steps s0, s1 by position', async () => {
    const check = await loadFlowFile(join(FIXTURES, 'escape', 'inner', 'inside-ok.yaml'));
    expect(check.id).toBe('flow.inside-ok');
    // The plan's context is generated with the plan's own context_id, so it loads and runs.
    const result = await runCheck(check);
    expect(result.outcome, result.message).toBe('pass');
  });
});

describe('flow ids', () => {
  it('a flow id used by two files in one folder is reported at the second id line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flows-dup-'));
    const body = 'title: t\nrequirements: [L3-ORCH-001]\noperations:\n  - vsl_get: { key: k }\n';
    await writeFile(join(dir, 'a.yaml'), `id: same\n${body}`);
    await writeFile(join(dir, 'b.yaml'), `# second\nid: same\n${body}`);
    const { checks, problems } = await loadFlowDir(dir);
    await rm(dir, { recursive: true, force: true });
    expect(checks.map((c) => c.id)).toEqual(['flow.same']);
    expect(problems).toEqual([{ file: join(dir, 'b.yaml'), line: 2, message: `flow id same is already used by ${join(dir, 'a.yaml')}` }]);
  });
});
