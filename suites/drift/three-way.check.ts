// L3-DRIFT-009 / L3-DRIFT-010: three-way reconciliation. The PSG's version of a file moves
// ahead (a second plan's step delivers a revision while the file on disk holds a hand edit,
// so the runtime must not write over it) and the file moves too; both are merged against the
// last content they agreed on. Changes on different lines merge cleanly into file and PSG;
// changes of the same line leave both as they are and the path waits for a manual decision
// with the conflicting hunks.

import { isDeepStrictEqual } from 'node:util';
import type { ReconcileResult } from '../../src/adapter/contract.js';
import type { Check } from '../../src/kit/check.js';
import { defineCheck, findings, Stop, type Violation } from '../lib/verdict.js';
import { accepted, BASE_FILES, editFiles, readFiles, runEffects, sha256, trackedWorkspace, type TrackedWorkspace } from './support.js';

const PATH = 'notes/edit.txt';
const HAND_EDIT = 'one\ntwo\nthree\nfour\nFIVE (edited by hand)\n';

/** The hand edit on disk, then a plan revision delivered to the PSG; returns the PSG's sha before merging. */
async function divergeBothSides(t: TrackedWorkspace, revision: string, requirement: string): Promise<string> {
  await editFiles(t.workspace, { [PATH]: HAND_EDIT });
  const plan = await runEffects(t.scenario, 'revise', { revise: { deliver: { [PATH]: revision } } });
  const status = (await t.scenario.readPlan(plan))?.status;
  if (status !== 'completed') throw new Stop({ requirement, message: `setup: the plan delivering a revision of ${PATH} ended ${String(status)}`, expected: 'completed', seen: status });
  const onDisk = (await readFiles(t.workspace))[PATH];
  if (onDisk !== HAND_EDIT) {
    throw new Stop({ requirement, message: `the runtime wrote a step's product over ${PATH}, which had been edited by hand since the PSG last agreed with it`, expected: HAND_EDIT, seen: onDisk });
  }
  const record = (await t.drift.artifacts()).find((r) => r.path === PATH);
  if (record?.sha256 !== sha256(revision)) throw new Stop({ requirement, message: `the PSG did not take the delivered revision of ${PATH}`, expected: sha256(revision), seen: record?.sha256 ?? null });
  return record.sha256;
}

const clean: Check = defineCheck({
  id: 'drift.reconcile.three-way.clean',
  title: 'three-way merges non-overlapping changes of PSG and file into both',
  requirements: ['L3-DRIFT-009'],
  needs: ['drift'],
  async run(ctx) {
    const REQ = 'L3-DRIFT-009';
    const t = await trackedWorkspace(ctx, 'drift.reconcile.three-way.clean', BASE_FILES, REQ);
    await divergeBothSides(t, 'ONE (revised by the plan)\ntwo\nthree\nfour\nfive\n', REQ);
    const merged = 'ONE (revised by the plan)\ntwo\nthree\nfour\nFIVE (edited by hand)\n';
    const result = accepted<ReconcileResult>('reconcile(three-way)', await t.drift.reconcile('three-way'), REQ);
    const violations: Violation[] = [];
    const onDisk = (await readFiles(t.workspace))[PATH];
    if (onDisk !== merged) violations.push({ requirement: REQ, message: `the merged ${PATH} does not hold both changes`, expected: merged, seen: onDisk ?? null });
    const record = (await t.drift.artifacts()).find((r) => r.path === PATH);
    if (record?.sha256 !== sha256(merged)) violations.push({ requirement: REQ, message: `the PSG does not hold the merged ${PATH}`, expected: sha256(merged), seen: record?.sha256 ?? null });
    if (result.pending.some((e) => e.path === PATH)) violations.push({ requirement: REQ, message: `a clean merge of ${PATH} was left waiting for a decision`, expected: 'not pending', seen: result.pending });
    const files = await readFiles(t.workspace);
    const others = Object.fromEntries(Object.entries(files).filter(([p]) => p !== PATH));
    const untouched = Object.fromEntries(Object.entries(BASE_FILES).filter(([p]) => p !== PATH));
    if (!isDeepStrictEqual(others, untouched)) violations.push({ requirement: REQ, message: 'three-way changed files that had not drifted', expected: untouched, seen: others });
    return findings(violations, `${PATH} holds the plan's revision of line 1 and the hand edit of line 5, in the file and in the PSG`);
  },
});

const conflict: Check = defineCheck({
  id: 'drift.reconcile.three-way.conflict',
  title: 'a conflicting three-way merge changes nothing and waits for a manual decision with the hunks',
  requirements: ['L3-DRIFT-010'],
  needs: ['drift'],
  async run(ctx) {
    const REQ = 'L3-DRIFT-010';
    const planLine = '5 (revised by the plan)';
    const t = await trackedWorkspace(ctx, 'drift.reconcile.three-way.conflict', BASE_FILES, REQ);
    const psgSha = await divergeBothSides(t, `one\ntwo\nthree\nfour\n${planLine}\n`, REQ);
    const result = accepted<ReconcileResult>('reconcile(three-way)', await t.drift.reconcile('three-way'), REQ);
    const violations: Violation[] = [];
    const onDisk = (await readFiles(t.workspace))[PATH];
    const record = (await t.drift.artifacts()).find((r) => r.path === PATH);
    if (onDisk !== HAND_EDIT || record?.sha256 !== psgSha) {
      violations.push({ requirement: REQ, message: `a conflicting merge changed ${PATH} on disk or in the PSG`, expected: { file: HAND_EDIT, psg_sha256: psgSha }, seen: { file: onDisk ?? null, psg_sha256: record?.sha256 ?? null } });
    }
    const waiting = result.pending.find((e) => e.path === PATH);
    const hunks = waiting?.conflicts ?? [];
    const shows = hunks.some((h) => h.psg.includes(planLine) && h.file.includes('FIVE (edited by hand)') && h.base.includes('five'));
    if (!waiting || !shows) {
      violations.push({ requirement: REQ, message: `${PATH} does not wait for a decision with the conflicting hunk (ancestor "five", PSG "${planLine}", file "FIVE (edited by hand)")`, expected: 'pending entry with conflicts', seen: result });
    }
    if (result.applied.some((a) => a.path === PATH)) violations.push({ requirement: REQ, message: `the conflicting ${PATH} was reported as reconciled`, expected: 'not applied', seen: result.applied });
    if (violations.length > 0) return findings(violations, '');
    const decided = `one\ntwo\nthree\nfour\n${planLine}; FIVE (edited by hand)\n`;
    accepted<ReconcileResult>(`resolve(${PATH}) with hand-merged text`, await t.drift.resolve(PATH, { content: decided }), REQ);
    const [afterFile, afterRecord] = [(await readFiles(t.workspace))[PATH], (await t.drift.artifacts()).find((r) => r.path === PATH)];
    if (afterFile !== decided || afterRecord?.sha256 !== sha256(decided)) {
      violations.push({ requirement: REQ, message: `resolving the conflict of ${PATH} with hand-merged text did not put it in file and PSG`, expected: { file: decided, psg_sha256: sha256(decided) }, seen: { file: afterFile ?? null, psg_sha256: afterRecord?.sha256 ?? null } });
    }
    return findings(violations, `${PATH} kept both versions, waited with the conflicting hunk, and took the decided text`);
  },
});

export default [clean, conflict];
