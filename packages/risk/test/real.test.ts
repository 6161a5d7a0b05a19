/**
 * The risk model on real data: cn-csi300 (../shared/data/cn-csi300 beside the repository),
 * 2013-2023, ~670 stocks, CSI 300 as estimation universe and benchmark. Data-heavy (~30 s).
 */
import { Panel } from '@factorkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RiskPanels, backtestRiskForecasts, biasStatistic, estimateRiskPanels, riskModelsAt, trackingError } from '../src/index.js';
import { forecastDates, loadRealPanels, testPortfolios } from './realdata.js';

let panels: RiskPanels;
let benchmark: Panel;

beforeAll(async () => {
  ({ panels, benchmark } = await loadRealPanels());
}, 300_000);

describe('cn-csi300: the regression', () => {
  it('regresses every day with a CSI 300 cross-section and explains a plausible share of it', { timeout: 120_000 }, () => {
    const est = estimateRiskPanels(panels);
    // Until the first 2013 reports are announced (April 2013) there is no market cap, hence no regression.
    expect(est.report.regressed).toBeGreaterThan(2400);
    let sum = 0;
    let days = 0;
    let minSample = Infinity;
    for (let t = 0; t < est.dates.length; t++) {
      if (!Number.isFinite(est.rSquared[t]!)) continue;
      sum += est.rSquared[t]!;
      days++;
      minSample = Math.min(minSample, est.sampleSize[t]!);
    }
    // Measured: mean weighted R² 0.394 over 2,477 days.
    expect(sum / days).toBeGreaterThan(0.3);
    expect(sum / days).toBeLessThan(0.55);
    expect(minSample).toBeGreaterThanOrEqual(50);
    // The model on the last day: the CSI 300 itself has zero active risk, a 50-stock portfolio some.
    const t = est.dates.length - 1;
    const model = riskModelsAt(est, [t])[0]!;
    const b = benchmark.row(t).map((w) => (Number.isFinite(w) ? w : 0));
    const bs = b.reduce((x, y) => x + y);
    b.forEach((w, i) => (b[i] = w / bs));
    expect(trackingError(model, b, b)).toBe(0);
    const annual = Math.sqrt(model.covariance[0]!) * Math.sqrt(252);
    expect(annual).toBeGreaterThan(0.08); // the country factor: CSI 300 vol ≈ 15–25 %/yr
    expect(annual).toBeLessThan(0.4);
  });
});

describe('cn-csi300: bias statistics of weekly active-risk forecasts', () => {
  it('stay within sampling error of 1 for random and style-quintile portfolios vs the CSI 300', { timeout: 240_000 }, () => {
    const est = estimateRiskPanels(panels);
    const horizon = 5;
    const series = backtestRiskForecasts(est, {
      asOf: forecastDates(panels.dates, '2014-01-02', horizon, horizon),
      horizon,
      model: { halfLife: 90, specificHalfLife: 42, regimeHalfLife: 42 },
      portfolios: testPortfolios(benchmark),
    });
    expect(series.length).toBe(14);
    for (const s of series) {
      const b = biasStatistic(s.realised, s.predicted, { window: 52 });
      expect(b.count).toBeGreaterThan(450);
      // Honest band: a calibrated model's full-sample bias is 1 ± 3 standard errors (se from the
      // sample kurtosis of z and N ≈ 461 weeks: 0.034–0.044).
      expect(Math.abs(b.bias - 1), s.name).toBeLessThan(3 * b.standardError);
      // The classic target for the average 52-week rolling bias.
      expect(b.rollingMean, s.name).toBeGreaterThan(0.8);
      expect(b.rollingMean, s.name).toBeLessThan(1.2);
    }
    // The band has power: forecasts 20 % too low (σ̂ × 0.8) fail it for most portfolios.
    const failing = series.filter((s) => {
      const b = biasStatistic(s.realised, s.predicted.map((p) => 0.8 * p), { window: 52 });
      return Math.abs(b.bias - 1) >= 3 * b.standardError;
    });
    expect(failing.length).toBeGreaterThanOrEqual(12);
  });
});

describe('cn-csi300: point in time', () => {
  it('the model as of 2019-06-28 is identical when every input after it is garbled', { timeout: 120_000 }, () => {
    const asOf = panels.dates.indexOf('2019-06-28');
    expect(asOf).toBeGreaterThan(0);
    const T = panels.dates.length;
    const garble = (p: Panel, salt: number) => {
      const values = p.values.slice();
      for (let a = 0; a < p.assets; a++) for (let t = asOf + 1; t < T; t++) values[a * T + t] = ((a * 31 + t * 17 + salt) % 97) / 10 - 4;
      return new Panel(T, p.assets, values);
    };
    const codes = panels.industry.codes.slice();
    for (let a = 0; a < panels.assets.length; a++) for (let t = asOf + 1; t < T; t++) codes[a * T + t] = (a + t) % panels.industry.levels.length;
    const styles: Record<string, Panel> = {};
    Object.entries(panels.styles).forEach(([name, p], i) => (styles[name] = garble(p, i)));
    const dirty: RiskPanels = {
      ...panels,
      returns: garble(panels.returns, 101),
      marketCap: garble(panels.marketCap, 102),
      universe: garble(panels.universe!, 103),
      tradable: garble(panels.tradable!, 104),
      industry: { ...panels.industry, codes },
      styles,
    };
    const start = panels.dates[asOf - 400]!;
    const clean = riskModelsAt(estimateRiskPanels(panels, { start }), [asOf, asOf + 5], { neweyWestLags: 2 });
    const garbled = riskModelsAt(estimateRiskPanels(dirty, { start }), [asOf, asOf + 5], { neweyWestLags: 2 });
    expect(garbled[0]!.factors).toEqual(clean[0]!.factors);
    expect(Array.from(garbled[0]!.exposures)).toEqual(Array.from(clean[0]!.exposures));
    expect(Array.from(garbled[0]!.covariance)).toEqual(Array.from(clean[0]!.covariance));
    expect(Array.from(garbled[0]!.specificVariance)).toEqual(Array.from(clean[0]!.specificVariance));
    expect(Array.from(garbled[1]!.specificVariance)).not.toEqual(Array.from(clean[1]!.specificVariance));
  });
});
