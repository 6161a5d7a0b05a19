/**
 * `@factorkit/factor-volatility-3m`: the three-month volatility factor (三个月波动) as a
 * factorkit plugin.
 *
 * Value at date `t`: the sample standard deviation of the daily returns over the last `window`
 * trading days, `std{ ret_s : s = t−window+1 … t }` with divisor `n − 1`.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, Panel, type ParamsOf, defineFactor, param, show } from '@factorkit/core';
import { rollingStd } from '@factorkit/ops';

const ID = 'volatility_3m';

const params = {
  window: param.integer({
    default: 60,
    min: 3,
    max: 1000,
    description: 'Trading days of daily returns, counted back from the date (≈ three months at 60).',
  }),
  minObs: param.integer({
    default: 48,
    min: 2,
    description: 'Least number of returns present in the window; fewer gives NaN. Must be ≤ window.',
  }),
};

/** The validated parameters of {@link volatility3m}: `{ window, minObs }`. */
export type Volatility3mParams = ParamsOf<typeof params>;

/**
 * Three-month volatility (三个月波动): the sample standard deviation of the daily return `ret`
 * over the last `window` trading days.
 *
 * Missing data: a `NaN` return (not listed yet, no data) is skipped; the value is `NaN` when
 * fewer than `minObs` returns are present. A suspended day carries `ret = 0`, a real
 * observation (as in the store and in the synthetic market's planted definition).
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { volatility3m } from '@factorkit/factor-volatility-3m';
 * const { values } = computeFactor(volatility3m, data, { start: '2024-01-02' });
 */
export const volatility3m = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '三个月波动 (three-month volatility)',
    description:
      'Sample standard deviation (divisor n − 1) of daily returns over the last `window` trading days (default 60); ' +
      'NaN with fewer than `minObs` (default 48) returns present.',
    category: 'volatility',
    inputs: [
      {
        field: FIELD.ret,
        kind: 'market',
        lag: 0,
        description: 'Daily simple return from back-adjusted prices, known at that day’s close; 0 when suspended; NaN = missing.',
      },
    ],
    lookback: (p) => p.window,
    direction: -1,
    params,
    validate: (p) => (p.minObs > p.window ? [{ path: 'minObs', message: `expected an integer ≤ window (${p.window}), got ${show(p.minObs)}` }] : []),
    references: [
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), factor 三个月波动 (three-month volatility).',
      'Ang, A., Hodrick, R. J., Xing, Y. & Zhang, X. (2006). The Cross-Section of Volatility and Expected Returns. Journal of Finance 61(1), 259–299.',
    ],
  },
  compute(ctx) {
    const { window, minObs } = ctx.params;
    const ret = ctx.input(FIELD.ret);
    const out = new Panel(ret.dates, ret.assets, new Float64Array(ret.values.length)); // every cell is written below
    for (let a = 0; a < ret.assets; a++) rollingStd(ret.column(a), window, { minObs }, out.column(a));
    return out;
  },
}) satisfies FactorPlugin<typeof params>;

export default volatility3m;
