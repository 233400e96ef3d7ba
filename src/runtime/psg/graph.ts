// The Project Semantic Graph: typed nodes and edges, changed only through transactional
// batches. A batch is validated as a whole against the current graph (referential
// integrity, unique ids, acyclic dependencies, append-only segments) before any of it
// is applied, so a rejected write changes nothing.

import { RuntimeError } from '../errors.js';
import { findCycle } from './dag.js';

export type NodeType = 'context' | 'plan' | 'step' | 'trace' | 'segment' | 'confirm' | 'role' | 'collab' | 'artifact';
export type EdgeType =
  | 'plan_context'
  | 'step_plan'
  | 'depends_on'
  | 'trace_plan'
  | 'trace_context'
  | 'segment_trace'
  | 'confirm_target'
  | 'collab_context'
  /** step → artifact: the step's action produced the file (docs/drift-and-rollback.md). */
  | 'produces';

export interface PsgNode {
  type: NodeType;
  id: string;
  status?: string;
  /** The node's own fields (MPLP object without its child collections). Treated as immutable. */
  data: Record<string, unknown>;
}

export interface PsgEdge {
  from: string;
  to: string;
  type: EdgeType;
}

/** Node types whose nodes may never change or disappear once written (SEED-L3 §5.1). */
const APPEND_ONLY_TYPES: ReadonlySet<NodeType> = new Set(['segment']);

export type Mutation =
  | { op: 'add_node'; node: PsgNode }
  | { op: 'update_node'; id: string; status?: string; data?: Record<string, unknown> }
  | { op: 'delete_node'; id: string }
  | { op: 'add_edge'; edge: PsgEdge }
  | { op: 'delete_edge'; edge: PsgEdge };

export interface Change {
  nodes: { type: NodeType; id: string; op: 'add' | 'update' | 'delete' }[];
  edges: { from: string; to: string; type: EdgeType; op: 'add' | 'delete' }[];
  nodeDelta: number;
  edgeDelta: number;
}

export interface PsgSnapshot {
  nodes: [string, PsgNode][];
  edges: PsgEdge[];
}

const edgeKey = (e: PsgEdge) => `${e.type}\u0000${e.from}\u0000${e.to}`;

export class ProjectSemanticGraph {
  private nodes = new Map<string, PsgNode>();
  private edges = new Map<string, PsgEdge>();
  /** Incoming edge count per node: a node that something points at cannot be deleted. */
  private incoming = new Map<string, number>();
  /** Steps per plan in plan order, and dependencies per step, for cycle checks. */
  private planSteps = new Map<string, string[]>();
  private stepDeps = new Map<string, string[]>();

  get nodeCount(): number {
    return this.nodes.size;
  }
  get edgeCount(): number {
    return this.edges.size;
  }

