import { describe, expect, it } from 'vitest';
import { defaultDenseThreshold, ldlNumeric, ldlPlan, ldlPlanSolveInPlace, ldlSolveInPlace, ldlSymbolic, minimumDegreeOrdering, permuteUpper } from '../src/index.js';
import { denseSolve, rng, upperFromDense } from './helpers.js';

/** A random sparse quasi-definite matrix [[H, Bᵀ], [B, −G]] (dense storage), H and G positive definite. */
function quasiDefinite(nx: number, ny: number, density: number, seed: number): Float64Array {
  const r = rng(seed);
  const n = nx + ny;
  const M = new Float64Array(n * n);
  const set = (i: number, j: number, v: number): void => {
    M[i * n + j] = v;
    M[j * n + i] = v;
  };
  // H = diagonally dominant sparse symmetric.
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < i; j++) if (r() < density) set(i, j, r() - 0.5);
  }
  for (let i = 0; i < nx; i++) {
    let s = 0;
    for (let j = 0; j < nx; j++) if (j !== i) s += Math.abs(M[i * n + j]!);
    M[i * n + i] = s + 0.1 + r();
  }
  for (let k = 0; k < ny; k++) {
    for (let j = 0; j < nx; j++) if (r() < density) set(nx + k, j, 2 * r() - 1);
    M[(nx + k) * n + nx + k] = -(0.01 + r());
  }
  // One dense row, like a budget constraint.
  for (let j = 0; j < nx; j++) set(nx, j, 1);
  return M;
}

function mulDense(M: Float64Array, x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += M[i * n + j]! * x[j]!;
    out[i] = s;
  }
  return out;
}

describe('sparse LDLᵀ of quasi-definite matrices', () => {
  for (const [nx, ny, density, seed] of [
    [20, 8, 0.1, 1],
    [60, 25, 0.05, 2],
    [120, 40, 0.02, 3],
    [40, 40, 0.2, 4],
  ] as const) {
    it(`solves a random ${nx}+${ny} system as accurately as dense elimination (seed ${seed})`, () => {
      const n = nx + ny;
      const M = quasiDefinite(nx, ny, density, seed);
      const K = upperFromDense(M, n);
      const ordering = minimumDegreeOrdering(K);
      const { matrix } = permuteUpper(K, ordering.iperm);
      const factor = ldlNumeric(matrix, ldlSymbolic(matrix));
      // Quasi-definite: D has exactly ny negative entries whatever the ordering.
      expect(factor.negative).toBe(ny);
      const r = rng(seed + 100);
      const b = Float64Array.from({ length: n }, () => r() - 0.5);
      const permuted = Float64Array.from({ length: n }, (_, k) => b[ordering.perm[k]!]!);
      ldlSolveInPlace(factor, permuted);
      const x = new Float64Array(n);
      for (let k = 0; k < n; k++) x[ordering.perm[k]!] = permuted[k]!;
      const reference = denseSolve(M, b, n);
      const residual = mulDense(M, x, n);
      let maxResidual = 0;
      let maxDiff = 0;
      for (let i = 0; i < n; i++) {
        maxResidual = Math.max(maxResidual, Math.abs(residual[i]! - b[i]!));
        maxDiff = Math.max(maxDiff, Math.abs(x[i]! - reference[i]!));
      }
      expect(maxResidual).toBeLessThan(1e-10);
      expect(maxDiff).toBeLessThan(1e-8);
    });
  }

  it('factors in natural order too (no ordering needed for quasi-definite matrices)', () => {
    const n = 30;
    const M = quasiDefinite(20, 10, 0.2, 9);
    const K = upperFromDense(M, n);
    const factor = ldlNumeric(K, ldlSymbolic(K));
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const x = Float64Array.from(b);
    ldlSolveInPlace(factor, x);
    const r = mulDense(M, x, n);
    for (let i = 0; i < n; i++) expect(r[i]).toBeCloseTo(b[i]!, 10);
  });

  it('a refactorisation with new values on the same pattern reuses the symbolic step', () => {
    const n = 50;
    const M = quasiDefinite(35, 15, 0.1, 5);
    const K = upperFromDense(M, n);
    const symbolic = ldlSymbolic(K);
    const first = ldlNumeric(K, symbolic);
    // Change the −1/ρ block (as a ρ update does) and refactor into the same arrays.
    const M2 = Float64Array.from(M);
    for (let k = 35; k < n; k++) M2[k * n + k] = M[k * n + k]! * 7;
    const K2 = upperFromDense(M2, n);
    const second = ldlNumeric(K2, symbolic, first);
    expect(second.lValue).toBe(first.lValue);
    const b = Float64Array.from({ length: n }, (_, i) => 1 / (i + 1));
    const x = Float64Array.from(b);
    ldlSolveInPlace(second, x);
    const r = mulDense(M2, x, n);
    for (let i = 0; i < n; i++) expect(r[i]).toBeCloseTo(b[i]!, 10);
  });

  it('the dense-tail solve plan gives the same solution as the plain solve', () => {
    const nx = 150;
    const ny = 30;
    const n = nx + ny;
    const M = quasiDefinite(nx, ny, 0.03, 12);
    const K = upperFromDense(M, n);
    const ordering = minimumDegreeOrdering(K, { denseThreshold: 20 });
    expect(ordering.dense).toBeGreaterThan(0);
    const { matrix } = permuteUpper(K, ordering.iperm);
    const factor = ldlNumeric(matrix, ldlSymbolic(matrix));
    const plan = ldlPlan(factor, ordering.dense);
    const b = Float64Array.from({ length: n }, (_, i) => Math.cos(3 * i));
    const x1 = Float64Array.from(b);
    const x2 = Float64Array.from(b);
    ldlSolveInPlace(factor, x1);
    ldlPlanSolveInPlace(plan, x2);
    for (let i = 0; i < n; i++) expect(x2[i]).toBeCloseTo(x1[i]!, 10);
    // And it solves the permuted system.
    const x = new Float64Array(n);
    const pb = Float64Array.from({ length: n }, (_, k) => b[ordering.perm[k]!]!);
    ldlPlanSolveInPlace(plan, pb);
    for (let k = 0; k < n; k++) x[ordering.perm[k]!] = pb[k]!;
    const r = mulDense(M, x, n);
    for (let i = 0; i < n; i++) expect(r[i]).toBeCloseTo(b[i]!, 9);
  });

  it('reports a zero pivot as a FactorkitError', () => {
    const K = upperFromDense(new Float64Array([1, 1, 1, 1]), 2);
    expect(() => ldlNumeric(K, ldlSymbolic(K))).toThrow(/pivot 1/);
  });
});

