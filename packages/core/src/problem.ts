import type { AssetId } from './data.js';
import { FactorkitError, show } from './errors.js';

/**
 * The optimisation problem every optimizer solves:
 *
 *     minimise or maximise   cᵀx + ½ xᵀPx + offset
 *     subject to             rowLower ≤ A x ≤ rowUpper
 *                            lower ≤ x ≤ upper
 *
 * over variables `x` whose first block, `w`, holds the portfolio weights (one per asset);
 * further blocks are auxiliary variables some formulations need (turnover splits, factor
 * exposures). Rows come in named groups, one per constraint, each with a priority, so that
 * an infeasible problem can be explained and relaxed group by group.
 */
export interface Problem {
  readonly sense: 'minimize' | 'maximize';
  readonly numVariables: number;
  /** Number of portfolio weights: the first block, named `w`. */
  readonly numWeights: number;
  /** The assets the weights refer to, when known. */
  readonly assets?: readonly AssetId[];
  readonly blocks: readonly VariableBlock[];
  /** Linear objective coefficients, one per variable. */
  readonly c: Float64Array;
  readonly offset: number;
  /** Quadratic objective `½ xᵀPx`; P symmetric positive semidefinite, stored as its upper triangle. */
  readonly P?: SparseMatrix;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /**
   * Which group set each variable's binding bound (index into `groups`), `-1` for the default
   * (unbounded). Bounds from several groups are intersected; the tighter one owns the bound.
   */
  readonly lowerOwner: Int32Array;
  readonly upperOwner: Int32Array;
  /** Constraint matrix in compressed sparse rows. */
  readonly A: SparseMatrix;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  /** A label per row (`industry:银行`), `''` where none was given. */
  readonly rowLabels: readonly string[];
  readonly groups: readonly ConstraintGroup[];
  /**
   * Convex quadratic rows `½ xᵀQx + qᵀx ≤ upper` (an ex-ante tracking-error cap). Absent when
   * there are none. Linear/QP solvers do not take them directly: `@factorkit/portfolio` turns
   * them into linear cuts or a penalty before solving.
   */
  readonly quadraticConstraints?: readonly QuadraticConstraint[];
}

/** `½ xᵀQx + qᵀx ≤ upper`, owned by one constraint group. */
export interface QuadraticConstraint {
  /** Index into {@link Problem.groups}. */
  readonly group: number;
  readonly label: string;
  /** Positive semidefinite, upper triangle, column-compressed, `numVariables` square. */
  readonly Q: SparseMatrix;
  /** Dense linear term, one entry per variable. */
  readonly q: Float64Array;
  readonly upper: number;
}

/** One quadratic row handed to {@link GroupBuilder.addQuadraticConstraint}. */
export interface QuadraticInput {
  /** Entries of Q: `Q[rows[k]][cols[k]] += values[k]` and symmetrically (each off-diagonal pair given once). */
  readonly rows: ArrayLike<number>;
  readonly cols: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  /** Sparse linear term. */
  readonly linear?: { readonly index: ArrayLike<number>; readonly value: ArrayLike<number> };
  readonly upper: number;
  readonly label?: string;
}

/** A contiguous run of variables. */
export interface VariableBlock {
  readonly name: string;
  readonly start: number;
  readonly count: number;
}

/** The rows (and bounds) one constraint contributed. */
export interface ConstraintGroup {
  readonly name: string;
  /** Higher = more important: relaxed last. */
  readonly priority: number;
  readonly rowStart: number;
  readonly rowCount: number;
}

/**
 * A sparse matrix in compressed form. For `A` it is row-compressed (CSR: `start` indexes
 * rows, `index` holds column numbers); for `P` it is column-compressed upper triangle (CSC).
 */
export interface SparseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly value: Float64Array;
}

