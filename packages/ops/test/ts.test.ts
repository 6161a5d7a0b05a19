import { Panel } from '@factorkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alphaFromHalfLife,
  delay,
  delta,
  ewma,
  pctChange,
  rollingCompound,
  rollingCompoundBlocks,
  rollingCorr,
  rollingCov,
  rollingMax,
  rollingMean,
  rollingMin,
  rollingProduct,
  rollingRank,
  rollingResidual,
  rollingResidualStd,
  rollingSlope,
  rollingStd,
  rollingSum,
  rollingVar,
  tsPanel,
} from '../src/index.js';
import { allEqual, covariance, firstMismatch, isObs, mean, naivePairRolling, naiveRolling, ols, sum, variance, windowPairs } from './naive.js';

const RUNS = { numRuns: 300 };

/**
 * Values on a 1/8 grid (exact in binary, so ties are real ties and the reference's rounding
 * stays tiny), small integers for many ties, and missing values: NaN and ±Infinity.
 */
const value = fc.oneof(
  { weight: 2, arbitrary: fc.constant(Number.NaN) },
  { weight: 1, arbitrary: fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
  { weight: 3, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 6, arbitrary: fc.integer({ min: -800, max: 800 }).map((i) => i / 8) },
);
const series = (maxLength = 60) => fc.array(value, { maxLength }).map((a) => Float64Array.from(a));
/** A series, a window and a minObs in 1..window. */
const windowed = fc
  .tuple(series(), fc.integer({ min: 1, max: 12 }))
  .chain(([x, w]) => fc.tuple(fc.constant(x), fc.constant(w), fc.integer({ min: 1, max: w })));
const pairWindowed = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 12 }))
  .chain(([n, w]) =>
    fc.tuple(
      fc.array(value, { minLength: n, maxLength: n }).map((a) => Float64Array.from(a)),
      fc.array(value, { minLength: n, maxLength: n }).map((a) => Float64Array.from(a)),
      fc.constant(w),
      fc.integer({ min: 1, max: w }),
    ),
  );

const maxAbs = (...xs: Float64Array[]): number => Math.max(1, ...xs.flatMap((x) => Array.from(x).filter(isObs).map(Math.abs)));

function expectMatch(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, scale?: number): void {
  const problem = firstMismatch(actual, expected, tol, scale === undefined ? undefined : () => scale);
  expect(problem).toBeUndefined();
}

describe('shifts', () => {
  it('delay, delta and pctChange match the definitions', () => {
    fc.assert(
      fc.property(series(), fc.integer({ min: 0, max: 8 }), (x, k) => {
        const at = (t: number) => (t >= 0 && isObs(x[t]!) ? x[t]! : Number.NaN);
        expectMatch(delay(x, k), Array.from(x, (_, t) => at(t - k)), 0);
        expectMatch(delta(x, k), Array.from(x, (_, t) => at(t) - at(t - k)), 0);
        expectMatch(
          pctChange(x, k),
          Array.from(x, (_, t) => {
            const r = at(t) / at(t - k) - 1;
            return Number.isFinite(r) ? r : Number.NaN;
          }),
          1e-15,
        );
      }),
      RUNS,
    );
  });

  it('refuses a negative lag (it would read the future)', () => {
    expect(() => delay(new Float64Array(3), -1)).toThrow(/negative lag reads the future/);
    expect(() => delta(new Float64Array(3), 1.5)).toThrow(/FK_INVALID_ARGUMENT|integer/);
  });
});

