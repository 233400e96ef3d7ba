// The planted-fault corpus: each mutant is the reference runtime with exactly one named
// fault, injected through the runtime's seams (no copied runtimes), and declares the
// requirement IDs the kit must fail it on.

import { join } from 'node:path';
import type { Adapter } from '../../src/adapter/contract.js';
import { adapterFor, referenceDescription } from '../../src/adapters/reference.js';
import type { BusEvent, LifecycleObject } from '../../src/mplp/types.js';
import { L3Runtime, RuntimeError, TransitionError, type RuntimeOptions } from '../../src/runtime/index.js';
import type { checkTransition } from '../../src/runtime/lifecycle/guard.js';
import { PlanRun, type RunProfile } from '../../src/runtime/orchestrator/plan-run.js';
import { expandBatch, type Mutation, type ProjectSemanticGraph } from '../../src/runtime/psg/graph.js';
import type { DriftEntry } from '../../src/runtime/drift/report.js';
import { STRATEGIES, type ReconcileStrategy, type Resolver } from '../../src/runtime/drift/reconcile.js';
import type { JournalEntry } from '../../src/runtime/rollback/compensation.js';
import type { BaseEvent } from '../../src/mplp/types.js';
import type { ValueStateLayer } from '../../src/runtime/vsl/types.js';

export interface Fault {
  name: string;
  description: string;
  /** Requirements the kit must report as failed for this mutant: the one the fault targets
   *  first, then requirements it also breaks, so every MUST requirement has a declared mutant. */
  requirements: string[];
  patch: Patch;
}

/** The runtime's seams as a patch sees them. */
export interface Seams {
  psg: ProjectSemanticGraph;
  bus: { emit(e: BusEvent): BusEvent };
  modules: { unregister(name: string): void };
  transitionGuard: typeof checkTransition;
  planLoad(bundle: unknown): { mutations: Mutation[] } & Record<string, unknown>;
  changeStatusLocked(req: { object: LifecycleObject; id: string; to: string }): Promise<boolean>;
  runLimit(profile: RunProfile, requested?: number): number;
  createRun(planId: string, profile: RunProfile, limit: number): PlanRun;
  executionHost(): ConstructorParameters<typeof PlanRun>[0];
  noteSegments(change: { nodes: { type: string; id: string; op: string }[] }): void;
  refuseAfterPlanEnd(stepId: string, to: string): void;
  run: L3Runtime['run'];
  transition: L3Runtime['transition'];
  factory: { pipelineStage(c: Record<string, unknown>): BusEvent };
  ids: { next(): string };
  files: FileSeams;
  traceOfPlan: Map<string, string>;
  traceSegments: Map<string, string[]>;
  traceEvents: Map<string, BaseEvent[]>;
}

/** Seams of the project files (artifacts, drift, rollback) a patch may replace. */
export interface FileSeams {
  workspace: { root: string; normalise(path: string): string; resolve(path: string): Promise<string> };
  ledger: { track(path: string, content: Buffer, options?: { producer?: string; synced?: boolean }): Mutation[] };
  recordEvidence(type: string, data: Record<string, unknown>): void;
  drift: {
    detect(): Promise<DriftEntry[]>;
    resolverFor(strategy: ReconcileStrategy): Resolver;
    isStale(path: string, timestamp: string): boolean;
    host: { commit(batch: Mutation[], sourceModule: string): void };
  };
  rollback: {
    runEnded(planId: string, status: 'completed' | 'failed' | 'cancelled'): Promise<void>;
    undoOrder(planId: string, guard: unknown): JournalEntry[];
    restoreVsl(snapshot: unknown): Promise<string[]>;
    record(planId: string, type: string, data: Record<string, unknown>): void;
    rollBack(planId: string, guard: unknown): Promise<void>;
  };
}

export type Patch = (rt: Seams, options: RuntimeOptions) => void;

/** Seams of a PlanRun a patch may replace. */
export interface RunSeams {
  release(v: number): void;
  fail(stepId: string, error: string): void;
  finish(to: 'completed' | 'failed' | 'cancelled'): Promise<void>;
  blockDependentsOfFailures(): Promise<void>;
  pause(): void;
  resume(): void;
  stopping: string | null;
  remaining: Int32Array;
  index: { ids: readonly string[]; position: Map<string, number>; depStart: Int32Array };
  dependents: { start: Int32Array; list: Int32Array };
  ready: { push(v: number): void };
  host: { status(id: string): string | undefined; recordTraceEvent(...a: unknown[]): void };
}

// ------------------------------------------------------------------ patch helpers

/** Drops or rewrites events on their way to the bus. */
export function onEmit(rewrite: (e: BusEvent) => BusEvent | BusEvent[] | null): Patch {
  return (rt) => {
    const emit = rt.bus.emit.bind(rt.bus);
    rt.bus.emit = (e) => {
      const out = rewrite(e);
      if (out === null) return e;
      for (const x of Array.isArray(out) ? out : [out]) emit(x);
      return e;
    };
  };
}

/** Lets one (object, from, to) pair through the L2 guard, skipping its table row and guards. */
function allowPair(match: (object: LifecycleObject, from: string, to: string) => boolean): Patch {
  return (rt) => {
    const guard = rt.transitionGuard;
    rt.transitionGuard = (object, id, from, to, guards) =>
      match(object, from, to) ? { kind: 'allowed', row: { from, to, class: 'A', rule: 'mutant' } } : guard(object, id, from, to, guards);
  };
}

/** Disables one named cross-object guard. */
function skipGuard(name: string): Patch {
  return (rt) => {
    const guard = rt.transitionGuard;
    rt.transitionGuard = (object, id, from, to, guards) => guard(object, id, from, to, (g) => (g === name ? null : guards(g)));
  };
}

/** Swallows one kind of integrity error of the PSG. */
function swallowPsgError(accept: (e: RuntimeError) => boolean, repair: (batch: readonly Mutation[], psg: ProjectSemanticGraph) => Mutation[] = (b) => [...b]): Patch {
  return (rt) => {
    const check = rt.psg.check.bind(rt.psg);
    const apply = rt.psg.apply.bind(rt.psg);
    let repaired: Mutation[] | null = null;
    rt.psg.check = (batch) => {
      try {
        check(batch);
        repaired = null;
      } catch (e) {
        if (!(e instanceof RuntimeError) || !accept(e)) throw e;
        repaired = repair(batch, rt.psg);
      }
    };
    rt.psg.apply = (batch) => {
      const use = repaired ?? batch;
      repaired = null;
      return apply(use);
    };
  };
}

/** Replaces seams of every PlanRun the runtime creates. */
export function onRun(patch: (run: RunSeams) => void): Patch {
  return (rt) => {
    rt.createRun = (planId, profile, limit) => {
      const run = new PlanRun(rt.executionHost(), planId, profile, limit);
      patch(run as unknown as RunSeams);
      return run;
    };
  };
}

/** A PlanRun whose schedule counts a skipped dependency as completed. */
const skippedCountsAsCompleted: Patch = onRun((run) => {
  const r = run as unknown as RunSeams & { buildSchedule(): void; steps: readonly { status?: string }[]; index: { depList: Int32Array } };
  const build = r.buildSchedule.bind(r);
  r.buildSchedule = () => {
    build();
    const { depStart, depList } = r.index;
    for (let i = 0; i < r.remaining.length; i++) {
      let open = 0;
      for (let k = depStart[i]!; k < depStart[i + 1]!; k++) if (!['completed', 'skipped'].includes(r.steps[depList[k]!]!.status ?? '')) open++;
      if (r.remaining[i]! > 0 && open === 0 && r.steps[i]!.status === 'pending') r.ready.push(i);
      r.remaining[i] = open;
    }
  };
});

const isStepChange = (e: BusEvent, to: string) =>
  'event_family' in e && e.event_family === 'pipeline_stage' && e.payload?.['resource_type'] === 'step' && e.payload?.['to_status'] === to;

const exists = (psg: ProjectSemanticGraph, batch: readonly Mutation[], id: string) =>
  psg.has(id) || expandBatch(batch).some((m) => m.op === 'add_node' && m.node.id === id);

/** A VSL whose get answers from a cache of first writes (stale reads). */
class StaleVsl implements ValueStateLayer {
  private readonly first = new Map<string, unknown>();
  private readonly store = new Map<string, unknown>();
  async get(key: string) {
    return structuredClone(this.first.has(key) ? this.first.get(key) : this.store.get(key));
  }
  async set(key: string, value: unknown) {
    if (!this.first.has(key)) this.first.set(key, structuredClone(value));
    this.store.set(key, structuredClone(value));
  }
}

/** A VSL that keeps and returns the caller's objects by reference. */
class SharingVsl implements ValueStateLayer {
  private readonly store = new Map<string, unknown>();
  async get(key: string) {
    return this.store.get(key);
  }
  async set(key: string, value: unknown) {
    this.store.set(key, value);
  }
}

/** A VSL that holds each session's last plain set in memory and writes it only when the next
 *  write comes: what a FileVSL without fsync/rename loses when the runtime stops. */
