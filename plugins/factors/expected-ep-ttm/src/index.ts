/**
 * `@factorkit/factor-expected-ep-ttm`: the expected EP TTM value factor (预期EPTTM) as a
 * factorkit plugin.
 *
 * Value at date `t`: the analysts' consensus net profit for the next twelve months, as known on
 * `t`, divided by the total market cap at `t`.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, defineFactor } from '@factorkit/core';
import { ratioToPositive } from '@factorkit/ops';

const ID = 'expected_ep_ttm';
const CONSENSUS_NP_12M = 'consensus_net_profit_12m';

/**
 * 预期EPTTM (expected EP TTM): consensus net profit over the next twelve months / total market
 * cap. `NaN` when the stock has no consensus (no analyst coverage) or the market cap is
 * missing or ≤ 0. A negative consensus profit gives a negative value, kept.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { expectedEpTtm } from '@factorkit/factor-expected-ep-ttm';
 * const { values } = computeFactor(expectedEpTtm, data, { start: '2023-01-03' });
 */
export const expectedEpTtm = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '预期EPTTM (expected EP TTM)',
    description:
      'Consensus net profit for the next twelve months (consensus_net_profit_12m: time-weighted FY1 and FY2) / total market cap. ' +
      'NaN without a consensus or when the market cap is missing or ≤ 0.',
    category: 'value',
    inputs: [
      {
        field: CONSENSUS_NP_12M,
        kind: 'fundamental',
        lag: 0,
        description:
          'Consensus net profit attributable to the parent over the next twelve months, CNY: (1 − f)·FY1 + f·FY2, f = fraction of the calendar year elapsed; point in time by the consensus date.',
      },
      { field: FIELD.marketCap, kind: 'market', lag: 0, description: 'Total market cap, CNY, at the close.' },
    ],
    lookback: 0,
    direction: 1,
    params: {},
    references: [
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), 估值因子 预期EPTTM: 一致预期滚动未来12个月归母净利润 / 总市值.',
      'MSCI Barra CNE5 China Equity Model: Earnings Yield descriptor EPIBS (analyst-predicted earnings-to-price).',
    ],
  },
  compute(ctx) {
    return ratioToPositive(ctx.input(CONSENSUS_NP_12M), ctx.input(FIELD.marketCap));
  },
}) satisfies FactorPlugin;

export default expectedEpTtm;