describe('rolling moments against naive windows', () => {
  it('rollingSum and rollingMean', () => {
    fc.assert(
      fc.property(windowed, ([x, w, minObs]) => {
        const s = maxAbs(x) * w;
        expectMatch(rollingSum(x, w, { minObs }), naiveRolling(x, w, minObs, sum), 1e-12, s);
        expectMatch(rollingMean(x, w, { minObs }), naiveRolling(x, w, minObs, mean), 1e-12, maxAbs(x));
      }),
      RUNS,
    );
  });

  it('rollingVar and rollingStd for ddof 0, 1, 2', () => {
    fc.assert(
      fc.property(windowed, fc.integer({ min: 0, max: 2 }), ([x, w, minObs], ddof) => {
        const scale = maxAbs(x) ** 2;
        const expected = naiveRolling(x, w, minObs, (v) => variance(v, ddof));
        expectMatch(rollingVar(x, w, { minObs, ddof }), expected, 1e-12, scale);
        expectMatch(
          Array.from(rollingStd(x, w, { minObs, ddof }), (s) => s * s),
          expected,
          1e-12,
          scale,
        );
      }),
      RUNS,
    );
  });

  it('a constant window has variance exactly 0', () => {
    const x = Float64Array.from([0.1, 0.1, 0.1, Number.NaN, 0.1, 0.7, 0.7, 0.7]);
    const v = rollingVar(x, 3, { minObs: 2 });
    expect(Array.from(v)).toEqual([Number.NaN, 0, 0, 0, 0, v[5], v[6], 0]);
    expect(v[5]).toBeGreaterThan(0);
  });

  it('stays accurate on long series with large offsets (no drift)', () => {
    let state = 12345;
    const rand = () => {
      state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
      return state / 2 ** 32 - 0.5;
    };
    for (const offset of [0, 1e6, 1e9]) {
      const n = 20_000;
      const x = new Float64Array(n);
      // A random walk far from zero plus noise; some values missing.
      let level = offset;
      for (let t = 0; t < n; t++) {
        level += rand() * 10;
        x[t] = t % 97 === 5 ? Number.NaN : level + rand();
      }
      for (const w of [20, 250]) {
        const std = rollingStd(x, w, { minObs: 2 });
        const mean_ = rollingMean(x, w, { minObs: 2 });
        for (let t = w; t < n; t += 37) {
          const v = Array.from(x.subarray(t - w + 1, t + 1)).filter(isObs);
          const m = mean(v);
          const s = Math.sqrt(sum(v.map((a) => (a - m) ** 2)) / (v.length - 1));
          expect(Math.abs(std[t]! - s) / s).toBeLessThan(1e-7);
          expect(Math.abs(mean_[t]! - m)).toBeLessThan(1e-9 * Math.max(1, Math.abs(m)) + 1e-9);
        }
      }
    }
  });
});

describe('rolling extrema and rank', () => {
  it('rollingMin and rollingMax are exact', () => {
    fc.assert(
      fc.property(windowed, ([x, w, minObs]) => {
        expectMatch(rollingMin(x, w, { minObs }), naiveRolling(x, w, minObs, (v) => Math.min(...v)), 0);
        expectMatch(rollingMax(x, w, { minObs }), naiveRolling(x, w, minObs, (v) => Math.max(...v)), 0);
      }),
      RUNS,
    );
  });

  it('rollingRank: average ties, as a fraction or a rank', () => {
    fc.assert(
      fc.property(windowed, ([x, w, minObs]) => {
        const rankOf = (v: number[], t: number) => {
          if (!isObs(x[t]!)) return Number.NaN;
          const less = v.filter((a) => a < x[t]!).length;
          const equal = v.filter((a) => a === x[t]!).length;
          return less + (equal + 1) / 2;
        };
        expectMatch(rollingRank(x, w, { minObs, scale: 'rank' }), naiveRolling(x, w, minObs, rankOf), 1e-15);
        expectMatch(
          rollingRank(x, w, { minObs }),
          naiveRolling(x, w, minObs, (v, t) => (v.length === 1 ? (isObs(x[t]!) ? 0.5 : Number.NaN) : (rankOf(v, t) - 1) / (v.length - 1))),
          1e-15,
        );
      }),
      RUNS,
    );
  });

  it('rollingRank golden case', () => {
    const x = Float64Array.from([3, 1, 3, Number.NaN, 2]);
    // window 3 at t=2: {3, 1, 3}: the last 3 ties with the first → rank (1 + 2 + 1)/2 = 2.5.
    expect(Array.from(rollingRank(x, 3, { minObs: 1, scale: 'rank' }))).toEqual([1, 1, 2.5, Number.NaN, 1]);
    expect(Array.from(rollingRank(x, 3, { minObs: 2 }))).toEqual([Number.NaN, 0, 0.75, Number.NaN, 0]);
  });
});

