// Every suite check can fail: each case wraps the reference runtime in a tiny faulty adapter
// (a session wrapper that drops, rewrites or fakes one thing, an env wrapper around the AEL or
// the limit, or one overridden scheduler seam) and requires the named check to end `fail`
// with the broken requirement first in its message. The fuller planted-fault corpus lives in
// test/mutants; these wrappers only prove that each check bites.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Adapter, AdapterDescription, Session, SessionEnv, StepAction } from '../src/adapter/contract.js';
import { adapterFor, referenceAdapter, referenceDescription } from '../src/adapters/reference.js';
import { loadCatalogue } from '../src/kit/catalogue.js';
import { DEFAULT_SUITES_DIR, discoverChecks } from '../src/kit/discover.js';
import { DEFAULT_RUN_OPTIONS, runChecks, type CheckRecord } from '../src/kit/runner.js';
import { nameToUuidV4 } from '../src/mplp/ids.js';
import type { BusEvent, Plan, Trace } from '../src/mplp/types.js';
import { L3Runtime, type RuntimeOptions } from '../src/runtime/index.js';
import { PlanRun, type RunProfile } from '../src/runtime/orchestrator/plan-run.js';

const noFlows = await mkdtemp(join(tmpdir(), 'suites-no-flows-'));
afterAll(() => rm(noFlows, { recursive: true, force: true }));
const discovery = await discoverChecks({ suitesDir: DEFAULT_SUITES_DIR, flowsDir: noFlows });
const catalogue = await loadCatalogue();

