import { type OptimizerInstance, type Problem, type SparseMatrix, quadraticRowValue } from '@factorkit/core';
import { disassemble, assemble } from './assemble.js';
import { type BoundsReason, type CrossedBoundsReason, type GroupFilter, type RowReasonBase, boundCertificates, isSumRow, rowGroups } from './certificate.js';
import { type CutOptions, solveWithCuts } from './cuts.js';

/**
 * A row (or quadratic row) that cannot reach its bound under the other groups of the conflict:
 * `reachable` is the optimum of "push the row as far as it goes" over the conflict's other rows
 * and bounds — one LP (QP for a quadratic row), whose optimal value is the same whichever
 * optimizer computes it.
 */
export interface RangeReason extends RowReasonBase {
  readonly kind: 'range';
  readonly quadratic: boolean;
  /** Whether the other rows of the row's own group take part too (e.g. the trade rows defining turnover). */
  readonly ownRows: boolean;
}

/** Why the groups of a {@link MinimalConflict} cannot hold together. */
export type ConflictReason = BoundsReason | CrossedBoundsReason | RangeReason;

/**
 * A minimal set of constraint groups that cannot hold together (an irreducible infeasible
 * subsystem, group by group): with any one of them dropped, this conflict is gone. Structural
 * groups (priority `Infinity`) and the variables' own bounds always take part and are not
 * listed. Found by feasibility checks alone, so the same groups whichever optimizer answers.
 */
export interface MinimalConflict {
  /** The groups, lowest priority first (ties in problem order). Empty: the structural part alone is infeasible. */
  readonly groups: readonly string[];
  /** The lowest-priority groups of the conflict: the ones to relax first. */
  readonly relax: readonly string[];
  readonly priorities: readonly number[];
  /**
   * Rows that show the conflict with numbers: rows whose variables' bounds alone keep them from
   * their bound (`bounds`, exact sums of the problem's numbers), crossed bounds, or else one
   * row pushed as far as the other groups allow (`range`). Empty when no single row shows it.
   */
  readonly reasons: readonly ConflictReason[];
  /** Further rows with a `bounds` reason, not listed. */
  readonly moreReasons: number;
}

/** Options of {@link findMinimalConflicts}. */
export interface MinimalConflictOptions {
  /** Most conflicts to look for: after one is found, one of its groups is set aside and the rest searched again. Default 3. */
  readonly maxConflicts?: number;
  /** Most LPs spent looking for a `range` reason per conflict. Default 6. */
  readonly maxRangeSolves?: number;
  readonly cuts?: CutOptions;
}

/** What {@link findMinimalConflicts} found. */
export interface MinimalConflictSearch {
  readonly conflicts: readonly MinimalConflict[];
  /** Solves used (a cut loop's solves counted one each). */
  readonly solves: number;
  /** `false` when a feasibility check ended with neither `optimal` nor `infeasible`, so a group may be listed that is not needed. */
  readonly complete: boolean;
}

const MAX_REASONS = 10;

/** Whether group `gi` has rows, quadratic rows or owned bounds. */
export function groupHasContent(problem: Problem, gi: number): boolean {
  if (problem.groups[gi]!.rowCount > 0) return true;
  if ((problem.quadraticConstraints ?? []).some((q) => q.group === gi)) return true;
  for (let i = 0; i < problem.numVariables; i++) if (problem.lowerOwner[i] === gi || problem.upperOwner[i] === gi) return true;
  return false;
}

interface Restriction {
  /** Rows of accepted groups to keep; default all. */
  readonly rows?: (row: number) => boolean;
  readonly withoutQuadratic?: number;
  /** Objective of the restricted problem; default none (a feasibility problem). */
  readonly objective?: { readonly sense: Problem['sense']; readonly c?: Float64Array; readonly P?: SparseMatrix };
}

/**
 * `problem` with only the rows, quadratic rows and owned bounds of the groups `active`
 * accepts (bounds of other groups become infinite), without its objective unless one is given.
 */
export function restrictProblem(problem: Problem, active: GroupFilter, restriction: Restriction = {}): Problem {
  const parts = disassemble(problem);
  const n = problem.numVariables;
  const keepRow = restriction.rows;
  parts.groups = parts.groups.map((g, gi) => {
    if (!active(gi)) return { ...g, rows: [] };
    if (!keepRow) return g;
    const start = problem.groups[gi]!.rowStart;
    return { ...g, rows: g.rows.filter((_, k) => keepRow(start + k)) };
  });
  for (let i = 0; i < n; i++) {
    if (!active(problem.lowerOwner[i]!)) parts.lower[i] = Number.NEGATIVE_INFINITY;
    if (!active(problem.upperOwner[i]!)) parts.upper[i] = Number.POSITIVE_INFINITY;
  }
  parts.quadraticConstraints = (problem.quadraticConstraints ?? []).filter((qc, k) => active(qc.group) && k !== restriction.withoutQuadratic);
  parts.sense = restriction.objective?.sense ?? 'minimize';
  parts.c = restriction.objective?.c ?? new Float64Array(n);
  parts.P = restriction.objective?.P;
  parts.offset = 0;
  return assemble(parts);
}

