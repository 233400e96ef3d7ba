// L3-RB-005 / L3-RB-001: under a snapshot policy a failed plan leaves the workspace files, the
// VSL values its steps wrote (when the VSL is claimed) and the artifact nodes exactly as they
// were before it ran — the overwritten shared.txt back, a.txt, log.txt and the failing
// step's debris gone — the snapshot is listed as restored, and the rollback is announced by
// RollbackInitiated then RollbackCompleted (compensation_plan) before the plan ends failed.

import { isDeepStrictEqual } from 'node:util';
import type { BusEvent } from '../../src/mplp/types.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import { readFiles, rollbackGroup } from '../drift/support.js';
import { artifactPart, failingPlan, runToFailure, vslNow } from './support.js';

const ID = 'rollback.snapshot.restores-state';
const REQ = 'L3-RB-005';

/** An absent key reads back undefined; a VSL without delete may only manage null. */
const sameValue = (before: unknown, now: unknown) => isDeepStrictEqual(before, now) || (before === undefined && now === null);

const isPlanFailed = (planId: string) => (e: BusEvent) =>
  (e as { event_family?: string }).event_family === 'pipeline_stage' && e.payload?.['resource_id'] === planId && e.payload?.['to_status'] === 'failed';
const isRollback = (type: string) => (e: BusEvent) => (e as { event_family?: string }).event_family === 'compensation_plan' && e.event_type === type;

export default defineCheck({
  id: ID,
  title: 'A snapshot restore leaves files, step-written VSL values and artifact nodes as before the run',
  requirements: [REQ, 'L3-RB-001'],
  needs: ['rollback'],
  async run(ctx) {
    const run = await failingPlan(ctx, ID, { snapshot: true, compensate: false }, 'debris');
    const eventsBefore = (await run.scenario.session.events()).length;
    await runToFailure(run, REQ);
    const violations: Violation[] = [];

    const files = await readFiles(run.workspace);
    if (!isDeepStrictEqual(files, run.files)) violations.push({ requirement: REQ, message: 'after the rollback the workspace files differ from before the run', expected: run.files, seen: files });
    const vsl = await vslNow(run);
    if (run.vsl && vsl && !run.vsl.keys.every((k) => sameValue(run.vsl!.before[k], vsl[k]))) {
      violations.push({ requirement: REQ, message: 'after the rollback the VSL values the steps wrote differ from before the run', expected: run.vsl.before, seen: vsl });
    }
    const artifacts = artifactPart(await run.scenario.session.graph());
    if (!isDeepStrictEqual(artifacts, run.artifacts)) violations.push({ requirement: REQ, message: 'after the rollback the artifact nodes (and produces edges) differ from before the run', expected: run.artifacts, seen: artifacts });
    const listed = (await rollbackGroup(run.scenario).snapshots()).filter((s) => s.plan_id === run.plan.planId);
    if (listed.length !== 1 || listed[0]!.status !== 'restored') violations.push({ requirement: REQ, message: 'the snapshot of the failed run is not listed once as restored', expected: [{ plan_id: run.plan.planId, status: 'restored' }], seen: listed });

    const events = (await run.scenario.session.events()).slice(eventsBefore);
    const at = (match: (e: BusEvent) => boolean) => events.findIndex(match);
    const [initiated, completed, failed] = [at(isRollback('RollbackInitiated')), at(isRollback('RollbackCompleted')), at(isPlanFailed(run.plan.planId))];
    if (initiated < 0 || completed < 0 || !(initiated < completed) || (failed >= 0 && completed > failed)) {
      violations.push({ requirement: 'L3-RB-001', message: 'the rollback was not announced by RollbackInitiated then RollbackCompleted (family compensation_plan) before the plan failed', expected: 'RollbackInitiated < RollbackCompleted < plan failed', seen: { RollbackInitiated: initiated, RollbackCompleted: completed, plan_failed: failed }, events: events.filter((e) => isRollback('RollbackInitiated')(e) || isRollback('RollbackCompleted')(e) || isPlanFailed(run.plan.planId)(e)) });
    }
    return findings(violations, 'files, step-written VSL values and artifact nodes are as before the run; snapshot restored; rollback announced before the plan failed');
  },
});
