// The Project Semantic Graph: typed nodes and edges, changed only through transactional
// batches. A batch is validated as a whole against the current graph (referential
// integrity, unique ids, acyclic dependencies, append-only segments) before any of it
// is applied, so a rejected write changes nothing.
//
// Edges are kept per source node, without a key string per edge (a 100k-step plan has half
// a million edges): dependencies as each step's list of the steps it depends on, every other
// edge in its source node's list of outgoing edges (a list of one is the edge itself). A
// batch of status updates, the one every step start makes, is checked without building any
// of the bookkeeping a structural batch needs.

import { RuntimeError } from '../errors.js';
import { findCycleInIndex, indexDag, type DagIndex } from './dag.js';

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
  | { op: 'delete_edge'; edge: PsgEdge }
  /** A plan's step nodes: the same as one add_node per node, in order. */
  | { op: 'add_steps'; nodes: PsgNode[] }
  /**
   * The same as one add_edge {from: step, to: plan, type: step_plan} per step, then one add_edge
   * {from: steps[i], to: d, type: depends_on} per d of deps[i], in order. Registering a plan of
   * 100k steps this way takes no objects per edge.
   */
  | { op: 'link_steps'; plan: string; steps: readonly string[]; deps: readonly (readonly string[] | undefined)[] };

/** A batch with add_steps and link_steps written out as the mutations they stand for. */
export function expandBatch(batch: readonly Mutation[]): Mutation[] {
  const out: Mutation[] = [];
  for (const m of batch) {
    if (m.op === 'add_steps') for (const node of m.nodes) out.push({ op: 'add_node', node });
    else if (m.op === 'link_steps') {
      for (const from of m.steps) out.push({ op: 'add_edge', edge: { from, to: m.plan, type: 'step_plan' } });
      m.steps.forEach((from, i) => {
        for (const to of m.deps[i] ?? []) out.push({ op: 'add_edge', edge: { from, to, type: 'depends_on' } });
      });
    } else out.push(m);
  }
  return out;
}

export interface Change {
  nodes: { type: NodeType; id: string; op: 'add' | 'update' | 'delete' }[];
  edges: { from: string; to: string; type: EdgeType; op: 'add' | 'delete' }[];
  nodeDelta: number;
  edgeDelta: number;
}

/** A plan's steps by position: the DAG index plus each step's node object (current while cached). */
export interface StepTable extends DagIndex {
  nodes: readonly PsgNode[];
  /** Every dependency is a step of the plan (the index left none out). */
  complete: boolean;
}

export interface PsgSnapshot {
  nodes: [string, PsgNode][];
  edges: PsgEdge[];
}

const edgeKey = (e: PsgEdge) => `${e.type}\u0000${e.from}\u0000${e.to}`;
const sameEdge = (a: PsgEdge, b: PsgEdge) => a.to === b.to && a.type === b.type && a.from === b.from;
/** Out-lists longer than this get a key set, so a node with thousands of edges stays O(1) per lookup. */
const INDEXED_DEGREE = 32;

/** Outgoing edges of one node other than dependencies: the edge itself when it is the only one. */
type OutList = PsgEdge | PsgEdge[];

export class ProjectSemanticGraph {
  private nodes = new Map<string, PsgNode>();
  /** Outgoing edges per node except depends_on, in insertion order (an edge added twice is listed twice, counted once). */
  private outEdgesIndex = new Map<string, OutList>();
  /** Lookup sets of the outgoing lists and dependency lists longer than INDEXED_DEGREE. */
  private outKeys = new Map<string, Set<string>>();
  private depKeys = new Map<string, Set<string>>();
  /** Distinct edges. */
  private distinctEdges = 0;
  /** Incoming edge count per node (a node something points at cannot be deleted); counted at the first delete. */
  private incoming: Map<string, number> | undefined;
  /** Steps per plan in plan order, and dependencies per step (the depends_on edges themselves). */
  private planSteps = new Map<string, string[]>();
  private stepDeps = new Map<string, string[]>();
  /** Each plan's steps as a DAG index, kept until its steps or dependencies change. */
  private dagIndexes = new Map<string, DagIndex>();
  private stepTables = new Map<string, StepTable>();
  /** The indexes the last check built, adopted when that same batch is applied. */
  private checked: { batch: readonly Mutation[]; indexes: Map<string, DagIndex> } | undefined;

