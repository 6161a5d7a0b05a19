import type { Problem } from '@factorkit/core';

/**
 * The bounds of some of a row's variables, taken together: `count` variables whose
 * `bound` side is owned by `group`, contributing `sum` (Σ coefficient × bound) to the row's
 * extreme value.
 */
export interface BoundTerm {
  /** The group that set these bounds; `null` for the bounds a variable block was declared with. */
  readonly group: string | null;
  /** Which bound of each variable the row's extreme uses. */
  readonly bound: 'lower' | 'upper';
  /** `1` or `-1` when every coefficient of these variables is that; absent for other coefficients. */
  readonly coefficient?: 1 | -1;
  readonly count: number;
  /** Whether the `count` variables are all portfolio weights (`assets` in messages). */
  readonly weights: boolean;
  /** Σ coefficient × bound over the `count` variables. */
  readonly sum: number;
  /** The common bound, when `coefficient` is set and the `count` bounds are all equal. */
  readonly each?: number;
}

/** Fields every row-level reason shares. */
export interface RowReasonBase {
  /** The row's label (`row <index>` without one). */
  readonly row: string;
  /** The group the row belongs to. */
  readonly group: string;
  /** `lower`: the row needs ≥ `required`; `upper`: ≤ `required`. */
  readonly side: 'lower' | 'upper';
  /** The row's bound on that side (row units). */
  readonly required: number;
  /** The most (side `lower`) or least (side `upper`) the other groups of the conflict let the row reach. */
  readonly reachable: number;
  /** Whether the row is a sum of weights (coefficients ±1), so its numbers read as percentages. */
  readonly percent: boolean;
  /** The other groups that hold the row back. */
  readonly by: readonly string[];
}

/**
 * A row that cannot reach its bound within its variables' bounds: `reachable` is Σ
 * coefficient × bound, computed from the problem's numbers, no solver involved.
 */
export interface BoundsReason extends RowReasonBase {
  readonly kind: 'bounds';
  /** The bounds that make up `reachable`, one term per (owning group, bound side, coefficient). */
  readonly terms: readonly BoundTerm[];
}

/** A variable whose lower bound (set by one group) is above its upper bound (set by another). */
export interface CrossedBoundsReason {
  readonly kind: 'crossed-bounds';
  /** `weight of \`600000.SH\`` or `<block>[i]`. */
  readonly variable: string;
  readonly lower: number;
  readonly lowerGroup: string | null;
  readonly upper: number;
  readonly upperGroup: string | null;
  /** Whether the variable is a weight (numbers read as percentages). */
  readonly percent: boolean;
}

/** Whether group `g` (−1: a block's own bounds) takes part. */
export type GroupFilter = (group: number) => boolean;

const groupName = (problem: Problem, g: number): string | null => (g < 0 ? null : problem.groups[g]!.name);

/** `weight of \`600000.SH\``, `w[3]` or `<block>[i]`. */
export function variableName(problem: Problem, i: number): string {
  if (i < problem.numWeights) return problem.assets ? `weight of \`${problem.assets[i]}\`` : `w[${i}]`;
  const block = problem.blocks.find((b) => i >= b.start && i < b.start + b.count);
  return block ? `${block.name}[${i - block.start}]` : `x[${i}]`;
}

/** Whether row `r` is a sum of variables with coefficients ±1 (its numbers read as percentages). */
export function isSumRow(problem: Problem, r: number): boolean {
  for (let k = problem.A.start[r]!; k < problem.A.start[r + 1]!; k++) if (Math.abs(problem.A.value[k]!) !== 1) return false;
  return problem.A.start[r + 1]! > problem.A.start[r]!;
}

/** The group index of every row. */
export function rowGroups(problem: Problem): Int32Array {
  const out = new Int32Array(problem.A.rows);
  problem.groups.forEach((g, gi) => out.fill(gi, g.rowStart, g.rowStart + g.rowCount));
  return out;
}

/** Tolerance for "cannot reach": far below any solver's, so that only real gaps count. */
const gapTolerance = (bound: number): number => 1e-9 * Math.max(1, Math.abs(bound));

/**
 * Variables whose active lower bound is above their active upper bound (both sides set by
 * groups that `active` accepts, or by the variable's block).
 */
