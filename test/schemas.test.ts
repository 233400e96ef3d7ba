// Our MPLP schemas and validate(): every schema compiles strictly, the valid fixtures pass,
// and each negative fixture fails for exactly the one defect it was written to carry.

import { readFileSync, readdirSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  compileAllSchemas,
  formatErrors,
  MPLP_SCHEMA_FILES,
  SCHEMA_DIR,
  SCHEMA_ID_BASE,
  SCHEMA_KINDS,
  validate,
  validateWithSchemaFile,
  type SchemaError,
  type SchemaKind,
  type ValidationResult,
} from '../src/mplp/validate.js';

const FIXTURES = new URL('./fixtures/mplp/', import.meta.url);

function readJson(url: URL): unknown {
  return JSON.parse(readFileSync(url, 'utf8'));
}

function fixture(group: 'valid' | 'invalid', name: string): Record<string, unknown> {
  return readJson(new URL(`${group}/${name}.json`, FIXTURES)) as Record<string, unknown>;
}

function fixtureNames(group: 'valid' | 'invalid'): string[] {
  return readdirSync(new URL(`${group}/`, FIXTURES))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

function errorsOf(result: ValidationResult): SchemaError[] {
  if (result.ok) throw new Error('expected the value to be rejected, but it validated');
  return result.errors;
}

const ID = '3f2b8c1e-7d4a-4e9b-a0c6-5b1d2e3f4a5b';

describe('schema files', () => {
  it('every MPLP schema compiles in validate() (Ajv draft-07, strict mode)', () => {
    expect(() => compileAllSchemas()).not.toThrow();
    for (const kind of SCHEMA_KINDS) expect(validate(kind, {}).ok, kind).toBe(false);
  });

  it('every MPLP schema file is strict-clean on its own (fresh Ajv, independent of validate() options)', () => {
    const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
    const addFormats = (addFormatsPlugin as unknown as { default?: (a: Ajv) => Ajv }).default ?? (addFormatsPlugin as unknown as (a: Ajv) => Ajv);
    addFormats(ajv);
    const schemas = MPLP_SCHEMA_FILES.map((f) => readJson(new URL(f, SCHEMA_DIR)) as { $id: string });
    for (const s of schemas) ajv.addSchema(s);
    for (const s of schemas) expect(() => ajv.getSchema(s.$id), s.$id).not.toThrow();
  });

  it('every MPLP schema is draft-07, has our $id (base + file name) and only relative $refs', () => {
    for (const file of MPLP_SCHEMA_FILES) {
      const schema = readJson(new URL(file, SCHEMA_DIR)) as Record<string, unknown>;
      expect(schema['$schema'], file).toBe('http://json-schema.org/draft-07/schema#');
      expect(schema['$id'], file).toBe(SCHEMA_ID_BASE + file);
      for (const ref of refsIn(schema)) {
        expect(ref, `${file} $ref`).not.toMatch(/^[a-z]+:/);
        const target = ref.split('#')[0]!;
        if (target !== '') expect(MPLP_SCHEMA_FILES as readonly string[], `${file} -> ${ref}`).toContain(target);
      }
    }
  });
});

function refsIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refsIn);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refsIn(v)));
}

/** Valid fixture → the kind it is an instance of. */
const VALID: Record<string, SchemaKind> = {
  context: 'context',
  plan: 'plan',
  trace: 'trace',
  confirm: 'confirm',
  role: 'role',
  collab: 'collab',
  'base-event': 'base-event',
  'event-core': 'event-core',
  'pipeline-stage-event': 'pipeline_stage',
  'graph-update-event': 'graph_update',
  'runtime-execution-event': 'runtime_execution',
  'sa-event': 'sa-event',
  'map-event': 'map-event',
  'file-update-event': 'file-update-event',
};

/** Bus events: the 'event' dispatcher must pick the right schema for them. */
const BUS_EVENTS = ['event-core', 'pipeline-stage-event', 'graph-update-event', 'runtime-execution-event', 'sa-event', 'map-event'];

