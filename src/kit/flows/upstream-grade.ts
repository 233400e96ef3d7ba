// Grading of an imported upstream golden-flow fixture, after the flow's own expectations:
// the fixture's invariants (digest §6 [KIT]) on the objects read back, the deep compare of its
// expected objects with the extended ignore list (§10.3 [KIT]), and its expected event list.
// The files are named by the flow's `upstream:` key and read, with the flow, by load.ts.

import type { FlowRun } from './driver.js';
import type { FlowFailure } from './failure.js';
import { deepCompare } from './deep-compare.js';
import { evaluateInvariant, type CompiledInvariant } from './invariants.js';

export const UPSTREAM_OBJECTS = ['context', 'plan', 'confirm', 'trace', 'collab'] as const;
export type UpstreamObject = (typeof UPSTREAM_OBJECTS)[number];

export interface UpstreamGrading {
  /** The fixture folder the flow was imported from, when known. */
  source?: string;
  invariants: CompiledInvariant[];
  /** File names for messages: where the invariants and each expected object came from. */
  files: { invariants?: string; expected: Partial<Record<UpstreamObject, string>>; events?: string };
  expected: Partial<Record<UpstreamObject, Record<string, unknown>>>;
  expectedEvents?: unknown[];
}

async function readBack(run: FlowRun, name: UpstreamObject): Promise<unknown> {
  switch (name) {
    case 'trace':
      return run.objects.trace();
    case 'confirm':
      return run.objects.confirm();
    case 'collab':
      return run.flow.expanded.collab ? run.objects.get(await run.objects.ref('collab')) : undefined;
    default:
      return run.objects.get(await run.objects.ref(name));
  }
}

/** A data file as the fixture names it (`expected/plan.json`, `invariants.yaml`) when the flow was imported from one. */
function fixtureName(grading: UpstreamGrading, ref: string): string {
  if (grading.source === undefined) return ref;
  return ref.split('/').slice(1).join('/').replace(/^invariants\.json$/, 'invariants.yaml');
}

export function gradeUpstream(grading: UpstreamGrading): (run: FlowRun) => Promise<FlowFailure[]> {
  return async (run) => {
    const failures: FlowFailure[] = [];
    const scopes: Record<string, unknown> = {};
    for (const name of UPSTREAM_OBJECTS) scopes[name] = await readBack(run, name);
    const events = await run.session.events();
    const invariantsFile = grading.files.invariants === undefined ? 'invariants' : fixtureName(grading, grading.files.invariants);
    for (const c of grading.invariants) {
      for (const r of evaluateInvariant(c, scopes, events)) {
        if (!r.ok) failures.push({ where: `${invariantsFile} ${r.id}`, message: `${r.path}: ${r.message}`, expected: c.invariant.rule, seen: r.message });
      }
    }
    for (const [name, want] of Object.entries(grading.expected) as [UpstreamObject, Record<string, unknown>][]) {
      const diffs = deepCompare(want, scopes[name]);
      const ref = grading.files.expected[name];
      const where = ref === undefined ? `expected/${name}.json` : fixtureName(grading, ref);
      if (diffs.length > 0) failures.push({ where, message: `${diffs.length} difference(s): ${diffs.slice(0, 3).map((d) => `${name}.${d.path} ${d.message}`).join('; ')}`, expected: want, seen: diffs });
    }
    if (grading.expectedEvents) failures.push(...matchEvents(grading.expectedEvents, events, grading.files.events === undefined ? 'expected/events.json' : fixtureName(grading, grading.files.events)));
    return failures;
  };
}

/** Each expected event matches a later seen event on the keys it lists. */
function matchEvents(expected: unknown[], seen: unknown[], file: string): FlowFailure[] {
  let from = 0;
  for (const [i, want] of expected.entries()) {
    const hit = seen.findIndex((e, k) => k >= from && deepCompare(want, e).length === 0);
    if (hit < 0) return [{ where: `${file}[${i}]`, message: 'no later event on the bus matches this expected event', expected: want, seen: seen.length }];
    from = hit + 1;
  }
  return [];
}