/** One linear row handed to {@link GroupBuilder.addRow}. */
export interface RowInput {
  /** Variable indices (into the whole variable vector). */
  readonly index: ArrayLike<number>;
  readonly value: ArrayLike<number>;
  /** Default `-Infinity`. */
  readonly lower?: number;
  /** Default `Infinity`. */
  readonly upper?: number;
  readonly label?: string;
}

/** Adds rows and bounds on behalf of one constraint group. */
export interface GroupBuilder {
  readonly name: string;
  readonly priority: number;
  /**
   * Add a row; returns its position within this group. `build()` keeps each group's rows
   * together, so in the built problem the row is `groups[g].rowStart + position`.
   */
  addRow(row: RowInput): number;
  /** Add a row over the weights only, from a dense coefficient vector (zeros skipped); returns its position in the group. */
  addWeightRow(coefficients: ArrayLike<number>, lower: number, upper: number, label?: string): number;
  /** Intersect variable `variable`'s bounds with `[lower, upper]`. */
  bound(variable: number, lower: number, upper: number): void;
  /** Add a convex quadratic row `½ xᵀQx + qᵀx ≤ upper` (Q must be positive semidefinite; not checked here). */
  addQuadraticConstraint(row: QuadraticInput): void;
}

interface PendingRow {
  index: Int32Array;
  value: Float64Array;
  lower: number;
  upper: number;
  label: string;
}

/**
 * Builds a {@link Problem}. Constraint plugins receive a {@link GroupBuilder} scoped to their
 * group; objectives add to `c` and `P` directly.
 */
export class ProblemBuilder {
  readonly numWeights: number;
  readonly assets: readonly AssetId[] | undefined;
  readonly sense: 'minimize' | 'maximize';
  readonly #blocks: VariableBlock[] = [];
  #lower: number[] = [];
  #upper: number[] = [];
  #lowerOwner: number[] = [];
  #upperOwner: number[] = [];
  #c: number[] = [];
  #offset = 0;
  readonly #quad = new Map<number, number>();
  readonly #rows: PendingRow[] = [];
  readonly #groups: { name: string; priority: number; rows: number[] }[] = [];
  readonly #quadRows: { group: number; label: string; rows: Int32Array; cols: Int32Array; values: Float64Array; linIndex: Int32Array; linValue: Float64Array; upper: number }[] = [];

  constructor(options: { assets: readonly AssetId[] } | { numWeights: number }, sense: 'minimize' | 'maximize' = 'maximize') {
    if ('assets' in options) {
      this.assets = options.assets;
      this.numWeights = options.assets.length;
    } else {
      this.assets = undefined;
      this.numWeights = options.numWeights;
    }
    if (!Number.isInteger(this.numWeights) || this.numWeights < 1) {
      throw new FactorkitError('FK_INVALID_PROBLEM', `problem: need at least one weight, got ${show(this.numWeights)}`);
    }
    this.sense = sense;
    this.addVariables('w', this.numWeights);
  }

  get numVariables(): number {
    return this.#c.length;
  }

  get blocks(): readonly VariableBlock[] {
    return this.#blocks;
  }

