// L3-SA-001: an SA run executes one step at a time even when the DAG lets four steps run at
// once. All four wait at one barrier: while the first is held no second action may arrive,
// and afterwards the RecordingAEL's logical clock shows every action starting after the
// previous one ended.

import { Scenario } from '../lib/scenario.js';
import { defineCheck, findings, type Violation } from '../lib/verdict.js';

const ID = 'sa.no-overlap.wide-dag';
const REQ = 'L3-SA-001';
const GATE = 'sa-wide';
const WIDTH = 4;

export default defineCheck({
  id: ID,
  title: 'SA runs one step at a time on a DAG with four independent steps',
  requirements: [REQ],
  needs: ['profile:sa'],
  async run(ctx) {
    const s = await Scenario.open(ctx, ID);
    const names = Array.from({ length: WIDTH }, (_, i) => `w${i + 1}`);
    const plan = s.plan('wide', { steps: Object.fromEntries(names.map((n) => [n, {}])), actions: Object.fromEntries(names.map((n) => [n, { barrier: GATE }])) });
    await s.loadApproved(plan);
    const run = s.start(plan, 'sa');
    await s.arrivals(GATE, 1, REQ);
    await s.quiesce();
    const violations: Violation[] = [];
    const heldTogether = s.ael.inFlight();
    if (heldTogether.length > 1) {
      violations.push({ requirement: REQ, message: `${heldTogether.length} step actions were running at once while the first was held`, expected: 1, seen: heldTogether.map((id) => plan.nameOf(id)) });
    }
    s.release(GATE);
    await s.finish(run, REQ);
    const calls = [...s.ael.calls].sort((a, b) => a.start - b.start);
    const overlapping = calls.slice(1).filter((c, i) => calls[i]!.end === undefined || c.start < calls[i]!.end!);
    if (violations.length === 0 && (overlapping.length > 0 || s.ael.maxInFlight > 1)) {
      violations.push({ requirement: REQ, message: `SA actions overlapped (peak ${s.ael.maxInFlight} at once)`, expected: 'each action starts after the previous one ended', seen: calls.map((c) => ({ step: plan.nameOf(c.step_id), start: c.start, end: c.end })) });
    }
    return findings(violations, `${calls.length} SA actions ran strictly one after another (peak 1)`, undefined, calls.length);
  },
});
