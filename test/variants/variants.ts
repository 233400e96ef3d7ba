// Must-pass variants: the mirror image of the planted-fault corpus. Each variant is the
// reference runtime with ONE behaviour the spec permits but the reference does not have,
// injected through the same seams as the mutants (test/mutants/faults.ts). The whole kit must
// grade every variant, and a runtime with every variant on at once, conformant: zero `fail`,
// zero `error`. A check that fails a variant grades the reference's habits, not the spec.

import type { Adapter } from '../../src/adapter/contract.js';
import { nameToUuidV4, randomIds } from '../../src/mplp/ids.js';
import { classify } from '../../src/mplp/transitions.js';
import type { BusEvent, LifecycleObject, Trace } from '../../src/mplp/types.js';
import { RuntimeError, type RuntimeOptions } from '../../src/runtime/index.js';
import type { Mutation, PsgNode } from '../../src/runtime/psg/graph.js';
import { onEmit, onRun, plantedAdapter, type Patch, type RunSeams, type Seams } from '../mutants/faults.js';

export interface Variant {
  name: string;
  description: string;
  /** The seed or digest text that permits the behaviour. */
  latitude: string;
  patch: Patch;
  options?: (options: RuntimeOptions) => Partial<RuntimeOptions>;
}

/** Seams variants use beyond the mutants' (protected members of L3Runtime). */
type VariantSeams = Seams & {
  graph(): { nodes: { type: string; id: string; status?: string }[]; edges: { from: string; to: string; type: string }[] };
  get(ref: { type: string; id: string }): unknown;
  decide(d: { target_id: string; status: 'approved' | 'rejected' | 'cancelled'; decided_by_role: string; reason?: string }, confirmId?: string): Promise<void>;
  cancel(planId: string): Promise<void>;
  load: (bundle: unknown) => Promise<void>;
  pause(planId: string): Promise<void>;
  resume(planId: string): Promise<void>;
  status(id: string): string | undefined;
  projectOf(id: string): string | undefined;
  lock: { run<T>(fn: () => Promise<T> | T): Promise<T> };
  runs: Map<string, { stop(to: 'cancelled' | 'failed'): Promise<void> }>;
  clock: () => string;
  confirmsOfTarget: Map<string, string[]>;
  reopenedConfirms: Set<string>;
  submissionMutations(planId: string): Mutation[];
  onPlanSubmitted(planId: string): void;
  manualRequest(object: LifecycleObject, id: string, to: string): { object: LifecycleObject; id: string; to: string; extra?: Mutation[]; coupled?: { object: LifecycleObject; id: string; to: string }[] };
  newTrace(plan: { plan_id: string; context_id: string }): Trace;
  persistedState: (changes: unknown[], extra: Mutation[]) => [string, unknown][];
};

const seams = (rt: Seams) => rt as VariantSeams;

const isFamily = (e: BusEvent, family: string) => (e as { event_family?: string }).event_family === family;

/** Emits one event-core event through the bus (it gets the next payload.seq like any other). */
function emitCore(rt: VariantSeams, fields: Record<string, unknown>): void {
  rt.bus.emit({ event_id: rt.ids.next(), timestamp: rt.clock(), ...fields } as unknown as BusEvent);
}

/** Spec spellings of the PSG's edge types (digest §9.1), with the spec's direction. */
const SPEC_EDGES: Readonly<Record<string, { type: string; reverse: boolean }>> = {
  plan_context: { type: 'HAS_CONTEXT', reverse: false },
  step_plan: { type: 'CONTAINS', reverse: true },
  depends_on: { type: 'DEPENDS_ON', reverse: false },
  trace_plan: { type: 'TRACES_PLAN', reverse: false },
  trace_context: { type: 'TRACES', reverse: false },
  segment_trace: { type: 'PART_OF', reverse: false },
  confirm_target: { type: 'CONFIRMS', reverse: false },
  collab_context: { type: 'HAS_CONTEXT', reverse: false },
  produces: { type: 'PRODUCES', reverse: false },
};

/** Node type names of digest §9.1 (ContextNode, PlanNode, …). */
const specNodeType = (type: string) => `${type.charAt(0).toUpperCase()}${type.slice(1)}Node`;

