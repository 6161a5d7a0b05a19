import { FactorkitError, type ConstraintGroup, type Problem, type QuadraticConstraint, type SparseMatrix, type VariableBlock } from '@factorkit/core';

/** One linear row while a problem is being edited. */
export interface RowSpec {
  readonly index: ArrayLike<number>;
  readonly value: ArrayLike<number>;
  readonly lower: number;
  readonly upper: number;
  readonly label: string;
}

/** A group's rows while a problem is being edited. */
export interface GroupRows {
  readonly name: string;
  readonly priority: number;
  readonly rows: RowSpec[];
}

/** The rows of `problem`, grouped. Groups tile the rows in order (core's builder guarantees it). */
export function groupRows(problem: Problem): GroupRows[] {
  return problem.groups.map((g) => {
    const rows: RowSpec[] = [];
    for (let r = g.rowStart; r < g.rowStart + g.rowCount; r++) rows.push(rowOf(problem, r));
    return { name: g.name, priority: g.priority, rows };
  });
}

/** Row `r` of `problem` as a {@link RowSpec} (views into A, not copies). */
export function rowOf(problem: Problem, r: number): RowSpec {
  const { A } = problem;
  const s = A.start[r]!;
  const e = A.start[r + 1]!;
  return { index: A.index.subarray(s, e), value: A.value.subarray(s, e), lower: problem.rowLower[r]!, upper: problem.rowUpper[r]!, label: problem.rowLabels[r] ?? '' };
}

/** Euclidean norm of a row's coefficients. */
export function rowNorm(row: RowSpec): number {
  let s = 0;
  for (let k = 0; k < row.value.length; k++) s += row.value[k]! * row.value[k]!;
  return Math.sqrt(s);
}

export interface AssembleInput {
  readonly sense: Problem['sense'];
  readonly numWeights: number;
  readonly assets?: Problem['assets'];
  readonly blocks: readonly VariableBlock[];
  readonly c: Float64Array;
  readonly offset: number;
  readonly P?: SparseMatrix | undefined;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly lowerOwner: Int32Array;
  readonly upperOwner: Int32Array;
  readonly groups: readonly GroupRows[];
  readonly quadraticConstraints?: readonly QuadraticConstraint[] | undefined;
}

/** Freeze edited parts into a {@link Problem}: rows concatenated group by group. */
export function assemble(input: AssembleInput): Problem {
  const n = input.c.length;
  let m = 0;
  let nnz = 0;
  for (const g of input.groups) {
    m += g.rows.length;
    for (const r of g.rows) nnz += r.index.length;
  }
  const start = new Int32Array(m + 1);
  const index = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  const rowLower = new Float64Array(m);
  const rowUpper = new Float64Array(m);
  const rowLabels: string[] = [];
  const groups: ConstraintGroup[] = [];
  let r = 0;
  let k = 0;
  for (const g of input.groups) {
    groups.push({ name: g.name, priority: g.priority, rowStart: r, rowCount: g.rows.length });
    for (const row of g.rows) {
      start[r] = k;
      for (let j = 0; j < row.index.length; j++) {
        const col = row.index[j]!;
        if (col < 0 || col >= n) throw new FactorkitError('FK_INVALID_PROBLEM', `portfolio: row \`${row.label}\` refers to variable ${col}, but there are ${n}`);
        index[k] = col;
        value[k] = row.value[j]!;
        k++;
      }
      rowLower[r] = row.lower;
      rowUpper[r] = row.upper;
      rowLabels.push(row.label);
      r++;
    }
  }
  start[m] = k;
  const quads = input.quadraticConstraints ?? [];
  return {
    sense: input.sense,
    numVariables: n,
    numWeights: input.numWeights,
    ...(input.assets ? { assets: input.assets } : {}),
    blocks: input.blocks,
    c: input.c,
    offset: input.offset,
    ...(input.P ? { P: input.P } : {}),
    lower: input.lower,
    upper: input.upper,
    lowerOwner: input.lowerOwner,
    upperOwner: input.upperOwner,
    A: { rows: m, cols: n, start, index, value },
    rowLower,
    rowUpper,
    rowLabels,
    groups,
    ...(quads.length > 0 ? { quadraticConstraints: quads } : {}),
  };
}

/** The parts of `problem`, ready to edit (typed arrays copied). */
export function disassemble(problem: Problem): { -readonly [K in keyof AssembleInput]: AssembleInput[K] } & { groups: GroupRows[] } {
  return {
    sense: problem.sense,
    numWeights: problem.numWeights,
    ...(problem.assets ? { assets: problem.assets } : {}),
    blocks: problem.blocks,
    c: Float64Array.from(problem.c),
    offset: problem.offset,
    P: problem.P,
    lower: Float64Array.from(problem.lower),
    upper: Float64Array.from(problem.upper),
    lowerOwner: Int32Array.from(problem.lowerOwner),
    upperOwner: Int32Array.from(problem.upperOwner),
    groups: groupRows(problem),
    quadraticConstraints: problem.quadraticConstraints,
  };
}

/** A square CSC matrix padded with empty columns to `n`. */
export function padCsc(M: SparseMatrix, n: number): SparseMatrix {
  if (M.cols === n) return M;
  const start = new Int32Array(n + 1);
  start.set(M.start);
  start.fill(M.start[M.cols]!, M.cols + 1);
  return { rows: n, cols: n, start, index: M.index, value: M.value };
}

/** `Q x` for a symmetric Q stored as its upper triangle in CSC. */
export function symmetricTimes(Q: SparseMatrix, x: ArrayLike<number>, out: Float64Array): Float64Array {
  out.fill(0);
  for (let col = 0; col < Q.cols; col++) {
    for (let k = Q.start[col]!; k < Q.start[col + 1]!; k++) {
      const row = Q.index[k]!;
      const v = Q.value[k]!;
      out[row]! += v * x[col]!;
      if (row !== col) out[col]! += v * x[row]!;
    }
  }
  return out;
}

/** Append `count` variables to the problem parts (bounds, zero cost, unowned). */
export function appendVariables(
  parts: ReturnType<typeof disassemble>,
  name: string,
  count: number,
  options: { lower: number; upper: number; cost?: ArrayLike<number> },
): number {
  const start = parts.c.length;
  const n = start + count;
  const grow = (a: Float64Array, fill: number): Float64Array => {
    const out = new Float64Array(n);
    out.set(a);
    out.fill(fill, start);
    return out;
  };
  const growInt = (a: Int32Array): Int32Array => {
    const out = new Int32Array(n).fill(-1);
    out.set(a);
    return out;
  };
  parts.c = grow(parts.c, 0);
  if (options.cost) for (let i = 0; i < count; i++) parts.c[start + i] = options.cost[i]!;
  parts.lower = grow(parts.lower, options.lower);
  parts.upper = grow(parts.upper, options.upper);
  parts.lowerOwner = growInt(parts.lowerOwner);
  parts.upperOwner = growInt(parts.upperOwner);
  parts.blocks = [...parts.blocks, { name, start, count }];
  if (parts.P) parts.P = padCsc(parts.P, n);
  if (parts.quadraticConstraints) {
    parts.quadraticConstraints = parts.quadraticConstraints.map((qc) => {
      const q = new Float64Array(n);
      q.set(qc.q);
      return { ...qc, Q: padCsc(qc.Q, n), q };
    });
  }
  return start;
}
