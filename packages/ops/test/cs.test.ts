import { type CategoricalPanel, Panel } from '@factorkit/core';
import fc from 'fast-check';
import { Matrix, SingularValueDecomposition, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  type Mask,
  groupDemean,
  groupPercentile,
  groupRank,
  groupZscore,
  logSize,
  ratioToPositive,
  maskAnd,
  maskFromPanel,
  neutralize,
  percentile,
  rank,
  winsorizeMad,
  winsorizeSigma,
  zscore,
} from '../src/index.js';
import { averageRank, close, code, crossSection, isObs, mean, median, variance } from './naive.js';

const RUNS = { numRuns: 200 };

const cell = fc.oneof(
  { weight: 1, arbitrary: fc.constant(Number.NaN) },
  { weight: 1, arbitrary: fc.constant(Number.POSITIVE_INFINITY) },
  { weight: 3, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 6, arbitrary: fc.integer({ min: -800, max: 800 }).map((i) => i / 8) },
);

interface Case {
  x: Panel;
  mask: Mask | undefined;
  maskRows: Uint8Array[];
  groups: CategoricalPanel;
  weights: Panel;
}

/** A small panel with a random mask, industry codes (−1 = none) and weights. */
const panelCase = fc
  .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 14 }), fc.integer({ min: 1, max: 4 }), fc.boolean())
  .chain(([dates, assets, levels, masked]) =>
    fc.record({
      values: fc.array(cell, { minLength: dates * assets, maxLength: dates * assets }),
      mask: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: dates * assets, maxLength: dates * assets }),
      codes: fc.array(fc.integer({ min: -1, max: levels - 1 }), { minLength: dates * assets, maxLength: dates * assets }),
      weights: fc.array(fc.oneof(fc.constant(Number.NaN), fc.constant(0), fc.integer({ min: 1, max: 100 })), { minLength: dates * assets, maxLength: dates * assets }),
    }).map((r): Case => {
      const maskRows = Array.from({ length: dates }, (_, t) => Uint8Array.from({ length: assets }, (_, a) => (r.mask[a * dates + t]! > 0 ? 1 : 0)));
      return {
        x: new Panel(dates, assets, Float64Array.from(r.values)),
        mask: masked ? (t: number) => maskRows[t]! : undefined,
        maskRows: masked ? maskRows : Array.from({ length: dates }, () => new Uint8Array(assets).fill(1)),
        groups: { dates, assets, codes: Int32Array.from(r.codes), levels: Array.from({ length: levels }, (_, i) => `L${i}`) },
        weights: new Panel(dates, assets, Float64Array.from(r.weights)),
      };
    }),
  );

/** Check `out` cell by cell: `expected(t, a)` for eligible finite cells, NaN elsewhere. */
function expectCells(c: Case, out: Panel, expected: (t: number, a: number, values: number[], assets: number[]) => number, tol = 1e-12): void {
  for (let t = 0; t < c.x.dates; t++) {
    const { assets, values } = crossSection(c.x, t, (s) => c.maskRows[s]!);
    for (let a = 0; a < c.x.assets; a++) {
      const e = assets.includes(a) ? expected(t, a, values, assets) : Number.NaN;
      const got = out.get(t, a);
      if (!close(got, e, tol)) expect.fail(`date ${t}, asset ${a}: got ${got}, expected ${e}`);
    }
  }
}

