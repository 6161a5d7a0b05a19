/**
 * Sparse LDLᵀ of a symmetric quasi-definite matrix, up-looking, without pivoting.
 *
 * Quasi-definite matrices ([[H, Bᵀ], [B, −G]] with H, G positive definite) are strongly
 * factorisable: every symmetric permutation has an LDLᵀ with diagonal D, so the ordering can be
 * chosen for sparsity alone. The symbolic step (elimination tree, column counts) runs once per
 * sparsity pattern; the numeric step reruns whenever values change (new ρ, new problem data).
 */
import { FactorkitError } from '@factorkit/core';

/** An n × n matrix in compressed sparse columns, upper triangle (row ≤ column) only. */
export interface UpperCsc {
  readonly n: number;
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly value: Float64Array;
}

/** Result of the symbolic step: the elimination tree and the column structure of L. */
export interface LdlSymbolic {
  readonly n: number;
  /** Parent of each node in the elimination tree, −1 for a root. */
  readonly parent: Int32Array;
  /** Column pointers of L (strictly lower part). */
  readonly lStart: Int32Array;
  readonly nnz: number;
}

/** A numeric factorisation: K = L D Lᵀ, L unit lower triangular stored by columns. */
export interface LdlFactor {
  readonly symbolic: LdlSymbolic;
  readonly lIndex: Int32Array;
  readonly lValue: Float64Array;
  readonly d: Float64Array;
  /** Number of negative entries in D (for a quasi-definite KKT: the number of constraint rows). */
  readonly negative: number;
}

/** Elimination tree and column counts of L for the upper-triangular pattern `K`. */
export function ldlSymbolic(K: Pick<UpperCsc, 'n' | 'start' | 'index'>): LdlSymbolic {
  const { n, start, index } = K;
  const parent = new Int32Array(n).fill(-1);
  const flag = new Int32Array(n).fill(-1);
  const count = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    flag[k] = k;
    for (let p = start[k]!; p < start[k + 1]!; p++) {
      let i = index[p]!;
      if (i >= k) continue;
      // Walk from i towards the root until a node already reached for row k: each node on
      // the path gets an entry L[k][i].
      while (flag[i] !== k) {
        if (parent[i] === -1) parent[i] = k;
        count[i]!++;
        flag[i] = k;
        i = parent[i]!;
      }
    }
  }
  const lStart = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) lStart[k + 1] = lStart[k]! + count[k]!;
  return { n, parent, lStart, nnz: lStart[n]! };
}

/** Reusable work arrays for {@link ldlNumeric}, sized for one symbolic factorisation. */
export interface LdlWorkspace {
  readonly y: Float64Array;
  readonly pattern: Int32Array;
  readonly flag: Int32Array;
  readonly fill: Int32Array;
}

export function ldlWorkspace(n: number): LdlWorkspace {
  return { y: new Float64Array(n), pattern: new Int32Array(n), flag: new Int32Array(n), fill: new Int32Array(n) };
}

/**
 * Numeric LDLᵀ of `K` (same pattern as given to {@link ldlSymbolic}). Reuses `into`'s arrays
 * when given. Throws `FK_NUMERICAL` naming the pivot when a zero pivot appears (the matrix was
 * not quasi-definite).
 */