describe('valid fixtures', () => {
  it('the table covers every file in fixtures/mplp/valid', () => {
    expect(fixtureNames('valid')).toEqual(Object.keys(VALID).sort());
  });

  for (const [name, kind] of Object.entries(VALID)) {
    it(`${name}.json is a valid ${kind}`, () => {
      expect(validate(kind, fixture('valid', name))).toEqual({ ok: true });
    });
  }

  for (const name of BUS_EVENTS) {
    it(`${name}.json is a valid event through the 'event' dispatcher`, () => {
      expect(validate('event', fixture('valid', name))).toEqual({ ok: true });
    });
  }
});

interface NegativeCase {
  kind: SchemaKind;
  keyword: string;
  pointer: string;
  /** Text the message must contain (names the value, the property or the allowed values). */
  mentions: string[];
}

/** Negative fixture → the one error it must produce (digest §11: one defect each). */
const INVALID: Record<string, NegativeCase> = {
  'context-missing-context-id': { kind: 'context', keyword: 'required', pointer: '/context_id', mentions: ['context_id'] },
  'context-id-not-a-uuid': { kind: 'context', keyword: 'pattern', pointer: '/context_id', mentions: ['"not-a-uuid"', 'UUID v4'] },
  'context-meta-created-at-not-a-datetime': { kind: 'context', keyword: 'format', pointer: '/meta/created_at', mentions: ['date-time', '"not-a-datetime"'] },
  'context-meta-extra-field': { kind: 'context', keyword: 'additionalProperties', pointer: '/meta/extra_field', mentions: ["'extra_field'"] },
  'context-id-uppercase': { kind: 'context', keyword: 'pattern', pointer: '/context_id', mentions: ['C97C4BCE'] },
  'plan-step-missing-step-id': { kind: 'plan', keyword: 'required', pointer: '/steps/0/step_id', mentions: ["'step_id'"] },
  'plan-id-uuid-version-1': { kind: 'plan', keyword: 'pattern', pointer: '/plan_id', mentions: ['-10d1-'] },
  'plan-with-governance': { kind: 'plan', keyword: 'additionalProperties', pointer: '/governance', mentions: ["'governance'"] },
  'plan-zero-steps': { kind: 'plan', keyword: 'minItems', pointer: '/steps', mentions: ['1'] },
  'confirm-status-wrong': {
    kind: 'confirm', keyword: 'enum', pointer: '/status',
    mentions: ['"pending"', '"approved"', '"rejected"', '"cancelled"', '"WRONG_STATUS"'],
  },
  'base-event-underscore-type': { kind: 'base-event', keyword: 'pattern', pointer: '/event_type', mentions: ['"step_completed"'] },
  'sa-event-extra-key': { kind: 'sa-event', keyword: 'additionalProperties', pointer: '/parent_event_id', mentions: ["'parent_event_id'"] },
  'pipeline-stage-bad-status': {
    kind: 'pipeline_stage', keyword: 'enum', pointer: '/stage_status',
    mentions: ['"pending"', '"running"', '"completed"', '"failed"', '"skipped"', '"in_progress"'],
  },
  'graph-update-without-node-delta': { kind: 'graph_update', keyword: 'required', pointer: '/node_delta', mentions: ["'node_delta'"] },
  'event-core-unknown-family': { kind: 'event-core', keyword: 'enum', pointer: '/event_family', mentions: ['"workflow"', '"pipeline_stage"', '"cost_budget"'] },
};

const EVENT_KINDS = new Set<SchemaKind>(['event-core', 'pipeline_stage', 'graph_update', 'runtime_execution', 'sa-event', 'map-event']);