class LosesLastWriteVsl implements ValueStateLayer {
  private pending: [string, unknown] | null = null;
  /** Earlier writes on their way to the store, readable until they land. */
  private readonly landing = new Map<string, unknown>();
  constructor(private readonly inner: ValueStateLayer) {}
  async get(key: string) {
    if (this.pending?.[0] === key) return structuredClone(this.pending[1]);
    return this.landing.has(key) ? structuredClone(this.landing.get(key)) : this.inner.get(key);
  }
  async set(key: string, value: unknown) {
    const previous = this.pending;
    this.pending = [key, structuredClone(value)];
    if (previous) await this.land(previous);
  }
  async transaction<T>(fn: Parameters<NonNullable<ValueStateLayer['transaction']>>[0]): Promise<T> {
    const previous = this.pending;
    this.pending = null;
    if (previous) await this.land(previous);
    return this.inner.transaction!(fn) as Promise<T>;
  }
  private async land([key, value]: [string, unknown]) {
    this.landing.set(key, value);
    await this.inner.set(key, value);
    if (this.landing.get(key) === value) this.landing.delete(key);
  }
}


/** A VSL with a per-session read cache that never hears of other sessions' writes (stale reads). */
class CachingVsl implements ValueStateLayer {
  private readonly cache = new Map<string, unknown>();
  constructor(private readonly inner: ValueStateLayer) {}
  async get(key: string) {
    if (!this.cache.has(key)) this.cache.set(key, await this.inner.get(key));
    return structuredClone(this.cache.get(key));
  }
  async set(key: string, value: unknown) {
    await this.inner.set(key, value);
    this.cache.set(key, structuredClone(value));
  }
  async transaction<T>(fn: Parameters<NonNullable<ValueStateLayer['transaction']>>[0]): Promise<T> {
    const written: string[] = [];
    const result = await this.inner.transaction!((tx) => fn({ get: tx.get, set: (k, v) => (written.push(k), tx.set(k, v)) }));
    for (const k of written) this.cache.delete(k);
    return result as T;
  }
}

/** A VSL whose transaction writes each tx.set straight through: a throw leaves half of it behind. */
class WriteThroughTxVsl implements ValueStateLayer {
  constructor(private readonly inner: ValueStateLayer) {}
  get = (key: string) => this.inner.get(key);
  set = (key: string, value: unknown) => this.inner.set(key, value);
  transaction<T>(fn: Parameters<NonNullable<ValueStateLayer['transaction']>>[0]): Promise<T> {
    return fn({ get: this.get, set: this.set }) as Promise<T>;
  }
}

/** A VSL whose transaction stages the caller's objects by reference and copies them only at commit. */
class TxReferenceVsl implements ValueStateLayer {
  constructor(private readonly inner: ValueStateLayer) {}
  get = (key: string) => this.inner.get(key);
  set = (key: string, value: unknown) => this.inner.set(key, value);
  async transaction<T>(fn: Parameters<NonNullable<ValueStateLayer['transaction']>>[0]): Promise<T> {
    const staged = new Map<string, unknown>();
    const result = await fn({ get: async (k) => (staged.has(k) ? staged.get(k) : this.inner.get(k)), set: async (k, v) => void staged.set(k, v) });
    for (const [k, v] of staged) await this.inner.set(k, v);
    return result as T;
  }
}

/** A VSL that merges an object set over an object instead of replacing it (as hash fields would). */
class MergingVsl implements ValueStateLayer {
  constructor(private readonly inner: ValueStateLayer) {}
  get = (key: string) => this.inner.get(key);
  async set(key: string, value: unknown) {
    const old = await this.inner.get(key);
    const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
    await this.inner.set(key, isObject(old) && isObject(value) ? { ...old, ...value } : value);
  }
  transaction<T>(fn: Parameters<NonNullable<ValueStateLayer['transaction']>>[0]): Promise<T> {
    return this.inner.transaction!(fn) as Promise<T>;
  }
}

/** A VSL that silently drops values over 512 KiB of JSON (a memcached-like item limit). */
class SizeCappedVsl implements ValueStateLayer {
  constructor(private readonly inner: ValueStateLayer) {}
  get = (key: string) => this.inner.get(key);
  async set(key: string, value: unknown) {
    if (JSON.stringify(value ?? null).length <= 512 * 1024) await this.inner.set(key, value);
  }
  transaction<T>(fn: Parameters<NonNullable<ValueStateLayer['transaction']>>[0]): Promise<T> {
    return this.inner.transaction!(fn) as Promise<T>;
  }
}

/** Drift detection that does not see one kind of entry. */
function blindTo(kind: DriftEntry['kind']): Patch {
  return (rt) => {
    const detect = rt.files.drift.detect.bind(rt.files.drift);
    rt.files.drift.detect = async () => (await detect()).filter((e) => e.kind !== kind);
  };
}

/** Replaces what one reconciliation strategy makes of an entry. */
function resolveAs(strategy: ReconcileStrategy, wrong: (original: Resolver) => Resolver): Patch {
  return (rt) => {
    const resolverFor = rt.files.drift.resolverFor.bind(rt.files.drift);
    rt.files.drift.resolverFor = (s) => (s === strategy ? wrong(resolverFor(s)) : resolverFor(s));
  };
}

/** Rewrites the list of compensations a rollback runs. */
function onUndo(rewrite: (entries: JournalEntry[], planId: string, rt: Seams) => JournalEntry[]): Patch {
  return (rt) => {
    const undoOrder = rt.files.rollback.undoOrder.bind(rt.files.rollback);
    rt.files.rollback.undoOrder = (planId, guard) => rewrite(undoOrder(planId, guard), planId, rt);
  };
}

// ------------------------------------------------------------------ the corpus