  get nodeCount(): number {
    return this.nodes.size;
  }
  /** Counts node removals (deletes and restores): a node object held since an unchanged count is still the graph's. */
  get removals(): number {
    return this.removed;
  }
  private removed = 0;
  get edgeCount(): number {
    return this.distinctEdges;
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

  /** The plan's steps (positions in plan order) and their dependencies as a DAG index. Treat as read-only. */
  planIndex(planId: string): DagIndex {
    return this.planTable(planId);
  }

  /**
   * planIndex plus the steps' node objects by position, so a run reads statuses without a
   * lookup per step. Node objects are updated in place, and the table is dropped whenever the
   * plan's steps or dependencies change (or the graph is restored), so it stays current.
   */
  planTable(planId: string): StepTable {
    let table = this.stepTables.get(planId);
    if (!table) {
      let index = this.dagIndexes.get(planId);
      let complete = true;
      if (!index) {
        const steps = this.stepsOf(planId);
        const built = indexDag(steps, steps.map((s) => this.dependenciesOf(s)));
        index = built.index;
        complete = built.dangling.length === 0;
      }
      const nodes = index.ids.map((id) => this.nodes.get(id)!);
      table = { ...index, nodes, complete };
      this.dagIndexes.set(planId, index);
      this.stepTables.set(planId, table);
    }
    return table;
  }

  /** Called by a batch check: the indexes it built for the plans the batch touches. */
  noteChecked(batch: readonly Mutation[], indexes: Map<string, DagIndex>): void {
    this.checked = { batch, indexes };
  }

  /** Whether the graph holds this edge. */
  hasEdge(edge: PsgEdge): boolean {
    if (edge.type === 'depends_on') {
      const deps = this.stepDeps.get(edge.from);
      if (deps === undefined) return false;
      return deps.length > INDEXED_DEGREE ? this.depKeys.get(edge.from)!.has(edge.to) : deps.includes(edge.to);
    }
    const out = this.outEdgesIndex.get(edge.from);
    if (out === undefined) return false;
    if (!Array.isArray(out)) return sameEdge(out, edge);
    if (out.length > INDEXED_DEGREE) return this.outKeys.get(edge.from)!.has(edgeKey(edge));
    for (let i = 0; i < out.length; i++) if (sameEdge(out[i]!, edge)) return true;
    return false;
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
    this.checked = undefined;
    if (batch.every(isUpdate)) {
      for (const m of batch) this.checkUpdate(m.id, this.nodes.get(m.id)?.type);
      return;
    }
    new BatchCheck(this, this.nodes).run(batch);
  }

  /** update_node of `id`, whose type (after the batch so far) is `type`. */
  checkUpdate(id: string, type: NodeType | undefined): void {
    if (type === undefined) throw new RuntimeError('NOT_FOUND', `no PSG node ${id} to update`, { id });
    if (APPEND_ONLY_TYPES.has(type)) {
      throw new RuntimeError('APPEND_ONLY', `${type} ${id} is append-only and cannot be modified after creation (SEED-L3 §5.1)`, { id, type });
    }
  }

  // ---------------------------------------------------------------- lean batches
  // The two batches every executed step makes, without the general batch machinery: a status
  // update, and a status update with a new leaf node (a trace segment) and its one edge. The
  // same checks, errors and result as check() and apply() of that batch; callers use these only
  // while check and apply are this class's own (`plain`), so a replaced one still sees every batch.

  get plain(): boolean {
    return this.check === ProjectSemanticGraph.prototype.check && this.apply === ProjectSemanticGraph.prototype.apply;
  }

  /** check() of [add_node node, add_edge edge] (edge from the new node), after an update. */
  checkLeaf(node: PsgNode, edge: PsgEdge): void {
    const existing = this.nodes.get(node.id);
    if (existing) throw new RuntimeError('DUPLICATE_ID', `${node.type} ${node.id} already exists in the PSG (as ${existing.type})`, { id: node.id, type: node.type });
    const { from, to, type } = edge;
    if (to !== node.id && !this.nodes.has(to)) throw new RuntimeError('REF_UNRESOLVED', `${node.type} ${from} references ${to} (${type}), which is not in the PSG`, { from, to, type });
  }

  /** apply() of a checked status update of `node` (the node object in the graph). */
  setStatus(node: PsgNode, status: string): void {
    node.status = status;
  }

  /** apply() of a checked [add_node node, add_edge edge] (neither a step_plan nor a depends_on edge). */
  addLeaf(node: PsgNode, edge: PsgEdge): void {
    this.nodes.set(node.id, node);
    // A new node has no outgoing edges yet: this one is its list.
    this.outEdgesIndex.set(node.id, edge);
    this.distinctEdges++;
    if (this.incoming) this.incoming.set(edge.to, (this.incoming.get(edge.to) ?? 0) + 1);
  }

  /** The plan a step belongs to (its step_plan edge). */
  planOfStep(step: string): string | undefined {
    return this.edgeTarget(step, 'step_plan');
  }

  /** Where the node's first outgoing edge of this type leads (not for depends_on). */
  edgeTarget(from: string, type: EdgeType): string | undefined {
    for (const e of this.outEdges(from)) if (e.type === type) return e.to;
    return undefined;
  }

  incomingCount(id: string): number {
    return this.incomingCounts().get(id) ?? 0;
  }

  private incomingCounts(): Map<string, number> {
    if (!this.incoming) {
      const counts = new Map<string, number>();
      const count = (to: string) => counts.set(to, (counts.get(to) ?? 0) + 1);
      for (const out of this.outEdgesIndex.values()) {
        if (Array.isArray(out)) for (const e of out) count(e.to);
        else count(out.to);
      }
      for (const deps of this.stepDeps.values()) for (const d of deps) count(d);
      this.incoming = counts;
    }
    return this.incoming;
  }

  /** Outgoing edges other than dependencies. */
  private outEdges(id: string): readonly PsgEdge[] {
    const out = this.outEdgesIndex.get(id);
    return out === undefined ? [] : Array.isArray(out) ? out : [out];
  }

  /** Applies a batch that `check` accepted. */
  apply(batch: readonly Mutation[]): Change {
    const checked = this.checked;
    this.checked = undefined;
    const change: Change = { nodes: [], edges: [], nodeDelta: 0, edgeDelta: 0 };
    for (const m of batch) {
      switch (m.op) {
        case 'add_node':
          this.nodes.set(m.node.id, m.node);
          change.nodes.push({ type: m.node.type, id: m.node.id, op: 'add' });
          change.nodeDelta++;
          break;
        case 'update_node': {
          // In place: a node object stays the node's for as long as it is in the graph (callers
          // may hold it), while its data is replaced, never changed.
          const node = this.nodes.get(m.id)!;
          if (m.data) node.data = { ...node.data, ...m.data };
          if (m.status !== undefined) node.status = m.status;
          change.nodes.push({ type: node.type, id: m.id, op: 'update' });
          break;
        }
        case 'add_steps':
          for (const node of m.nodes) {
            this.nodes.set(node.id, node);
            change.nodes.push({ type: node.type, id: node.id, op: 'add' });
          }
          change.nodeDelta += m.nodes.length;
          break;
        case 'link_steps':
          this.linkSteps(m, change);
          break;
        case 'delete_node': {
          const old = this.nodes.get(m.id)!;
          for (const e of this.outEdges(m.id)) this.removeEdge(e, change);
          for (const to of [...this.dependenciesOf(m.id)]) this.removeEdge({ from: m.id, to, type: 'depends_on' }, change);
          this.nodes.delete(m.id);
          this.removed++;
          this.incoming?.delete(m.id);
          change.nodes.push({ type: old.type, id: m.id, op: 'delete' });
          change.nodeDelta--;
          break;
        }
        case 'add_edge':
          this.addEdge(m.edge);
          change.edges.push({ from: m.edge.from, to: m.edge.to, type: m.edge.type, op: 'add' });
          change.edgeDelta++;
          break;
        case 'delete_edge':
          this.removeEdge(m.edge, change);
          break;
      }
    }
    // The check's indexes describe the graph after this batch only if it removed nothing.
    if (checked?.batch === batch && change.nodeDelta === change.nodes.length && change.edgeDelta === change.edges.length) {
      for (const [plan, index] of checked.indexes) this.dagIndexes.set(plan, index);
    }
    return change;
  }

  /** apply() of link_steps: its edges, with the change entries the single add_edges would make. */
  private linkSteps(m: Extract<Mutation, { op: 'link_steps' }>, change: Change): void {
    const { plan, steps, deps } = m;
    this.planChanged({ from: plan, to: plan, type: 'step_plan' });
    let members = this.planSteps.get(plan);
    if (!members) this.planSteps.set(plan, (members = []));
    for (const from of steps) {
      const edge: PsgEdge = { from, to: plan, type: 'step_plan' };
      if (this.incoming === undefined && !this.outEdgesIndex.has(from)) {
        // A step with no outgoing edge yet (a new one): this edge is its list.
        this.outEdgesIndex.set(from, edge);
        this.distinctEdges++;
        members.push(from);
      } else this.addEdge(edge);
      change.edges.push({ from, to: plan, type: 'step_plan', op: 'add' });
    }
    change.edgeDelta += steps.length;
    for (let i = 0; i < steps.length; i++) {
      const from = steps[i]!, list = deps[i];
      if (!list || list.length === 0) continue;
      if (!this.stepDeps.has(from) && list.length <= INDEXED_DEGREE && this.incoming === undefined) {
        // A step without dependencies yet takes its list whole (a copy: the graph's lists grow).
        let distinct = 0;
        for (let k = 0; k < list.length; k++) if (list.indexOf(list[k]!) === k) distinct++;
        this.distinctEdges += distinct;
        this.stepDeps.set(from, list.slice());
        this.planChanged({ from, to: list[0]!, type: 'depends_on' });
      } else {
        for (const to of list) this.addEdge({ from, to, type: 'depends_on' });
      }
      for (const to of list) change.edges.push({ from, to, type: 'depends_on', op: 'add' });
      change.edgeDelta += list.length;
    }
  }

  /** A plan's steps or dependencies change: its DAG index is stale. */
  private planChanged(e: PsgEdge): void {
    if (this.dagIndexes.size === 0) return;
    const plan = e.type === 'step_plan' ? e.to : this.planOfStep(e.from);
    if (plan !== undefined) {
      this.dagIndexes.delete(plan);
      this.stepTables.delete(plan);
    }
  }

  private addEdge(e: PsgEdge): void {
    if (e.type === 'step_plan' || e.type === 'depends_on') this.planChanged(e);
    if (this.incoming) this.incoming.set(e.to, (this.incoming.get(e.to) ?? 0) + 1);
    if (e.type === 'depends_on') {
      const deps = this.stepDeps.get(e.from);
      if (deps === undefined) {
        this.stepDeps.set(e.from, [e.to]);
        this.distinctEdges++;
        return;
      }
      if (!(deps.length > INDEXED_DEGREE ? this.depKeys.get(e.from)!.has(e.to) : deps.includes(e.to))) this.distinctEdges++;
      deps.push(e.to);
      if (deps.length > INDEXED_DEGREE + 1) this.depKeys.get(e.from)!.add(e.to);
      else if (deps.length === INDEXED_DEGREE + 1) this.depKeys.set(e.from, new Set(deps));
      return;
    }
    if (!this.hasEdge(e)) this.distinctEdges++;
    const out = this.outEdgesIndex.get(e.from);
    if (out === undefined) this.outEdgesIndex.set(e.from, e);
    else if (!Array.isArray(out)) this.outEdgesIndex.set(e.from, [out, e]);
    else {
      out.push(e);
      if (out.length > INDEXED_DEGREE + 1) this.outKeys.get(e.from)!.add(edgeKey(e));
      else if (out.length === INDEXED_DEGREE + 1) this.outKeys.set(e.from, new Set(out.map(edgeKey)));
    }
    if (e.type === 'step_plan') {
      const steps = this.planSteps.get(e.to);
      if (steps) steps.push(e.from);
      else this.planSteps.set(e.to, [e.from]);
    }
  }

  /** Every outgoing edge of a node, dependencies included. */
  private allOutEdges(id: string): PsgEdge[] {
    const out = [...this.outEdges(id)];
    for (const to of this.dependenciesOf(id)) out.push({ from: id, to, type: 'depends_on' });
    return out;
  }

  private removeEdge(edge: PsgEdge, change: Change): void {
    if (!this.hasEdge(edge)) return;
    if (edge.type === 'step_plan' || edge.type === 'depends_on') this.planChanged(edge);
    const e = { from: edge.from, to: edge.to, type: edge.type };
    this.distinctEdges--;
    if (this.incoming) this.incoming.set(e.to, (this.incoming.get(e.to) ?? 1) - 1);
    if (e.type === 'depends_on') {
      const deps = this.stepDeps.get(e.from)!.filter((s) => s !== e.to);
      if (deps.length > 0) this.stepDeps.set(e.from, deps);
      else this.stepDeps.delete(e.from);
      if (deps.length > INDEXED_DEGREE) this.depKeys.set(e.from, new Set(deps));
      else this.depKeys.delete(e.from);
    } else {
      const out = this.outEdges(e.from).filter((x) => !sameEdge(x, e));
      if (out.length > 1) this.outEdgesIndex.set(e.from, out);
      else if (out.length === 1) this.outEdgesIndex.set(e.from, out[0]!);
      else this.outEdgesIndex.delete(e.from);
      if (out.length > INDEXED_DEGREE) this.outKeys.set(e.from, new Set(out.map(edgeKey)));
      else this.outKeys.delete(e.from);
      if (e.type === 'step_plan') this.planSteps.set(e.to, (this.planSteps.get(e.to) ?? []).filter((s) => s !== e.from));
    }
    change.edges.push({ ...e, op: 'delete' });
    change.edgeDelta--;
  }

  /** Every distinct edge, each once. */
  private distinctEdgeList(): PsgEdge[] {
    const out: PsgEdge[] = [];
    const ids = new Set<string>([...this.outEdgesIndex.keys(), ...this.stepDeps.keys()]);
    for (const id of ids) {
      const list = this.allOutEdges(id);
      if (list.length === 1) {
        out.push(list[0]!);
        continue;
      }
      const seen = new Set<string>();
      for (const e of list) {
        const k = edgeKey(e);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(e);
      }
    }
    return out;
  }

  /** Canonical export: nodes by (type, id), edges by (type, from, to). */
  export(): { nodes: { type: string; id: string; status?: string }[]; edges: PsgEdge[] } {
    const nodes = [...this.nodes.values()]
      .map((n) => (n.status === undefined ? { type: n.type, id: n.id } : { type: n.type, id: n.id, status: n.status }))
      .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const edges = this.distinctEdgeList()
      .map((e) => ({ from: e.from, to: e.to, type: e.type }))
      .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
    return { nodes, edges };
  }

  snapshot(): PsgSnapshot {
    return structuredClone({ nodes: [...this.nodes.entries()], edges: this.distinctEdgeList() });
  }

  restore(snapshot: PsgSnapshot): void {
    const copy = structuredClone(snapshot);
    this.nodes = new Map(copy.nodes);
    this.outEdgesIndex = new Map();
    this.outKeys = new Map();
    this.depKeys = new Map();
    this.distinctEdges = 0;
    this.incoming = undefined;
    this.planSteps = new Map();
    this.stepDeps = new Map();
    this.dagIndexes = new Map();
    this.stepTables = new Map();
    this.apply(copy.edges.map((edge) => ({ op: 'add_edge' as const, edge })));
    this.removed++;
  }

  /** Nodes of one type in insertion order. */
  *nodesOfType(type: NodeType): IterableIterator<PsgNode> {
    for (const n of this.nodes.values()) if (n.type === type) yield n;
  }
}

const isUpdate = (m: Mutation): m is Extract<Mutation, { op: 'update_node' }> => m.op === 'update_node';

/** The checks of one structural batch against the graph as it would be after the batch so far. */
class BatchCheck {
  private readonly added = new Map<string, PsgNode>();
  private deleted: Set<string> | undefined;
  /** step → dependencies added by this batch */
  private newDeps: Map<string, string[]> | undefined;
  /** plan → steps added by this batch */
  private newPlanSteps: Map<string, string[]> | undefined;

