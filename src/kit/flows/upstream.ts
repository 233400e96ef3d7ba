// Runs an upstream golden-flow fixture folder (digest §10.2: input/, expected/,
// invariants.yaml) through an adapter: load the inputs, submit, approve, run, then grade
// with the kit's semantics — the flow's invariants (digest §6 [KIT]) and the deep compare
// of expected/ with the extended ignore list (§10.3 [KIT]). Upstream expected files pin data
// shape, not execution results, so plan and step statuses are compared with what execution
// must produce (completed) instead of the fixture's draft/pending.

import { access } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Check } from '../check.js';
import type { Collab, Context, Plan } from '../../mplp/types.js';
import { runFlow } from './check.js';
import type { FlowRun } from './driver.js';
import { FlowError, type FlowProblem } from './errors.js';
import { expandObjects } from './expand.js';
import type { FlowFailure } from './failure.js';
import { deepCompare } from './deep-compare.js';
import { compileInvariant, evaluateInvariant, invariantList, type CompiledInvariant, type Invariant } from './invariants.js';
import type { LoadedFlow } from './load.js';
import { readYamlSource, type YamlSource } from './source.js';
import type { ExpectationSpec, FlowSpec } from './spec.js';

const OBJECT_FILES = ['context', 'plan', 'confirm', 'trace', 'collab'] as const;
type ObjectName = (typeof OBJECT_FILES)[number];

/** pipeline_stage events before the steps run, by the plan's registered status (digest §5.11). */
const LEAD_IN: Readonly<Record<string, number>> = { draft: 3, proposed: 2, approved: 1 };