  node(id: string): PsgNode | undefined {
    return this.nodes.get(id);
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  stepsOf(planId: string): readonly string[] {
    return this.planSteps.get(planId) ?? [];
  }

  dependenciesOf(stepId: string): readonly string[] {
    return this.stepDeps.get(stepId) ?? [];
  }

  /** Validates the whole batch, then applies it; throws RuntimeError and changes nothing on any violation. */
  commit(batch: readonly Mutation[]): Change {
    this.check(batch);
    return this.apply(batch);
  }

  /**
   * Throws if the batch would break integrity. `check` then `apply` lets a caller persist
   * in between; it must hold its lock across both so the graph cannot change meanwhile.
   */
  check(batch: readonly Mutation[]): void {
    const added = new Map<string, PsgNode>();
    const deleted = new Set<string>();
    const exists = (id: string) => (this.nodes.has(id) && !deleted.has(id)) || added.has(id);
    const typeOf = (id: string) => added.get(id)?.type ?? this.nodes.get(id)?.type;
    const newDeps = new Map<string, string[]>(); // step -> deps added in this batch
    const plansTouched = new Set<string>();
    const newPlanSteps = new Map<string, string[]>();

    for (const m of batch) {
      switch (m.op) {
        case 'add_node': {
          if (exists(m.node.id)) {
            throw new RuntimeError('DUPLICATE_ID', `${m.node.type} ${m.node.id} already exists in the PSG (as ${typeOf(m.node.id)})`, { id: m.node.id, type: m.node.type });
          }
          added.set(m.node.id, m.node);
          break;
        }
        case 'update_node': {
          if (!exists(m.id)) throw new RuntimeError('NOT_FOUND', `no PSG node ${m.id} to update`, { id: m.id });
          const type = typeOf(m.id)!;
          if (APPEND_ONLY_TYPES.has(type)) {
            throw new RuntimeError('APPEND_ONLY', `${type} ${m.id} is append-only and cannot be modified after creation (SEED-L3 §5.1)`, { id: m.id, type });
          }
          break;
        }
        case 'delete_node': {
          if (!exists(m.id)) throw new RuntimeError('NOT_FOUND', `no PSG node ${m.id} to delete`, { id: m.id });
          const type = typeOf(m.id)!;
          if (APPEND_ONLY_TYPES.has(type) || type === 'trace') {
            throw new RuntimeError('APPEND_ONLY', `${type} ${m.id} is trace history and cannot be deleted (SEED-L3 §5.1)`, { id: m.id, type });
          }
          deleted.add(m.id);
          break;
        }
        case 'add_edge': {
          const { from, to, type } = m.edge;
          if (!exists(from)) throw new RuntimeError('REF_UNRESOLVED', `${type} edge from ${from}: no such node`, { from, to, type });
          if (!exists(to)) {
            throw new RuntimeError('REF_UNRESOLVED', `${typeOf(from)} ${from} references ${to} (${type}), which is not in the PSG`, { from, to, type });
          }
          if (this.edges.has(edgeKey(m.edge))) throw new RuntimeError('DUPLICATE_ID', `edge ${type} ${from} → ${to} already exists`, { from, to, type });
          if (type === 'depends_on') {
            const list = newDeps.get(from) ?? [];
            list.push(to);
            newDeps.set(from, list);
          }
          if (type === 'step_plan') {
            const list = newPlanSteps.get(to) ?? [];
            list.push(from);
            newPlanSteps.set(to, list);
            plansTouched.add(to);
          }
          break;
        }
        case 'delete_edge': {
          if (!this.edges.has(edgeKey(m.edge))) throw new RuntimeError('NOT_FOUND', `no edge ${m.edge.type} ${m.edge.from} → ${m.edge.to}`, { ...m.edge });
          break;
        }
      }
    }

    // Deleted nodes must not be referenced by edges that survive the batch.
    for (const id of deleted) {
      const removedEdges = batch.filter((m) => m.op === 'delete_edge' && m.edge.to === id).length;
      if ((this.incoming.get(id) ?? 0) > removedEdges) {
        throw new RuntimeError('REF_UNRESOLVED', `${typeOf(id)} ${id} is still referenced and cannot be deleted`, { id });
      }
    }

    // Dependencies must stay inside one plan and acyclic.
    if (newDeps.size > 0) {
      const planOf = new Map<string, string>();
      for (const [plan, steps] of newPlanSteps) for (const s of steps) planOf.set(s, plan);
      for (const [step, deps] of newDeps) {
        const plan = planOf.get(step) ?? this.planOfStep(step);
        for (const dep of deps) {
          const depPlan = planOf.get(dep) ?? this.planOfStep(dep);
          if (depPlan !== plan) {
            throw new RuntimeError('REF_UNRESOLVED', `step ${step} depends on ${dep}, which is not a step of the same plan`, { step, dependency: dep, plan });
          }
        }
        if (plan) plansTouched.add(plan);
      }
      for (const plan of plansTouched) {
        const steps = [...(this.planSteps.get(plan) ?? []), ...(newPlanSteps.get(plan) ?? [])];
        const deps = steps.map((s) => [...(this.stepDeps.get(s) ?? []), ...(newDeps.get(s) ?? [])]);
        const cycle = findCycle(steps, deps);
        if (cycle) {
          throw new RuntimeError('DAG_CYCLE', `plan ${plan} dependencies form a cycle: ${cycle.join(' → ')}`, { plan, cycle });
        }
      }
    }
  }

  private planOfStep(step: string): string | undefined {
    for (const e of this.outEdges(step)) if (e.type === 'step_plan') return e.to;
    return undefined;
  }

  private outEdgesIndex = new Map<string, PsgEdge[]>();
  private outEdges(id: string): readonly PsgEdge[] {
    return this.outEdgesIndex.get(id) ?? [];
  }

  /** Applies a batch that `check` accepted. */
  apply(batch: readonly Mutation[]): Change {
    const change: Change = { nodes: [], edges: [], nodeDelta: 0, edgeDelta: 0 };
    for (const m of batch) {
      switch (m.op) {
        case 'add_node':
          this.nodes.set(m.node.id, m.node);
          change.nodes.push({ type: m.node.type, id: m.node.id, op: 'add' });
          change.nodeDelta++;
          break;
        case 'update_node': {
          const old = this.nodes.get(m.id)!;
          // A new node object (snapshots share the old one); built field by field, as it runs on every status change.
          const data = m.data ? { ...old.data, ...m.data } : old.data;
          const status = m.status ?? old.status;
          this.nodes.set(m.id, status === undefined ? { type: old.type, id: old.id, data } : { type: old.type, id: old.id, status, data });
          change.nodes.push({ type: old.type, id: m.id, op: 'update' });
          break;
        }
        case 'delete_node': {
          const old = this.nodes.get(m.id)!;
          for (const e of [...this.outEdges(m.id)]) this.removeEdge(e, change);
          this.nodes.delete(m.id);
          this.incoming.delete(m.id);
          change.nodes.push({ type: old.type, id: m.id, op: 'delete' });
          change.nodeDelta--;
          break;
        }
        case 'add_edge': {
          const e = m.edge;
          this.edges.set(edgeKey(e), e);
          this.incoming.set(e.to, (this.incoming.get(e.to) ?? 0) + 1);
          const out = this.outEdgesIndex.get(e.from);
          if (out) out.push(e);
          else this.outEdgesIndex.set(e.from, [e]);
          if (e.type === 'step_plan') {
            const steps = this.planSteps.get(e.to);
            if (steps) steps.push(e.from);
            else this.planSteps.set(e.to, [e.from]);
          } else if (e.type === 'depends_on') {
            const deps = this.stepDeps.get(e.from);
            if (deps) deps.push(e.to);
            else this.stepDeps.set(e.from, [e.to]);
          }
          change.edges.push({ ...e, op: 'add' });
          change.edgeDelta++;
          break;
        }
        case 'delete_edge':
          this.removeEdge(m.edge, change);
          break;
      }
    }
    return change;
  }

  private removeEdge(edge: PsgEdge, change: Change): void {
    const key = edgeKey(edge);
    const e = this.edges.get(key);
    if (!e) return;
    this.edges.delete(key);
    this.incoming.set(e.to, (this.incoming.get(e.to) ?? 1) - 1);
    const out = this.outEdgesIndex.get(e.from);
    if (out) this.outEdgesIndex.set(e.from, out.filter((x) => edgeKey(x) !== key));
    if (e.type === 'step_plan') this.planSteps.set(e.to, (this.planSteps.get(e.to) ?? []).filter((s) => s !== e.from));
    if (e.type === 'depends_on') this.stepDeps.set(e.from, (this.stepDeps.get(e.from) ?? []).filter((s) => s !== e.to));
    change.edges.push({ ...e, op: 'delete' });
    change.edgeDelta--;
  }

  /** Canonical export: nodes by (type, id), edges by (type, from, to). */
  export(): { nodes: { type: string; id: string; status?: string }[]; edges: PsgEdge[] } {
    const nodes = [...this.nodes.values()]
      .map((n) => (n.status === undefined ? { type: n.type, id: n.id } : { type: n.type, id: n.id, status: n.status }))
      .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const edges = [...this.edges.values()]
      .map((e) => ({ from: e.from, to: e.to, type: e.type }))
      .sort((a, b) => {
        const ka = `${a.type}\u0000${a.from}\u0000${a.to}`, kb = `${b.type}\u0000${b.from}\u0000${b.to}`;
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      });
    return { nodes, edges };
  }

  snapshot(): PsgSnapshot {
    return structuredClone({ nodes: [...this.nodes.entries()], edges: [...this.edges.values()] });
  }

  restore(snapshot: PsgSnapshot): void {
    const copy = structuredClone(snapshot);
    this.nodes = new Map(copy.nodes);
    this.edges = new Map();
    this.incoming = new Map();
    this.outEdgesIndex = new Map();
    this.planSteps = new Map();
    this.stepDeps = new Map();
    this.apply(copy.edges.map((edge) => ({ op: 'add_edge' as const, edge })));
  }

  /** Nodes of one type in insertion order. */
  *nodesOfType(type: NodeType): IterableIterator<PsgNode> {
    for (const n of this.nodes.values()) if (n.type === type) yield n;
  }
}
