// L3-RB-008: rollback answers a failure (SEED-L3 §7; digest §9.6 lists its triggers, and a plan
// completing is not one). The rollback checks' plan, with every step succeeding this time, runs
// under both policies at once: it completes, no compensation runs, and the workspace and the VSL
// values keep what the steps made; a snapshot taken for the run is not listed as restored.

import { isDeepStrictEqual } from 'node:util';
import type { Profile } from '../../src/adapter/contract.js';
import type { CheckContext } from '../../src/kit/check.js';
import { defineCheck, findings, Stop, type Violation } from '../lib/verdict.js';
import { readFiles, rollbackGroup } from '../drift/support.js';
import { BEFORE_FILES, failingPlan, vslNow } from './support.js';

const ID = 'rollback.completed-plan-kept';
const REQ = 'L3-RB-008';

async function underProfile(ctx: CheckContext, profile: Profile | undefined, violations: Violation[]): Promise<void> {
  const where = profile ? `under ${profile.toUpperCase()}:` : 'in a run:';
  const run = await failingPlan(ctx, profile ? `${ID}/${profile}` : ID, { snapshot: true, compensate: true }, 'debris');
  const { scenario, plan } = run;
  // This time c succeeds, leaving its file, and d runs too.
  scenario.ael.script(plan.stepId('c'), { kind: 'effect', write: { 'c.txt': 'from c\n' }, inverse: { remove: ['c.txt'] } });
  const outcome = await scenario.runToEnd(plan, profile);
  if (outcome.plan_status !== 'completed') throw new Stop({ requirement: REQ, message: `setup: ${where} the plan whose steps all succeed ended ${outcome.plan_status}`, expected: 'completed', seen: outcome });

  const compensated = scenario.ael.compensations.map((c) => plan.nameOf(c.step_id));
  if (compensated.length > 0) violations.push({ requirement: REQ, message: `${where} a compensation ran for ${compensated.join(', ')} although the plan completed`, expected: 'no compensation', seen: compensated });

  const wantFiles = { ...BEFORE_FILES, 'a.txt': 'from a\n', 'shared.txt': 'changed by b\n', 'log.txt': 'a\nb\n', 'c.txt': 'from c\n', 'never.txt': 'd never runs\n' };
  const files = await readFiles(run.workspace);
  if (!isDeepStrictEqual(files, wantFiles)) violations.push({ requirement: REQ, message: `${where} the workspace does not keep what the completed plan's steps wrote`, expected: wantFiles, seen: files });

  const vsl = await vslNow(run);
  if (vsl && run.vsl) {
    const [k1, k2] = run.vsl.keys as [string, string];
    const want = { [k1]: 'from b', [k2]: 'from b' };
    if (!isDeepStrictEqual(vsl, want)) violations.push({ requirement: REQ, message: `${where} the VSL does not keep the values the completed plan's steps wrote`, expected: want, seen: vsl });
  }

  // The contract lists a snapshot as taken, restored or released: a completed plan's is not restored.
  const listed = (await rollbackGroup(scenario).snapshots()).filter((s) => s.plan_id === plan.planId && s.status !== 'taken' && s.status !== 'released');
  if (listed.length > 0) violations.push({ requirement: REQ, message: `${where} snapshot ${listed[0]!.snapshot_id} of the completed plan is listed as ${JSON.stringify(listed[0]!.status)}`, expected: 'taken or released', seen: listed });
}

export default defineCheck({
  id: ID,
  title: 'A plan that completes under a rollback policy is not rolled back: no compensation runs and its effects stay',
  requirements: [REQ],
  needs: ['rollback'],
  async run(ctx) {
  const violations: Violation[] = [];
  const claimed = ctx.adapter.capabilities.profiles as Profile[];
    for (const profile of claimed.length > 0 ? claimed : [undefined]) await underProfile(ctx, profile, violations);
    return findings(violations, 'under each profile the completed plan kept its files and VSL values, and no compensation ran');
  },
});
