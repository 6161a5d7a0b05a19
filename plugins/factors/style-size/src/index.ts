/**
 * `@factorkit/factor-style-size`: the Barra style factor SIZE (规模) as a factorkit plugin.
 *
 * Value at date `t`: `ln(market_cap_t)`, the natural log of total market capitalisation.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, defineFactor } from '@factorkit/core';
import { logSize } from '@factorkit/ops';

const ID = 'size';

const params = {};

/**
 * Barra SIZE (规模): `ln(market_cap)`, the log of total market capitalisation on the date.
 *
 * Raw: Barra standardises every style exposure (cap-weighted mean 0, equal-weighted sd 1) over
 * its estimation universe; do that in preprocessing (`standardize: { weights: 'cap' }`).
 * Missing data: a missing, zero or negative market cap gives `NaN`.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { size } from '@factorkit/factor-style-size';
 * const { values } = computeFactor(size, data, { start: '2024-01-02' });
 */
export const size = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '规模 (Barra SIZE, log market cap)',
    description:
      'Natural log of total market capitalisation on the date, ln(market_cap) (Barra CNE5 SIZE, LNCAP). ' +
      'Raw, not standardised. NaN when the cap is missing or ≤ 0. Direction −1: in A-shares small caps have earned more.',
    category: 'style',
    inputs: [
      {
        field: FIELD.marketCap,
        kind: 'market',
        lag: 0,
        description: 'Total market capitalisation, CNY, at the close of the date (raw close × total shares).',
      },
    ],
    lookback: 0,
    direction: -1,
    params,
    references: [
      'MSCI Barra (2012). China Equity Model (CNE5) — Empirical Notes / Model Description: SIZE = LNCAP, the natural log of market capitalisation.',
      'Fama, E. F. & French, K. R. (1993). Common Risk Factors in the Returns on Stocks and Bonds. Journal of Financial Economics 33(1), 3–56.',
      'Liu, J., Stambaugh, R. F. & Yuan, Y. (2019). Size and Value in China. Journal of Financial Economics 134(1), 48–69.',
    ],
  },
  compute(ctx) {
    return logSize(ctx.input(FIELD.marketCap));
  },
}) satisfies FactorPlugin<typeof params>;

export default size;
