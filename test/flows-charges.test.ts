// Issue 15, class 7: a broken expectation is charged to the requirements it is about. Every
// shipped flow is held to the charge table (src/kit/flows/charges.ts): each requirement it
// lists can be charged by something it grades, and each expectation it grades is about a
// requirement it lists — so no failure falls back to charging the whole list.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canCharge, chargedRequirements, gradedLocations } from '../src/kit/flows/charges.js';
import { chargeFailures } from '../src/kit/flows/check.js';
import { loadFlow } from '../src/kit/flows/load.js';

const GOLDEN = fileURLToPath(new URL('../golden-flows/', import.meta.url));
const files = (await readdir(GOLDEN)).filter((f) => f.endsWith('.yaml')).map((f) => join(GOLDEN, f));
const flows = await Promise.all(files.map((f) => loadFlow(f)));

describe('flow failure charges', () => {
  it.each(flows.map((f) => [f.spec.id, f] as const))('%s: every listed requirement is chargeable and every expectation charges a listed one', (_id, flow) => {
    const where = gradedLocations(flow.spec);
    const uncharged = flow.spec.requirements.filter((id) => !where.some((w) => canCharge(w, flow.spec, id)));
    expect(uncharged, 'requirements no expectation or operation of the flow can be charged with').toEqual([]);
    const expectations = where.filter((w) => w.startsWith('expect.') || w.includes('.check.'));
    // Only final statuses may be prerequisites (e.g. the plan of a trace flow must end): their
    // failure blocks the flow's requirements; every other expectation is about one it lists.
    const astray = expectations.filter((w) => !chargedRequirements(w, flow.spec).matched && !w.includes('.final.'));
    expect(astray, 'expectations about no requirement the flow lists').toEqual([]);
  });

  it('charges a wrong pipeline_stage count to the event requirements only', () => {
    const flow = flows.find((f) => f.spec.id === 'sa-basic')!;
    const charged = chargeFailures(flow.spec, [{ where: 'expect.events.pipeline_stage', message: 'saw 11, expected 10' }]);
    expect(Object.entries(charged).filter(([, o]) => o === 'fail').map(([id]) => id).sort()).toEqual(['L3-EVT-001', 'L3-EVT-002', 'L3-EVT-003', 'L3-ORCH-006']);
    expect(charged['L3-SA-001']).toBe('pass');
    expect(charged['L3-AEL-001']).toBe('pass');
  });

  it('leaves requirements behind a failed operation blocked, not failed', () => {
    const flow = flows.find((f) => f.spec.id === 'approval-gate-reject')!;
    const charged = chargeFailures(flow.spec, [{ where: 'operations[2].confirm', message: 'the runtime rejected the operation' }]);
    expect(charged['L3-APPR-004']).toBe('fail');
    expect(charged['L3-EVT-001']).toBe('blocked');
  });

  it('blocks, not fails, the requirements of a flow whose prerequisite broke', () => {
    const flow = flows.find((f) => f.spec.id === 'trace-append-only')!;
    const charged = chargeFailures(flow.spec, [{ where: 'expect.final.plan', message: 'plan is failed, expected completed' }]);
    expect(Object.values(charged)).toEqual(flow.spec.requirements.map(() => 'blocked'));
  });
});
