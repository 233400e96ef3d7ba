// The upstream golden-flow importer, on our own fixture folders in the upstream format.

import { cp, mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FlowError, importUpstreamFlow } from '../src/kit/flows/index.js';
import { runCheck } from './fixtures/flows/harness.js';

const UPSTREAM = fileURLToPath(new URL('./fixtures/flows/upstream/', import.meta.url));

describe('importUpstreamFlow', () => {
  it('runs an SA fixture: submit, approve, run, invariants and expected objects hold', async () => {
    const check = await importUpstreamFlow(join(UPSTREAM, 'sa-two-steps'));
    expect(check.id).toBe('flow.upstream-sa-two-steps');
    expect(check.needs).toEqual(['profile:sa']);
    const result = await runCheck(check);
    expect(result.outcome, result.message).toBe('pass');
  });

  it('runs a MAP fixture with a Collab under the MAP profile', async () => {
    const check = await importUpstreamFlow(join(UPSTREAM, 'map-broadcast'));
    expect(check.needs).toEqual(['profile:map']);
    const result = await runCheck(check);
    expect(result.outcome, result.message).toBe('pass');
  });

  it('fails when a flow invariant does not hold on the objects after the run', async () => {
    const result = await runCheck(await importUpstreamFlow(join(UPSTREAM, 'failing-invariant')));
    expect(result.outcome).toBe('fail');
    expect(result.message).toMatch(/invariants\.yaml fx_plan_has_five_steps: plan\.steps: length 2 is below 5/);
    expect(result.expected).toBe('min-length(5)');
  });

  it('fails with the differences when the objects differ from expected/', async () => {
    const result = await runCheck(await importUpstreamFlow(join(UPSTREAM, 'wrong-expected')));
    expect(result.outcome).toBe('fail');
    expect(result.message).toMatch(/expected\/plan\.json: 2 difference\(s\)/);
    expect(result.seen).toEqual([
      { path: 'title', message: '"Two-step SA plan", expected "A different title"' },
      { path: 'steps[1].description', message: '"Summarise", expected "Summarise briefly"' },
    ]);
  });

  it('an unknown rule is a configuration error naming the file and line', async () => {
    const file = join(UPSTREAM, 'bad-rule', 'invariants.yaml');
    const error = await importUpstreamFlow(join(UPSTREAM, 'bad-rule')).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(FlowError);
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect((error as FlowError).file).toBe(file);
    expect((error as FlowError).line).toBe(lines.findIndex((l) => l.includes('# <-')) + 1);
    expect((error as FlowError).problem).toMatch(/configuration error: invariant fx_unsupported: unknown invariant rule "one-of\(\[approved, rejected\]\)"/);
  });

  it('a fixture without input/plan.json is refused, naming the missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'upstream-'));
    await cp(join(UPSTREAM, 'sa-two-steps'), dir, { recursive: true });
    await unlink(join(dir, 'input', 'plan.json'));
    const error = await importUpstreamFlow(dir).then(() => undefined, (e: unknown) => e);
    await rm(dir, { recursive: true, force: true });
    expect(error).toBeInstanceOf(FlowError);
    expect((error as FlowError).file).toBe(join(dir, 'input', 'plan.json'));
    expect((error as FlowError).problem).toMatch(/no input\/plan\.json/);
  });

  it('bad JSON in a fixture file names the file and line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'upstream-'));
    await cp(join(UPSTREAM, 'sa-two-steps'), dir, { recursive: true });
    const { writeFile } = await import('node:fs/promises');
    // Valid YAML, invalid JSON: a .json fixture is parsed strictly.
    await writeFile(join(dir, 'expected', 'plan.json'), '{\n  "plan_id": "x",\n  "title": "t",\n}\n');
    const error = await importUpstreamFlow(dir).then(() => undefined, (e: unknown) => e);
    await rm(dir, { recursive: true, force: true });
    expect(error).toBeInstanceOf(FlowError);
    expect((error as FlowError).file).toBe(join(dir, 'expected', 'plan.json'));
    expect((error as FlowError).line).toBe(4);
  });
});
