import { type RiskModelView } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { type RiskModel, type RiskPanels, estimateRiskModel, estimateRiskPanels, portfolioRisk, riskContributions, riskModelsAt, trackingError } from '../src/index.js';
import { categorical, makeDates, normals, panel, randomMarket } from './helpers.js';

/** A noiseless market: returns = exposures(t−1) · planted f(t), so the regression recovers f exactly. */
function plantedMarket(T: number): { panels: RiskPanels; planted: number[][] } {
  const n = 12;
  const z = normals(99);
  const ind = Array.from({ length: n }, (_, i) => i % 3);
  const caps = Array.from({ length: n }, (_, i) => 1 + (i % 5));
  const indCap = [0, 0, 0];
  ind.forEach((k, i) => (indCap[k]! += caps[i]!));
  const s = Array.from({ length: n }, (_, i) => Math.sin(i * 2.3));
  const planted: number[][] = [[]];
  for (let t = 1; t < T; t++) {
    const a = 0.01 * z();
    const b = 0.01 * z();
    planted.push([0.02 * z(), a, b, -(indCap[0]! * a + indCap[1]! * b) / indCap[2]!, 0.005 * z()]);
  }
  const returns = panel(T, n, (t, i) => (t === 0 ? Number.NaN : planted[t]![0]! + planted[t]![1 + ind[i]!]! + planted[t]![4]! * s[i]!));
  return {
    planted,
    panels: {
      dates: makeDates(T),
      assets: ind.map((_, i) => `P${i}`),
      returns,
      industry: categorical(T, n, ['A', 'B', 'C'], (_t, i) => ind[i]!),
      styles: { s: panel(T, n, (_t, i) => s[i]!) },
      marketCap: panel(T, n, (_t, i) => caps[i]!),
    },
  };
}

function denseQuadratic(model: RiskModelView, a: Float64Array): number {
  const n = a.length;
  const k = model.factors.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sij = i === j ? model.specificVariance[i]! : 0;
      for (let f = 0; f < k; f++) for (let g = 0; g < k; g++) sij += model.exposures[i * k + f]! * model.covariance[f * k + g]! * model.exposures[j * k + g]!;
      total += a[i]! * sij * a[j]!;
    }
  }
  return total;
}

describe('factor covariance', () => {
  it('is the EWMA of the planted factor returns (half-life 10), and with Newey–West lag 1 adds ½(Γ₁ + Γ₁ᵀ)', () => {
    const T = 80;
    const { panels, planted } = plantedMarket(T);
    const est = estimateRiskPanels(panels, { standardize: false, minAssets: 1 });
    const asOf = 70;
    const [plain, nw] = [riskModelsAt(est, [asOf], { halfLife: 10, regimeHalfLife: false })[0]!, riskModelsAt(est, [asOf], { halfLife: 10, neweyWestLags: 1, regimeHalfLife: false })[0]!];
    expect(plain.factors).toEqual(['country', 'industry:A', 'industry:B', 'industry:C', 's']);
    const w = (s: number) => 2 ** (-(asOf - s) / 10);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        let num = 0;
        let den = 0;
        let g = 0;
        let gt = 0;
        let lagDen = 0;
        for (let s = 1; s <= asOf; s++) {
          num += w(s) * planted[s]![i]! * planted[s]![j]!;
          den += w(s);
          if (s >= 2) {
            g += w(s) * planted[s]![i]! * planted[s - 1]![j]!;
            gt += w(s) * planted[s]![j]! * planted[s - 1]![i]!;
            lagDen += w(s);
          }
        }
        expect(plain.covariance[i * 5 + j]).toBeCloseTo(num / den, 13);
        expect(nw.covariance[i * 5 + j]).toBeCloseTo(num / den + 0.5 * (g / lagDen + gt / lagDen), 13);
      }
    }
    // The constraint Σ c_k f_k = 0 (constant caps) makes F singular; it must stay PSD.
    const rnd = normals(3);
    for (let trial = 0; trial < 20; trial++) {
      const x = Array.from({ length: 5 }, () => rnd());
      let q = 0;
      for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) q += x[i]! * plain.covariance[i * 5 + j]! * x[j]!;
      expect(q).toBeGreaterThanOrEqual(-1e-18);
    }
  });

  it('gives an industry created by a reclassification the median industry variance and no covariance', () => {
    const market = randomMarket(7, 160, 60, 150);
    const est = estimateRiskPanels(market, { minAssets: 20 });
    const model = riskModelsAt(est, [150], { halfLife: 30, regimeHalfLife: false })[0]!;
    expect(model.diagnostics.fallbackFactors).toEqual(['industry:D']);
    const k = model.factors.length;
    const d = model.factors.indexOf('industry:D');
    const others = ['industry:A', 'industry:B', 'industry:C'].map((f) => model.factors.indexOf(f)).map((j) => model.covariance[j * k + j]!).sort((x, y) => x - y);
    expect(model.covariance[d * k + d]).toBeCloseTo(others[1]!, 15);
    for (let j = 0; j < k; j++) if (j !== d) expect(model.covariance[d * k + j]).toBe(0);
    // Symmetric and positive semi-definite.
    const z = normals(1);
    for (let trial = 0; trial < 50; trial++) {
      const x = Array.from({ length: k }, () => z());
      let q = 0;
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) q += x[i]! * model.covariance[i * k + j]! * x[j]!;
      expect(q).toBeGreaterThanOrEqual(0);
    }
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expect(model.covariance[i * k + j]).toBe(model.covariance[j * k + i]);
  });
});

