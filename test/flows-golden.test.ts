// Every golden flow passes against the reference runtime; wrong expectations and runtimes
// that break a rule produce `fail` with expected vs seen and the flow file for replay.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Adapter, Session } from '../src/adapter/contract.js';
import { referenceAdapter } from '../src/adapters/reference.js';
import { loadFlowDir, loadFlowFile } from '../src/kit/flows/index.js';
import type { BusEvent } from '../src/mplp/types.js';
import { runCheck } from './fixtures/flows/harness.js';

const GOLDEN = fileURLToPath(new URL('../golden-flows/', import.meta.url));
const WRONG = fileURLToPath(new URL('./fixtures/flows/wrong/', import.meta.url));
const CATALOGUE = fileURLToPath(new URL('../suites/requirements.yaml', import.meta.url));

const golden = await loadFlowDir(GOLDEN);

describe('golden flows', () => {
  it('load without problems, at least 20 of them', () => {
    expect(golden.problems).toEqual([]);
    expect(golden.checks.length).toBeGreaterThanOrEqual(20);
  });

  it('grade only requirements of the catalogue', async () => {
    const catalogue = parse(await readFile(CATALOGUE, 'utf8')) as { requirements: { id: string }[] };
    const known = new Set(catalogue.requirements.map((r) => r.id));
    for (const check of golden.checks) for (const id of check.requirements) expect(known.has(id), `${check.id}: ${id}`).toBe(true);
  });

  it.each(golden.checks.map((c) => [c.id, c] as const))('%s passes against the reference runtime', async (_id, check) => {
    const result = await runCheck(check);
    expect(result.outcome, `${result.message}\n${JSON.stringify({ expected: result.expected, seen: result.seen }, null, 1)}`).toBe('pass');
  });
});

