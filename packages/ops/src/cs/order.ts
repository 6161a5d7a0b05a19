import { invalid } from '../internal/check.js';
import { sortWithIndex } from '../internal/select.js';

/**
 * The ascending order of one cross-section: the indices of the finite values of `row`, sorted
 * by value, written to `order[0 … m)`; returns `m`. Sort once, then rank any subset of the row
 * in linear time with {@link ranksInOrder} — when one row is ranked against many others (a
 * factor against each day's returns, IC decay), each with its own set of common assets.
 * `scratch` (length ≥ the row's) avoids an allocation.
 */
export function sortOrder(row: Float64Array, order: Int32Array, scratch?: Float64Array): number {
  const n = row.length;
  if (order.length < n) invalid('sortOrder', `order has ${order.length} entries for a row of ${n}`);
  const buf = scratch && scratch.length >= n ? scratch : new Float64Array(n);
  let m = 0;
  for (let a = 0; a < n; a++) {
    const v = row[a]!;
    if (v - v === 0) {
      buf[m] = v;
      order[m++] = a;
    }
  }
  sortWithIndex(buf, order, 0, m);
  return m;
}

/**
 * Average-tie ranks among a subset, from a {@link sortOrder}: the cells `order[0 … m)` of
 * `row` where `keep` is non-zero (all of them without `keep`) get ranks `1 … k` by value, equal
 * values sharing their average rank (`r = less + (equal + 1) / 2`, as `rank` gives on the subset
 * alone); every other cell of `out` becomes `NaN`. Returns `k`. O(row length), no sorting.
 */
export function ranksInOrder(row: Float64Array, order: Int32Array, m: number, keep: Uint8Array | undefined, out: Float64Array): number {
  if (out.length < row.length) invalid('ranksInOrder', `out has ${out.length} entries for a row of ${row.length}`);
  out.fill(Number.NaN);
  let ranked = 0;
  let j = 0;
  while (j < m) {
    const v = row[order[j]!]!;
    // The block of equal values is contiguous in the order; count the kept ones in it.
    let end = j;
    let kept = 0;
    while (end < m && row[order[end]!] === v) {
      if (keep === undefined || keep[order[end]!] !== 0) kept++;
      end++;
    }
    if (kept > 0) {
      const r = ranked + (kept + 1) / 2;
      for (let i = j; i < end; i++) {
        const a = order[i]!;
        if (keep === undefined || keep[a] !== 0) out[a] = r;
      }
      ranked += kept;
    }
    j = end;
  }
  return ranked;
}
