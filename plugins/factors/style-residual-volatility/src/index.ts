/**
 * `@factorkit/factor-style-residual-volatility`: a simplified Barra CNE5-style RESVOL risk
 * factor (残差波动率) as a factorkit plugin.
 *
 * Value at date `t`: `0.74·z(DASTD) + 0.16·z(CMRA) + 0.10·z(HSIGMA)`, each descriptor
 * standardised across assets on the date.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, Panel, type ParamsOf, defineFactor, param, show } from '@factorkit/core';
import { combineZscores, rollingResidualStd, weightedMean } from '@factorkit/ops';
import { BlockExtremes } from './block-extremes.js';

const ID = 'residual_volatility';

/** CNE5 descriptor weights of DASTD, CMRA and HSIGMA. */
export const RESVOL_WEIGHTS = Object.freeze({ dastd: 0.74, cmra: 0.16, hsigma: 0.1 });

/** Months in the CMRA range. */
const CMRA_MONTHS = 12;

const params = {
  window: param.integer({
    default: 252,
    min: 10,
    max: 1000,
    description: 'Trading days of daily returns for DASTD and HSIGMA (≈ one year at 252).',
  }),
  minObs: param.integer({
    default: 126,
    min: 3,
    description: 'Least number of returns in a window (pairs with the market for HSIGMA); fewer makes the descriptor NaN. Must be ≤ window.',
  }),
  halfLife: param.number({
    default: 42,
    min: 0,
    description: 'Half-life in trading days of the DASTD exponential weights; 0 = equal weights.',
  }),
  month: param.integer({
    default: 21,
    min: 1,
    max: 63,
    description: 'Trading days in a month for CMRA, which spans 12 months.',
  }),
};

/** The validated parameters of {@link residualVolatility}: `{ window, minObs, halfLife, month }`. */
export type ResidualVolatilityParams = ParamsOf<typeof params>;

/**
 * RESVOL (残差波动率), simplified from Barra CNE5. Per stock and date:
 * - DASTD: the exponentially weighted (half-life `halfLife`) standard deviation of the daily
 *   returns over the last `window` days;
 * - CMRA: with `Z(T)` the log return over the last `T` months (`T = 1 … 12` of `month` days),
 *   `ln(1 + max Z) − ln(1 + min Z)`;
 * - HSIGMA: the residual standard deviation of the OLS regression of the return on the
 *   float-cap-weighted market return (previous-day float caps as weights) over `window` days.
 *
 * Each is z-scored across assets (equal-weighted mean, sample std) and combined with weights
 * 0.74, 0.16, 0.10, renormalised over the descriptors present; `NaN` without DASTD. Not
 * orthogonalised to BETA or SIZE; returns, not excess returns (no risk-free rate in the data).
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { residualVolatility } from '@factorkit/factor-style-residual-volatility';
 * const { values } = computeFactor(residualVolatility, data, { start: '2024-01-02' });
 */
export const residualVolatility = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '残差波动率 RESVOL (Barra CNE5 style residual volatility, simplified)',
    description:
      '0.74·z(DASTD) + 0.16·z(CMRA) + 0.10·z(HSIGMA): exponentially weighted daily-return std ' +
      '(252 days, half-life 42), 12-month cumulative log-return range, and OLS residual std ' +
      'against the float-cap-weighted market; each z-scored across assets per date, not orthogonalised.',
    category: 'style',
    inputs: [
      {
        field: FIELD.ret,
        kind: 'market',
        lag: 0,
        description: 'Daily simple return, known at that day’s close; NaN = missing. Also the market-return constituents.',
      },
      {
        field: FIELD.floatMarketCap,
        kind: 'market',
        lag: 1,
        description: 'Float market cap at the previous close: the market-return weight for HSIGMA.',
      },
    ],
    lookback: (p) => Math.max(p.window, CMRA_MONTHS * p.month),
    direction: -1,
    params,
    validate: (p) => (p.minObs > p.window ? [{ path: 'minObs', message: `expected an integer ≤ window (${p.window}), got ${show(p.minObs)}` }] : []),
    references: [
      'Orr, D. J., Mashtaler, I. & Nagy, A. (2012). The Barra China Equity Model (CNE5). MSCI Model Insight: RESVOL = 0.74·DASTD + 0.16·CMRA + 0.10·HSIGMA, orthogonalised to BETA and SIZE.',
      '中信建投证券 / 国泰君安证券 金融工程, Barra CNE5 风险模型复现 style-factor reports (残差波动率因子).',
    ],
  },
  compute(ctx) {
    const { window, minObs, halfLife, month } = ctx.params;
    const ret = ctx.input(FIELD.ret);
    const market = weightedMean(ret, ctx.input(FIELD.floatMarketCap));
    const size = ret.values.length;
    const dastd = new Panel(ret.dates, ret.assets, new Float64Array(size));
    const cmra = new Panel(ret.dates, ret.assets, new Float64Array(size));
    const hsigma = new Panel(ret.dates, ret.assets, new Float64Array(size));
    const decay = halfLife > 0 ? 2 ** (-1 / halfLife) : 1;
    const weights = Float64Array.from({ length: window }, (_, k) => decay ** k);
    const span = CMRA_MONTHS * month;
    // Same coverage share for CMRA as for the other two descriptors.
    const cmraMinObs = Math.min(span, Math.max(1, Math.ceil((minObs / window) * span - 1e-9)));
    // Prefix sums of ln(1 + r) (a missing day counts as a zero return) and of the number of
    // returns: every month's Z(T) is then one difference. The log prefix is padded in front
    // with `span` zeros (no return before the first date), so `cum[p]` is `padded[p + span]`.
    const seen = new Int32Array(ret.dates + 1);
    const paddedLength = ret.dates + 1 + span;
    const padded = new Float64Array(paddedLength);
    const scan = new BlockExtremes(paddedLength, month, CMRA_MONTHS);
    for (let a = 0; a < ret.assets; a++) {
      const r = ret.column(a);
      weightedStd(r, weights, minObs, dastd.column(a));
      rollingResidualStd(r, market, window, { minObs }, hsigma.column(a));
      // CMRA: Z(T) = Σ ln(1 + r) over the last T months.
      for (let t = 0; t < r.length; t++) {
        const v = r[t]!;
        padded[span + t + 1] = padded[span + t]! + (v > -1 && v < Infinity ? Math.log1p(v) : 0);
        seen[t + 1] = seen[t]! + (v - v === 0 ? 1 : 0);
      }
      scan.run(padded);
      const out = cmra.column(a);
      // Returns in r[t − span + 1 … t] that cannot be compounded, as a running count.
      let invalid = 0;
      for (let t = 0; t < r.length; t++) {
        if (isInvalid(r[t]!)) invalid++;
        if (t >= span && isInvalid(r[t - span]!)) invalid--;
        if (invalid > 0 || seen[t + 1]! - seen[t + 1 > span ? t + 1 - span : 0]! < cmraMinObs) {
          out[t] = Number.NaN;
          continue;
        }
        // Z(k) = cum[t + 1] − cum[t + 1 − k·month] for k = 1 … 12: the extremes of Z are
        // cum[t + 1] minus the extremes of those twelve month-end sums, which are padded
        // positions t + 1, t + 1 + month, …, t + 1 + 11·month.
        const end = padded[span + t + 1]!;
        const max = end - scan.min(t + 1, t + 1 + span - month);
        const min = end - scan.max(t + 1, t + 1 + span - month);
        // ln(1 + max) − ln(1 + min) with one logarithm.
        out[t] = 1 + min > 0 ? Math.log1p((max - min) / (1 + min)) : Number.NaN;
      }
    }
    return combineZscores([dastd, cmra, hsigma], [RESVOL_WEIGHTS.dastd, RESVOL_WEIGHTS.cmra, RESVOL_WEIGHTS.hsigma], { require: 'first' });
  },
}) satisfies FactorPlugin<typeof params>;