/** Holds a step's pipeline_stage in_progress event until the step's runtime_execution start went
 *  out (the reference emits them the other way round; nothing in the spec orders the two). */
function executionEventFirst(): Patch {
  return (raw) => {
    const rt = seams(raw);
    const emit = rt.bus.emit.bind(rt.bus);
    const held = new Map<string, BusEvent>();
    rt.bus.emit = (e) => {
      const p = (e as { payload?: Record<string, unknown> }).payload ?? {};
      // Only a start the run makes is followed by its action's event; a manual start is not held.
      const byRun = rt.runs.has((e as { pipeline_id?: string }).pipeline_id ?? '');
      if (byRun && isFamily(e, 'pipeline_stage') && p['resource_type'] === 'step' && p['to_status'] === 'in_progress') {
        held.set(p['resource_id'] as string, e);
        return e;
      }
      emit(e);
      const step = p['step_id'] as string | undefined;
      if (isFamily(e, 'runtime_execution') && step !== undefined && held.has(step)) {
        emit(held.get(step)!);
        held.delete(step);
      }
      return e;
    };
  };
}

/** Adds a pipeline_stage event for a resource other than a plan or step (digest §5.1 module-event matrix). */
function otherResourceStage(rt: VariantSeams, resourceType: string, resourceId: string, from: string, to: string, eventType: string, planId?: string): void {
  const project = rt.projectOf(resourceId);
  emitCore(rt, {
    event_type: eventType,
    event_family: 'pipeline_stage',
    pipeline_id: planId ?? nameToUuidV4('variant-pipeline', resourceId),
    stage_id: resourceId,
    stage_name: `${resourceType} ${to}`,
    stage_status: to === 'approved' || to === 'active' || to === 'completed' ? 'completed' : 'pending',
    ...(project ? { project_id: project } : {}),
    payload: { resource_type: resourceType, resource_id: resourceId, from_status: from, to_status: to },
  });
}

