/**
 * `@factorkit/factor-style-beta`: the Barra CNE5-style BETA risk factor (贝塔) as a factorkit plugin.
 *
 * Value at date `t`: the exponentially weighted least-squares slope of the stock's daily return
 * on the float-cap-weighted market return over the last `window` trading days.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, Panel, type ParamsOf, defineFactor, param, show } from '@factorkit/core';
import { weightedMean } from '@factorkit/ops';

const ID = 'beta';

const params = {
  window: param.integer({
    default: 252,
    min: 5,
    max: 1000,
    description: 'Trading days of daily returns in the regression, counted back from the date (≈ one year at 252).',
  }),
  halfLife: param.number({
    default: 63,
    min: 0,
    description: 'Half-life in trading days of the exponential weights (a day s days back weighs 2^(−s/halfLife)); 0 = equal weights.',
  }),
  minObs: param.integer({
    default: 126,
    min: 3,
    description: 'Least number of days in the window with both a stock and a market return; fewer gives NaN. Must be ≤ window.',
  }),
};

/** The validated parameters of {@link beta}: `{ window, halfLife, minObs }`. */
export type BetaParams = ParamsOf<typeof params>;


/**
 * BETA (贝塔), the Barra CNE5 style factor: the slope `β` of the weighted regression
 * `r_s = α + β · R_s + e_s` over the days `s = t − window + 1 … t` on which both the stock's
 * return `r_s` and the market return `R_s` are finite, each weighted by `2^(−(t − s)/halfLife)`.
 * The market return is the float-cap-weighted mean of `ret` over all assets, with the float
 * market cap of the previous close as weight.
 *
 * Missing data: a day with a missing stock or market return is left out (its weight is not
 * redistributed). `NaN` when fewer than `minObs` days remain or the market return does not vary.
 * Raw slope: no cross-sectional standardisation here.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { beta } from '@factorkit/factor-style-beta';
 * const { values } = computeFactor(beta.with({ halfLife: 0 }), data, { start: '2024-01-02' });
 */
export const beta = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '贝塔 BETA (Barra CNE5 style beta)',
    description:
      'Exponentially weighted (half-life `halfLife`, default 63) OLS slope of the daily return on the ' +
      'float-cap-weighted market return (weights = previous-day float market cap) over the past ' +
      '`window` trading days (default 252); NaN with fewer than `minObs` (126) paired observations.',
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
        description: 'Float market cap at the previous close: the market-return weight, known before the day’s return.',
      },
    ],
    lookback: (p) => p.window,
    direction: 1,
    params,
    validate: (p) => (p.minObs > p.window ? [{ path: 'minObs', message: `expected an integer ≤ window (${p.window}), got ${show(p.minObs)}` }] : []),
    references: [
      'MSCI Barra (2012). Barra China Equity Model (CNE5) Descriptors, Empirical Notes: BETA — 252-day, half-life 63 exponentially weighted regression on the cap-weighted market return.',
      'Orr, D. J., Mashtaler, I. & Nagy, A. (2012). The Barra China Equity Model (CNE5). MSCI Model Insight.',
      '中信建投证券 / 国泰君安证券 金融工程, 《Barra 风险模型 (CNE5) 复现》 style-factor reports (贝塔因子).',
    ],
  },
  compute(ctx) {
    const { window, halfLife, minObs } = ctx.params;
    const ret = ctx.input(FIELD.ret);
    const market = weightedMean(ret, ctx.input(FIELD.floatMarketCap));
    const decay = halfLife > 0 ? 2 ** (-1 / halfLife) : 1;
    // Weight of the day k rows before t, k = 0 … window − 1.
    const weights = Float64Array.from({ length: window }, (_, k) => decay ** k);
    const out = new Panel(ret.dates, ret.assets, new Float64Array(ret.values.length)); // every cell is written below
    // Exponentially weighted running sums, O(1) per cell (see weightedSlope).
    for (let a = 0; a < ret.assets; a++) weightedSlope(ret.column(a), market, weights, minObs, out.column(a));
    return out;
  },
}) satisfies FactorPlugin<typeof params>;

export default beta;

/**
 * One asset: the weighted slope of `y` on `x` over each trailing window, `weights[k]` for the
 * day `k` rows back (`weights[k] = decay^k`).
 *
 * Exponentially weighted running sums over the pairs with both values finite (a missing pair
 * has weight 0): `S_t = d·S_{t−1} + v_t − d^W·v_{t−W}` for the weighted sums of 1, x, y, x², xy,
 * plus the plain count for `minObs`. O(1) per cell. The sums are re-seeded from scratch every
 * `window` steps, and x and y are shifted by the plain mean of the re-seed window, so the
 * rounding drift stays around `window · ε` relative. A cell whose centred x-sum of squares lost
 * more than four digits to cancellation is recomputed exactly by the two-pass loop.
 */