interface Fixture {
  folder: string;
  inputs: Partial<Record<ObjectName, Record<string, unknown>>>;
  expected: Partial<Record<ObjectName, Record<string, unknown>>>;
  expectedEvents?: unknown[];
  invariants: CompiledInvariant[];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** Reads a JSON/YAML file (yaml parses JSON and keeps line numbers); drops a top-level $comment. */
async function readDoc(file: string): Promise<{ value: unknown; source: YamlSource }> {
  const read = await readYamlSource(file);
  if (!read.ok) throw new FlowError(read.problem);
  const value = read.source.value;
  if (value && typeof value === 'object' && !Array.isArray(value)) delete (value as Record<string, unknown>)['$comment'];
  return { value, source: read.source };
}

async function readObject(file: string): Promise<Record<string, unknown>> {
  const { value } = await readDoc(file);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new FlowError({ file, line: 1, message: 'the file must hold one JSON object' });
  return value as Record<string, unknown>;
}

async function readInvariants(file: string): Promise<CompiledInvariant[]> {
  const { value, source } = await readDoc(file);
  const list = invariantList(value);
  if (!list) throw new FlowError({ file, line: 1, message: 'expected { invariants: [...] } or a list of invariants' });
  const compiled: CompiledInvariant[] = [];
  const problems: FlowProblem[] = [];
  list.forEach((item, i) => {
    const at = Array.isArray(value) ? `/${i}` : `/invariants/${i}`;
    const inv = item as Partial<Invariant> | null;
    const line = source.lineOf(at);
    if (!inv || typeof inv.id !== 'string' || typeof inv.scope !== 'string') {
      problems.push({ file, ...(line !== undefined ? { line } : {}), message: `invariant ${i} needs string id and scope` });
      return;
    }
    const c = compileInvariant(inv as Invariant);
    if (c.ok) compiled.push(c.compiled);
    else {
      const ruleLine = source.lineOf(`${at}/rule`) ?? line;
      problems.push({ file, ...(ruleLine !== undefined ? { line: ruleLine } : {}), message: `configuration error: ${c.message}` });
    }
  });
  if (problems.length > 0) throw new FlowError(problems[0]!, problems);
  return compiled;
}

async function readFixture(dir: string): Promise<Fixture> {
  const folder = resolve(dir);
  const fixture: Fixture = { folder, inputs: {}, expected: {}, invariants: [] };
  for (const part of ['input', 'expected'] as const) {
    for (const name of OBJECT_FILES) {
      const file = join(folder, part, `${name}.json`);
      if (await exists(file)) (part === 'input' ? fixture.inputs : fixture.expected)[name] = await readObject(file);
    }
  }
  for (const name of ['context', 'plan'] as const) {
    if (!fixture.inputs[name]) throw new FlowError({ file: join(folder, 'input', `${name}.json`), message: `the fixture has no input/${name}.json` });
  }
  const eventsFile = join(folder, 'expected', 'events.json');
  if (await exists(eventsFile)) {
    const { value } = await readDoc(eventsFile);
    if (!Array.isArray(value)) throw new FlowError({ file: eventsFile, line: 1, message: 'expected/events.json must hold an array of events' });
    fixture.expectedEvents = value;
  }
  const invariantsFile = join(folder, 'invariants.yaml');
  if (await exists(invariantsFile)) fixture.invariants = await readInvariants(invariantsFile);
  return fixture;
}

function flowIdOf(folder: string): string {
  return basename(folder).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'fixture';
}

/** The kit flow an upstream fixture stands for: register, submit, approve, run, grade. */
function flowFor(fixture: Fixture): LoadedFlow {
  const context = fixture.inputs.context as unknown as Context;
  const plan = fixture.inputs.plan as unknown as Plan;
  const collab = fixture.inputs.collab as unknown as Collab | undefined;
  const profile = collab ? 'map' : 'sa';
  const n = Array.isArray(plan.steps) ? plan.steps.length : 0;
  const operations: FlowSpec['operations'] = [{ load: { only: collab ? ['context', 'plan', 'collab'] : ['context', 'plan'] } }];
  if (plan.status === 'draft') operations.push({ transition: { target: 'plan', to: 'proposed' } });
  if (plan.status === 'draft' || plan.status === 'proposed') operations.push({ confirm: { status: 'approved', by: 'reviewer' } });
  operations.push({ run: { profile } });
  const expect: ExpectationSpec = {
    final: { plan: 'completed', all_steps: 'completed', context: context.status },
    events: { pipeline_stage: (LEAD_IN[plan.status] ?? 0) + 2 * n + 1 },
    chains: true,
    events_valid: true,
    graph_deltas: true,
    objects_valid: true,
    trace: { bound: true, events: '>=1' },
    ...(profile === 'sa' ? { sa_run: true } : collab?.status === 'active' ? { map_run: true } : {}),
  };
  const id = `upstream-${flowIdOf(fixture.folder)}`;
  const spec: FlowSpec = {
    id,
    title: `upstream golden flow ${basename(fixture.folder)}`,
    requirements: profile === 'sa' ? ['L3-ORCH-005', 'L3-EVT-003', 'L3-PSG-006', 'L3-SA-003', 'L3-SA-006'] : ['L3-ORCH-005', 'L3-EVT-003', 'L3-PSG-006', 'L3-MAP-003', 'L3-MAP-005'],
    needs: [`profile:${profile}`],
    operations,
    expect,
  };
  return { file: fixture.folder, spec, expanded: expandObjects({ context, plan, ...(collab ? { collab } : {}) }) };
}

/** Expected objects with the statuses execution must produce in place of the fixture's. */
function executionExpected(name: ObjectName, expected: Record<string, unknown>): Record<string, unknown> {
  if (name !== 'plan') return expected;
  const copy = structuredClone(expected);
  copy['status'] = 'completed';
  if (Array.isArray(copy['steps'])) for (const s of copy['steps'] as Record<string, unknown>[]) s['status'] = 'completed';
  return copy;
}

async function readBack(run: FlowRun, name: ObjectName): Promise<unknown> {
  switch (name) {
    case 'trace':
      return run.objects.trace();
    case 'confirm':
      return run.objects.confirm();
    default:
      return run.objects.get(await run.objects.ref(name));
  }
}

function gradeFixture(fixture: Fixture): (run: FlowRun) => Promise<FlowFailure[]> {
  return async (run) => {
    const failures: FlowFailure[] = [];
    const scopes: Record<string, unknown> = {};
    for (const name of OBJECT_FILES) scopes[name] = (name === 'collab' && !fixture.inputs.collab) ? undefined : await readBack(run, name);
    const events = await run.session.events();
    for (const c of fixture.invariants) {
      for (const r of evaluateInvariant(c, scopes, events)) {
        if (!r.ok) failures.push({ where: `invariants.yaml ${r.id}`, message: `${r.path}: ${r.message}`, expected: c.invariant.rule, seen: r.message });
      }
    }
    for (const [name, expected] of Object.entries(fixture.expected) as [ObjectName, Record<string, unknown>][]) {
      const want = executionExpected(name, expected);
      const diffs = deepCompare(want, scopes[name]);
      if (diffs.length > 0) failures.push({ where: `expected/${name}.json`, message: `${diffs.length} difference(s): ${diffs.slice(0, 3).map((d) => `${name}.${d.path} ${d.message}`).join('; ')}`, expected: want, seen: diffs });
    }
    if (fixture.expectedEvents) failures.push(...matchEvents(fixture.expectedEvents, events));
    return failures;
  };
}

/** expected/events.json: each expected event matches a later seen event on the keys it lists. */
function matchEvents(expected: unknown[], seen: unknown[]): FlowFailure[] {
  let from = 0;
  for (const [i, want] of expected.entries()) {
    const hit = seen.findIndex((e, k) => k >= from && deepCompare(want, e).length === 0);
    if (hit < 0) return [{ where: `expected/events.json[${i}]`, message: 'no later event on the bus matches this expected event', expected: want, seen: seen.length }];
    from = hit + 1;
  }
  return [];
}

/** One Check for an upstream fixture folder; throws FlowError for a malformed fixture. */
export async function importUpstreamFlow(dir: string): Promise<Check> {
  const fixture = await readFixture(dir);
  const flow = flowFor(fixture);
  return {
    id: `flow.${flow.spec.id}`,
    title: flow.spec.title,
    requirements: flow.spec.requirements,
    needs: flow.spec.needs!,
    run: (ctx) => runFlow(flow, ctx, gradeFixture(fixture)),
  };
}
