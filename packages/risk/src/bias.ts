import { type DateString, FactorkitError, show } from '@factorkit/core';
import type { RiskEstimate } from './estimate.js';
import { type RiskModel, type RiskModelOptions, forEachRiskModel } from './model.js';
import { portfolioRisk } from './portfolio.js';

/** The bias statistic of a series of risk forecasts. */
export interface BiasStatistic {
  /** Forecasts used (finite realised return and predicted volatility > 0). */
  readonly count: number;
  /** Standardised outcomes `z = r / σ̂`. */
  readonly z: Float64Array;
  /** Sample standard deviation (ddof 1) of all `z`: 1 for a well-calibrated model. */
  readonly bias: number;
  /**
   * Sampling standard error of `bias` under calibration, `√((κ − 1) / (4N))` with `κ` the
   * sample kurtosis of `z` (`1/√(2N)` for normal `z`): fat tails widen it.
   */
  readonly standardError: number;
  /** The same for one rolling window of `window` forecasts. */
  readonly windowStandardError: number;
  /** Rolling bias: std of `z` over each run of `window` consecutive forecasts (empty when fewer). */
  readonly rolling: Float64Array;
  /** Mean, min and max of `rolling` (`NaN` when empty). */
  readonly rollingMean: number;
  readonly rollingMin: number;
  readonly rollingMax: number;
  /** Share of rolling windows whose bias lies in `[1 − 1.96·se_w, 1 + 1.96·se_w]`. */
  readonly rollingInBand: number;
  /** Mean absolute log deviation `mean |ln b_window|` (Barra's MRAD), `NaN` when no window. */
  readonly rollingMrad: number;
}

function sampleStd(z: ArrayLike<number>, from: number, to: number): number {
  const m = to - from;
  if (m < 2) return Number.NaN;
  let mean = 0;
  for (let i = from; i < to; i++) mean += z[i]!;
  mean /= m;
  let ss = 0;
  for (let i = from; i < to; i++) ss += (z[i]! - mean) ** 2;
  return Math.sqrt(ss / (m - 1));
}

/**
 * The bias statistic of risk forecasts: `z_i = realised_i / predicted_i` (predicted = the
 * forecast volatility of that same period), `bias = std(z)`. Pairs with a non-finite value or
 * a non-positive forecast are left out (`count` says how many were used). With `window` (e.g.
 * 52 weekly or 12 monthly forecasts) the rolling bias is computed too.
 */
export function biasStatistic(realised: ArrayLike<number>, predicted: ArrayLike<number>, options: { window?: number } = {}): BiasStatistic {
  if (realised.length !== predicted.length) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `biasStatistic: realised has ${realised.length} values, predicted ${predicted.length}`);
  }
  const window = options.window ?? 52;
  if (!Number.isInteger(window) || window < 2) throw new FactorkitError('FK_INVALID_ARGUMENT', `biasStatistic: window must be an integer ≥ 2, got ${show(window)}`);
  const zs: number[] = [];
  for (let i = 0; i < realised.length; i++) {
    const r = realised[i]!;
    const s = predicted[i]!;
    if (Number.isFinite(r) && Number.isFinite(s) && s > 0) zs.push(r / s);
  }
  const z = Float64Array.from(zs);
  const N = z.length;
  const bias = sampleStd(z, 0, N);
  let mean = 0;
  for (const v of z) mean += v;
  mean /= N || 1;
  let m2 = 0;
  let m4 = 0;
  for (const v of z) {
    m2 += (v - mean) ** 2;
    m4 += (v - mean) ** 4;
  }
  m2 /= N || 1;
  m4 /= N || 1;
  const kurtosis = m2 > 0 ? m4 / (m2 * m2) : 3;
  const standardError = N > 1 ? Math.sqrt(Math.max(kurtosis - 1, 0.5) / (4 * N)) : Number.NaN;
  const windowStandardError = Math.sqrt(Math.max(kurtosis - 1, 0.5) / (4 * window));
  const rolling = new Float64Array(Math.max(0, N - window + 1));
  for (let j = 0; j < rolling.length; j++) rolling[j] = sampleStd(z, j, j + window);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let inBand = 0;
  let mrad = 0;
  for (const b of rolling) {
    sum += b;
    min = Math.min(min, b);
    max = Math.max(max, b);
    if (Math.abs(b - 1) <= 1.96 * windowStandardError) inBand++;
    mrad += Math.abs(Math.log(b));
  }
  const R = rolling.length;
  return {
    count: N,
    z,
    bias,
    standardError,
    windowStandardError,
    rolling,
    rollingMean: R ? sum / R : Number.NaN,
    rollingMin: R ? min : Number.NaN,
    rollingMax: R ? max : Number.NaN,
    rollingInBand: R ? inBand / R : Number.NaN,
    rollingMrad: R ? mrad / R : Number.NaN,
  };
}