  /** Append a block of variables (default bounds: free; default cost 0). */
  addVariables(name: string, count: number, options: { lower?: number; upper?: number } = {}): VariableBlock {
    if (this.#blocks.some((b) => b.name === name)) {
      throw new FactorkitError('FK_INVALID_PROBLEM', `problem: variable block \`${name}\` already exists`);
    }
    if (!Number.isInteger(count) || count < 0) {
      throw new FactorkitError('FK_INVALID_PROBLEM', `problem: block \`${name}\` needs a non-negative integer count, got ${show(count)}`);
    }
    const block = { name, start: this.#c.length, count };
    for (let i = 0; i < count; i++) {
      this.#c.push(0);
      this.#lower.push(options.lower ?? Number.NEGATIVE_INFINITY);
      this.#upper.push(options.upper ?? Number.POSITIVE_INFINITY);
      this.#lowerOwner.push(-1);
      this.#upperOwner.push(-1);
    }
    this.#blocks.push(block);
    return block;
  }

  /** Add `coefficients[i]` to the linear cost of variable `start + i`. */
  addLinearObjective(coefficients: ArrayLike<number>, start = 0): void {
    if (!Number.isInteger(start) || start < 0 || start + coefficients.length > this.#c.length) {
      throw new FactorkitError(
        'FK_INVALID_PROBLEM',
        `problem: ${coefficients.length} objective coefficients from variable ${show(start)} do not fit ${this.#c.length} variables`,
      );
    }
    // Check everything before adding anything, so that a rejected call leaves no partial sum.
    for (let i = 0; i < coefficients.length; i++) {
      const v = coefficients[i]!;
      if (!Number.isFinite(v)) {
        throw new FactorkitError('FK_INVALID_PROBLEM', `problem: objective coefficient ${i} is ${show(v)}; replace missing exposures before building`);
      }
    }
    for (let i = 0; i < coefficients.length; i++) this.#c[start + i]! += coefficients[i]!;
  }

  addObjectiveOffset(value: number): void {
    if (!Number.isFinite(value)) throw new FactorkitError('FK_INVALID_PROBLEM', `problem: objective offset is ${show(value)}`);
    this.#offset += value;
  }

  /** Add `value` to P[i][j] and P[j][i] (for i ≠ j), or to P[i][i]. */
  addQuadratic(i: number, j: number, value: number): void {
    for (const v of [i, j]) {
      if (!Number.isInteger(v) || v < 0 || v >= this.#c.length) {
        throw new FactorkitError('FK_INVALID_PROBLEM', `problem: quadratic term refers to variable ${show(v)}, but there are ${this.#c.length}`);
      }
    }
    if (!Number.isFinite(value)) {
      throw new FactorkitError('FK_INVALID_PROBLEM', `problem: quadratic coefficient for (${i}, ${j}) is ${show(value)}`);
    }
    const [r, c] = i <= j ? [i, j] : [j, i];
    const key = c * this.numVariablesForKey + r;
    this.#quad.set(key, (this.#quad.get(key) ?? 0) + value);
  }

  /** A builder for a new group of rows and bounds. Group names are unique. */
  group(name: string, priority = 0): GroupBuilder {
    if (this.#groups.some((g) => g.name === name)) {
      throw new FactorkitError('FK_INVALID_PROBLEM', `problem: constraint group \`${name}\` already exists; give the second one a different group name`);
    }
    const groupIndex = this.#groups.length;
    const group = { name, priority, rows: [] as number[] };
    this.#groups.push(group);
    const addRow = (row: RowInput): number => {
      if (row.index.length !== row.value.length) {
        throw new FactorkitError('FK_INVALID_PROBLEM', `problem: group \`${name}\` row has ${row.index.length} indices and ${row.value.length} values`);
      }
      const index = Int32Array.from(row.index);
      const value = Float64Array.from(row.value);
      for (let k = 0; k < index.length; k++) {
        if (index[k]! < 0 || index[k]! >= this.#c.length) {
          throw new FactorkitError('FK_INVALID_PROBLEM', `problem: group \`${name}\` refers to variable ${index[k]}, but there are ${this.#c.length}`);
        }
        if (!Number.isFinite(value[k]!)) {
          throw new FactorkitError('FK_INVALID_PROBLEM', `problem: group \`${name}\`${row.label ? ` row \`${row.label}\`` : ''} has coefficient ${show(value[k])} for variable ${index[k]}`);
        }
      }
      const lower = row.lower ?? Number.NEGATIVE_INFINITY;
      const upper = row.upper ?? Number.POSITIVE_INFINITY;
      if (Number.isNaN(lower) || Number.isNaN(upper)) {
        throw new FactorkitError('FK_INVALID_PROBLEM', `problem: group \`${name}\`${row.label ? ` row \`${row.label}\`` : ''} has a NaN bound`);
      }
      this.#rows.push({ index, value, lower, upper, label: row.label ?? '' });
      group.rows.push(this.#rows.length - 1);
      return group.rows.length - 1;
    };
    return {
      name,
      priority,
      addRow,
      addWeightRow: (coefficients, lower, upper, label) => {
        const index: number[] = [];
        const value: number[] = [];
        for (let i = 0; i < this.numWeights; i++) {
          const v = coefficients[i]!;
          if (v !== 0) {
            index.push(i);
            value.push(v);
          }
        }
        return addRow({ index, value, lower, upper, ...(label === undefined ? {} : { label }) });
      },
      addQuadraticConstraint: (row) => {
        const where = `problem: group \`${name}\`${row.label ? ` quadratic row \`${row.label}\`` : ' quadratic row'}`;
        if (row.rows.length !== row.cols.length || row.rows.length !== row.values.length) {
          throw new FactorkitError('FK_INVALID_PROBLEM', `${where} has ${row.rows.length} rows, ${row.cols.length} columns and ${row.values.length} values`);
        }
        const linIndex = Int32Array.from(row.linear?.index ?? []);
        const linValue = Float64Array.from(row.linear?.value ?? []);
        if (linIndex.length !== linValue.length) {
          throw new FactorkitError('FK_INVALID_PROBLEM', `${where} has ${linIndex.length} linear indices and ${linValue.length} values`);
        }
        const rows = Int32Array.from(row.rows);
        const cols = Int32Array.from(row.cols);
        const values = Float64Array.from(row.values);
        for (const [indices, vals] of [[rows, values], [cols, values], [linIndex, linValue]] as const) {
          for (let k = 0; k < indices.length; k++) {
            if (indices[k]! < 0 || indices[k]! >= this.#c.length) {
              throw new FactorkitError('FK_INVALID_PROBLEM', `${where} refers to variable ${indices[k]}, but there are ${this.#c.length}`);
            }
            if (!Number.isFinite(vals[k]!)) throw new FactorkitError('FK_INVALID_PROBLEM', `${where} has coefficient ${show(vals[k])}`);
          }
        }
        if (!Number.isFinite(row.upper)) throw new FactorkitError('FK_INVALID_PROBLEM', `${where} needs a finite upper bound, got ${show(row.upper)}`);
        this.#quadRows.push({ group: groupIndex, label: row.label ?? '', rows, cols, values, linIndex, linValue, upper: row.upper });
      },
      bound: (variable, lower, upper) => {
        if (!Number.isInteger(variable) || variable < 0 || variable >= this.#c.length) {
          throw new FactorkitError('FK_INVALID_PROBLEM', `problem: group \`${name}\` bounds variable ${show(variable)}, but there are ${this.#c.length}`);
        }
        if (Number.isNaN(lower) || Number.isNaN(upper)) {
          throw new FactorkitError('FK_INVALID_PROBLEM', `problem: group \`${name}\` gives variable ${variable} a NaN bound`);
        }
        if (lower > this.#lower[variable]!) {
          this.#lower[variable] = lower;
          this.#lowerOwner[variable] = groupIndex;
        }
        if (upper < this.#upper[variable]!) {
          this.#upper[variable] = upper;
          this.#upperOwner[variable] = groupIndex;
        }
      },
    };
  }

  // Keys of the quadratic map are column-major positions in an (unbounded) square matrix;
  // a fixed large stride keeps them unique while blocks are still being added.
  private get numVariablesForKey(): number {
    return 1 << 26;
  }

  /** Freeze everything added so far into a {@link Problem}. Rows are ordered by group. */
  build(): Problem {
    const n = this.#c.length;
    const order: number[] = [];
    const groups: ConstraintGroup[] = [];
    for (const g of this.#groups) {
      groups.push({ name: g.name, priority: g.priority, rowStart: order.length, rowCount: g.rows.length });
      order.push(...g.rows);
    }
    const m = order.length;
    let nnz = 0;
    for (const r of order) nnz += this.#rows[r]!.index.length;
    const start = new Int32Array(m + 1);
    const index = new Int32Array(nnz);
    const value = new Float64Array(nnz);
    const rowLower = new Float64Array(m);
    const rowUpper = new Float64Array(m);
    const rowLabels: string[] = [];
    let k = 0;
    order.forEach((r, i) => {
      const row = this.#rows[r]!;
      start[i] = k;
      if (strictlyIncreasing(row.index)) {
        // The usual row (columns added in order, none twice): copied as it is.
        index.set(row.index, k);
        value.set(row.value, k);
        k += row.index.length;
      } else {
        // Merge duplicate column entries within a row and sort columns.
        const merged = new Map<number, number>();
        for (let j = 0; j < row.index.length; j++) merged.set(row.index[j]!, (merged.get(row.index[j]!) ?? 0) + row.value[j]!);
        const cols = [...merged.keys()].sort((x, y) => x - y);
        for (const col of cols) {
          index[k] = col;
          value[k] = merged.get(col)!;
          k++;
        }
      }
      rowLower[i] = row.lower;
      rowUpper[i] = row.upper;
      rowLabels.push(row.label);
    });
    start[m] = k;
    const A: SparseMatrix = { rows: m, cols: n, start, index: index.slice(0, k), value: value.slice(0, k) };

    const P = this.#quad.size > 0 ? upperCsc(this.#quad, n, this.numVariablesForKey) : undefined;
    const quadraticConstraints: QuadraticConstraint[] = this.#quadRows.map((r) => {
      const entries = new Map<number, number>();
      const stride = this.numVariablesForKey;
      for (let k = 0; k < r.rows.length; k++) {
        const [i, j] = r.rows[k]! <= r.cols[k]! ? [r.rows[k]!, r.cols[k]!] : [r.cols[k]!, r.rows[k]!];
        const key = j * stride + i;
        entries.set(key, (entries.get(key) ?? 0) + r.values[k]!);
      }
      const q = new Float64Array(n);
      for (let k = 0; k < r.linIndex.length; k++) q[r.linIndex[k]!]! += r.linValue[k]!;
      return { group: r.group, label: r.label, Q: upperCsc(entries, n, stride), q, upper: r.upper };
    });

    return {
      sense: this.sense,
      numVariables: n,
      numWeights: this.numWeights,
      ...(this.assets ? { assets: this.assets } : {}),
      blocks: this.#blocks.map((b) => ({ ...b })),
      c: Float64Array.from(this.#c),
      offset: this.#offset,
      ...(P ? { P } : {}),
      lower: Float64Array.from(this.#lower),
      upper: Float64Array.from(this.#upper),
      lowerOwner: Int32Array.from(this.#lowerOwner),
      upperOwner: Int32Array.from(this.#upperOwner),
      A,
      rowLower,
      rowUpper,
      rowLabels,
      groups,
      ...(quadraticConstraints.length > 0 ? { quadraticConstraints } : {}),
    };
  }
}

/** Whether `index` has no repeated column and lists its columns in increasing order. */
function strictlyIncreasing(index: Int32Array): boolean {
  for (let j = 1; j < index.length; j++) if (index[j]! <= index[j - 1]!) return false;
  return true;
}

/** Upper-triangle CSC from a map keyed `col * stride + row`. */
function upperCsc(map: Map<number, number>, n: number, stride: number): SparseMatrix {
  const entries = [...map].filter(([, v]) => v !== 0).sort((x, y) => x[0] - y[0]);
  const colStart = new Int32Array(n + 1);
  const rowIndex = new Int32Array(entries.length);
  const values = new Float64Array(entries.length);
  entries.forEach(([key, v], e) => {
    colStart[Math.floor(key / stride) + 1]!++;
    rowIndex[e] = key % stride;
    values[e] = v;
  });
  for (let c = 0; c < n; c++) colStart[c + 1]! += colStart[c]!;
  return { rows: n, cols: n, start: colStart, index: rowIndex, value: values };
}

/** `½ xᵀQx + qᵀx` for a quadratic constraint (Q stored as its upper triangle). */
export function quadraticRowValue(row: QuadraticConstraint, x: ArrayLike<number>): number {
  let value = 0;
  for (let i = 0; i < row.q.length; i++) if (row.q[i] !== 0) value += row.q[i]! * x[i]!;
  const Q = row.Q;
  for (let col = 0; col < Q.cols; col++) {
    for (let k = Q.start[col]!; k < Q.start[col + 1]!; k++) {
      const r = Q.index[k]!;
      const term = Q.value[k]! * x[r]! * x[col]!;
      value += r === col ? 0.5 * term : term;
    }
  }
  return value;
}

/** `cᵀx + ½xᵀPx + offset`. */
export function objectiveValue(problem: Problem, x: ArrayLike<number>): number {
  let value = problem.offset;
  for (let i = 0; i < problem.numVariables; i++) value += problem.c[i]! * x[i]!;
  const P = problem.P;
  if (P) {
    for (let col = 0; col < P.cols; col++) {
      for (let k = P.start[col]!; k < P.start[col + 1]!; k++) {
        const row = P.index[k]!;
        const term = P.value[k]! * x[row]! * x[col]!;
        value += row === col ? 0.5 * term : term;
      }
    }
  }
  return value;
}

/** How far `x` is from satisfying one group: the largest row or bound violation. */
export interface GroupResidual {
  readonly name: string;
  readonly priority: number;
  readonly maxViolation: number;
  /** Label (or `row N`) of the most violated row, when any row is violated. */
  readonly worst?: string;
}

/**
 * Constraint violations of `x`, overall and per group. Optimizers report these with their
 * solutions so that "optimal" can be checked, not trusted.
 */
export function problemResiduals(problem: Problem, x: ArrayLike<number>): { maxViolation: number; groups: GroupResidual[] } {
  const { A } = problem;
  const perGroup = problem.groups.map((g) => ({ name: g.name, priority: g.priority, maxViolation: 0, worst: undefined as string | undefined }));
  let overall = 0;
  const rowGroup = new Int32Array(A.rows);
  problem.groups.forEach((g, gi) => rowGroup.fill(gi, g.rowStart, g.rowStart + g.rowCount));
  for (let r = 0; r < A.rows; r++) {
    let ax = 0;
    for (let k = A.start[r]!; k < A.start[r + 1]!; k++) ax += A.value[k]! * x[A.index[k]!]!;
    const violation = Math.max(0, problem.rowLower[r]! - ax, ax - problem.rowUpper[r]!);
    overall = Math.max(overall, violation);
    const entry = perGroup[rowGroup[r]!];
    if (entry && violation > entry.maxViolation) {
      entry.maxViolation = violation;
      entry.worst = problem.rowLabels[r] || `row ${r}`;
    }
  }
  for (const row of problem.quadraticConstraints ?? []) {
    const violation = Math.max(0, quadraticRowValue(row, x) - row.upper);
    overall = Math.max(overall, violation);
    const entry = perGroup[row.group];
    if (entry && violation > entry.maxViolation) {
      entry.maxViolation = violation;
      entry.worst = row.label || 'quadratic row';
    }
  }
  for (let i = 0; i < problem.numVariables; i++) {
    const below = problem.lower[i]! - x[i]!;
    const above = x[i]! - problem.upper[i]!;
    const violation = Math.max(0, below, above);
    overall = Math.max(overall, violation);
    if (violation > 0) {
      const owner = below > above ? problem.lowerOwner[i]! : problem.upperOwner[i]!;
      const entry = perGroup[owner];
      if (entry && violation > entry.maxViolation) {
        entry.maxViolation = violation;
        entry.worst = `bound on variable ${i}`;
      }
    }
  }
  return {
    maxViolation: overall,
    groups: perGroup.map(({ worst, ...rest }) => (worst === undefined ? rest : { ...rest, worst })),
  };
}