function rowActivity(problem: Problem, r: number, x: ArrayLike<number>): number {
  let v = 0;
  for (let k = problem.A.start[r]!; k < problem.A.start[r + 1]!; k++) v += problem.A.value[k]! * x[problem.A.index[k]!]!;
  return v;
}

/** Rows that only define a free auxiliary variable (it appears in no other row): they can always be met. */
function definingRows(problem: Problem): Uint8Array {
  const n = problem.numVariables;
  const colCount = new Int32Array(n);
  for (let k = 0; k < problem.A.index.length; k++) colCount[problem.A.index[k]!]!++;
  const out = new Uint8Array(problem.A.rows);
  for (let r = 0; r < problem.A.rows; r++) {
    for (let k = problem.A.start[r]!; k < problem.A.start[r + 1]!; k++) {
      const j = problem.A.index[k]!;
      if (colCount[j] === 1 && problem.lower[j] === Number.NEGATIVE_INFINITY && problem.upper[j] === Number.POSITIVE_INFINITY) out[r] = 1;
    }
  }
  return out;
}

/**
 * Find minimal sets of constraint groups that cannot hold together, and explain each from the
 * problem's numbers.
 *
 * 1. **Deletion filter** over the relaxable groups (finite priority, with content), most
 *    important first: drop a group; if what is left is still infeasible, leave it out for good,
 *    else put it back. What remains is minimal. Each step is one feasibility solve (no
 *    objective), a yes/no question every correct optimizer answers alike.
 * 2. **Reasons, without a solver**: every crossed bound and every row of the conflict whose
 *    variables' bounds alone keep it from its bound (`5 assets × max 10% = 50% < 100%`).
 * 3. Otherwise **one row pushed as far as it goes**: for rows of the lowest-priority groups
 *    first (quadratic rows, then rows with the most entries), maximise (minimise) the row over
 *    the conflict's other rows and bounds; the first whose optimum misses its bound is the
 *    reason (`turnover ≤ 50%, but industry-neutral forces at least 173.8%`).
 *
 * Then one group of the conflict is set aside (the lowest-priority one whose absence leaves the
 * rest infeasible) and the search repeated, for up to `maxConflicts` conflicts.
 */
export async function findMinimalConflicts(problem: Problem, optimizer: OptimizerInstance, options: MinimalConflictOptions = {}): Promise<MinimalConflictSearch> {
  const maxConflicts = options.maxConflicts ?? 3;
  const maxRangeSolves = options.maxRangeSolves ?? 6;
  const cutOptions = { tolerance: 1e-7, ...(options.cuts ?? {}) };
  let solves = 0;
  let complete = true;
  const solve = async (p: Problem) => {
    const result = await solveWithCuts(p, optimizer, cutOptions);
    solves += result.iterations;
    return result.solution;
  };
  const relaxable = problem.groups.map((_, gi) => gi).filter((gi) => Number.isFinite(problem.groups[gi]!.priority) && groupHasContent(problem, gi));
  const isRelaxable = new Set(relaxable);
  const activeOf = (keep: ReadonlySet<number>): GroupFilter => (g) => g < 0 || !isRelaxable.has(g) || keep.has(g);
  /** `true` feasible, `false` infeasible, `undefined` the solve could not tell. */
  const feasible = async (keep: ReadonlySet<number>): Promise<boolean | undefined> => {
    const status = (await solve(restrictProblem(problem, activeOf(keep)))).status;
    if (status === 'optimal') return true;
    if (status === 'infeasible') return false;
    complete = false;
    return undefined;
  };
  const byImportance = [...relaxable].sort((a, b) => problem.groups[b]!.priority - problem.groups[a]!.priority || a - b);
  const conflicts: MinimalConflict[] = [];
  const setAside = new Set<number>();
  const rest = () => new Set(relaxable.filter((g) => !setAside.has(g)));
  if ((await feasible(rest())) !== false) return { conflicts, solves, complete: false };
  for (let round = 0; round < maxConflicts; round++) {
    const keep = rest();
    for (const g of byImportance) {
      if (!keep.has(g)) continue;
      keep.delete(g);
      if ((await feasible(keep)) !== false) keep.add(g);
    }
    const members = [...keep].sort((a, b) => problem.groups[a]!.priority - problem.groups[b]!.priority || a - b);
    const lowest = members.length > 0 ? problem.groups[members[0]!]!.priority : Number.NaN;
    const { reasons, more } = await explain(problem, activeOf(keep), members, maxRangeSolves, solve);
    conflicts.push({
      groups: members.map((g) => problem.groups[g]!.name),
      relax: members.filter((g) => problem.groups[g]!.priority === lowest).map((g) => problem.groups[g]!.name),
      priorities: members.map((g) => problem.groups[g]!.priority),
      reasons,
      moreReasons: more,
    });
    if (members.length === 0 || round + 1 === maxConflicts) break;
    // Look for another conflict: set aside one group of this one (lowest priority first) such
    // that what is left is still infeasible.
    let found = false;
    for (const g of members) {
      setAside.add(g);
      if ((await feasible(rest())) === false) {
        found = true;
        break;
      }
      setAside.delete(g);
    }
    if (!found) break;
  }
  return { conflicts, solves, complete };
}

