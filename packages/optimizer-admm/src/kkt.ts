/**
 * The quasi-definite KKT matrix of an OSQP iteration,
 *
 *     K = [[P + σI, Aᵀ], [A, −diag(1/ρ)]],
 *
 * kept permuted in its fill-reducing order, with the symbolic factorisation done once and the
 * numeric one redone when ρ (or the scaled data) changes.
 */
import { type LdlFactor, type LdlSolvePlan, type LdlSymbolic, type LdlWorkspace, type UpperCsc, ldlNumeric, ldlPlan, ldlPlanSolveInPlace, ldlSymbolic, ldlWorkspace, permuteUpper } from './ldl.js';
import { type Ordering, type OrderingOptions, minimumDegreeOrdering } from './ordering.js';

/** A sparse matrix in compressed rows. */
export interface Csr {
  readonly rows: number;
  readonly cols: number;
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly value: Float64Array;
}

/** What depends only on the sparsity pattern: reusable across problems of the same structure. */
export interface KktStructure {
  readonly n: number;
  readonly m: number;
  /** Pattern of K (unpermuted upper triangle). */
  readonly pattern: { readonly n: number; readonly start: Int32Array; readonly index: Int32Array };
  /** Position in K's value array of each P entry (−1 for a diagonal P entry, folded into `diagP`). */
  readonly pPos: Int32Array;
  /** Position of the diagonal of column j (j < n). */
  readonly diagP: Int32Array;
  /** Position of each A entry (CSR order). */
  readonly aPos: Int32Array;
  /** Position of the diagonal −1/ρᵢ of row i. */
  readonly diagA: Int32Array;
  readonly ordering: Ordering;
  /** K permuted: its pattern, and `map[p]` = permuted position of unpermuted entry p. */
  readonly permutedStart: Int32Array;
  readonly permutedIndex: Int32Array;
  readonly map: Int32Array;
  readonly symbolic: LdlSymbolic;
}

/** Build the pattern of K for `P` (upper CSC, n × n, may be absent) and `A` (CSR, m × n), order it and factor it symbolically. */
export function kktStructure(n: number, P: UpperCsc | undefined, A: Csr, options: OrderingOptions = {}): KktStructure {
  const m = A.rows;
  const N = n + m;
  const start = new Int32Array(N + 1);
  // Column j < n: strictly-upper P entries of column j, then the diagonal.
  for (let j = 0; j < n; j++) {
    let count = 1;
    if (P) for (let p = P.start[j]!; p < P.start[j + 1]!; p++) if (P.index[p]! < j) count++;
    start[j + 1] = start[j]! + count;
  }
  // Column n + i: row i of A (variable indices < n), then the diagonal.
  for (let i = 0; i < m; i++) start[n + i + 1] = start[n + i]! + (A.start[i + 1]! - A.start[i]!) + 1;
  const index = new Int32Array(start[N]!);
  const pPos = new Int32Array(P ? P.start[n]! : 0);
  const diagP = new Int32Array(n);
  const aPos = new Int32Array(A.start[m]!);
  const diagA = new Int32Array(m);
  for (let j = 0; j < n; j++) {
    let q = start[j]!;
    if (P) {
      for (let p = P.start[j]!; p < P.start[j + 1]!; p++) {
        const i = P.index[p]!;
        if (i < j) {
          index[q] = i;
          pPos[p] = q++;
        } else {
          pPos[p] = -1;
        }
      }
    }
    index[q] = j;
    diagP[j] = q;
  }
  for (let i = 0; i < m; i++) {
    let q = start[n + i]!;
    for (let p = A.start[i]!; p < A.start[i + 1]!; p++) {
      index[q] = A.index[p]!;
      aPos[p] = q++;
    }
    index[q] = n + i;
    diagA[i] = q;
  }
  const pattern = { n: N, start, index };
  const ordering = minimumDegreeOrdering(pattern, options);
  const { matrix, map } = permuteUpper({ n: N, start, index, value: new Float64Array(index.length) }, ordering.iperm);
  const symbolic = ldlSymbolic(matrix);
  return { n, m, pattern, pPos, diagP, aPos, diagA, ordering, permutedStart: matrix.start, permutedIndex: matrix.index, map, symbolic };
}

/** A numeric KKT system ready to solve, for given (scaled) P and A values, σ and ρ. */
export class KktSystem {
  readonly structure: KktStructure;
  private readonly values: Float64Array;
  private readonly work: LdlWorkspace;
  private readonly buffer: Float64Array;
  private factor: LdlFactor | undefined;
  private plan: LdlSolvePlan | undefined;
  /** Numeric factorisations done by this system. */
  factorizations = 0;

  constructor(structure: KktStructure) {
    this.structure = structure;
    this.values = new Float64Array(structure.permutedIndex.length);
    this.work = ldlWorkspace(structure.pattern.n);
    this.buffer = new Float64Array(structure.pattern.n);
  }

  /** Set every value of K from `P` (values in P's CSC order), `A` (CSR order), σ and ρ, then factor. */
  setValues(pValue: Float64Array | undefined, aValue: Float64Array, sigma: number, rho: Float64Array, P?: UpperCsc): void {
    const s = this.structure;
    const v = this.values;
    const map = s.map;
    v.fill(0);
    for (let j = 0; j < s.n; j++) v[map[s.diagP[j]!]!] = sigma;
    if (P && pValue) {
      for (let j = 0; j < s.n; j++) {
        for (let p = P.start[j]!; p < P.start[j + 1]!; p++) {
          const pos = s.pPos[p]!;
          if (pos >= 0) v[map[pos]!]! += pValue[p]!;
          else v[map[s.diagP[j]!]!]! += pValue[p]!;
        }
      }
    }
    for (let p = 0; p < aValue.length; p++) v[map[s.aPos[p]!]!] = aValue[p]!;
    for (let i = 0; i < s.m; i++) v[map[s.diagA[i]!]!] = -1 / rho[i]!;
    this.refactor();
  }

  /** Change ρ only (same pattern, same data) and refactor. */
  setRho(rho: Float64Array): void {
    const s = this.structure;
    for (let i = 0; i < s.m; i++) this.values[s.map[s.diagA[i]!]!] = -1 / rho[i]!;
    this.refactor();
  }

  private refactor(): void {
    const s = this.structure;
    this.factor = ldlNumeric({ n: s.pattern.n, start: s.permutedStart, index: s.permutedIndex, value: this.values }, s.symbolic, this.factor, this.work);
    // The dense rows ordered last become a row-major block for the iterations' solves.
    this.plan = ldlPlan(this.factor, s.ordering.dense, this.plan);
    this.factorizations++;
  }

  /** Solve K sol = rhs (unpermuted numbering); `rhs` is overwritten with the solution. */
  solveInPlace(rhs: Float64Array): void {
    const { perm } = this.structure.ordering;
    const b = this.buffer;
    const N = perm.length;
    for (let k = 0; k < N; k++) b[k] = rhs[perm[k]!]!;
    ldlPlanSolveInPlace(this.plan!, b);
    for (let k = 0; k < N; k++) rhs[perm[k]!] = b[k]!;
  }
}
