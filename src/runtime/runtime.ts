// The reference L3 runtime: PSG + L2 guard + event bus + VSL + AEL + module registry,
// with SA and MAP execution. Every mutation is one transaction, serialised by a mutex:
// validate (schema, integrity, table + guards) → persist to the VSL → apply to the PSG →
// emit events. A failure before the apply leaves PSG, VSL and event log untouched.

import { randomIds, type IdSource } from '../mplp/ids.js';
import { LIFECYCLE_TABLES, type GuardName } from '../mplp/transitions.js';
import type {
  BaseEvent,
  BusEvent,
  Collab,
  Confirm,
  ConfirmDecision,
  Context,
  LifecycleObject,
  Meta,
  Plan,
  PlanStep,
  Role,
  Trace,
} from '../mplp/types.js';
import { copyValue } from '../mplp/copy.js';
import { validate as validateSchema, formatErrors, type SchemaKind } from '../mplp/validate.js';
import { InMemoryAEL } from './ael/in-memory.js';
import { ProjectFiles } from './artifacts/project-files.js';
import type { IntervalTimer } from './drift/monitor.js';
import type { ActionExecutionLayer } from './ael/types.js';
import { RuntimeError, TransitionError } from './errors.js';
import { EventBus, type EventCursor, type EventSink } from './events/bus.js';
import { EventFactory, systemClock, type Clock } from './events/factory.js';
import { checkTransition, type GuardEvaluator } from './lifecycle/guard.js';
import { Mutex } from './lock.js';
import { PlanRun, type RunOutcome, type RunProfile } from './orchestrator/plan-run.js';
import { ProjectSemanticGraph, type Change, type Mutation, type NodeType, type PsgEdge, type PsgNode } from './psg/graph.js';
import { ModuleRegistry, type RuntimeModuleRegistry } from './registry/modules.js';
import { InMemoryVSL } from './vsl/in-memory.js';
import { writeAll, writeSnapshots, type ValueStateLayer } from './vsl/types.js';

export interface RuntimeOptions {
  vsl?: ValueStateLayer;
  ael?: ActionExecutionLayer;
  ids?: IdSource;
  clock?: Clock;
  /** MAP parallelism limit (default 4). SA always runs one step at a time. */
  maxConcurrency?: number;
  /** PSG id used as graph_update.graph_id. */
  graphId?: string;
  modules?: RuntimeModuleRegistry;
  /** Schema-validate objects on load (default true). */
  validateObjects?: boolean;
  /** The project's folder: step artifacts, drift detection and file rollback work in it. */
  workspace?: string;
  /** Timer of interval drift scans (default setInterval); tests inject a fake one. */
  timer?: IntervalTimer;
  /** Where events go: sinks see each one as it is emitted; `retain: false` keeps none in memory. */
  events?: { sink?: EventSink; retain?: boolean };
}

export interface LoadBundle {
  contexts?: Context[];
  plans?: Plan[];
  confirms?: Confirm[];
  roles?: Role[];
  traces?: Trace[];
  collabs?: Collab[];
}

export interface ObjectRef {
  type: NodeType;
  id: string;
}

export interface DecisionInput {
  target_id: string;
  status: 'approved' | 'rejected' | 'cancelled';
  decided_by_role: string;
  reason?: string;
}

/** One status change a transaction made. */
interface AppliedChange {
  object: LifecycleObject;
  id: string;
  from: string;
  to: string;
}

const NO_MUTATIONS: readonly Mutation[] = [];

/** A status change plus whatever must commit with it. */
interface StatusChangeRequest {
  object: LifecycleObject;
  id: string;
  to: string;
  reason?: string;
  /** Further mutations committed in the same batch. */
  extra?: Mutation[];
  /** Changes of other objects' statuses committed in the same batch (validated too). */
  coupled?: { object: LifecycleObject; id: string; to: string }[];
  /** Data fields to set on the node itself with the status. */
  data?: Record<string, unknown>;
  /** A step's position in its plan's step table, when the caller knows it (saves a lookup). */
  at?: number;
  /** The object's PSG node, when the caller holds it and no node was removed since it took it (saves a lookup). */
  node?: PsgNode;
}

const STATUS_FIELD_OWNERS: ReadonlySet<NodeType> = new Set(['context', 'plan', 'step', 'trace', 'segment', 'confirm', 'collab']);
const PLAN_LOAD_STATUSES: ReadonlySet<string> = new Set(['draft', 'proposed', 'approved']);
const PLAN_TERMINAL: ReadonlySet<string> = new Set(LIFECYCLE_TABLES.plan.terminal);
const META: Meta = { protocol_version: '1.0.0', schema_version: '1.0.0' };

export class L3Runtime {
  readonly bus: EventBus;
  readonly psg = new ProjectSemanticGraph();
  readonly modules: ModuleRegistry;
  readonly vsl: ValueStateLayer;
  readonly ael: ActionExecutionLayer;
  readonly ids: IdSource;
  readonly clock: Clock;
  readonly maxConcurrency: number;
  /** Artifacts, drift and rollback (docs/drift-and-rollback.md). */
  readonly files: ProjectFiles;
  protected readonly factory: EventFactory;
  protected readonly lock = new Mutex();
  protected readonly validateObjects: boolean;
  /** Active executions by plan id. */
  protected readonly runs = new Map<string, PlanRun>();
  /** Trace history kept outside the PSG nodes: append-only lists. */
  protected readonly traceSegments = new Map<string, string[]>();
  protected readonly traceEvents = new Map<string, BaseEvent[]>();
  protected readonly traceOfPlan = new Map<string, string>();
  /** Confirms by target, and those whose rejected round was reopened by a resubmission. */
  protected readonly confirmsOfTarget = new Map<string, string[]>();
  protected readonly reopenedConfirms = new Set<string>();
  protected readonly approvalWaiters = new Map<string, (() => void)[]>();
  protected readonly stepPositions = new Map<string, Map<string, number>>();
  /** The L2 guard; a seam so planted-fault mutants can replace it without copying the runtime. */
  protected transitionGuard: typeof checkTransition = checkTransition;