/** A test portfolio on one forecast date: an active (or total) weight vector over the model's assets. */
export interface TestPortfolio {
  readonly name: string;
  /** Weights (active = portfolio − benchmark for a tracking-error test), one per asset. */
  readonly weights: Float64Array;
}

/** One portfolio's forecasts and outcomes from {@link backtestRiskForecasts}. */
export interface ForecastSeries {
  readonly name: string;
  readonly dates: DateString[];
  /** Forecast volatility of the horizon's return, from the model as of the date. */
  readonly predicted: number[];
  /** Realised return of the weights over the next `horizon` trading days. */
  readonly realised: number[];
}

/**
 * Forecast, then realise: at each date `t` of `asOf`, build the model as of `t`, ask
 * `portfolios` for the test portfolios (they may look at the model and anything known at `t`),
 * predict each one's volatility over `horizon` days (`√(horizon × daily variance)`), and realise
 * `Σ_i w_i R_i` with `R_i` asset `i`'s compounded return over days `t+1 … t+horizon` (a missing
 * daily return counts as 0). Dates without `horizon` days after them are skipped.
 */
export function backtestRiskForecasts(
  estimate: RiskEstimate,
  options: {
    readonly asOf: readonly (DateString | number)[];
    readonly horizon: number;
    readonly model?: RiskModelOptions;
    readonly portfolios: (model: RiskModel, t: number) => readonly TestPortfolio[];
  },
): ForecastSeries[] {
  const { horizon } = options;
  if (!Number.isInteger(horizon) || horizon < 1) throw new FactorkitError('FK_INVALID_ARGUMENT', `backtestRiskForecasts: horizon must be a positive integer, got ${show(horizon)}`);
  const T = estimate.dates.length;
  const n = estimate.assets.length;
  const ret = estimate.panels.returns.values;
  const series = new Map<string, ForecastSeries>();
  const growth = new Float64Array(n);
  forEachRiskModel(estimate, options.asOf, options.model ?? {}, (model, _i, t) => {
    if (t + horizon >= T) return;
    for (let a = 0; a < n; a++) {
      let g = 1;
      for (let s = t + 1; s <= t + horizon; s++) {
        const r = ret[a * T + s]!;
        if (Number.isFinite(r)) g *= 1 + r;
      }
      growth[a] = g - 1;
    }
    for (const p of options.portfolios(model, t)) {
      const risk = portfolioRisk(model, p.weights, undefined, { horizon });
      let realised = 0;
      for (let a = 0; a < n; a++) if (p.weights[a] !== 0) realised += p.weights[a]! * growth[a]!;
      let s = series.get(p.name);
      if (!s) {
        s = { name: p.name, dates: [], predicted: [], realised: [] };
        series.set(p.name, s);
      }
      s.dates.push(estimate.dates[t]!);
      s.predicted.push(risk.total);
      s.realised.push(realised);
    }
  });
  return [...series.values()];
}
