// How the kit reads the names a runtime gives PSG nodes and edges. The contract leaves
// GraphNode.type and GraphEdge.type free strings, and the spec spells them several ways
// (digest §9.1: ContextNode … ArtifactNode, HAS_CONTEXT, DEPENDS_ON, PRODUCES; the contract's
// ObjectType: context, plan, …). Every comparison goes through these functions: case,
// separators and a trailing "Node" never matter (docs/adapter.md, "Latitude").

/** `TraceNode`, `trace`, `TRACE`, `trace_node` → `trace`. */
export function nodeKind(type: unknown): string {
  const plain = String(type).toLowerCase().replace(/[^a-z0-9]/g, '');
  return plain.endsWith('node') && plain.length > 4 ? plain.slice(0, -4) : plain;
}

/** `PRODUCES`, `produces`, `Produces` → `produces`; `DEPENDS_ON`, `depends-on`, `dependsOn` → `dependson`. */
export function edgeKind(type: unknown): string {
  return String(type).toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** True when a node of the export is of the named kind (`artifact`, `trace`, …). */
export function isNodeOf(node: { type: unknown }, kind: string): boolean {
  return nodeKind(node.type) === nodeKind(kind);
}

/** An edge's identity whatever its spelling and direction: the two endpoints, unordered. */
export function edgeEnds(e: { from: unknown; to: unknown }): string {
  const [a, b] = [String(e.from), String(e.to)].sort();
  return `${a}↔${b}`;
}

/** True when the edge joins `a` and `b` (either direction) with a type spelled as `kind`. */
export function joins(e: { from: unknown; to: unknown; type: unknown }, a: string, b: string, kind: string): boolean {
  return edgeKind(e.type) === edgeKind(kind) && edgeEnds(e) === edgeEnds({ from: a, to: b });
}
