// L3-DRIFT-006 / 007 / 008: the end state of each simple reconciliation strategy after one
// modified, one deleted and one new file. psg-wins: files back to the PSG's content, the new
// file gone, PSG untouched. fs-wins: files untouched, the PSG takes them (with graph_update).
// Both: a scan afterwards is clean. manual: nothing changes until a decision per path, and a
// decision changes only its path.

import { isDeepStrictEqual } from 'node:util';
import type { DriftReport, ManualDecision, ReconcileResult } from '../../src/adapter/contract.js';
import type { Check } from '../../src/kit/check.js';
import { isNodeOf } from '../../src/kit/psg-names.js';
import { danglingEdges } from '../lib/graph.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import {
  accepted,
  ALL_EDITS,
  BASE_FILES,
  edited,
  editFiles,
  EDIT_OF_KIND,
  graphUpdates,
  hashesOf,
  readFiles,
  sha256,
  trackedHashes,
  trackedWorkspace,
  type TrackedWorkspace,
} from './support.js';

/** A scan after reconciliation must find nothing. */
async function cleanAfterwards(t: TrackedWorkspace, requirement: string, strategy: string): Promise<Violation[]> {
  const report = accepted<DriftReport>('the drift scan after reconciling', await t.drift.scan(), requirement);
  return report.entries.length === 0 ? [] : [{ requirement, message: `a scan after ${strategy} still reports drift`, expected: [], seen: report.entries }];
}

const psgWins = defineCheck({
  id: 'drift.reconcile.psg-wins',
  title: 'psg-wins restores the files from the PSG and leaves no drift',
  requirements: ['L3-DRIFT-006'],
  needs: ['drift'],
  async run(ctx) {
    const REQ = 'L3-DRIFT-006';
    const t = await trackedWorkspace(ctx, 'drift.reconcile.psg-wins', BASE_FILES, REQ);
    const psgBefore = trackedHashes(await t.drift.artifacts());
    await editFiles(t.workspace, ALL_EDITS);
    accepted<ReconcileResult>('reconcile(psg-wins)', await t.drift.reconcile('psg-wins'), REQ);
    const violations: Violation[] = [];
    const files = await readFiles(t.workspace);
    if (!isDeepStrictEqual(files, BASE_FILES)) violations.push({ requirement: REQ, message: 'after psg-wins the workspace does not hold exactly the PSG’s files', expected: BASE_FILES, seen: files });
    const psgAfter = trackedHashes(await t.drift.artifacts());
    if (!isDeepStrictEqual(psgAfter, psgBefore)) violations.push({ requirement: REQ, message: 'psg-wins changed the PSG’s records of the files', expected: psgBefore, seen: psgAfter });
    violations.push(...(await cleanAfterwards(t, REQ, 'psg-wins')));
    return findings(violations, 'the edited file was restored, the deleted one rewritten, the new one removed; PSG unchanged; no drift left');
  },
});

const fsWins = defineCheck({
  id: 'drift.reconcile.fs-wins',
  title: 'fs-wins updates the PSG from the files, with graph_update, and leaves no drift',
  requirements: ['L3-DRIFT-007', 'L3-PSG-001'],
  needs: ['drift'],
  async run(ctx) {
    const REQ = 'L3-DRIFT-007';
    const t = await trackedWorkspace(ctx, 'drift.reconcile.fs-wins', BASE_FILES, REQ);
    const recordsBefore = await t.drift.artifacts();
    await editFiles(t.workspace, ALL_EDITS);
    const eventsBefore = (await t.scenario.session.events()).length;
    accepted<ReconcileResult>('reconcile(fs-wins)', await t.drift.reconcile('fs-wins'), REQ);
    const violations: Violation[] = [];
    const expectedFiles = edited(BASE_FILES, ALL_EDITS);
    const files = await readFiles(t.workspace);
    if (!isDeepStrictEqual(files, expectedFiles)) violations.push({ requirement: REQ, message: 'fs-wins changed the files it should have accepted', expected: expectedFiles, seen: files });
    const records = await t.drift.artifacts();
    const psg = trackedHashes(records);
    if (!isDeepStrictEqual(psg, hashesOf(expectedFiles))) violations.push({ requirement: REQ, message: 'after fs-wins the PSG does not track exactly the files with their current content', expected: hashesOf(expectedFiles), seen: psg });
    const [modified] = Object.keys(EDIT_OF_KIND.modified) as [string];
    const [was, is] = [recordsBefore.find((r) => r.path === modified), records.find((r) => r.path === modified)];
    if (was && is && is.version <= was.version) violations.push({ requirement: REQ, message: `the PSG took the new content of ${modified} without a new version`, expected: `version > ${was.version}`, seen: is.version });
    const graph = await t.scenario.session.graph();
    const goneNode = recordsBefore.find((r) => r.path === 'gone.txt')?.node_id;
    const newNode = records.find((r) => r.path === Object.keys(EDIT_OF_KIND.new)[0])?.node_id;
    if (goneNode && graph.nodes.some((n) => n.id === goneNode)) violations.push({ requirement: REQ, message: 'the artifact node of the deleted file is still in the PSG export', expected: 'node removed', seen: goneNode });
    const dangling = danglingEdges(graph);
    if (dangling.length > 0) violations.push({ requirement: 'L3-PSG-001', message: `after fs-wins removed a node, graph() still lists ${dangling.length} edge(s) that do not join two of its nodes`, expected: 'every edge joins two nodes of the export', seen: dangling });
    if (!newNode || !graph.nodes.some((n) => n.id === newNode && isNodeOf(n, 'artifact'))) violations.push({ requirement: REQ, message: 'the new file has no node of type artifact (any spelling) in the PSG export', expected: 'an artifact node', seen: newNode ?? null });
    const updates = graphUpdates((await t.scenario.session.events()).slice(eventsBefore));
    if (updates.length === 0) violations.push({ requirement: REQ, message: 'fs-wins changed the PSG without any graph_update', expected: 'graph_update covering the changed artifact nodes', seen: 'none' });
    violations.push(...(await cleanAfterwards(t, REQ, 'fs-wins')));
    return findings(violations, 'the PSG took the edited, deleted and new file (new version, node removed, node added) with graph_update; no drift left');
  },
});

