// A large PSG change (a plan of 100k steps registers 500k nodes and edges in one batch) kept
// for its graph_update event as columns: the ids are the PSG's own strings, types and ops are
// small codes. It expands back to the Change the graph_update payload lists.

import type { Change, EdgeType, NodeType } from '../psg/graph.js';

const NODE_TYPES: readonly NodeType[] = ['context', 'plan', 'step', 'trace', 'segment', 'confirm', 'role', 'collab', 'artifact'];
const EDGE_TYPES: readonly EdgeType[] = ['plan_context', 'step_plan', 'depends_on', 'trace_plan', 'trace_context', 'segment_trace', 'confirm_target', 'collab_context', 'produces'];
const NODE_OPS = ['add', 'update', 'delete'] as const;
const EDGE_OPS = ['add', 'delete'] as const;
const code = <T>(list: readonly T[]) => new Map<T, number>(list.map((x, i) => [x, i]));
const NODE_TYPE = code(NODE_TYPES), EDGE_TYPE = code(EDGE_TYPES), NODE_OP = code<string>(NODE_OPS), EDGE_OP = code<string>(EDGE_OPS);

export class CompactChange {
  private constructor(
    private readonly nodeIds: string[],
    private readonly nodeCodes: Uint8Array,
    private readonly edgeFrom: string[],
    private readonly edgeTo: string[],
    private readonly edgeCodes: Uint8Array,
    private readonly nodeDelta: number,
    private readonly edgeDelta: number,
  ) {}

  /** The change as columns, or undefined when it holds a type or op this form has no code for. */
  static of(change: Change): CompactChange | undefined {
    const n = change.nodes.length, m = change.edges.length;
    const nodeIds = new Array<string>(n), nodeCodes = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const x = change.nodes[i]!;
      const t = NODE_TYPE.get(x.type), o = NODE_OP.get(x.op);
      if (t === undefined || o === undefined) return undefined;
      nodeIds[i] = x.id;
      nodeCodes[i] = t | (o << 4);
    }
    const edgeFrom = new Array<string>(m), edgeTo = new Array<string>(m), edgeCodes = new Uint8Array(m);
    for (let i = 0; i < m; i++) {
      const e = change.edges[i]!;
      const t = EDGE_TYPE.get(e.type), o = EDGE_OP.get(e.op);
      if (t === undefined || o === undefined) return undefined;
      edgeFrom[i] = e.from;
      edgeTo[i] = e.to;
      edgeCodes[i] = t | (o << 4);
    }
    return new CompactChange(nodeIds, nodeCodes, edgeFrom, edgeTo, edgeCodes, change.nodeDelta, change.edgeDelta);
  }

  /** The change as the PSG reported it: the same entries in the same order (the PSG writes their keys in this order). */
  expand(): Change {
    const nodes: Change['nodes'] = new Array(this.nodeIds.length);
    for (let i = 0; i < nodes.length; i++) {
      const c = this.nodeCodes[i]!;
      nodes[i] = { type: NODE_TYPES[c & 15]!, id: this.nodeIds[i]!, op: NODE_OPS[c >> 4]! };
    }
    const edges: Change['edges'] = new Array(this.edgeFrom.length);
    for (let i = 0; i < edges.length; i++) {
      const c = this.edgeCodes[i]!;
      edges[i] = { from: this.edgeFrom[i]!, to: this.edgeTo[i]!, type: EDGE_TYPES[c & 15]!, op: EDGE_OPS[c >> 4]! };
    }
    return { nodes, edges, nodeDelta: this.nodeDelta, edgeDelta: this.edgeDelta };
  }
}