function weightedSlope(y: Float64Array, x: Float64Array, weights: Float64Array, minObs: number, out: Float64Array): void {
  const window = weights.length;
  const decay = window > 1 ? weights[1]! : 1;
  const dW = decay ** window;
  const reseedEvery = window;
  let sw = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let n = 0;
  let cx = 0;
  let cy = 0;
  let since = reseedEvery;
  for (let t = 0; t < y.length; t++) {
    const from = Math.max(0, t - window + 1);
    if (since >= reseedEvery) {
      // Re-seed: shift by the plain mean of the window's pairs, then sum directly.
      since = 0;
      let mx = 0;
      let my = 0;
      let k = 0;
      for (let s = from; s <= t; s++) {
        const xs = x[s]!;
        const ys = y[s]!;
        if (!Number.isFinite(xs) || !Number.isFinite(ys)) continue;
        mx += xs;
        my += ys;
        k++;
      }
      cx = k > 0 ? mx / k : 0;
      cy = k > 0 ? my / k : 0;
      sw = sx = sy = sxx = sxy = 0;
      n = 0;
      for (let s = from; s <= t; s++) {
        const xs = x[s]!;
        const ys = y[s]!;
        if (!Number.isFinite(xs) || !Number.isFinite(ys)) continue;
        const w = weights[t - s]!;
        const dx = xs - cx;
        const dy = ys - cy;
        sw += w;
        sx += w * dx;
        sy += w * dy;
        sxx += w * dx * dx;
        sxy += w * dx * dy;
        n++;
      }
    } else {
      sw *= decay;
      sx *= decay;
      sy *= decay;
      sxx *= decay;
      sxy *= decay;
      const xs = x[t]!;
      const ys = y[t]!;
      if (Number.isFinite(xs) && Number.isFinite(ys)) {
        const dx = xs - cx;
        const dy = ys - cy;
        sw += 1;
        sx += dx;
        sy += dy;
        sxx += dx * dx;
        sxy += dx * dy;
        n++;
      }
      const old = t - window;
      if (old >= 0) {
        const xo = x[old]!;
        const yo = y[old]!;
        if (Number.isFinite(xo) && Number.isFinite(yo)) {
          const dx = xo - cx;
          const dy = yo - cy;
          sw -= dW;
          sx -= dW * dx;
          sy -= dW * dy;
          sxx -= dW * dx * dx;
          sxy -= dW * dx * dy;
          n--;
        }
      }
    }
    since++;
    if (n < minObs) {
      out[t] = Number.NaN;
      continue;
    }
    const mxs = sx / sw;
    const cxx = sxx - sx * mxs;
    if (!(cxx >= 1e-4 * sxx)) {
      out[t] = exactSlope(y, x, weights, from, t);
      continue;
    }
    const cxy = sxy - mxs * sy;
    const mx = mxs + cx;
    // A (numerically) constant market return has no slope.
    out[t] = cxx > 1e-14 * sw * Math.max(1, mx * mx) ? cxy / cxx : Number.NaN;
  }
}

/** The weighted slope of one cell by the direct two-pass loop (the ill-conditioned fallback). */
function exactSlope(y: Float64Array, x: Float64Array, weights: Float64Array, from: number, t: number): number {
  let sw = 0;
  let swx = 0;
  let swy = 0;
  for (let s = from; s <= t; s++) {
    const xs = x[s]!;
    const ys = y[s]!;
    if (!Number.isFinite(xs) || !Number.isFinite(ys)) continue;
    const w = weights[t - s]!;
    sw += w;
    swx += w * xs;
    swy += w * ys;
  }
  const mx = swx / sw;
  const my = swy / sw;
  let sxx = 0;
  let sxy = 0;
  for (let s = from; s <= t; s++) {
    const xs = x[s]!;
    const ys = y[s]!;
    if (!Number.isFinite(xs) || !Number.isFinite(ys)) continue;
    const w = weights[t - s]!;
    sxx += w * (xs - mx) * (xs - mx);
    sxy += w * (xs - mx) * (ys - my);
  }
  // A (numerically) constant market return has no slope.
  return sxx > 1e-14 * sw * Math.max(1, mx * mx) ? sxy / sxx : Number.NaN;
}