  constructor(options: RuntimeOptions = {}) {
    this.ids = options.ids ?? randomIds;
    this.clock = options.clock ?? systemClock;
    this.vsl = options.vsl ?? new InMemoryVSL();
    this.ael = options.ael ?? new InMemoryAEL();
    this.maxConcurrency = Math.max(1, options.maxConcurrency ?? 4);
    this.modules = new ModuleRegistry(options.modules);
    this.validateObjects = options.validateObjects ?? true;
    const graphId = options.graphId ?? this.ids.next();
    this.bus = new EventBus({ ids: this.ids, clock: this.clock, graphId, retain: options.events?.retain ?? true, sinks: options.events?.sink ? [options.events.sink] : [] });
    this.factory = new EventFactory(this.ids, this.clock, graphId, this.bus);
    this.files = new ProjectFiles(
      {
        psg: this.psg,
        ids: this.ids,
        clock: this.clock,
        bus: this.bus,
        lock: this.lock,
        vsl: this.vsl,
        ael: this.ael,
        status: (id) => this.status(id),
        projectOf: (id) => this.projectOf(id),
        commit: (batch, source) => this.commitBatch(batch, source),
        recordTraceEvent: (planId, type, source, data) => this.recordTraceEvent(planId, type, source, data),
      },
      { ...(options.workspace ? { workspace: options.workspace } : {}), ...(options.timer ? { timer: options.timer } : {}) },
    );
  }

  // ---------------------------------------------------------------- reading

  /** The events so far (fresh objects), or with a cursor those after `after` (a payload.seq), at most `limit`. */
  events(cursor?: EventCursor | null): BusEvent[] {
    return this.bus.events(cursor);
  }

  /** The same events one at a time, as they are read. */
  eventStream(cursor?: EventCursor | null): Generator<BusEvent, void, undefined> {
    return this.bus.stream(cursor);
  }

  graph(): ReturnType<ProjectSemanticGraph['export']> {
    return this.psg.export();
  }

  /** The current MPLP object for a node (a deep copy), or undefined. */
  get(ref: ObjectRef): unknown {
    const node = this.psg.node(ref.id);
    if (!node || node.type !== ref.type) return undefined;
    return copyValue(this.assemble(node));
  }

  status(id: string): string | undefined {
    return this.psg.node(id)?.status;
  }

  traceIdOf(planId: string): string | undefined {
    return this.traceOfPlan.get(planId);
  }

  protected assemble(node: PsgNode, statusOverride?: string): Record<string, unknown> {
    const status = STATUS_FIELD_OWNERS.has(node.type) ? statusOverride ?? node.status : undefined;
    switch (node.type) {
      case 'plan': {
        const base = withStatus(node.data, undefined, status);
        const steps = this.psg.planTable(node.id).nodes;
        const list = new Array<PlanStep>(steps.length);
        for (let i = 0; i < steps.length; i++) list[i] = withStatus(steps[i]!.data, 'plan_id', steps[i]!.status) as unknown as PlanStep;
        base['steps'] = list;
        return reorderPlan(base);
      }
      case 'step':
        return withStatus(node.data, 'plan_id', status);
      case 'segment':
        return segmentObject(node);
      case 'trace': {
        const base = withStatus(node.data, undefined, status);
        const segments = (this.traceSegments.get(node.id) ?? []).map((s) => segmentObject(this.psg.node(s)!));
        if (segments.length > 0) base['segments'] = segments;
        const events = this.traceEvents.get(node.id) ?? [];
        if (events.length > 0) base['events'] = events.map((e) => ({ ...e }));
        return base;
      }
      default:
        return withStatus(node.data, undefined, status);
    }
  }

  /** A step as its plan lists it (a fresh object: VSL snapshots and plan objects are built from it). */
  protected stepObject(stepId: string, statusOverride?: string): PlanStep {
    const n = this.psg.node(stepId)!;
    return withStatus(n.data, 'plan_id', statusOverride ?? n.status) as unknown as PlanStep;
  }

  // ---------------------------------------------------------------- loading

  /** Registers objects in one atomic batch: all of them or none. */
  load(bundle: LoadBundle): Promise<void> {
    return this.lock.run(() => this.loadLocked(bundle));
  }

  protected async loadLocked(bundle: LoadBundle): Promise<void> {
    if (!bundle || typeof bundle !== 'object') throw new RuntimeError('SCHEMA_INVALID', 'load expects an object { contexts?, plans?, confirms?, roles?, traces?, collabs? }');
    const groups: [keyof LoadBundle, SchemaKind][] = [
      ['contexts', 'context'], ['plans', 'plan'], ['confirms', 'confirm'], ['roles', 'role'], ['traces', 'trace'], ['collabs', 'collab'],
    ];
    for (const [key, kind] of groups) {
      const list = bundle[key];
      if (list === undefined) continue;
      if (!Array.isArray(list)) throw new RuntimeError('SCHEMA_INVALID', `load: ${key} must be an array`);
      if (this.validateObjects) list.forEach((obj, i) => this.validateObject(kind, obj, `${key}[${i}]`));
    }
    const plan = this.planLoad(bundle);
    this.psg.check(plan.mutations);
    const writing = writeSnapshots(this.vsl, plan.vsl);
    if (writing) await writing;
    const change = this.psg.apply(plan.mutations);
    for (const after of plan.afterApply) after();
    this.emitGraphUpdate(change, plan.sourceModule, plan.projectId);
  }

  protected validateObject(kind: SchemaKind, obj: unknown, where: string): void {
    const r = validateSchema(kind, obj);
    if (!r.ok) {
      throw new RuntimeError('SCHEMA_INVALID', `${where} is not a valid ${kind}:\n${formatErrors(r.errors)}`, { where, kind, errors: r.errors });
    }
  }