describe('specific variance', () => {
  it('is the EWMA of squared residuals, shrunk toward the industry median for short histories', () => {
    const market = randomMarket(8, 120, 60, 999);
    // Asset 5 only starts trading (with a return) on day 100.
    for (let t = 0; t < 100; t++) market.returns.values[5 * 120 + t] = Number.NaN;
    const est = estimateRiskPanels(market, { minAssets: 20 });
    const model = riskModelsAt(est, [110], { specificHalfLife: 20, specificMinObservations: 30, regimeHalfLife: false })[0]!;
    const ewma = (a: number) => {
      let num = 0;
      let den = 0;
      let count = 0;
      for (let s = 0; s <= 110; s++) {
        const e = est.residuals.get(s, a);
        if (!Number.isFinite(e)) continue;
        const w = 2 ** (-(110 - s) / 20);
        num += w * e * e;
        den += w;
        count++;
      }
      return { value: num / den, count };
    };
    expect(model.specificVariance[3]).toBeCloseTo(ewma(3).value, 15);
    // Asset 5 (industry 5 % 3 = 2) has 11 residuals: 11/30 own + 19/30 the median of industry 2's mature assets.
    const peers: number[] = [];
    for (let a = 0; a < 60; a++) if (a % 3 === 2 && a !== 5) peers.push(ewma(a).value);
    peers.sort((x, y) => x - y);
    expect(peers.length).toBe(19);
    const median = peers[9]!;
    const own = ewma(5);
    expect(own.count).toBe(11); // days 100 … 110
    expect(model.specificVariance[5]).toBeCloseTo((11 / 30) * own.value + (19 / 30) * median, 15);
    expect(model.diagnostics.shrunkAssets).toBe(1);
  });
});

