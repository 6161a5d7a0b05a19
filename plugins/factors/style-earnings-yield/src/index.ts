/**
 * `@factorkit/factor-style-earnings-yield`: the Barra style factor EARNYILD (盈利收益率),
 * simplified, as a factorkit plugin.
 *
 * Value at date `t`: a weighted combination of the cross-sectionally standardised trailing EP
 * (TTM net profit / market cap) and forward EP (consensus next-twelve-months net profit /
 * market cap); trailing EP alone where there is no forward EP.
 *
 * @packageDocumentation
 */
import { FIELD, FactorkitError, type FactorPlugin, Panel, type ParamsOf, defineFactor, param } from '@factorkit/core';
import { combineZscores } from '@factorkit/ops';

const ID = 'earnings_yield';

/** TTM net profit attributable to the parent: preferred when the dataset has it. */
export const NP_PARENT_TTM_FIELD = 'np_parent_ttm';
/** TTM net profit (total, including minority interests): the fallback. */
export const NP_TTM_FIELD = 'net_profit_ttm';
/** Consensus net profit over the next twelve months (time-weighted FY1 / FY2). */
export const FORWARD_FIELD = 'consensus_net_profit_12m';

const params = {
  forwardWeight: param.number({
    default: 0.5,
    min: 0,
    max: 1,
    description: 'Weight of standardised forward EP when both are available; trailing EP gets 1 − forwardWeight.',
  }),
};

/** The validated parameters of {@link earningsYield}: `{ forwardWeight }`. */
export type EarningsYieldParams = ParamsOf<typeof params>;

/**
 * Barra EARNYILD, simplified (盈利收益率): per date, `zT` = standardised trailing EP and `zF` =
 * standardised forward EP (Barra standardisation: cap-weighted mean 0, equal-weighted sample
 * sd 1, over every asset with a value; 0 on a date without spread), then `(1 − w)·zT + w·zF` with `w = forwardWeight`.
 * An asset with only one of the two gets that one (the weights are renormalised over what is
 * available, as Barra does for missing descriptors); without the forward field, trailing EP alone.
 *
 * Profit: `np_parent_ttm` when the dataset has it, else `net_profit_ttm`; neither throws
 * `FK_MISSING_INPUT`. Missing data: no positive cap, or neither EP, gives `NaN`.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { earningsYield } from '@factorkit/factor-style-earnings-yield';
 * const { values } = computeFactor(earningsYield.with({ forwardWeight: 0.7 }), data);
 */
export const earningsYield = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '盈利收益率 (Barra EARNYILD, earnings yield, simplified)',
    description:
      'Per date: standardised trailing EP (TTM net profit / market cap) and standardised forward EP (consensus 12-month net profit / market cap), ' +
      'combined as (1 − forwardWeight)·zT + forwardWeight·zF (default 0.5 / 0.5), renormalised over the available ones; trailing EP alone without forward data.',
    category: 'style',
    inputs: [
      {
        field: FIELD.marketCap,
        kind: 'market',
        lag: 0,
        description: 'Total market capitalisation (CNY) at the close of the date: the denominator and the standardisation weights.',
      },
      {
        field: NP_PARENT_TTM_FIELD,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'TTM net profit attributable to the parent (CNY), from reports announced by the date (the store applies the announcement date). Preferred.',
      },
      {
        field: NP_TTM_FIELD,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'TTM net profit (CNY), from reports announced by the date. Used when the dataset has no np_parent_ttm.',
      },
      {
        field: FORWARD_FIELD,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'Consensus net profit (CNY) over the next twelve months, as known on the date.',
      },
    ],
    lookback: 0,
    direction: 1,
    params,
    references: [
      'MSCI Barra (2012). China Equity Model (CNE5), model description: EARNYILD = 0.68·EPFWD + 0.21·CETOP + 0.11·ETOP (predicted EP, cash earnings to price, trailing EP).',
      'Basu, S. (1977). Investment Performance of Common Stocks in Relation to Their Price-Earnings Ratios. Journal of Finance 32(3), 663–682.',
    ],
  },
  compute(ctx) {
    const profitField = ctx.has(NP_PARENT_TTM_FIELD) ? NP_PARENT_TTM_FIELD : ctx.has(NP_TTM_FIELD) ? NP_TTM_FIELD : undefined;
    if (!profitField) {
      throw new FactorkitError(
        'FK_MISSING_INPUT',
        `factor \`${ID}\` needs field \`${NP_PARENT_TTM_FIELD}\` or \`${NP_TTM_FIELD}\`, which the dataset does not have`,
        { details: { owner: `factor \`${ID}\``, missing: [NP_PARENT_TTM_FIELD, NP_TTM_FIELD] } },
      );
    }
    const cap = ctx.input(FIELD.marketCap);
    const trailing = yieldOn(ctx.input(profitField), cap);
    // A date whose yields cannot be standardised (all equal, one value) counts them as average (z = 0).
    const options = { centreWeights: cap, undefinedZ: 0 as const };
    if (!ctx.has(FORWARD_FIELD)) return combineZscores([trailing], [1], options);
    const w = ctx.params.forwardWeight;
    // Renormalised over the available standardised yields (a weight of 0 drops one entirely).
    return combineZscores([trailing, yieldOn(ctx.input(FORWARD_FIELD), cap)], [1 - w, w], options);
  },
}) satisfies FactorPlugin<typeof params>;

export default earningsYield;

/** `profit / cap` where the cap is positive and the ratio finite; `NaN` elsewhere. */
function yieldOn(profit: Panel, cap: Panel): Panel {
  const out = new Panel(cap.dates, cap.assets, new Float64Array(cap.values.length));
  for (let i = 0; i < out.values.length; i++) {
    const c = cap.values[i]!;
    const v = profit.values[i]! / c;
    out.values[i] = c > 0 && Number.isFinite(v) ? v : Number.NaN;
  }
  return out;
}