describe('minimum-degree ordering with dense rows last', () => {
  /** KKT-like pattern: n variables, a diagonal P, one budget row over all, k sparse rows. */
  function budgetKkt(n: number): { n: number; start: Int32Array; index: Int32Array } {
    const N = n + 1 + n; // variables, budget row, one bound row per variable
    const cols: number[][] = Array.from({ length: N }, (_, j) => [j]);
    for (let j = 0; j < n; j++) cols[n]!.unshift(j); // budget row couples everything
    for (let j = 0; j < n; j++) cols[n + 1 + j]!.unshift(j); // identity bound rows
    const start = new Int32Array(N + 1);
    const index: number[] = [];
    cols.forEach((c, j) => {
      index.push(...c);
      start[j + 1] = index.length;
    });
    return { n: N, start, index: Int32Array.from(index) };
  }

  it('puts the dense budget row last and causes no fill', () => {
    const n = 400;
    const pattern = budgetKkt(n);
    expect(n).toBeGreaterThan(defaultDenseThreshold(pattern.n));
    const ordering = minimumDegreeOrdering(pattern);
    expect(ordering.dense).toBe(1);
    expect(ordering.perm[pattern.n - 1]).toBe(n); // the budget row
    expect([...ordering.perm].sort((a, b) => a - b)).toEqual(Array.from({ length: pattern.n }, (_, i) => i));
    const { matrix } = permuteUpper({ ...pattern, value: new Float64Array(pattern.index.length) }, ordering.iperm);
    // Off-diagonal entries: n (bound rows) + n (budget). With the budget last there is no fill.
    expect(ldlSymbolic(matrix).nnz).toBe(2 * n);
    // The same pattern with the budget row eliminated first fills in completely.
    const first = new Int32Array(pattern.n);
    first[0] = n;
    for (let k = 1, j = 0; k < pattern.n; j++) if (j !== n) first[k++] = j;
    const iperm = new Int32Array(pattern.n);
    first.forEach((v, k) => (iperm[v] = k));
    const bad = permuteUpper({ ...pattern, value: new Float64Array(pattern.index.length) }, iperm).matrix;
    expect(ldlSymbolic(bad).nnz).toBeGreaterThan(n * n / 4);
  });

  it('orders several dense rows last, densest at the very end, honouring a custom threshold', () => {
    // A star: centre 0 joined to all; node 1 joined to half. Threshold 10 makes both dense.
    const N = 41;
    const cols: number[][] = Array.from({ length: N }, (_, j) => [j]);
    for (let j = 1; j < N; j++) cols[j]!.unshift(0);
    for (let j = 2; j < N; j += 2) cols[j]!.unshift(1);
    const start = new Int32Array(N + 1);
    const index: number[] = [];
    cols.forEach((c, j) => {
      index.push(...c);
      start[j + 1] = index.length;
    });
    const ordering = minimumDegreeOrdering({ n: N, start, index: Int32Array.from(index) }, { denseThreshold: 10 });
    expect(ordering.dense).toBe(2);
    expect([...ordering.perm.slice(N - 2)]).toEqual([1, 0]);
  });

  it('eliminates the low-degree leaves of a sparse star before its centre', () => {
    const N = 10;
    const cols: number[][] = Array.from({ length: N }, (_, j) => [j]);
    for (let j = 1; j < N; j++) cols[j]!.unshift(0);
    const start = new Int32Array(N + 1);
    const index: number[] = [];
    cols.forEach((c, j) => {
      index.push(...c);
      start[j + 1] = index.length;
    });
    const ordering = minimumDegreeOrdering({ n: N, start, index: Int32Array.from(index) });
    expect(ordering.dense).toBe(0);
    // After 8 leaves go, the centre and the last leaf both have degree 1: the lower index wins.
    expect(ordering.perm.indexOf(0)).toBeGreaterThanOrEqual(N - 2);
  });
});