describe('portfolio risk', () => {
  const market = randomMarket(9, 160, 60, 150);
  const est = estimateRiskModel({ ...market, minAssets: 20, halfLife: 40 });
  const model: RiskModel = est.modelAt(est.dates[155]!);
  const z = normals(5);
  const w = Float64Array.from({ length: 60 }, () => Math.abs(z()));
  const b = Float64Array.from({ length: 60 }, () => Math.abs(z()));
  const ws = w.reduce((x, y) => x + y);
  const bs = b.reduce((x, y) => x + y);
  w.forEach((v, i) => (w[i] = v / ws));
  b.forEach((v, i) => (b[i] = v / bs));
  const a = w.map((v, i) => v - b[i]!);

  it('tracking error equals the dense (w − b)ᵀ(XFXᵀ + D)(w − b), with horizon and annualisation', () => {
    const dense = denseQuadratic(model, a);
    expect(trackingError(model, w, b)).toBeCloseTo(Math.sqrt(dense), 14);
    expect(trackingError(model, w, b, { annualize: true })).toBeCloseTo(Math.sqrt(252 * dense), 13);
    expect(trackingError(model, w, b, { horizon: 5 })).toBeCloseTo(Math.sqrt(5 * dense), 14);
    const risk = portfolioRisk(model, w, b);
    let specific = 0;
    a.forEach((v, i) => (specific += v * v * model.specificVariance[i]!));
    expect(risk.specificVariance).toBeCloseTo(specific, 16);
    expect(risk.factorVariance + risk.specificVariance).toBeCloseTo(dense, 16);
    expect(risk.factorContributions.reduce((x, y) => x + y)).toBeCloseTo(risk.factorVariance / dense, 12);
    // The country exposure of an active position of fully invested portfolios is 0.
    expect(risk.exposures[0]).toBeCloseTo(0, 14);
  });

  it('risk contributions sum to the tracking error and match a finite-difference marginal', () => {
    const c = riskContributions(model, w, b);
    const te = trackingError(model, w, b);
    expect(c.reduce((x, y) => x + y)).toBeCloseTo(te, 14);
    const h = 1e-7;
    const bumped = w.slice();
    bumped[7] = bumped[7]! + h;
    const marginal = (trackingError(model, bumped, b) - te) / h;
    expect(c[7]).toBeCloseTo(a[7]! * marginal, 8);
  });

  it('model satisfies RiskModelView shapes and rejects bad weights', () => {
    const k = model.factors.length;
    expect(model.exposures.length).toBe(60 * k);
    expect(model.covariance.length).toBe(k * k);
    expect(model.specificVariance.length).toBe(60);
    expect(() => trackingError(model, w.subarray(1), b)).toThrow(/weights: length 59/);
    const bad = w.slice();
    bad[3] = Number.NaN;
    expect(() => trackingError(model, bad, b)).toThrow(/weights\[3\]/);
  });
});

describe('point in time', () => {
  it('the model as of t is unchanged when every input after t is garbled', () => {
    const T = 160;
    const n = 60;
    const asOf = 120;
    const clean = randomMarket(10, T, n, 130);
    const z = normals(77);
    const garble = (p: { values: Float64Array }) => {
      const values = p.values.slice();
      for (let a = 0; a < n; a++) for (let t = asOf + 1; t < T; t++) values[a * T + t] = z() > 1.5 ? Number.NaN : 1e3 * z();
      return panel(T, n, (t, a) => values[a * T + t]!);
    };
    const codes = clean.industry.codes.slice();
    for (let a = 0; a < n; a++) for (let t = asOf + 1; t < T; t++) codes[a * T + t] = (a * 7 + t) % 5 === 0 ? -1 : (a + t) % 4;
    const dirty: RiskPanels = {
      ...clean,
      returns: garble(clean.returns),
      marketCap: garble(clean.marketCap),
      styles: { a: garble(clean.styles.a!), b: garble(clean.styles.b!) },
      industry: { ...clean.industry, codes },
    };
    for (const options of [{ regimeHalfLife: false as const }, { neweyWestLags: 2, regimeHalfLife: 20 }]) {
      const m1 = estimateRiskModel({ ...clean, minAssets: 20, ...options }).modelAt(clean.dates[asOf]!);
      const m2 = estimateRiskModel({ ...dirty, minAssets: 20, ...options }).modelAt(clean.dates[asOf]!);
      expect(m2.factors).toEqual(m1.factors);
      expect(Array.from(m2.exposures)).toEqual(Array.from(m1.exposures));
      expect(Array.from(m2.covariance)).toEqual(Array.from(m1.covariance));
      expect(Array.from(m2.specificVariance)).toEqual(Array.from(m1.specificVariance));
      // …while the garbling is visible later.
      const later1 = estimateRiskModel({ ...clean, minAssets: 20, ...options }).modelAt(clean.dates[asOf + 10]!);
      const later2 = estimateRiskModel({ ...dirty, minAssets: 20, ...options }).modelAt(clean.dates[asOf + 10]!);
      expect(Array.from(later2.covariance)).not.toEqual(Array.from(later1.covariance));
    }
  });
});
