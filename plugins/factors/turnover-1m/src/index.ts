/**
 * `@factorkit/factor-turnover-1m`: the one-month turnover factor (一个月换手) as a factorkit plugin.
 *
 * Value at date `t`: the mean daily turnover (a fraction of float shares) over the trading days
 * among the last `window` trading days, `mean{ turnover_s : s = t−window+1 … t, traded }`.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, Panel, type ParamsOf, defineFactor, param, show } from '@factorkit/core';
import { rollingMean } from '@factorkit/ops';

const ID = 'turnover_1m';

const params = {
  window: param.integer({
    default: 20,
    min: 2,
    max: 1000,
    description: 'Trading days the turnover is averaged over, counted back from the date (≈ one month at 20).',
  }),
  minObs: param.integer({
    default: 10,
    min: 1,
    description: 'Least number of traded days (finite turnover) in the window; fewer gives NaN. Must be ≤ window.',
  }),
};

/** The validated parameters of {@link turnover1m}: `{ window, minObs }`. */
export type Turnover1mParams = ParamsOf<typeof params>;

/**
 * One-month turnover (一个月换手): the mean of the daily turnover `turnover` (volume / float
 * shares, a fraction) over the days the stock traded among the last `window` trading days.
 *
 * Missing data: a suspended day has no turnover (`NaN`) and is left out of the mean rather than
 * counted as zero; the value is `NaN` when fewer than `minObs` days carry a turnover.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { turnover1m } from '@factorkit/factor-turnover-1m';
 * const { values } = computeFactor(turnover1m, data, { start: '2024-01-02' });
 */
export const turnover1m = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '一个月换手 (one-month turnover)',
    description:
      'Mean daily turnover (fraction of float shares) over the traded days among the last `window` trading days ' +
      '(default 20); suspended days (no turnover) are skipped; NaN with fewer than `minObs` (default 10) traded days.',
    category: 'liquidity',
    inputs: [
      {
        field: FIELD.turnover,
        kind: 'market',
        lag: 0,
        description: 'Daily turnover as a fraction of float shares (0.012 = 1.2 %), known at that day’s close; NaN when suspended.',
      },
    ],
    lookback: (p) => p.window,
    direction: -1,
    params,
    validate: (p) => (p.minObs > p.window ? [{ path: 'minObs', message: `expected an integer ≤ window (${p.window}), got ${show(p.minObs)}` }] : []),
    references: [
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), factor 一个月换手 (one-month turnover).',
      'Datar, V. T., Naik, N. Y. & Radcliffe, R. (1998). Liquidity and stock returns: An alternative test. Journal of Financial Markets 1(2), 203–219.',
    ],
  },
  compute(ctx) {
    const { window, minObs } = ctx.params;
    const turnover = ctx.input(FIELD.turnover);
    const out = new Panel(turnover.dates, turnover.assets, new Float64Array(turnover.values.length)); // every cell is written below
    for (let a = 0; a < turnover.assets; a++) rollingMean(turnover.column(a), window, { minObs }, out.column(a));
    return out;
  },
}) satisfies FactorPlugin<typeof params>;

export default turnover1m;
