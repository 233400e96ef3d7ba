// The invariant mini-language with the kit's semantics (digest §6 [KIT]) and the golden
// deep compare with the extended ignore list (digest §10.3 [KIT]).

import { describe, expect, it } from 'vitest';
import { deepCompare } from '../src/kit/flows/deep-compare.js';
import { compileInvariant, evaluateInvariant, isDateTime, parseRule, type Invariant } from '../src/kit/flows/invariants.js';

const V4 = '550e8400-e29b-41d4-a716-446655440000';

function run(inv: Invariant, scopes: Record<string, unknown>, events: unknown[] = []) {
  const c = compileInvariant(inv);
  if (!c.ok) throw new Error(c.message);
  return evaluateInvariant(c.compiled, scopes, events);
}

function verdicts(inv: Invariant, scopes: Record<string, unknown>, events: unknown[] = []): boolean[] {
  return run(inv, scopes, events).map((r) => r.ok);
}

describe('rules', () => {
  it('uuid-v4 is the exact lowercase v4 regex', () => {
    const inv = { id: 'i', scope: 'plan', path: 'plan_id', rule: 'uuid-v4' };
    expect(verdicts(inv, { plan: { plan_id: V4 } })).toEqual([true]);
    expect(verdicts(inv, { plan: { plan_id: V4.toUpperCase() } })).toEqual([false]);
    expect(verdicts(inv, { plan: { plan_id: '123e4567-e89b-12d3-a456-426614174000' } })).toEqual([false]);
    expect(verdicts(inv, { plan: { plan_id: `{${V4}}` } })).toEqual([false]);
  });

  it('iso-datetime is JSON Schema date-time: an offset is required and dates must exist', () => {
    for (const ok of ['2025-11-30T12:00:00.000Z', '2026-01-01T00:00:00Z', '2025-01-01T10:00:00+02:00']) expect(isDateTime(ok), ok).toBe(true);
    for (const bad of ['2025-11-30T12:00:00', '2025-02-30T00:00:00Z', 'Mon, 01 Jan 2025', '2025-13-01T00:00:00Z', 1735689600000]) expect(isDateTime(bad), String(bad)).toBe(false);
  });

  it('non-empty-string, optional-string, exists, positive-integer', () => {
    const scope = { plan: { a: '  ', b: 'x', n: 0, m: 3, z: null } };
    expect(verdicts({ id: 'i', scope: 'plan', path: 'a', rule: 'non-empty-string' }, scope)).toEqual([false]);
    expect(verdicts({ id: 'i', scope: 'plan', path: 'b', rule: 'non-empty-string' }, scope)).toEqual([true]);
    expect(verdicts({ id: 'i', scope: 'plan', path: 'n', rule: 'optional-string' }, scope)).toEqual([false]);
    expect(verdicts({ id: 'i', scope: 'plan', path: 'absent', rule: 'optional-string' }, scope)).toEqual([true]);
    expect(verdicts({ id: 'i', scope: 'plan', path: 'z', rule: 'exists' }, scope)).toEqual([false]);
    expect(verdicts({ id: 'i', scope: 'plan', path: 'n', rule: 'positive-integer' }, scope)).toEqual([false]);
    expect(verdicts({ id: 'i', scope: 'plan', path: 'm', rule: 'positive-integer' }, scope)).toEqual([true]);
  });

  it('enum trims items and strips quotes; eq compares with another scope or a literal; min-length counts', () => {
    const scopes = { context: { context_id: V4, status: 'active', meta: { protocol_version: '1.0.0' } }, plan: { context_id: V4, steps: [{}, {}] } };
    expect(verdicts({ id: 'i', scope: 'context', path: 'status', rule: 'enum( draft, "active" )' }, scopes)).toEqual([true]);
    expect(verdicts({ id: 'i', scope: 'context', path: 'status', rule: 'enum(draft,closed)' }, scopes)).toEqual([false]);
    expect(verdicts({ id: 'i', scope: 'plan', path: 'context_id', rule: 'eq(context.context_id)' }, scopes)).toEqual([true]);
    expect(verdicts({ id: 'i', scope: 'plan', path: 'context_id', rule: 'eq(context.status)' }, scopes)).toEqual([false]);
    expect(verdicts({ id: 'i', scope: 'context', path: 'meta.protocol_version', rule: 'eq("1.0.0")' }, scopes)).toEqual([true]);
    expect(verdicts({ id: 'i', scope: 'plan', path: 'steps', rule: 'min-length(2)' }, scopes)).toEqual([true]);
    expect(verdicts({ id: 'i', scope: 'plan', path: 'steps', rule: 'min-length(3)' }, scopes)).toEqual([false]);
    expect(verdicts({ id: 'i', scope: 'plan', path: 'context_id', rule: 'min-length(99)' }, scopes)).toEqual([false]);
  });

  it('an unknown rule is a configuration error, never a silent pass', () => {
    for (const rule of ['one-of([approved, rejected])', 'if(status == rejected, exists)', 'uuid', 'exists(events[?event_type=="tool.call"])']) {
      expect(parseRule(rule).ok, rule).toBe(false);
      const c = compileInvariant({ id: 'x', scope: 'plan', path: 'plan_id', rule });
      expect(c.ok).toBe(false);
      if (!c.ok) expect(c.message).toMatch(/unknown invariant rule/);
    }
  });

  it('a descriptive invariant without path/rule cannot be compiled', () => {
    const c = compileInvariant({ id: 'map_turn_completion_matches_dispatch', scope: 'trace', description: 'every dispatch completes' });
    expect(c.ok).toBe(false);
  });
});

