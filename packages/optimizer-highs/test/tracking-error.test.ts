/**
 * Factor-model tracking-error QPs from `@factorkit/synth` on which HiGHS 1.15's active-set QP
 * solver fails (n = 250 seed 34, n = 400 seed 33, n = 500 seed 34). P is positive definite
 * (checked here by an independent dense Cholesky), and the Hessian HiGHS holds is exactly P's
 * lower triangle; the failure is HiGHS's ("QP solver claims optimality, but with … primal
 * infeasibilities"), so the solution must be a clean `numerical_error` that says so.
 */
import type { Problem } from '@factorkit/core';
import { generateTrackingErrorProblem } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import { highsOptimizer, loadHighsRuntime } from '../src/index.js';
import { toModelData } from '../src/model.js';

const CASES: [number, number][] = [
  [250, 34],
  [400, 33],
  [500, 34],
];

/** Dense symmetric P from its upper-triangle CSC. */
function denseP(problem: Problem): Float64Array[] {
  const n = problem.numVariables;
  const P = problem.P!;
  const M = Array.from({ length: n }, () => new Float64Array(n));
  for (let col = 0; col < n; col++) {
    for (let k = P.start[col]!; k < P.start[col + 1]!; k++) {
      M[P.index[k]!]![col] = P.value[k]!;
      M[col]![P.index[k]!] = P.value[k]!;
    }
  }
  return M;
}

/** Smallest pivot of a Cholesky factorisation (> 0 ⇔ positive definite). */
function smallestCholeskyPivot(M: Float64Array[]): number {
  const n = M.length;
  const L = M.map((r) => Float64Array.from(r));
  let smallest = Number.POSITIVE_INFINITY;
  for (let j = 0; j < n; j++) {
    let d = L[j]![j]!;
    for (let k = 0; k < j; k++) d -= L[j]![k]! * L[j]![k]!;
    smallest = Math.min(smallest, d);
    if (d <= 0) return d;
    const root = Math.sqrt(d);
    L[j]![j] = root;
    for (let i = j + 1; i < n; i++) {
      let s = L[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      L[i]![j] = s / root;
    }
  }
  return smallest;
}

describe('tracking-error QPs HiGHS cannot solve', () => {
  it.each(CASES)('n = %i seed %i: P is positive definite and HiGHS holds exactly its lower triangle', async (assets, seed) => {
    const { problem } = generateTrackingErrorProblem({ assets, seed });
    const n = problem.numVariables;
    const M = denseP(problem);
    // Pivots are at least min eigenvalue-ish: F's smallest eigenvalue is ≈ 2e-3 by numpy.
    expect(smallestCholeskyPivot(M)).toBeGreaterThan(1e-4);
    const highs = await loadHighsRuntime();
    const model = highs.createModel(toModelData(highs, problem));
    try {
      const h = model.getModel().hessian!;
      expect(h.dimension).toBe(n);
      let count = 0;
      for (let col = 0; col < n; col++) {
        for (let k = h.starts[col]!; k < h.starts[col + 1]!; k++) {
          const row = h.indices[k]!;
          expect(row).toBeGreaterThanOrEqual(col);
          expect(h.values[k]).toBe(M[row]![col]);
          count++;
        }
      }
      let expected = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) if (M[i]![j] !== 0) expected++;
      expect(count).toBe(expected);
    } finally {
      model.dispose();
    }
  });

  it.each(CASES)('n = %i seed %i: a clean numerical_error naming HiGHS\'s failure, not convexity', async (assets, seed) => {
    const { problem } = generateTrackingErrorProblem({ assets, seed });
    const solver = await highsOptimizer.create(highsOptimizer.with().params);
    const sol = await solver.solve(problem);
    expect(sol.status).toBe('numerical_error');
    expect([...sol.x].every(Number.isNaN)).toBe(true);
    expect(sol.diagnostics.modelStatus).toBe('solveError');
    const text = sol.diagnostics.messages.join('\n');
    expect(text).toMatch(/QP solver claims optimality, but with .* primal/);
    expect(text).toMatch(/not a sign that P is indefinite/);
    expect(text).not.toMatch(/needs P positive semidefinite/);
    for (const m of sol.diagnostics.messages) expect(m.length).toBeLessThanOrEqual(240);
  });
});

describe('time limit', () => {
  it('defaults to 60 s', () => {
    expect(highsOptimizer.with().params.timeLimitMs).toBe(60_000);
  });

  it('a QP stopped by the time limit returns status time_limit with a message, not a hang', async () => {
    // Solved optimal in ≈ 1 s without a limit; 1 ms stops it.
    const { problem } = generateTrackingErrorProblem({ assets: 1000, seed: 34 });
    const solver = await highsOptimizer.create(highsOptimizer.with().params);
    const sol = await solver.solve(problem, { timeLimitMs: 1 });
    expect(sol.status).toBe('time_limit');
    expect([...sol.x].every(Number.isNaN)).toBe(true);
    expect(sol.diagnostics.messages.join('\n')).toMatch(/stopped at the time limit of 1 ms \(parameter `timeLimitMs`\)/);
  });
});