/** A decision per kind of entry, and what the file must hold afterwards. */
const DECISIONS: { path: string; decision: ManualDecision; file: string | null }[] = [
  { path: 'notes/edit.txt', decision: { keep: 'psg' }, file: BASE_FILES['notes/edit.txt']! },
  { path: 'fresh/new.txt', decision: { keep: 'file' }, file: EDIT_OF_KIND.new['fresh/new.txt']! },
  { path: 'gone.txt', decision: { content: 'restored by hand\n' }, file: 'restored by hand\n' },
];

const manual: Check = defineCheck({
  id: 'drift.reconcile.manual',
  title: 'manual changes nothing until a decision per path, then only that path',
  requirements: ['L3-DRIFT-008'],
  needs: ['drift'],
  async run(ctx) {
    const REQ = 'L3-DRIFT-008';
    const t = await trackedWorkspace(ctx, 'drift.reconcile.manual', BASE_FILES, REQ);
    await editFiles(t.workspace, ALL_EDITS);
    const [files0, psg0, graph0, events0] = [await readFiles(t.workspace), await t.drift.artifacts(), await t.scenario.session.graph(), await t.scenario.session.events()];
    const result = accepted<ReconcileResult>('reconcile(manual)', await t.drift.reconcile('manual'), REQ);
    const violations: Violation[] = [];
    const waiting = result.pending.map((e) => e.path).sort();
    if (!isDeepStrictEqual(waiting, Object.keys(ALL_EDITS).sort())) violations.push({ requirement: REQ, message: 'manual does not list every drifted path as waiting for a decision', expected: Object.keys(ALL_EDITS).sort(), seen: result.pending });
    const [files1, psg1, graph1] = [await readFiles(t.workspace), await t.drift.artifacts(), await t.scenario.session.graph()];
    const newUpdates = graphUpdates((await t.scenario.session.events()).slice(events0.length));
    if (!isDeepStrictEqual(files1, files0) || !isDeepStrictEqual(psg1, psg0) || !isDeepStrictEqual(graph1, graph0) || newUpdates.length > 0 || result.applied.length > 0) {
      violations.push({ requirement: REQ, message: 'reconcile(manual) changed files or the PSG before any decision', expected: 'files, artifact records and PSG export unchanged, nothing applied', seen: { applied: result.applied, graph_updates: newUpdates.length, files: files1 }, events: newUpdates });
      return findings(violations, '');
    }
    let files = files1;
    for (const d of DECISIONS) {
      const answer = accepted<ReconcileResult>(`resolve(${d.path})`, await t.drift.resolve(d.path, d.decision), REQ);
      const now = await readFiles(t.workspace);
      const expected = { ...files };
      if (d.file === null) delete expected[d.path];
      else expected[d.path] = d.file;
      const sorted = Object.fromEntries(Object.entries(expected).sort(([a], [b]) => (a < b ? -1 : 1)));
      if (!isDeepStrictEqual(now, sorted)) violations.push({ requirement: REQ, message: `resolving ${d.path} with ${JSON.stringify(d.decision)} left the workspace in another state (or touched another path)`, expected: sorted, seen: now });
      const record = (await t.drift.artifacts()).find((r) => r.path === d.path);
      if (d.file !== null && record?.sha256 !== sha256(d.file)) violations.push({ requirement: REQ, message: `after resolving ${d.path} the PSG does not hold the decided content`, expected: sha256(d.file), seen: record?.sha256 ?? null });
      if (answer.pending.some((e) => e.path === d.path)) violations.push({ requirement: REQ, message: `${d.path} still waits for a decision after it was resolved`, expected: 'not pending', seen: answer.pending });
      files = now;
    }
    const stray = await t.drift.resolve('keep.txt', { keep: 'psg' });
    if (stray.ok) violations.push({ requirement: REQ, message: 'resolve accepted a decision for keep.txt, which never waited for one', expected: { ok: false }, seen: stray });
    const left = accepted<DriftReport>('the drift scan after every decision', await t.drift.scan(), REQ);
    if (left.entries.length > 0) violations.push({ requirement: REQ, message: 'drift remains after every waiting path was decided', expected: [], seen: left.entries });
    return findings(violations, 'nothing changed until each decision; each decision changed exactly its path; no drift left');
  },
});

export default [psgWins, fsWins, manual];