  /** Turns a bundle into one PSG batch, its VSL writes and the bookkeeping to do once applied. */
  protected planLoad(bundle: LoadBundle): {
    mutations: Mutation[];
    vsl: [string, unknown][];
    afterApply: (() => void)[];
    sourceModule: string;
    projectId?: string;
  } {
    const nodes: Mutation[] = [];
    const edges: Mutation[] = [];
    const vsl: [string, unknown][] = [];
    const afterApply: (() => void)[] = [];
    const kinds = new Set<string>();
    let projectId: string | undefined;
    const tracedPlans = new Set((bundle.traces ?? []).map((t) => t.plan_id).filter((p): p is string => !!p));
    const confirmedTargets = new Set((bundle.confirms ?? []).map((c) => c.target_id));

    // Objects are copied once here: the PSG and the VSL then share the runtime's own copy
    // (VSL values as snapshots nobody changes), never the caller's objects.
    for (const input of bundle.contexts ?? []) {
      const c = copyValue(input);
      kinds.add('context');
      projectId ??= c.context_id;
      nodes.push({ op: 'add_node', node: { type: 'context', id: c.context_id, status: c.status, data: dataOf(c) } });
      vsl.push([`contexts/${c.context_id}`, c]);
    }

    for (const input of bundle.plans ?? []) {
      const p = copyValue(input);
      kinds.add('plan');
      projectId ??= p.context_id;
      if (!PLAN_LOAD_STATUSES.has(p.status)) {
        throw new RuntimeError('INVALID_STATE', `plan ${p.plan_id} is ${p.status}; a plan is registered as draft, proposed or approved and reaches execution states by running`, { id: p.plan_id, status: p.status });
      }
      const seen = new Set<string>();
      for (const s of p.steps) {
        if (seen.has(s.step_id)) throw new RuntimeError('DUPLICATE_ID', `plan ${p.plan_id}: step_id ${s.step_id} appears more than once`, { plan: p.plan_id, step: s.step_id });
        seen.add(s.step_id);
        if (s.status !== 'pending') {
          throw new RuntimeError('INVALID_STATE', `plan ${p.plan_id}: step ${s.step_id} is ${s.status}; steps are registered pending`, { plan: p.plan_id, step: s.step_id, status: s.status });
        }
      }
      const { status, steps, ...data } = p;
      nodes.push({ op: 'add_node', node: { type: 'plan', id: p.plan_id, status, data } });
      edges.push({ op: 'add_edge', edge: { from: p.plan_id, to: p.context_id, type: 'plan_context' } });
      const stepNodes = new Array<PsgNode>(steps.length), stepIds = new Array<string>(steps.length), deps = new Array<string[] | undefined>(steps.length);
      for (let i = 0; i < steps.length; i++) {
        const s = steps[i]!;
        stepNodes[i] = { type: 'step', id: s.step_id, status: s.status, data: dataOf(s, 'plan_id', p.plan_id) };
        stepIds[i] = s.step_id;
        deps[i] = s.dependencies;
      }
      nodes.push({ op: 'add_steps', nodes: stepNodes });
      edges.push({ op: 'link_steps', plan: p.plan_id, steps: stepIds, deps });
      vsl.push([`plans/${p.plan_id}`, p]);
      if (!tracedPlans.has(p.plan_id)) {
        const trace = this.newTrace(p);
        nodes.push({ op: 'add_node', node: { type: 'trace', id: trace.trace_id, status: trace.status, data: omit(trace, 'status') } });
        edges.push({ op: 'add_edge', edge: { from: trace.trace_id, to: p.plan_id, type: 'trace_plan' } });
        edges.push({ op: 'add_edge', edge: { from: trace.trace_id, to: p.context_id, type: 'trace_context' } });
        vsl.push([`traces/${trace.trace_id}`, trace]);
        afterApply.push(() => this.traceOfPlan.set(p.plan_id, trace.trace_id));
      }
      if (p.status === 'proposed' && !confirmedTargets.has(p.plan_id)) {
        const confirm = this.newConfirm(p.plan_id);
        nodes.push({ op: 'add_node', node: { type: 'confirm', id: confirm.confirm_id, status: confirm.status, data: omit(confirm, 'status') } });
        edges.push({ op: 'add_edge', edge: { from: confirm.confirm_id, to: p.plan_id, type: 'confirm_target' } });
        vsl.push([`confirms/${confirm.confirm_id}`, confirm]);
        afterApply.push(() => this.indexConfirm(confirm.target_id, confirm.confirm_id));
      }
    }

    for (const input of bundle.traces ?? []) {
      const t = copyValue(input);
      kinds.add('trace');
      if (t.root_span.trace_id !== t.trace_id) {
        throw new RuntimeError('REF_UNRESOLVED', `trace ${t.trace_id}: root_span.trace_id ${t.root_span.trace_id} must be the trace's own id`, { id: t.trace_id });
      }
      const { status, segments, events, ...data } = t;
      nodes.push({ op: 'add_node', node: { type: 'trace', id: t.trace_id, status, data } });
      edges.push({ op: 'add_edge', edge: { from: t.trace_id, to: t.context_id, type: 'trace_context' } });
      if (t.plan_id) edges.push({ op: 'add_edge', edge: { from: t.trace_id, to: t.plan_id, type: 'trace_plan' } });
      const segIds: string[] = [];
      for (const s of segments ?? []) {
        nodes.push({ op: 'add_node', node: { type: 'segment', id: s.segment_id, status: s.status, data: dataOf(s) } });
        edges.push({ op: 'add_edge', edge: { from: s.segment_id, to: t.trace_id, type: 'segment_trace' } });
        if (s.parent_segment_id) edges.push({ op: 'add_edge', edge: { from: s.segment_id, to: s.parent_segment_id, type: 'segment_trace' } });
        segIds.push(s.segment_id);
      }
      vsl.push([`traces/${t.trace_id}`, t]);
      afterApply.push(() => {
        this.traceSegments.set(t.trace_id, segIds);
        this.traceEvents.set(t.trace_id, [...(events ?? [])]);
        if (t.plan_id) this.traceOfPlan.set(t.plan_id, t.trace_id);
      });
    }

    for (const input of bundle.confirms ?? []) {
      const c = copyValue(input);
      kinds.add('confirm');
      const latest = c.decisions?.at(-1);
      if (latest && latest.status !== c.status) {
        throw new RuntimeError('INVALID_STATE', `confirm ${c.confirm_id} is ${c.status} but its latest decision is ${latest.status} (digest §3.5)`, { id: c.confirm_id });
      }
      nodes.push({ op: 'add_node', node: { type: 'confirm', id: c.confirm_id, status: c.status, data: dataOf(c) } });
      edges.push({ op: 'add_edge', edge: { from: c.confirm_id, to: c.target_id, type: 'confirm_target' } });
      vsl.push([`confirms/${c.confirm_id}`, c]);
      afterApply.push(() => this.indexConfirm(c.target_id, c.confirm_id));
    }

    for (const input of bundle.roles ?? []) {
      const r = copyValue(input);
      kinds.add('role');
      nodes.push({ op: 'add_node', node: { type: 'role', id: r.role_id, data: { ...r } } });
      vsl.push([`roles/${r.role_id}`, r]);
    }

    for (const input of bundle.collabs ?? []) {
      const c = copyValue(input);
      kinds.add('collab');
      nodes.push({ op: 'add_node', node: { type: 'collab', id: c.collab_id, status: c.status, data: dataOf(c) } });
      edges.push({ op: 'add_edge', edge: { from: c.collab_id, to: c.context_id, type: 'collab_context' } });
      vsl.push([`collabs/${c.collab_id}`, c]);
    }

    const sourceModule = kinds.size === 1 ? [...kinds][0]! : 'psg';
    return { mutations: [...nodes, ...edges], vsl, afterApply, sourceModule, ...(projectId ? { projectId } : {}) };
  }

  protected newTrace(p: Plan): Trace {
    const trace_id = this.ids.next();
    return {
      meta: { ...META, created_at: this.clock() },
      trace_id,
      context_id: p.context_id,
      plan_id: p.plan_id,
      root_span: { trace_id, span_id: this.ids.next(), context_id: p.context_id },
      status: 'pending',
    };
  }