describe('rank and percentile', () => {
  it('average-tie ranks among eligible finite values', () => {
    fc.assert(
      fc.property(panelCase, (c) => {
        expectCells(c, rank(c.x, c.mask ? { mask: c.mask } : {}), (t, a, values) => averageRank(c.x.get(t, a), values));
        expectCells(c, percentile(c.x, c.mask ? { mask: c.mask } : {}), (t, a, values) =>
          values.length === 1 ? 0.5 : (averageRank(c.x.get(t, a), values) - 1) / (values.length - 1),
        );
      }),
      RUNS,
    );
  });

  it('golden: ties share the average rank', () => {
    const x = Panel.fromRows([[3, 1, 3, null, 2]]);
    expect(rank(x).toRows()[0]).toEqual([3.5, 1, 3.5, Number.NaN, 2]);
    const p = percentile(x).toRows()[0]!;
    expect(p[0]).toBeCloseTo(2.5 / 3, 15);
    expect(p.slice(1)).toEqual([0, p[0], Number.NaN, 1 / 3]);
    // Masked out: asset 0 no longer counts.
    expect(rank(x, { mask: () => Uint8Array.from([0, 1, 1, 1, 1]) }).toRows()[0]).toEqual([Number.NaN, 1, 3, Number.NaN, 2]);
  });
});

