/**
 * The Pearson correlation of two cross-sections (`x[a]`, `y[a]` for the same assets on one date)
 * over the assets where both are finite: `Σ (x − x̄)(y − ȳ) / √(Σ (x − x̄)² · Σ (y − ȳ)²)`, the
 * means taken over those pairs (two passes, so a large common level costs no precision), clamped
 * to `[−1, 1]`. `NaN` with fewer than 2 pairs or when either side is constant over the pairs
 * (checked exactly with min and max, not left to rounding). Allocates nothing.
 *
 * A Spearman (rank) correlation is this over average-tie ranks of the common pairs: set the
 * cells missing in either row to `NaN`, {@link rankInPlace} both rows, then correlate.
 */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const length = Math.min(x.length, y.length);
  let n = 0;
  let sx = 0;
  let sy = 0;
  let minX = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < length; a++) {
    const u = x[a]!;
    const v = y[a]!;
    if (u - u !== 0 || v - v !== 0) continue;
    n++;
    sx += u;
    sy += v;
    if (u < minX) minX = u;
    if (u > maxX) maxX = u;
    if (v < minY) minY = v;
    if (v > maxY) maxY = v;
  }
  if (n < 2 || minX === maxX || minY === maxY) return Number.NaN;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let a = 0; a < length; a++) {
    const u = x[a]!;
    const v = y[a]!;
    if (u - u !== 0 || v - v !== 0) continue;
    const du = u - mx;
    const dv = v - my;
    sxy += du * dv;
    sxx += du * du;
    syy += dv * dv;
  }
  const r = sxy / Math.sqrt(sxx * syy);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}
