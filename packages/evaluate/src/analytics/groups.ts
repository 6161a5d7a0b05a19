import { FactorkitError, show } from '@factorkit/core';
import { rankInPlace } from '@factorkit/ops';

/** Scratch buffers for {@link quantileGroups}, reused across dates. */
export interface GroupScratch {
  readonly ranks: Float64Array;
  readonly values: Float64Array;
  readonly index: Int32Array;
}

/** Scratch for rows of `assets` values. */
export function groupScratch(assets: number): GroupScratch {
  return { ranks: new Float64Array(assets), values: new Float64Array(assets), index: new Int32Array(assets) };
}

/**
 * Quantile groups of one cross-section: the stock with average-tie rank `r` among the `m`
 * finite values goes to group `⌈r · groups / m⌉` (1 = lowest values, `groups` = highest);
 * non-finite values get 0 (no group).
 *
 * Deterministic and tie-safe: equal values share their average rank and so their group (never
 * split by input order), and no bin edges are needed, so a discrete factor never fails. With
 * `m ≥ groups` and no ties every group gets `⌊m / groups⌋` or `⌈m / groups⌉` stocks; ties
 * place a whole block of equal values at the group of its middle rank, which can leave groups
 * empty (a factor with three values fills at most three groups).
 *
 * Returns `m`. `out` receives the groups; `scratch` avoids allocations per date.
 */
export function quantileGroups(values: ArrayLike<number>, groups: number, out: Uint16Array, scratch: GroupScratch = groupScratch(values.length)): number {
  if (!Number.isInteger(groups) || groups < 1 || groups > 65535) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `quantileGroups: groups must be an integer in 1 … 65535, got ${show(groups)}`);
  }
  const n = values.length;
  if (out.length < n) throw new FactorkitError('FK_INVALID_ARGUMENT', `quantileGroups: out has ${out.length} entries for ${n} values`);
  const ranks = scratch.ranks;
  for (let a = 0; a < n; a++) ranks[a] = values[a]!;
  const m = rankInPlace(n === ranks.length ? ranks : ranks.subarray(0, n), { scratch: scratch.values, index: scratch.index });
  groupsFromRanks(ranks, n, m, groups, out);
  return m;
}

/** Groups from average-tie ranks (`NaN` = no group, 0): `⌈r · groups / m⌉`, as {@link quantileGroups} documents. */
export function groupsFromRanks(ranks: Float64Array, n: number, m: number, groups: number, out: Uint16Array): void {
  for (let a = 0; a < n; a++) {
    const r = ranks[a]!;
    // r · groups is exact (r is a whole or half number), so the quotient is exact when whole.
    out[a] = r === r ? Math.ceil((r * groups) / m) : 0;
  }
}
