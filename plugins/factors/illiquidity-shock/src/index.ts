/**
 * `@factorkit/factor-illiquidity-shock`: the illiquidity shock factor (非流动性冲击) as a
 * factorkit plugin.
 *
 * Value at date `t`: `log(ILLIQ_short / ILLIQ_long)`, with `ILLIQ_n` the mean Amihud ratio
 * `|ret| / amount` over the days with `amount > 0` among the last `n` trading days.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, Panel, type ParamsOf, defineFactor, param, show } from '@factorkit/core';
import { rollingMean } from '@factorkit/ops';

const ID = 'illiquidity_shock';

const params = {
  shortWindow: param.integer({
    default: 20,
    min: 2,
    max: 1000,
    description: 'Trading days of the recent Amihud illiquidity (≈ one month at 20). Must be < longWindow.',
  }),
  longWindow: param.integer({
    default: 240,
    min: 3,
    max: 2000,
    description: 'Trading days of the reference Amihud illiquidity (≈ one year at 240).',
  }),
};

/** The validated parameters of {@link illiquidityShock}: `{ shortWindow, longWindow }`. */
export type IlliquidityShockParams = ParamsOf<typeof params>;

/**
 * Illiquidity shock (非流动性冲击): the log ratio of the recent to the long-run Amihud
 * illiquidity, `log(ILLIQ_short / ILLIQ_long)`, `ILLIQ_n = mean(|ret| / amount)` over the days
 * with a positive amount among the last `n` trading days, needing at least `⌈n / 2⌉` of them.
 *
 * Missing data: a day with a missing return or amount, or `amount ≤ 0` (suspended), is not an
 * observation. The value is `NaN` when either average lacks observations or is 0 (a stock that
 * did not move for the whole short window has no defined log ratio).
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { illiquidityShock } from '@factorkit/factor-illiquidity-shock';
 * const { values } = computeFactor(illiquidityShock, data, { start: '2024-01-02' });
 */
export const illiquidityShock = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '非流动性冲击 (illiquidity shock)',
    description:
      'log(ILLIQ_20 / ILLIQ_240): ILLIQ_n = mean of |ret| / amount over the days with amount > 0 among the last n ' +
      'trading days, needing ≥ ⌈n/2⌉ such days. NaN when either mean is missing or 0.',
    category: 'liquidity',
    inputs: [
      {
        field: FIELD.ret,
        kind: 'market',
        lag: 0,
        description: 'Daily simple return from back-adjusted prices, known at that day’s close; NaN = missing.',
      },
      {
        field: FIELD.amount,
        kind: 'market',
        lag: 0,
        description: 'Daily traded value in CNY, known at that day’s close; 0 when suspended. Units cancel in the ratio.',
      },
    ],
    lookback: (p) => p.longWindow,
    direction: 1,
    params,
    validate: (p) =>
      p.shortWindow >= p.longWindow
        ? [{ path: 'shortWindow', message: `expected an integer < longWindow (${p.longWindow}), got ${show(p.shortWindow)}` }]
        : [],
    references: [
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), factor 非流动性冲击 (illiquidity shock).',
      'Amihud, Y. (2002). Illiquidity and stock returns: cross-section and time-series effects. Journal of Financial Markets 5(1), 31–56.',
      'Bali, T. G., Peng, L., Shen, Y. & Tang, Y. (2014). Liquidity Shocks and Stock Market Reactions. Review of Financial Studies 27(5), 1434–1485.',
    ],
  },
  compute(ctx) {
    const { shortWindow, longWindow } = ctx.params;
    const ret = ctx.input(FIELD.ret);
    const amount = ctx.input(FIELD.amount);
    const out = new Panel(ret.dates, ret.assets, new Float64Array(ret.values.length)); // every cell is written below
    const n = ret.dates;
    const ratio = new Float64Array(n);
    const short = new Float64Array(n);
    const long = new Float64Array(n);
    for (let a = 0; a < ret.assets; a++) {
      const r = ret.column(a);
      const v = amount.column(a);
      for (let t = 0; t < n; t++) {
        const x = Math.abs(r[t]!) / v[t]!;
        // Only a positive, finite amount is a traded day; NaN marks the others for rollingMean.
        ratio[t] = v[t]! > 0 && Number.isFinite(x) ? x : Number.NaN;
      }
      rollingMean(ratio, shortWindow, { minObs: Math.ceil(shortWindow / 2) }, short);
      rollingMean(ratio, longWindow, { minObs: Math.ceil(longWindow / 2) }, long);
      // A running mean of a window of zeros keeps a rounding residue (~1e-25) from the values
      // that left it; a running count of the positive ratios in the short window tells a truly
      // zero window apart.
      const col = out.column(a);
      let positive = 0;
      for (let t = 0; t < n; t++) {
        if (ratio[t]! > 0) positive++;
        if (t >= shortWindow && ratio[t - shortWindow]! > 0) positive--;
        const s = positive > 0 ? short[t]! : Number.NaN;
        const l = long[t]!;
        const value = s > 0 && l > 0 ? Math.log(s / l) : Number.NaN;
        col[t] = Number.isFinite(value) ? value : Number.NaN;
      }
    }
    return out;
  },
}) satisfies FactorPlugin<typeof params>;

export default illiquidityShock;
