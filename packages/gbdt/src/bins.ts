import { lowerBound } from '@factorkit/core';

/**
 * Slots per feature in a histogram and in the binned rows: value bins `0 … b − 1` (b ≤ 255) and the
 * NaN bin `b`, which always fits a byte.
 */
export const SLOTS_PER_FEATURE = 256;

/** The bins of one feature: a value `x` falls in the first bin `k` with `x ≤ upper[k]`; NaN in bin `upper.length`. */
export interface FeatureBins {
  /** Upper bound of each value bin, ascending; the last is `+Infinity`. */
  readonly upper: Float64Array;
}

/**
 * Find each feature's bin bounds from a sample of rows: its sorted non-NaN values binned by
 * {@link binsOfSorted}. Bounds lie halfway between neighbouring distinct values.
 */
export function findBins(features: Float64Array, cols: number, sample: Int32Array, sampleSize: number, maxBins: number): FeatureBins[] {
  const values = new Float64Array(sampleSize);
  const out: FeatureBins[] = [];
  for (let f = 0; f < cols; f++) {
    let n = 0;
    for (let i = 0; i < sampleSize; i++) {
      const v = features[sample[i]! * cols + f]!;
      if (v === v) values[n++] = v;
    }
    out.push({ upper: binsOfSorted(values.subarray(0, n).sort(), maxBins) });
  }
  return out;
}

/** A bound between the distinct values `a < b` that keeps `a` below or at it and `b` above it. */
function between(a: number, b: number): number {
  const mid = a / 2 + b / 2;
  return mid >= a && mid < b ? mid : a;
}

/**
 * Upper bounds of at most `maxBins` bins of the ascending `sorted` (no NaN): one per distinct value
 * when there are at most `maxBins`; else quantile bins, with a bound between the negative values
 * and the others when there are both (zero is where standardised exposures change sign: a split
 * there should separate exactly the negative rows), the bins shared in proportion to the rows.
 */
export function binsOfSorted(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  const upper: number[] = [];
  let distinct = 0;
  for (let i = 0; i < n && distinct <= maxBins; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= maxBins) {
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) upper.push(between(sorted[i - 1]!, sorted[i]!));
  } else {
    const zero = lowerBound(sorted, 0);
    if (zero > 0 && zero < n) {
      const negative = Math.min(maxBins - 1, Math.max(1, Math.round((maxBins * zero) / n)));
      quantileBounds(sorted, 0, zero, negative, upper);
      upper.push(between(sorted[zero - 1]!, sorted[zero]!));
      quantileBounds(sorted, zero, n, maxBins - negative, upper);
    } else {
      quantileBounds(sorted, 0, n, maxBins, upper);
    }
  }
  upper.push(Number.POSITIVE_INFINITY);
  return Float64Array.from(upper);
}

/**
 * The bounds inside `sorted[from..to)` of at most `bins` bins of about equal counts: runs of equal
 * values walked once, a bin closed when it holds the remaining rows' share, and a value that alone
 * holds a share (a heap of zeros, a clipped bound) given a bin of its own. Pushes `bins − 1`
 * bounds at most (none after the last bin).
 */
function quantileBounds(sorted: Float64Array, from: number, to: number, bins: number, upper: number[]): void {
  let binsLeft = bins;
  let rowsLeft = to - from;
  let target = rowsLeft / binsLeft;
  let inBin = 0;
  for (let i = from; i < to; ) {
    const v = sorted[i]!;
    let j = i + 1;
    while (j < to && sorted[j] === v) j++;
    const run = j - i;
    if (inBin > 0 && binsLeft > 1 && run >= target) {
      upper.push(between(sorted[i - 1]!, v));
      rowsLeft -= inBin;
      target = rowsLeft / --binsLeft;
      inBin = 0;
    }
    inBin += run;
    if (j < to && binsLeft > 1 && inBin >= target) {
      upper.push(between(v, sorted[j]!));
      rowsLeft -= inBin;
      target = rowsLeft / --binsLeft;
      inBin = 0;
    }
    i = j;
  }
}

/** Bytes per binned row: `cols` rounded up to a multiple of 4, so that rows can move as 32-bit words. */
export function binStride(cols: number): number {
  return (cols + 3) & ~3;
}

/**
 * Bin every row: row-major bytes, {@link binStride} bytes a row (padding 0), value bins by
 * {@link FeatureBins.upper}, NaN to the feature's NaN bin (`upper.length`).
 */
export function binRows(features: Float64Array, rows: number, cols: number, bins: readonly FeatureBins[]): Uint8Array {
  const stride = binStride(cols);
  const out = new Uint8Array(rows * stride);
  // Every feature's bounds padded to 256 with +Infinity, side by side: the bin of a value is then
  // found in exactly 8 halving steps without a data-dependent branch (core's lowerBound branches
  // on every step, and a binary search's branches are coin flips: 25 M lookups here).
  const padded = new Float64Array(cols * SLOTS_PER_FEATURE).fill(Number.POSITIVE_INFINITY);
  const nanBins = new Int32Array(cols);
  bins.forEach((b, f) => {
    padded.set(b.upper, f * SLOTS_PER_FEATURE);
    nanBins[f] = b.upper.length;
  });
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const p = r * stride;
    for (let f = 0; f < cols; f++) {
      const v = features[o + f]!;
      const base = f * SLOTS_PER_FEATURE - 1;
      let k = 0;
      k += padded[base + k + 128]! < v ? 128 : 0;
      k += padded[base + k + 64]! < v ? 64 : 0;
      k += padded[base + k + 32]! < v ? 32 : 0;
      k += padded[base + k + 16]! < v ? 16 : 0;
      k += padded[base + k + 8]! < v ? 8 : 0;
      k += padded[base + k + 4]! < v ? 4 : 0;
      k += padded[base + k + 2]! < v ? 2 : 0;
      k += padded[base + k + 1]! < v ? 1 : 0;
      out[p + f] = v === v ? k : nanBins[f]!;
    }
  }
  return out;
}
