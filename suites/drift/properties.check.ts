// L3-DRIFT-003 / 006 / 007 as properties (fast-check, seeded with the run's seed, few runs,
// no shrinking so a failing runtime costs little): random workspaces produced by a step,
// random edit scripts (modify, delete, create), then
//   - a scan reports exactly the edits, with both hashes;
//   - after psg-wins or fs-wins a second scan is clean, and files (psg-wins) or the PSG
//     (fs-wins) hold what that strategy promises.

import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import type { DriftReport, ReconcileResult } from '../../src/adapter/contract.js';
import type { CheckContext } from '../../src/kit/check.js';
import { propertyCases } from '../../src/generate/index.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import { accepted, comparable, edited, editFiles, expectedEntries, hashesOf, readFiles, trackedHashes, trackedWorkspace, type Edits, type Files } from './support.js';

/** Default cases: each builds and scans real workspaces, so fewer than the plan properties. */
const RUNS = 6;

const text = fc.array(fc.stringMatching(/^[a-z ]{0,12}$/), { minLength: 1, maxLength: 4 }).map((lines) => `${lines.join('\n')}\n`);
const fileName = fc.constantFrom('a.txt', 'b.md', 'c/d.txt', 'c/e.txt', 'f/g/h.txt');

/** A workspace of 1–4 files and an edit script over it: each file kept, modified or deleted, plus 0–2 new files. */
const scenarioArb = fc
  .uniqueArray(fileName, { minLength: 1, maxLength: 4 })
  .chain((names) =>
    fc.record({
      files: fc.tuple(...names.map((n) => text.map((t) => [n, t] as const))).map((pairs) => Object.fromEntries(pairs) as Files),
      edits: fc.tuple(
        fc.tuple(...names.map((n) => fc.oneof(fc.constant<'keep'>('keep'), fc.constant<'delete'>('delete'), text).map((e) => [n, e] as const))),
        fc.uniqueArray(fc.constantFrom('new/x.txt', 'new/y.txt', 'z.txt'), { maxLength: 2 }).chain((fresh) => fc.tuple(...fresh.map((n) => text.map((t) => [n, t] as const)))),
      ),
    }),
  )
  .map(({ files, edits: [changes, created] }) => {
    const edits: Edits = {};
    for (const [name, e] of changes) if (e !== 'keep') edits[name] = e === 'delete' ? null : e;
    for (const [name, t] of created) edits[name] = t;
    return { files, edits };
  });

/** Runs the property; the first counterexample becomes the violation. */
async function holds(ctx: CheckContext, requirement: string, what: string, arb: fc.Arbitrary<unknown>, body: (value: never, run: number) => Promise<Violation | undefined>): Promise<Violation[]> {
  let found: Violation | undefined;
  let run = 0;
  const result = await fc.check(
    fc.asyncProperty(arb, async (value) => {
      found = await body(value as never, run++);
      return found === undefined;
    }),
    { numRuns: propertyCases(ctx, RUNS), seed: ctx.seed, endOnFailure: true },
  );
  if (!result.failed) return [];
  // A throw inside the property (a refused setup, an adapter fault) ends the check as it is.
  if (!found && result.errorInstance) throw result.errorInstance;
  return [found ?? { requirement, message: `${what} failed`, seen: result.counterexample }];
}

const scanEqualsEdits = defineCheck({
  id: 'drift.property.scan-equals-edits',
  title: 'On random workspaces and edit scripts, a scan reports exactly the edits',
  requirements: ['L3-DRIFT-003'],
  needs: ['drift'],
  generated: true,
  async run(ctx) {
    const REQ = 'L3-DRIFT-003';
    const violations = await holds(ctx, REQ, 'scan = edits', scenarioArb, async ({ files, edits }: { files: Files; edits: Edits }, run) => {
      const t = await trackedWorkspace(ctx, `drift.property.scan-equals-edits/${run}`, files, REQ);
      await editFiles(t.workspace, edits);
      const report = accepted<DriftReport>('the drift scan', await t.drift.scan(), REQ);
      const expected = expectedEntries(files, edits, 'scan');
      const seen = comparable(report.entries);
      return isDeepStrictEqual(seen, expected) ? undefined : { requirement: REQ, message: 'the scan report differs from the edits made to the workspace', expected, seen: { files, edits, entries: report.entries } };
    });
    return findings(violations, `${propertyCases(ctx, RUNS)} random workspaces and edit scripts: every scan reported exactly the edits`);
  },
});

const STRATEGIES = ['psg-wins', 'fs-wins'] as const;

const reconcileConverges = defineCheck({
  id: 'drift.property.reconcile-converges',
  title: 'On random edits, psg-wins and fs-wins leave no drift and the promised content',
  requirements: ['L3-DRIFT-006', 'L3-DRIFT-007'],
  needs: ['drift'],
  generated: true,
  async run(ctx) {
    const arb = fc.record({ s: scenarioArb, strategy: fc.constantFrom(...STRATEGIES) });
    const violations = await holds(ctx, 'L3-DRIFT-006', 'reconcile converges', arb, async ({ s: { files, edits }, strategy }: { s: { files: Files; edits: Edits }; strategy: (typeof STRATEGIES)[number] }, run) => {
      const REQ = strategy === 'psg-wins' ? 'L3-DRIFT-006' : 'L3-DRIFT-007';
      const t = await trackedWorkspace(ctx, `drift.property.reconcile-converges/${run}`, files, REQ);
      await editFiles(t.workspace, edits);
      accepted<ReconcileResult>(`reconcile(${strategy})`, await t.drift.reconcile(strategy), REQ);
      const left = accepted<DriftReport>(`the drift scan after ${strategy}`, await t.drift.scan(), REQ).entries;
      const onDisk = await readFiles(t.workspace);
      const psg = trackedHashes(await t.drift.artifacts());
      const promised = strategy === 'psg-wins' ? { files: files, psg: hashesOf(files) } : { files: edited(files, edits), psg: hashesOf(edited(files, edits)) };
      if (left.length === 0 && isDeepStrictEqual(onDisk, promised.files) && isDeepStrictEqual(psg, promised.psg)) return undefined;
      return { requirement: REQ, message: `after ${strategy} the workspace and the PSG do not agree on the promised content (or a scan still finds drift)`, expected: { drift: [], ...promised }, seen: { drift: left, files: onDisk, psg, setup: { files, edits } } };
    });
    return findings(violations, `${propertyCases(ctx, RUNS)} random workspaces and edit scripts: psg-wins and fs-wins always converged`);
  },
});

export default [scanEqualsEdits, reconcileConverges];
