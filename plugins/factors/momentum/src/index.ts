/**
 * `@factorkit/factor-momentum`: the one-year momentum factor (一年动量) as a factorkit plugin.
 *
 * Value at date `t`: the compounded daily return over the past `window` trading days leaving
 * out the most recent `skip`, `Π_{s = t−window+1}^{t−skip} (1 + ret_s) − 1`.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, Panel, type ParamsOf, defineFactor, param, show } from '@factorkit/core';

const ID = 'momentum_1y';

const params = {
  window: param.integer({
    default: 250,
    min: 20,
    max: 1000,
    description: 'Trading days the return is measured over, counted back from the date (≈ one year at 250).',
  }),
  skip: param.integer({
    default: 20,
    min: 0,
    description: 'Most recent trading days left out (≈ one month at 20, the short-term reversal zone). Must be < window.',
  }),
  minCoverage: param.number({
    default: 0.8,
    min: 0,
    exclusiveMin: true,
    max: 1,
    description: 'Least fraction of the window − skip daily returns that must be present; fewer gives NaN.',
  }),
};

/** The validated parameters of {@link momentum}: `{ window, skip, minCoverage }`. */
export type MomentumParams = ParamsOf<typeof params>;

/**
 * One-year momentum (一年动量): the compounded return from the close of day `t − window` to the
 * close of day `t − skip`, built from the daily return field `ret`, so that adjustment-factor
 * breaks in price series never leak in.
 *
 * Missing data: a `NaN` return (not listed yet, no data) and a day before the first row of the
 * data are not observations; the value is `NaN` when fewer than `⌈minCoverage × (window − skip)⌉`
 * returns are present. A suspended day carries `ret = 0`, a real observation. A return with
 * `1 + ret ≤ 0` or `ret = +∞` is invalid and makes the value `NaN` on every date whose window
 * holds it.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { momentum } from '@factorkit/factor-momentum';
 * const { values } = computeFactor(momentum.with({ window: 120, skip: 10 }), data, { start: '2024-01-02' });
 */
export const momentum = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '一年动量 (one-year momentum)',
    description:
      'Compounded daily return over the past `window` trading days excluding the most recent `skip` ' +
      '(default 250 and 20): Π (1 + ret) − 1 over days t−window+1 … t−skip. NaN when fewer than ' +
      'minCoverage × (window − skip) returns are present or when the window holds a return ≤ −100 %.',
    category: 'momentum',
    inputs: [
      {
        field: FIELD.ret,
        kind: 'market',
        lag: 0,
        description: 'Daily simple return from back-adjusted prices, known at that day’s close; NaN = missing.',
      },
    ],
    lookback: (p) => p.window,
    direction: 1,
    params,
    validate: (p) => (p.skip >= p.window ? [{ path: 'skip', message: `expected an integer < window (${p.window}), got ${show(p.skip)}` }] : []),
    references: [
      'Jegadeesh, N. & Titman, S. (1993). Returns to Buying Winners and Selling Losers: Implications for Stock Market Efficiency. Journal of Finance 48(1), 65–91.',
      'Carhart, M. M. (1997). On Persistence in Mutual Fund Performance. Journal of Finance 52(1), 57–82 (momentum over the past year, skipping the latest month).',
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), factor 一年动量 (one-year momentum).',
    ],
  },
  compute(ctx) {
    const { window, skip, minCoverage } = ctx.params;
    const ret = ctx.input(FIELD.ret);
    const out = new Panel(ret.dates, ret.assets, new Float64Array(ret.values.length)); // every cell is written below
    const span = window - skip;
    // Tolerance so that, e.g., 0.28 × 25 (= 7.000000000000001 in binary) asks for 7 returns, not 8.
    const required = Math.max(1, Math.ceil(minCoverage * span - 1e-9));
    for (let a = 0; a < ret.assets; a++) rollingMomentum(ret.column(a), out.column(a), skip, span, required);
    return out;
  },
}) satisfies FactorPlugin<typeof params>;

export default momentum;

/**
 * One asset, O(n): `out[t]` from the returns at `t − skip − span + 1 … t − skip`, keeping a
 * running sum of `log(1 + r)` and counts of valid and invalid returns as the window slides.
 */
function rollingMomentum(ret: Float64Array, out: Float64Array, skip: number, span: number, required: number): void {
  let sumLog = 0;
  let valid = 0;
  let invalid = 0;
  for (let t = 0; t < ret.length; t++) {
    const enter = t - skip;
    if (enter >= 0) {
      const r = ret[enter]!;
      if (r > -1 && r < Infinity) {
        sumLog += Math.log1p(r);
        valid++;
      } else if (!Number.isNaN(r)) invalid++;
    }
    const leave = enter - span;
    if (leave >= 0) {
      const r = ret[leave]!;
      if (r > -1 && r < Infinity) {
        sumLog -= Math.log1p(r);
        // An empty window restarts from an exact 0, so rounding never outlives the data.
        if (--valid === 0) sumLog = 0;
      } else if (!Number.isNaN(r)) invalid--;
    }
    out[t] = invalid === 0 && valid >= required ? Math.expm1(sumLog) : Number.NaN;
  }
}
