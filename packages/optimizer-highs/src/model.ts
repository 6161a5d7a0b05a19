import { FactorkitError, type Problem, type SparseMatrix, show } from '@factorkit/core';
import type { HessianInput, Highs, ModelData } from 'highs';

const invalid = (message: string): FactorkitError => new FactorkitError('FK_INVALID_PROBLEM', `optimizer \`highs\`: ${message}`);

function rowName(problem: Problem, row: number): string {
  const label = problem.rowLabels[row];
  return label ? `row ${row} (\`${label}\`)` : `row ${row}`;
}

/**
 * Check the parts of a {@link Problem} HiGHS would reject or misread: array lengths, the CSR
 * layout of `A`, the upper-triangle CSC layout of `P`, non-finite coefficients and impossible
 * bounds. Everything is O(n + nnz), small next to a solve.
 *
 * A lower bound above its upper bound is not misuse: it is left to the solver, which reports
 * the problem infeasible (so that relaxation can explain it).
 *
 * @throws FactorkitError `FK_INVALID_PROBLEM` naming the variable, row, entry or group.
 */
export function validateProblem(problem: Problem): void {
  const n = problem.numVariables;
  if (!Number.isInteger(n) || n < 1) throw invalid(`numVariables must be a positive integer, got ${show(n)}`);
  if (!Number.isInteger(problem.numWeights) || problem.numWeights < 1 || problem.numWeights > n) {
    throw invalid(`numWeights must be an integer in [1, ${n}], got ${show(problem.numWeights)}`);
  }
  if (problem.sense !== 'minimize' && problem.sense !== 'maximize') throw invalid(`sense must be \`minimize\` or \`maximize\`, got ${show(problem.sense)}`);
  for (const key of ['c', 'lower', 'upper'] as const) {
    if (problem[key]?.length !== n) throw invalid(`\`${key}\` must have ${n} entries (numVariables), got ${show(problem[key]?.length)}`);
  }
  if (!Number.isFinite(problem.offset)) throw invalid(`objective offset is ${show(problem.offset)}`);
  for (let j = 0; j < n; j++) {
    if (!Number.isFinite(problem.c[j]!)) throw invalid(`objective coefficient c[${j}] is ${show(problem.c[j])}`);
    const lo = problem.lower[j]!;
    const up = problem.upper[j]!;
    if (Number.isNaN(lo) || lo === Number.POSITIVE_INFINITY) throw invalid(`variable ${j} has lower bound ${show(lo)}`);
    if (Number.isNaN(up) || up === Number.NEGATIVE_INFINITY) throw invalid(`variable ${j} has upper bound ${show(up)}`);
  }

  const A = problem.A;
  const m = A.rows;
  if (!Number.isInteger(m) || m < 0) throw invalid(`A.rows must be a non-negative integer, got ${show(m)}`);
  if (A.cols !== n) throw invalid(`A has ${show(A.cols)} columns, the problem ${n} variables`);
  if (problem.rowLower.length !== m || problem.rowUpper.length !== m) {
    throw invalid(`rowLower/rowUpper must have ${m} entries (A.rows), got ${problem.rowLower.length}/${problem.rowUpper.length}`);
  }
  checkCompressed(A, m, 'A', 'row');
  const seen = new Int32Array(n).fill(-1);
  for (let r = 0; r < m; r++) {
    const lo = problem.rowLower[r]!;
    const up = problem.rowUpper[r]!;
    if (Number.isNaN(lo) || lo === Number.POSITIVE_INFINITY) throw invalid(`${rowName(problem, r)} has lower bound ${show(lo)}`);
    if (Number.isNaN(up) || up === Number.NEGATIVE_INFINITY) throw invalid(`${rowName(problem, r)} has upper bound ${show(up)}`);
    for (let k = A.start[r]!; k < A.start[r + 1]!; k++) {
      const j = A.index[k]!;
      if (!Number.isInteger(j) || j < 0 || j >= n) throw invalid(`${rowName(problem, r)} refers to variable ${show(j)}, but there are ${n}`);
      if (seen[j] === r) throw invalid(`${rowName(problem, r)} lists variable ${j} twice; merge duplicate entries`);
      seen[j] = r;
      if (!Number.isFinite(A.value[k]!)) throw invalid(`${rowName(problem, r)} has coefficient ${show(A.value[k])} for variable ${j}`);
    }
  }

  let covered = 0;
  problem.groups.forEach((g, gi) => {
    if (!Number.isInteger(g.rowStart) || !Number.isInteger(g.rowCount) || g.rowStart < 0 || g.rowCount < 0 || g.rowStart + g.rowCount > m) {
      throw invalid(`group \`${g.name}\` (groups[${gi}]) covers rows ${show(g.rowStart)}..+${show(g.rowCount)}, but A has ${m} rows`);
    }
    covered += g.rowCount;
  });
  if (covered > m) throw invalid(`the groups cover ${covered} rows, but A has ${m}`);

  const P = problem.P;
  if (P) {
    if (P.rows !== n || P.cols !== n) throw invalid(`P must be ${n} × ${n}, got ${show(P.rows)} × ${show(P.cols)}`);
    checkCompressed(P, n, 'P', 'column');
    const seenP = new Int32Array(n).fill(-1);
    for (let col = 0; col < n; col++) {
      for (let k = P.start[col]!; k < P.start[col + 1]!; k++) {
        const row = P.index[k]!;
        if (!Number.isInteger(row) || row < 0 || row > col) {
          throw invalid(`P column ${col} has an entry in row ${show(row)}; P holds the upper triangle (row ≤ column)`);
        }
        if (seenP[row] === col) throw invalid(`P lists entry (${row}, ${col}) twice; merge duplicate entries`);
        seenP[row] = col;
        if (!Number.isFinite(P.value[k]!)) throw invalid(`P entry (${row}, ${col}) is ${show(P.value[k])}`);
      }
    }
  }
}

