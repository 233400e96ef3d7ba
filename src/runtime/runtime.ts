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
  TraceSegment,
} from '../mplp/types.js';
import { validate as validateSchema, formatErrors, type SchemaKind } from '../mplp/validate.js';
import { InMemoryAEL } from './ael/in-memory.js';
import { ProjectFiles } from './artifacts/project-files.js';
import type { IntervalTimer } from './drift/monitor.js';
import type { ActionExecutionLayer } from './ael/types.js';
import { RuntimeError, TransitionError } from './errors.js';
import { EventBus } from './events/bus.js';
import { EventFactory, systemClock, type Clock } from './events/factory.js';
import { checkTransition, type GuardEvaluator } from './lifecycle/guard.js';
import { Mutex } from './lock.js';
import { PlanRun, type RunOutcome, type RunProfile } from './orchestrator/plan-run.js';
import { ProjectSemanticGraph, type Change, type Mutation, type NodeType, type PsgNode } from './psg/graph.js';
import { ModuleRegistry, type RuntimeModuleRegistry } from './registry/modules.js';
import { InMemoryVSL } from './vsl/in-memory.js';
import { writeAll, type ValueStateLayer } from './vsl/types.js';

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
}

const STATUS_FIELD_OWNERS: ReadonlySet<NodeType> = new Set(['context', 'plan', 'step', 'trace', 'segment', 'confirm', 'collab']);
const PLAN_LOAD_STATUSES: ReadonlySet<string> = new Set(['draft', 'proposed', 'approved']);
const PLAN_TERMINAL: ReadonlySet<string> = new Set(LIFECYCLE_TABLES.plan.terminal);
const META: Meta = { protocol_version: '1.0.0', schema_version: '1.0.0' };

export class L3Runtime {
  readonly bus = new EventBus();
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
    this.factory = new EventFactory(this.ids, this.clock, options.graphId ?? this.ids.next());
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

  events(): BusEvent[] {
    return this.bus.events();
  }

  graph(): ReturnType<ProjectSemanticGraph['export']> {
    return this.psg.export();
  }

  /** The current MPLP object for a node (a deep copy), or undefined. */
  get(ref: ObjectRef): unknown {
    const node = this.psg.node(ref.id);
    if (!node || node.type !== ref.type) return undefined;
    return structuredClone(this.assemble(node));
  }

  status(id: string): string | undefined {
    return this.psg.node(id)?.status;
  }

  traceIdOf(planId: string): string | undefined {
    return this.traceOfPlan.get(planId);
  }

  protected assemble(node: PsgNode, statusOverride?: string): Record<string, unknown> {
    const status = statusOverride ?? node.status;
    const base: Record<string, unknown> = { ...node.data };
    if (STATUS_FIELD_OWNERS.has(node.type) && status !== undefined) base['status'] = status;
    switch (node.type) {
      case 'plan':
        base['steps'] = this.psg.stepsOf(node.id).map((s) => this.stepObject(s));
        return reorderPlan(base);
      case 'step':
        delete base['plan_id'];
        return base;
      case 'segment':
        delete base['trace_id'];
        return base;
      case 'trace': {
        const segments = (this.traceSegments.get(node.id) ?? []).map((s) => this.assemble(this.psg.node(s)!));
        if (segments.length > 0) base['segments'] = segments;
        const events = this.traceEvents.get(node.id) ?? [];
        if (events.length > 0) base['events'] = events.map((e) => ({ ...e }));
        return base;
      }
      default:
        return base;
    }
  }

