/**
 * `@factorkit/factor-expected-bp`: the expected BP value factor (预期BP) as a factorkit plugin.
 *
 * Value at date `t`: the analysts' consensus shareholders’ equity for the next twelve months, as
 * known on `t` (or the consensus book value per share × total shares), divided by the total
 * market cap at `t`.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, FactorkitError, type ParamsOf, defineFactor, param } from '@factorkit/core';
import { mapColumns2 } from '@factorkit/ops';

const ID = 'expected_bp';
const EQUITY_12M = 'consensus_equity_12m';
const BPS_12M = 'consensus_bps_12m';
const TOTAL_SHARE = 'total_share';

const params = {
  source: param.enum(['auto', 'equity', 'bps'], {
    default: 'auto',
    description:
      'Where the expected book value comes from: `equity` = consensus_equity_12m, `bps` = consensus_bps_12m × total_share, ' +
      '`auto` = equity when the dataset has it, else bps.',
  }),
};

/** The validated parameters of {@link expectedBp}: `{ source }`. */
export type ExpectedBpParams = ParamsOf<typeof params>;

/**
 * 预期BP (expected BP): consensus equity over the next twelve months / total market cap, or
 * consensus BPS × total shares / total market cap (param `source`). `NaN` without a consensus,
 * without the share count (bps path) or when the market cap is missing or ≤ 0.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { expectedBp } from '@factorkit/factor-expected-bp';
 * const { values } = computeFactor(expectedBp, data, { start: '2023-01-03' });
 */
export const expectedBp = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '预期BP (expected BP)',
    description:
      'Consensus shareholders’ equity for the next twelve months (consensus_equity_12m, or consensus_bps_12m × total_share ' +
      'when the dataset has no consensus equity) / total market cap. NaN without a consensus or when the market cap is missing or ≤ 0.',
    category: 'value',
    inputs: [
      {
        field: EQUITY_12M,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'Consensus shareholders’ equity over the next twelve months, CNY (time-weighted FY1 and FY2); point in time by the consensus date.',
      },
      {
        field: BPS_12M,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'Consensus book value per share over the next twelve months, CNY/share; used without consensus equity.',
      },
      {
        field: TOTAL_SHARE,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'Total shares outstanding (daily where the bars carry it, else from the latest report); used with consensus BPS.',
      },
      { field: FIELD.marketCap, kind: 'market', lag: 0, description: 'Total market cap, CNY, at the close.' },
    ],
    lookback: 0,
    direction: 1,
    params,
    references: [
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), 估值因子 预期BP: 一致预期滚动未来12个月归母净资产 / 总市值.',
      'Fama, E. F. & French, K. R. (1992). The Cross-Section of Expected Stock Returns. Journal of Finance 47(2), 427–465 (book-to-market).',
    ],
  },
  compute(ctx) {
    const has = (field: string) => ctx.has(field);
    const { source } = ctx.params;
    const useEquity = source === 'equity' || (source === 'auto' && has(EQUITY_12M));
    const needed = useEquity ? [EQUITY_12M] : [BPS_12M, TOTAL_SHARE];
    const missing = needed.filter((field) => !has(field));
    if (missing.length > 0) {
      const list = source === 'auto' ? `\`${EQUITY_12M}\` or ${missing.map((f) => `\`${f}\``).join(' and ')}` : missing.map((f) => `\`${f}\``).join(' and ');
      throw new FactorkitError('FK_MISSING_INPUT', `factor \`${ID}\` needs ${list} (source \`${source}\`), which the dataset does not have`, {
        details: { owner: `factor \`${ID}\``, missing: source === 'auto' ? [EQUITY_12M, ...missing] : missing },
      });
    }
    const marketCap = ctx.input(FIELD.marketCap);
    if (useEquity) {
      return mapColumns2(ctx.input(EQUITY_12M), marketCap, (equity, cap, out) => {
        for (let t = 0; t < out.length; t++) out[t] = ratio(equity[t]!, cap[t]!);
      });
    }
    const shares = ctx.input(TOTAL_SHARE);
    return mapColumns2(ctx.input(BPS_12M), marketCap, (bps, cap, out, a) => {
      const n = shares.column(a);
      // A share count ≤ 0 is bad data, not a reason to flip the sign of book value.
      for (let t = 0; t < out.length; t++) out[t] = n[t]! > 0 ? ratio(bps[t]! * n[t]!, cap[t]!) : Number.NaN;
    });
  },
}) satisfies FactorPlugin<typeof params>;

export default expectedBp;

/** `book / cap`; `NaN` unless both are finite and the cap is > 0. */
function ratio(book: number, cap: number): number {
  const v = book / cap;
  return cap > 0 && cap < Infinity && Number.isFinite(v) ? v : Number.NaN;
}