  constructor(
    private readonly psg: ProjectSemanticGraph,
    private readonly nodes: ReadonlyMap<string, PsgNode>,
  ) {}

  private exists(id: string): boolean {
    return this.added.has(id) || (this.nodes.has(id) && !this.deleted?.has(id));
  }

  private typeOf(id: string): NodeType | undefined {
    return this.added.get(id)?.type ?? this.nodes.get(id)?.type;
  }

  private batch: readonly Mutation[] = [];

  private addNode(node: PsgNode): void {
    if (this.exists(node.id)) {
      throw new RuntimeError('DUPLICATE_ID', `${node.type} ${node.id} already exists in the PSG (as ${this.typeOf(node.id)})`, { id: node.id, type: node.type });
    }
    this.added.set(node.id, node);
  }

  /** An add_edge: both ends must exist and the edge must be new; `note`: record it for the dependency checks. */
  private addEdge(from: string, to: string, type: EdgeType, edge?: PsgEdge, note = true): void {
    if (!this.exists(from)) throw new RuntimeError('REF_UNRESOLVED', `${type} edge from ${from}: no such node`, { from, to, type });
    if (!this.exists(to)) {
      throw new RuntimeError('REF_UNRESOLVED', `${this.typeOf(from)} ${from} references ${to} (${type}), which is not in the PSG`, { from, to, type });
    }
    if (this.psg.hasEdge(edge ?? { from, to, type })) throw new RuntimeError('DUPLICATE_ID', `edge ${type} ${from} → ${to} already exists`, { from, to, type });
    if (!note) return;
    if (type === 'depends_on') push((this.newDeps ??= new Map()), from, to);
    if (type === 'step_plan') push((this.newPlanSteps ??= new Map()), to, from);
  }

