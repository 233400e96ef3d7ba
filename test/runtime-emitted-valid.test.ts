// The runtime builds its own updates (status changes, segments, Confirms, traces, events)
// without validating them on the hot path: objects are validated once, when they are
// registered. This proves what it builds is valid: after a representative set of runs every
// event it emitted, every object it reads back and every value it persisted in the VSL
// validates against our schemas.

import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeType } from '../src/runtime/psg/graph.js';
import type { L3Runtime } from '../src/runtime/runtime.js';
import type { InMemoryVSL } from '../src/runtime/vsl/in-memory.js';
import { formatErrors, validate, type SchemaKind } from '../src/mplp/validate.js';
import { plainRuntime, scenarioFolders, SCENARIOS } from './helpers/scenarios.js';

afterAll(async () => {
  for (const f of scenarioFolders) await rm(f, { recursive: true, force: true });
});

/** Objects get() returns, by PSG node type; steps and segments are read within their plan and trace. */
const SCHEMA_OF: Partial<Record<NodeType, SchemaKind>> = { context: 'context', plan: 'plan', trace: 'trace', confirm: 'confirm', collab: 'collab', role: 'role' };
/** VSL key conventions: the first path segment names the object kind. */
const VSL_SCHEMA: Record<string, SchemaKind> = { contexts: 'context', plans: 'plan', traces: 'trace', confirms: 'confirm', collabs: 'collab', roles: 'role' };

function problemsOf(kind: SchemaKind, value: unknown, where: string): string[] {
  const r = validate(kind, value);
  return r.ok ? [] : [`${where} is not a valid ${kind}: ${formatErrors(r.errors)}`];
}

async function auditRuntime(rt: L3Runtime): Promise<{ problems: string[]; counted: { events: number; objects: number; values: number } }> {
  const problems: string[] = [];
  const events = rt.events();
  let lastSeq = 0;
  for (const e of events) {
    problems.push(...problemsOf('event', e, `event ${e.event_type}`));
    const seq = (e.payload as Record<string, unknown>)['seq'] as number;
    if (!(seq > lastSeq)) problems.push(`event ${e.event_type} has seq ${seq} after ${lastSeq}`);
    lastSeq = seq;
  }
  let objects = 0;
  for (const n of rt.graph().nodes) {
    const kind = SCHEMA_OF[n.type as NodeType];
    if (!kind) continue;
    objects++;
    problems.push(...problemsOf(kind, rt.get({ type: n.type as NodeType, id: n.id }), `${n.type} ${n.id}`));
  }
  // Per-step and per-segment values are checked inside a copy of their plan or trace.
  const vsl = rt.vsl as InMemoryVSL;
  let values = 0;
  for (const key of vsl.keys()) {
    const parts = key.split('/');
    const kind = VSL_SCHEMA[parts[0]!];
    if (!kind) continue;
    values++;
    const value = await vsl.get(key);
    if (parts.length === 2) problems.push(...problemsOf(kind, value, `VSL ${key}`));
    else if (parts[2] === 'steps') problems.push(...problemsOf('plan', { ...(await vsl.get(`plans/${parts[1]}`) as object), steps: [value] }, `VSL ${key}`));
    else if (parts[2] === 'segments') problems.push(...problemsOf('trace', { ...(await vsl.get(`traces/${parts[1]}`) as object), segments: [value] }, `VSL ${key}`));
    else problems.push(`VSL ${key}: unexpected key under ${parts[0]}/`);
  }
  return { problems, counted: { events: events.length, objects, values } };
}

describe('everything the runtime builds is schema-valid', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const rt = await scenario.run(plainRuntime);
    const { problems, counted } = await auditRuntime(rt);
    expect(problems).toEqual([]);
    // The audit saw the run: events, objects and persisted values.
    expect(counted.events).toBeGreaterThan(5);
    expect(counted.objects).toBeGreaterThan(2);
    expect(counted.values).toBeGreaterThan(3);
  });

  it('the audit fails an invalid event, object or VSL value', async () => {
    const rt = await SCENARIOS[0]!.run(plainRuntime);
    rt.bus.emit({ event_id: 'not-a-uuid', event_type: 'x', event_family: 'pipeline_stage', timestamp: 'now' });
    await rt.vsl.set(`plans/${rt.graph().nodes.find((n) => n.type === 'plan')!.id}/steps/x`, { step_id: 'x' });
    const { problems } = await auditRuntime(rt);
    expect(problems.some((p) => p.startsWith('event x'))).toBe(true);
    expect(problems.some((p) => p.includes('/steps/x'))).toBe(true);
  });
});
