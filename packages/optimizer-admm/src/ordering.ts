/**
 * Fill-reducing orderings for the sparse LDLᵀ.
 *
 * Nodes whose degree exceeds a threshold (the budget row, style rows, factor-exposure rows Xᵀ)
 * are taken out of the graph and ordered last: each of them would otherwise join every clique
 * and make the minimum-degree bookkeeping quadratic, and ordered last they form one small dense
 * Schur block at the bottom of the factor. The rest are ordered by minimum degree on the
 * elimination graph (exact degrees, ties by the lower index).
 */

/** A symmetric sparsity pattern given by its upper triangle in compressed columns. */
export interface UpperPattern {
  readonly n: number;
  readonly start: Int32Array;
  readonly index: Int32Array;
}

export interface OrderingOptions {
  /**
   * Nodes with more neighbours than this are "dense" and ordered last. Default
   * `max(16, 10·√n)`, the usual choice of minimum-degree codes.
   */
  readonly denseThreshold?: number;
}

export interface Ordering {
  /** `perm[k]` = the original node eliminated k-th. */
  readonly perm: Int32Array;
  /** Inverse: `iperm[perm[k]] = k`. */
  readonly iperm: Int32Array;
  /** How many nodes were treated as dense (they are the last `dense` entries of `perm`). */
  readonly dense: number;
}

/** The default dense-node threshold for a graph of `n` nodes. */
export function defaultDenseThreshold(n: number): number {
  return Math.max(16, Math.floor(10 * Math.sqrt(n)));
}

/** A binary min-heap of (key, node) with lazy deletion: stale entries are skipped by the caller. */
class MinHeap {
  private keys: Float64Array;
  private nodes: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(4, capacity));
    this.nodes = new Int32Array(Math.max(4, capacity));
  }
  push(key: number, node: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      this.keys = k;
      const v = new Int32Array(this.size * 2);
      v.set(this.nodes);
      this.nodes = v;
    }
    let i = this.size++;
    const keys = this.keys;
    const nodes = this.nodes;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      nodes[i] = nodes[parent]!;
      i = parent;
    }
    keys[i] = key;
    nodes[i] = node;
  }
  /** Remove the smallest entry; returns its node (read `lastKey` for its key). */
  lastKey = 0;
  pop(): number {
    const keys = this.keys;
    const nodes = this.nodes;
    const top = nodes[0]!;
    this.lastKey = keys[0]!;
    const key = keys[--this.size]!;
    const node = nodes[this.size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= key) break;
      keys[i] = keys[child]!;
      nodes[i] = nodes[child]!;
      i = child;
    }
    if (this.size > 0) {
      keys[i] = key;
      nodes[i] = node;
    }
    return top;
  }
}

/**
 * Order the nodes of a symmetric pattern: minimum degree on the sparse part, dense nodes last
 * (in increasing order of degree, so the densest row is the very last pivot).
 */
export function minimumDegreeOrdering(pattern: UpperPattern, options: OrderingOptions = {}): Ordering {
  const { n, start, index } = pattern;
  // Full adjacency (both triangles, no diagonal).
  const degree = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    for (let p = start[j]!; p < start[j + 1]!; p++) {
      const i = index[p]!;
      if (i !== j) {
        degree[i]!++;
        degree[j]!++;
      }
    }
  }
  const threshold = options.denseThreshold ?? defaultDenseThreshold(n);
  const isDense = new Uint8Array(n);
  const denseNodes: number[] = [];
  for (let i = 0; i < n; i++) {
    if (degree[i]! > threshold) {
      isDense[i] = 1;
      denseNodes.push(i);
    }
  }
  const adj: Set<number>[] = new Array<Set<number>>(n);
  for (let i = 0; i < n; i++) adj[i] = new Set<number>();
  for (let j = 0; j < n; j++) {
    if (isDense[j]) continue;
    for (let p = start[j]!; p < start[j + 1]!; p++) {
      const i = index[p]!;
      if (i !== j && !isDense[i]) {
        adj[i]!.add(j);
        adj[j]!.add(i);
      }
    }
  }
  // Ties are broken by the number of dense neighbours (a node joined to no dense row adds no
  // fill to the dense block when eliminated), then by the lower index (deterministic).
  const denseLinks = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    for (let p = start[j]!; p < start[j + 1]!; p++) {
      const i = index[p]!;
      if (i === j) continue;
      if (isDense[i] && !isDense[j]) denseLinks[j]!++;
      if (isDense[j] && !isDense[i]) denseLinks[i]!++;
    }
  }
  const stride = denseNodes.length + 1;
  const key = (v: number): number => (adj[v]!.size * stride + Math.min(denseLinks[v]!, stride - 1)) * n + v;
  const perm = new Int32Array(n);
  const eliminated = new Uint8Array(n);
  const heap = new MinHeap(2 * n);
  for (let i = 0; i < n; i++) if (!isDense[i]) heap.push(key(i), i);
  let k = 0;
  while (heap.size > 0) {
    const v = heap.pop();
    if (eliminated[v] || heap.lastKey !== key(v)) continue;
    eliminated[v] = 1;
    perm[k++] = v;
    const neighbours = [...adj[v]!];
    for (const a of neighbours) adj[a]!.delete(v);
    // The eliminated node's neighbours become a clique (the fill of this pivot).
    for (let x = 0; x < neighbours.length; x++) {
      const ax = adj[neighbours[x]!]!;
      for (let y = x + 1; y < neighbours.length; y++) {
        const b = neighbours[y]!;
        if (!ax.has(b)) {
          ax.add(b);
          adj[b]!.add(neighbours[x]!);
        }
      }
    }
    // An eliminated node's dense links pass to its neighbours (they now share its dense rows).
    for (const a of neighbours) {
      denseLinks[a] = Math.max(denseLinks[a]!, denseLinks[v]!);
      heap.push(key(a), a);
    }
    adj[v]!.clear();
  }
  denseNodes.sort((a, b) => degree[a]! - degree[b]! || a - b);
  for (const d of denseNodes) perm[k++] = d;
  const iperm = new Int32Array(n);
  for (let i = 0; i < n; i++) iperm[perm[i]!] = i;
  return { perm, iperm, dense: denseNodes.length };
}
