// Shared moves of the drift and rollback checks: a session whose workspace holds files a
// plan's step produced (so the PSG tracks them), the kit editing files "behind the runtime's
// back", and reading back what the workspace and the PSG hold. File contents are compared as
// text and as sha256, never by timing.

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactRecord, DriftEntry, DriftGroup, OpResult, RollbackGroup } from '../../src/adapter/contract.js';
import type { CheckContext } from '../../src/kit/check.js';
import { applyFileEffects, type EffectScript } from '../../src/kit/recording-ael.js';
import type { BusEvent } from '../../src/mplp/types.js';
import { Scenario, type PlanHandle } from '../lib/scenario.js';
import { Stop } from '../lib/verdict.js';

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Path → text; null in an edit means "delete the file". */
export type Files = Record<string, string>;
export type Edits = Record<string, string | null>;

/** Every regular file of a folder, path → text (symlinks are not followed). */
export async function readFiles(root: string): Promise<Files> {
  const out: Files = {};
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(join(dir, entry.name), rel);
      else if (entry.isFile()) out[rel] = await readFile(join(dir, entry.name), 'utf8');
    }
  };
  await walk(root, '');
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The kit as a user editing the workspace directly. */
export async function editFiles(root: string, edits: Edits): Promise<void> {
  const entries = Object.entries(edits);
  await applyFileEffects(root, {
    write: Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== null)),
    remove: entries.filter(([, text]) => text === null).map(([path]) => path),
  });
}

/** The files after applying edits to a picture of them. */
export function edited(files: Files, edits: Edits): Files {
  const out: Files = { ...files };
  for (const [path, text] of Object.entries(edits)) {
    if (text === null) delete out[path];
    else out[path] = text;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The drift a scan must report for these edits of tracked files (path order). */
export function expectedEntries(tracked: Files, edits: Edits, detectedBy: DriftEntry['detected_by']): DriftEntry[] {
  const entries: DriftEntry[] = [];
  for (const path of Object.keys(edits).sort()) {
    const before = tracked[path];
    const after = edits[path];
    if (before === after || (before === undefined && after === null)) continue;
    const kind = before === undefined ? 'new' : after === null ? 'deleted' : 'modified';
    entries.push({ path, kind, psg_sha256: before === undefined ? null : sha256(before), file_sha256: after == null ? null : sha256(after), detected_by: detectedBy });
  }
  return entries;
}

/** Entries reduced to what every check compares, sorted by path. */
export function comparable(entries: readonly DriftEntry[]): Omit<DriftEntry, 'conflicts'>[] {
  return entries
    .map(({ path, kind, psg_sha256, file_sha256, detected_by }) => ({ path, kind, psg_sha256, file_sha256, detected_by }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** What the PSG tracks, path → sha256. */
export function trackedHashes(records: readonly ArtifactRecord[]): Record<string, string> {
  return Object.fromEntries(records.map((r) => [r.path, r.sha256]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
}

export const hashesOf = (files: Files): Record<string, string> => Object.fromEntries(Object.entries(files).map(([p, t]) => [p, sha256(t)]));

export function driftGroup(scenario: Scenario): DriftGroup {
  const group = scenario.session.drift;
  if (!group) throw new Stop({ message: 'the session claims drift but has no drift group', expected: 'session.drift', seen: null });
  return group;
}

export function rollbackGroup(scenario: Scenario): RollbackGroup {
  const group = scenario.session.rollback;
  if (!group) throw new Stop({ message: 'the session claims rollback but has no rollback group', expected: 'session.rollback', seen: null });
  return group;
}

/** The value of an accepted answer; a refusal the check depends on ends it. */
export function accepted<T>(what: string, answer: OpResult, requirement?: string): T {
  if (answer.ok) return answer.value as T;
  throw new Stop({ ...(requirement ? { requirement } : {}), message: `the runtime rejected ${what} (${answer.code}: ${answer.message})`, expected: { ok: true }, seen: answer });
}

/** A session whose workspace holds `files`, written by one step of a completed plan. */
export interface TrackedWorkspace {
  scenario: Scenario;
  plan: PlanHandle;
  drift: DriftGroup;
  workspace: string;
  files: Files;
}

/** Opens a session with the AEL writing in its workspace. */
export async function openWithWorkspace(ctx: CheckContext, namespace: string): Promise<Scenario> {
  const scenario = await Scenario.open(ctx, namespace);
  scenario.ael.useWorkspace(scenario.kit.workspace);
  return scenario;
}

/** Registers an approved plan of the given steps, each with an effect script, and runs it. */
export async function runEffects(scenario: Scenario, name: string, steps: Record<string, Omit<EffectScript, 'kind'>>, after: Record<string, string[]> = {}): Promise<PlanHandle> {
  const plan = scenario.plan(name, { status: 'approved', steps: Object.fromEntries(Object.keys(steps).map((s) => [s, after[s] ? { after: after[s] } : null])) });
  for (const [step, effect] of Object.entries(steps)) scenario.ael.script(plan.stepId(step), { kind: 'effect', ...effect });
  await scenario.loadOk(plan);
  await scenario.runToEnd(plan);
  return plan;
}

export async function trackedWorkspace(ctx: CheckContext, namespace: string, files: Files, requirement?: string): Promise<TrackedWorkspace> {
  const scenario = await openWithWorkspace(ctx, namespace);
  const plan = await runEffects(scenario, 'produce', { make: { write: files } });
  const status = (await scenario.readPlan(plan))?.status;
  if (status !== 'completed') {
    throw new Stop({ ...(requirement ? { requirement } : {}), message: `setup: the plan whose step writes the workspace files ended ${String(status)}`, expected: 'completed', seen: status });
  }
  return { scenario, plan, drift: driftGroup(scenario), workspace: scenario.kit.workspace, files };
}

export const familyOf = (e: BusEvent): string | undefined => (e as { event_family?: string }).event_family;

/** Events of a type in an event-core family (drift and rollback notifications). */
export function notifications(events: readonly BusEvent[], family: string, type: string): BusEvent[] {
  return events.filter((e) => familyOf(e) === family && e.event_type === type);
}

export const graphUpdates = (events: readonly BusEvent[]): BusEvent[] => events.filter((e) => familyOf(e) === 'graph_update');

/** The standard workspace of the drift checks and the edit of each kind. */
export const BASE_FILES: Files = {
  'keep.txt': 'unchanged\n',
  'notes/edit.txt': 'one\ntwo\nthree\nfour\nfive\n',
  'gone.txt': 'to be deleted\n',
};
export const EDIT_OF_KIND: Readonly<Record<DriftEntry['kind'], Edits>> = {
  modified: { 'notes/edit.txt': 'one\ntwo\nthree\nfour\nFIVE (edited by hand)\n' },
  deleted: { 'gone.txt': null },
  new: { 'fresh/new.txt': 'created outside the runtime\n' },
};
export const ALL_EDITS: Edits = { ...EDIT_OF_KIND.modified, ...EDIT_OF_KIND.deleted, ...EDIT_OF_KIND.new };