async function explain(
  problem: Problem,
  active: GroupFilter,
  members: readonly number[],
  maxRangeSolves: number,
  solve: (p: Problem) => Promise<{ status: string; x: Float64Array }>,
): Promise<{ reasons: ConflictReason[]; more: number }> {
  const certificates = boundCertificates(problem, active);
  if (certificates.length > 0) return { reasons: certificates.slice(0, MAX_REASONS), more: Math.max(0, certificates.length - MAX_REASONS) };
  const groupOf = rowGroups(problem);
  const defining = definingRows(problem);
  const rank = new Map(members.map((g, k) => [g, k]));
  const memberName = (g: number) => problem.groups[g]!.name;
  const others = (g: number) => members.filter((m) => m !== g).map(memberName);
  type Candidate = { kind: 'row'; r: number; g: number } | { kind: 'quadratic'; k: number; g: number };
  const candidates: Candidate[] = [];
  (problem.quadraticConstraints ?? []).forEach((qc, k) => rank.has(qc.group) && candidates.push({ kind: 'quadratic', k, g: qc.group }));
  for (let r = 0; r < problem.A.rows; r++) if (rank.has(groupOf[r]!) && defining[r] === 0) candidates.push({ kind: 'row', r, g: groupOf[r]! });
  const nnz = (c: Candidate) => (c.kind === 'quadratic' ? Number.POSITIVE_INFINITY : problem.A.start[c.r + 1]! - problem.A.start[c.r]!);
  candidates.sort((a, b) => rank.get(a.g)! - rank.get(b.g)! || nnz(b) - nnz(a) || (a.kind === 'row' ? a.r : -1) - (b.kind === 'row' ? b.r : -1));
  let used = 0;
  for (const c of candidates) {
    if (used >= maxRangeSolves) break;
    const ownRowCount = problem.groups[c.g]!.rowCount - (c.kind === 'row' ? 1 : 0);
    if (c.kind === 'quadratic') {
      const qc = problem.quadraticConstraints![c.k]!;
      // Relative to the row's own scale: TE² numbers are small.
      const misses = (x: Float64Array) => quadraticRowValue(qc, x) > qc.upper + 1e-6 * Math.max(Math.abs(qc.upper), Math.abs(quadraticRowValue(qc, x)), 1e-12);
      const range = (rows?: (row: number) => boolean) => solve(restrictProblem(problem, active, { withoutQuadratic: c.k, objective: { sense: 'minimize', c: Float64Array.from(qc.q), P: qc.Q }, ...(rows ? { rows } : {}) }));
      used++;
      const s = await range();
      if (s.status !== 'optimal' || !misses(s.x)) continue;
      const ownRows = ownRowCount > 0 && !(await range((row) => groupOf[row] !== c.g).then((t) => t.status === 'optimal' && misses(t.x)));
      const reason: RangeReason = { kind: 'range', quadratic: true, ownRows, row: qc.label || `quadratic row ${c.k}`, group: memberName(c.g), side: 'upper', required: qc.upper, reachable: quadraticRowValue(qc, s.x), percent: false, by: others(c.g) };
      return { reasons: [reason], more: 0 };
    }
    const { r } = c;
    for (const side of ['lower', 'upper'] as const) {
      const required = side === 'lower' ? problem.rowLower[r]! : problem.rowUpper[r]!;
      if (!Number.isFinite(required) || used >= maxRangeSolves) continue;
      const cost = new Float64Array(problem.numVariables);
      for (let k = problem.A.start[r]!; k < problem.A.start[r + 1]!; k++) cost[problem.A.index[k]!]! += problem.A.value[k]!;
      const misses = (x: Float64Array) => {
        const v = rowActivity(problem, r, x);
        return side === 'lower' ? v < required - rangeTolerance(required) : v > required + rangeTolerance(required);
      };
      const range = (rows: (row: number) => boolean) => solve(restrictProblem(problem, active, { rows, objective: { sense: side === 'lower' ? 'maximize' : 'minimize', c: cost } }));
      used++;
      const s = await range((row) => row !== r);
      if (s.status !== 'optimal' || !misses(s.x)) continue;
      // Do the group's other rows take part (turnover's trade rows do), or do the other groups alone hold the row back?
      const ownRows = ownRowCount > 0 && !(await range((row) => groupOf[row] !== c.g).then((t) => t.status === 'optimal' && misses(t.x)));
      const reason: RangeReason = { kind: 'range', quadratic: false, ownRows, row: problem.rowLabels[r] || `row ${r}`, group: memberName(c.g), side, required, reachable: rowActivity(problem, r, s.x), percent: isSumRow(problem, r), by: others(c.g) };
      return { reasons: [reason], more: 0 };
    }
  }
  return { reasons: [], more: 0 };
}

/** A solver's optimum is good to about 1e-7 (HiGHS) or 1e-5 (ADMM before polishing): a gap must be larger. */
const rangeTolerance = (bound: number): number => 1e-5 * Math.max(1, Math.abs(bound));