export function ldlNumeric(K: UpperCsc, symbolic: LdlSymbolic, into?: LdlFactor, work: LdlWorkspace = ldlWorkspace(K.n)): LdlFactor {
  const { n, start, index, value } = K;
  const { parent, lStart } = symbolic;
  const lIndex = into?.lIndex ?? new Int32Array(symbolic.nnz);
  const lValue = into?.lValue ?? new Float64Array(symbolic.nnz);
  const d = into?.d ?? new Float64Array(n);
  const { y, pattern, flag, fill } = work;
  let negative = 0;
  for (let k = 0; k < n; k++) {
    // Scatter column k of the upper triangle into y and find row k's pattern of L.
    y[k] = 0;
    let top = n;
    flag[k] = k;
    fill[k] = 0;
    for (let p = start[k]!; p < start[k + 1]!; p++) {
      let i = index[p]!;
      y[i]! += value[p]!;
      let len = 0;
      while (flag[i] !== k) {
        pattern[len++] = i;
        flag[i] = k;
        i = parent[i]!;
      }
      while (len > 0) pattern[--top] = pattern[--len]!;
    }
    let dk = y[k]!;
    y[k] = 0;
    // pattern[top..n) is in topological order: every node comes before its ancestors.
    for (; top < n; top++) {
      const i = pattern[top]!;
      const yi = y[i]!;
      y[i] = 0;
      const end = lStart[i]! + fill[i]!;
      for (let p = lStart[i]!; p < end; p++) y[lIndex[p]!]! -= lValue[p]! * yi;
      const lki = yi / d[i]!;
      dk -= lki * yi;
      lIndex[end] = k;
      lValue[end] = lki;
      fill[i]!++;
    }
    if (dk === 0 || !Number.isFinite(dk)) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `LDLᵀ: pivot ${k} is ${dk}; the matrix is not quasi-definite`, { details: { pivot: k } });
    }
    if (dk < 0) negative++;
    d[k] = dk;
  }
  return { symbolic, lIndex, lValue, d, negative };
}

/** Solve L D Lᵀ x = b in place (`b` becomes x), in the factor's (permuted) numbering. */
export function ldlSolveInPlace(factor: LdlFactor, b: Float64Array): void {
  const { lIndex, lValue, d } = factor;
  const { n, lStart } = factor.symbolic;
  for (let j = 0; j < n; j++) {
    const bj = b[j]!;
    if (bj === 0) continue;
    for (let p = lStart[j]!; p < lStart[j + 1]!; p++) b[lIndex[p]!]! -= lValue[p]! * bj;
  }
  for (let j = 0; j < n; j++) b[j]! /= d[j]!;
  for (let j = n - 1; j >= 0; j--) {
    let s = b[j]!;
    for (let p = lStart[j]!; p < lStart[j + 1]!; p++) s -= lValue[p]! * b[lIndex[p]!]!;
    b[j] = s;
  }
}

/**
 * The upper triangle of `Pᵀ K P` for a symmetric K given by its upper triangle, where
 * `iperm[i]` is the new position of row/column i. Returns the permuted matrix and `map`: entry
 * p of K lands at position `map[p]` of the result, so new values can be scattered without
 * rebuilding the pattern.
 */
export function permuteUpper(K: UpperCsc, iperm: Int32Array): { matrix: UpperCsc; map: Int32Array } {
  const { n, start, index, value } = K;
  const counts = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) {
    for (let p = start[j]!; p < start[j + 1]!; p++) {
      const a = iperm[index[p]!]!;
      const b = iperm[j]!;
      counts[Math.max(a, b) + 1]!++;
    }
  }
  for (let j = 0; j < n; j++) counts[j + 1]! += counts[j]!;
  const outStart = Int32Array.from(counts);
  const next = counts.subarray(0, n).slice();
  const outIndex = new Int32Array(start[n]!);
  const outValue = new Float64Array(start[n]!);
  const map = new Int32Array(start[n]!);
  for (let j = 0; j < n; j++) {
    for (let p = start[j]!; p < start[j + 1]!; p++) {
      const a = iperm[index[p]!]!;
      const b = iperm[j]!;
      const col = Math.max(a, b);
      const q = next[col]!++;
      outIndex[q] = Math.min(a, b);
      outValue[q] = value[p]!;
      map[p] = q;
    }
  }
  return { matrix: { n, start: outStart, index: outIndex, value: outValue }, map };
}

/**
 * A factor rearranged for fast repeated solves when the last `dense` pivots are dense rows: the
 * entries of L in those rows move to a row-major `dense × (n − dense)` block, so the solve does
 * contiguous dot products and axpys over it instead of scattering into the same few rows from
 * every column (the latency-bound part of a factor-model KKT solve).
 */
