import { execFileSync } from 'node:child_process';
import type { TrainingSet } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { icByDate, linearScores, normalQuantile, rankNormalInPlace } from '../src/index.js';

/** Run a python3 snippet that reads JSON from stdin and prints JSON. */
function python(script: string, input: unknown): unknown {
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', timeout: 60_000 }));
}

/** A seeded uniform generator (an LCG). */
function uniform(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('normalQuantile', () => {
  it('agrees with Python’s statistics.NormalDist().inv_cdf (Wichura’s AS 241) to a relative 1.2e-9', () => {
    const next = uniform(3);
    const ps = [1e-12, 1e-8, 1e-4, 0.001, 0.02, 0.02425, 0.025, 0.1, 0.3, 0.5, 0.7, 0.975, 0.97575, 0.999, 1 - 1e-9];
    for (let i = 0; i < 200; i++) ps.push(next());
    const want = python('import json,sys\nfrom statistics import NormalDist\nprint(json.dumps([NormalDist().inv_cdf(p) for p in json.load(sys.stdin)]))', ps) as number[];
    ps.forEach((p, i) => expect(Math.abs(normalQuantile(p) - want[i]!), `p = ${p}`).toBeLessThan(1.2e-9 * Math.max(1, Math.abs(want[i]!))));
  });

  it('is odd around ½ and infinite or NaN at and beyond the ends', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.2)).toBeCloseTo(-normalQuantile(0.8), 12);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    for (const p of [-0.1, 1.1, Number.NaN]) expect(normalQuantile(p)).toBeNaN();
  });
});

describe('rankNormalInPlace', () => {
  it('gives Φ⁻¹((r − ½) / m) with average ranks for ties; missing values stay NaN', () => {
    const row = Float64Array.from([3, Number.NaN, 1, 3, Number.POSITIVE_INFINITY, 2]);
    expect(rankNormalInPlace(row)).toBe(4);
    // Finite values 3, 1, 3, 2 → ranks 3.5, 1, 3.5, 2 of m = 4.
    const want = python('import json,sys\nfrom statistics import NormalDist\nprint(json.dumps([NormalDist().inv_cdf((r - 0.5) / 4) for r in [3.5, 1, 3.5, 2]]))', null) as number[];
    expect(row[1]).toBeNaN();
    expect(row[4]).toBeNaN();
    [row[0]!, row[2]!, row[3]!, row[5]!].forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(2e-9));
    const lone = Float64Array.from([Number.NaN, 7]);
    expect(rankNormalInPlace(lone)).toBe(1);
    expect(lone[1]).toBe(0);
  });
});

describe('icByDate', () => {
  /** Three dates of 40, 1 and 30 rows; two factors, the second with missing values. */
  function makeSet(): TrainingSet {
    const next = uniform(17);
    const sizes = [40, 1, 30];
    const rows = sizes.reduce((a, b) => a + b, 0);
    const features = new Float64Array(rows * 2);
    const labels = new Float64Array(rows);
    const dateIndex = new Int32Array(rows);
    let r = 0;
    sizes.forEach((size, d) => {
      for (let i = 0; i < size; i++, r++) {
        const a = next() - 0.5;
        labels[r] = a + 0.8 * (next() - 0.5);
        features[r * 2] = Math.round(10 * a) / 10; // coarse: ties
        features[r * 2 + 1] = next() < 0.2 ? Number.NaN : -a + next();
        dateIndex[r] = d * 2 + 1; // indices 1, 3, 5: gaps allowed
      }
    });
    return { factors: ['coarse', 'patchy'], rows, features, labels, dateIndex };
  }

  it('Spearman and Pearson ICs per date agree with scipy and numpy on the same rows', () => {
    const set = makeSet();
    const spearman = icByDate(set);
    const pearson = icByDate(set, { method: 'pearson' });
    const want = python(
      [
        'import json, sys, numpy as np',
        'from scipy.stats import spearmanr',
        'd = json.load(sys.stdin)',
        'X = np.array([np.nan if v is None else v for v in d["features"]]).reshape(-1, 2)',
        'y = np.array(d["labels"]); idx = np.array(d["dateIndex"])',
        'out = {"dates": [], "spearman": [], "pearson": [], "pairs": []}',
        'for day in sorted(set(idx.tolist())):',
        '  out["dates"].append(day)',
        '  for f in range(2):',
        '    m = (idx == day) & ~np.isnan(X[:, f])',
        '    out["pairs"].append(int(m.sum()))',
        '    ok = m.sum() >= 3',
        '    out["spearman"].append(float(spearmanr(X[m, f], y[m]).statistic) if ok else None)',
        '    out["pearson"].append(float(np.corrcoef(X[m, f], y[m])[0, 1]) if ok else None)',
        'print(json.dumps(out))',
      ].join('\n'),
      { features: Array.from(set.features, (v) => (Number.isNaN(v) ? null : v)), labels: Array.from(set.labels), dateIndex: Array.from(set.dateIndex) },
    ) as { dates: number[]; spearman: (number | null)[]; pearson: (number | null)[]; pairs: number[] };
    expect(Array.from(spearman.dates)).toEqual(want.dates);
    expect(Array.from(spearman.pairs)).toEqual(want.pairs);
    let compared = 0;
    for (const [got, expected] of [
      [spearman.ic, want.spearman],
      [pearson.ic, want.pearson],
    ] as const) {
      expected.forEach((e, i) => {
        if (e === null) expect(got[i]).toBeNaN();
        else {
          expect(Math.abs(got[i]! - e), `ic[${i}]`).toBeLessThan(1e-12);
          compared++;
        }
      });
    }
    expect(compared).toBe(8); // the 1-row date has no IC
    expect(spearman.method).toBe('spearman');
    // The summary over the finite ICs of each factor: the two dates that have one.
    for (let f = 0; f < 2; f++) {
      const values = [want.spearman[f]!, want.spearman[4 + f]!];
      const mean = (values[0]! + values[1]!) / 2;
      expect(spearman.summary.count[f]).toBe(2);
      expect(spearman.summary.mean[f]).toBeCloseTo(mean, 12);
      expect(spearman.summary.std[f]).toBeCloseTo(Math.abs(values[0]! - values[1]!) / Math.SQRT2, 12);
    }
  });

  it('refuses a malformed set and bad options', () => {
    const set = makeSet();
    expect(() => icByDate({ ...set, rows: 3 })).toThrow(/training set is malformed/);
    expect(() => icByDate(set, { minPairs: 1 })).toThrow('icByDate: minPairs must be an integer ≥ 2, got `1`');
    expect(() => icByDate(set, { method: 'kendall' as never })).toThrow('icByDate: method must be `spearman` or `pearson`, got `kendall`');
  });
});