export const FAULTS: readonly Fault[] = [
  {
    name: 'accepts-cycle',
    description: 'cycle detection ignores cycles longer than one step',
    requirements: ['L3-DAG-001', 'L3-PSG-002'],
    patch: swallowPsgError((e) => e.code === 'DAG_CYCLE' && (e.details['cycle'] as string[]).length > 2),
  },
  {
    name: 'accepts-self-dependency',
    description: 'a step listing itself as a dependency is accepted',
    requirements: ['L3-DAG-002'],
    patch: swallowPsgError((e) => e.code === 'DAG_CYCLE' && (e.details['cycle'] as string[]).length === 2),
  },
  {
    name: 'accepts-dangling-dependency',
    description: 'a dependency naming no step is dropped silently instead of rejected',
    requirements: ['L3-DAG-003'],
    patch: swallowPsgError(
      (e) => e.code === 'REF_UNRESOLVED' && e.details['type'] === 'depends_on',
      // On the batch's single mutations: a plan's dependencies arrive as one link_steps.
      (batch, psg) => expandBatch(batch).filter((m) => !(m.op === 'add_edge' && m.edge.type === 'depends_on' && !exists(psg, batch, m.edge.to))),
    ),
  },
  {
    name: 'accepts-dangling-context',
    description: 'a plan whose context_id resolves to nothing is registered',
    requirements: ['L3-PSG-001'],
    patch: swallowPsgError(
      (e) => e.code === 'REF_UNRESOLVED' && (e.details['type'] === 'plan_context' || e.details['type'] === 'trace_context'),
      (batch, psg) => batch.filter((m) => !(m.op === 'add_edge' && (m.edge.type === 'plan_context' || m.edge.type === 'trace_context') && !exists(psg, batch, m.edge.to))),
    ),
  },
  {
    name: 'accepts-duplicate-step-id',
    description: 'a plan with two steps sharing a step_id is registered with the first of them',
    requirements: ['L3-PSG-003'],
    patch: (rt) => {
      const planLoad = rt.planLoad.bind(rt);
      rt.planLoad = (bundle) => {
        const b = bundle as { plans?: { steps: { step_id: string }[] }[] };
        const deduped = {
          ...b,
          plans: b.plans?.map((p) => ({ ...p, steps: p.steps.filter((s, i) => p.steps.findIndex((t) => t.step_id === s.step_id) === i) })),
        };
        return planLoad(deduped);
      };
    },
  },
  {
    name: 'omits-step-completed-event',
    description: 'no pipeline_stage event when a step completes',
    requirements: ['L3-EVT-002', 'L3-EVT-009', 'L3-ORCH-006'],
    patch: onEmit((e) => (isStepChange(e, 'completed') ? [] : e)),
  },
  {
    name: 'duplicate-step-started-event',
    description: 'two pipeline_stage events for each step start',
    requirements: ['L3-EVT-003'],
    patch: (rt) => onEmit((e) => (isStepChange(e, 'in_progress') ? [e, { ...structuredClone(e), event_id: rt.executionHost().ids.next() }] : e))(rt, {}),
  },
  {
    name: 'event-for-rejected-transition',
    description: 'a rejected plan transition still emits a pipeline_stage event',
    requirements: ['L3-LIFE-005'],
    patch: (rt) => {
      const transition = rt.transition.bind(rt);
      rt.transition = async (ref, to) => {
        try {
          await transition(ref, to);
        } catch (e) {
          if (e instanceof TransitionError && ref.type === 'plan') {
            const plan = rt.psg.node(ref.id)!;
            rt.bus.emit(rt.factory.pipelineStage({ resource_type: 'plan', resource_id: ref.id, from: e.from, to, plan_id: ref.id, context_id: plan.data['context_id'], name: plan.data['title'] }));
          }
          throw e;
        }
      };
    },
  },
  {
    name: 'omits-graph-update-on-node-add',
    description: 'no graph_update event for batches that add nodes',
    requirements: ['L3-EVT-004'],
    patch: onEmit((e) =>
      'event_family' in e && e.event_family === 'graph_update' && (e.payload?.['nodes'] as { op: string }[] | undefined)?.some((n) => n.op === 'add') ? [] : e,
    ),
  },
  {
    name: 'wrong-node-delta',
    description: 'graph_update node_delta is one too high',
    requirements: ['L3-EVT-005'],
    patch: onEmit((e) => ('event_family' in e && e.event_family === 'graph_update' ? { ...e, node_delta: (e['node_delta'] as number) + 1 } : e)),
  },
  {
    name: 'event-missing-required-field',
    description: 'pipeline_stage events lack stage_status',
    requirements: ['L3-EVT-006', 'L3-EVT-007'],
    patch: onEmit((e) => {
      if (!('event_family' in e) || e.event_family !== 'pipeline_stage') return e;
      const { stage_status: _dropped, ...rest } = e as Record<string, unknown>;
      return rest as unknown as BusEvent;
    }),
  },
  {
    name: 'allows-draft-to-in-progress',
    description: 'a draft plan may move straight to in_progress',
    requirements: ['L3-LIFE-001', 'L3-LIFE-006'],
    patch: allowPair((o, from, to) => o === 'plan' && from === 'draft' && to === 'in_progress'),
  },
  {
    name: 'allows-approved-to-draft',
    description: 'an approved plan may revert to draft',
    requirements: ['L3-LIFE-001'],
    patch: allowPair((o, from, to) => o === 'plan' && from === 'approved' && to === 'draft'),
  },
  {
    name: 'allows-leaving-completed',
    description: 'a completed plan may change status again',
    requirements: ['L3-LIFE-004'],
    patch: allowPair((o, from) => o === 'plan' && from === 'completed'),
  },
  {
    name: 'steps-change-after-plan-end',
    description: 'a manual step change is accepted after the plan is cancelled or failed',
    requirements: ['L3-LIFE-013'],
    patch: (rt) => {
      rt.refuseAfterPlanEnd = () => undefined;
    },
  },
  {
    name: 'non-atomic-rejection',
    description: 'a rejected transition changes the status before reporting the error',
    requirements: ['L3-LIFE-005', 'L3-PSG-004', 'L3-LIFE-002'],
    patch: (rt) => {
      const change = rt.changeStatusLocked.bind(rt);
      rt.changeStatusLocked = async (req) => {
        try {
          return await change(req);
        } catch (e) {
          if (e instanceof TransitionError && rt.psg.has(req.id)) rt.psg.apply([{ op: 'update_node', id: req.id, status: req.to }]);
          throw e;
        }
      };
    },
  },
  {
    name: 'early-start-with-three-dependencies',
    description: 'a step with 3+ dependencies starts when all but its last dependency completed',
    requirements: ['L3-ORCH-001', 'L3-MAP-002'],
    patch: onRun((run) => {
      run.release = (v) => {
        const { start, list } = run.dependents;
        for (let k = start[v]!; k < start[v + 1]!; k++) {
          const w = list[k]!;
          const deps = run.index.depStart[w + 1]! - run.index.depStart[w]!;
          const left = --run.remaining[w]!;
          if ((left === 0 || (deps >= 3 && left === 1)) && run.host.status(run.index.ids[w]!) === 'pending') {
            if (left === 1) run.remaining[w] = 0;
            run.ready.push(w);
          }
        }
      };
    }),
  },
  {
    name: 'sa-runs-in-parallel',
    description: 'an SA run uses the MAP concurrency limit',
    requirements: ['L3-SA-001', 'L3-SA-003'],
    patch: (rt, options) => {
      rt.runLimit = () => Math.max(2, options.maxConcurrency ?? 4);
    },
  },
  {
    name: 'ignores-concurrency-limit',
    description: 'a MAP run starts every ready step at once',
    requirements: ['L3-ORCH-007', 'L3-MAP-001'],
    patch: (rt) => {
      rt.runLimit = (profile) => (profile === 'sa' ? 1 : 1_000_000);
    },
  },
  {
    name: 'ignores-pause',
    description: 'pause is acknowledged but scheduling goes on',
    requirements: ['L3-PAUSE-001', 'L3-PAUSE-005'],
    patch: onRun((run) => {
      run.pause = () => undefined;
    }),
  },
  {
    name: 'resume-does-not-restart',
    description: 'resume is acknowledged but the paused run never starts its ready steps again',
    requirements: ['L3-PAUSE-004'],
    patch: onRun((run) => {
      run.resume = () => {
        (run as unknown as { paused: boolean }).paused = false;
      };
    }),
  },
  {
    name: 'no-workflow-paused-event',
    description: 'pausing emits no WorkflowPaused event',
    requirements: ['L3-PAUSE-003'],
    patch: onEmit((e) => (e.event_type === 'WorkflowPaused' ? [] : e)),
  },
  {
    name: 'rewrites-trace-segment',
    description: 'each new segment relabels the previous one',
    requirements: ['L3-TRACE-001', 'L3-TRACE-002'],
    patch: (rt) => {
      const note = rt.noteSegments.bind(rt);
      let previous: string | undefined;
      rt.noteSegments = (change) => {
        note(change);
        for (const n of change.nodes) {
          if (n.type !== 'segment' || n.op !== 'add') continue;
          // Bypasses the PSG's append-only check on purpose: that is the fault.
          const nodes = (rt.psg as unknown as { nodes: Map<string, { data: Record<string, unknown> }> }).nodes;
          const old = previous ? nodes.get(previous) : undefined;
          if (old) old.data = { ...old.data, label: `${old.data['label']} (edited)` };
          previous = n.id;
        }
      };
    },
  },
  {
    name: 'failure-does-not-block-dependents',
    description: 'dependents of a failed step stay pending',
    requirements: ['L3-ORCH-003', 'L3-LIFE-010'],
    patch: onRun((run) => {
      run.blockDependentsOfFailures = async () => undefined;
    }),
  },
  {
    name: 'runs-dependents-of-failed-step',
    description: 'a failed step releases its dependents as if it had completed',
    requirements: ['L3-ORCH-003'],
    patch: onRun((run) => {
      const release = run.release.bind(run);
      run.fail = (stepId) => release(run.index.position.get(stepId)!);
    }),
  },
  {
    name: 'completes-despite-failure',
    description: 'a plan with a failed step ends completed',
    requirements: ['L3-LIFE-009'],
    patch: (rt, options) => {
      skipGuard('all_steps_done')(rt, options);
      onRun((run) => {
        const finish = run.finish.bind(run);
        run.finish = (to) => finish(to === 'failed' ? 'completed' : to);
      })(rt, options);
    },
  },
  {
    name: 'ael-error-crashes-run',
    description: 'an AEL rejection escapes: run() rejects instead of failing the step',
    requirements: ['L3-AEL-002'],
    patch: (rt) => {
      const host = rt.executionHost.bind(rt);
      let crash: ((e: unknown) => void) | undefined;
      rt.executionHost = () => {
        const h = host();
        return {
          ...h,
          ael: {
            execute: async (action) => {
              try {
                return await h.ael.execute(action);
              } catch (e) {
                crash?.(e);
                throw e;
              }
            },
          },
        };
      };
      const run = rt.run.bind(rt);
      rt.run = (planId, opts) =>
        Promise.race([
          run(planId, opts),
          new Promise<never>((_, reject) => {
            crash = reject;
          }),
        ]);
    },
  },
  {
    name: 'vsl-stale-read',
    description: 'VSL get returns the first value ever written for a key',
    requirements: ['L3-VSL-001'],
    patch: () => undefined,
  },
  {
    name: 'vsl-shares-references',
    description: 'VSL stores and returns the caller objects by reference',
    requirements: ['L3-VSL-004'],
    patch: () => undefined,
  },
  {
    name: 'unregister-has-no-effect',
    description: 'unregistering a module leaves it registered',
    requirements: ['L3-REG-002', 'L3-REG-001'],
    patch: (rt) => {
      rt.modules.unregister = () => undefined;
    },
  },
  {
    name: 'runs-before-approval',
    description: 'a proposed plan runs without waiting for its Confirm',
    requirements: ['L3-APPR-001', 'L3-APPR-003'],
    patch: (rt, options) => {
      skipGuard('confirm_approved')(rt, options);
      const run = rt.run.bind(rt);
      rt.run = async (planId, opts) => {
        if (rt.psg.node(planId)?.status === 'proposed') {
          await (rt as unknown as { lock: { run<T>(fn: () => Promise<T>): Promise<T> } }).lock.run(() =>
            rt.changeStatusLocked({ object: 'plan', id: planId, to: 'approved' }),
          );
        }
        return run(planId, opts);
      };
    },
  },
  {
    name: 'accepts-schema-invalid-object',
    description: 'objects are registered without schema validation',
    requirements: ['L3-PSG-005'],
    patch: () => undefined,
  },
  {
    name: 'runs-in-suspended-context',
    description: 'a plan enters in_progress although its Context is suspended',
    requirements: ['L3-LIFE-007'],
    patch: skipGuard('context_active'),
  },
  // -------------------------------------------------------------- drift and rollback
  {
    name: 'keeps-running-in-suspended-context',
    description: 'a run keeps starting steps after its Context was suspended mid-run',
    requirements: ['L3-LIFE-012'],
    patch: (rt, options) => {
      const guard = rt.transitionGuard;
      rt.transitionGuard = (object, id, from, to, guards) => guard(object, id, from, to, object === 'step' ? (g) => (g === 'context_active' ? null : guards(g)) : guards);
      onRun((run) => {
        const host = run.host as RunSeams['host'] & { psg: ProjectSemanticGraph };
        const status = host.status.bind(host);
        (run as unknown as { host: unknown }).host = { ...host, status: (nodeId: string) => (host.psg.node(nodeId)?.type === 'context' ? 'active' : status(nodeId)) };
      })(rt, options);
    },
  },
  {
    name: 'omits-plan-completed-event',
    description: 'no pipeline_stage event when a plan reaches completed',
    requirements: ['L3-EVT-001'],
    patch: onEmit((e) => ('event_family' in e && e.event_family === 'pipeline_stage' && e.payload?.['resource_type'] === 'plan' && e.payload?.['to_status'] === 'completed' ? [] : e)),
  },
  {
    name: 'cancel-ends-plan-before-drain',
    description: 'cancel ends the plan cancelled at once while a step is still running; the step completes afterwards',
    requirements: ['L3-LIFE-010', 'L3-ORCH-009'],
    patch: onRun((run) => {
      (run as unknown as { stop(to: 'failed' | 'cancelled'): Promise<void> }).stop = async (to) => {
        run.stopping = to;
        await run.finish(to);
      };
    }),
  },
  {
    name: 'refuses-manual-start',
    description: 'a requested approved → in_progress is refused (only run() may start a plan)',
    requirements: ['L3-LIFE-003'],
    patch: (rt) => {
      const transition = rt.transition.bind(rt);
      rt.transition = (ref, to) => (ref.type === 'plan' && to === 'in_progress' && rt.psg.node(ref.id)?.status === 'approved' ? Promise.reject(new RuntimeError('INVALID_STATE', 'plans start through run() only')) : transition(ref, to));
    },
  },
  {
    name: 'cancel-keeps-running',
    description: 'cancel of a running plan is acknowledged, but the run goes on to its end',
    requirements: ['L3-ORCH-004'],
    patch: onRun((run) => {
      (run as unknown as { stop(): Promise<void> }).stop = async () => undefined;
    }),
  },
  {
    name: 'skips-dependents-of-completed-steps',
    description: 'a completed step does not release its dependents: they end skipped and the plan completed',
    requirements: ['L3-ORCH-005'],
    patch: onRun((run) => {
      run.release = () => undefined;
    }),
  },
  {
    name: 'refuses-approved-registration',
    description: 'a plan registered approved (valid, acyclic, its Context present) is refused',
    requirements: ['L3-PSG-007'],
    patch: (rt) => {
      const planLoad = rt.planLoad.bind(rt);
      rt.planLoad = (bundle) => {
        if (((bundle as { plans?: { status: string }[] }).plans ?? []).some((p) => p.status === 'approved')) throw new RuntimeError('INVALID_STATE', 'plans are registered as drafts here');
        return planLoad(bundle);
      };
    },
  },
  {
    name: 'plan-read-back-without-objective',
    description: 'a plan read back has lost its required objective (schema-invalid)',
    requirements: ['L3-PSG-006'],
    patch: (rt) => {
      const seams = rt as unknown as { get(ref: { type: string; id: string }): unknown };
      const get = seams.get.bind(rt);
      seams.get = (ref) => {
        const o = get(ref) as Record<string, unknown> | undefined;
        if (ref.type !== 'plan' || !o) return o;
        const { objective: _gone, ...rest } = o;
        return rest;
      };
    },
  },
  {
    name: 'executes-each-step-twice',
    description: 'every step action is handed to the AEL twice (the second answer is ignored)',
    requirements: ['L3-ORCH-002'],
    patch: (rt) => {
      const host = rt.executionHost.bind(rt);
      rt.executionHost = () => {
        const h = host();
        return { ...h, ael: { execute: async (action) => {
          const first = await h.ael.execute(action);
          await h.ael.execute({ ...(action as Record<string, unknown>), action_id: rt.ids.next() } as never).catch(() => undefined);
          return first;
        } } };
      };
    },
  },
  // ---- issue 16 classes: every object kind, bundles of several plans, scale, MAP, read-back
  {
    name: 'accepts-dangling-confirm-target',
    description: 'a Confirm whose target_id names nothing is registered',
    requirements: ['L3-PSG-001'],
    patch: swallowPsgError(
      (e) => e.code === 'REF_UNRESOLVED' && e.details['type'] === 'confirm_target',
      (batch, psg) => batch.filter((m) => !(m.op === 'add_edge' && m.edge.type === 'confirm_target' && !exists(psg, batch, m.edge.to))),
    ),
  },
  {
    name: 'accepts-dangling-trace-refs',
    description: 'a Trace whose plan_id names nothing is registered',
    requirements: ['L3-PSG-001'],
    patch: swallowPsgError(
      (e) => e.code === 'REF_UNRESOLVED' && e.details['type'] === 'trace_plan',
      (batch, psg) => batch.filter((m) => !(m.op === 'add_edge' && m.edge.type === 'trace_plan' && !exists(psg, batch, m.edge.to))),
    ),
  },
  {
    name: 'accepts-dangling-collab-context',
    description: 'a Collab whose context_id names nothing is registered',
    requirements: ['L3-PSG-001'],
    patch: swallowPsgError(
      (e) => e.code === 'REF_UNRESOLVED' && e.details['type'] === 'collab_context',
      (batch, psg) => batch.filter((m) => !(m.op === 'add_edge' && m.edge.type === 'collab_context' && !exists(psg, batch, m.edge.to))),
    ),
  },
  {
    name: 'accepts-cross-plan-dependency',
    description: 'a step may depend on a step of another plan',
    requirements: ['L3-DAG-003'],
    patch: swallowPsgError((e) => e.code === 'REF_UNRESOLVED' && e.message.includes('not a step of the same plan')),
  },
  {
    name: 'checks-cycles-of-first-plan-only',
    description: 'in a bundle of several plans only the first plan is checked for cycles',
    requirements: ['L3-DAG-001'],
    patch: (rt, options) => {
      let last: readonly Mutation[] = [];
      const check = rt.psg.check.bind(rt.psg);
      rt.psg.check = (batch) => {
        last = batch;
        return check(batch);
      };
      const firstPlan = () => last.find((m) => m.op === 'add_node' && m.node.type === 'plan');
      swallowPsgError((e) => {
        const first = firstPlan();
        return e.code === 'DAG_CYCLE' && first?.op === 'add_node' && e.details['plan'] !== first.node.id;
      })(rt, options);
    },
  },
  {
    name: 'reopens-terminal-trace',
    description: 'a completed, failed or cancelled Trace may be moved back to running',
    requirements: ['L3-LIFE-004'],
    patch: allowPair((o, from, to) => o === 'trace' && (from === 'completed' || from === 'failed' || from === 'cancelled') && to === 'running'),
  },
  {
    name: 'reopens-terminal-collab',
    description: 'a completed or cancelled Collab may be made active again',
    requirements: ['L3-LIFE-004'],
    patch: allowPair((o, from, to) => o === 'collab' && (from === 'completed' || from === 'cancelled') && to === 'active'),
  },
  {
    name: 'stops-scheduling-beyond-100-steps',
    description: 'steps after the first hundred of a plan never become ready (they end skipped)',
    requirements: ['L3-ORCH-005'],
    patch: onRun((run) => {
      const r = run as unknown as { buildSchedule(): void; remaining: Int32Array; ready: { size: number; pop(): number | undefined; push(v: number): void } };
      const build = r.buildSchedule.bind(r);
      r.buildSchedule = () => {
        build();
        for (let v = 100; v < r.remaining.length; v++) r.remaining[v] = 1 << 30;
        const keep: number[] = [];
        while (r.ready.size > 0) {
          const v = r.ready.pop()!;
          if (v < 100) keep.push(v);
        }
        for (const v of keep) r.ready.push(v);
      };
    }),
  },
  {
    name: 'limit-ignored-when-many-ready',
    description: 'a MAP run with more than twice its limit of steps starts them all at once',
    requirements: ['L3-ORCH-007'],
    patch: (rt) => {
      rt.createRun = (planId, profile, limit) => {
        const n = rt.psg.stepsOf(planId).length;
        return new PlanRun(rt.executionHost(), planId, profile, profile === 'map' && n > 2 * limit ? n : limit);
      };
    },
  },
  {
    name: 'map-pause-ignored',
    description: 'pausing a running MAP plan is acknowledged but its scheduling goes on (SA runs pause)',
    requirements: ['L3-PAUSE-001'],
    patch: onRun((run) => {
      const r = run as unknown as RunSeams & { profile: string };
      if (r.profile !== 'map') return;
      r.pause = () => undefined;
    }),
  },
  {
    name: 'map-cancel-ends-plan-before-drain',
    description: 'cancelling a MAP run ends the plan at once while branches still run; they complete afterwards',
    requirements: ['L3-LIFE-010'],
    patch: onRun((run) => {
      const r = run as unknown as RunSeams & { profile: string; stop(to: 'failed' | 'cancelled'): Promise<void> };
      if (r.profile !== 'map') return;
      r.stop = async (to) => {
        r.stopping = to;
        await r.finish(to);
      };
    }),
  },
  {
    name: 'one-step-plans-skip-approval',
    description: 'a proposed plan of one step runs without waiting for its Confirm',
    requirements: ['L3-APPR-001'],
    patch: (rt) => {
      const run = rt.run.bind(rt);
      rt.run = async (planId, opts) => {
        if (rt.psg.node(planId)?.status === 'proposed' && rt.psg.stepsOf(planId).length === 1) {
          await (rt as unknown as { lock: { run<T>(fn: () => Promise<T>): Promise<T> } }).lock.run(() => rt.changeStatusLocked({ object: 'plan', id: planId, to: 'approved' } as never));
        }
        return run(planId, opts);
      };
    },
  },
  {
    name: 'graph-status-stale',
    description: 'graph() reports the status a node was registered with, while get() has the current one',
    requirements: ['L3-PSG-004'],
    patch: (rt) => {
      const seams = rt as unknown as { graph(): { nodes: { id: string; status?: string }[]; edges: unknown[] } };
      const graph = seams.graph.bind(rt);
      const first = new Map<string, string | undefined>();
      seams.graph = () => {
        const g = graph();
        return { ...g, nodes: g.nodes.map((n) => (first.has(n.id) ? { ...n, status: first.get(n.id) } : (first.set(n.id, n.status), n))) };
      };
    },
  },
  {
    name: 'graph-keeps-edges-of-removed-nodes',
    description: 'graph() keeps listing every edge ever added, also those of nodes that were removed',
    requirements: ['L3-PSG-001'],
    patch: (rt) => {
      const seams = rt as unknown as { graph(): { nodes: { id: string }[]; edges: { from: string; to: string; type: string }[] } };
      const graph = seams.graph.bind(rt);
      const ever = new Map<string, { from: string; to: string; type: string }>();
      const apply = rt.psg.apply.bind(rt.psg);
      rt.psg.apply = (batch) => {
        for (const m of batch) if (m.op === 'add_edge') ever.set(`${m.edge.type} ${m.edge.from} ${m.edge.to}`, { ...m.edge });
        return apply(batch);
      };
      seams.graph = () => {
        const g = graph();
        const listed = new Set(g.edges.map((e) => `${e.type} ${e.from} ${e.to}`));
        return { ...g, edges: [...g.edges, ...[...ever].filter(([k]) => !listed.has(k)).map(([, e]) => e)] };
      };
    },
  },
  {
    name: 'steps-read-back-reordered',
    description: 'a plan read back lists its steps sorted by step_id instead of in registered order',
    requirements: ['L3-PSG-006'],
    patch: (rt) => {
      const seams = rt as unknown as { get(ref: { type: string; id: string }): unknown };
      const get = seams.get.bind(rt);
      seams.get = (ref) => {
        const o = get(ref) as { steps?: { step_id: string }[] } | undefined;
        if (ref.type !== 'plan' || !o?.steps) return o;
        return { ...o, steps: [...o.steps].sort((a, b) => (a.step_id < b.step_id ? -1 : 1)) };
      };
    },
  },
  {
    name: 'events-out-of-order',
    description: 'events() hands the timeline back with its second and third events swapped',
    requirements: ['L3-EVT-008'],
    patch: (rt) => {
      const bus = rt.bus as unknown as { events(): BusEvent[] };
      const events = bus.events.bind(bus);
      bus.events = () => {
        const list = events();
        if (list.length >= 3) [list[1], list[2]] = [list[2]!, list[1]!];
        return list;
      };
    },
  },
  {
    name: 'map-session-never-completes',
    description: 'MAP runs emit no MAPSessionCompleted',
    requirements: ['L3-MAP-003'],
    patch: onEmit((e) => (e.event_type === 'MAPSessionCompleted' ? [] : e)),
  },
  {
    name: 'map-turn-numbers-disagree',
    description: 'each MAPTurnCompleted carries the next turn_number, not its dispatch\'s',
    requirements: ['L3-MAP-004'],
    patch: onEmit((e) => {
      if (e.event_type !== 'MAPTurnCompleted') return e;
      const payload = (e as { payload?: Record<string, unknown> }).payload ?? {};
      return { ...e, payload: { ...payload, turn_number: Number(payload['turn_number']) + 1 } } as BusEvent;
    }),
  },
  {
    name: 'collab-role-ids-dropped',
    description: 'a Collab read back has lost its participants\' role_id',
    requirements: ['L3-MAP-005'],
    patch: (rt) => {
      const seams = rt as unknown as { get(ref: { type: string; id: string }): unknown };
      const get = seams.get.bind(rt);
      seams.get = (ref) => {
        const o = get(ref) as { participants?: Record<string, unknown>[] } | undefined;
        if (ref.type !== 'collab' || !o?.participants) return o;
        return { ...o, participants: o.participants.map(({ role_id: _r, ...p }) => p) };
      };
    },
  },
  {
    name: 'steps-start-outside-running-plan',
    description: 'a step may be moved to in_progress while its plan is not in_progress',
    requirements: ['L3-LIFE-008'],
    patch: skipGuard('plan_in_progress'),
  },
  {
    name: 'rejection-keeps-plan-proposed',
    description: 'a rejecting Confirm decision leaves the plan proposed instead of returning it to draft',
    requirements: ['L3-APPR-004'],
    patch: (rt) => {
      const change = rt.changeStatusLocked.bind(rt);
      rt.changeStatusLocked = async (req) => {
        const r = req as { object: string; to: string; reason?: string };
        if (r.object === 'plan' && r.to === 'draft' && r.reason?.startsWith('confirm ')) return false;
        return change(req);
      };
    },
  },
  {
    name: 'ael-result-not-awaited',
    description: 'a step completes as soon as its action is handed to the AEL, before the action resolves',
    requirements: ['L3-AEL-001'],
    patch: (rt) => {
      const host = rt.executionHost.bind(rt);
      rt.executionHost = () => {
        const h = host();
        return { ...h, ael: { execute: (action) => (void h.ael.execute(action).catch(() => undefined), Promise.resolve({ status: 'executed' })) } };
      };
    },
  },
  {
    name: 'trace-without-events',
    description: 'nothing is ever recorded in a trace\'s events',
    requirements: ['L3-SA-006'],
    patch: (rt) => {
      (rt as unknown as { recordTraceEvent(): void }).recordTraceEvent = () => undefined;
    },
  },
  {
    name: 'action-id-not-v4',
    description: 'actions reach the AEL with an uppercase action_id',
    requirements: ['L3-AEL-003'],
    patch: (rt) => {
      const host = rt.executionHost.bind(rt);
      rt.executionHost = () => {
        const h = host();
        return { ...h, ael: { execute: (action) => h.ael.execute({ ...(action as Record<string, unknown>), action_id: String((action as { action_id: string }).action_id).toUpperCase() } as never) } };
      };
    },
  },
  {
    name: 'sa-id-per-event',
    description: 'every SA event of a run carries a fresh sa_id',
    requirements: ['L3-SA-005'],
    patch: (rt) => onEmit((e) => ('sa_id' in e ? ({ ...e, sa_id: rt.ids.next() } as BusEvent) : e))(rt, {}),
  },
  {
    name: 'submission-opens-no-confirm',
    description: 'draft → proposed opens no Confirm',
    requirements: ['L3-APPR-002'],
    patch: (rt) => {
      (rt as unknown as { submissionMutations(): Mutation[] }).submissionMutations = () => [];
    },
  },
  {
    name: 'decides-on-approved-confirm',
    description: 'a further decision on an approved Confirm is accepted',
    requirements: ['L3-APPR-005'],
    patch: allowPair((o, from) => o === 'confirm' && from === 'approved'),
  },
  {
    name: 'context-leaves-closed',
    description: 'a closed Context can be reopened',
    requirements: ['L3-LIFE-011'],
    patch: allowPair((o, from) => o === 'context' && from === 'closed'),
  },
  {
    name: 'scan-misses-deletions',
    description: 'a drift scan does not report tracked files that were deleted',
    requirements: ['L3-DRIFT-003'],
    patch: blindTo('deleted'),
  },
  {
    name: 'scan-misses-new-files',
    description: 'a drift scan does not report files the PSG does not track',
    requirements: ['L3-DRIFT-003'],
    patch: blindTo('new'),
  },
  {
    name: 'passive-ignores-timestamps',
    description: 'a file_update event older than the PSG record still counts as news',
    requirements: ['L3-DRIFT-004'],
    patch: (rt) => {
      rt.files.drift.isStale = () => false;
    },
  },
  {
    name: 'drift-not-in-trace',
    description: 'drift reports are announced but never recorded in the trace',
    requirements: ['L3-DRIFT-005'],
    patch: (rt) => {
      rt.files.recordEvidence = () => undefined;
    },
  },
  {
    name: 'psg-wins-leaves-modified-file',
    description: 'psg-wins refreshes the PSG record of a modified file instead of rewriting the file',
    requirements: ['L3-DRIFT-006'],
    patch: resolveAs('psg-wins', (original) => (entry, sides) => (entry.kind === 'modified' ? { action: 'psg-updated', content: sides.psg! } : original(entry, sides))),
  },
  {
    name: 'fs-wins-without-graph-update',
    description: 'fs-wins changes artifact nodes without announcing a graph_update',
    requirements: ['L3-DRIFT-007'],
    patch: (rt) => {
      rt.files.drift.host.commit = (batch) => {
        rt.psg.check(batch);
        rt.psg.apply(batch);
      };
    },
  },
  {
    name: 'manual-applies-before-resolve',
    description: 'manual reconciliation takes the files at once instead of waiting for decisions',
    requirements: ['L3-DRIFT-008'],
    patch: resolveAs('manual', () => STRATEGIES['fs-wins']),
  },
  {
    name: 'merge-drops-psg-side',
    description: 'a clean three-way merge keeps only the file version',
    requirements: ['L3-DRIFT-009'],
    patch: resolveAs('three-way', (original) => (entry, sides) => {
      const r = original(entry, sides);
      return r.action === 'merged' ? { action: 'merged', content: sides.file! } : r;
    }),
  },
  {
    name: 'merge-conflict-taken-silently',
    description: 'a conflicting three-way merge silently takes the file version',
    requirements: ['L3-DRIFT-010'],
    patch: resolveAs('three-way', (original) => (entry, sides) => {
      const r = original(entry, sides);
      return r.action === 'pending' && sides.file ? { action: 'psg-updated', content: sides.file } : r;
    }),
  },
  {
    name: 'artifact-without-produces-edge',
    description: 'artifact nodes are recorded without the produces edge from their step',
    requirements: ['L3-DRIFT-011'],
    patch: (rt) => {
      const track = rt.files.ledger.track.bind(rt.files.ledger);
      rt.files.ledger.track = (path, content, options) => track(path, content, options).filter((m) => !(m.op === 'add_edge' && m.edge.type === 'produces'));
    },
  },
  {
    name: 'follows-symlinks-outside',
    description: 'workspace paths are resolved without checking where symlinks lead',
    requirements: ['L3-DRIFT-012'],
    patch: (rt) => {
      const ws = rt.files.workspace;
      ws.resolve = async (path) => join(ws.root, ws.normalise(path));
    },
  },
  {
    name: 'restore-forgets-vsl',
    description: 'a snapshot restore puts files and artifact nodes back but not the VSL values steps wrote',
    requirements: ['L3-RB-005'],
    patch: (rt) => {
      rt.files.rollback.restoreVsl = async () => [];
    },
  },
  {
    name: 'compensation-in-forward-order',
    description: 'compensations run oldest first',
    requirements: ['L3-RB-002'],
    patch: onUndo((entries) => [...entries].reverse()),
  },
  {
    name: 'compensates-unrun-steps',
    description: 'rollback also compensates steps of the plan that never completed',
    requirements: ['L3-RB-006'],
    patch: onUndo((entries, planId, rt) => [
      ...entries,
      ...rt.psg
        .stepsOf(planId)
        .filter((s) => !entries.some((e) => e.stepId === s) && rt.psg.node(s)?.status !== 'completed')
        .map((stepId) => ({ stepId, actionId: rt.ids.next(), compensation: { action_type: 'file_operation' } })),
    ]),
  },
  {
    name: 'rollback-erases-failure',
    description: 'rollback also rewinds the trace: the failed segment and the step.failed record disappear',
    requirements: ['L3-RB-003'],
    patch: (rt) => {
      const rollBack = rt.files.rollback.rollBack.bind(rt.files.rollback);
      rt.files.rollback.rollBack = async (planId, guard) => {
        await rollBack(planId, guard);
        const traceId = rt.traceOfPlan.get(planId);
        if (!traceId) return;
        rt.traceSegments.set(traceId, (rt.traceSegments.get(traceId) ?? []).filter((id) => rt.psg.node(id)?.status !== 'failed'));
        rt.traceEvents.set(traceId, (rt.traceEvents.get(traceId) ?? []).filter((e) => e.event_type !== 'step.failed'));
      };
    },
  },
  {
    name: 'rollback-not-traced',
    description: 'compensations and restores leave no record in the trace',
    requirements: ['L3-RB-007'],
    patch: (rt) => {
      rt.files.rollback.record = () => undefined;
    },
  },
  {
    name: 'vsl-loses-last-write-on-restart',
    description: 'a session\'s last VSL set stays in memory and is gone when the session closes',
    requirements: ['L3-VSL-006'],
    patch: () => undefined,
  },
  {
    name: 'vsl-caches-reads',
    description: 'VSL reads come from a per-session cache that misses other sessions\' writes',
    requirements: ['L3-VSL-005'],
    patch: () => undefined,
  },
  {
    name: 'vsl-tx-writes-through',
    description: 'a VSL transaction writes as it goes, so a throwing one leaves its first writes',
    requirements: ['L3-VSL-002'],
    patch: () => undefined,
  },
  {
    name: 'vsl-tx-stages-references',
    description: 'a VSL transaction keeps the caller\'s objects by reference until its commit',
    requirements: ['L3-VSL-004'],
    patch: () => undefined,
  },
  {
    name: 'vsl-merges-objects',
    description: 'a VSL set of an object over an object merges their fields',
    requirements: ['L3-VSL-001'],
    patch: () => undefined,
  },
  {
    name: 'vsl-drops-large-values',
    description: 'VSL sets of values over 512 KiB are dropped silently',
    requirements: ['L3-VSL-007'],
    patch: () => undefined,
  },
  // ---------------------------------------------------------------- issue 16 coverage cells
  {
    name: 'stops-scheduling-beyond-1000-steps',
    description: 'steps after the first thousand of a plan never become ready (they end skipped): plans of 100+ steps run, 1,000+ do not',
    requirements: ['L3-ORCH-005'],
    patch: onRun((run) => {
      const r = run as unknown as { buildSchedule(): void; remaining: Int32Array; ready: { size: number; pop(): number | undefined; push(v: number): void } };
      const build = r.buildSchedule.bind(r);
      r.buildSchedule = () => {
        build();
        for (let v = 1000; v < r.remaining.length; v++) r.remaining[v] = 1 << 30;
        const keep: number[] = [];
        while (r.ready.size > 0) {
          const v = r.ready.pop()!;
          if (v < 1000) keep.push(v);
        }
        for (const v of keep) r.ready.push(v);
      };
    }),
  },
  {
    name: 'drops-step-events-in-long-sessions',
    description: 'once a session has emitted 5,000 events, step completions are no longer announced by pipeline_stage',
    requirements: ['L3-EVT-002'],
    patch: (rt) => {
      let emitted = 0;
      onEmit((e) => (++emitted > 5000 && isStepChange(e, 'completed') ? [] : e))(rt, {});
    },
  },
  {
    name: 'pause-ignored-with-many-steps-left',
    description: 'pausing a run with more than a hundred steps still to start is acknowledged but scheduling goes on',
    requirements: ['L3-PAUSE-001'],
    patch: onRun((run) => {
      const r = run as unknown as RunSeams & { planId: string; host: { psg: ProjectSemanticGraph } };
      const pause = r.pause.bind(r);
      r.pause = () => {
        if (r.host.psg.stepsOf(r.planId).length > 100) return;
        pause();
      };
    }),
  },
  {
    name: 'cancel-ignored-in-large-plans',
    description: 'cancelling a run of a plan over a hundred steps answers at once but the run goes on to its end',
    requirements: ['L3-ORCH-004'],
    patch: onRun((run) => {
      const r = run as unknown as RunSeams & { planId: string; host: { psg: ProjectSemanticGraph }; stop(to: 'failed' | 'cancelled'): Promise<void> };
      const stop = r.stop.bind(r);
      r.stop = async (to) => {
        if (to === 'cancelled' && r.host.psg.stepsOf(r.planId).length > 100) return;
        await stop(to);
      };
    }),
  },
  {
    name: 'blocks-no-dependents-in-large-plans',
    description: 'when a step of a plan over a hundred steps fails, its dependents stay pending instead of becoming blocked',
    requirements: ['L3-ORCH-003'],
    patch: onRun((run) => {
      const r = run as unknown as RunSeams & { planId: string; host: { psg: ProjectSemanticGraph } };
      const block = r.blockDependentsOfFailures.bind(r);
      r.blockDependentsOfFailures = async () => {
        if (r.host.psg.stepsOf(r.planId).length > 100) return;
        await block();
      };
    }),
  },
  {
    name: 'duplicate-step-ids-checked-in-first-100-steps',
    description: 'a plan whose duplicate step_id comes after its hundredth step is accepted (the second step overwrites the first)',
    requirements: ['L3-PSG-003'],
    patch: (rt) => {
      const load = rt.planLoad.bind(rt);
      rt.planLoad = (bundle) => {
        const b = bundle as { plans?: { steps: { step_id: string }[] }[] };
        const late = (b.plans ?? []).some((p) => p.steps.length > 100 && new Set(p.steps.map((s) => s.step_id)).size < p.steps.length && new Set(p.steps.slice(0, 100).map((s) => s.step_id)).size === 100);
        if (!late) return load(bundle);
        const dedup = { ...b, plans: (b.plans ?? []).map((p) => ({ ...p, steps: p.steps.filter((s, i) => p.steps.findIndex((x) => x.step_id === s.step_id) === i) })) };
        return load(dedup);
      };
    },
  },
  {
    name: 'cycle-search-gives-up-after-500-steps',
    description: 'a dependency cycle longer than 500 steps is not detected',
    requirements: ['L3-DAG-001'],
    patch: swallowPsgError((e) => e.code === 'DAG_CYCLE' && Array.isArray(e.details['cycle']) && (e.details['cycle'] as unknown[]).length > 500),
  },
  {
    name: 'dangling-dependencies-checked-in-first-plan-only',
    description: 'in a bundle of several plans only the first plan\'s dependencies are checked to name steps of the same plan (a later plan may depend on a step of another)',
    requirements: ['L3-DAG-003'],
    patch: (rt, options) => {
      let last: readonly Mutation[] = [];
      const check = rt.psg.check.bind(rt.psg);
      rt.psg.check = (batch) => {
        last = batch;
        return check(batch);
      };
      const firstPlan = () => last.find((m) => m.op === 'add_node' && m.node.type === 'plan');
      swallowPsgError(
        (e) => {
          const first = firstPlan();
          return e.code === 'REF_UNRESOLVED' && e.details['dependency'] !== undefined && first?.op === 'add_node' && e.details['plan'] !== first.node.id;
        },
        (batch) => batch.filter((m) => !(m.op === 'add_edge' && !exists(rt.psg, batch, m.edge.to))),
      )(rt, options);
    },
  },
  {
    name: 'actions-name-first-plan-of-bundle',
    description: 'step actions of a later plan of a bundle name the first plan of that bundle as their plan_id',
    requirements: ['L3-AEL-003'],
    patch: (rt, options) => {
      const firstOf = new Map<string, string>();
      const load = rt.planLoad.bind(rt);
      rt.planLoad = (bundle) => {
        const plans = (bundle as { plans?: { plan_id: string }[] }).plans ?? [];
        for (const p of plans.slice(1)) firstOf.set(p.plan_id, plans[0]!.plan_id);
        return load(bundle);
      };
      const ael = options.ael as { execute(action: { plan_id: string }): Promise<unknown> };
      const execute = ael.execute.bind(ael);
      ael.execute = (action) => execute({ ...action, plan_id: firstOf.get(action.plan_id) ?? action.plan_id });
    },
  },
  {
    name: 'accepts-plan-changes-while-paused',
    description: 'while a run is paused, its plan may be moved in_progress → approved (the guard treats a paused plan as not running)',
    requirements: ['L3-LIFE-001'],
    patch: (rt, options) => {
      const paused = new Set<string>();
      onRun((run) => {
        const r = run as unknown as RunSeams & { planId: string };
        const [pause, resume] = [r.pause.bind(r), r.resume.bind(r)];
        r.pause = () => (paused.add(r.planId), pause());
        r.resume = () => (paused.delete(r.planId), resume());
      })(rt, options);
      allowPair((o, from, to) => o === 'plan' && from === 'in_progress' && to === 'approved' && paused.size > 0)(rt, options);
      const seams = rt as unknown as { refuseWhileRunning(ref: { type: string; id: string }, to: string): void };
      const refuse = seams.refuseWhileRunning.bind(rt);
      seams.refuseWhileRunning = (ref, to) => (ref.type === 'plan' && to === 'approved' && paused.has(ref.id) ? undefined : refuse(ref, to));
    },
  },
  {
    name: 'unblocks-steps-after-plan-failed',
    description: 'a blocked step of a failed plan may be moved back to pending',
    requirements: ['L3-LIFE-013'],
    patch: (rt, options) => {
      allowPair((o, from, to) => o === 'step' && from === 'blocked' && to === 'pending')(rt, options);
      const refuse = rt.refuseAfterPlanEnd.bind(rt);
      rt.refuseAfterPlanEnd = (stepId, to) => (to === 'pending' && rt.psg.node(stepId)?.status === 'blocked' ? undefined : refuse(stepId, to));
    },
  },
  {
    name: 'cancel-ends-one-step-plans-at-once',
    description: 'cancelling a running plan of one step ends the plan cancelled while its step still runs',
    requirements: ['L3-ORCH-009'],
    patch: onRun((run) => {
      const r = run as unknown as RunSeams & { planId: string; host: { psg: ProjectSemanticGraph }; stop(to: 'failed' | 'cancelled'): Promise<void> };
      const stop = r.stop.bind(r);
      r.stop = async (to) => {
        if (r.host.psg.stepsOf(r.planId).length !== 1) return stop(to);
        r.stopping = to;
        await r.finish(to);
      };
    }),
  },
  {
    name: 'sa-runs-in-suspended-context',
    description: 'an SA run keeps starting steps after its Context was suspended mid-run (MAP runs hold)',
    requirements: ['L3-LIFE-012'],
    patch: (rt, options) => {
      const guard = rt.transitionGuard;
      const saPlans = new Set<string>();
      rt.transitionGuard = (object, id, from, to, guards) => guard(object, id, from, to, object === 'step' && [...saPlans].some((p) => rt.psg.stepsOf(p).includes(id)) ? (g) => (g === 'context_active' ? null : guards(g)) : guards);
      onRun((run) => {
        const r = run as unknown as RunSeams & { planId: string; profile: string };
        if (r.profile !== 'sa') return;
        saPlans.add(r.planId);
        const host = run.host as RunSeams['host'] & { psg: ProjectSemanticGraph };
        const status = host.status.bind(host);
        (run as unknown as { host: unknown }).host = { ...host, status: (nodeId: string) => (host.psg.node(nodeId)?.type === 'context' ? 'active' : status(nodeId)) };
      })(rt, options);
    },
  },
  {
    name: 'sa-stage-status-unmapped',
    description: 'in SA runs, a step\'s change to in_progress is announced with stage_status pending instead of running',
    requirements: ['L3-EVT-011'],
    patch: (rt, options) => {
      const saSteps = new Set<string>();
      onRun((run) => {
        const r = run as unknown as { planId: string; profile: string };
        if (r.profile === 'sa') for (const s of rt.psg.stepsOf(r.planId)) saSteps.add(s);
      })(rt, options);
      onEmit((e) => (isStepChange(e, 'in_progress') && saSteps.has(String(e.payload?.['resource_id'])) ? { ...e, stage_status: 'pending' } as BusEvent : e))(rt, options);
    },
  },
  {
    name: 'foreign-dependency-read-as-first-step',
    description: 'a dependency on a step of another plan is taken as a dependency on the plan\'s own first step (refused only when that closes a cycle, i.e. from the first step itself)',
    requirements: ['L3-DAG-003'],
    patch: (rt) => {
      const load = rt.planLoad.bind(rt);
      rt.planLoad = (bundle) => {
        const plan = load(bundle);
        const stepsOfBatch = new Set(plan.mutations.flatMap((m) => (m.op === 'link_steps' ? [...m.steps] : [])));
        const isStep = (id: string) => stepsOfBatch.has(id) || rt.psg.node(id)?.type === 'step';
        plan.mutations = plan.mutations.map((m) => {
          if (m.op !== 'link_steps') return m;
          const own = new Set(m.steps);
          return { ...m, deps: m.deps.map((list) => list?.map((d) => (!own.has(d) && isStep(d) ? m.steps[0]! : d))) };
        });
        return plan;
      };
    },
  },
  {
    name: 'sa-completed-miscounts-succeeded-steps',
    description: 'SACompleted reports steps_succeeded as the executed steps plus the failed ones',
    requirements: ['L3-SA-007'],
    patch: onEmit((e) => {
      if ('event_family' in e || e.event_type !== 'SACompleted') return e;
      const p = (e as { payload?: Record<string, unknown> }).payload ?? {};
      return { ...e, payload: { ...p, steps_succeeded: Number(p['steps_executed'] ?? 0) + Number(p['steps_failed'] ?? 0) } } as BusEvent;
    }),
  },
  {
    name: 'map-session-completed-without-totals',
    description: 'MAPSessionCompleted reports only the status, without participants_count and turns_total',
    requirements: ['L3-MAP-006'],
    patch: onEmit((e) => {
      if ('event_family' in e || e.event_type !== 'MAPSessionCompleted') return e;
      return { ...e, payload: { status: (e as { payload?: Record<string, unknown> }).payload?.['status'] } } as BusEvent;
    }),
  },
  {
    name: 'rollback-records-untyped-trace-events',
    description: 'the rollback appends its records to the trace with an empty event_type, so the trace no longer reads back schema-valid',
    requirements: ['L3-PSG-004'],
    patch: (rt) => {
      const record = rt.files.rollback.record.bind(rt.files.rollback);
      rt.files.rollback.record = (planId, _type, data) => record(planId, '', data);
    },
  },
  {
    name: 'empty-rejection-completes-step',
    description: 'an action that rejects with an Error without a message is taken as a success (the runtime keys the failure on the message), so the step completes and its dependents run',
    requirements: ['L3-AEL-002'],
    patch: () => undefined,
  },
  {
    name: 'rolls-back-completed-plan',
    description: 'the rollback hook treats every ended run as failed, so a plan that completes under a rollback policy has its compensations run and its snapshot restored',
    requirements: ['L3-RB-008'],
    patch: (rt) => {
      const rollback = rt.files.rollback;
      const runEnded = rollback.runEnded.bind(rollback);
      rollback.runEnded = (planId, status) => runEnded(planId, status === 'completed' ? 'failed' : status);
    },
  },
  {
    name: 'skipped-dependency-ends-run-early',
    description: 'when the only open steps left are dependents of a skipped step, the run tries to complete the plan without settling them: the completion is refused and run() answers with the plan still in_progress',
    requirements: ['L3-ORCH-005'],
    patch: onRun((run) => {
      const r = run as unknown as { skipUnreachable(open: string[]): Promise<void>; finish(to: 'completed'): Promise<void> };
      r.skipUnreachable = () => r.finish('completed');
    }),
  },
  {
    name: 'skipped-dependency-counts-as-completed',
    description: 'a dependency skipped before the run counts as completed, both when the schedule is built and in the step-start guard, so its dependents run',
    requirements: ['L3-ORCH-001'],
    patch: (rt, options) => {
      skipGuard('dependencies_completed')(rt, options);
      skippedCountsAsCompleted(rt, options);
    },
  },
  {
    name: 'ready-queue-sifts-to-wrong-child',
    description: 'the ready-step queue sifts down comparing a node with its left child and its left sibling\'s subtree instead of its right child, so after the first picks an SA run may start a ready step before one with a lower order_index',
    requirements: ['L3-SA-002'],
    patch: onRun((run) => {
      const r = run as unknown as { buildSchedule(): void; ready: { heap: number[]; less(a: number, b: number): boolean; pop(): number | undefined } };
      const build = r.buildSchedule.bind(r);
      r.buildSchedule = () => {
        build();
        const q = r.ready;
        q.pop = () => {
          const h = q.heap;
          if (h.length === 0) return undefined;
          const top = h[0]!;
          const last = h.pop()!;
          if (h.length > 0) {
            h[0] = last;
            for (let i = 0; ; ) {
              const l = 2 * i + 1, wrong = l - 1;
              let m = i;
              if (l < h.length && q.less(h[l]!, h[m]!)) m = l;
              if (wrong < h.length && q.less(h[wrong]!, h[m]!)) m = wrong;
              if (m === i) break;
              [h[i], h[m]] = [h[m]!, h[i]!];
              i = m;
            }
          }
          return top;
        };
      };
    }),
  },
  {
    name: 'wide-dependency-list-drops-first',
    description: 'a step with more than 32 dependencies is registered without its first one, so it may start while that dependency still runs',
    requirements: ['L3-ORCH-001'],
    patch: (rt) => {
      const load = rt.planLoad.bind(rt);
      rt.planLoad = (bundle) => {
        const plan = load(bundle);
        plan.mutations = plan.mutations.map((m) => (m.op === 'link_steps' ? { ...m, deps: m.deps.map((list) => (list && list.length > 32 ? list.slice(1) : list)) } : m));
        return plan;
      };
    },
  },
  {
    name: 'plan-steps-lost-after-node-removed',
    description: 'once the PSG has removed a node (fs-wins forgetting a deleted file), a plan registered later keeps no list of its steps: it cannot start, and none of its steps runs',
    requirements: ['L3-ORCH-005'],
    patch: (rt) => {
      const apply = rt.psg.apply.bind(rt.psg);
      const stepsOf = rt.psg.stepsOf.bind(rt.psg);
      let removed = false;
      const lost = new Set<string>();
      rt.psg.apply = (batch) => {
        for (const m of batch) {
          if (m.op === 'delete_node') removed = true;
          else if (m.op === 'link_steps' && removed) lost.add(m.plan);
        }
        return apply(batch);
      };
      rt.psg.stepsOf = (planId) => (lost.has(planId) ? [] : stepsOf(planId));
    },
  },
  {
    name: 'large-graph-update-lists-no-edges',
    description: 'a graph_update of a large batch (32 entries or more, e.g. a long plan registered in one load) lists its nodes but none of its edges (deltas still right)',
    requirements: ['L3-EVT-004'],
    patch: onEmit((e) => {
      if ((e as { event_family?: string }).event_family !== 'graph_update') return e;
      const payload = e.payload as { nodes?: unknown[]; edges?: unknown[] } | undefined;
      if (!payload?.nodes || !payload.edges || payload.nodes.length + payload.edges.length < 32) return e;
      return { ...e, payload: { ...payload, edges: [] } } as BusEvent;
    }),
  },
  {
    name: 'wide-dependency-list-hides-failure',
    description: 'the dependencies of a step with more than 32 are kept where the failure check does not look, so when one of them fails the step is never blocked and the plan never ends',
    requirements: ['L3-ORCH-003'],
    patch: (rt) => {
      const dependenciesOf = rt.psg.dependenciesOf.bind(rt.psg);
      rt.psg.dependenciesOf = (stepId) => {
        const deps = dependenciesOf(stepId);
        return deps.length > 32 ? [] : deps;
      };
    },
  },
  {
    name: 'foreign-only-dependencies-accepted',
    description: 'a plan whose every dependency names a step of another plan (none inside its own plan) is accepted: the foreign-dependency refusal only fires when the plan also has a dependency of its own',
    requirements: ['L3-DAG-003'],
    patch: swallowPsgError(
      (e) => e.code === 'REF_UNRESOLVED' && typeof e.details?.['dependency'] === 'string',
      (batch) => {
        // Refused for a foreign dependency: let it through when no dependency of the batch stays inside its own plan.
        const internal = batch.some((m) => m.op === 'link_steps' && m.deps.some((list) => list?.some((d) => m.steps.includes(d))));
        if (internal) throw new RuntimeError('REF_UNRESOLVED', 'a dependency names no step of the same plan');
        return [...batch];
      },
    ),
  },
  {
    name: 'repeated-rejection-drops-confirm-status',
    description: 'a further rejection recorded on a reopened Confirm (a decision that keeps its status) also clears the status the PSG holds for the Confirm, so it reads back without the status of its latest decision',
    requirements: ['L3-APPR-005'],
    patch: (rt) => {
      const apply = rt.psg.apply.bind(rt.psg);
      rt.psg.apply = (batch) => {
        const change = apply(batch);
        for (const m of batch) {
          if (m.op !== 'update_node' || m.status !== undefined || !m.data || !('decisions' in m.data)) continue;
          const node = rt.psg.node(m.id);
          if (node) delete node.status;
        }
        return change;
      };
    },
  },
  {
    name: 'graph-update-leaves-out-removed-nodes',
    description: 'graph_update payloads list the nodes a batch adds or updates but not the ones it removes (deltas still right), so a deleted artifact node is announced by no listing',
    requirements: ['L3-EVT-004'],
    patch: onEmit((e) => {
      if ((e as { event_family?: string }).event_family !== 'graph_update') return e;
      const payload = e.payload as { nodes?: { op?: string }[] } | undefined;
      if (!payload?.nodes?.some((n) => n.op === 'delete')) return e;
      return { ...e, payload: { ...payload, nodes: payload.nodes.filter((n) => n.op !== 'delete') } } as BusEvent;
    }),
  },
  {
    name: 'wide-output-list-loses-late-edges',
    description: 'a step that produced more than 32 files no longer finds the produces edges added after the 33rd, so fs-wins cannot remove the nodes of those files once they are deleted',
    requirements: ['L3-DRIFT-007'],
    patch: (rt) => {
      const hasEdge = rt.psg.hasEdge.bind(rt.psg);
      const apply = rt.psg.apply.bind(rt.psg);
      /** Produces edges per step, in the order they were added. */
      const produced = new Map<string, string[]>();
      rt.psg.apply = (batch) => {
        for (const m of expandBatch(batch)) {
          if (m.op === 'add_edge' && m.edge.type === 'produces') produced.set(m.edge.from, [...(produced.get(m.edge.from) ?? []), m.edge.to]);
        }
        return apply(batch);
      };
      rt.psg.hasEdge = (edge) => {
        const list = edge.type === 'produces' ? produced.get(edge.from) : undefined;
        if (list && list.length > 33 && list.indexOf(edge.to) >= 33) return false;
        return hasEdge(edge);
      };
    },
  },
];

