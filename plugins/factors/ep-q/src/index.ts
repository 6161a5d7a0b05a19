/**
 * `@factorkit/factor-ep-q`: the single-quarter EP value factor (单季EP) as a factorkit plugin.
 *
 * Value at date `t`: the single-quarter net profit (attributable to the parent when the dataset
 * has it) of the latest report announced by `t`, divided by the total market cap at `t`.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, FactorkitError, type ParamsOf, defineFactor, param } from '@factorkit/core';
import { ratioToPositive } from '@factorkit/ops';

const ID = 'ep_q';

/** Single-quarter net profit attributable to the parent company (单季度归母净利润). */
const PARENT = 'np_parent_q';
/** Single-quarter net profit including minority interests (单季度净利润). */
const TOTAL = 'net_profit_q';

const params = {
  source: param.enum(['auto', 'parent', 'total'], {
    default: 'auto',
    description:
      'Which single-quarter net profit: `parent` = np_parent_q (归母, the sell-side definition), `total` = net_profit_q, ' +
      '`auto` = parent when the dataset has it, else total.',
  }),
};

/** The validated parameters of {@link epQ}: `{ source }`. */
export type EpQParams = ParamsOf<typeof params>;

/**
 * 单季EP (single-quarter EP): the latest quarter's net profit / total market cap, not annualised.
 * Negative profits give negative values. `NaN` when the profit is missing or the
 * market cap is missing or ≤ 0.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { epQ } from '@factorkit/factor-ep-q';
 * const { values } = computeFactor(epQ, data, { start: '2023-01-03' });
 */
export const epQ = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '单季EP (single-quarter EP)',
    description:
      'Latest single-quarter net profit / total market cap (not annualised). The profit is np_parent_q (attributable to the parent) when the dataset ' +
      'has it, else net_profit_q (param `source`). NaN when the profit is missing or the market cap is missing or ≤ 0.',
    category: 'value',
    inputs: [
      {
        field: PARENT,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'Single-quarter net profit attributable to the parent, CNY (ytd(q) − ytd(q − 1); Q1 = ytd), from the latest report announced by the date (the store applies ann_date).',
      },
      {
        field: TOTAL,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'Single-quarter net profit, CNY (ytd(q) − ytd(q − 1); Q1 = ytd), from the latest report announced by the date (the store applies ann_date).',
      },
      { field: FIELD.marketCap, kind: 'market', lag: 0, description: 'Total market cap, CNY, at the close.' },
    ],
    lookback: 0,
    direction: 1,
    params,
    references: [
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), 估值因子 单季EP: 单季度归母净利润 / 总市值.',
      'Basu, S. (1977). Investment Performance of Common Stocks in Relation to Their Price-Earnings Ratios. Journal of Finance 32(3), 663–682.',
    ],
  },
  compute(ctx) {
    const field = profitField(ctx.params.source, (f) => ctx.has(f));
    return ratioToPositive(ctx.input(field), ctx.input(FIELD.marketCap));
  },
}) satisfies FactorPlugin<typeof params>;

export default epQ;

/** The profit field for `source`, or `FK_MISSING_INPUT` naming what the dataset lacks. */
function profitField(source: EpQParams['source'], has: (field: string) => boolean): string {
  const wanted = source === 'parent' ? [PARENT] : source === 'total' ? [TOTAL] : [PARENT, TOTAL];
  const found = wanted.find((field) => has(field));
  if (found !== undefined) return found;
  throw new FactorkitError(
    'FK_MISSING_INPUT',
    `factor \`${ID}\` needs ${wanted.map((f) => `\`${f}\``).join(' or ')} (source \`${source}\`), which the dataset does not have`,
    { details: { owner: `factor \`${ID}\``, missing: wanted } },
  );
}