  protected newConfirm(planId: string): Confirm {
    return {
      meta: { ...META, created_at: this.clock() },
      confirm_id: this.ids.next(),
      target_type: 'plan',
      target_id: planId,
      status: 'pending',
      requested_by_role: 'runtime',
      requested_at: this.clock(),
      reason: 'plan submitted for approval',
    };
  }

  protected indexConfirm(target: string, confirmId: string): void {
    const list = this.confirmsOfTarget.get(target);
    if (list) list.push(confirmId);
    else this.confirmsOfTarget.set(target, [confirmId]);
  }

  // ---------------------------------------------------------------- status changes

  /** Public status change of one object, checked against the L2 tables and guards. */
  transition(ref: ObjectRef, to: string): Promise<void> {
    if (ref.type === 'confirm') {
      const target = this.psg.node(ref.id)?.data['target_id'];
      if (typeof target !== 'string') return Promise.reject(new RuntimeError('NOT_FOUND', `no confirm ${ref.id}`, { id: ref.id }));
      if (to !== 'approved' && to !== 'rejected' && to !== 'cancelled') {
        // The table answers first: X → X is a no-op and a forbidden pair names its rule.
        return this.lock.run(() => {
          const verdict = this.transitionGuard('confirm', ref.id, this.status(ref.id) ?? '', to, this.guardsFor('confirm', ref.id));
          if (verdict.kind !== 'same') throw new RuntimeError('TRANSITION_FORBIDDEN', `confirm ${ref.id}: ${to} is not a decision status`, { id: ref.id, to });
        });
      }
      return this.decide({ target_id: target, status: to, decided_by_role: 'system' }, ref.id);
    }
    if (ref.type === 'plan' && this.runs.has(ref.id) && (to === 'cancelled' || to === 'failed')) {
      return this.stopRun(ref.id, to);
    }
    return this.lock.run(async () => {
      const object = this.lifecycleObject(ref);
      if (object === 'step' || (object === 'plan' && to !== 'cancelled')) this.refuseWhileRunning(ref, to);
      if (object === 'step') this.refuseAfterPlanEnd(ref.id, to);
      const changed = await this.changeStatusLocked(this.manualRequest(object, ref.id, to));
      if (changed && object === 'plan' && to === 'proposed') this.onPlanSubmitted(ref.id);
      if (changed && object === 'context' && to === 'active') this.contextReactivated(ref.id);
    });
  }

  /** Builds the batch for a manual change, coupling the plan's trace and confirms as the runtime would. */
  protected manualRequest(object: LifecycleObject, id: string, to: string): StatusChangeRequest {
    const req: StatusChangeRequest = { object, id, to };
    if (object === 'plan') {
      const trace = this.traceOfPlan.get(id);
      const traceStatus = trace ? this.status(trace) : undefined;
      const traceTo = to === 'in_progress' ? 'running' : to === 'completed' || to === 'failed' || to === 'cancelled' ? to : undefined;
      if (trace && traceTo && traceStatus !== traceTo && !(traceStatus === 'pending' && traceTo !== 'running' && traceTo !== 'cancelled')) {
        req.coupled = [{ object: 'trace', id: trace, to: traceTo }];
      }
      if (to === 'proposed') req.extra = this.submissionMutations(id);
    }
    return req;
  }

  /** On draft → proposed: reopen a rejected Confirm's round, or create a pending Confirm. */
  protected submissionMutations(planId: string): Mutation[] {
    const confirms = (this.confirmsOfTarget.get(planId) ?? []).map((c) => this.psg.node(c)!);
    if (confirms.some((c) => c.status === 'pending' || c.status === 'rejected')) return [];
    const confirm = this.newConfirm(planId);
    return [
      { op: 'add_node', node: { type: 'confirm', id: confirm.confirm_id, status: confirm.status, data: omit(confirm, 'status') } },
      { op: 'add_edge', edge: { from: confirm.confirm_id, to: planId, type: 'confirm_target' } },
    ];
  }

  protected onPlanSubmitted(planId: string): void {
    for (const cid of this.confirmsOfTarget.get(planId) ?? []) if (this.status(cid) === 'rejected') this.reopenedConfirms.add(cid);
    for (const n of this.psg.nodesOfType('confirm')) {
      if (n.data['target_id'] === planId && !(this.confirmsOfTarget.get(planId) ?? []).includes(n.id)) this.indexConfirm(planId, n.id);
    }
  }

  /** Runs held because their Context was not active start their ready steps again. */
  protected contextReactivated(contextId: string): void {
    for (const run of this.runs.values()) if (this.psg.node(run.planId)?.data['context_id'] === contextId) run.contextActive();
  }

  protected refuseWhileRunning(ref: ObjectRef, to: string): void {
    const planId = ref.type === 'step' ? (this.psg.node(ref.id)?.data['plan_id'] as string | undefined) : ref.id;
    if (!planId || !this.runs.has(planId)) return;
    // Table and guards answer first, so a forbidden pair is reported as forbidden.
    const node = this.psg.node(ref.id)!;
    this.transitionGuard(this.lifecycleObject(ref), ref.id, node.status ?? '', to, this.guardsFor(this.lifecycleObject(ref), ref.id));
    throw new RuntimeError('INVALID_STATE', `${ref.type} ${ref.id}: plan ${planId} is being executed by the runtime; use pause, resume or cancel`, { id: ref.id, plan: planId, to });
  }

  /** L3-LIFE-010: once its plan is terminal, no step status changes any more. */
  protected refuseAfterPlanEnd(stepId: string, to: string): void {
    const planId = this.psg.node(stepId)!.data['plan_id'] as string;
    const planStatus = this.status(planId) ?? '';
    if (!PLAN_TERMINAL.has(planStatus)) return;
    // Table first: X → X stays a no-op and a forbidden pair names its own rule.
    const verdict = this.transitionGuard('step', stepId, this.status(stepId) ?? '', to, this.guardsFor('step', stepId));
    if (verdict.kind === 'same') return;
    throw new RuntimeError('INVALID_STATE', `step ${stepId}: plan ${planId} is ${planStatus}, so its steps no longer change (L3-LIFE-010)`, { id: stepId, plan: planId, to });
  }

  protected lifecycleObject(ref: ObjectRef): LifecycleObject {
    const node = this.psg.node(ref.id);
    if (!node || node.type !== ref.type) throw new RuntimeError('NOT_FOUND', `no ${ref.type} ${ref.id} in the PSG`, { type: ref.type, id: ref.id });
    if (!STATUS_FIELD_OWNERS.has(node.type)) throw new RuntimeError('TRANSITION_FORBIDDEN', `${ref.type} has no lifecycle`, { type: ref.type, id: ref.id });
    return node.type as LifecycleObject;
  }