  protected stepObject(stepId: string, statusOverride?: string): PlanStep {
    const n = this.psg.node(stepId)!;
    const { plan_id: _plan, ...rest } = n.data as Record<string, unknown>;
    return { ...(rest as Omit<PlanStep, 'status'>), status: (statusOverride ?? n.status) as PlanStep['status'] };
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
    await writeAll(this.vsl, plan.vsl);
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

    for (const c of bundle.contexts ?? []) {
      kinds.add('context');
      projectId ??= c.context_id;
      const { status, ...data } = c;
      nodes.push({ op: 'add_node', node: { type: 'context', id: c.context_id, status, data } });
      vsl.push([`contexts/${c.context_id}`, c]);
    }

    for (const p of bundle.plans ?? []) {
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
      for (const s of steps) {
        const { status: stepStatus, ...stepData } = s;
        nodes.push({ op: 'add_node', node: { type: 'step', id: s.step_id, status: stepStatus, data: { ...stepData, plan_id: p.plan_id } } });
        edges.push({ op: 'add_edge', edge: { from: s.step_id, to: p.plan_id, type: 'step_plan' } });
      }
      for (const s of steps) {
        for (const d of s.dependencies ?? []) edges.push({ op: 'add_edge', edge: { from: s.step_id, to: d, type: 'depends_on' } });
      }
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

    for (const t of bundle.traces ?? []) {
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
        const { status: segStatus, ...segData } = s;
        nodes.push({ op: 'add_node', node: { type: 'segment', id: s.segment_id, status: segStatus, data: segData } });
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

    for (const c of bundle.confirms ?? []) {
      kinds.add('confirm');
      const latest = c.decisions?.at(-1);
      if (latest && latest.status !== c.status) {
        throw new RuntimeError('INVALID_STATE', `confirm ${c.confirm_id} is ${c.status} but its latest decision is ${latest.status} (digest §3.5)`, { id: c.confirm_id });
      }
      const { status, ...data } = c;
      nodes.push({ op: 'add_node', node: { type: 'confirm', id: c.confirm_id, status, data } });
      edges.push({ op: 'add_edge', edge: { from: c.confirm_id, to: c.target_id, type: 'confirm_target' } });
      vsl.push([`confirms/${c.confirm_id}`, c]);
      afterApply.push(() => this.indexConfirm(c.target_id, c.confirm_id));
    }

    for (const r of bundle.roles ?? []) {
      kinds.add('role');
      nodes.push({ op: 'add_node', node: { type: 'role', id: r.role_id, data: { ...r } } });
      vsl.push([`roles/${r.role_id}`, r]);
    }

    for (const c of bundle.collabs ?? []) {
      kinds.add('collab');
      const { status, ...data } = c;
      nodes.push({ op: 'add_node', node: { type: 'collab', id: c.collab_id, status, data } });
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

  /** Cross-object guards of digest §3.1–§3.2, evaluated against the current PSG when a row asks. */
  protected guardsFor(object: LifecycleObject, id: string): GuardEvaluator {
    return (guard) => this.evaluateGuard(guard, object, id);
  }

  protected evaluateGuard(guard: GuardName, object: LifecycleObject, id: string): string | null {
    const planId = object === 'step' ? (this.psg.node(id)!.data['plan_id'] as string) : id;
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
        // On every step start: a loop, and the list only when something is open.
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
        const open = this.psg.stepsOf(planId).filter((s) => this.status(s) !== 'completed' && this.status(s) !== 'skipped');
        return open.length === 0 ? null : `${open.length} step(s) not completed or skipped`;
      }
      case 'new_review_round':
        return this.reopenedConfirms.has(id) ? null : 'the rejected round was not reopened by a resubmission';
    }
  }

  /** Runs a status change (plus coupled changes) as one transaction. Caller holds the lock. */
  protected async changeStatusLocked(req: StatusChangeRequest): Promise<boolean> {
    const node = this.psg.node(req.id);
    if (!node) throw new RuntimeError('NOT_FOUND', `no ${req.object} ${req.id}`, { id: req.id });
    const from = node.status ?? '';
    const verdict = this.transitionGuard(req.object, req.id, from, req.to, this.guardsFor(req.object, req.id));
    if (verdict.kind === 'same') return false;
    const changes = [{ object: req.object, id: req.id, from, to: req.to }];
    const batch: Mutation[] = [{ op: 'update_node', id: req.id, status: req.to, ...(req.data ? { data: req.data } : {}) }];
    for (const c of req.coupled ?? []) {
      const cFrom = this.status(c.id) ?? '';
      if (this.transitionGuard(c.object, c.id, cFrom, c.to, this.guardsFor(c.object, c.id)).kind === 'same') continue;
      changes.push({ object: c.object, id: c.id, from: cFrom, to: c.to });
      batch.push({ op: 'update_node', id: c.id, status: c.to });
    }
    batch.push(...(req.extra ?? []));
    this.psg.check(batch);
    await writeAll(this.vsl, this.persistedState(changes, req.extra ?? []));
    const change = this.psg.apply(batch);
    this.noteSegments(change);
    for (const c of changes) this.afterStatusChange(c.object, c.id, c.from, c.to, req.reason);
    if (change.nodeDelta !== 0 || change.edgeDelta !== 0) this.emitGraphUpdate(change, req.object, this.projectOf(req.id));
    return true;
  }

  /** The VSL entries that hold the new state of everything a batch changes. */
  protected persistedState(changes: { object: LifecycleObject; id: string; to: string }[], extra: Mutation[]): [string, unknown][] {
    const out: [string, unknown][] = [];
    const statusOf = new Map(changes.map((c) => [c.id, c.to]));
    for (const c of changes) {
      const node = this.psg.node(c.id)!;
      switch (c.object) {
        case 'step':
          out.push([`plans/${node.data['plan_id']}/steps/${c.id}`, this.stepObject(c.id, c.to)]);
          break;
        case 'segment':
          break;
        default:
          out.push([`${c.object}s/${c.id}`, this.assemble(node, statusOf.get(c.id))]);
      }
    }
    for (const m of extra) {
      if (m.op === 'add_node' && m.node.type === 'segment') {
        const trace = m.node.data['trace_id'] as string;
        out.push([`traces/${trace}/segments/${m.node.id}`, { ...omit(m.node.data, 'trace_id'), status: m.node.status }]);
      } else if (m.op === 'add_node' && m.node.type === 'confirm') {
        out.push([`confirms/${m.node.id}`, { ...m.node.data, status: m.node.status }]);
      }
    }
    return out;
  }

  /** Events and trace history that follow a committed status change. */
  protected afterStatusChange(object: LifecycleObject, id: string, from: string, to: string, reason?: string): void {
    if (object === 'plan' || object === 'step') {
      const node = this.psg.node(id)!;
      const planId = object === 'plan' ? id : (node.data['plan_id'] as string);
      const plan = this.psg.node(planId)!;
      const order = object === 'step' ? ((node.data['order_index'] as number | undefined) ?? this.stepPosition(planId, id)) : undefined;
      this.bus.emit(
        this.factory.pipelineStage({
          resource_type: object,
          resource_id: id,
          from,
          to,
          plan_id: planId,
          context_id: plan.data['context_id'] as string,
          name: (object === 'step' ? node.data['description'] : plan.data['title']) as string,
          ...(order !== undefined ? { order } : {}),
          ...(reason ? { reason } : {}),
        }),
      );
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
    this.bus.emit(this.factory.graphUpdate(change, sourceModule, projectId));
  }

  protected projectOf(id: string): string | undefined {
    const n = this.psg.node(id);
    if (!n) return undefined;
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
    for (const s of this.psg.stepsOf(planId)) step_statuses[s] = this.status(s)!;
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
      statusRequest: (object, id, to) => this.manualRequest(object, id, to),
      segmentFor: (planId, stepId, status, startedAt, error) => this.segmentMutations(planId, stepId, status, startedAt, error),
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
  protected segmentMutations(planId: string, stepId: string, status: 'completed' | 'failed', startedAt: string, error?: string): Mutation[] {
    const traceId = this.traceOfPlan.get(planId);
    if (!traceId) return [];
    const step = this.psg.node(stepId)!;
    const segment: TraceSegment = {
      segment_id: this.ids.next(),
      label: (step.data['description'] as string) ?? stepId,
      status,
      started_at: startedAt,
      finished_at: this.clock(),
      attributes: {
        'mplp.step_id': stepId,
        ...(step.data['agent_role'] ? { 'mplp.agent_role': step.data['agent_role'] } : {}),
        ...(error ? { 'mplp.error': error } : {}),
      },
    };
    const { status: segStatus, ...data } = segment;
    const segList = this.traceSegments.get(traceId) ?? [];
    this.traceSegments.set(traceId, segList);
    return [
      { op: 'add_node', node: { type: 'segment', id: segment.segment_id, status: segStatus, data: { ...data, trace_id: traceId } } },
      { op: 'add_edge', edge: { from: segment.segment_id, to: traceId, type: 'segment_trace' } },
    ];
  }

  /** Called by the PSG apply path for segments: keeps the ordered segment list. */
  protected noteSegments(change: Change): void {
    for (const n of change.nodes) {
      if (n.type === 'segment' && n.op === 'add') {
        const traceId = this.psg.node(n.id)!.data['trace_id'] as string | undefined;
        if (traceId) this.traceSegments.get(traceId)?.push(n.id);
      }
    }
  }
}

function omit<T extends object, K extends keyof T>(obj: T, key: K): Omit<T, K> {
  const { [key]: _dropped, ...rest } = obj;
  return rest;
}

/** Plans read best with status before steps, as in the schema. */
function reorderPlan(p: Record<string, unknown>): Record<string, unknown> {
  const { steps, trace, events, ...rest } = p;
  return { ...rest, steps, ...(trace ? { trace } : {}), ...(events ? { events } : {}) };
}