describe('paths', () => {
  const plan = { steps: [{ step_id: V4, agent_role: 'a' }, { step_id: 'nope' }] };

  it('[*] checks each element and reports the concrete index', () => {
    const results = run({ id: 'ids', scope: 'plan', path: 'steps[*].step_id', rule: 'uuid-v4' }, { plan });
    expect(results.map((r) => [r.path, r.ok])).toEqual([['plan.steps[0].step_id', true], ['plan.steps[1].step_id', false]]);
  });

  it('a missing path fails unless the invariant is conditional', () => {
    const plain = run({ id: 'roles', scope: 'plan', path: 'steps[*].agent_role', rule: 'non-empty-string' }, { plan });
    expect(plain.map((r) => r.ok)).toEqual([true, false]);
    expect(plain[1]!.message).toMatch(/resolves to nothing/);
    const noted = { id: 'roles', scope: 'plan', path: 'steps[*].agent_role', rule: 'non-empty-string', note: 'Apply only when agent_role exists' };
    expect(verdicts(noted, { plan })).toEqual([true, true]);
    const described = { id: 'roles', scope: 'plan', path: 'steps[*].agent_role', rule: 'non-empty-string', description: 'agent_role, if present, is non-empty' };
    expect(verdicts(described, { plan })).toEqual([true, true]);
    expect(verdicts({ id: 'deep', scope: 'plan', path: 'missing.deeper[0]', rule: 'exists' }, { plan })).toEqual([false]);
  });

  it('[*] over an empty array passes vacuously; over a non-array it fails', () => {
    expect(run({ id: 'e', scope: 'plan', path: 'steps[*].step_id', rule: 'uuid-v4' }, { plan: { steps: [] } })).toEqual([]);
    expect(verdicts({ id: 'e', scope: 'plan', path: 'steps[*].step_id', rule: 'uuid-v4' }, { plan: { steps: 'x' } })).toEqual([false]);
  });

  it('an invariant whose scope object is absent fails', () => {
    const results = run({ id: 'c', scope: 'collab', path: 'collab_id', rule: 'uuid-v4' }, { plan });
    expect(results).toEqual([{ id: 'c', path: 'collab.collab_id', ok: false, message: 'no collab object in this flow' }]);
  });

  it('event invariants apply to event-core events only, and family notes restrict them', () => {
    const events = [
      { event_id: V4, event_family: 'pipeline_stage', pipeline_id: 'not-a-uuid' },
      { event_id: V4, event_family: 'graph_update' },
      { event_id: 'x', event_type: 'SAInitialized', sa_id: V4 },
    ];
    const all = run({ id: 'obs_event_id_is_uuid', scope: 'event', path: 'event_id', rule: 'uuid-v4' }, {}, events);
    expect(all.map((r) => r.path)).toEqual(['events[0].event_id', 'events[1].event_id']);
    const family = run({ id: 'p', scope: 'event', path: 'pipeline_id', rule: 'uuid-v4', note: 'Apply when event_family == pipeline_stage' }, {}, events);
    expect(family.map((r) => [r.path, r.ok])).toEqual([['events[0].pipeline_id', false]]);
  });

  it('a malformed path is a configuration error', () => {
    expect(compileInvariant({ id: 'p', scope: 'plan', path: 'steps..x', rule: 'exists' }).ok).toBe(false);
    expect(compileInvariant({ id: 'p', scope: 'plan', path: 'steps[x]', rule: 'exists' }).ok).toBe(false);
  });
});

