/**
 * `@factorkit/factor-reversal-3m`: the three-month reversal factor (三个月反转) as a factorkit
 * plugin.
 *
 * Value at date `t`: the compounded daily return over the last `window` trading days,
 * `Π_{s = t−window+1}^{t} (1 + ret_s) − 1`.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, Panel, type ParamsOf, defineFactor, param, show } from '@factorkit/core';
import { rollingCompound } from '@factorkit/ops';

const ID = 'reversal_3m';

const params = {
  window: param.integer({
    default: 60,
    min: 2,
    max: 1000,
    description: 'Trading days the return is compounded over, counted back from the date (≈ three months at 60).',
  }),
  minObs: param.integer({
    default: 48,
    min: 1,
    description: 'Least number of returns present in the window; fewer gives NaN. Must be ≤ window.',
  }),
};

/** The validated parameters of {@link reversal3m}: `{ window, minObs }`. */
export type Reversal3mParams = ParamsOf<typeof params>;

/**
 * Three-month reversal (三个月反转): the compounded return `Π (1 + ret) − 1` over the last
 * `window` trading days, today included. Lower is better (direction −1): past losers are
 * expected to outperform.
 *
 * Missing data: a `NaN` return counts as a factor of 1 but not as an observation; the value is
 * `NaN` with fewer than `minObs` returns. A suspended day carries `ret = 0`, a real observation.
 * A return of exactly −100 % makes the value −1.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { reversal3m } from '@factorkit/factor-reversal-3m';
 * const { values } = computeFactor(reversal3m, data, { start: '2024-01-02' });
 */
export const reversal3m = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '三个月反转 (three-month reversal)',
    description:
      'Compounded daily return over the last `window` trading days (default 60), today included: Π (1 + ret) − 1; ' +
      'NaN with fewer than `minObs` (default 48) returns present. Direction −1: past losers outperform.',
    category: 'reversal',
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
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), factor 三个月反转 (three-month reversal).',
      'Jegadeesh, N. (1990). Evidence of Predictable Behavior of Security Returns. Journal of Finance 45(3), 881–898.',
    ],
  },
  compute(ctx) {
    const { window, minObs } = ctx.params;
    const ret = ctx.input(FIELD.ret);
    const out = new Panel(ret.dates, ret.assets, new Float64Array(ret.values.length)); // every cell is written below
    for (let a = 0; a < ret.assets; a++) rollingCompound(ret.column(a), window, { minObs }, out.column(a));
    return out;
  },
}) satisfies FactorPlugin<typeof params>;

export default reversal3m;