const WRONG_CASES: [file: string, message: RegExp, expected: unknown, seen: unknown][] = [
  ['wrong-count.yaml', /expect\.events\.pipeline_stage: events matching pipeline_stage: saw 10, expected 9/, '9', 10],
  ['wrong-final.yaml', /expect\.final\.plan: plan is completed, expected failed \(and 1 more\)/, 'failed', 'completed'],
  ['wrong-order.yaml', /"b\.in_progress < a\.completed" broken: a\.completed at position \d+ comes before b\.in_progress/, 'b.in_progress < a.completed', expect.stringMatching(/^a\.completed \(#\d+\) before b\.in_progress/)],
  ['wrong-transitions.yaml', /pipeline_stage changes of plan differ/, ['draft -> proposed', 'proposed -> in_progress', 'in_progress -> completed'], ['draft -> proposed', 'proposed -> approved', 'approved -> in_progress', 'in_progress -> completed']],
  ['wrong-open-chain.yaml', /expect\.transitions\.plan: pipeline_stage changes of plan differ/, ['draft -> proposed', 'then only changes into cancelled'], ['draft -> proposed', 'proposed -> approved', 'approved -> in_progress', 'in_progress -> completed']],
  ['wrong-graph-final.yaml', /expect\.graph_final\.plan: graph\(\) gives plan completed, expected approved/, 'approved', 'completed'],
  ['wrong-rejection.yaml', /operations\[1\]\.transition: the runtime accepted an operation that must be rejected/, { ok: false }, { ok: true }],
  ['wrong-overlap.yaml', /most step actions running at once: saw 1, expected 2 \(and 1 more\)/, '2', 1],
  ['wrong-between.yaml', /2 event\(s\) matching \*\.in_progress between plan\.approved and plan\.completed/, 0, 2],
  ['wrong-unchanged.yaml', /the PSG or event stream changed since snapshot loaded/, 'unchanged', expect.objectContaining({ new_events: expect.any(Number) })],
  ['wrong-concurrency.yaml', /1 of 2 step action\(s\) reached barrier both within 300 ms/, { arrivals: 2 }, expect.objectContaining({ arrivals: 1 })],
  ['wrong-trace.yaml', /trace segments: saw 2, expected 3/, '3', 2],
];

describe('deliberately wrong expectations', () => {
  it.each(WRONG_CASES)('%s fails with expected vs seen', async (file, message, expected, seen) => {
    const path = join(WRONG, file);
    const result = await runCheck(await loadFlowFile(path));
    expect(result.outcome, result.message).toBe('fail');
    expect(result.message).toMatch(message);
    expect(result.expected).toEqual(expected);
    expect(result.seen).toEqual(seen);
    expect(result.counterexample).toBe(path);
    expect(result.evidence?.['flow_file']).toBe(path);
  });

  it('attaches the events that show a count violation', async () => {
    const result = await runCheck(await loadFlowFile(join(WRONG, 'wrong-count.yaml')));
    expect(result.events?.length).toBe(10);
    expect(result.events!.every((e) => (e as { event_family?: string }).event_family === 'pipeline_stage')).toBe(true);
  });

  it('attaches exactly the two out-of-order events', async () => {
    const result = await runCheck(await loadFlowFile(join(WRONG, 'wrong-order.yaml')));
    const changes = result.events!.map((e) => (e.payload as { to_status: string }).to_status);
    expect(changes).toEqual(['completed', 'in_progress']);
  });
});

/** An adapter whose sessions are the reference's with some methods replaced. */
function mutant(change: (session: Session) => Partial<Session>): Adapter {
  return {
    describe: () => referenceAdapter.describe(),
    createSession: async (env) => {
      const session = await referenceAdapter.createSession(env);
      return { ...session, ...change(session) };
    },
  };
}

async function goldenResult(id: string, adapter: Adapter) {
  const check = golden.checks.find((c) => c.id === id)!;
  return runCheck(check, { adapter });
}

describe('runtimes that break a rule are caught', () => {
  it('a runtime that emits no pipeline_stage for step changes fails sa-basic', async () => {
    const silent = mutant((s) => ({
      events: async () => (await s.events()).filter((e: BusEvent) => !((e as { event_family?: string }).event_family === 'pipeline_stage' && (e.payload as { resource_type?: string } | undefined)?.resource_type === 'step')),
    }));
    const result = await goldenResult('flow.sa-basic', silent);
    expect(result.outcome).toBe('fail');
    expect(result.message).toMatch(/pipeline_stage/);
    expect(result.seen).toBe(4);
  });

  it('a runtime that accepts forbidden transitions fails the transition matrix', async () => {
    const lax = mutant(() => ({ transition: async () => ({ ok: true }) }));
    const result = await goldenResult('flow.forbidden-plan-transitions', lax);
    expect(result.outcome).toBe('fail');
    expect(result.message).toMatch(/reject_all plan draft → \w+: the runtime accepted an operation that must be rejected \(rule: /);
  });

  it('a runtime whose rejected load still leaves a trace in the event stream fails', async () => {
    const leaky = mutant((s) => {
      const extra: BusEvent[] = [];
      return {
        load: async (bundle) => {
          const r = await s.load(bundle);
          if (!r.ok) extra.push({ event_id: '00000000-0000-4000-8000-000000000000', event_type: 'load_rejected', event_family: 'graph_update', timestamp: '2025-01-01T00:00:00Z' } as BusEvent);
          return r;
        },
        events: async () => [...(await s.events()), ...extra],
      };
    });
    const result = await goldenResult('flow.cycle-self', leaky);
    expect(result.outcome).toBe('fail');
    expect(result.message).toMatch(/the rejected operation changed the runtime: 1 new event\(s\)/);
    expect(result.events).toHaveLength(1);
  });

  it('a runtime that resumes on its own right after a pause fails pause-resume', async () => {
    const restless = mutant((s) => ({
      pause: async (planId) => {
        const paused = await s.pause!(planId);
        if (paused.ok) await s.resume!(planId);
        return paused;
      },
    }));
    const result = await goldenResult('flow.pause-resume', restless);
    expect(result.outcome).toBe('fail');
    expect(result.message).toMatch(/operations\[7\]\.await_run: run outcome paused = false, expected true/);
  });

  it('a runtime that keeps scheduling while paused fails pause-resume', async () => {
    // Answers pause like a real runtime (rejects a second one) but never stops scheduling.
    const pushy = mutant((s) => {
      let faked = false;
      return {
        pause: async (planId) => {
          const plan = (await s.get({ type: 'plan', id: planId })) as { status: string };
          if (plan.status !== 'in_progress') return s.pause!(planId);
          if (faked) return { ok: false, code: 'INVALID_STATE', message: 'already paused' };
          faked = true;
          return { ok: true };
        },
        resume: async (planId) => (faked ? ((faked = false), { ok: true }) : s.resume!(planId)),
      };
    });
    const result = await goldenResult('flow.pause-resume', pushy);
    expect(result.outcome).toBe('fail');
    expect(result.message).toMatch(/operations\[7\]\.await_run: run outcome paused = false, expected true/);
  });

  it('a runtime that ignores pause under MAP only fails pause-resume in its MAP run', async () => {
    const mapDeaf = mutant((s) => {
      let profile: string | undefined;
      return {
        run: (planId, opts) => ((profile = opts?.profile), s.run(planId, opts)),
        pause: async (planId) => (profile === 'map' ? { ok: true } : s.pause!(planId)),
      };
    });
    const result = await goldenResult('flow.pause-resume', mapDeaf);
    expect(result.outcome).toBe('fail');
    expect(result.message).toMatch(/^MAP run: flow pause-resume: /);
    expect(result.evidence).toMatchObject({ profile: 'map', profiles_run: ['sa', 'map'] });
  });

  it('a flow with profiles runs only the profiles the adapter claims, and skips when it claims none of them', async () => {
    const claiming = (profiles: ('sa' | 'map')[]): Adapter => ({
      describe: async () => {
        const d = await referenceAdapter.describe();
        return { ...d, capabilities: { ...d.capabilities, profiles } };
      },
      createSession: (env) => referenceAdapter.createSession(env),
    });
    const saOnly = await goldenResult('flow.pause-resume', claiming(['sa']));
    expect(saOnly.outcome).toBe('pass');
    expect(saOnly.message).toMatch(/\(under SA\)$/);
    const none = await goldenResult('flow.pause-resume', claiming([]));
    expect(none.outcome).toBe('skipped');
    expect(none.message).toMatch(/runs under SA or MAP; the adapter claims none of them/);
  });

  it('a runtime that drops trace segments fails trace-append-only', async () => {
    let reads = 0;
    const forgetful = mutant((s) => ({
      get: async (ref) => {
        const obj = (await s.get(ref)) as { segments?: unknown[] } | undefined;
        if (ref.type === 'trace' && obj?.segments && ++reads > 1) return { ...obj, segments: obj.segments.slice(1) };
        return obj;
      },
    }));
    const result = await goldenResult('flow.trace-append-only', forgetful);
    expect(result.outcome).toBe('fail');
    expect(result.message).toMatch(/segment [0-9a-f-]+ was removed/);
  });
});