describe('rolling products and compounding', () => {
  it('rollingProduct matches the plain product (zeros and negatives included)', () => {
    fc.assert(
      fc.property(windowed, ([x, w, minObs]) => {
        const y = x.map((v) => (isObs(v) ? v / 64 : v));
        expectMatch(
          rollingProduct(y, w, { minObs }),
          naiveRolling(y, w, minObs, (v) => v.reduce((p, a) => p * a, 1)),
          1e-12,
        );
      }),
      RUNS,
    );
  });

  it('rollingCompound is Π(1 + r) − 1 over the returns present', () => {
    fc.assert(
      fc.property(windowed, ([x, w, minObs]) => {
        const r = x.map((v) => (isObs(v) ? v / 512 : v)); // returns in about ±1.6, −1 included
        expectMatch(
          rollingCompound(r, w, { minObs }),
          naiveRolling(r, w, minObs, (v) => v.reduce((p, a) => p * (1 + a), 1) - 1),
          1e-12,
        );
      }),
      RUNS,
    );
    // Small returns keep full precision: (1 + 1e-10)^10 − 1 = 1e-9 + 45e-20 + … (binomial),
    // where the naive product keeps only about 7 significant digits.
    const small = new Float64Array(10).fill(1e-10);
    expect(rollingCompound(small, 10)[9]).toBeCloseTo(1.00000000045e-9, 22);
  });

  it('rollingCompoundBlocks is Π(1 + r) − 1 over the returns present', () => {
    fc.assert(
      fc.property(windowed, ([x, w, minObs]) => {
        const r = x.map((v) => (isObs(v) ? v / 512 : v));
        expectMatch(
          rollingCompoundBlocks(r, w, { minObs }),
          naiveRolling(r, w, minObs, (v) => v.reduce((p, a) => p * (1 + a), 1) - 1),
          1e-12,
        );
      }),
      RUNS,
    );
  });

  it('rollingCompoundBlocks gives exactly 0 for a window of zero returns and equal bits for equal windows', () => {
    // After non-zero returns leave the window, a running log sum keeps rounding residue
    // (rollingCompound gives about −3.5e-18 here); block products give 0.
    const r = Float64Array.from([0.0123, -0.0377, 0.0291, -0.1, 0.031, 0, 0, 0, 0, 0, 0]);
    const blocks = rollingCompoundBlocks(r, 5);
    expect(blocks[9]).toBe(0);
    expect(blocks[10]).toBe(0);
    // Two series sharing the returns of rows 18 … 26 get identical results for every window
    // inside them (block-aligned or not), whatever came before or after.
    const a = Float64Array.from({ length: 30 }, (_, t) => (t >= 18 && t <= 26 ? -0.1 + 0.013 * t : Math.sin(t) / 20));
    const b = Float64Array.from({ length: 30 }, (_, t) => (t >= 18 && t <= 26 ? a[t]! : Math.cos(3 * t) / 30));
    const ca = rollingCompoundBlocks(a, 5);
    const cb = rollingCompoundBlocks(b, 5);
    for (let t = 22; t <= 26; t++) {
      expect(ca[t]).toBe(cb[t]);
      expect(ca[t]).toBeCloseTo(Array.from(a.subarray(t - 4, t + 1)).reduce((p, v) => p * (1 + v), 1) - 1, 15);
    }
  });
});

describe('ewma', () => {
  it('matches the explicit weighted average over the observations so far', () => {
    fc.assert(
      fc.property(series(), fc.double({ min: 0.5, max: 30, noNaN: true }), fc.integer({ min: 1, max: 5 }), (x, halfLife, minObs) => {
        const alpha = alphaFromHalfLife(halfLife);
        const expected = Array.from(x, (_, t) => {
          let num = 0;
          let den = 0;
          let seen = 0;
          for (let s = 0; s <= t; s++) {
            if (!isObs(x[s]!)) continue;
            const w = (1 - alpha) ** (t - s);
            num += w * x[s]!;
            den += w;
            seen++;
          }
          return seen >= minObs ? num / den : Number.NaN;
        });
        expectMatch(ewma(x, { halfLife, minObs }), expected, 1e-10, maxAbs(x));
        expectMatch(ewma(x, { alpha, minObs }), expected, 1e-10, maxAbs(x));
      }),
      RUNS,
    );
  });

  it('halves the weight every halfLife steps', () => {
    expect((1 - alphaFromHalfLife(10)) ** 10).toBeCloseTo(0.5, 14);
    expect(() => ewma(new Float64Array(2), { alpha: 0 })).toThrow(/alpha/);
  });
});

