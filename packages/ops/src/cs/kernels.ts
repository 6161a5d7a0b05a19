/**
 * Row kernels shared by the cross-sectional operators and the preprocessing pipeline. Each
 * works on one date's contiguous row that has already been masked: ineligible and missing
 * cells are `NaN`, so "finite" means "eligible and present".
 */
import { type SelectGuess, assignRanks, medianOf, sortWithIndex } from '../internal/select.js';

/** 1.4826 · MAD estimates σ for normal data (1 / Φ⁻¹(3/4)). */
export const MAD_TO_SIGMA = 1.4826;

/** Copy the finite values of `row` to the front of `buf`; returns how many. */
export function collectFinite(row: Float64Array, buf: Float64Array): number {
  let m = 0;
  for (let a = 0; a < row.length; a++) {
    const v = row[a]!;
    if (v === v) buf[m++] = v;
  }
  return m;
}

/**
 * Average-tie ranks of the finite values of `row` into `out`: `r = less + (equal + 1) / 2`
 * in `1 … m`, or as a fraction `(r − 1) / (m − 1)` (0.5 when m = 1). Missing stay `NaN`.
 * `buf` and `idx` are scratch of the row's length.
 */
export function rankInto(row: Float64Array, out: Float64Array, buf: Float64Array, idx: Int32Array, fraction: boolean): number {
  let m = 0;
  for (let a = 0; a < row.length; a++) {
    const v = row[a]!;
    out[a] = Number.NaN;
    if (v === v) {
      buf[m] = v;
      idx[m++] = a;
    }
  }
  sortWithIndex(buf, idx, 0, m);
  assignRanks(buf, idx, 0, m, out, fraction);
  return m;
}

/** Result of {@link winsorizeRow}. */
export interface ClipCounts {
  /** Finite values in the row. */
  readonly count: number;
  readonly low: number;
  readonly high: number;
  /** The scale was 0 (or fewer than 2 values): nothing was clipped. */
  readonly zeroScale: boolean;
}

/**
 * The last median and MAD of a series of rows (one descriptor over consecutive dates). Passed
 * back to {@link madOf}, it brackets the next row's median and MAD, which cross-sections on
 * neighbouring dates rarely move by much; the results never depend on it, only the speed.
 */
export class RobustState {
  median = Number.NaN;
  mad = Number.NaN;
}

const medianGuess: { lo: number; hi: number } = { lo: 0, hi: 0 };
const madGuess: { lo: number; hi: number } = { lo: 0, hi: 0 };

/**
 * Median and MAD (unscaled) of the finite values `buf[0 … m)`, m ≥ 1. `buf` is overwritten (it
 * ends up holding the absolute deviations). With `state`, the previous row's figures narrow the
 * search and this row's are stored for the next.
 */
export function madOf(buf: Float64Array, m: number, state?: RobustState): { median: number; mad: number } {
  let g1: SelectGuess | undefined;
  let g2: SelectGuess | undefined;
  if (state && state.mad > 0) {
    medianGuess.lo = state.median - 0.25 * state.mad;
    medianGuess.hi = state.median + 0.25 * state.mad;
    madGuess.lo = 0.8 * state.mad;
    madGuess.hi = 1.25 * state.mad;
    g1 = medianGuess;
    g2 = madGuess;
  }
  const median = medianOf(buf, m, g1);
  for (let i = 0; i < m; i++) buf[i] = Math.abs(buf[i]! - median);
  const mad = medianOf(buf, m, g2);
  if (state) {
    state.median = median;
    state.mad = mad;
  }
  return { median, mad };
}

/** The bounds `[centre − k·scale, centre + k·scale]` of a row, or `undefined` when the scale is 0. */
export function winsorBounds(
  row: Float64Array,
  method: 'mad' | 'sigma',
  k: number,
  buf: Float64Array,
  state?: RobustState,
): { count: number; lo: number; hi: number } | { count: number; lo?: undefined; hi?: undefined } {
  const m = collectFinite(row, buf);
  if (m < 2) return { count: m };
  const { centre, scale } = clipCentre(buf, m, method, state);
  if (!(scale > 0)) return { count: m };
  return { count: m, lo: centre - k * scale, hi: centre + k * scale };
}