export default residualVolatility;

/** Whether a return cannot be compounded (≤ −100 %, +∞); `NaN` (missing) can. */
function isInvalid(v: number): boolean {
  return !Number.isNaN(v) && !(v > -1 && v < Infinity);
}


/**
 * Exponentially weighted std over each trailing window, `√(Σ w (x − x̄_w)² / Σ w)` with weight
 * `weights[t − s]` (`weights[k] = decay^k`), over the finite values.
 *
 * Exponentially weighted running sums, O(1) per cell: `S_t = d·S_{t−1} + v_t − d^W·v_{t−W}` for
 * the weighted sums of 1, x, x² (a missing value has weight 0), plus the plain count for
 * `minObs`. Re-seeded from scratch every `window` steps with x shifted by the plain mean of the
 * window, so the rounding drift stays around `window · ε` relative; a cell whose centred sum of
 * squares lost more than four digits to cancellation is recomputed exactly by the two-pass loop.
 */
function weightedStd(x: Float64Array, weights: Float64Array, minObs: number, out: Float64Array): void {
  const window = weights.length;
  const decay = window > 1 ? weights[1]! : 1;
  const dW = decay ** window;
  let sw = 0;
  let sx = 0;
  let sxx = 0;
  let n = 0;
  let c = 0;
  let since = window;
  for (let t = 0; t < x.length; t++) {
    const from = Math.max(0, t - window + 1);
    if (since >= window) {
      since = 0;
      let m = 0;
      let k = 0;
      for (let s = from; s <= t; s++) {
        const v = x[s]!;
        if (!Number.isFinite(v)) continue;
        m += v;
        k++;
      }
      c = k > 0 ? m / k : 0;
      sw = sx = sxx = 0;
      n = 0;
      for (let s = from; s <= t; s++) {
        const v = x[s]!;
        if (!Number.isFinite(v)) continue;
        const w = weights[t - s]!;
        const d = v - c;
        sw += w;
        sx += w * d;
        sxx += w * d * d;
        n++;
      }
    } else {
      sw *= decay;
      sx *= decay;
      sxx *= decay;
      const v = x[t]!;
      if (Number.isFinite(v)) {
        const d = v - c;
        sw += 1;
        sx += d;
        sxx += d * d;
        n++;
      }
      const old = t - window;
      if (old >= 0) {
        const vo = x[old]!;
        if (Number.isFinite(vo)) {
          const d = vo - c;
          sw -= dW;
          sx -= dW * d;
          sxx -= dW * d * d;
          n--;
        }
      }
    }
    since++;
    if (n < minObs) {
      out[t] = Number.NaN;
      continue;
    }
    const ss = sxx - (sx * sx) / sw;
    out[t] = ss >= 1e-4 * sxx ? Math.sqrt(ss / sw) : exactStd(x, weights, from, t);
  }
}

/** The weighted std of one cell by the direct two-pass loop (the ill-conditioned fallback). */
function exactStd(x: Float64Array, weights: Float64Array, from: number, t: number): number {
  let sw = 0;
  let swx = 0;
  for (let s = from; s <= t; s++) {
    const v = x[s]!;
    if (!Number.isFinite(v)) continue;
    sw += weights[t - s]!;
    swx += weights[t - s]! * v;
  }
  const mean = swx / sw;
  let ss = 0;
  for (let s = from; s <= t; s++) {
    const v = x[s]!;
    if (Number.isFinite(v)) ss += weights[t - s]! * (v - mean) * (v - mean);
  }
  return Math.sqrt(ss / sw);
}