describe('invalid fixtures: each fails for its one stated defect', () => {
  it('the table covers every file in fixtures/mplp/invalid', () => {
    expect(fixtureNames('invalid')).toEqual(Object.keys(INVALID).sort());
  });

  for (const [name, c] of Object.entries(INVALID)) {
    it(`${name}.json → ${c.keyword} at ${c.pointer}`, () => {
      const errors = errorsOf(validate(c.kind, fixture('invalid', name)));
      expect(errors).toHaveLength(1);
      const [e] = errors;
      expect({ keyword: e!.keyword, pointer: e!.pointer }).toEqual({ keyword: c.keyword, pointer: c.pointer });
      expect(e!.path).toBe(c.pointer.slice(1).replace(/\//g, '.'));
      for (const text of c.mentions) expect(e!.message).toContain(text);
      if (EVENT_KINDS.has(c.kind)) expect(validate('event', fixture('invalid', name))).toEqual({ ok: false, errors });
    });
  }
});

describe('identifiers', () => {
  const bad: [string, string][] = [
    ['uppercase hex', ID.toUpperCase()],
    ['version nibble 1', '3f2b8c1e-7d4a-1e9b-a0c6-5b1d2e3f4a5b'],
    ['variant nibble c', '3f2b8c1e-7d4a-4e9b-c0c6-5b1d2e3f4a5b'],
    ['braces', `{${ID}}`],
    ['urn prefix', `urn:uuid:${ID}`],
    ['no dashes', ID.replace(/-/g, '')],
  ];
  it('accepts a lowercase UUID v4', () => {
    expect(validate('identifier', ID)).toEqual({ ok: true });
  });
  for (const [what, value] of bad) {
    it(`rejects ${what}`, () => {
      const errors = errorsOf(validate('identifier', value));
      expect(errors.map((e) => [e.keyword, e.pointer])).toEqual([['pattern', '']]);
    });
  }
  it('rejects a number with a type error at the root', () => {
    expect(errorsOf(validate('identifier', 42)).map((e) => e.keyword)).toEqual(['type']);
  });
});

describe('shared blocks', () => {
  const meta = { protocol_version: '1.0.0', schema_version: '1.0.0' };

  it('metadata: semver-core versions, unique tags, cross_cutting from the 11 concerns', () => {
    expect(validate('metadata', meta)).toEqual({ ok: true });
    const errors = errorsOf(validate('metadata', { ...meta, protocol_version: '1.0', tags: ['a', 'a'], cross_cutting: ['protocol-version'] }));
    expect(errors.map((e) => [e.keyword, e.pointer]).sort()).toEqual([
      ['enum', '/cross_cutting/0'],
      ['pattern', '/protocol_version'],
      ['uniqueItems', '/tags'],
    ]);
    expect(errorsOf(validate('metadata', { protocol_version: '1.0.0' })).map((e) => e.pointer)).toEqual(['/schema_version']);
  });

  it('trace-base: trace_id and span_id required, closed, free attributes', () => {
    expect(validate('trace-base', { trace_id: ID, span_id: ID, attributes: { any: { thing: 1 } } })).toEqual({ ok: true });
    const errors = errorsOf(validate('trace-base', { trace_id: ID, spanId: ID }));
    expect(errors.map((e) => [e.keyword, e.pointer]).sort()).toEqual([
      ['additionalProperties', '/spanId'],
      ['required', '/span_id'],
    ]);
  });

  it('ref: id + module from the ten module names, closed', () => {
    expect(validate('ref', { id: ID, module: 'network', description: 'why' })).toEqual({ ok: true });
    const errors = errorsOf(validate('ref', { id: ID, module: 'step' }));
    expect(errors.map((e) => [e.keyword, e.pointer])).toEqual([['enum', '/module']]);
    expect(errors[0]!.message).toContain('"network"');
  });

  it('governance: closed block, lastConfirmRef is a Ref', () => {
    const ctx = fixture('valid', 'context');
    const governance = { locked: 'yes', owner: 'x', lastConfirmRef: { id: ID, module: 'plan', extra: 1 } };
    const errors = errorsOf(validate('context', { ...ctx, governance }));
    expect(errors.map((e) => [e.keyword, e.pointer]).sort()).toEqual([
      ['additionalProperties', '/governance/lastConfirmRef/extra'],
      ['additionalProperties', '/governance/owner'],
      ['type', '/governance/locked'],
    ]);
  });

  it('base event: data is an object or null, and no observability keys', () => {
    const base = fixture('valid', 'base-event');
    expect(validate('base-event', { ...base, data: null })).toEqual({ ok: true });
    const errors = errorsOf(validate('base-event', { ...base, data: 'text', event_family: 'pipeline_stage', payload: {} }));
    expect(errors.map((e) => [e.keyword, e.pointer]).sort()).toEqual([
      ['additionalProperties', '/event_family'],
      ['additionalProperties', '/payload'],
      ['type', '/data'],
    ]);
    for (const t of ['Plan.created', 'plan-created', 'plan.', '.plan', '1plan']) {
      expect(validate('base-event', { ...base, event_type: t }).ok, t).toBe(false);
    }
  });
});

describe('module objects', () => {
  it('context root needs domain and environment but is open to other keys', () => {
    const ctx = fixture('valid', 'context');
    expect(validate('context', { ...ctx, root: { domain: 'd', environment: 'e', anything: [1] } })).toEqual({ ok: true });
    expect(errorsOf(validate('context', { ...ctx, root: { domain: 'd' } })).map((e) => e.pointer)).toEqual(['/root/environment']);
  });

  it('plan steps: closed, non-empty description, order_index ≥ 0, identifier dependencies', () => {
    const plan = fixture('valid', 'plan');
    const step = { step_id: ID, description: '', status: 'running', order_index: -1, dependencies: ['s1'], critical: true };
    const errors = errorsOf(validate('plan', { ...plan, steps: [step] }));
    expect(errors.map((e) => [e.keyword, e.pointer]).sort()).toEqual([
      ['additionalProperties', '/steps/0/critical'],
      ['enum', '/steps/0/status'],
      ['minLength', '/steps/0/description'],
      ['minimum', '/steps/0/order_index'],
      ['pattern', '/steps/0/dependencies/0'],
    ]);
  });

  it('trace: root_span is a span, segments are closed', () => {
    const trace = fixture('valid', 'trace');
    const errors = errorsOf(validate('trace', { ...trace, root_span: { trace_id: ID }, segments: [{ segment_id: ID, label: 'x', status: 'done', spans: [] }] }));
    expect(errors.map((e) => [e.keyword, e.pointer]).sort()).toEqual([
      ['additionalProperties', '/segments/0/spans'],
      ['enum', '/segments/0/status'],
      ['required', '/root_span/span_id'],
    ]);
  });

  it('confirm: no step target type; decisions need id, status, role and time', () => {
    const confirm = fixture('valid', 'confirm');
    const errors = errorsOf(validate('confirm', { ...confirm, target_type: 'step', decisions: [{ decision_id: ID, status: 'pending' }] }));
    expect(errors.map((e) => [e.keyword, e.pointer]).sort()).toEqual([
      ['enum', '/decisions/0/status'],
      ['enum', '/target_type'],
      ['required', '/decisions/0/decided_at'],
      ['required', '/decisions/0/decided_by_role'],
    ]);
  });

  it('role has no status', () => {
    const errors = errorsOf(validate('role', { ...fixture('valid', 'role'), status: 'active' }));
    expect(errors.map((e) => [e.keyword, e.pointer])).toEqual([['additionalProperties', '/status']]);
  });

  it('collab: at least one participant; participant_id non-empty, role_id any string', () => {
    const collab = fixture('valid', 'collab');
    expect(validate('collab', { ...collab, participants: [{ participant_id: 'p', role_id: 'planner', kind: 'system' }] })).toEqual({ ok: true });
    expect(errorsOf(validate('collab', { ...collab, participants: [] })).map((e) => [e.keyword, e.pointer])).toEqual([['minItems', '/participants']]);
    const errors = errorsOf(validate('collab', { ...collab, mode: 'chain', participants: [{ participant_id: '', kind: 'robot' }] }));
    expect(errors.map((e) => [e.keyword, e.pointer]).sort()).toEqual([
      ['enum', '/mode'],
      ['enum', '/participants/0/kind'],
      ['minLength', '/participants/0/participant_id'],
    ]);
  });

  it('reports every error, not just the first', () => {
    const plan = fixture('valid', 'plan');
    const errors = errorsOf(validate('plan', { ...plan, status: 'running', title: '', steps: [{}] }));
    expect(errors.map((e) => e.pointer).sort()).toEqual(['/status', '/steps/0/description', '/steps/0/status', '/steps/0/step_id', '/title']);
  });
});

describe('events', () => {
  it('event-core accepts extra top-level keys and any of the 12 families', () => {
    const core = fixture('valid', 'event-core');
    for (const family of ['intent', 'methodology', 'reasoning_graph', 'external_integration']) {
      expect(validate('event', { ...core, event_family: family, anything: { x: 1 } })).toEqual({ ok: true });
    }
  });

  it('event ids use the uuid format (any version, as upstream); malformed ones fail', () => {
    const core = fixture('valid', 'event-core');
    expect(validate('event-core', { ...core, event_id: '3f2b8c1e-7d4a-1e9b-a0c6-5b1d2e3f4a5b' })).toEqual({ ok: true });
    expect(errorsOf(validate('event-core', { ...core, event_id: 'evt-1' })).map((e) => [e.keyword, e.pointer])).toEqual([['format', '/event_id']]);
  });

  it('family fields sit at the top level: a family schema ignores the same fields inside payload', () => {
    const stage = fixture('valid', 'pipeline-stage-event');
    const { pipeline_id, stage_id, stage_status, ...rest } = stage;
    const errors = errorsOf(validate('event', { ...rest, payload: { pipeline_id, stage_id, stage_status } }));
    expect(errors.map((e) => e.pointer).sort()).toEqual(['/pipeline_id', '/stage_id', '/stage_status']);
  });

  it('a family schema pins event_family', () => {
    const errors = errorsOf(validate('pipeline_stage', fixture('valid', 'graph-update-event')));
    expect(errors.find((e) => e.pointer === '/event_family')).toMatchObject({ keyword: 'const' });
  });

  it('graph_update deltas are integers and may be negative', () => {
    const graph = fixture('valid', 'graph-update-event');
    expect(validate('event', { ...graph, node_delta: -3, edge_delta: 0 })).toEqual({ ok: true });
    expect(errorsOf(validate('event', { ...graph, node_delta: 1.5 })).map((e) => [e.keyword, e.pointer])).toEqual([['type', '/node_delta']]);
  });

  it('runtime_execution: executor_kind and status come from their enums', () => {
    const exec = fixture('valid', 'runtime-execution-event');
    const errors = errorsOf(validate('event', { ...exec, executor_kind: 'human', status: 'approved' }));
    expect(errors.map((e) => [e.keyword, e.pointer]).sort()).toEqual([['enum', '/executor_kind'], ['enum', '/status']]);
  });

  it('SA and MAP events: closed, event_type from their own enums', () => {
    const sa = fixture('valid', 'sa-event');
    expect(errorsOf(validate('event', { ...sa, event_type: 'SAStarted' })).map((e) => [e.keyword, e.pointer])).toEqual([['enum', '/event_type']]);
    const map = fixture('valid', 'map-event');
    const errors = errorsOf(validate('event', { ...map, event_type: 'MAPHandoffInitiated', parent_event_id: ID }));
    expect(errors.map((e) => [e.keyword, e.pointer]).sort()).toEqual([['additionalProperties', '/parent_event_id'], ['enum', '/event_type']]);
  });

  it("'event' dispatch: event_family wins, then sa_id, then session_id", () => {
    const sa = fixture('valid', 'sa-event');
    // With event_family the value is an observability event, so the SA keys are just extras.
    expect(validate('event', { ...sa, event_family: 'cost_budget' })).toEqual({ ok: true });
    const map = fixture('valid', 'map-event');
    // sa_id selects the SA schema, which then rejects the MAP key.
    const errors = errorsOf(validate('event', { ...map, sa_id: ID }));
    expect(errors.map((e) => [e.keyword, e.pointer]).sort()).toEqual([['additionalProperties', '/initiator_role'], ['additionalProperties', '/session_id'], ['additionalProperties', '/target_roles'], ['enum', '/event_type']]);
  });

  it("'event' rejects values that are no known envelope", () => {
    for (const value of [{ event_id: ID, event_type: 'x', timestamp: '2026-01-01T00:00:00Z' }, null, 'event', [1]]) {
      const errors = errorsOf(validate('event', value));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ pointer: '', path: '', keyword: 'envelope' });
      expect(errors[0]!.message).toContain('no known event envelope');
    }
  });

  it('file update events: closed, non-empty path, change_type enum', () => {
    const file = fixture('valid', 'file-update-event');
    const errors = errorsOf(validate('file-update-event', { ...file, file_path: '', change_type: 'moved', lines_added: -1, author: 'x' }));
    expect(errors.map((e) => [e.keyword, e.pointer]).sort()).toEqual([
      ['additionalProperties', '/author'],
      ['enum', '/change_type'],
      ['minLength', '/file_path'],
      ['minimum', '/lines_added'],
    ]);
  });
});

