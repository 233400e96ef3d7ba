// Imports upstream golden-flow fixture folders (digest §10.2: input/, expected/,
// invariants.yaml) as the kit's own golden flows: a flow file plus JSON data files, which any
// run, `--flows` or `replay` then loads like every other flow. The flow registers the inputs,
// submits the plan, replays the fixture's Confirm decisions (reject-then-approve rounds with
// their roles and reasons), runs it, and is graded by the flow's expectations and then by the
// fixture's own invariants and expected objects (the flow's `upstream:` key).
//
// Upstream expected files pin data shape, not execution results: the plan and its steps are
// compared with what execution must produce (completed) instead of the fixture's draft/pending.
// A fixture that cannot be imported is refused with the reason (file and line where known).

import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Check } from '../check.js';
import type { Collab, Context, Plan } from '../../mplp/types.js';
import { flowCheck } from './check.js';
import { FlowError, formatProblem, type FlowProblem } from './errors.js';
import { compileInvariant, invariantList, type Invariant } from './invariants.js';
import { loadFlow } from './load.js';
import { readYamlSource, type YamlSource } from './source.js';
import type { ExpectationSpec, FlowSpec, OperationSpec, UpstreamSpec } from './spec.js';
import { UPSTREAM_OBJECTS, type UpstreamObject } from './upstream-grade.js';

/** pipeline_stage events before the steps run, by the plan's registered status (digest §5.11). */
const LEAD_IN: Readonly<Record<string, number>> = { draft: 3, proposed: 2, approved: 1 };

type Json = Record<string, unknown>;

interface Fixture {
  folder: string;
  inputs: Partial<Record<UpstreamObject, Json>>;
  expected: Partial<Record<UpstreamObject, Json>>;
  expectedEvents?: unknown[];
  invariants?: unknown;
}

interface Decision {
  status: 'approved' | 'rejected' | 'cancelled';
  by: string;
  reason?: string;
}

/** One fixture turned into a flow: the flow spec, its data files (paths relative to the flow's folder) and what the import changed or left out. */
export interface ImportedFlow {
  fixture: string;
  id: string;
  spec: FlowSpec;
  data: Record<string, unknown>;
  notes: string[];
}

export interface ImportResult {
  source: string;
  out: string;
  imported: { fixture: string; id: string; file: string; notes: string[] }[];
  refused: { fixture: string; reason: string }[];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** Reads a JSON/YAML file (yaml parses JSON and keeps line numbers); drops a top-level $comment. */
async function readDoc(file: string): Promise<{ value: unknown; source: YamlSource }> {
  const read = await readYamlSource(file);
  if (!read.ok) throw new FlowError(read.problem);
  const value = read.source.value;
  if (value && typeof value === 'object' && !Array.isArray(value)) delete (value as Json)['$comment'];
  return { value, source: read.source };
}

async function readObject(file: string): Promise<Json> {
  const { value } = await readDoc(file);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new FlowError({ file, line: 1, message: 'the file must hold one JSON object' });
  return value as Json;
}

/** Validates the fixture's invariants where they are (file and line of each problem); returns the parsed document. */
async function readInvariants(file: string): Promise<unknown> {
  const { value, source } = await readDoc(file);
  const list = invariantList(value);
  if (!list) throw new FlowError({ file, line: 1, message: 'expected { invariants: [...] } or a list of invariants' });
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
    if (!c.ok) {
      const ruleLine = source.lineOf(`${at}/rule`) ?? line;
      problems.push({ file, ...(ruleLine !== undefined ? { line: ruleLine } : {}), message: `configuration error: ${c.message}` });
    }
  });
  if (problems.length > 0) throw new FlowError(problems[0]!, problems);
  return Array.isArray(value) ? { invariants: value } : value;
}

/** True when `dir` looks like a fixture folder (it has input/). */
export async function isUpstreamFixture(dir: string): Promise<boolean> {
  return exists(join(dir, 'input'));
}