export const VARIANTS: readonly Variant[] = [
  {
    name: 'confirm-decision-pipeline-stage',
    description: 'every Confirm decision also emits a pipeline_stage event (confirm_resolved) about the Confirm',
    latitude: 'digest §5.1: the module-event matrix lists confirm_resolved (pipeline_stage) and "Confirm → pipeline_stage on decision"; SEED-L3 §3.6 lists pipeline_stage producers beyond plan/step',
    patch: (raw) => {
      const rt = seams(raw);
      const decide = rt.decide.bind(rt);
      rt.decide = async (d, confirmId) => {
        const before = new Map((rt.confirmsOfTarget.get(d.target_id) ?? []).map((c) => [c, rt.status(c)]));
        await decide(d, confirmId);
        for (const c of rt.confirmsOfTarget.get(d.target_id) ?? []) {
          const from = before.get(c);
          const to = rt.status(c)!;
          if (from !== undefined && from !== to) otherResourceStage(rt, 'confirm', c, from, to, 'confirm_resolved', d.target_id);
        }
      };
    },
  },
  {
    name: 'context-status-pipeline-stage',
    description: 'Context status changes emit pipeline_stage events (context_activated and friends)',
    latitude: 'digest §5.1: MEM@old adds context_activated (pipeline_stage); digest §9.1 PATHS@old: Context PipelineStageEvent MUST on activation/deactivation',
    patch: (raw) => {
      const rt = seams(raw);
      const transition = rt.transition.bind(rt);
      rt.transition = async (ref, to) => {
        const from = rt.status(ref.id);
        await transition(ref, to);
        if (ref.type === 'context' && from !== undefined && from !== to) otherResourceStage(rt, 'context', ref.id, from, to, `context_${to === 'active' ? 'activated' : to}`);
      };
    },
  },
  {
    name: 'spec-spelled-psg-names',
    description: 'the PSG export names node types ContextNode, PlanNode, … and edge types HAS_CONTEXT, CONTAINS (plan → step), DEPENDS_ON, PRODUCES, …',
    latitude: 'digest §9.1 (PSG@old §4.1/§4.2 node and edge type names); contract: GraphNode.type and GraphEdge.type are free strings',
    patch: (raw) => {
      const rt = seams(raw);
      const graph = rt.graph.bind(rt);
      rt.graph = () => {
        const g = graph();
        return {
          nodes: g.nodes.map((n) => ({ ...n, type: specNodeType(n.type) })),
          edges: g.edges.map((e) => {
            const spec = SPEC_EDGES[e.type] ?? { type: e.type.toUpperCase(), reverse: false };
            return spec.reverse ? { from: e.to, to: e.from, type: spec.type } : { from: e.from, to: e.to, type: spec.type };
          }),
        };
      };
    },
  },
  {
    name: 'strict-failed-guard',
    description: 'plan in_progress → failed is refused unless one of its steps failed',
    latitude: 'digest §3.1: in_progress → failed has the trigger/guard "a critical step failed"',
    patch: (raw) => {
      const rt = seams(raw);
      const guard = rt.transitionGuard;
      rt.transitionGuard = (object, id, from, to, guards) => {
        if (object === 'plan' && from === 'in_progress' && to === 'failed' && !rt.psg.stepsOf(id).some((s) => rt.status(s) === 'failed')) {
          throw new RuntimeError('GUARD_FAILED', `plan ${id}: in_progress → failed needs a failed step (PLAN-MOD@old: a critical step failed)`, { id });
        }
        return guard(object, id, from, to, guards);
      };
    },
  },
  {
    name: 'withdrawal-cancels-confirm',
    description: 'a direct plan proposed → draft cancels the plan\'s open Confirm; a later submission opens a new one',
    latitude: 'digest §3.1 [KIT]: a Confirm cancelled on a proposed plan is a withdrawal; the spec is silent on the Confirm after a direct proposed → draft (issue 15, class 4)',
    patch: (raw) => {
      const rt = seams(raw);
      const transition = rt.transition.bind(rt);
      rt.transition = async (ref, to) => {
        const from = rt.status(ref.id);
        await transition(ref, to);
        if (ref.type !== 'plan' || from !== 'proposed' || to !== 'draft') return;
        for (const c of rt.confirmsOfTarget.get(ref.id) ?? []) {
          if (rt.status(c) === 'pending') await rt.decide({ target_id: ref.id, status: 'cancelled', decided_by_role: 'runtime', reason: 'plan withdrawn' }, c);
        }
      };
    },
  },
  {
    name: 'trace-at-first-execution',
    description: 'a plan\'s Trace is created when the plan first enters in_progress, not at registration',
    latitude: 'digest §3.4 [KIT]: the trace is pending "when created for a plan" — the moment of creation is not fixed',
    patch: (raw) => {
      const rt = seams(raw);
      const planLoad = rt.planLoad.bind(rt);
      rt.planLoad = (bundle) => {
        const out = planLoad(bundle) as { mutations: Mutation[]; vsl: [string, unknown][]; afterApply: (() => void)[] };
        const given = new Set(((bundle as { traces?: { trace_id: string }[] }).traces ?? []).map((t) => t.trace_id));
        const made = new Set(out.mutations.flatMap((m) => (m.op === 'add_node' && m.node.type === 'trace' && !given.has(m.node.id) ? [m.node.id] : [])));
        if (made.size === 0) return out;
        out.mutations = out.mutations.filter((m) => !(m.op === 'add_node' && made.has(m.node.id)) && !(m.op === 'add_edge' && made.has(m.edge.from)));
        out.vsl = out.vsl.filter(([k]) => !made.has(k.slice('traces/'.length)));
        out.afterApply.push(() => {
          for (const [plan, trace] of rt.traceOfPlan) if (made.has(trace)) rt.traceOfPlan.delete(plan);
        });
        return out;
      };
      const manualRequest = rt.manualRequest.bind(rt);
      rt.manualRequest = (object, id, to) => {
        const req = manualRequest(object, id, to);
        if (object !== 'plan' || to !== 'in_progress' || rt.traceOfPlan.has(id)) return req;
        const plan = rt.psg.node(id)!;
        const trace = rt.newTrace({ plan_id: id, context_id: plan.data['context_id'] as string });
        const { status: _pending, ...data } = trace;
        const node: PsgNode = { type: 'trace', id: trace.trace_id, status: 'running', data };
        req.extra = [
          ...(req.extra ?? []),
          { op: 'add_node', node },
          { op: 'add_edge', edge: { from: trace.trace_id, to: id, type: 'trace_plan' } },
          { op: 'add_edge', edge: { from: trace.trace_id, to: trace.context_id, type: 'trace_context' } },
        ];
        return req;
      };
      // Bound to its plan only once the batch that creates it is applied (a refused start leaves no trace).
      const noteSegments = rt.noteSegments.bind(rt);
      rt.noteSegments = (change) => {
        for (const n of change.nodes) {
          if (n.type !== 'trace' || n.op !== 'add') continue;
          const plan = rt.psg.node(n.id)?.data['plan_id'];
          if (typeof plan === 'string' && !rt.traceOfPlan.has(plan)) {
            rt.traceOfPlan.set(plan, n.id);
            rt.traceSegments.set(n.id, []);
          }
        }
        noteSegments(change);
      };
    },
  },
  {
    name: 'new-confirm-per-round',
    description: 'resubmitting a rejected plan opens a new pending Confirm instead of reopening the rejected one',
    latitude: 'digest §3.5 [KIT]: vendors that open a new Confirm per round are not penalised',
    patch: (raw) => {
      const rt = seams(raw);
      const submission = rt.submissionMutations.bind(rt);
      rt.submissionMutations = (planId) => {
        const ids = rt.confirmsOfTarget.get(planId) ?? [];
        if (ids.some((c) => rt.status(c) === 'pending')) return [];
        // Hide rejected rounds from the reference's reopen rule for this one call.
        const saved = [...ids];
        rt.confirmsOfTarget.set(planId, saved.filter((c) => rt.status(c) !== 'rejected'));
        try {
          return submission(planId);
        } finally {
          rt.confirmsOfTarget.set(planId, saved);
        }
      };
      const submitted = rt.onPlanSubmitted.bind(rt);
      rt.onPlanSubmitted = (planId) => {
        submitted(planId);
        for (const c of rt.confirmsOfTarget.get(planId) ?? []) rt.reopenedConfirms.delete(c);
      };
    },
  },
  {
    name: 'vendor-error-codes',
    description: 'every refusal carries the vendor\'s own code and message (E_REFUSED: "operation refused")',
    latitude: 'digest §11 / docs/adapter.md: the protocol defines no error codes; codes and messages are the runtime\'s',
    patch: (raw) => {
      const rt = seams(raw);
      const recode = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
        try {
          return await fn(...a);
        } catch (e) {
          if (e instanceof RuntimeError) throw new RuntimeError('E_REFUSED' as RuntimeError['code'], `operation refused (${e.code.toLowerCase()})`);
          throw e;
        }
      };
      rt.load = recode(rt.load.bind(rt));
      rt.transition = recode(rt.transition.bind(rt));
      rt.decide = recode(rt.decide.bind(rt));
      rt.cancel = recode(rt.cancel.bind(rt));
      rt.pause = recode(rt.pause.bind(rt));
      rt.resume = recode(rt.resume.bind(rt));
    },
  },
  {
    name: 'extra-event-fields',
    description: 'event-core events carry vendor fields at the top level and in payload; profile events carry extra payload fields',
    latitude: 'digest §5.2: the event core has additionalProperties: true; SA/MAP payloads are free objects (§5.6, §5.7)',
    patch: onEmit((e) => {
      const payload = { ...((e as { payload?: Record<string, unknown> }).payload ?? {}), vendor_trace: 'acme-7' };
      if ((e as { event_family?: string }).event_family === undefined) return { ...e, payload } as BusEvent;
      return { ...e, x_vendor: 'acme', source_module: 'acme.runtime', payload } as unknown as BusEvent;
    }),
  },
  {
    name: 'extra-event-families',
    description: 'every step status change is followed by cost_budget and reasoning_graph events, and loads by an intent event',
    latitude: 'digest §5.1/§5.10: cost_budget, intent, reasoning_graph are optional families any module may add',
    patch: (raw) => {
      const rt = seams(raw);
      const emit = rt.bus.emit.bind(rt.bus);
      rt.bus.emit = (e) => {
        emit(e);
        const p = (e as { payload?: Record<string, unknown> }).payload ?? {};
        if (isFamily(e, 'pipeline_stage') && p['resource_type'] === 'step') {
          emit({ event_id: rt.ids.next(), timestamp: rt.clock(), event_type: 'budget_checked', event_family: 'cost_budget', payload: { step_id: p['resource_id'], tokens: 0 } } as unknown as BusEvent);
          emit({ event_id: rt.ids.next(), timestamp: rt.clock(), event_type: 'coordination_reasoning', event_family: 'reasoning_graph', payload: { step_id: p['resource_id'] } } as unknown as BusEvent);
        }
        if (isFamily(e, 'graph_update') && (e as { update_kind?: string }).update_kind === 'bulk') {
          emit({ event_id: rt.ids.next(), timestamp: rt.clock(), event_type: 'intent_extracted', event_family: 'intent', payload: {} } as unknown as BusEvent);
        }
        return e;
      };
    },
  },
  {
    name: 'no-status-node-updates',
    description: 'status changes emit no graph_update (node_update with zero deltas): only structural changes do',
    latitude: 'digest §5.4 [KIT]: node_update for pure status changes is not required (status changes are not structural)',
    patch: onEmit((e) => (isFamily(e, 'graph_update') && (e as { update_kind?: string }).update_kind === 'node_update' && (e as { node_delta?: number }).node_delta === 0 && (e as { edge_delta?: number }).edge_delta === 0 ? [] : e)),
  },
  {
    name: 'execution-event-first',
    description: 'a step\'s runtime_execution start event comes before its pipeline_stage in_progress event',
    latitude: 'digest §5.5/§5.10: nothing orders runtime_execution events against pipeline_stage events (only causal order, DEEP §6.3)',
    patch: executionEventFirst(),
  },
  {
    name: 'cancel-returns-at-once',
    description: 'cancel of an executing plan answers at once; the plan reaches cancelled when its running steps drained',
    latitude: 'issue 15 (cancel that does or does not wait for running steps); digest §3.1 in_progress → cancelled says nothing of when cancel answers',
    patch: (raw) => {
      const rt = seams(raw);
      const cancel = rt.cancel.bind(rt);
      rt.cancel = (planId) => {
        if (!rt.runs.has(planId)) return cancel(planId);
        const stopping = cancel(planId);
        stopping.catch(() => undefined);
        return Promise.resolve();
      };
    },
  },
  {
    name: 'random-ids',
    description: 'every id the runtime makes (traces, Confirms, decisions, segments, events, PSG) is a fresh random v4 UUID',
    latitude: 'digest §1.1: any lowercase v4 UUID is an identifier; the seed given to sessions is for randomised behaviour, not a duty',
    patch: () => undefined,
    options: () => ({ ids: randomIds, graphId: randomIds.next() }),
  },
  {
    name: 'offset-timestamps',
    description: 'timestamps use a +02:00 offset and microsecond precision',
    latitude: 'digest §1.7: format date-time (RFC 3339) allows any offset and fraction',
    patch: () => undefined,
    options: () => {
      let tick = 0;
      return {
        clock: () => {
          const t = new Date(Date.now() + 2 * 3600_000).toISOString();
          tick = (tick + 1) % 1000;
          return `${t.slice(0, 23)}${String(tick).padStart(3, '0')}+02:00`;
        },
      };
    },
  },
  {
    name: 'no-event-seq',
    description: 'events carry no payload.seq: order is the order of events()',
    latitude: 'digest §5.10 [KIT]: the bus sequence number is the kit\'s reading; L3-EVT-008 grades it only when one is given',
    patch: onEmit((e) => {
      const out = { ...e } as BusEvent & { payload?: Record<string, unknown> };
      if (out.payload) {
        const { seq: _seq, ...rest } = out.payload;
        out.payload = rest;
      }
      return out;
    }),
  },
  {
    name: 'omits-optional-event-fields',
    description: 'pipeline_stage events omit stage_name and stage_order, every event omits project_id, graph_update omits source_module',
    latitude: 'digest §5.2–§5.4: stage_name, stage_order, project_id and source_module are optional schema fields',
    patch: onEmit((e) => {
      const { project_id: _p, stage_name: _n, stage_order: _o, source_module: _s, ...rest } = e as Record<string, unknown>;
      return rest as unknown as BusEvent;
    }),
  },
  {
    name: 'refuses-unlisted-k-rows',
    description: 'every plan, step, context and collab status change the L2 tables leave to the runtime (K) is refused',
    latitude: 'digest §3 class K: upstream silent or contradictory, not graded',
    patch: (raw) => {
      const rt = seams(raw);
      const guard = rt.transitionGuard;
      rt.transitionGuard = (object, id, from, to, guards) => {
        const c = classify(object, from, to);
        if (object !== 'confirm' && c.kind === 'row' && c.row.class === 'K') throw new RuntimeError('TRANSITION_FORBIDDEN', `${object} ${from} → ${to} is not supported here (K)`, { id });
        return guard(object, id, from, to, guards);
      };
    },
  },
  {
    name: 'accepts-unlisted-k-rows',
    description: 'every status change the L2 tables leave to the runtime (K) is accepted, e.g. step blocked → pending, context archived → active',
    latitude: 'digest §3 class K: upstream silent or contradictory, not graded',
    patch: (raw) => {
      const rt = seams(raw);
      const guard = rt.transitionGuard;
      rt.transitionGuard = (object, id, from, to, guards) => {
        const c = classify(object, from, to);
        if (object !== 'confirm' && c.kind === 'row' && c.row.class === 'K') return { kind: 'allowed', row: { ...c.row, reference: 'allow' } };
        return guard(object, id, from, to, guards);
      };
    },
  },
  {
    name: 'restore-before-compensation',
    description: 'a rolled-back plan restores its snapshot first and compensates afterwards',
    latitude: 'digest §9.6: DRIFT@old procedure (load snapshot → revert → restore files → compensate side effects) vs SEED-L3 §7 (either strategy) — the order is open',
    patch: (raw) => {
      const rt = seams(raw);
      const rollback = rt.files.rollback as unknown as Record<string, (...a: unknown[]) => unknown>;
      const restore = rollback['restore']!.bind(rollback);
      let pending: ((...a: unknown[]) => unknown) | undefined;
      // The reference compensates first: run the restore as soon as the rollback starts instead.
      rollback['restore'] = async (snapshot: unknown) => (pending ? pending() : restore(snapshot));
      const rollBack = rollback['rollBack']!.bind(rollback);
      rollback['rollBack'] = async (planId: unknown, guard: unknown) => {
        const g = guard as { snapshot?: unknown };
        if (!g.snapshot) return rollBack(planId, guard);
        const restored = await restore(g.snapshot);
        pending = async () => restored;
        try {
          return await rollBack(planId, guard);
        } finally {
          pending = undefined;
        }
      };
    },
  },
  {
    name: 'plan-level-trace-segment',
    description: 'besides one segment per step, the trace gains a segment for the plan as a whole when the plan ends',
    latitude: 'digest §2.3: segments are the protocol\'s execution intervals (attributes mplp.module / mplp.operation), nothing limits them to steps',
    patch: (raw) => {
      const rt = seams(raw);
      const manualRequest = rt.manualRequest.bind(rt);
      const SEGMENT_OF: Record<string, string> = { completed: 'completed', failed: 'failed', cancelled: 'cancelled' };
      rt.manualRequest = (object, id, to) => {
        const req = manualRequest(object, id, to);
        const trace = rt.traceOfPlan.get(id);
        if (object !== 'plan' || !SEGMENT_OF[to] || !trace || rt.status(id) !== 'in_progress') return req;
        const segment_id = rt.ids.next();
        const node: PsgNode = { type: 'segment', id: segment_id, status: SEGMENT_OF[to], data: { segment_id, label: 'plan', finished_at: rt.clock(), attributes: { 'mplp.module': 'plan', 'mplp.operation': 'run' } } };
        req.extra = [...(req.extra ?? []), { op: 'add_node', node }, { op: 'add_edge', edge: { from: segment_id, to: trace, type: 'segment_trace' } }];
        return req;
      };
    },
  },
  {
    name: 'blocks-only-direct-dependents',
    description: 'when a step fails only its direct dependents become blocked; steps further down stay pending',
    latitude: 'digest §3.2: pending → blocked when "any dependency failed" — a dependency that is blocked has not failed',
    patch: onRun((run) => {
      const r = run as unknown as { blockDependentsOfFailures(): Promise<void> } & RunSeams;
      r.blockDependentsOfFailures = async () => {
        const host = r.host as RunSeams['host'] & { changeStatus(req: { object: string; id: string; to: string; reason?: string }): Promise<boolean> };
        const { start, list } = r.dependents;
        const ids = r.index.ids;
        for (let v = 0; v < ids.length; v++) {
          if (host.status(ids[v]!) !== 'failed') continue;
          for (let k = start[v]!; k < start[v + 1]!; k++) {
            const w = list[k]!;
            if (host.status(ids[w]!) === 'pending') await host.changeStatus({ object: 'step', id: ids[w]!, to: 'blocked', reason: `dependency ${ids[v]} failed` });
          }
        }
      };
    }),
  },
  {
    name: 'other-stage-status-mapping',
    description: 'pipeline_stage events map approved to stage_status completed, proposed to running and blocked to failed',
    latitude: 'digest §5.3: the schema fixes only the stage_status enum; the mapping of statuses without a counterpart is the kit\'s reading [KIT]',
    patch: onEmit((e) => {
      const to = (e as { payload?: Record<string, unknown> }).payload?.['to_status'];
      const other: Record<string, string> = { approved: 'completed', proposed: 'running', blocked: 'failed' };
      return isFamily(e, 'pipeline_stage') && typeof to === 'string' && other[to] ? ({ ...e, stage_status: other[to] } as BusEvent) : e;
    }),
  },
  {
    name: 'plan-ends-itself-on-manual-step-changes',
    description: 'when a manual step change leaves every step completed or skipped (or fails one), the runtime ends the plan itself',
    latitude: 'digest §3.1 (PLAN-MOD@old §5.2): a plan "becomes" completed when all steps are done and failed when a critical step failed — the runtime may do it itself',
    patch: (raw) => {
      const rt = seams(raw);
      const transition = rt.transition.bind(rt);
      rt.transition = async (ref, to) => {
        await transition(ref, to);
        if (ref.type !== 'step') return;
        const plan = rt.psg.node(ref.id)?.data['plan_id'] as string | undefined;
        if (!plan || rt.status(plan) !== 'in_progress' || rt.runs.has(plan)) return;
        const steps = rt.psg.stepsOf(plan).map((s) => rt.status(s));
        if (steps.includes('failed') && !steps.includes('in_progress')) await transition({ type: 'plan', id: plan }, 'failed');
        else if (steps.every((x) => x === 'completed' || x === 'skipped')) await transition({ type: 'plan', id: plan }, 'completed');
      };
    },
  },
  {
    name: 'cancel-skips-open-steps',
    description: 'cancelling a plan settles its pending steps as skipped, with the plan\'s cancelled change',
    latitude: 'digest §3.2: pending → skipped is an A row ("conditional skip"); nothing says a cancelled plan\'s open steps keep their status',
    patch: (raw) => {
      const rt = seams(raw);
      const manualRequest = rt.manualRequest.bind(rt);
      rt.manualRequest = (object, id, to) => {
        const req = manualRequest(object, id, to);
        if (object !== 'plan' || to !== 'cancelled') return req;
        const open = rt.psg.stepsOf(id).filter((s) => rt.status(s) === 'pending');
        req.coupled = [...(req.coupled ?? []), ...open.map((s) => ({ object: 'step' as const, id: s, to: 'skipped' }))];
        return req;
      };
    },
  },
];

export function variantNamed(name: string): Variant {
  const v = VARIANTS.find((x) => x.name === name);
  if (!v) throw new Error(`no variant named ${name}; known: ${VARIANTS.map((x) => x.name).join(', ')}`);
  return v;
}

/** The reference adapter with one named variant on in every session's runtime. */
export function variantAdapter(name: string): Adapter {
  const v = variantNamed(name);
  return plantedAdapter(`variant: ${name}`, v.patch, v.options);
}

/** Variants that cannot share one runtime (each changes the same seam the other way). */
const EXCLUSIVE: readonly string[] = ['accepts-unlisted-k-rows'];

/** Every variant at once (but one of each exclusive pair): the combined must-pass runtime. */
export function allVariantsAdapter(): Adapter {
  const chosen = VARIANTS.filter((v) => !EXCLUSIVE.includes(v.name));
  return plantedAdapter(
    'all variants',
    (rt, options) => {
      for (const v of chosen) v.patch(rt, options);
    },
    (options) => Object.assign({}, ...chosen.map((v) => v.options?.(options) ?? {})),
  );
}
