import { Panel } from '@factorkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combineZscores, winsorizeMad } from '../src/index.js';
import { RobustState, madOf } from '../src/cs/kernels.js';
import { kthSmallest, medianOf, selected } from '../src/internal/select.js';
import { mean, median, variance } from './naive.js';

/** Rows long enough (≥ 2,048 values) for the bracketing paths, with ties and outliers. */
const longRow = fc
  .record({
    m: fc.integer({ min: 2048, max: 6000 }),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    kind: fc.constantFrom('uniform', 'ties', 'skewed', 'sorted', 'constant'),
  })
  .map(({ m, seed, kind }) => {
    let s = seed;
    const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const a = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const u = next();
      a[i] =
        kind === 'uniform' ? u : kind === 'ties' ? Math.floor(u * 7) : kind === 'skewed' ? (u > 0.98 ? 1e9 * u : Math.exp(6 * u)) : kind === 'sorted' ? i : 3;
    }
    return a;
  });

const sorted = (a: Float64Array): Float64Array => Float64Array.from(a).sort();

describe('kthSmallest', () => {
  it('equals sorting, whatever the guess (none, right, wrong, empty, inverted)', () => {
    fc.assert(
      fc.property(longRow, fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('none', 'tight', 'wide', 'below', 'above', 'inverted'), (row, q, guessKind) => {
        const ref = sorted(row);
        const m = row.length;
        const k = Math.min(m - 1, Math.floor(q * m));
        const want = ref[k]!;
        const guess =
          guessKind === 'none'
            ? undefined
            : guessKind === 'tight'
              ? { lo: want, hi: want }
              : guessKind === 'wide'
                ? { lo: ref[0]!, hi: ref[m - 1]! }
                : guessKind === 'below'
                  ? { lo: ref[0]! - 2, hi: ref[0]! - 1 }
                  : guessKind === 'above'
                    ? { lo: ref[m - 1]! + 1, hi: ref[m - 1]! + 2 }
                    : { lo: want + 1, hi: want - 1 };
        const a = Float64Array.from(row);
        expect(kthSmallest(a, m, k, guess)).toBe(want);
        // The values are rearranged, never lost.
        expect(sorted(a)).toEqual(ref);
        if (k > 0) {
          const b = Float64Array.from(row);
          expect(kthSmallest(b, m, k, guess, true)).toBe(want);
          expect(selected.lower).toBe(ref[k - 1]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('medianOf: the middle value, or the mean of the two middle values', () => {
    fc.assert(
      fc.property(longRow, fc.boolean(), (row, guessed) => {
        const want = median([...row]);
        const guess = guessed ? { lo: want - 0.01, hi: want + 0.01 } : undefined;
        expect(medianOf(Float64Array.from(row), row.length, guess)).toBe(want);
      }),
      { numRuns: 100 },
    );
  });

  it('madOf with a state carried over dates equals the sorting-based median and MAD on each date', () => {
    const state = new RobustState();
    let s = 7;
    const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let t = 0; t < 40; t++) {
      // A drifting cross-section, with one date that jumps far away and back.
      const shift = t === 20 ? 1e6 : t * 0.01;
      const row = Float64Array.from({ length: 3000 + t }, () => shift + Math.log(next() + 1e-9));
      const med = median([...row]);
      const mad = median([...row].map((v) => Math.abs(v - med)));
      expect(madOf(Float64Array.from(row), row.length, state)).toEqual({ median: med, mad });
      expect(state).toMatchObject({ median: med, mad });
    }
  });
});

describe('long cross-sections', () => {
  /** 3,000 assets × 30 dates: every date goes through the bracketing selection. */
  function wide(seed: number): Panel {
    let s = seed;
    const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const p = new Panel(30, 3000);
    for (let t = 0; t < p.dates; t++) {
      for (let a = 0; a < p.assets; a++) {
        const u = next();
        p.set(t, a, u < 0.05 ? Number.NaN : u > 0.995 ? 1e5 * next() : t + Math.exp(3 * next()));
      }
    }
    return p;
  }

  it('winsorizeMad clips at the sorting-based median ± k · 1.4826 · MAD', () => {
    const x = wide(11);
    const got = winsorizeMad(x, { k: 3 }).values;
    for (let t = 0; t < x.dates; t++) {
      const values = Array.from(x.row(t)).filter(Number.isFinite);
      const med = median(values);
      const s = 1.4826 * median(values.map((v) => Math.abs(v - med)));
      for (let a = 0; a < x.assets; a++) {
        const v = x.get(t, a);
        if (Number.isFinite(v)) expect(got.get(t, a)).toBe(Math.min(Math.max(v, med - 3 * s), med + 3 * s));
        else expect(got.get(t, a)).toBeNaN();
      }
    }
  });

  it('combineZscores equals clip → z-score → weighted mean computed naively', () => {
    const ds = [wide(1), wide(2)];
    const got = combineZscores(ds, [0.7, 0.3], { winsorize: { method: 'mad', k: 4 } });
    for (let t = 0; t < got.dates; t++) {
      const z = ds.map((d) => {
        const values = Array.from(d.row(t)).filter(Number.isFinite);
        const med = median(values);
        const s = 1.4826 * median(values.map((v) => Math.abs(v - med)));
        const clipped = values.map((v) => Math.min(Math.max(v, med - 4 * s), med + 4 * s));
        const mu = mean(clipped);
        const sd = Math.sqrt(variance(clipped));
        return (a: number) => (Number.isFinite(d.get(t, a)) ? (Math.min(Math.max(d.get(t, a), med - 4 * s), med + 4 * s) - mu) / sd : Number.NaN);
      });
      for (let a = 0; a < got.assets; a++) {
        const z0 = z[0]!(a);
        const z1 = z[1]!(a);
        const want = Number.isNaN(z0) && Number.isNaN(z1) ? Number.NaN : Number.isNaN(z0) ? z1 : Number.isNaN(z1) ? z0 : 0.7 * z0 + 0.3 * z1;
        if (Number.isNaN(want)) expect(got.get(t, a)).toBeNaN();
        else expect(Math.abs(got.get(t, a) - want)).toBeLessThan(1e-11);
      }
    }
  });
});
