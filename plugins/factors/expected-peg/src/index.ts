/**
 * `@factorkit/factor-expected-peg`: the expected PEG factor (预期PEG) as a factorkit plugin.
 *
 * Value at date `t`: expected PE / (100 × expected growth), with expected PE = total market cap /
 * consensus net profit FY1 and expected growth = consensus net profit FY2 / FY1 − 1, as known on
 * `t`. Lower is cheaper growth.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, defineFactor } from '@factorkit/core';
import { mapColumns2 } from '@factorkit/ops';

const ID = 'expected_peg';
const NP_FY1 = 'consensus_net_profit_fy1';
const NP_FY2 = 'consensus_net_profit_fy2';

/**
 * 预期PEG (expected PEG): `PE / (100 · g)`, `PE = MV / NP_FY1`, `g = NP_FY2 / NP_FY1 − 1`.
 * `NaN` when the PE is not positive (a consensus loss for FY1), the growth is not positive, or
 * an input is missing; a PEG is only meaningful for profitable, growing companies.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { expectedPeg } from '@factorkit/factor-expected-peg';
 * const { values } = computeFactor(expectedPeg, data, { start: '2023-01-03' });
 */
export const expectedPeg = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '预期PEG (expected PEG)',
    description:
      'Expected PE / (100 × expected growth): PE = market_cap / consensus_net_profit_fy1, growth = consensus_net_profit_fy2 / ' +
      'consensus_net_profit_fy1 − 1. NaN when PE ≤ 0, growth ≤ 0 or an input is missing. Lower is cheaper growth (direction −1).',
    category: 'value',
    inputs: [
      {
        field: NP_FY1,
        kind: 'fundamental',
        lag: 0,
        description: 'Consensus net profit attributable to the parent for the fiscal year of the date, CNY; point in time by the consensus date.',
      },
      {
        field: NP_FY2,
        kind: 'fundamental',
        lag: 0,
        description: 'Consensus net profit attributable to the parent for the next fiscal year, CNY; point in time by the consensus date.',
      },
      { field: FIELD.marketCap, kind: 'market', lag: 0, description: 'Total market cap, CNY, at the close.' },
    ],
    lookback: 0,
    direction: -1,
    params: {},
    references: [
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), 估值因子 预期PEG: 预期PE / (预期净利润增长率 × 100).',
      'Lynch, P. (1989). One Up on Wall Street. Simon & Schuster (the PE-to-growth ratio).',
      'Easton, P. D. (2004). PE Ratios, PEG Ratios, and Estimating the Implied Expected Rate of Return on Equity Capital. The Accounting Review 79(1), 73–95.',
    ],
  },
  compute(ctx) {
    const fy2 = ctx.input(NP_FY2);
    return mapColumns2(ctx.input(NP_FY1), ctx.input(FIELD.marketCap), (np1, cap, out, a) => {
      const np2 = fy2.column(a);
      for (let t = 0; t < out.length; t++) out[t] = peg(cap[t]!, np1[t]!, np2[t]!);
    });
  },
}) satisfies FactorPlugin;

export default expectedPeg;

/**
 * PEG of one cell; `NaN` unless the PE and the growth are finite and positive. The cap and the
 * FY1 profit must each be positive: with both negative the PE would look positive, and a loss
 * deepening from FY1 to FY2 would look like growth.
 */
function peg(marketCap: number, np1: number, np2: number): number {
  if (!(marketCap > 0 && np1 > 0)) return Number.NaN;
  const pe = marketCap / np1;
  const growth = np2 / np1 - 1;
  if (!(pe > 0 && pe < Infinity && growth > 0 && growth < Infinity)) return Number.NaN;
  const value = pe / (100 * growth);
  return Number.isFinite(value) ? value : Number.NaN;
}