  /** link_steps, checked as its add_edges would be, in the same order. */
  private linkSteps(m: Extract<Mutation, { op: 'link_steps' }>): void {
    const { plan, steps, deps } = m;
    for (const from of steps) this.addEdge(from, plan, 'step_plan', undefined, false);
    append((this.newPlanSteps ??= new Map()), plan, steps);
    for (let i = 0; i < steps.length; i++) {
      const from = steps[i]!, list = deps[i];
      if (!list || list.length === 0) continue;
      // A step new to the graph has no edges there yet: none of its edges can be a duplicate.
      const fresh = !this.nodes.has(from);
      for (let k = 0; k < list.length; k++) {
        const to = list[k]!;
        if (!this.exists(to)) {
          throw new RuntimeError('REF_UNRESOLVED', `${this.typeOf(from)} ${from} references ${to} (depends_on), which is not in the PSG`, { from, to, type: 'depends_on' });
        }
        if (!fresh && this.psg.hasEdge({ from, to, type: 'depends_on' })) throw new RuntimeError('DUPLICATE_ID', `edge depends_on ${from} → ${to} already exists`, { from, to, type: 'depends_on' });
      }
      append((this.newDeps ??= new Map()), from, list);
    }
  }

  run(batch: readonly Mutation[]): void {
    this.batch = batch;
    for (const m of batch) {
      switch (m.op) {
        case 'add_node':
          this.addNode(m.node);
          break;
        case 'update_node':
          this.psg.checkUpdate(m.id, this.exists(m.id) ? this.typeOf(m.id) : undefined);
          break;
        case 'delete_node': {
          if (!this.exists(m.id)) throw new RuntimeError('NOT_FOUND', `no PSG node ${m.id} to delete`, { id: m.id });
          const type = this.typeOf(m.id)!;
          if (APPEND_ONLY_TYPES.has(type) || type === 'trace') {
            throw new RuntimeError('APPEND_ONLY', `${type} ${m.id} is trace history and cannot be deleted (SEED-L3 §5.1)`, { id: m.id, type });
          }
          (this.deleted ??= new Set()).add(m.id);
          break;
        }
        case 'add_edge':
          this.addEdge(m.edge.from, m.edge.to, m.edge.type, m.edge);
          break;
        case 'delete_edge': {
          if (!this.psg.hasEdge(m.edge)) throw new RuntimeError('NOT_FOUND', `no edge ${m.edge.type} ${m.edge.from} → ${m.edge.to}`, { ...m.edge });
          break;
        }
        case 'add_steps':
          for (const node of m.nodes) this.addNode(node);
          break;
        case 'link_steps':
          this.linkSteps(m);
          break;
      }
    }

    // Deleted nodes must not be referenced by edges that survive the batch.
    for (const id of this.deleted ?? []) {
      const removedEdges = batch.filter((m) => m.op === 'delete_edge' && m.edge.to === id).length;
      if (this.psg.incomingCount(id) > removedEdges) {
        throw new RuntimeError('REF_UNRESOLVED', `${this.typeOf(id)} ${id} is still referenced and cannot be deleted`, { id });
      }
    }

    if (this.newDeps) this.checkDependencies(this.newDeps);
  }

