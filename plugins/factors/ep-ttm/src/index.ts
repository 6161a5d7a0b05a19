/**
 * `@factorkit/factor-ep-ttm`: the EPTTM value factor (EP TTM) as a factorkit plugin.
 *
 * Value at date `t`: trailing-twelve-month net profit (attributable to the parent when the
 * dataset has it) of the latest report announced by `t`, divided by the total market cap at `t`.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, FactorkitError, type ParamsOf, defineFactor, param } from '@factorkit/core';
import { ratioToPositive } from '@factorkit/ops';

const ID = 'ep_ttm';

/** TTM net profit attributable to the parent company (归母净利润 TTM). */
const PARENT = 'np_parent_ttm';
/** TTM net profit including minority interests (净利润 TTM). */
const TOTAL = 'net_profit_ttm';

const params = {
  source: param.enum(['auto', 'parent', 'total'], {
    default: 'auto',
    description:
      'Which TTM net profit: `parent` = np_parent_ttm (归母, the sell-side definition), `total` = net_profit_ttm, ' +
      '`auto` = parent when the dataset has it, else total.',
  }),
};

/** The validated parameters of {@link epTtm}: `{ source }`. */
export type EpTtmParams = ParamsOf<typeof params>;

/**
 * EPTTM (EP TTM, the earnings yield): TTM net profit / total market cap. Negative profits give
 * negative values (that is why EP, not PE, is used). `NaN` when the profit is missing or the
 * market cap is missing or ≤ 0.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { epTtm } from '@factorkit/factor-ep-ttm';
 * const { values } = computeFactor(epTtm, data, { start: '2023-01-03' });
 */
export const epTtm = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: 'EPTTM (EP TTM, 市盈率倒数)',
    description:
      'TTM net profit / total market cap. The profit is np_parent_ttm (attributable to the parent) when the dataset ' +
      'has it, else net_profit_ttm (param `source`). NaN when the profit is missing or the market cap is missing or ≤ 0.',
    category: 'value',
    inputs: [
      {
        field: PARENT,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'TTM net profit attributable to the parent, CNY, from the latest report announced by the date (the store applies ann_date).',
      },
      {
        field: TOTAL,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'TTM net profit, CNY, from the latest report announced by the date (the store applies ann_date).',
      },
      { field: FIELD.marketCap, kind: 'market', lag: 0, description: 'Total market cap, CNY, at the close.' },
    ],
    lookback: 0,
    direction: 1,
    params,
    references: [
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), 估值因子 EPTTM: 归母净利润 TTM / 总市值.',
      'Basu, S. (1977). Investment Performance of Common Stocks in Relation to Their Price-Earnings Ratios. Journal of Finance 32(3), 663–682.',
      'MSCI Barra CNE5 China Equity Model: Earnings Yield descriptor ETOP (trailing earnings-to-price).',
    ],
  },
  compute(ctx) {
    const field = profitField(ctx.params.source, (f) => ctx.has(f));
    return ratioToPositive(ctx.input(field), ctx.input(FIELD.marketCap));
  },
}) satisfies FactorPlugin<typeof params>;

export default epTtm;

/** The profit field for `source`, or `FK_MISSING_INPUT` naming what the dataset lacks. */
function profitField(source: EpTtmParams['source'], has: (field: string) => boolean): string {
  const wanted = source === 'parent' ? [PARENT] : source === 'total' ? [TOTAL] : [PARENT, TOTAL];
  const found = wanted.find((field) => has(field));
  if (found !== undefined) return found;
  throw new FactorkitError(
    'FK_MISSING_INPUT',
    `factor \`${ID}\` needs ${wanted.map((f) => `\`${f}\``).join(' or ')} (source \`${source}\`), which the dataset does not have`,
    { details: { owner: `factor \`${ID}\``, missing: wanted } },
  );
}

