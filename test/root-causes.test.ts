// Issue 17: one bug, one root cause. A runtime with exactly one planted bug shows that bug as
// the first root cause of the run (a failing check charged with the requirement the bug
// breaks), and every check it held up is blocked and folded under a root cause — none fails a
// requirement it never exercised, none is left unexplained.

import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_OPTIONS, discoverChecks, loadCatalogue } from '../src/kit/index.js';
import { runConformance } from '../src/kit/conformance.js';
import { causeTree } from '../src/kit/report/tally.js';
import { faultNamed, mutantAdapter } from './mutants/faults.js';

const { checks } = await discoverChecks();
const catalogue = await loadCatalogue();

/** Single-bug runtimes whose bug holds up checks of other requirements. */
const SINGLE_BUGS = ['allows-draft-to-in-progress', 'submission-opens-no-confirm', 'refuses-manual-start', 'rejection-keeps-plan-proposed', 'omits-plan-completed-event', 'decides-on-approved-confirm'];

describe('root causes first', () => {
  it.each(SINGLE_BUGS)('%s: the bug is the first root cause and its knock-on checks are blocked under it', async (name) => {
    const adapter = mutantAdapter(name);
    const { report } = await runConformance({ target: { adapter, description: await adapter.describe() }, checks, catalogue, options: { ...DEFAULT_RUN_OPTIONS, seed: 20261124 } });
    await adapter.dispose?.();
    const tree = causeTree(report);
    const [bugRequirement] = faultNamed(name).requirements;
    expect(tree.causes.length, 'at least one root cause').toBeGreaterThan(0);
    expect(tree.causes[0]!.requirements, `first root cause ${tree.causes[0]!.check.id}`).toContain(bugRequirement);
    expect(tree.unexplained.map((c) => `${c.id} (blocked by ${c.blocked_by?.requirement})`), 'blocked checks no root cause explains').toEqual([]);
    for (const c of report.checks.filter((x) => x.outcome === 'blocked')) expect(c.blocked_by?.requirement ?? c.message, c.id).toBeDefined();
  }, 120_000);
});
