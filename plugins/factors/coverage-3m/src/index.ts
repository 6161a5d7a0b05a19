/**
 * `@factorkit/factor-coverage-3m`: three-month analyst coverage (三个月机构覆盖) as a factorkit
 * plugin.
 *
 * Value at date `t`: `ln(1 + n)`, `n` = the number of distinct institutions that published a
 * report on the stock in the three months ending on `t` (or `n` itself with `transform: 'count'`).
 *
 * @packageDocumentation
 */
import { type FactorPlugin, Panel, type ParamsOf, defineFactor, param } from '@factorkit/core';

const ID = 'coverage_3m';

/** The store field this factor reads: distinct institutions with a report in the last 91 calendar days. */
export const COVERAGE_FIELD = 'analyst_coverage_3m';

const params = {
  transform: param.enum(['log1p', 'count'], {
    default: 'log1p',
    description: "'log1p' gives ln(1 + n), damping the long right tail of coverage counts; 'count' gives n itself.",
  }),
};

/** The validated parameters of {@link coverage3m}: `{ transform }`. */
export type Coverage3mParams = ParamsOf<typeof params>;

/**
 * Three-month analyst coverage (三个月机构覆盖): `ln(1 + n)` with `n` the number of distinct
 * institutions covering the stock in the last three months (the store's `analyst_coverage_3m`,
 * 91 calendar days ending on the date).
 *
 * Raw, not size-neutral: coverage grows with size, so neutralise downstream. Missing data: a
 * missing or negative count gives `NaN`; a stock nobody covers has `n = 0` in the store and
 * gets 0, a real value.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { coverage3m } from '@factorkit/factor-coverage-3m';
 * const { values } = computeFactor(coverage3m.with({ transform: 'count' }), data);
 */
export const coverage3m = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '三个月机构覆盖 (three-month analyst coverage)',
    description:
      'Number of distinct institutions with a research report on the stock in the last three months (91 calendar days), ' +
      "as ln(1 + n) (transform 'log1p', default) or n ('count'). Raw, not size-neutralised. NaN when the count is missing or negative.",
    category: 'analyst',
    inputs: [
      {
        field: COVERAGE_FIELD,
        kind: 'reference',
        lag: 0,
        description: 'Distinct institutions with a report dated in the 91 calendar days ending on the date (reports are public on their report date).',
      },
    ],
    lookback: 0,
    direction: 1,
    params,
    references: [
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), factor 三个月机构覆盖 (three-month institutional coverage).',
      'Hong, H., Lim, T. & Stein, J. C. (2000). Bad News Travels Slowly: Size, Analyst Coverage, and the Profitability of Momentum Strategies. Journal of Finance 55(1), 265–295.',
    ],
  },
  compute(ctx) {
    const n = ctx.input(COVERAGE_FIELD);
    const out = new Panel(n.dates, n.assets);
    const log = ctx.params.transform === 'log1p';
    const src = n.values;
    const dst = out.values;
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      dst[i] = v >= 0 && v < Number.POSITIVE_INFINITY ? (log ? Math.log1p(v) : v) : Number.NaN;
    }
    return out;
  },
}) satisfies FactorPlugin<typeof params>;

export default coverage3m;
