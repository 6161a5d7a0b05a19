import { Panel, isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { estimateRiskModel, estimateRiskPanels } from '../src/index.js';
import { categorical, makeDates, panel, randomMarket } from './helpers.js';

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isFactorkitError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a FactorkitError');
}

describe('the daily regression', () => {
  it('recovers planted factor returns exactly on a noiseless hand-made panel', () => {
    // 9 assets, 3 industries, 2 styles, 4 days. Exposures are used as given (standardize: false).
    const T = 4;
    const n = 9;
    const ind = [0, 0, 0, 1, 1, 1, 2, 2, 2];
    const caps = [3, 1, 2, 5, 1, 4, 2, 2, 6]; // industry caps: A 6, B 10, C 10
    const s1 = [1, -1, 0.5, 0.2, -0.7, 1.3, -1.1, 0.4, 0.9];
    const s2 = [0.3, 0.8, -0.6, -1.2, 0.1, 0.5, 0.9, -0.4, -1];
    // Planted returns per day t = 1..3: country, industries A, B (C from the constraint
    // 6·fA + 10·fB + 10·fC = 0), styles.
    const planted = [
      [0.01, 0.004, -0.002, 0.0015, -0.003],
      [-0.02, -0.005, 0.001, 0.004, 0.002],
      [0.003, 0.002, 0.006, -0.001, 0.0005],
    ].map(([c, a, b, x1, x2]) => [c!, a!, b!, -(6 * a! + 10 * b!) / 10, x1!, x2!]);
    const returns = panel(T, n, (t, i) => {
      if (t === 0) return Number.NaN;
      const f = planted[t - 1]!;
      return f[0]! + f[1 + ind[i]!]! + f[4]! * s1[i]! + f[5]! * s2[i]!;
    });
    const est = estimateRiskPanels(
      {
        dates: makeDates(T),
        assets: ind.map((_, i) => `X${i}`),
        returns,
        industry: categorical(T, n, ['A', 'B', 'C'], (_t, i) => ind[i]!),
        styles: { s1: panel(T, n, (_t, i) => s1[i]!), s2: panel(T, n, (_t, i) => s2[i]!) },
        marketCap: panel(T, n, (_t, i) => caps[i]!),
      },
      { standardize: false, minAssets: 1, weights: 'sqrt-cap' },
    );
    expect(est.factors).toEqual(['country', 'industry:A', 'industry:B', 'industry:C', 's1', 's2']);
    for (let t = 1; t < T; t++) {
      const f = Array.from(est.factorReturns.subarray(t * 6, (t + 1) * 6));
      planted[t - 1]!.forEach((value, j) => expect(f[j]).toBeCloseTo(value, 14));
      expect(est.rSquared[t]).toBeCloseTo(1, 12);
      for (let i = 0; i < n; i++) expect(Math.abs(est.residuals.get(t, i))).toBeLessThan(1e-15);
    }
    expect(Number.isNaN(est.factorReturns[0])).toBe(true);
    expect(est.report.regressed).toBe(3);
  });

  it('matches an independent constrained WLS (numpy KKT solve) on a noisy cross-section', () => {
    // Golden values: numpy, minimising Σ √cap·e² subject to Σ_k cap_k f_k = 0 via the KKT system.
    const ind = [0, 0, 0, 1, 1, 2, 2, 2];
    const cap = [4, 1, 9, 16, 4, 1, 25, 9];
    const s = [0.5, -1.2, 0.3, 1.1, -0.4, 0.9, -0.7, 0.2];
    const r = [0.012, -0.004, 0.02, 0.007, -0.011, 0.015, 0.001, -0.006];
    const est = estimateRiskPanels(
      {
        dates: makeDates(2),
        assets: ind.map((_, i) => `X${i}`),
        returns: panel(2, 8, (t, i) => (t === 1 ? r[i]! : Number.NaN)),
        industry: categorical(2, 8, ['A', 'B', 'C'], (_t, i) => ind[i]!),
        styles: { s: panel(2, 8, (_t, i) => s[i]!) },
        marketCap: panel(2, 8, (_t, i) => cap[i]!),
      },
      { standardize: false, minAssets: 1 },
    );
    const f = [0.00238899489283949, 0.00995602749779089, -0.00647173688388324, -0.00028427563689736, 0.00847123665173958];
    const e = [-0.00458064071650017, -0.00617953840854288, 0.00511360661384774, 0.00176438167413021, -0.00352876334826042, 0.00527116775749225, 0.00482514640027558, -0.00979896658629005];
    f.forEach((value, j) => expect(est.factorReturns[5 + j]).toBeCloseTo(value, 14));
    e.forEach((value, i) => expect(est.residuals.get(1, i)).toBeCloseTo(value, 14));
    expect(est.rSquared[1]).toBeCloseTo(0.6713076710386889, 12);
  });

  it('uses exposures of t − 1: a return explained by tomorrow’s exposure is not explained', () => {
    // Returns at t equal the style value at t (not t − 1) and the style changes every day.
    const T = 30;
    const n = 60;
    const style = panel(T, n, (t, a) => Math.sin(a * 1.3 + t * 2.1));
    const est = estimateRiskPanels(
      {
        dates: makeDates(T),
        assets: Array.from({ length: n }, (_, a) => `A${a}`),
        returns: panel(T, n, (t, a) => 0.01 * style.get(t, a)),
        industry: categorical(T, n, ['A'], () => 0),
        styles: { x: style },
        marketCap: panel(T, n, () => 1),
      },
      { standardize: false, weights: 'equal', minAssets: 10 },
    );
    let mean = 0;
    for (let t = 1; t < T; t++) mean += est.rSquared[t]! / (T - 1);
    expect(mean).toBeLessThan(0.5);
  });

  it('standardises styles per date: cap-weighted mean 0, equal-weighted sd 1 over the universe; outliers clipped', () => {
    const market = randomMarket(3, 20, 50);
    const raw = market.styles.a!;
    raw.values[7 * 20 + 5] = 1e6; // asset 7 on day 5: a wild outlier
    const est = estimateRiskPanels(market, { minAssets: 10 });
    for (const t of [5, 12]) {
      const x = est.exposuresAt(t);
      let sw = 0;
      let swx = 0;
      let sum = 0;
      const values: number[] = [];
      for (let a = 0; a < 50; a++) {
        const z = x.styles[a * 2]!;
        const c = market.marketCap.get(t, a);
        sw += c;
        swx += c * z;
        sum += z;
        values.push(z);
      }
      expect(swx / sw).toBeCloseTo(0, 12);
      const mean = sum / 50;
      const sd = Math.sqrt(values.reduce((acc, v) => acc + (v - mean) ** 2, 0) / 49);
      expect(sd).toBeCloseTo(1, 12);
      if (t === 5) expect(Math.max(...values)).toBeLessThan(10);
    }
  });

  it('drops a style with no dispersion (its return NaN) and reports skipped dates', () => {
    const market = randomMarket(4, 30, 40);
    const est = estimateRiskPanels({ ...market, styles: { ...market.styles, flat: panel(30, 40, () => 2) } }, { minAssets: 45 });
    expect(est.report.skipped.tooFewAssets).toBe(29);
    const ok = estimateRiskPanels({ ...market, styles: { ...market.styles, flat: panel(30, 40, () => 2) } }, { minAssets: 10 });
    const k = ok.factors.indexOf('flat');
    expect(Number.isNaN(ok.factorReturns[5 * ok.factors.length + k])).toBe(true);
    expect(ok.report.droppedFactorDates).toBe(29);
  });

  it('rejects malformed input with FactorkitErrors naming the parameter', () => {
    const market = randomMarket(5, 20, 30);
    expect(errorOf(() => estimateRiskPanels({ ...market, styles: { bad: new Panel(19, 30) } }))).toMatchObject({ code: 'FK_INVALID_DATA', message: expect.stringContaining('`styles.bad`') });
    expect(errorOf(() => estimateRiskPanels(market, { weights: 'cube' as 'cap' }))).toMatchObject({ code: 'FK_INVALID_ARGUMENT', message: expect.stringContaining('weights') });
    expect(errorOf(() => estimateRiskPanels(market, { minAssets: 0 }))).toMatchObject({ code: 'FK_INVALID_ARGUMENT', message: expect.stringContaining('minAssets') });
    expect(errorOf(() => estimateRiskModel({ ...market, halfLife: -3 }))).toMatchObject({ code: 'FK_INVALID_ARGUMENT', message: expect.stringContaining('halfLife') });
    expect(errorOf(() => estimateRiskModel({ ...market, neweyWestLags: 1.5 }))).toMatchObject({ code: 'FK_INVALID_ARGUMENT', message: expect.stringContaining('neweyWestLags') });
    expect(errorOf(() => estimateRiskPanels(market, { start: '2030-01-01' }))).toMatchObject({ code: 'FK_INVALID_ARGUMENT', message: expect.stringContaining('start') });
  });
});