describe('errors and formatting', () => {
  it('formatErrors writes one "<pointer>: <message>" line per error', () => {
    const errors = errorsOf(validate('plan', { ...fixture('valid', 'plan'), steps: [{ description: 'd', status: 'pending' }], status: 'x' }));
    const lines = formatErrors(errors).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines).toContain("/steps/0/step_id: required property 'step_id' is missing");
    expect(lines.find((l) => l.startsWith('/status: must be one of'))).toBeDefined();
  });

  it('an error about the value itself has pointer "" and is shown as (root)', () => {
    const errors = errorsOf(validate('context', 'a string'));
    expect(errors).toEqual([expect.objectContaining({ pointer: '', path: '', keyword: 'type' })]);
    expect(formatErrors(errors)).toMatch(/^\(root\): must be object/);
  });

  it('pointer tokens are escaped and the dotted path unescapes them', () => {
    const errors = errorsOf(validate('metadata', { protocol_version: '1.0.0', schema_version: '1.0.0', 'a/b~c': 1 }));
    expect(errors[0]).toMatchObject({ pointer: '/a~1b~0c', path: 'a/b~c' });
  });

  it('throws on an unknown kind instead of passing everything', () => {
    expect(() => validate('step' as SchemaKind, {})).toThrow(/unknown schema kind/);
  });
});