async function readFixture(dir: string): Promise<Fixture> {
  const folder = resolve(dir);
  if (!(await isUpstreamFixture(folder))) {
    const hint = (await exists(join(folder, 'pack'))) ? ': it holds an evidence pack (pack/), which has no inputs to run' : '';
    throw new FlowError({ file: folder, message: `not a golden-flow fixture: no input/ folder${hint}` });
  }
  const fixture: Fixture = { folder, inputs: {}, expected: {} };
  for (const part of ['input', 'expected'] as const) {
    for (const name of UPSTREAM_OBJECTS) {
      const file = join(folder, part, `${name}.json`);
      if (await exists(file)) (part === 'input' ? fixture.inputs : fixture.expected)[name] = await readObject(file);
    }
  }
  for (const name of ['context', 'plan'] as const) {
    if (!fixture.inputs[name]) throw new FlowError({ file: join(folder, 'input', `${name}.json`), message: `the fixture has no input/${name}.json` });
  }
  const plan = fixture.inputs.plan!;
  if (!Array.isArray(plan['steps']) || plan['steps'].length === 0) throw new FlowError({ file: join(folder, 'input', 'plan.json'), message: 'the plan has no steps to run' });
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
  return `upstream-${basename(folder).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'fixture'}`;
}

const DECISION_STATUSES = new Set(['approved', 'rejected', 'cancelled']);

/** The Confirm decisions to replay: expected/confirm.json's (the end state), else input/confirm.json's, else one approval. */
function decisionsOf(fixture: Fixture, notes: string[]): Decision[] {
  const from = (part: 'expected' | 'input'): Decision[] | undefined => {
    const confirm = (part === 'expected' ? fixture.expected : fixture.inputs).confirm;
    const list = confirm?.['decisions'];
    if (!Array.isArray(list) || list.length === 0) return undefined;
    const file = join(fixture.folder, part, 'confirm.json');
    return list.map((d, i) => {
      const entry = (d ?? {}) as Json;
      const status = entry['status'];
      if (typeof status !== 'string' || !DECISION_STATUSES.has(status)) throw new FlowError({ file, message: `decisions[${i}].status must be approved, rejected or cancelled, got ${JSON.stringify(status)}` });
      const by = typeof entry['decided_by_role'] === 'string' && entry['decided_by_role'] !== '' ? entry['decided_by_role'] : 'reviewer';
      return { status: status as Decision['status'], by, ...(typeof entry['reason'] === 'string' ? { reason: entry['reason'] } : {}) };
    });
  };
  const expected = from('expected');
  const input = from('input');
  const chosen = expected ?? input;
  if (chosen) {
    const rounds = chosen.map((d) => `${d.status} by ${d.by}`).join(', then ');
    notes.push(`Confirm decisions replayed from ${expected ? 'expected' : 'input'}/confirm.json: ${rounds} (a rejected round sends the plan back to draft; it is submitted again)`);
    if (expected && input && JSON.stringify(expected) !== JSON.stringify(input)) notes.push('input/confirm.json lists other decisions than expected/confirm.json; the expected end state wins');
    return chosen;
  }
  return [{ status: 'approved', by: 'reviewer', reason: `approved by mplp-conformance to run upstream fixture ${basename(fixture.folder)}` }];
}

/** Operations: register, submit, each decision (resubmitting after a rejection), then run if approved. */
function operationsFor(fixture: Fixture, plan: Json, profile: 'sa' | 'map', decisions: Decision[]): { operations: OperationSpec[]; runs: boolean; resubmissions: number } {
  const operations: OperationSpec[] = [{ load: { only: fixture.inputs.collab ? ['context', 'plan', 'collab'] : ['context', 'plan'] } }];
  const status = String(plan['status']);
  let resubmissions = 0;
  if (status === 'draft' || status === 'proposed') {
    if (status === 'draft') operations.push({ transition: { target: 'plan', to: 'proposed' } });
    decisions.forEach((d, i) => {
      operations.push({ confirm: { status: d.status, by: d.by, ...(d.reason === undefined ? {} : { reason: d.reason }) } });
      if (d.status === 'rejected' && i < decisions.length - 1) {
        operations.push({ transition: { target: 'plan', to: 'proposed' } });
        resubmissions += 1;
      }
    });
  }
  const runs = !(status === 'draft' || status === 'proposed') || decisions[decisions.length - 1]!.status === 'approved';
  if (runs) operations.push({ run: { profile } });
  return { operations, runs, resubmissions };
}

