// Linear-time DAG algorithms over plan steps, iterative so a 100k-step chain or a
// 1M-edge graph cannot overflow the call stack.

/** Step positions and, for each, the positions of its dependencies (CSR layout). */
export interface DagIndex {
  ids: readonly string[];
  position: Map<string, number>;
  /** deps of node i are depList[depStart[i] .. depStart[i+1]) */
  depStart: Int32Array;
  depList: Int32Array;
}

/** Builds the index; dependencies that name no step are returned separately, not indexed. */
export function indexDag(
  ids: readonly string[],
  deps: ReadonlyArray<readonly string[] | undefined>,
): { index: DagIndex; dangling: { step: string; dependency: string }[] } {
  const position = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) if (!position.has(ids[i]!)) position.set(ids[i]!, i);
  const dangling: { step: string; dependency: string }[] = [];
  let total = 0;
  for (const d of deps) total += d?.length ?? 0;
  const depStart = new Int32Array(ids.length + 1);
  const depList = new Int32Array(total);
  let k = 0;
  for (let i = 0; i < ids.length; i++) {
    depStart[i] = k;
    for (const dep of deps[i] ?? []) {
      const p = position.get(dep);
      if (p === undefined) dangling.push({ step: ids[i]!, dependency: dep });
      else depList[k++] = p;
    }
  }
  depStart[ids.length] = k;
  return { index: { ids, position, depStart, depList: depList.subarray(0, k) }, dangling };
}

/**
 * Finds one dependency cycle. Returns its path in dependency direction, closed
 * ([a, b, a] means a depends on b and b on a; [a, a] is a self-dependency), or null.
 */
export function findCycleInIndex(index: DagIndex): string[] | null {
  const n = index.ids.length;
  const { depStart, depList } = index;
  const color = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const stack = new Int32Array(n);
  const cursor = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (color[root] !== 0) continue;
    let top = 0;
    stack[0] = root;
    cursor[root] = depStart[root]!;
    color[root] = 1;
    while (top >= 0) {
      const node = stack[top]!;
      if (cursor[node]! < depStart[node + 1]!) {
        const next = depList[cursor[node]!++]!;
        if (color[next] === 1) {
          const path: string[] = [];
          let i = top;
          while (stack[i] !== next) i--;
          for (; i <= top; i++) path.push(index.ids[stack[i]!]!);
          path.push(index.ids[next]!);
          return path;
        }
        if (color[next] === 0) {
          color[next] = 1;
          cursor[next] = depStart[next]!;
          stack[++top] = next;
        }
      } else {
        color[node] = 2;
        top--;
      }
    }
  }
  return null;
}

export function findCycle(
  ids: readonly string[],
  deps: ReadonlyArray<readonly string[] | undefined>,
): string[] | null {
  return findCycleInIndex(indexDag(ids, deps).index);
}

/** Reverse adjacency: for node i, the nodes that depend on it (dependents). */
export function dependentsOf(index: DagIndex): { start: Int32Array; list: Int32Array } {
  const n = index.ids.length;
  const count = new Int32Array(n + 1);
  for (let k = 0; k < index.depList.length; k++) count[index.depList[k]! + 1]!++;
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const start = count.slice();
  const fill = count.slice(0, n);
  const list = new Int32Array(index.depList.length);
  for (let i = 0; i < n; i++) {
    for (let k = index.depStart[i]!; k < index.depStart[i + 1]!; k++) list[fill[index.depList[k]!]!++] = i;
  }
  return { start, list };
}

/** Binary min-heap of node positions ordered by (priority, position). */
export class ReadyHeap {
  private heap: number[] = [];
  constructor(private readonly priority: ArrayLike<number>) {}
  get size(): number {
    return this.heap.length;
  }
  private less(a: number, b: number): boolean {
    const pa = this.priority[a]!, pb = this.priority[b]!;
    return pa < pb || (pa === pb && a < b);
  }
  push(v: number): void {
    const h = this.heap;
    h.push(v);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      const t = h[i]!;
      h[i] = h[p]!;
      h[p] = t;
      i = p;
    }
  }
  pop(): number | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        const t = h[i]!;
        h[i] = h[m]!;
        h[m] = t;
        i = m;
      }
    }
    return top;
  }
}

/**
 * Topological order (dependencies first), ties by priority (order_index) then position;
 * null when the graph has a cycle.
 */
export function topoOrder(
  ids: readonly string[],
  deps: ReadonlyArray<readonly string[] | undefined>,
  priority: ArrayLike<number> = new Int32Array(ids.length),
): string[] | null {
  const { index } = indexDag(ids, deps);
  const n = ids.length;
  const indegree = new Int32Array(n);
  for (let i = 0; i < n; i++) indegree[i] = index.depStart[i + 1]! - index.depStart[i]!;
  const dependents = dependentsOf(index);
  const ready = new ReadyHeap(priority);
  for (let i = 0; i < n; i++) if (indegree[i] === 0) ready.push(i);
  const out: string[] = [];
  while (ready.size > 0) {
    const v = ready.pop()!;
    out.push(ids[v]!);
    for (let k = dependents.start[v]!; k < dependents.start[v + 1]!; k++) {
      const w = dependents.list[k]!;
      if (--indegree[w]! === 0) ready.push(w);
    }
  }
  return out.length === n ? out : null;
}