export function crossedBounds(problem: Problem, active: GroupFilter): CrossedBoundsReason[] {
  const out: CrossedBoundsReason[] = [];
  for (let i = 0; i < problem.numVariables; i++) {
    const lo = problem.lower[i]!;
    const hi = problem.upper[i]!;
    if (!(lo > hi + gapTolerance(hi))) continue;
    const lg = problem.lowerOwner[i]!;
    const ug = problem.upperOwner[i]!;
    if (!active(lg) || !active(ug)) continue;
    out.push({ kind: 'crossed-bounds', variable: variableName(problem, i), lower: lo, lowerGroup: groupName(problem, lg), upper: hi, upperGroup: groupName(problem, ug), percent: i < problem.numWeights });
  }
  return out;
}

/**
 * Row `r`'s extreme over the box of its variables' bounds: the largest value (`side` lower:
 * can it reach its lower bound?) or the smallest (`side` upper). Bounds owned by a group that
 * `active` rejects count as infinite. Returns the reason when the extreme misses the row's
 * bound, `undefined` when it does not (or a needed bound is infinite).
 */
export function rowBoundsReason(problem: Problem, r: number, side: 'lower' | 'upper', active: GroupFilter, ownGroup: number): BoundsReason | undefined {
  const required = side === 'lower' ? problem.rowLower[r]! : problem.rowUpper[r]!;
  if (!Number.isFinite(required)) return undefined;
  const terms = new Map<string, { owner: number; bound: 'lower' | 'upper'; coefficient: 1 | -1 | undefined; count: number; weights: boolean; sum: number; first: number; same: boolean }>();
  let reachable = 0;
  for (let k = problem.A.start[r]!; k < problem.A.start[r + 1]!; k++) {
    const a = problem.A.value[k]!;
    if (a === 0) continue;
    const j = problem.A.index[k]!;
    // The largest a·x uses x's upper bound when a > 0; the smallest uses its lower bound.
    const bound: 'lower' | 'upper' = (side === 'lower') === a > 0 ? 'upper' : 'lower';
    const owner = bound === 'upper' ? problem.upperOwner[j]! : problem.lowerOwner[j]!;
    const value = bound === 'upper' ? problem.upper[j]! : problem.lower[j]!;
    if (!Number.isFinite(value) || !active(owner)) return undefined;
    reachable += a * value;
    const coefficient = a === 1 ? 1 : a === -1 ? -1 : undefined;
    const key = `${owner}|${bound}|${coefficient ?? 'x'}`;
    const term = terms.get(key);
    if (term) {
      term.count++;
      term.sum += a * value;
      term.same &&= value === term.first;
      term.weights &&= j < problem.numWeights;
    } else terms.set(key, { owner, bound, coefficient, count: 1, weights: j < problem.numWeights, sum: a * value, first: value, same: true });
  }
  const missed = side === 'lower' ? reachable < required - gapTolerance(required) : reachable > required + gapTolerance(required);
  if (!missed) return undefined;
  const owners = [...new Set([...terms.values()].map((t) => t.owner))].filter((g) => g >= 0 && g !== ownGroup);
  return {
    kind: 'bounds',
    row: problem.rowLabels[r] || `row ${r}`,
    group: problem.groups[ownGroup]!.name,
    side,
    required,
    reachable,
    percent: isSumRow(problem, r),
    by: owners.map((g) => problem.groups[g]!.name),
    terms: [...terms.values()].map((t) => ({
      group: groupName(problem, t.owner),
      bound: t.bound,
      ...(t.coefficient === undefined ? {} : { coefficient: t.coefficient }),
      count: t.count,
      weights: t.weights,
      sum: t.sum,
      ...(t.coefficient !== undefined && t.same ? { each: t.first } : {}),
    })),
  };
}

/**
 * Every crossed bound and every row of an accepted group that its variables' bounds alone
 * keep from its bound — the conflicts that need no solver to prove — in variable, then row
 * order.
 */
export function boundCertificates(problem: Problem, active: GroupFilter): (CrossedBoundsReason | BoundsReason)[] {
  const out: (CrossedBoundsReason | BoundsReason)[] = crossedBounds(problem, active);
  const groupOf = rowGroups(problem);
  for (let r = 0; r < problem.A.rows; r++) {
    const g = groupOf[r]!;
    if (!active(g)) continue;
    const reason = rowBoundsReason(problem, r, 'lower', active, g) ?? rowBoundsReason(problem, r, 'upper', active, g);
    if (reason) out.push(reason);
  }
  return out;
}
