// Turns a flow file into a LoadedFlow: YAML → schema → referenced files → cross-references
// → expansion. The first problem found stops the load; every problem keeps file and line.

import { resolve } from 'node:path';
import type { Collab, Context, Plan } from '../../mplp/types.js';
import { FlowError, type FlowProblem } from './errors.js';
import { expandFlow, filePlanStepNames, type ExpandedFlow, type FileObjects } from './expand.js';
import { readFlowRelativeFile } from './files.js';
import { compileInvariant, invariantList, type Invariant } from './invariants.js';
import { checkFlowShape } from './schema.js';
import { checkFlowSemantics } from './semantics.js';
import { readYamlSource, type YamlSource } from './source.js';
import type { FlowSpec } from './spec.js';
import type { UpstreamGrading, UpstreamObject } from './upstream-grade.js';

export interface LoadedFlow {
  /** Absolute path of the flow file (what a vendor replays). */
  file: string;
  spec: FlowSpec;
  expanded: ExpandedFlow;
  /** Line of the flow's `id:` key, for reports about the flow as a whole. */
  idLine?: number;
  /** An imported upstream fixture's own grading (the flow's `upstream:` key), files read. */
  upstream?: UpstreamGrading;
}

function problemsAt(source: YamlSource, found: { pointer: string; message: string }[]): FlowProblem[] {
  return found.map((p) => {
    const line = source.lineOf(p.pointer);
    return { file: source.file, ...(line !== undefined ? { line } : {}), message: p.message };
  });
}

function fail(problems: FlowProblem[]): never {
  const sorted = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  throw new FlowError(sorted[0]!, sorted);
}

/** A plan read from a file must at least name its steps so the flow can address them. */
function planFileProblem(value: unknown): string | undefined {
  const steps = (value as { steps?: unknown }).steps;
  if (!Array.isArray(steps) || steps.length === 0) return 'the plan file has no steps array';
  const bad = steps.findIndex((s) => typeof (s as { step_id?: unknown } | null)?.step_id !== 'string');
  return bad >= 0 ? `step ${bad} of the plan file has no string step_id` : undefined;
}

async function readFiles(source: YamlSource, spec: FlowSpec): Promise<FileObjects> {
  const files: FileObjects = {};
  const problems: { pointer: string; message: string }[] = [];
  for (const key of ['context', 'plan', 'collab'] as const) {
    const ref = spec[key]?.file;
    if (ref === undefined) continue;
    const read = await readFlowRelativeFile(source.file, ref);
    if (!read.ok) {
      problems.push({ pointer: `/${key}/file`, message: read.message });
      continue;
    }
    const bad = key === 'plan' ? planFileProblem(read.value) : undefined;
    if (bad) problems.push({ pointer: `/${key}/file`, message: `${ref}: ${bad}` });
    else if (key === 'context') files.context = read.value as Context;
    else if (key === 'plan') files.plan = read.value as Plan;
    else files.collab = read.value as Collab;
  }
  if (problems.length > 0) fail(problemsAt(source, problems));
  return files;
}

/** The files an imported upstream fixture is graded with; each problem keeps the flow's line. */
async function readUpstream(source: YamlSource, spec: FlowSpec): Promise<UpstreamGrading | undefined> {
  const up = spec.upstream;
  if (up === undefined) return undefined;
  const problems: { pointer: string; message: string }[] = [];
  const grading: UpstreamGrading = { invariants: [], files: { expected: {} }, expected: {}, ...(up.source === undefined ? {} : { source: up.source }) };
  if (up.invariants !== undefined) {
    const read = await readFlowRelativeFile(source.file, up.invariants);
    const list = read.ok ? invariantList(read.value) : undefined;
    if (!read.ok) problems.push({ pointer: '/upstream/invariants', message: read.message });
    else if (!list) problems.push({ pointer: '/upstream/invariants', message: `${up.invariants}: expected { invariants: [...] }` });
    else {
      grading.files.invariants = up.invariants;
      list.forEach((item, i) => {
        const inv = item as Partial<Invariant> | null;
        if (!inv || typeof inv.id !== 'string' || typeof inv.scope !== 'string') {
          problems.push({ pointer: '/upstream/invariants', message: `${up.invariants}: invariant ${i} needs string id and scope` });
          return;
        }
        const c = compileInvariant(inv as Invariant);
        if (c.ok) grading.invariants.push(c.compiled);
        else problems.push({ pointer: '/upstream/invariants', message: `${up.invariants}: configuration error: ${c.message}` });
      });
    }
  }
  for (const [name, ref] of Object.entries(up.expected ?? {}) as [UpstreamObject, string][]) {
    const read = await readFlowRelativeFile(source.file, ref);
    if (!read.ok) problems.push({ pointer: `/upstream/expected/${name}`, message: read.message });
    else {
      grading.expected[name] = read.value as Record<string, unknown>;
      grading.files.expected[name] = ref;
    }
  }
  if (up.events !== undefined) {
    const read = await readFlowRelativeFile(source.file, up.events);
    const events = read.ok ? (read.value as { events?: unknown }).events : undefined;
    if (!read.ok) problems.push({ pointer: '/upstream/events', message: read.message });
    else if (!Array.isArray(events)) problems.push({ pointer: '/upstream/events', message: `${up.events}: expected { events: [...] }` });
    else {
      grading.expectedEvents = events;
      grading.files.events = up.events;
    }
  }
  if (problems.length > 0) fail(problemsAt(source, problems));
  return grading;
}

/** Loads one flow file; throws FlowError (file, line, problem) when it is malformed. */
export async function loadFlow(path: string): Promise<LoadedFlow> {
  const file = resolve(path);
  const read = await readYamlSource(file);
  if (!read.ok) fail([read.problem]);
  const source = read.source;
  const shape = checkFlowShape(source.value);
  if (shape.length > 0) fail(problemsAt(source, shape));
  const spec = source.value as FlowSpec;
  const files = await readFiles(source, spec);
  const stepNames = files.plan ? filePlanStepNames(files.plan) : Object.keys(spec.plan?.steps ?? {});
  const semantic = checkFlowSemantics(spec, { steps: stepNames });
  if (semantic.length > 0) fail(problemsAt(source, semantic));
  const upstream = await readUpstream(source, spec);
  const idLine = source.lineOf('/id');
  return { file, spec, expanded: expandFlow(spec, files), ...(idLine !== undefined ? { idLine } : {}), ...(upstream ? { upstream } : {}) };
}