/**
 * Centre and scale of a winsorising band over the finite values `buf[0 … m)`, m ≥ 2: median and
 * 1.4826 · MAD, or mean and sample σ. `buf` may be overwritten.
 */
export function clipCentre(buf: Float64Array, m: number, method: 'mad' | 'sigma', state?: RobustState): { centre: number; scale: number } {
  if (method === 'mad') {
    const robust = madOf(buf, m, state);
    return { centre: robust.median, scale: MAD_TO_SIGMA * robust.mad };
  }
  const stats = meanStd(buf, m, 1);
  return { centre: stats.mean, scale: stats.std };
}

/** Clip the finite values of `row` in place to the MAD or σ bounds. */
export function winsorizeRow(row: Float64Array, method: 'mad' | 'sigma', k: number, buf: Float64Array, state?: RobustState): ClipCounts {
  const bounds = winsorBounds(row, method, k, buf, state);
  if (bounds.lo === undefined) return { count: bounds.count, low: 0, high: 0, zeroScale: true };
  const { lo, hi } = bounds;
  let low = 0;
  let high = 0;
  for (let a = 0; a < row.length; a++) {
    const v = row[a]!;
    if (v < lo) {
      row[a] = lo;
      low++;
    } else if (v > hi) {
      row[a] = hi;
      high++;
    }
  }
  return { count: bounds.count, low, high, zeroScale: false };
}

/**
 * Mean and standard deviation (`ddof`) of `buf[0 … m)`, two-pass. The std is exactly 0 when
 * all values are equal (checked with min and max, not left to rounding).
 */
export function meanStd(buf: Float64Array, m: number, ddof: number): { mean: number; std: number } {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < m; i++) {
    const v = buf[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / m;
  if (m - ddof <= 0) return { mean, std: Number.NaN };
  if (min === max) return { mean: min, std: 0 };
  let ss = 0;
  for (let i = 0; i < m; i++) {
    const d = buf[i]! - mean;
    ss += d * d;
  }
  return { mean, std: Math.sqrt(ss / (m - ddof)) };
}

/** Result of {@link zscoreRow}. */
export interface ZscoreCounts {
  readonly count: number;
  /** `ok`, or why the whole row became `NaN`. */
  readonly status: 'ok' | 'zeroDispersion' | 'noWeights';
  /** Values standardised that had no usable weight (weighted mean only). */
  readonly unweighted: number;
}

/**
 * Standardise the finite values of `row` in place: `(x − centre) / σ`, where σ is the
 * equal-weighted std (`ddof`) of the row and the centre is its plain mean, or with `weights`
 * the weighted mean over values whose weight is finite and > 0.
 */
export function zscoreRow(row: Float64Array, weights: Float64Array | undefined, ddof: number, buf: Float64Array): ZscoreCounts {
  const m = collectFinite(row, buf);
  const { mean, std } = meanStd(buf, m, ddof);
  if (m === 0) return { count: 0, status: 'ok', unweighted: 0 };
  if (!(std > 0)) {
    row.fill(Number.NaN);
    return { count: m, status: 'zeroDispersion', unweighted: 0 };
  }
  let centre = mean;
  let unweighted = 0;
  if (weights) {
    let sw = 0;
    let swx = 0;
    for (let a = 0; a < row.length; a++) {
      const v = row[a]!;
      if (v !== v) continue;
      const w = weights[a]!;
      if (w > 0 && w < Number.POSITIVE_INFINITY) {
        sw += w;
        swx += w * (v - mean);
      } else unweighted++;
    }
    if (!(sw > 0)) {
      row.fill(Number.NaN);
      return { count: m, status: 'noWeights', unweighted: 0 };
    }
    // Centred on the plain mean first, so a large common level does not cost precision.
    centre = mean + swx / sw;
  }
  const inv = 1 / std;
  for (let a = 0; a < row.length; a++) {
    const v = row[a]!;
    if (v === v) row[a] = (v - centre) * inv;
  }
  return { count: m, status: 'ok', unweighted };
}