/** Expected objects as execution must leave them; what cannot be graded is left out, with a note. */
function expectedForRun(fixture: Fixture, runs: boolean, notes: string[]): Partial<Record<UpstreamObject, Json>> {
  const out: Partial<Record<UpstreamObject, Json>> = {};
  for (const [name, value] of Object.entries(fixture.expected) as [UpstreamObject, Json][]) {
    const copy = structuredClone(value);
    if (name === 'plan' && runs) {
      if (copy['status'] !== 'completed') notes.push(`expected/plan.json: status ${JSON.stringify(copy['status'])} and step statuses are compared as completed, what running the plan must produce (upstream fixtures pin data shape, not execution results)`);
      copy['status'] = 'completed';
      if (Array.isArray(copy['steps'])) for (const s of copy['steps'] as Json[]) s['status'] = 'completed';
    }
    if (name === 'confirm' && 'requested_by_role' in copy) {
      notes.push(`expected/confirm.json: requested_by_role ${JSON.stringify(copy['requested_by_role'])} not compared: the runtime opens the Confirm when the plan is submitted, and a submission names no role in the adapter contract`);
      delete copy['requested_by_role'];
    }
    if (name === 'trace' && Array.isArray(copy['events'])) {
      const names = (copy['events'] as Json[]).map((e) => String(e?.['event_type'])).join(', ');
      notes.push(`expected/trace.json: events (${names}) not compared: names of events inside a Trace are the runtime's choice (digest §4, C-15); status and bindings are`);
      delete copy['events'];
    }
    out[name] = copy;
  }
  return out;
}

/** The flow an upstream fixture stands for, and its data files. Throws FlowError when the fixture cannot be imported. */
export async function planUpstreamImport(dir: string): Promise<ImportedFlow> {
  const fixture = await readFixture(dir);
  const notes: string[] = [];
  const context = fixture.inputs.context!;
  const plan = fixture.inputs.plan!;
  const collab = fixture.inputs.collab;
  const profile = collab ? 'map' : 'sa';
  const id = flowIdOf(fixture.folder);
  const decisions = decisionsOf(fixture, notes);
  const { operations, runs, resubmissions } = operationsFor(fixture, plan, profile, decisions);
  if (fixture.inputs.trace) notes.push('input/trace.json not registered: the runtime opens the plan\'s Trace itself when the plan runs');
  if (fixture.inputs.confirm) notes.push('input/confirm.json not registered: the runtime opens the Confirm when the plan is submitted');
  const steps = (plan['steps'] as unknown[]).length;
  const last = decisions[decisions.length - 1]!;
  const hasConfirm = fixture.inputs.confirm !== undefined || fixture.expected.confirm !== undefined;
  const expect: ExpectationSpec = runs
    ? {
        final: { plan: 'completed', all_steps: 'completed', context: String(context['status']), ...(hasConfirm ? { confirm: 'approved' } : {}) },
        events: { pipeline_stage: (LEAD_IN[String(plan['status'])] ?? 0) + 2 * resubmissions + 2 * steps + 1 },
        chains: true,
        events_valid: true,
        graph_deltas: true,
        objects_valid: true,
        trace: { bound: true, events: '>=1' },
        ...(hasConfirm ? { confirm: { decisions: decisions.length, targets_plan: true, latest_decision_matches: true } } : {}),
        ...(profile === 'sa' ? { sa_run: true } : collab?.['status'] === 'active' ? { map_run: true } : {}),
      }
    : { final: { plan: 'draft', all_steps: 'pending', confirm: last.status }, events_valid: true, objects_valid: true, ael: { calls: 0 } };
  if (!runs) notes.push(`the last decision is ${last.status}: the plan is not run`);

  const data: Record<string, unknown> = {};
  const dataDir = id;
  const ref = (part: string, name: string) => `${dataDir}/${part}/${name}.json`;
  data[ref('input', 'context')] = context;
  data[ref('input', 'plan')] = plan;
  if (collab) data[ref('input', 'collab')] = collab;
  const upstream: UpstreamSpec = { source: fixture.folder, expected: {} };
  for (const [name, value] of Object.entries(expectedForRun(fixture, runs, notes)) as [UpstreamObject, Json][]) {
    data[ref('expected', name)] = value;
    upstream.expected![name] = ref('expected', name);
  }
  if (fixture.invariants !== undefined) {
    data[`${dataDir}/invariants.json`] = fixture.invariants;
    upstream.invariants = `${dataDir}/invariants.json`;
  }
  if (fixture.expectedEvents) {
    data[ref('expected', 'events')] = { events: fixture.expectedEvents };
    upstream.events = ref('expected', 'events');
  }
  if (Object.keys(upstream.expected!).length === 0) delete upstream.expected;

  const spec: FlowSpec = {
    id,
    title: `upstream golden flow ${basename(fixture.folder)}`,
    description: `Imported by mplp-conformance import-upstream from ${fixture.folder}.`,
    requirements: profile === 'sa' ? ['L3-ORCH-005', 'L3-EVT-003', 'L3-PSG-006', 'L3-SA-003', 'L3-SA-006'] : ['L3-ORCH-005', 'L3-EVT-003', 'L3-PSG-006', 'L3-MAP-003', 'L3-MAP-005'],
    needs: [`profile:${profile}`],
    context: { file: ref('input', 'context') },
    plan: { file: ref('input', 'plan') },
    ...(collab ? { collab: { file: ref('input', 'collab') } } : {}),
    operations,
    expect,
    upstream,
  };
  return { fixture: fixture.folder, id, spec, data, notes };
}