  /**
   * Cross-object guards of digest §3.1–§3.2, evaluated against the current PSG when a row asks.
   * One evaluator serves every check (no closure per status change): it reads the subject set
   * here, and the guard calls it synchronously right after.
   */
  protected guardsFor(object: LifecycleObject, id: string, at?: number): GuardEvaluator {
    this.guardSubject.object = object;
    this.guardSubject.id = id;
    this.guardSubject.planId = undefined;
    this.guardSubject.at = at;
    return this.subjectGuards;
  }

  /** The object the evaluator answers for; `at`: a step's position in its plan's step table, when the caller knows it. */
  private readonly guardSubject: { object: LifecycleObject; id: string; planId: string | undefined; at: number | undefined } = { object: 'plan', id: '', planId: undefined, at: undefined };
  private readonly subjectGuards: GuardEvaluator = (guard) => this.evaluateGuard(guard, this.guardSubject.object, this.guardSubject.id);

  /** The plan a guard is about: the subject itself, or a step's plan (looked up once per subject). */
  private guardPlan(object: LifecycleObject, id: string): string {
    if (object !== 'step') return id;
    const subject = this.guardSubject;
    if (subject.id === id && subject.planId !== undefined) return subject.planId;
    const planId = this.psg.node(id)!.data['plan_id'] as string;
    if (subject.id === id) subject.planId = planId;
    return planId;
  }

  protected evaluateGuard(guard: GuardName, object: LifecycleObject, id: string): string | null {
    const planId = this.guardPlan(object, id);
    switch (guard) {
      case 'plan_has_steps':
        return this.psg.stepsOf(planId).length > 0 ? null : 'the plan has no steps';
      case 'context_active': {
        const ctx = this.psg.node(this.psg.node(planId)!.data['context_id'] as string);
        return ctx?.status === 'active' ? null : `its Context is ${ctx?.status ?? 'missing'}, not active`;
      }
      case 'confirm_approved':
        return (this.confirmsOfTarget.get(planId) ?? []).some((c) => this.status(c) === 'approved') ? null : 'no approved Confirm targets the plan';
      case 'plan_in_progress': {
        const s = this.status(planId);
        return s === 'in_progress' ? null : `plan ${planId} is ${s}, not in_progress`;
      }
      case 'dependencies_completed': {
        // On every step start: the plan's step table when it places every dependency (no
        // lookups), and the list of open ones only when something is open.
        const table = this.psg.planTable(planId);
        const hint = this.guardSubject.id === id ? this.guardSubject.at : undefined;
        const at = !table.complete ? undefined : hint !== undefined && table.ids[hint] === id ? hint : table.position.get(id);
        if (at !== undefined) {
          let done = true;
          for (let k = table.depStart[at]!; k < table.depStart[at + 1]! && done; k++) done = table.nodes[table.depList[k]!]!.status === 'completed';
          if (done) return null;
        }
        const deps = this.psg.dependenciesOf(id);
        let allDone = true;
        for (let i = 0; i < deps.length && allDone; i++) allDone = this.status(deps[i]!) === 'completed';
        if (allDone) return null;
        const open = deps.filter((d) => this.status(d) !== 'completed');
        return `dependencies not completed: ${open.map((d) => `${d} (${this.status(d)})`).join(', ')}`;
      }
      case 'dependency_failed':
        return this.psg.dependenciesOf(id).some((d) => this.status(d) === 'failed' || this.status(d) === 'blocked') ? null : 'no dependency failed';
      case 'all_steps_done': {
        const steps = this.psg.planTable(planId).nodes;
        let open = 0;
        for (let i = 0; i < steps.length; i++) {
          const st = steps[i]!.status;
          if (st !== 'completed' && st !== 'skipped') open++;
        }
        return open === 0 ? null : `${open} step(s) not completed or skipped`;
      }
      case 'new_review_round':
        return this.reopenedConfirms.has(id) ? null : 'the rejected round was not reopened by a resubmission';
    }
  }

