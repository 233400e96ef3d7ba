// The flow operations and expectations of the optional drift and rollback capabilities
// (docs/drift-and-rollback.md): the kit editing workspace files, choosing a rollback policy,
// scanning, feeding file_update events, reconciling and resolving; then grading workspace
// files, what the PSG tracks, and the compensations the AEL ran.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ArtifactRecord, DriftGroup, FileUpdateEvent, ManualDecision, OpResult, RollbackGroup, Session } from '../../adapter/contract.js';
import { applyFileEffects, type CompensationCall } from '../recording-ael.js';
import type { FlowRun } from './driver.js';
import { FLOW_EPOCH } from './expand.js';
import type { FlowFailure } from './failure.js';
import { HarnessError } from './observe.js';
import type { DriftEntrySpec, OperationSpec } from './spec.js';

type Handler = (run: FlowRun, op: OperationSpec, where: string) => Promise<FlowFailure[]>;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * A file_update event dated relative to the PSG's record of the file, never by the wall
 * clock: a second after it ('newer') or a day before it ('older').
 */
export function datedFileUpdate(path: string, change: FileUpdateEvent['change_type'], record: ArtifactRecord | undefined, age: 'newer' | 'older'): FileUpdateEvent {
  const recorded = Date.parse(record?.synced_at ?? FLOW_EPOCH);
  return { file_path: path, change_type: change, timestamp: new Date(age === 'newer' ? recorded + 1000 : recorded - 86_400_000).toISOString() };
}

function drift(session: Pick<Session, 'drift'>): DriftGroup {
  if (!session.drift) throw new HarnessError('the adapter claims drift but its session has no drift group');
  return session.drift;
}

function rollback(session: Session): RollbackGroup {
  if (!session.rollback) throw new HarnessError('the adapter claims rollback but its session has no rollback group');
  return session.rollback;
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** An answer's drift entries against the expected (path, kind) pairs. */
function entriesDiffer(where: string, answer: OpResult | undefined, expected: DriftEntrySpec[] | undefined): FlowFailure[] {
  if (!expected || !answer?.ok) return [];
  const entries = ((answer.value as { entries?: DriftEntrySpec[] } | undefined)?.entries ?? []).map(({ path, kind }) => ({ path, kind })).sort(byPath);
  const want = expected.map(({ path, kind }) => ({ path, kind })).sort(byPath);
  return isDeepStrictEqual(entries, want) ? [] : [{ where, message: 'the drift report differs from the expected entries', expected: want, seen: entries }];
}

/** Runs an adapter call through the flow's answer check and keeps the answer. */
async function answered(run: FlowRun, where: string, call: () => Promise<OpResult>, expect: Parameters<FlowRun['attempt']>[2]): Promise<{ failures: FlowFailure[]; answer: OpResult | undefined }> {
  let answer: OpResult | undefined;
  const failures = await run.attempt(where, async () => (answer = await call()), expect);
  return { failures, answer };
}

export const WORKSPACE_OPERATIONS: Readonly<Record<'workspace' | 'rollback_policy' | 'drift_scan' | 'drift_ingest' | 'reconcile' | 'resolve', Handler>> = {
  workspace: async (run, op) => {
    await applyFileEffects(run.kit.workspace, op.workspace!);
    return [];
  },

  rollback_policy: (run, op, where) => {
    const { snapshot, compensate, expect } = op.rollback_policy!;
    return run.attempt(where, () => rollback(run.session).setPolicy({ snapshot, compensate }), expect);
  },

  drift_scan: async (run, op, where) => {
    const { failures, answer } = await answered(run, where, () => drift(run.session).scan(), op.drift_scan?.expect);
    return failures.length > 0 ? failures : entriesDiffer(where, answer, op.drift_scan?.entries);
  },

  drift_ingest: async (run, op, where) => {
    const { path, change, age = 'newer', entries, expect } = op.drift_ingest!;
    const group = drift(run.session);
    const record = (await group.artifacts()).find((r) => r.path === path);
    const { failures, answer } = await answered(run, where, () => group.ingest(datedFileUpdate(path, change, record, age)), expect);
    return failures.length > 0 ? failures : entriesDiffer(where, answer, entries);
  },

  reconcile: async (run, op, where) => {
    const { strategy, pending, expect } = op.reconcile!;
    const { failures, answer } = await answered(run, where, () => drift(run.session).reconcile(strategy), expect);
    if (failures.length > 0 || !pending || !answer?.ok) return failures;
    const waiting = ((answer.value as { pending?: { path: string }[] }).pending ?? []).map((e) => e.path).sort();
    return isDeepStrictEqual(waiting, [...pending].sort()) ? [] : [{ where, message: 'the paths waiting for a decision differ', expected: [...pending].sort(), seen: waiting }];
  },

  resolve: (run, op, where) => {
    const { path, keep, content, expect } = op.resolve!;
    const decision: ManualDecision = content !== undefined ? { content } : { keep: keep! };
    return run.attempt(where, () => drift(run.session).resolve(path, decision), expect);
  },
};

/** Workspace files by path: their text, or absent (null). */
export async function gradeFiles(spec: Record<string, string | null>, workspace: string, where: string): Promise<FlowFailure[]> {
  const out: FlowFailure[] = [];
  for (const [path, want] of Object.entries(spec)) {
    const seen = await readFile(join(workspace, path), 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (seen !== want) out.push({ where: `${where}.${path}`, message: want === null ? `${path} exists in the workspace` : `${path} does not hold the expected text`, expected: want, seen });
  }
  return out;
}

/** What the PSG tracks by path: the sha256 of the given text, or nothing. */
export async function gradeArtifacts(spec: Record<string, string | null>, session: Pick<Session, 'drift'>, where: string): Promise<FlowFailure[]> {
  const records = await drift(session).artifacts();
  const out: FlowFailure[] = [];
  for (const [path, want] of Object.entries(spec)) {
    const seen = records.find((r) => r.path === path)?.sha256 ?? null;
    const expected = want === null ? null : sha256(want);
    if (seen !== expected) out.push({ where: `${where}.${path}`, message: want === null ? `the PSG still tracks ${path}` : `the PSG does not hold the expected content of ${path}`, expected, seen });
  }
  return out;
}

/** The compensations the AEL ran, in order, by step name. */
export function gradeCompensations(spec: string[], calls: readonly CompensationCall[], nameOf: (stepId: string) => string, where: string): FlowFailure[] {
  const seen = calls.map((c) => nameOf(c.step_id));
  return isDeepStrictEqual(seen, spec) ? [] : [{ where, message: 'the compensations run through the AEL differ (steps, count or order)', expected: spec, seen }];
}