  /**
   * Dependencies must stay inside one plan and acyclic. Each touched plan is indexed once
   * (positions and dependency lists): a dependency the index cannot place is one that leaves
   * its plan, and the cycle search runs on the same index, which apply() then keeps.
   */
  private checkDependencies(newDeps: Map<string, string[]>): void {
    const indexes = new Map<string, DagIndex>();
    const index = (plan: string) => {
      const existing = this.psg.stepsOf(plan);
      const added = this.newPlanSteps?.get(plan) ?? [];
      const steps = existing.length === 0 ? added : [...existing, ...added];
      const deps = steps.map((s) => {
        const before = this.psg.dependenciesOf(s), now = newDeps.get(s);
        return now === undefined ? before : before.length === 0 ? now : [...before, ...now];
      });
      const built = indexDag(steps, deps);
      indexes.set(plan, built.index);
      return built.dangling.length === 0;
    };
    let placed = true;
    for (const plan of this.newPlanSteps?.keys() ?? []) placed = index(plan) && placed;
    // Steps given dependencies that are not new steps of an indexed plan: their plan, if any.
    for (const step of newDeps.keys()) {
      let found = false;
      for (const idx of indexes.values()) if (idx.position.has(step)) found = true;
      if (found) continue;
      const plan = this.psg.planOfStep(step);
      if (plan === undefined) placed = false;
      else if (!indexes.has(plan)) placed = index(plan) && placed;
    }
    if (!placed) this.firstForeignDependency(newDeps);
    for (const [plan, idx] of indexes) {
      const cycle = findCycleInIndex(idx);
      if (cycle) throw new RuntimeError('DAG_CYCLE', `plan ${plan} dependencies form a cycle: ${cycle.join(' → ')}`, { plan, cycle });
    }
    this.psg.noteChecked(this.batch, indexes);
  }

  /** Throws for the first new dependency, in batch order, on a step of another plan (or of none). */
  private firstForeignDependency(newDeps: Map<string, string[]>): void {
    const planOf = new Map<string, string>();
    for (const [plan, steps] of this.newPlanSteps ?? []) for (const s of steps) planOf.set(s, plan);
    for (const [step, deps] of newDeps) {
      const plan = planOf.get(step) ?? this.psg.planOfStep(step);
      for (const dep of deps) {
        const depPlan = planOf.get(dep) ?? this.psg.planOfStep(dep);
        if (depPlan !== plan) {
          throw new RuntimeError('REF_UNRESOLVED', `step ${step} depends on ${dep}, which is not a step of the same plan`, { step, dependency: dep, plan });
        }
      }
    }
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function append(map: Map<string, string[]>, key: string, values: readonly string[]): void {
  const list = map.get(key);
  if (list) for (const v of values) list.push(v);
  else map.set(key, values.slice());
}
