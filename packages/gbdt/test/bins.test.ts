import { describe, expect, it } from 'vitest';
import { binRows, binStride, binsOfSorted } from '../src/bins.js';
import { normal, rng } from './helpers.js';

/** The bin of `v` by a linear scan: the first bound ≥ v; NaN → the bin after the last. */
function linearBin(upper: Float64Array, v: number): number {
  if (Number.isNaN(v)) return upper.length;
  for (let k = 0; k < upper.length; k++) if (v <= upper[k]!) return k;
  throw new Error('no bin');
}

describe('bin bounds', () => {
  it('one bin per distinct value when there are at most maxBins, bounds halfway', () => {
    expect(Array.from(binsOfSorted(Float64Array.of(1, 1, 2, 4, 4, 4), 255))).toEqual([1.5, 3, Infinity]);
    expect(Array.from(binsOfSorted(Float64Array.of(7, 7), 255))).toEqual([Infinity]);
    expect(Array.from(binsOfSorted(new Float64Array(0), 255))).toEqual([Infinity]);
  });

  it('quantile bins of about equal counts when there are more distinct values', () => {
    const gauss = normal(rng(1));
    const values = Float64Array.from({ length: 20000 }, gauss).sort();
    const upper = binsOfSorted(values, 255);
    expect(upper.length).toBe(255);
    const counts = new Array<number>(255).fill(0);
    for (const v of values) counts[linearBin(upper, v)]!++;
    // Greedy bins close at the share of the rows left: every bin holds 78–80 values here.
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(78);
    expect(Math.max(...counts)).toBeLessThanOrEqual(80);
  });

  it('puts a bound between the negative values and the others, the bins shared by row counts', () => {
    // 30 % negative values: round(0.3 × 255) = 77 of the 255 bins hold them, the last of those
    // ending halfway between the largest negative value (−1/7) and 0.
    const values = Float64Array.from({ length: 10000 }, (_, i) => (i < 3000 ? -(i + 1) / 7 : (i - 3000) / 3)).sort();
    const upper = binsOfSorted(values, 255);
    expect(upper.length).toBe(255);
    const negative = upper.filter((u) => u < 0).length;
    expect(negative).toBe(77);
    const zero = linearBin(upper, 0);
    expect(linearBin(upper, -1 / 7)).toBe(zero - 1);
    expect(upper[zero - 1]).toBe(-1 / 14);
  });

  it('gives a heavy value a bin of its own', () => {
    // 10,000 zeros among 10,000 distinct values: zero must not share a bin with its neighbours.
    const values = Float64Array.from({ length: 20000 }, (_, i) => (i < 10000 ? 0 : i - 15000)).sort();
    const upper = binsOfSorted(values, 32);
    expect(upper.length).toBeLessThanOrEqual(32);
    const zero = linearBin(upper, 0);
    expect(linearBin(upper, -1)).toBe(zero - 1);
    expect(linearBin(upper, 1)).toBe(zero + 1);
  });

  it('keeps neighbouring floats apart (the bound is the lower one when no number lies between)', () => {
    const a = 1;
    const b = 1 + Number.EPSILON;
    const upper = binsOfSorted(Float64Array.of(a, b), 255);
    expect(linearBin(upper, a)).toBe(0);
    expect(linearBin(upper, b)).toBe(1);
  });
});

describe('binning rows', () => {
  it('agrees with a linear scan for every value, NaN and ±Infinity included, in rows of binStride bytes', () => {
    const rand = rng(2);
    const cols = 5;
    const rows = 3000;
    const features = Float64Array.from({ length: rows * cols }, () => {
      const u = rand();
      if (u < 0.05) return Number.NaN;
      if (u < 0.06) return u < 0.055 ? Infinity : -Infinity;
      return Math.round(u * 1000) / 10;
    });
    const bins = Array.from({ length: cols }, (_, f) => {
      const column = Float64Array.from({ length: rows }, (_, r) => features[r * cols + f]!).filter((v) => !Number.isNaN(v)).sort();
      return { upper: binsOfSorted(column, f === 0 ? 255 : 17) };
    });
    const out = binRows(features, rows, cols, bins);
    expect(binStride(cols)).toBe(8);
    expect(out.length).toBe(rows * 8);
    for (let r = 0; r < rows; r++) {
      for (let f = 0; f < cols; f++) expect(out[r * 8 + f]).toBe(linearBin(bins[f]!.upper, features[r * cols + f]!));
      for (let f = cols; f < 8; f++) expect(out[r * 8 + f]).toBe(0);
    }
  });
});
