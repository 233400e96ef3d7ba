// L3-RB-006 / L3-RB-002: under a compensation policy a failed plan runs, through the AEL, the
// declared inverse of each completed step (a, b) exactly once, in the reverse order of their
// completion (b then a), and nothing for the failed step c or the never-run d. The files
// confirm it: b's inverse restores shared.txt and log.txt, a's then removes a.txt and
// log.txt (in forward order log.txt would survive); c's debris has no inverse and stays.

import { isDeepStrictEqual } from 'node:util';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';
import { readFiles } from '../drift/support.js';
import { BEFORE_FILES, failingPlan, runToFailure } from './support.js';

const ID = 'rollback.compensation.reverse-once';
const REQ = 'L3-RB-006';

export default defineCheck({
  id: ID,
  title: 'Compensations run once each, newest first, only for completed steps',
  requirements: [REQ, 'L3-RB-002'],
  needs: ['rollback'],
  async run(ctx) {
    const run = await failingPlan(ctx, ID, { snapshot: false, compensate: true }, 'debris');
    await runToFailure(run, REQ);
    const { ael } = run.scenario;
    const planCalls = ael.calls.filter((c) => c.plan_id === run.plan.planId);
    const completedNewestFirst = planCalls.filter((c) => c.outcome === 'completed').sort((x, y) => y.end! - x.end!).map((c) => c.step_id);
    const compensated = ael.compensations.map((c) => c.step_id);
    const name = (id: string) => run.plan.nameOf(id);
    const violations: Violation[] = [];

    const counts = new Map<string, number>();
    for (const s of compensated) counts.set(s, (counts.get(s) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1).map(([s]) => name(s));
    const notCompleted = compensated.filter((s) => !completedNewestFirst.includes(s)).map(name);
    const missing = completedNewestFirst.filter((s) => !counts.has(s)).map(name);
    if (twice.length + notCompleted.length + missing.length > 0 || ael.anomalies.length > 0) {
      violations.push({
        requirement: REQ,
        message: 'the compensations run are not exactly one per completed step',
        expected: { compensated: completedNewestFirst.map(name) },
        seen: { compensated: compensated.map(name), twice, for_steps_that_did_not_complete: notCompleted, missing, ael_anomalies: ael.anomalies },
      });
    } else if (!isDeepStrictEqual(compensated, completedNewestFirst)) {
      violations.push({ requirement: 'L3-RB-002', message: 'compensations did not run in the reverse order of step completion', expected: completedNewestFirst.map(name), seen: compensated.map(name) });
    }
    const expectedFiles = { ...BEFORE_FILES, 'debris.txt': 'left by the failing step\n' };
    const files = await readFiles(run.workspace);
    if (violations.length === 0 && !isDeepStrictEqual(files, expectedFiles)) {
      violations.push({ requirement: REQ, message: 'after the compensations the workspace does not show their effects (b undone, then a)', expected: expectedFiles, seen: files });
    }
    return findings(violations, `compensated ${compensated.map(name).join(', ')}: once each, newest first, none for the failed or never-run step`);
  },
});