describe('zscore', () => {
  it('plain and weighted centre, equal-weighted sample std', () => {
    fc.assert(
      fc.property(panelCase, (c) => {
        const expectedZ = (weighted: boolean) => (t: number, a: number, values: number[], assets: number[]) => {
          if (values.length < 2 || values.every((v) => v === values[0])) return Number.NaN;
          let centre = mean(values);
          if (weighted) {
            let sw = 0;
            let swx = 0;
            assets.forEach((b, i) => {
              const w = c.weights.get(t, b);
              if (w > 0) {
                sw += w;
                swx += w * values[i]!;
              }
            });
            if (sw === 0) return Number.NaN;
            centre = swx / sw;
          }
          return (c.x.get(t, a) - centre) / Math.sqrt(variance(values));
        };
        expectCells(c, zscore(c.x, c.mask ? { mask: c.mask } : {}), expectedZ(false), 1e-9);
        expectCells(c, zscore(c.x, { ...(c.mask ? { mask: c.mask } : {}), weights: c.weights }), expectedZ(true), 1e-9);
      }),
      RUNS,
    );
  });

  it('golden: cap-weighted mean 0, equal-weighted std 1', () => {
    const x = Panel.fromRows([[1, 2, 3, 6]]);
    const cap = Panel.fromRows([[1, 1, 1, 5]]);
    const z = zscore(x, { weights: cap }).toRows()[0]!;
    // Plain mean 3, deviations −2, −1, 0, 3 → σ = √(14/3); weighted mean (1+2+3+30)/8 = 4.5.
    const sigma = Math.sqrt(14 / 3);
    [1, 2, 3, 6].forEach((v, i) => expect(z[i]).toBeCloseTo((v - 4.5) / sigma, 14));
    expect(1 * z[0]! + z[1]! + z[2]! + 5 * z[3]!).toBeCloseTo(0, 14);
    // A constant cross-section has no z-score.
    expect(zscore(Panel.fromRows([[0.1, 0.1, 0.1]])).toRows()[0]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });
});

describe('winsorising', () => {
  it('MAD and sigma bands against sorting-based references', () => {
    fc.assert(
      fc.property(panelCase, fc.constantFrom(1, 2, 3, 5), (c, k) => {
        const opts = c.mask ? { mask: c.mask, k } : { k };
        const mad = winsorizeMad(c.x, opts);
        let clipped = 0;
        expectCells(
          c,
          mad.values,
          (t, a, values) => {
            const med = median(values);
            const s = 1.4826 * median(values.map((v) => Math.abs(v - med)));
            const v = c.x.get(t, a);
            if (values.length < 2 || s === 0) return v;
            const out = Math.min(Math.max(v, med - k * s), med + k * s);
            if (out !== v) clipped++;
            return out;
          },
          1e-12,
        );
        expect(mad.report.clippedLow + mad.report.clippedHigh).toBe(clipped);
        expect(mad.report.changed).toBe(clipped);
        const sig = winsorizeSigma(c.x, opts);
        expectCells(
          c,
          sig.values,
          (t, a, values) => {
            const m = mean(values);
            const s = Math.sqrt(variance(values));
            const v = c.x.get(t, a);
            if (values.length < 2 || !(s > 0)) return v;
            return Math.min(Math.max(v, m - k * s), m + k * s);
          },
          1e-9,
        );
      }),
      RUNS,
    );
  });

  it('golden: by hand', () => {
    const x = Panel.fromRows([[1, 2, 3, 4, 100]]);
    // median 3, |x − 3| = 2, 1, 0, 1, 97 → MAD 1 → bounds 3 ± 3 · 1.4826.
    const mad = winsorizeMad(x, { k: 3 });
    expect(mad.values.toRows()[0]).toEqual([1, 2, 3, 4, 3 + 3 * 1.4826]);
    expect(mad.report).toMatchObject({ stage: 'winsorize', method: 'mad', k: 3, input: 5, changed: 1, clippedLow: 0, clippedHigh: 1, output: 5, zeroScaleDates: 0 });
    // mean 22, deviations −21, −20, −19, −18, 78 → σ = √(7610 / 4).
    const sig = winsorizeSigma(x, { k: 1 });
    const s = Math.sqrt(7610 / 4);
    expect(sig.values.toRows()[0]![4]).toBeCloseTo(22 + s, 12);
    expect(sig.values.toRows()[0]![0]).toBe(1);
    // More than half the values equal: MAD 0, the date is left alone and reported.
    const flat = winsorizeMad(Panel.fromRows([[0, 0, 0, 5, -9]]), { perDate: true });
    expect(flat.values.toRows()[0]).toEqual([0, 0, 0, 5, -9]);
    expect(flat.report.zeroScaleDates).toBe(1);
    expect(Array.from(flat.report.perDate!.input)).toEqual([5]);
  });
});

describe('group-wise operators', () => {
  it('demean, zscore, rank and percentile within industries', () => {
    fc.assert(
      fc.property(panelCase, (c) => {
        const opts = c.mask ? { mask: c.mask } : {};
        const members = (t: number, a: number, values: number[], assets: number[]) => {
          const g = code(c.groups, t, a);
          return g < 0 ? undefined : values.filter((_, i) => code(c.groups, t, assets[i]!) === g);
        };
        expectCells(c, groupDemean(c.x, c.groups, opts), (t, a, values, assets) => {
          const m = members(t, a, values, assets);
          return m ? c.x.get(t, a) - (m.every((v) => v === m[0]) ? m[0]! : mean(m)) : Number.NaN;
        });
        expectCells(
          c,
          groupZscore(c.x, c.groups, opts),
          (t, a, values, assets) => {
            const m = members(t, a, values, assets);
            if (!m || m.length < 2 || m.every((v) => v === m[0])) return Number.NaN;
            return (c.x.get(t, a) - mean(m)) / Math.sqrt(variance(m));
          },
          1e-9,
        );
        expectCells(c, groupRank(c.x, c.groups, opts), (t, a, values, assets) => {
          const m = members(t, a, values, assets);
          return m ? averageRank(c.x.get(t, a), m) : Number.NaN;
        });
        expectCells(c, groupPercentile(c.x, c.groups, opts), (t, a, values, assets) => {
          const m = members(t, a, values, assets);
          if (!m) return Number.NaN;
          return m.length === 1 ? 0.5 : (averageRank(c.x.get(t, a), m) - 1) / (m.length - 1);
        });
      }),
      RUNS,
    );
  });

  it('rejects codes outside the levels', () => {
    const x = Panel.fromRows([[1, 2]]);
    expect(() => groupDemean(x, { dates: 1, assets: 2, codes: Int32Array.from([0, 2]), levels: ['a', 'b'] })).toThrow(/code `2` at date 0, asset 1/);
  });
});

/**
 * The explicit regression: the dense design [industry dummies | size | extras] of the eligible
 * complete rows, solved by ml-matrix's QR least squares. Returns the residuals by asset, or
 * `'degenerate'` when the design is not of full rank or leaves no degrees of freedom.
 */
function denseResiduals(
  y: Panel,
  t: number,
  eligible: (a: number) => boolean,
  industry: CategoricalPanel | undefined,
  regressors: readonly Panel[],
): Map<number, number> | 'degenerate' {
  const rows: number[] = [];
  for (let a = 0; a < y.assets; a++) {
    if (!eligible(a) || !isObs(y.get(t, a))) continue;
    if (industry && code(industry, t, a) < 0) continue;
    if (regressors.some((r) => !isObs(r.get(t, a)))) continue;
    rows.push(a);
  }
  const groups = industry ? [...new Set(rows.map((a) => code(industry, t, a)))] : [0];
  const k = groups.length + regressors.length;
  if (rows.length <= k) return 'degenerate';
  const X = new Matrix(rows.length, k);
  const Y = new Matrix(rows.length, 1);
  rows.forEach((a, i) => {
    X.set(i, groups.indexOf(industry ? code(industry, t, a) : 0), 1);
    regressors.forEach((r, j) => X.set(i, groups.length + j, r.get(t, a)));
    Y.set(i, 0, y.get(t, a));
  });
  // Near-collinear designs (a regressor constant within industries) have no unique solution:
  // neutralize drops such a regressor, and the dense reference is not compared there.
  const sv = new SingularValueDecomposition(X).diagonal;
  if (Math.min(...sv) <= 1e-8 * Math.max(...sv)) return 'degenerate';
  const beta = solve(X, Y);
  const fitted = X.mmul(beta);
  return new Map(rows.map((a, i) => [a, y.get(t, a) - fitted.get(i, 0)]));
}

function expectNeutralized(y: Panel, out: Panel, mask: Mask | undefined, industry: CategoricalPanel | undefined, regressors: readonly Panel[]): number {
  let checked = 0;
  for (let t = 0; t < y.dates; t++) {
    const m = mask?.(t);
    const expected = denseResiduals(y, t, (a) => m === undefined || m[a] !== 0, industry, regressors);
    if (expected === 'degenerate') continue;
    const scale = Math.max(1, ...[...expected.keys()].map((a) => Math.abs(y.get(t, a))));
    for (let a = 0; a < y.assets; a++) {
      const e: number = expected.get(a) ?? Number.NaN;
      if (!close(out.get(t, a), e, 1e-8, scale)) expect.fail(`date ${t}, asset ${a}: got ${out.get(t, a)}, expected ${e}`);
    }
    checked++;
  }
  return checked;
}

describe('neutralize', () => {
  it('equals the explicit least squares on industry dummies + size + extra (ml-matrix QR)', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        panelCase,
        fc.array(fc.integer({ min: 18_000, max: 26_000 }).map((i) => i / 1000), { minLength: 70, maxLength: 70 }),
        fc.array(fc.integer({ min: -2000, max: 2000 }).map((i) => i / 1000), { minLength: 70, maxLength: 70 }),
        fc.constantFrom('industry', 'size', 'both', 'all'),
        (c, sizes, extras, mode) => {
          const n = c.x.dates * c.x.assets;
          const size = new Panel(c.x.dates, c.x.assets, Float64Array.from({ length: n }, (_, i) => (i % 11 === 3 ? Number.NaN : sizes[i % 70]!)));
          const extra = new Panel(c.x.dates, c.x.assets, Float64Array.from({ length: n }, (_, i) => extras[(i * 7) % 70]!));
          const industry = mode === 'size' ? undefined : c.groups;
          const regressors = mode === 'industry' ? [] : mode === 'all' ? [size, extra] : [size];
          const { values, report } = neutralize(c.x, {
            ...(c.mask ? { mask: c.mask } : {}),
            ...(industry ? { industry } : {}),
            ...(mode === 'industry' ? {} : { size }),
            ...(mode === 'all' ? { extra: [extra] } : {}),
          });
          checked += expectNeutralized(c.x, values, c.mask, industry, regressors);
          expect(report.input - Object.values(report.dropped).reduce((s, v) => s + v, 0)).toBe(report.output);
        },
      ),
      RUNS,
    );
    expect(checked).toBeGreaterThan(50);
  });

  it('golden: industry, then industry + size, by hand', () => {
    // Industry A: assets 0–2, B: assets 3–4.
    const y = Panel.fromRows([[1, 2, 6, 3, 5]]);
    const size = Panel.fromRows([[0, 1, 2, 0, 2]]);
    const industry: CategoricalPanel = { dates: 1, assets: 5, codes: Int32Array.from([0, 0, 0, 1, 1]), levels: ['A', 'B'] };
    expect(neutralize(y, { industry }).values.toRows()[0]).toEqual([-2, -1, 3, -1, 1]);
    // Within industries: ỹ = −2, −1, 3 | −1, 1 and x̃ = −1, 0, 1 | −1, 1 → β = 7 / 4.
    const both = neutralize(y, { industry, size }).values.toRows()[0]!;
    [-0.25, -1, 1.25, 0.75, -0.75].forEach((e, i) => expect(both[i]).toBeCloseTo(e, 14));
  });

  it('a large case against the dense solve, with masks and gaps', () => {
    const dates = 4;
    const assets = 160;
    let state = 7;
    const rand = () => {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      return state / 2 ** 32;
    };
    const y = new Panel(dates, assets, Float64Array.from({ length: dates * assets }, () => (rand() < 0.05 ? Number.NaN : rand() * 4 - 2)));
    const cap = new Panel(dates, assets, Float64Array.from({ length: dates * assets }, () => (rand() < 0.03 ? Number.NaN : Math.exp(20 + 4 * rand()))));
    const beta = new Panel(dates, assets, Float64Array.from({ length: dates * assets }, () => rand() * 2));
    const industry: CategoricalPanel = {
      dates,
      assets,
      codes: Int32Array.from({ length: dates * assets }, () => (rand() < 0.02 ? -1 : Math.floor(rand() * 12))),
      levels: Array.from({ length: 12 }, (_, i) => `I${i}`),
    };
    const rows = Array.from({ length: dates }, () => Uint8Array.from({ length: assets }, () => (rand() < 0.8 ? 1 : 0)));
    const mask = (t: number) => rows[t]!;
    const size = logSize(cap);
    const { values, report } = neutralize(y, { mask, industry, size, extra: [beta] });
    expect(expectNeutralized(y, values, mask, industry, [size, beta])).toBe(dates);
    expect(report.regressors).toEqual(['industry', 'size', 'extra[0]']);
    expect(report.dropped.noIndustry).toBeGreaterThan(0);
    expect(report.dropped.noSize).toBeGreaterThan(0);
  });

  it('singular cases are handled and reported, never NaN garbage', () => {
    const industry: CategoricalPanel = { dates: 1, assets: 6, codes: Int32Array.from([0, 0, 0, 1, 1, 2]), levels: ['A', 'B', 'C'] };
    const y = Panel.fromRows([[1, 2, 4, 3, 7, 9]]);
    // Size constant within every industry: collinear with the dummies, so it is dropped.
    const flatSize = Panel.fromRows([[20, 20, 20, 21, 21, 22]]);
    const r1 = neutralize(y, { industry, size: flatSize });
    const expected = [1 - 7 / 3, 2 - 7 / 3, 4 - 7 / 3, -2, 2, 0];
    r1.values.toRows()[0]!.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 14));
    expect(r1.report.droppedRegressorDates).toEqual({ size: 1 });
    // Industry C has one stock: residual exactly 0, counted.
    expect(r1.values.get(0, 5)).toBe(0);
    expect(r1.report.singletons).toBe(1);
    // An extra regressor collinear with size within industries: the later one is dropped.
    const size = Panel.fromRows([[1, 2, 4, 1, 3, 5]]);
    const twice = Panel.fromRows([[2, 4, 8, 2, 6, 10]]);
    const r2 = neutralize(y, { industry, size, extra: [twice] });
    const r3 = neutralize(y, { industry, size });
    expect(r2.report.droppedRegressorDates).toEqual({ size: 0, 'extra[0]': 1 });
    r2.values.toRows()[0]!.forEach((v, i) => expect(v).toBeCloseTo(r3.values.get(0, i), 12));
    // As many observations as parameters: nothing left, so the date is dropped, with the reason.
    const few = neutralize(Panel.fromRows([[1, 2, 3]]), { industry: { dates: 1, assets: 3, codes: Int32Array.from([0, 1, 2]), levels: ['A', 'B', 'C'] } });
    expect(few.values.toRows()[0]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(few.report.dropped.tooFewObservations).toBe(3);
    expect(few.report.tooFewObservationsDates).toBe(1);
  });

  it('needs a regressor and matching shapes', () => {
    const y = Panel.fromRows([[1, 2]]);
    expect(() => neutralize(y, {})).toThrow(/at least one of/);
    expect(() => neutralize(y, { size: Panel.fromRows([[1, 2, 3]]) })).toThrow(/`size` is 1 dates × 3 assets/);
  });
});