  /** Runs a status change (plus coupled changes) as one transaction. Caller holds the lock. */
  protected changeStatusLocked(req: StatusChangeRequest): Promise<boolean> {
    try {
      const done = this.changeStatusNow(req);
      return typeof done === 'boolean' ? Promise.resolve(done) : done;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * changeStatusLocked's work, done at once when the VSL takes snapshots synchronously (the
   * in-memory one): then the answer is a boolean, otherwise a promise that settles once the
   * VSL write and the rest are done. Caller holds the lock.
   */
  protected changeStatusNow(req: StatusChangeRequest): boolean | Promise<boolean> {
    const node = req.node ?? this.psg.node(req.id);
    if (!node) throw new RuntimeError('NOT_FOUND', `no ${req.object} ${req.id}`, { id: req.id });
    const from = node.status ?? '';
    const verdict = this.transitionGuard(req.object, req.id, from, req.to, this.guardsFor(req.object, req.id, req.at));
    if (verdict.kind === 'same') return false;
    if (req.coupled === undefined && req.data === undefined && this.lean && this.leanStatusChange(req, node, from)) return true;
    const changes: AppliedChange[] = [{ object: req.object, id: req.id, from, to: req.to }];
    const update: Mutation = req.data ? { op: 'update_node', id: req.id, status: req.to, data: req.data } : { op: 'update_node', id: req.id, status: req.to };
    const batch: Mutation[] = [update];
    if (req.coupled) {
      for (const c of req.coupled) {
        const cFrom = this.status(c.id) ?? '';
        if (this.transitionGuard(c.object, c.id, cFrom, c.to, this.guardsFor(c.object, c.id)).kind === 'same') continue;
        changes.push({ object: c.object, id: c.id, from: cFrom, to: c.to });
        batch.push({ op: 'update_node', id: c.id, status: c.to });
      }
    }
    const extra = req.extra ?? NO_MUTATIONS;
    for (let i = 0; i < extra.length; i++) batch.push(extra[i]!);
    this.psg.check(batch);
    const writing = writeSnapshots(this.vsl, this.persistedState(changes, extra));
    if (writing) return writing.then(() => this.applyStatusChange(req, batch, changes));
    return this.applyStatusChange(req, batch, changes);
  }

  /**
   * Whether status changes may take the lean path: the VSL takes snapshots synchronously and
   * none of the seams that path stands in for (PSG check and apply, persistedState,
   * applyStatusChange, noteSegments) was replaced. Otherwise every change goes through them.
   */
  protected get lean(): boolean {
    const own = L3Runtime.prototype;
    return this.vsl.putShared !== undefined && this.psg.plain && this.persistedState === own.persistedState &&
      this.applyStatusChange === own.applyStatusChange && this.noteSegments === own.noteSegments;
  }

  /**
   * A status change of one object, alone or with one new leaf node (a step's trace segment),
   * done synchronously with no batch, mutation list or change object unless an event needs
   * one: what every step start and end makes. The same checks, VSL entries, PSG result and
   * events as the general path, which handles every other request (answer false).
   */
  protected leanStatusChange(req: StatusChangeRequest, node: PsgNode, from: string): boolean {
    let leaf: PsgNode | undefined;
    let edge: PsgEdge | undefined;
    const extra = req.extra;
    if (extra !== undefined && extra.length > 0) {
      const a = extra[0]!, b = extra[1];
      if (extra.length !== 2 || a.op !== 'add_node' || b?.op !== 'add_edge' || b.edge.from !== a.node.id || b.edge.type === 'depends_on' || b.edge.type === 'step_plan') return false;
      leaf = a.node;
      edge = b.edge;
    }
    const psg = this.psg;
    psg.checkUpdate(req.id, node.type);
    if (leaf) psg.checkLeaf(leaf, edge!);
    const vsl = this.vsl;
    if (req.object === 'step') vsl.putShared!(this.folder('plans/', node.data['plan_id'] as string, '/steps/'), req.id, withStatus(node.data, 'plan_id', req.to));
    else if (req.object !== 'segment') vsl.putShared!(`${req.object}s/`, req.id, this.assemble(node, req.to));
    if (leaf?.type === 'segment') vsl.putShared!(this.folder('traces/', edge!.to, '/segments/'), leaf.id, segmentObject(leaf));
    else if (leaf?.type === 'confirm') vsl.putShared!('confirms/', leaf.id, withStatus(leaf.data, undefined, leaf.status));
    psg.setStatus(node, req.to);
    if (!leaf) {
      this.afterStatusChange(req.object, req.id, from, req.to, req.reason, node);
      return true;
    }
    psg.addLeaf(leaf, edge!);
    const change: Change = {
      nodes: [{ type: node.type, id: req.id, op: 'update' }, { type: leaf.type, id: leaf.id, op: 'add' }],
      edges: [{ from: edge!.from, to: edge!.to, type: edge!.type, op: 'add' }],
      nodeDelta: 1,
      edgeDelta: 1,
    };
    if (leaf.type === 'segment' && edge!.type === 'segment_trace') this.noteSegment(leaf.id, edge!.to);
    this.afterStatusChange(req.object, req.id, from, req.to, req.reason, node);
    this.emitGraphUpdate(change, req.object, this.projectOfNode(node));
    return true;
  }

  /** The VSL parent paths `plans/<id>/steps/` and `traces/<id>/segments/`, made once per plan and trace. */
  private folder(head: 'plans/' | 'traces/', id: string, tail: '/steps/' | '/segments/'): string {
    const folders = head === 'plans/' ? this.stepFolders : this.segmentFolders;
    let folder = folders.get(id);
    if (folder === undefined) folders.set(id, (folder = head + id + tail));
    return folder;
  }

  private readonly stepFolders = new Map<string, string>();
  private readonly segmentFolders = new Map<string, string>();

  /** The PSG apply and the announcements of a status change whose VSL write is done. */
  protected applyStatusChange(req: StatusChangeRequest, batch: Mutation[], changes: AppliedChange[]): true {
    const change = this.psg.apply(batch);
    this.noteSegments(change);
    for (const c of changes) this.afterStatusChange(c.object, c.id, c.from, c.to, req.reason);
    if (change.nodeDelta !== 0 || change.edgeDelta !== 0) this.emitGraphUpdate(change, req.object, this.projectOf(req.id));
    return true;
  }

  /** The VSL entries that hold the new state of everything a batch changes (fresh objects: snapshots). */
  protected persistedState(changes: { object: LifecycleObject; id: string; to: string }[], extra: readonly Mutation[]): [string, unknown][] {
    const out: [string, unknown][] = [];
    for (const c of changes) {
      const node = this.psg.node(c.id)!;
      switch (c.object) {
        case 'step':
          out.push([`plans/${node.data['plan_id']}/steps/${c.id}`, this.stepObject(c.id, c.to)]);
          break;
        case 'segment':
          break;
        default:
          out.push([`${c.object}s/${c.id}`, this.assemble(node, c.to)]);
      }
    }
    for (const m of extra) {
      if (m.op === 'add_node' && m.node.type === 'segment') {
        const id = m.node.id;
        const link = extra.find((x) => x.op === 'add_edge' && x.edge.from === id && x.edge.type === 'segment_trace');
        const trace = link?.op === 'add_edge' ? link.edge.to : undefined;
        out.push([`traces/${trace}/segments/${id}`, segmentObject(m.node)]);
      } else if (m.op === 'add_node' && m.node.type === 'confirm') {
        out.push([`confirms/${m.node.id}`, withStatus(m.node.data, undefined, m.node.status)]);
      }
    }
    return out;
  }

  /** Events and trace history that follow a committed status change (`known`: the object's node, when the caller has it). */
  protected afterStatusChange(object: LifecycleObject, id: string, from: string, to: string, reason?: string, known?: PsgNode): void {
    if (object === 'plan' || object === 'step') {
      const node = known ?? this.psg.node(id)!;
      const planId = object === 'plan' ? id : (node.data['plan_id'] as string);
      const plan = this.psg.node(planId)!;
      const order = object === 'step' ? ((node.data['order_index'] as number | undefined) ?? this.stepPosition(planId, id)) : undefined;
      const name = (object === 'step' ? node.data['description'] : plan.data['title']) as string;
      this.factory.emitStage(object, id, from, to, planId, plan.data['context_id'] as string, name, order, reason);
      if (object === 'plan') this.recordTraceEvent(planId, 'plan.status.changed', 'plan', { plan_id: planId, from_status: from, to_status: to, ...(reason ? { reason } : {}) });
      // A run() waiting for approval must hear of every way out of proposed (decision, cancel, manual).
      if (object === 'plan' && from === 'proposed') this.wakeApprovalWaiters(id);
    }
  }

  /** Appends a base event to the plan's trace (history: never rewritten). */
  protected recordTraceEvent(planId: string, type: string, source: string, data: Record<string, unknown>): void {
    const traceId = this.traceOfPlan.get(planId);
    if (!traceId) return;
    const list = this.traceEvents.get(traceId) ?? [];
    list.push({ event_id: this.ids.next(), event_type: type, source, timestamp: this.clock(), trace_id: traceId, data });
    this.traceEvents.set(traceId, list);
  }

  /** A PSG batch that is no status change (artifact nodes): check, apply, announce. Caller holds the lock. */
  protected commitBatch(batch: Mutation[], sourceModule: string): void {
    if (batch.length === 0) return;
    this.psg.check(batch);
    this.emitGraphUpdate(this.psg.apply(batch), sourceModule);
  }

  protected emitGraphUpdate(change: Change, sourceModule: string, projectId?: string): void {
    if (change.nodes.length === 0 && change.edges.length === 0) return;
    this.factory.emitGraph(change, sourceModule, projectId);
  }

  protected projectOf(id: string): string | undefined {
    const n = this.psg.node(id);
    return n ? this.projectOfNode(n) : undefined;
  }

  private projectOfNode(n: PsgNode): string | undefined {
    if (n.type === 'context') return n.id;
    if (typeof n.data['context_id'] === 'string') return n.data['context_id'];
    if (typeof n.data['plan_id'] === 'string') return this.projectOf(n.data['plan_id']);
    return undefined;
  }

  // ---------------------------------------------------------------- approval

  /** A Confirm decision on the plan's open Confirm; couples the plan status (digest §3.1, §3.5). */
  decide(decision: DecisionInput, confirmId?: string): Promise<void> {
    return this.lock.run(async () => {
      const cid = confirmId ?? this.openConfirm(decision.target_id);
      if (!cid) throw new RuntimeError('NOT_FOUND', `no pending Confirm targets ${decision.target_id}`, { target_id: decision.target_id });
      const node = this.psg.node(cid)!;
      const record: ConfirmDecision = {
        decision_id: this.ids.next(),
        status: decision.status,
        decided_by_role: decision.decided_by_role,
        decided_at: this.clock(),
        ...(decision.reason ? { reason: decision.reason } : {}),
      };
      const decisions = [...((node.data['decisions'] as ConfirmDecision[] | undefined) ?? []), record];
      const target = node.data['target_id'] as string;
      const coupled: StatusChangeRequest['coupled'] = [];
      if (this.psg.node(target)?.type === 'plan' && this.status(target) === 'proposed') {
        coupled.push({ object: 'plan', id: target, to: decision.status === 'approved' ? 'approved' : 'draft' });
      }
      // The confirm goes first so that the plan's confirm_approved guard sees the decision.
      // A further rejection in a reopened round (FLOW-05) keeps the status but still records the decision;
      // any other repeated decision is a same-state no-op: no record, no coupling, no trace event.
      const furtherRejection = node.status === 'rejected' && decision.status === 'rejected' && this.reopenedConfirms.has(cid);
      const changed = furtherRejection
        ? await this.appendDecisionLocked(cid, decisions)
        : await this.changeStatusLocked({ object: 'confirm', id: cid, to: decision.status, data: { decisions } });
      if (!changed) return;
      this.reopenedConfirms.delete(cid);
      for (const c of coupled) await this.changeStatusLocked({ object: c.object, id: c.id, to: c.to, reason: `confirm ${cid} ${decision.status}` });
      this.recordTraceEvent(target, `confirm.${decision.status}`, 'confirm', { confirm_id: cid, decision_id: record.decision_id, target_id: target });
      this.wakeApprovalWaiters(target);
    });
  }

  /** Records a decision that leaves the Confirm's status as it is (VSL first, then PSG). */
  protected async appendDecisionLocked(confirmId: string, decisions: ConfirmDecision[]): Promise<boolean> {
    const batch: Mutation[] = [{ op: 'update_node', id: confirmId, data: { decisions } }];
    this.psg.check(batch);
    await writeAll(this.vsl, [[`confirms/${confirmId}`, { ...this.assemble(this.psg.node(confirmId)!), decisions }]]);
    this.psg.apply(batch);
    return true;
  }

  protected wakeApprovalWaiters(planId: string): void {
    const waiters = this.approvalWaiters.get(planId) ?? [];
    this.approvalWaiters.delete(planId);
    for (const wake of waiters) wake();
  }

  /** Position of a step in its plan's steps[] (stage_order fallback), O(1) after the first call per plan. */
  protected stepPosition(planId: string, stepId: string): number {
    const steps = this.psg.stepsOf(planId);
    let index = this.stepPositions.get(planId);
    if (index?.get(stepId) === undefined || steps[index.get(stepId)!] !== stepId) {
      index = new Map(steps.map((s, i) => [s, i]));
      this.stepPositions.set(planId, index);
    }
    return index.get(stepId) ?? -1;
  }

  protected openConfirm(target: string): string | undefined {
    const ids = this.confirmsOfTarget.get(target) ?? [];
    return ids.find((c) => this.status(c) === 'pending') ?? ids.find((c) => this.status(c) === 'rejected' && this.reopenedConfirms.has(c));
  }

  // ---------------------------------------------------------------- execution

  /**
   * Starts or continues a plan and resolves when it is terminal or paused. A proposed plan
   * waits for its Confirm decision first; nothing executes before approval.
   */
  async run(planId: string, options: { profile?: RunProfile; maxConcurrency?: number } = {}): Promise<RunOutcome> {
    const plan = this.psg.node(planId);
    if (!plan || plan.type !== 'plan') throw new RuntimeError('NOT_FOUND', `no plan ${planId}`, { id: planId });
    const active = this.runs.get(planId);
    if (active) return active.settled();
    if (plan.status === 'proposed') {
      await new Promise<void>((resolve) => {
        const list = this.approvalWaiters.get(planId) ?? [];
        list.push(resolve);
        this.approvalWaiters.set(planId, list);
      });
      if (this.status(planId) !== 'approved') return this.outcome(planId, false);
    }
    const status = this.status(planId)!;
    if (status === 'completed' || status === 'failed' || status === 'cancelled') return this.outcome(planId, false);
    if (status === 'draft') {
      throw new TransitionError('GUARD_FAILED', 'plan', planId, 'draft', 'in_progress', 'SEED-L3 §5.3: a draft plan must be proposed and approved before it runs');
    }
    const profile = options.profile ?? 'map';
    const run = this.createRun(planId, profile, this.runLimit(profile, options.maxConcurrency));
    this.runs.set(planId, run);
    try {
      await run.start();
    } catch (e) {
      this.runs.delete(planId);
      throw e;
    }
    return run.settled();
  }

  /** SA runs one step at a time; MAP up to the limit. */
  protected runLimit(profile: RunProfile, requested?: number): number {
    return profile === 'sa' ? 1 : Math.max(1, requested ?? this.maxConcurrency);
  }

  /** A seam for mutants: the executor of one plan. */
  protected createRun(planId: string, profile: RunProfile, limit: number): PlanRun {
    return new PlanRun(this.executionHost(), planId, profile, limit);
  }

  pause(planId: string): Promise<void> {
    return this.lock.run(() => {
      const run = this.runs.get(planId);
      if (!run || run.paused || run.stopping) {
        throw new RuntimeError('INVALID_STATE', `plan ${planId} cannot be paused: ${!run ? `it is ${this.status(planId) ?? 'unknown'} and not running` : run.paused ? 'it is already paused' : 'it is stopping'}`, { id: planId });
      }
      run.pause();
      this.bus.emit(this.factory.workflow(true, planId, this.projectOf(planId)!, this.psg.node(planId)!.data['title'] as string));
      this.recordTraceEvent(planId, 'workflow.paused', 'plan', { plan_id: planId });
    });
  }

  resume(planId: string): Promise<void> {
    return this.lock.run(() => {
      const run = this.runs.get(planId);
      if (!run || !run.paused) throw new RuntimeError('INVALID_STATE', `plan ${planId} cannot be resumed: it is not paused`, { id: planId });
      this.bus.emit(this.factory.workflow(false, planId, this.projectOf(planId)!, this.psg.node(planId)!.data['title'] as string));
      this.recordTraceEvent(planId, 'workflow.resumed', 'plan', { plan_id: planId });
      run.resume();
    });
  }

  /** Cancels a plan: an executing one stops starting steps, drains, then ends cancelled. */
  cancel(planId: string): Promise<void> {
    if (this.runs.has(planId)) return this.stopRun(planId, 'cancelled');
    return this.lock.run(async () => {
      this.lifecycleObject({ type: 'plan', id: planId });
      await this.changeStatusLocked(this.manualRequest('plan', planId, 'cancelled'));
    });
  }

  protected async stopRun(planId: string, to: 'cancelled' | 'failed'): Promise<void> {
    const run = this.runs.get(planId)!;
    await run.stop(to);
  }

  protected outcome(planId: string, paused: boolean): RunOutcome {
    const step_statuses: Record<string, string> = {};
    for (const s of this.psg.planTable(planId).nodes) step_statuses[s.id] = s.status!;
    return { plan_id: planId, plan_status: this.status(planId)!, step_statuses, paused };
  }

  /** What a PlanRun may do to the runtime: the seams the orchestrator uses. */
  protected executionHost(): import('./orchestrator/plan-run.js').ExecutionHost {
    return {
      psg: this.psg,
      ael: this.ael,
      ids: this.ids,
      clock: this.clock,
      bus: this.bus,
      factory: this.factory,
      lock: this.lock,
      status: (id) => this.status(id),
      changeStatus: (req) => this.changeStatusLocked(req),
      // Synchronous when it can be, unless changeStatusLocked was replaced (a planted fault): then through it.
      changeStatusNow: (req) => (this.changeStatusLocked === L3Runtime.prototype.changeStatusLocked ? this.changeStatusNow(req) : this.changeStatusLocked(req)),
      statusRequest: (object, id, to) => this.manualRequest(object, id, to),
      segmentFor: (planId, stepId, status, startedAt, error, step) => this.segmentMutations(planId, stepId, status, startedAt, error, step),
      recordTraceEvent: (planId, type, source, data) => this.recordTraceEvent(planId, type, source, data),
      traceIdOf: (planId) => this.traceOfPlan.get(planId),
      outcome: (planId, paused) => this.outcome(planId, paused),
      finished: (planId) => this.runs.delete(planId),
      files: this.files,
      collabOf: (contextId) => {
        for (const n of this.psg.nodesOfType('collab')) if (n.data['context_id'] === contextId && n.status === 'active') return this.assemble(n) as unknown as Collab;
        return undefined;
      },
    };
  }

  /** A trace segment for an executed step, appended once in its final state. */
  protected segmentMutations(planId: string, stepId: string, status: 'completed' | 'failed', startedAt: string, error?: string, known?: PsgNode): Mutation[] {
    const traceId = this.traceOfPlan.get(planId);
    if (!traceId) return [];
    const step = known ?? this.psg.node(stepId)!;
    const segmentId = this.ids.next();
    const attributes: Record<string, unknown> = { 'mplp.step_id': stepId };
    if (step.data['agent_role']) attributes['mplp.agent_role'] = step.data['agent_role'];
    if (error) attributes['mplp.error'] = error;
    // The segment as its trace lists it and the VSL holds it (status last, as read back): a
    // segment never changes, so its node data serves as that object too, and its trace is its edge.
    const data = {
      segment_id: segmentId,
      label: (step.data['description'] as string) ?? stepId,
      started_at: startedAt,
      finished_at: this.clock(),
      attributes,
      status,
    };
    if (!this.traceSegments.has(traceId)) this.traceSegments.set(traceId, []);
    return [
      { op: 'add_node', node: { type: 'segment', id: segmentId, status, data } },
      { op: 'add_edge', edge: { from: segmentId, to: traceId, type: 'segment_trace' } },
    ];
  }

  /** Called by the PSG apply path for segments: keeps the ordered segment list. */
  protected noteSegments(change: Change): void {
    for (const n of change.nodes) {
      if (n.type !== 'segment' || n.op !== 'add') continue;
      const traceId = this.psg.edgeTarget(n.id, 'segment_trace');
      if (traceId) this.noteSegment(n.id, traceId);
    }
  }

  private noteSegment(segmentId: string, traceId: string): void {
    this.traceSegments.get(traceId)?.push(segmentId);
  }
}

function omit<T extends object, K extends keyof T>(obj: T, key: K): Omit<T, K> {
  const { [key]: _dropped, ...rest } = obj;
  return rest;
}

/**
 * A node's data as its MPLP object: without the PSG's link field (a step's plan_id, a
 * segment's trace_id), then the status when there is one. A plain copy loop: it runs on every
 * status change, and rest/spread copies cost ten times more.
 */
function withStatus(data: Record<string, unknown>, link: string | undefined, status: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in data) if (k !== link) out[k] = data[k];
  if (status !== undefined) out['status'] = status;
  return out;
}

/**
 * A segment as its trace lists it: a runtime-made segment's data is that object already (shared:
 * segments never change), a registered one's data gets its status added.
 */
function segmentObject(node: PsgNode): Record<string, unknown> {
  return node.data['status'] === node.status && node.status !== undefined ? node.data : withStatus(node.data, undefined, node.status);
}

/** A copy of obj without `status`, plus one more field: PSG node data from an MPLP object. */
function dataOf(obj: object, linkKey?: string, linkValue?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in obj) if (k !== 'status') out[k] = (obj as Record<string, unknown>)[k];
  if (linkKey !== undefined) out[linkKey] = linkValue;
  return out;
}

/** Plans read best with status before steps, as in the schema. */
function reorderPlan(p: Record<string, unknown>): Record<string, unknown> {
  const { steps, trace, events, ...rest } = p;
  return { ...rest, steps, ...(trace ? { trace } : {}), ...(events ? { events } : {}) };
}