function checkCompressed(M: SparseMatrix, major: number, name: string, what: string): void {
  if (M.start?.length !== major + 1) throw invalid(`${name}.start must have ${major + 1} entries (one per ${what} + 1), got ${show(M.start?.length)}`);
  if (M.start[0] !== 0) throw invalid(`${name}.start[0] must be 0, got ${show(M.start[0])}`);
  for (let i = 0; i < major; i++) {
    if (M.start[i + 1]! < M.start[i]!) throw invalid(`${name}.start decreases at ${what} ${i}`);
  }
  const nnz = M.start[major]!;
  if (M.index.length < nnz || M.value.length < nnz) {
    throw invalid(`${name} declares ${nnz} entries but has ${M.index.length} indices and ${M.value.length} values`);
  }
}

/**
 * The lower triangle of `P` in CSC, which is what HiGHS's `"triangular"` Hessian format wants.
 * `P` is stored as its upper triangle in CSC; entry (r, c) with r ≤ c moves to column r, row c.
 * Values are the entries of the symmetric matrix in both conventions (objective ½xᵀPx), so
 * nothing is scaled.
 */
export function lowerTriangleHessian(P: SparseMatrix, n: number): HessianInput {
  const nnz = P.start[n]!;
  const starts = new Int32Array(n + 1);
  for (let k = 0; k < nnz; k++) starts[P.index[k]! + 1]!++;
  for (let j = 0; j < n; j++) starts[j + 1]! += starts[j]!;
  const next = starts.slice(0, n);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  // Walking the columns of the upper triangle in order fills each lower column in row order.
  for (let col = 0; col < n; col++) {
    for (let k = P.start[col]!; k < P.start[col + 1]!; k++) {
      const dest = next[P.index[k]!]!++;
      indices[dest] = col;
      values[dest] = P.value[k]!;
    }
  }
  return { format: 'triangular', dimension: n, starts, indices, values };
}

/** Whether `P` has any nonzero entry (an all-zero `P` is an LP for HiGHS). */
export function hasQuadratic(problem: Problem): boolean {
  const P = problem.P;
  if (!P) return false;
  for (let k = 0; k < P.start[P.cols]!; k++) if (P.value[k] !== 0) return true;
  return false;
}

/**
 * The HiGHS model for a validated problem, through the sparse-array API (no LP text).
 * Typed arrays are handed over as they are; HiGHS copies them.
 */
export function toModelData(highs: Highs, problem: Problem): ModelData {
  const A = problem.A;
  const nnz = A.start[A.rows]!;
  const quadratic = hasQuadratic(problem);
  return {
    numCols: problem.numVariables,
    numRows: A.rows,
    sense: problem.sense === 'maximize' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
    offset: problem.offset,
    colCost: problem.c,
    colLower: problem.lower,
    colUpper: problem.upper,
    rowLower: problem.rowLower,
    rowUpper: problem.rowUpper,
    matrix: {
      format: 'csr',
      numRows: A.rows,
      numCols: problem.numVariables,
      starts: A.start,
      indices: A.index.length === nnz ? A.index : A.index.subarray(0, nnz),
      values: A.value.length === nnz ? A.value : A.value.subarray(0, nnz),
    },
    ...(quadratic && problem.P ? { hessian: lowerTriangleHessian(problem.P, problem.numVariables) } : {}),
  };
}