describe('masks', () => {
  it('maskFromPanel and maskAnd', () => {
    const members = Panel.fromRows([
      [1, 0, 1],
      [1, 1, Number.NaN],
    ]);
    const trading = Panel.fromRows([
      [1, 1, 0],
      [1, 1, 1],
    ]);
    const m = maskAnd(maskFromPanel(members), maskFromPanel(trading));
    expect(Array.from(m(0))).toEqual([1, 0, 0]);
    expect(Array.from(m(1))).toEqual([1, 1, 0]);
  });

  it('a mask row of the wrong length is an error', () => {
    expect(() => rank(Panel.fromRows([[1, 2]]), { mask: () => new Uint8Array(3) })).toThrow(/mask\(0\) must return a Uint8Array of 2 entries/);
  });
});

describe('weightedMean', () => {
  it('is Σ w·x / Σ w per date over finite values with positive weights', async () => {
    const { Panel } = await import('@factorkit/core');
    const { weightedMean } = await import('../src/index.js');
    const x = Panel.fromRows([
      [0.1, 0.2, Number.NaN],
      [0.0, -0.1, 0.3],
      [Number.NaN, Number.NaN, Number.NaN],
    ]);
    const w = Panel.fromRows([
      [1, 3, 5],
      [2, 0, 2],
      [1, 1, 1],
    ]);
    const m = weightedMean(x, w);
    expect(m[0]).toBeCloseTo((0.1 * 1 + 0.2 * 3) / 4, 15);
    expect(m[1]).toBeCloseTo((0 * 2 + 0.3 * 2) / 4, 15);
    expect(Number.isNaN(m[2]!)).toBe(true);
    expect(() => weightedMean(x, Panel.fromRows([[1, 2, 3]]))).toThrow();
  });
});

describe('ratioToPositive', () => {
  it('divides where the denominator is finite and positive and the quotient finite', () => {
    const x = Panel.fromRows([[1, 2, -3, 4, Number.NaN, 1e308, 5, 6]]);
    const d = Panel.fromRows([[4, 0, 2, -1, 1, 1e-10, Number.POSITIVE_INFINITY, Number.NaN]]);
    expect(ratioToPositive(x, d).toRows()[0]).toEqual([0.25, Number.NaN, -1.5, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
  });

  it('names the operator on a shape mismatch', () => {
    expect(() => ratioToPositive(new Panel(2, 3), new Panel(3, 2))).toThrow(/ratioToPositive/);
  });
});