describe('validateWithSchemaFile', () => {
  it('validates against any schema file by name, with the same results as validate()', () => {
    const plan = fixture('valid', 'plan');
    expect(validateWithSchemaFile('plan.schema.json', plan)).toEqual({ ok: true });
    const bad = fixture('invalid', 'plan-zero-steps');
    expect(validateWithSchemaFile('plan.schema.json', bad)).toEqual(validate('plan', bad));
    expect(validateWithSchemaFile('governance.schema.json', { locked: 1 })).toMatchObject({ ok: false, errors: [{ pointer: '/locked', keyword: 'type' }] });
  });

  it('refuses paths outside schemas/ and reports missing files', () => {
    expect(() => validateWithSchemaFile('../package.json', {})).toThrow(/plain file name/);
    expect(() => validateWithSchemaFile('sub/plan.schema.json', {})).toThrow(/plain file name/);
    expect(() => validateWithSchemaFile('no-such.schema.json', {})).toThrow();
  });
});

describe('speed', () => {
  /** A plan as it arrives from a file or an adapter: parsed JSON, so its strings are flat. */
  function bigPlan(steps: number): Record<string, unknown> {
    const hex = (n: number) => n.toString(16).padStart(12, '0');
    const plan = {
      ...fixture('valid', 'plan'),
      steps: Array.from({ length: steps }, (_, i) => ({
        step_id: `3f2b8c1e-7d4a-4e9b-a0c6-${hex(i)}`,
        description: `step ${i}`,
        status: 'pending',
        dependencies: i === 0 ? [] : [`3f2b8c1e-7d4a-4e9b-a0c6-${hex(i - 1)}`],
        order_index: i,
      })),
    };
    return JSON.parse(JSON.stringify(plan)) as Record<string, unknown>;
  }

  function timed(run: () => unknown): number {
    const started = performance.now();
    run();
    return performance.now() - started;
  }

  it('a 100k-step plan validates in well under a second, and a defect at the end is found', () => {
    const plan = bigPlan(100_000);
    validate('plan', fixture('valid', 'plan')); // compile outside the timing
    let first: unknown;
    const cold = timed(() => (first = validate('plan', plan)));
    expect(first).toEqual({ ok: true });
    const best = Math.min(timed(() => validate('plan', plan)), timed(() => validate('plan', plan)), timed(() => validate('plan', plan)));
    // Typically 30-70 ms warm and 50-300 ms cold on a busy two-core box; the bounds leave room for CI noise.
    expect(best).toBeLessThan(300);
    expect(cold).toBeLessThan(1500);

    (plan['steps'] as Record<string, unknown>[])[99_999]!['status'] = 'done';
    expect(errorsOf(validate('plan', plan)).map((e) => e.pointer)).toEqual(['/steps/99999/status']);
  });
});