/** Faults planted through constructor options rather than patched in. */
const OPTIONS_FOR: Readonly<Record<string, (options: RuntimeOptions) => Partial<RuntimeOptions>>> = {
  'vsl-stale-read': () => ({ vsl: new StaleVsl() }),
  'vsl-shares-references': () => ({ vsl: new SharingVsl() }),
  // These wrap the session's own VSL (options.vsl), so sessions given one env.vslShare still share.
  'vsl-loses-last-write-on-restart': (o) => ({ vsl: new LosesLastWriteVsl(o.vsl!) }),
  'vsl-caches-reads': (o) => ({ vsl: new CachingVsl(o.vsl!) }),
  'vsl-tx-writes-through': (o) => ({ vsl: new WriteThroughTxVsl(o.vsl!) }),
  'vsl-tx-stages-references': (o) => ({ vsl: new TxReferenceVsl(o.vsl!) }),
  'vsl-merges-objects': (o) => ({ vsl: new MergingVsl(o.vsl!) }),
  'vsl-drops-large-values': (o) => ({ vsl: new SizeCappedVsl(o.vsl!) }),
  'accepts-schema-invalid-object': () => ({ validateObjects: false }),
  'empty-rejection-completes-step': (o) => ({
    ael: {
      execute: async (action) => {
        try {
          return await o.ael!.execute(action);
        } catch (e) {
          if (e instanceof Error && e.message === '') return undefined;
          throw e;
        }
      },
    },
  }),
};

export function faultNamed(name: string): Fault {
  const f = FAULTS.find((x) => x.name === name);
  if (!f) throw new Error(`no planted fault named ${name}; known: ${FAULTS.map((x) => x.name).join(', ')}`);
  return f;
}

/** The reference adapter with one patch planted in every session's runtime: the one mechanism
 *  planted faults (mutants) and must-pass variants (test/variants) share. */
export function plantedAdapter(label: string, patch: Patch, optionsFor?: (options: RuntimeOptions) => Partial<RuntimeOptions>): Adapter {
  return adapterFor(
    (options) => {
      const opts = { ...options, ...optionsFor?.(options) };
      const rt = new L3Runtime(opts);
      patch(rt as unknown as Seams, opts);
      return rt;
    },
    { ...referenceDescription, name: `${referenceDescription.name} [${label}]` },
  );
}

/** The reference adapter with one named fault planted in every session's runtime. */
export function mutantAdapter(name: string): Adapter {
  const fault = faultNamed(name);
  return plantedAdapter(`mutant: ${name}`, fault.patch, OPTIONS_FOR[name]);
}