describe('deep compare', () => {
  it('compares keys present in expected, allows extra keys, and reports missing ones', () => {
    expect(deepCompare({ a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'x', extra: true }, more: 2 })).toEqual([]);
    expect(deepCompare({ a: 1, b: { c: 'x' } }, { a: 2, b: {} })).toEqual([
      { path: 'a', message: '2, expected 1' },
      { path: 'b.c', message: 'Missing key' },
    ]);
  });

  it('compares arrays by index and length, and types strictly', () => {
    expect(deepCompare({ steps: [{ s: 1 }, { s: 2 }] }, { steps: [{ s: 1 }] })).toEqual([{ path: 'steps', message: 'array length 1, expected 2' }]);
    expect(deepCompare({ n: 1 }, { n: '1' })).toEqual([{ path: 'n', message: 'type string, expected number' }]);
    expect(deepCompare({ l: [1] }, { l: { 0: 1 } })).toEqual([{ path: 'l', message: 'type object, expected array' }]);
  });

  it('ignores generated ids and timestamps at any depth but checks they are well-formed', () => {
    const expected = { plan_id: V4, meta: { created_at: '2025-01-01T00:00:00.000Z' }, steps: [{ step_id: V4, status: 'completed' }] };
    const other = '7d8a5c52-3b1e-4f0a-9c2d-5e6f7a8b9c0d';
    expect(deepCompare(expected, { plan_id: other, meta: { created_at: '2026-05-05T10:00:00Z' }, steps: [{ step_id: other, status: 'completed' }] })).toEqual([]);
    expect(deepCompare(expected, { plan_id: 'P-1', meta: { created_at: 'yesterday' }, steps: [{ step_id: other, status: 'completed' }] })).toEqual([
      { path: 'plan_id', message: 'ignored value "P-1" is not a well-formed uuid' },
      { path: 'meta.created_at', message: 'ignored value "yesterday" is not a well-formed date-time' },
    ]);
    // An ignored key may be absent.
    expect(deepCompare({ trace_id: V4 }, {})).toEqual([]);
  });

  it('extends upstream with event, decision and segment ids, decided_at and top-level created_at only', () => {
    const other = '7d8a5c52-3b1e-4f0a-9c2d-5e6f7a8b9c0d';
    expect(deepCompare({ decisions: [{ decision_id: V4, decided_at: '2025-01-01T00:00:00Z', status: 'approved' }] }, { decisions: [{ decision_id: other, decided_at: '2025-06-01T00:00:00Z', status: 'approved' }] })).toEqual([]);
    expect(deepCompare({ created_at: '2025-01-01T00:00:00Z' }, { created_at: '2025-02-01T00:00:00Z' })).toEqual([]);
    expect(deepCompare({ nested: { created_at: '2025-01-01T00:00:00Z' } }, { nested: { created_at: '2025-02-01T00:00:00Z' } })).toEqual([
      { path: 'nested.created_at', message: '"2025-02-01T00:00:00Z", expected "2025-01-01T00:00:00Z"' },
    ]);
  });
});