async function outcome(checkId: string, adapter: Adapter): Promise<CheckRecord> {
  const check = discovery.checks.find((c) => c.id === checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  const description = await adapter.describe();
  const run = await runChecks({ adapter, description }, [check], catalogue, { ...DEFAULT_RUN_OPTIONS, maxConcurrency: 4 });
  return run.records[0]!;
}

// ---------------------------------------------------------------- faulty adapters

interface FaultOptions {
  /** Changes the env the reference runtime is created with (its AEL, its limit). */
  env?: (env: SessionEnv) => SessionEnv;
  description?: AdapterDescription;
}

/** The reference runtime behind a session wrapper. */
function faulty(wrap: (raw: Session) => Partial<Session>, options: FaultOptions = {}): Adapter {
  return {
    describe: () => options.description ?? referenceDescription,
    async createSession(env) {
      const raw = await referenceAdapter.createSession(options.env ? options.env(env) : env);
      return { ...raw, ...wrap(raw) };
    },
  };
}

/** Rewrites the event stream every time it is read (same input → same output). */
function eventsRewritten(rewrite: (events: BusEvent[]) => BusEvent[]): Adapter {
  return faulty((raw) => ({ events: async () => rewrite(await raw.events()) }));
}

/** Rewrites objects read back. */
function readsRewritten(rewrite: (ref: { type: string; id: string }, obj: Record<string, unknown>) => void): Adapter {
  return faulty((raw) => ({
    get: async (ref) => {
      const obj = (await raw.get(ref)) as Record<string, unknown> | undefined;
      if (obj) rewrite(ref, obj);
      return obj;
    },
  }));
}

/** Wraps the AEL the runtime is given. */
function aelWrapped(execute: (ael: SessionEnv['ael'], action: StepAction) => Promise<unknown>): Adapter {
  return faulty(() => ({}), { env: (env) => ({ ...env, ael: { execute: (a) => execute(env.ael, a) } }) });
}

const payload = (e: BusEvent) => ((e as { payload?: Record<string, unknown> }).payload ?? {}) as Record<string, unknown>;
const family = (e: BusEvent) => (e as { event_family?: string }).event_family;
const isStepChange = (e: BusEvent, to?: string) => family(e) === 'pipeline_stage' && payload(e)['resource_type'] === 'step' && (to === undefined || payload(e)['to_status'] === to);
const isPlanChange = (e: BusEvent) => family(e) === 'pipeline_stage' && payload(e)['resource_type'] === 'plan' && typeof payload(e)['to_status'] === 'string';

/** Accepts (ok: true) whatever the runtime rejected for one object type, without doing it. */
function acceptsRejected(type: string): Adapter {
  return faulty((raw) => ({
    transition: async (target, to) => {
      const answer = await raw.transition(target, to);
      return !answer.ok && target.type === type ? { ok: true } : answer;
    },
  }));
}

/** Refuses one allowed change. */
function refuses(type: string, to: string): Adapter {
  return faulty((raw) => ({
    transition: (target, want) => (target.type === type && want === to ? Promise.resolve({ ok: false, code: 'REFUSED', message: 'refused by the faulty adapter' }) : raw.transition(target, want)),
  }));
}

/** A scheduler that starts a step as soon as all but one of its dependencies completed. */
class EagerFanIn extends PlanRun {
  private readonly early = new Set<number>();
  protected override release(v: number): void {
    const { start, list } = this.dependents;
    for (let k = start[v]!; k < start[v + 1]!; k++) {
      const w = list[k]!;
      this.remaining[w]! -= 1;
      if (this.remaining[w]! <= 1 && !this.early.has(w) && this.host.status(this.index.ids[w]!) === 'pending') {
        this.early.add(w);
        this.ready.push(w);
      }
    }
  }
}

const eagerFanIn = adapterFor(
  (options: RuntimeOptions) =>
    new (class extends L3Runtime {
      protected override createRun(planId: string, profile: RunProfile, limit: number): PlanRun {
        return new EagerFanIn(this.executionHost(), planId, profile, limit);
      }
    })(options),
);

interface Case {
  fault: string;
  check: string;
  requirement: RegExp;
  adapter: Adapter;
}

const CASES: Case[] = [
  {
    fault: 'drops the first step → in_progress pipeline_stage event',
    check: 'events.pipeline-stage.one-per-change',
    requirement: /^L3-EVT-002/,
    adapter: eventsRewritten((events) => {
      const first = events.findIndex((e) => isStepChange(e, 'in_progress'));
      return events.filter((_, i) => i !== first);
    }),
  },
  {
    fault: 'emits a plan pipeline_stage event on a refused request',
    check: 'events.pipeline-stage.one-per-change',
    requirement: /^L3-EVT-003/,
    adapter: faulty((raw) => {
      const extra: BusEvent[] = [];
      return {
        transition: async (target, to) => {
          const answer = await raw.transition(target, to);
          if (!answer.ok && target.type === 'plan' && extra.length === 0) {
            const plan = (await raw.get(target)) as Plan;
            extra.push({
              event_id: nameToUuidV4('fault', 'extra'),
              event_type: 'plan_status_changed',
              event_family: 'pipeline_stage',
              timestamp: '2025-01-01T00:00:00.000Z',
              pipeline_id: plan.plan_id,
              stage_id: plan.plan_id,
              stage_status: 'pending',
              payload: { resource_type: 'plan', resource_id: plan.plan_id, from_status: plan.status, to_status: to },
            });
          }
          return answer;
        },
        events: async () => [...(await raw.events()), ...extra],
      };
    }),
  },
  {
    fault: 'reports node_delta one too high on the first graph_update',
    check: 'events.graph-update.running-sums',
    requirement: /^L3-EVT-005/,
    adapter: eventsRewritten((events) => {
      const first = events.findIndex((e) => family(e) === 'graph_update');
      return events.map((e, i) => (i === first ? ({ ...e, node_delta: Number((e as unknown as { node_delta: number }).node_delta) + 1 } as BusEvent) : e));
    }),
  },
  {
    fault: 'keeps only the first graph_update',
    check: 'events.graph-update.covers-structure',
    requirement: /^L3-EVT-004/,
    adapter: eventsRewritten((events) => {
      const first = events.findIndex((e) => family(e) === 'graph_update');
      return events.filter((e, i) => family(e) !== 'graph_update' || i === first);
    }),
  },
  {
    fault: 'upper-cases the event_id of the third event',
    check: 'events.envelope.valid-on-every-path',
    requirement: /^L3-EVT-00[67]/,
    adapter: eventsRewritten((events) => events.map((e, i) => (i === 2 ? { ...e, event_id: e.event_id.toUpperCase() } : e))),
  },
  {
    fault: "maps a step's in_progress to stage_status pending",
    check: 'events.pipeline-stage.field-mapping',
    requirement: /^L3-EVT-011/,
    adapter: eventsRewritten((events) => events.map((e) => (isStepChange(e, 'in_progress') ? ({ ...e, stage_status: 'pending' } as BusEvent) : e))),
  },
  {
    fault: "moves each plan's terminal event before its steps' last event",
    check: 'events.order.plan-terminal-last',
    requirement: /^L3-EVT-008/,
    adapter: eventsRewritten((events) => {
      const out = [...events];
      const at = out.findIndex((e) => isPlanChange(e) && payload(e)['to_status'] === 'completed');
      if (at < 0) return out;
      const lastStep = out.slice(0, at).findLastIndex((e) => isStepChange(e));
      const [terminal] = out.splice(at, 1);
      out.splice(lastStep, 0, terminal!);
      return out;
    }),
  },
  {
    fault: 'drops the runtime_execution end events',
    check: 'events.runtime-execution.start-end-pair',
    requirement: /^L3-EVT-010/,
    adapter: eventsRewritten((events) => events.filter((e) => family(e) !== 'runtime_execution' || (e as { status?: string }).status === 'running')),
  },
  {
    fault: 'drops the stage-completed event of failed steps',
    check: 'orchestration.pipeline-stage.started-completed',
    requirement: /^L3-ORCH-006/,
    adapter: eventsRewritten((events) => events.filter((e) => !isStepChange(e, 'failed'))),
  },
  {
    fault: 'executes every succeeding step action twice',
    check: 'orchestration.ael.once-per-step',
    requirement: /^L3-ORCH-002/,
    adapter: aelWrapped(async (ael, a) => {
      await ael.execute(a);
      return ael.execute(a);
    }),
  },
  {
    fault: 'serves the first reading of each plan forever (stale reads)',
    check: 'psg.read-after-write.status',
    requirement: /^L3-PSG-004/,
    adapter: faulty((raw) => {
      const cache = new Map<string, unknown>();
      return {
        get: async (ref) => {
          if (ref.type !== 'plan') return raw.get(ref);
          if (!cache.has(ref.id)) cache.set(ref.id, await raw.get(ref));
          return structuredClone(cache.get(ref.id));
        },
      };
    }),
  },
  {
    fault: 'reads the first step of a plan back under another id',
    check: 'psg.read-back.valid-and-ids',
    requirement: /^L3-PSG-006/,
    adapter: readsRewritten((ref, obj) => {
      if (ref.type === 'plan') (obj as unknown as Plan).steps[0]!.step_id = nameToUuidV4('fault', ref.id);
    }),
  },
  {
    fault: 'accepts every forbidden plan transition without doing it',
    check: 'lifecycle.plan.forbidden-matrix',
    requirement: /^L3-LIFE-001/,
    adapter: acceptsRejected('plan'),
  },
  {
    fault: 'accepts every forbidden step transition without doing it',
    check: 'lifecycle.step.forbidden-matrix',
    requirement: /^L3-LIFE-002/,
    adapter: acceptsRejected('step'),
  },
  {
    fault: 'accepts every refused Confirm change without doing it',
    check: 'lifecycle.confirm.forbidden-matrix',
    requirement: /^L3-APPR-005/,
    adapter: acceptsRejected('confirm'),
  },
  {
    fault: 'refuses proposed → draft',
    check: 'lifecycle.plan.allowed-accepted',
    requirement: /^L3-LIFE-003/,
    adapter: refuses('plan', 'draft'),
  },
  {
    fault: 'refuses to skip a step',
    check: 'lifecycle.step.allowed-accepted',
    requirement: /^L3-LIFE-003/,
    adapter: refuses('step', 'skipped'),
  },
  {
    fault: 'refuses to activate a Context',
    check: 'lifecycle.context.allowed-accepted',
    requirement: /^L3-LIFE-011/,
    adapter: refuses('context', 'active'),
  },
  {
    fault: 'edits the first trace segment once a second one exists',
    check: 'trace.history.append-only-across-run',
    requirement: /^L3-TRACE-001/,
    adapter: readsRewritten((ref, obj) => {
      const segments = (obj as unknown as Trace).segments ?? [];
      if (ref.type === 'trace' && segments.length >= 2) segments[0]!.label += ' (edited)';
    }),
  },
  {
    fault: 'reads every trace back as pending',
    check: 'trace.status.follows-plan',
    requirement: /^L3-TRACE-004/,
    adapter: readsRewritten((ref, obj) => {
      if (ref.type === 'trace') obj['status'] = 'pending';
    }),
  },
  {
    fault: 'completes steps without awaiting the AEL promise',
    check: 'ael.result.awaited',
    requirement: /^L3-AEL-001/,
    adapter: aelWrapped(async (ael, a) => {
      void ael.execute(a).catch(() => undefined);
      return { not: 'awaited' };
    }),
  },
  {
    fault: 'swallows AEL failures (the step completes)',
    check: 'ael.failure.session-keeps-running',
    requirement: /^L3-AEL-002/,
    adapter: aelWrapped((ael, a) => ael.execute(a).catch(() => ({ swallowed: true }))),
  },
  {
    fault: 'returns null for false from the VSL',
    check: 'vsl.roundtrip.json-types',
    requirement: /^L3-VSL-001/,
    adapter: faulty((raw) => ({ vsl: { get: async (k) => ((await raw.vsl!.get(k)) === false ? null : raw.vsl!.get(k)), set: (k, v) => raw.vsl!.set(k, v) } })),
  },
  {
    fault: 'returns null for a missing VSL key',
    check: 'vsl.get.missing-key',
    requirement: /^L3-VSL-001/,
    adapter: faulty((raw) => ({ vsl: { get: async (k) => (await raw.vsl!.get(k)) ?? null, set: (k, v) => raw.vsl!.set(k, v) } })),
  },
  {
    fault: 'offers no VSL transaction',
    check: 'vsl.transaction.commits-all',
    requirement: /^L3-VSL-002/,
    adapter: faulty((raw) => ({ vsl: { get: (k) => raw.vsl!.get(k), set: (k, v) => raw.vsl!.set(k, v) } })),
  },
  {
    fault: 'does not keep plans under plans/<id> in its VSL',
    check: 'vsl.state.key-convention',
    requirement: /^L3-VSL-003/,
    adapter: faulty((raw) => ({ vsl: { get: (k) => (k.startsWith('plans/') ? Promise.resolve(undefined) : raw.vsl!.get(k)), set: (k, v) => raw.vsl!.set(k, v) } })),
  },
  {
    fault: "drops the module's events from invoke",
    check: 'registry.invoke.returns-module-result',
    requirement: /^L3-REG-001/,
    adapter: faulty((raw) => ({
      modules: {
        ...raw.modules!,
        invoke: async (name, ctx) => {
          const answer = await raw.modules!.invoke(name, ctx);
          return answer.ok ? { ok: true, value: { ...(answer.value as object), events: [] } } : answer;
        },
      },
    })),
  },
  {
    fault: 'leaves context_id out of SAContextLoaded',
    check: 'sa.events.required-fields',
    requirement: /^L3-SA-003/,
    adapter: eventsRewritten((events) =>
      events.map((e) => {
        if (e.event_type !== 'SAContextLoaded') return e;
        const { context_id: _dropped, ...rest } = e as BusEvent & { context_id?: string };
        return rest as BusEvent;
      }),
    ),
  },
  {
    fault: 'runs SA requests with the MAP scheduler',
    check: 'sa.no-overlap.wide-dag',
    requirement: /^L3-SA-001/,
    adapter: faulty((raw) => ({ run: (planId, options) => raw.run(planId, options?.profile === 'sa' ? { profile: 'map' } : options) })),
  },
  {
    fault: 'runs one step more at once than the limit',
    check: 'map.overlap.reaches-limit',
    requirement: /^L3-ORCH-007/,
    adapter: faulty(() => ({}), { env: (env) => ({ ...env, maxConcurrency: env.maxConcurrency + 1 }) }),
  },
  {
    fault: 'runs one step less at once than the limit',
    check: 'map.overlap.reaches-limit',
    requirement: /^L3-MAP-001/,
    adapter: faulty(() => ({}), { env: (env) => ({ ...env, maxConcurrency: env.maxConcurrency - 1 }) }),
  },
  {
    fault: 'starts a fan-in step when all but one dependency completed',
    check: 'map.fan-in.waits-for-last-dependency',
    requirement: /^L3-MAP-002/,
    adapter: eagerFanIn,
  },
];

describe('suite checks fail faulty runtimes', () => {
  it.each(CASES.map((c) => [c.check, c.fault, c] as const))('%s fails a runtime that %s', async (_id, _fault, c) => {
    const record = await outcome(c.check, c.adapter);
    expect(record.outcome, `${record.message}\n${JSON.stringify(record.evidence ?? {}, null, 1).slice(0, 1500)}`).toBe('fail');
    expect(record.message).toMatch(c.requirement);
    expect(record.replay, 'a non-pass record carries a replay command').toBeDefined();
  });

  it('names only checks that exist', () => {
    const known = new Set(discovery.checks.map((c) => c.id));
    expect(CASES.map((c) => c.check).filter((id) => !known.has(id))).toEqual([]);
  });
});