describe('two-series windows', () => {
  it('rollingCov and rollingCorr', () => {
    fc.assert(
      fc.property(pairWindowed, fc.integer({ min: 0, max: 2 }), ([x, y, w, minObs], ddof) => {
        const scale = maxAbs(x, y) ** 2;
        expectMatch(rollingCov(x, y, w, { minObs, ddof }), naivePairRolling(x, y, w, minObs, (xs, ys) => covariance(xs, ys, ddof)), 1e-12, scale);
        expectMatch(
          rollingCorr(x, y, w, { minObs }),
          naivePairRolling(x, y, w, minObs, (xs, ys) => {
            if (xs.length < 2 || allEqual(xs) || allEqual(ys)) return Number.NaN;
            return covariance(xs, ys) / Math.sqrt(variance(xs) * variance(ys));
          }),
          1e-8,
        );
      }),
      RUNS,
    );
  });

  it('rollingSlope, rollingResidual and rollingResidualStd (y on x)', () => {
    fc.assert(
      fc.property(pairWindowed, fc.integer({ min: 1, max: 3 }), ([x, y, w, minObs], ddof) => {
        const s = maxAbs(x, y);
        const slope = naivePairRolling(x, y, w, minObs, (xs, ys) => ols(xs, ys)?.[1] ?? Number.NaN);
        const got = rollingSlope(y, x, w, { minObs });
        // The slope's error scales with |y| / spread(x); compare the fitted change over the data range instead.
        expectMatch(
          Array.from(got, (b) => b * s),
          slope.map((b) => b * s),
          1e-8,
          s * s,
        );
        expectMatch(
          rollingResidual(y, x, w, { minObs }),
          Array.from(x, (_, t) => {
            const [xs, ys] = windowPairs(x, y, t, w);
            const fit = xs.length >= minObs ? ols(xs, ys) : undefined;
            return fit && isObs(x[t]!) && isObs(y[t]!) ? y[t]! - fit[0] - fit[1] * x[t]! : Number.NaN;
          }),
          1e-8,
          s * s,
        );
        expectMatch(
          Array.from(rollingResidualStd(y, x, w, { minObs, ddof }), (v) => v * v),
          naivePairRolling(x, y, w, minObs, (xs, ys) => {
            const fit = ols(xs, ys);
            if (!fit || xs.length - ddof <= 0) return Number.NaN;
            const ssr = sum(xs.map((xi, i) => (ys[i]! - fit[0] - fit[1] * xi) ** 2));
            return ssr / (xs.length - ddof);
          }),
          1e-9,
          s * s * s * s,
        );
      }),
      RUNS,
    );
  });

  it('golden: beta and idiosyncratic volatility of y = 2x + 1 + e', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5]);
    const y = Float64Array.from([3, 5.5, 6.5, 9, 11]); // residuals of the fit: see below
    // Fit by hand: x̄ = 3, ȳ = 7, Sxy = (−2)(−4) + (−1)(−1.5) + 0 + (1)(2) + (2)(4) = 19.5, Sxx = 10.
    expect(rollingSlope(y, x, 5)[4]).toBeCloseTo(1.95, 14);
    // α = 7 − 1.95·3 = 1.15; residual at t=4: 11 − 1.15 − 9.75 = 0.1.
    expect(rollingResidual(y, x, 5)[4]).toBeCloseTo(0.1, 13);
    // Residuals: −0.1, 0.45, −0.5, 0.05, 0.1 → SSR = 0.01 + 0.2025 + 0.25 + 0.0025 + 0.01 = 0.475.
    expect(rollingResidualStd(y, x, 5)[4]).toBeCloseTo(Math.sqrt(0.475 / 3), 13);
    expect(rollingCorr(x, y, 5)[4]).toBeCloseTo(19.5 / Math.sqrt(10 * 38.5), 13);
  });
});

describe('output arrays and panels', () => {
  it('writes into `out` (a panel column), also in place', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const panel = new Panel(6, 2);
    rollingMean(x, 2, {}, panel.column(1));
    expect(panel.toRows().map((r) => r[1])).toEqual([Number.NaN, 1.5, 2.5, 3.5, 4.5, 5.5]);
    const y = x.slice();
    rollingSum(y, 3, { minObs: 1 }, y);
    expect(Array.from(y)).toEqual([1, 3, 6, 9, 12, 15]);
    const z = x.slice();
    delay(z, 2, z);
    expect(Array.from(z)).toEqual([Number.NaN, Number.NaN, 1, 2, 3, 4]);
  });

  it('checks its arguments', () => {
    const x = new Float64Array(4);
    expect(() => rollingMean(x, 0)).toThrow(/window must be an integer ≥ 1/);
    expect(() => rollingMean(x, 3, { minObs: 4 })).toThrow(/minObs must be an integer in 1..3/);
    expect(() => rollingMean(x, 2, {}, new Float64Array(3))).toThrow(/out must be a Float64Array of length 4/);
    expect(() => rollingCorr(x, new Float64Array(3), 2)).toThrow(/differ in length/);
  });

  it('tsPanel applies a series op per column, and broadcasts a single series', () => {
    const ret = Panel.fromRows([
      [0.01, 0.02],
      [0.02, Number.NaN],
      [-0.01, 0.03],
      [0.03, 0.01],
    ]);
    const mean2 = tsPanel.rollingMean(ret, 2, { minObs: 1 });
    expect(mean2.get(1, 1)).toBe(0.02);
    expect(mean2.get(3, 0)).toBeCloseTo(0.01, 15);
    const market = Float64Array.from([0.01, 0.015, 0.0, 0.02]);
    const beta = tsPanel.rollingSlope(ret, market, 4, { minObs: 3 });
    for (let a = 0; a < 2; a++) {
      expect(beta.get(3, a)).toBeCloseTo(rollingSlope(ret.column(a).slice(), market, 4, { minObs: 3 })[3]!, 15);
    }
    expect(() => tsPanel.rollingCorr(ret, new Float64Array(3), 2)).toThrow(/one per date/);
  });
});
