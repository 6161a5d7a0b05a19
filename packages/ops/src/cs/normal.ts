import { rankInto } from './kernels.js';

// P. J. Acklam's rational approximation of the normal quantile (2003): a central rational
// function in (p − ½)² and tail ones in √(−2 ln p), relative error below 1.15e−9.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239] as const;
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1] as const;
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783] as const;
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
const P_LOW = 0.02425;

function tail(q: number): number {
  return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
}

/**
 * The standard normal quantile Φ⁻¹(p): the `z` with `P(Z ≤ z) = p`. Relative error below
 * 1.2e−9 on `(0, 1)` (Acklam's approximation; plenty for ranks turned into normal scores, not
 * meant for high-precision tail work). `−∞` at 0, `+∞` at 1, `NaN` outside `[0, 1]` or for `NaN`.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p < P_LOW) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - P_LOW) return -tail(Math.sqrt(-2 * Math.log1p(-p)));
  const r = p - 0.5;
  const s = r * r;
  return ((((((A[0] * s + A[1]) * s + A[2]) * s + A[3]) * s + A[4]) * s + A[5]) * r) / (((((B[0] * s + B[1]) * s + B[2]) * s + B[3]) * s + B[4]) * s + 1);
}

/**
 * Rank-normal scores of one cross-section, in place: each finite value becomes
 * `Φ⁻¹((r − ½) / m)`, `r` its average-tie rank among the row's `m` finite values (Hazen's
 * plotting position: symmetric, a lone value gets 0, equal values equal scores). Non-finite
 * values become `NaN`. Returns `m`. What labels of a combination model are often turned into:
 * the cross-section's order kept, outliers tamed, the scale that of a standard normal.
 * `scratch` and `index` (lengths ≥ the row's) avoid allocations per call.
 */
export function rankNormalInPlace(row: Float64Array, options: { readonly scratch?: Float64Array; readonly index?: Int32Array } = {}): number {
  const n = row.length;
  const buf = options.scratch && options.scratch.length >= n ? options.scratch : new Float64Array(n);
  const idx = options.index && options.index.length >= n ? options.index : new Int32Array(n);
  for (let a = 0; a < n; a++) {
    const v = row[a]!;
    if (v - v !== 0) row[a] = Number.NaN;
  }
  // rankInto reads each value before it writes that cell, so the row can be its own output.
  const m = rankInto(row, row, buf, idx, false);
  for (let a = 0; a < n; a++) {
    const r = row[a]!;
    if (r === r) row[a] = normalQuantile((r - 0.5) / m);
  }
  return m;
}