export interface LdlSolvePlan {
  readonly n: number;
  readonly dense: number;
  /** L without the dense-row entries of the first n − dense columns. */
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly value: Float64Array;
  /** The columns (< n − dense) with any entry in the dense rows. */
  readonly tailColumns: Int32Array;
  /** Row-major block: `tail[r * tailColumns.length + c]` = L[n − dense + r][tailColumns[c]]. */
  readonly tail: Float64Array;
  readonly d: Float64Array;
}

export function ldlPlan(factor: LdlFactor, dense: number, into?: LdlSolvePlan): LdlSolvePlan {
  const { n, lStart } = factor.symbolic;
  const { lIndex, lValue, d } = factor;
  const cut = n - dense;
  const start = into?.start ?? new Int32Array(n + 1);
  let count = 0;
  for (let j = 0; j < n; j++) {
    start[j] = count;
    for (let p = lStart[j]!; p < lStart[j + 1]!; p++) if (j >= cut || lIndex[p]! < cut) count++;
  }
  start[n] = count;
  const index = into && into.index.length === count ? into.index : new Int32Array(count);
  const value = into && into.value.length === count ? into.value : new Float64Array(count);
  const slot = new Int32Array(cut).fill(-1);
  let width = 0;
  for (let j = 0; j < cut; j++) {
    for (let p = lStart[j]!; p < lStart[j + 1]!; p++) {
      if (lIndex[p]! >= cut) {
        slot[j] = width++;
        break;
      }
    }
  }
  const tailColumns = new Int32Array(width);
  for (let j = 0; j < cut; j++) if (slot[j]! >= 0) tailColumns[slot[j]!] = j;
  const tail = into && into.tail.length === dense * width ? into.tail : new Float64Array(dense * width);
  tail.fill(0);
  let q = 0;
  for (let j = 0; j < n; j++) {
    for (let p = lStart[j]!; p < lStart[j + 1]!; p++) {
      const i = lIndex[p]!;
      if (j < cut && i >= cut) {
        tail[(i - cut) * width + slot[j]!] = lValue[p]!;
      } else {
        index[q] = i;
        value[q++] = lValue[p]!;
      }
    }
  }
  return { n, dense, start, index, value, tailColumns, tail, d };
}

/** Solve L D Lᵀ x = b in place with a {@link ldlPlan}. */
export function ldlPlanSolveInPlace(plan: LdlSolvePlan, b: Float64Array): void {
  const { n, dense, start, index, value, tailColumns, tail, d } = plan;
  const cut = n - dense;
  const width = tailColumns.length;
  for (let j = 0; j < cut; j++) {
    const bj = b[j]!;
    if (bj === 0) continue;
    for (let p = start[j]!; p < start[j + 1]!; p++) b[index[p]!]! -= value[p]! * bj;
  }
  for (let r = 0; r < dense; r++) {
    let s = 0;
    const off = r * width;
    for (let c = 0; c < width; c++) s += tail[off + c]! * b[tailColumns[c]!]!;
    b[cut + r]! -= s;
  }
  for (let j = cut; j < n; j++) {
    const bj = b[j]!;
    if (bj === 0) continue;
    for (let p = start[j]!; p < start[j + 1]!; p++) b[index[p]!]! -= value[p]! * bj;
  }
  for (let j = 0; j < n; j++) b[j]! /= d[j]!;
  for (let j = n - 1; j >= cut; j--) {
    let s = b[j]!;
    for (let p = start[j]!; p < start[j + 1]!; p++) s -= value[p]! * b[index[p]!]!;
    b[j] = s;
  }
  for (let r = 0; r < dense; r++) {
    const br = b[cut + r]!;
    if (br === 0) continue;
    const off = r * width;
    for (let c = 0; c < width; c++) b[tailColumns[c]!]! -= tail[off + c]! * br;
  }
  for (let j = cut - 1; j >= 0; j--) {
    let s = b[j]!;
    for (let p = start[j]!; p < start[j + 1]!; p++) s -= value[p]! * b[index[p]!]!;
    b[j] = s;
  }
}
