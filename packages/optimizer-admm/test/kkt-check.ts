import type { Problem, Solution } from '@factorkit/core';

/**
 * Solver-independent optimality check of a solution of a convex QP/LP, from the problem data
 * and the reported row duals only (core sign convention: ∂objective/∂row bound):
 *
 * - primal feasibility: rows and bounds hold to `tol`;
 * - dual feasibility + complementary slackness on rows: a row strictly inside its bounds has
 *   dual ≈ 0; for a minimisation a dual > 0 may only sit at an active lower bound... expressed
 *   through the Lagrange multiplier λ = −sign·dual (λ > 0 ⇔ upper bound active);
 * - stationarity: the reduced cost r = ∇f_min(x) + Aᵀλ must vanish on variables strictly inside
 *   their bounds, be ≥ 0 at a lower bound and ≤ 0 at an upper bound.
 *
 * Returns the largest violation of each kind (scaled by `scale` for the dual side).
 */
export function kktViolations(problem: Problem, solution: Solution, activeTol = 1e-7): { primal: number; complementarity: number; stationarity: number } {
  const n = problem.numVariables;
  const x = solution.x;
  const sign = problem.sense === 'maximize' ? -1 : 1;
  const duals = solution.rowDuals!;
  const { A } = problem;
  let primal = solution.primalResidual;
  let complementarity = 0;
  // Gradient of the minimisation objective sign·(cᵀx + ½xᵀPx).
  const g = new Float64Array(n);
  for (let j = 0; j < n; j++) g[j] = sign * problem.c[j]!;
  const P = problem.P;
  if (P) {
    for (let j = 0; j < n; j++) {
      for (let k = P.start[j]!; k < P.start[j + 1]!; k++) {
        const i = P.index[k]!;
        g[i]! += sign * P.value[k]! * x[j]!;
        if (i !== j) g[j]! += sign * P.value[k]! * x[i]!;
      }
    }
  }
  for (let r = 0; r < A.rows; r++) {
    let ax = 0;
    for (let k = A.start[r]!; k < A.start[r + 1]!; k++) ax += A.value[k]! * x[A.index[k]!]!;
    primal = Math.max(primal, problem.rowLower[r]! - ax, ax - problem.rowUpper[r]!);
    const lambda = -sign * duals[r]!;
    const atLower = ax - problem.rowLower[r]! <= activeTol;
    const atUpper = problem.rowUpper[r]! - ax <= activeTol;
    if (lambda > 0 && !atUpper) complementarity = Math.max(complementarity, lambda);
    if (lambda < 0 && !atLower) complementarity = Math.max(complementarity, -lambda);
    for (let k = A.start[r]!; k < A.start[r + 1]!; k++) g[A.index[k]!]! += A.value[k]! * lambda;
  }
  let stationarity = 0;
  for (let j = 0; j < n; j++) {
    const atLower = x[j]! - problem.lower[j]! <= activeTol;
    const atUpper = problem.upper[j]! - x[j]! <= activeTol;
    const r = g[j]!;
    // A bound multiplier can absorb r ≥ 0 at a lower bound and r ≤ 0 at an upper bound.
    if (r > 0 && !atLower) stationarity = Math.max(stationarity, r);
    if (r < 0 && !atUpper) stationarity = Math.max(stationarity, -r);
  }
  return { primal, complementarity, stationarity };
}
