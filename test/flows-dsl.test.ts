// The flow DSL expands into schema-valid MPLP objects with deterministic lowercase v4 ids.

import { describe, expect, it } from 'vitest';
import { isUuidV4, nameToUuidV4 } from '../src/mplp/ids.js';
import { validate } from '../src/mplp/validate.js';
import { expandFlow, FLOW_EPOCH } from '../src/kit/flows/expand.js';
import { parseYamlSource } from '../src/kit/flows/source.js';
import { checkFlowShape } from '../src/kit/flows/schema.js';
import type { FlowSpec } from '../src/kit/flows/spec.js';

const FLOW = `
id: dsl-sample
title: DSL sample
requirements: [L3-ORCH-001]
context: { status: suspended, title: Sample context }
plan:
  steps:
    r1: { agent_role: researcher }
    r2: {}
    twin: { id_of: r2 }
    agg: { after: [r1, r2], after_unknown: [ghost], order_index: 3, description: Aggregate }
collab:
  mode: broadcast
  participants:
    lead: { kind: human, display_name: Lead }
    helper: {}
confirm:
  status: rejected
  decisions: [{ status: rejected, by: dba, reason: not yet }]
actions:
  r1: { barrier: research }
  r2: { fail: boom }
  agg: { result: { answer: 42 } }
operations:
  - load: {}
`;

function spec(text = FLOW): FlowSpec {
  const read = parseYamlSource('inline.yaml', text);
  if (!read.ok) throw new Error(read.problem.message);
  expect(checkFlowShape(read.source.value)).toEqual([]);
  return read.source.value as FlowSpec;
}

describe('flow DSL expansion', () => {
  it('derives every id from the flow id and the name, as lowercase v4', () => {
    const x = expandFlow(spec());
    expect(x.plan!.plan_id).toBe(nameToUuidV4('dsl-sample', 'plan'));
    expect(x.context.context_id).toBe(nameToUuidV4('dsl-sample', 'context'));
    expect(x.names.stepId('r1')).toBe(nameToUuidV4('dsl-sample', 'step:r1'));
    expect(x.collab!.collab_id).toBe(nameToUuidV4('dsl-sample', 'collab'));
    const ids = [x.plan!.plan_id, x.context.context_id, ...x.plan!.steps.map((s) => s.step_id), x.collab!.collab_id, x.confirm!.confirm_id];
    for (const id of ids) expect(isUuidV4(id), id).toBe(true);
  });

  it('is deterministic: the same flow expands to identical objects', () => {
    expect(JSON.stringify(expandFlow(spec()))).toBe(JSON.stringify(expandFlow(spec())));
  });

  it('expands into objects valid against the MPLP schemas', () => {
    const x = expandFlow(spec());
    for (const [kind, obj] of [['context', x.context], ['plan', x.plan], ['collab', x.collab], ['confirm', x.confirm]] as const) {
      expect(validate(kind, obj), kind).toEqual({ ok: true });
    }
  });

  it('maps names, dependencies, id_of and after_unknown onto step fields', () => {
    const x = expandFlow(spec());
    const steps = x.plan!.steps;
    expect(steps.map((s) => s.description)).toEqual(['Step r1', 'Step r2', 'Step twin', 'Aggregate']);
    expect(steps[2]!.step_id).toBe(steps[1]!.step_id);
    expect(steps[3]!.dependencies).toEqual([x.names.stepId('r1'), x.names.stepId('r2'), nameToUuidV4('dsl-sample', 'step:ghost')]);
    expect(x.names.stepIds.has(nameToUuidV4('dsl-sample', 'step:ghost'))).toBe(false);
    expect(steps[3]!.order_index).toBe(3);
    expect(steps[0]!.agent_role).toBe('researcher');
    expect(steps.every((s) => s.status === 'pending')).toBe(true);
    expect(x.plan!.status).toBe('draft');
    expect(x.context.status).toBe('suspended');
  });

  it('uses fixed timestamps and targets the Confirm at the plan', () => {
    const x = expandFlow(spec());
    expect(x.plan!.meta.created_at).toBe(FLOW_EPOCH);
    expect(x.confirm).toMatchObject({ target_type: 'plan', target_id: x.plan!.plan_id, requested_at: FLOW_EPOCH, status: 'rejected' });
    expect(x.confirm!.decisions![0]).toMatchObject({ status: 'rejected', decided_by_role: 'dba', decided_at: FLOW_EPOCH });
    expect(x.collab!.participants).toEqual([
      { participant_id: 'lead', role_id: nameToUuidV4('dsl-sample', 'role:lead'), kind: 'human', display_name: 'Lead' },
      { participant_id: 'helper', role_id: nameToUuidV4('dsl-sample', 'role:helper'), kind: 'agent' },
    ]);
  });

  it('turns actions into RecordingAEL scripts keyed by step id', () => {
    const x = expandFlow(spec());
    expect(x.scripts).toEqual([
      { stepId: x.names.stepId('r1'), outcome: { kind: 'barrier', barrier: 'research' } },
      { stepId: x.names.stepId('r2'), outcome: { kind: 'fail', message: 'boom' } },
      { stepId: x.names.stepId('agg'), outcome: { kind: 'succeed', result: { answer: 42 } } },
    ]);
    expect(x.barriers).toEqual(['research']);
  });

  it('points a plan with context: missing at a Context id no object carries', () => {
    const x = expandFlow(spec(FLOW.replace('plan:\n', 'plan:\n  context: missing\n')));
    expect(x.plan!.context_id).toBe(nameToUuidV4('dsl-sample', 'context:missing'));
    expect(x.plan!.context_id).not.toBe(x.context.context_id);
  });
});
