import { Panel } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { correlation, rank, rankInPlace, ranksInOrder, sortOrder } from '../src/index.js';
import { averageRank, covariance, isObs, variance } from './naive.js';

/** A seeded row with missing and infinite values and runs of ties. */
function row(n: number, seed: number, levels = 0): Float64Array {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    const u = next();
    const v = 1000 + 50 * next();
    out[a] = u < 0.08 ? Number.NaN : u > 0.97 ? Number.NEGATIVE_INFINITY : levels > 0 ? Math.floor(next() * levels) : v;
  }
  return out;
}

describe('correlation', () => {
  it('is Pearson over the pairs finite in both (sqrt(3/5) by hand)', () => {
    // x̄ = 3, ȳ = 4: Σdxdy = 6, Σdx² = 10, Σdy² = 6 → 6 / √60.
    expect(correlation([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(Math.sqrt(0.6), 15);
    // The pairs with a missing or infinite side are left out, not zero-filled.
    expect(correlation([1, 2, Number.NaN, 3, 4, 5, 9], [2, 4, 1, 5, 4, 5, Number.POSITIVE_INFINITY])).toBeCloseTo(Math.sqrt(0.6), 15);
  });

  it('agrees with the naive covariance / σσ on seeded rows', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const x = row(200, seed);
      const y = row(200, seed + 100);
      const xs: number[] = [];
      const ys: number[] = [];
      for (let a = 0; a < 200; a++) {
        if (isObs(x[a]!) && isObs(y[a]!)) {
          xs.push(x[a]!);
          ys.push(y[a]!);
        }
      }
      const want = covariance(xs, ys) / Math.sqrt(variance(xs) * variance(ys));
      expect(correlation(x, y)).toBeCloseTo(want, 12);
    }
  });

  it('is NaN with fewer than 2 pairs or a constant side, exactly ±1 at the extremes', () => {
    expect(correlation([1], [2])).toBeNaN();
    expect(correlation([1, Number.NaN], [Number.NaN, 2])).toBeNaN();
    // 0.1 three times: the mean is not exactly 0.1 in floating point, the answer is still NaN.
    expect(correlation([0.1, 0.1, 0.1], [1, 2, 3])).toBeNaN();
    expect(correlation([1, 2, 3], [5, 5, 5])).toBeNaN();
    expect(correlation([1, 2, 3], [10, 20, 30])).toBe(1);
    expect(correlation([1, 2, 3], [3, 2, 1])).toBe(-1);
  });
});

describe('rankInPlace', () => {
  it('gives average-tie ranks of the finite values and NaN elsewhere, in place', () => {
    const x = Float64Array.from([3, Number.NaN, 1, 3, Number.POSITIVE_INFINITY, 2, 3]);
    expect(rankInPlace(x)).toBe(5);
    expect(Array.from(x)).toEqual([4, Number.NaN, 1, 4, Number.NaN, 2, 4]);
  });

  it('agrees with the naive rank on seeded rows with many ties, reusing its scratch', () => {
    const scratch = new Float64Array(300);
    const index = new Int32Array(300);
    for (let seed = 1; seed <= 20; seed++) {
      const x = row(300, seed, seed % 2 === 0 ? 4 : 0);
      const finite = Array.from(x).filter(isObs);
      const want = Array.from(x, (v) => (isObs(v) ? averageRank(v, finite) : Number.NaN));
      expect(rankInPlace(x, { scratch, index })).toBe(finite.length);
      expect(Array.from(x)).toEqual(want);
    }
  });

  it('with correlation, is Spearman (29/38 by hand for tied data)', () => {
    // ranks x: 1, 2.5, 2.5, 4, 5; y: 1, 4, 2.5, 2.5, 5.
    const x = Float64Array.from([1, 2, 2, 3, 7]);
    const y = Float64Array.from([1, 3, 2, 2, 9]);
    rankInPlace(x);
    rankInPlace(y);
    expect(correlation(x, y)).toBeCloseTo(29 / 38, 15);
  });

  it('matches the panel rank on every date', () => {
    const p = new Panel(3, 50);
    for (let t = 0; t < 3; t++) p.setRow(t, row(50, t + 7, t === 1 ? 3 : 0));
    const ranked = rank(p);
    for (let t = 0; t < 3; t++) {
      const r = p.row(t);
      rankInPlace(r);
      expect(Array.from(r)).toEqual(Array.from(ranked.row(t)));
    }
  });
});

describe('sortOrder + ranksInOrder', () => {
  it('sorts the finite values by index', () => {
    const order = new Int32Array(6);
    expect(sortOrder(Float64Array.from([3, Number.NaN, -1, Number.POSITIVE_INFINITY, 2, -1]), order)).toBe(4);
    expect(Array.from(order.subarray(0, 2)).sort()).toEqual([2, 5]);
    expect(Array.from(order.subarray(2, 4))).toEqual([4, 0]);
  });

  it('ranks any subset like the naive rank of that subset alone, ties averaged', () => {
    const order = new Int32Array(300);
    const out = new Float64Array(300);
    for (let seed = 1; seed <= 30; seed++) {
      const x = row(300, seed, seed % 3 === 0 ? 5 : 0);
      const m = sortOrder(x, order);
      const keep = Uint8Array.from(row(300, seed + 50), (v) => (Number.isNaN(v) || v < 1010 ? 0 : 1));
      for (const mask of [keep, undefined]) {
        const subset = Array.from(x).filter((v, a) => isObs(v) && (mask === undefined || mask[a] === 1));
        const want = Array.from(x, (v, a) => (isObs(v) && (mask === undefined || mask[a] === 1) ? averageRank(v, subset) : Number.NaN));
        expect(ranksInOrder(x, order, m, mask, out)).toBe(subset.length);
        expect(Array.from(out)).toEqual(want);
      }
    }
  });
});
