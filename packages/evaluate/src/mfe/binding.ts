import type { Problem, Solution } from '@factorkit/core';

/** Constraint groups that hold the optimum where it is, and how that was found. */
export interface BindingGroups {
  readonly groups: readonly string[];
  readonly from: 'duals' | 'active' | 'none';
}

/** Relative size of a dual (against the largest objective coefficient) that counts as non-zero. */
export const BINDING_TOLERANCE = 1e-7;
/** Distance from a bound that counts as being at it. */
const ACTIVE_TOLERANCE = 1e-9;

/**
 * The binding constraint groups of an optimal solution, in problem order. With row duals
 * (`∂objective/∂bound`): a group binds when one of its rows has a dual larger than
 * `tolerance · max(1, max|c|)` in size, or when it owns the bound a variable sits at with a
 * reduced cost `c − Aᵀy` of that size (bounds-only groups such as `stock-deviation`,
 * `long-only`, `tradability`). Without duals: the groups with a row or an owned bound at its
 * limit (`active`; equality rows always are). Degenerate optima have more than one set of
 * duals: the groups named are those of the duals the optimizer returned.
 */
export function bindingGroups(problem: Problem, solution: Solution, tolerance = BINDING_TOLERANCE): BindingGroups {
  if (solution.status !== 'optimal') return { groups: [], from: 'none' };
  const { A } = problem;
  const x = solution.x;
  const binding = new Set<number>();
  const rowGroup = new Int32Array(A.rows);
  problem.groups.forEach((g, gi) => rowGroup.fill(gi, g.rowStart, g.rowStart + g.rowCount));
  const atLower = (j: number): boolean => Number.isFinite(problem.lower[j]!) && Math.abs(x[j]! - problem.lower[j]!) <= ACTIVE_TOLERANCE * Math.max(1, Math.abs(problem.lower[j]!));
  const atUpper = (j: number): boolean => Number.isFinite(problem.upper[j]!) && Math.abs(x[j]! - problem.upper[j]!) <= ACTIVE_TOLERANCE * Math.max(1, Math.abs(problem.upper[j]!));
  const y = solution.rowDuals;
  if (y && y.length === A.rows) {
    let scale = 1;
    for (const c of problem.c) scale = Math.max(scale, Math.abs(c));
    const tol = tolerance * scale;
    const reduced = Float64Array.from(problem.c);
    for (let r = 0; r < A.rows; r++) {
      const yr = y[r]!;
      if (Math.abs(yr) > tol) binding.add(rowGroup[r]!);
      if (yr === 0) continue;
      for (let k = A.start[r]!; k < A.start[r + 1]!; k++) reduced[A.index[k]!]! -= A.value[k]! * yr;
    }
    // A positive reduced cost says raising the variable would improve a maximisation: its upper bound holds it.
    const upperWhenPositive = problem.sense === 'maximize';
    for (let j = 0; j < problem.numVariables; j++) {
      const z = reduced[j]!;
      if (!(Math.abs(z) > tol)) continue;
      const lower = atLower(j);
      const upper = atUpper(j);
      let owner = -1;
      if (upper && !lower) owner = problem.upperOwner[j]!;
      else if (lower && !upper) owner = problem.lowerOwner[j]!;
      else if (lower && upper) owner = z > 0 === upperWhenPositive ? problem.upperOwner[j]! : problem.lowerOwner[j]!;
      if (owner >= 0) binding.add(owner);
    }
    return { groups: [...binding].sort((p, q) => p - q).map((g) => problem.groups[g]!.name), from: 'duals' };
  }
  for (let r = 0; r < A.rows; r++) {
    let ax = 0;
    for (let k = A.start[r]!; k < A.start[r + 1]!; k++) ax += A.value[k]! * x[A.index[k]!]!;
    const lo = problem.rowLower[r]!;
    const up = problem.rowUpper[r]!;
    if ((Number.isFinite(lo) && Math.abs(ax - lo) <= ACTIVE_TOLERANCE * Math.max(1, Math.abs(lo))) || (Number.isFinite(up) && Math.abs(ax - up) <= ACTIVE_TOLERANCE * Math.max(1, Math.abs(up)))) {
      binding.add(rowGroup[r]!);
    }
  }
  for (let j = 0; j < problem.numVariables; j++) {
    if (atLower(j) && problem.lowerOwner[j]! >= 0) binding.add(problem.lowerOwner[j]!);
    if (atUpper(j) && problem.upperOwner[j]! >= 0) binding.add(problem.upperOwner[j]!);
  }
  return { groups: [...binding].sort((p, q) => p - q).map((g) => problem.groups[g]!.name), from: 'active' };
}