describe('linearScores', () => {
  it('sums weight × exposure over present exposures; no exposure gives NaN', () => {
    const features = Float64Array.from([1, 2, Number.NaN, 4, Number.NaN, Number.NaN]);
    const scores = linearScores(features, 3, Float64Array.from([0.5, -1]), 0.25);
    expect(Array.from(scores)).toEqual([0.25 + 0.5 - 2, 0.25 - 4, Number.NaN]);
    expect(() => linearScores(features, 2, Float64Array.from([1, 1]))).toThrow('linearScores: features have 6 values, expected 2 rows × 2 weights');
  });
});

describe('icByDate with a cache', () => {
  /** Two dates of 6 rows, two factors; `shift` moves the window by one date. */
  function set(dates: readonly string[], seed: number): TrainingSet {
    let s = seed;
    const next = () => (s = (s * 16807) % 2147483647) / 2147483647;
    const rows = dates.length * 6;
    return {
      factors: ['a', 'b'],
      rows,
      features: Float64Array.from({ length: rows * 2 }, () => next()),
      labels: Float64Array.from({ length: rows }, () => next()),
      dateIndex: Int32Array.from({ length: rows }, (_, r) => Math.floor(r / 6)),
      dates,
    };
  }

  it('gives the same ICs as without it, and reuses a date it has seen instead of recomputing it', () => {
    const first = set(['2024-01-02', '2024-01-03'], 11);
    const cache = new Map<string, unknown>();
    const plain = icByDate(first, { method: 'spearman', minPairs: 3 });
    const cached = icByDate(first, { method: 'spearman', minPairs: 3, cache });
    expect(Array.from(cached.ic)).toEqual(Array.from(plain.ic));
    expect(cache.size).toBe(2);
    // A later window holding 2024-01-03 again (same rows, by the caller's guarantee) and a new
    // date: the stored date is read back — proven by rows that would give other ICs — and only
    // the new date is computed.
    const second = set(['2024-01-03', '2024-01-04'], 99);
    const again = icByDate(second, { method: 'spearman', minPairs: 3, cache });
    expect(Array.from(again.ic.subarray(0, 2))).toEqual(Array.from(plain.ic.subarray(2, 4)));
    expect(Array.from(again.ic.subarray(2, 4))).toEqual(Array.from(icByDate(second, { method: 'spearman', minPairs: 3 }).ic.subarray(2, 4)));
    expect(cache.size).toBe(3);
  });

  it('keys by method, minPairs and factors, and ignores a set without dates', () => {
    const first = set(['2024-01-02', '2024-01-03'], 5);
    const cache = new Map<string, unknown>();
    icByDate(first, { method: 'spearman', minPairs: 3, cache });
    const pearson = icByDate(first, { method: 'pearson', minPairs: 3, cache });
    expect(Array.from(pearson.ic)).toEqual(Array.from(icByDate(first, { method: 'pearson', minPairs: 3 }).ic));
    icByDate(first, { method: 'spearman', minPairs: 4, cache });
    expect(cache.size).toBe(6);
    const { dates: _dates, ...undated } = first;
    icByDate(undated, { method: 'spearman', minPairs: 3, cache: new Map() });
    const empty = new Map<string, unknown>();
    icByDate(undated, { method: 'spearman', minPairs: 3, cache: empty });
    expect(empty.size).toBe(0);
  });
});