/** Writes one imported flow: `<out>/<id>.yaml` and its data under `<out>/<id>/` (replaced if present). */
export async function writeImportedFlow(out: string, flow: ImportedFlow): Promise<string> {
  await rm(join(out, flow.id), { recursive: true, force: true });
  for (const [path, value] of Object.entries(flow.data)) {
    const file = join(out, path);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
  }
  const file = join(out, `${flow.id}.yaml`);
  const header = [`# Imported from the upstream golden-flow fixture ${flow.fixture}`, '# by mplp-conformance import-upstream; re-import rather than edit.', ...flow.notes.map((n) => `# note: ${n}`)];
  await writeFile(file, `${header.join('\n')}\n${stringify(flow.spec, { lineWidth: 0 })}`);
  return file;
}

/** The fixture folders under `dir`: `dir` itself when it is one, else its subfolders (and those of a flows/ subfolder, as in upstream's tests/golden). */
async function candidates(dir: string): Promise<string[]> {
  const folder = resolve(dir);
  if (await isUpstreamFixture(folder)) return [folder];
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (e) {
    throw new FlowError({ file: folder, message: `cannot read the upstream folder: ${(e as Error).message}` });
  }
  const dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => join(folder, e.name)).sort();
  if (dirs.length === 0) throw new FlowError({ file: folder, message: 'no golden-flow fixture here: expected a folder with input/, or folders of them' });
  const nested = join(folder, 'flows');
  if (dirs.includes(nested) && !(await isUpstreamFixture(nested))) return candidates(nested);
  return dirs;
}

function reasonOf(e: unknown): string {
  if (e instanceof FlowError) return e.problems.map(formatProblem).join('; ');
  return e instanceof Error ? e.message : String(e);
}

/**
 * Imports every fixture under `dir` into `out` as golden flows. Each written flow is loaded
 * back (schema, files, invariants) before it counts as imported; a fixture that fails anywhere
 * is refused with the reason, and nothing of it is left in `out`.
 */
export async function importUpstream(dir: string, out: string): Promise<ImportResult> {
  const source = resolve(dir);
  const target = resolve(out);
  const result: ImportResult = { source, out: target, imported: [], refused: [] };
  await mkdir(target, { recursive: true });
  for (const fixture of await candidates(source)) {
    try {
      const flow = await planUpstreamImport(fixture);
      const file = await writeImportedFlow(target, flow);
      try {
        await loadFlow(file);
      } catch (e) {
        await rm(file, { force: true });
        await rm(join(target, flow.id), { recursive: true, force: true });
        throw e;
      }
      result.imported.push({ fixture, id: flow.id, file, notes: flow.notes });
    } catch (e) {
      result.refused.push({ fixture, reason: reasonOf(e) });
    }
  }
  return result;
}

/** Where `run --upstream <dir>` keeps the flows it imports: one stable folder per source under the report folder. */
export function upstreamImportDir(reportDir: string, source: string): string {
  const abs = resolve(source);
  return join(reportDir, 'upstream', `${basename(abs) || 'upstream'}-${createHash('sha256').update(abs).digest('hex').slice(0, 8)}`);
}

/** One Check for one upstream fixture folder, written to `out` (default: a new temp folder); throws FlowError when it cannot be imported. */
export async function importUpstreamFlow(dir: string, options: { out?: string } = {}): Promise<Check> {
  const flow = await planUpstreamImport(dir);
  const out = options.out ?? (await mkdtemp(join(tmpdir(), 'mplp-upstream-')));
  const file = await writeImportedFlow(out, flow);
  return flowCheck(await loadFlow(file));
}

/** A path for messages: relative to the current folder when inside it. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') ? rel : path;
}
