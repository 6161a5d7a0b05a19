/**
 * `@factorkit/factor-style-growth`: a simplified Barra CNE5-style GROWTH risk factor (成长) as a
 * factorkit plugin.
 *
 * Value at date `t`: the mean of the cross-sectionally standardised TTM net-profit YoY growth
 * and TTM revenue YoY growth of the latest reports known on `t`.
 *
 * @packageDocumentation
 */
import { FactorkitError, type FactorPlugin, type ParamsOf, defineFactor, param } from '@factorkit/core';
import { combineZscores } from '@factorkit/ops';

const ID = 'growth';
const NP_PARENT = 'np_parent_ttm_yoy';
const NP_TOTAL = 'net_profit_ttm_yoy';
const REVENUE = 'revenue_ttm_yoy';

const params = {
  winsorizeK: param.number({
    default: 5,
    min: 0,
    description: 'Each descriptor is clipped per date to median ± k · 1.4826 · MAD before the z-score (growth rates have huge outliers from tiny bases); 0 = no clipping.',
  }),
  useRevenue: param.boolean({
    default: true,
    description: 'Include revenue growth when the dataset has `revenue_ttm_yoy`; false = profit growth alone.',
  }),
};

/** The validated parameters of {@link growth}: `{ winsorizeK, useRevenue }`. */
export type GrowthParams = ParamsOf<typeof params>;

/**
 * GROWTH (成长), simplified from Barra CNE5: per date, each available growth descriptor —
 * TTM net profit attributable to the parent YoY (`np_parent_ttm_yoy`, else total
 * `net_profit_ttm_yoy`) and TTM revenue YoY (`revenue_ttm_yoy`, optional) — is MAD-winsorised
 * and z-scored across all assets with a value (equal-weighted mean, sample std); the value is
 * the mean of the descriptors present, `NaN` without profit growth.
 *
 * @throws FactorkitError `FK_MISSING_INPUT` when the dataset has neither profit-growth field.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { growth } from '@factorkit/factor-style-growth';
 * const { values } = computeFactor(growth, data, { start: '2024-01-02' });
 */
export const growth = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '成长 GROWTH (Barra CNE5 style growth, simplified)',
    description:
      'Mean of the per-date MAD-winsorised z-scores of TTM net-profit YoY growth (parent when the data has ' +
      'it, else total) and TTM revenue YoY growth (optional). NaN without profit growth.',
    category: 'style',
    inputs: [
      {
        field: NP_PARENT,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'YoY growth of TTM net profit attributable to the parent, (X − X₋₁ᵧ)/|X₋₁ᵧ|, of the latest report announced by the date (the store applies ann_date). Preferred.',
      },
      {
        field: NP_TOTAL,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'YoY growth of TTM total net profit, latest report announced by the date; used when there is no parent figure.',
      },
      {
        field: REVENUE,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'YoY growth of TTM operating revenue, latest report announced by the date.',
      },
    ],
    lookback: 0,
    direction: 1,
    params,
    references: [
      'Orr, D. J., Mashtaler, I. & Nagy, A. (2012). The Barra China Equity Model (CNE5). MSCI Model Insight: GROWTH from analyst-predicted growth and 5-year earnings and sales growth (EGRLF, EGRSF, EGRO, SGRO).',
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》: 成长因子 (单季度/TTM 净利润同比增速, 营业收入同比增速).',
    ],
  },
  compute(ctx) {
    const { winsorizeK, useRevenue } = ctx.params;
    const profitField = ctx.has(NP_PARENT) ? NP_PARENT : ctx.has(NP_TOTAL) ? NP_TOTAL : undefined;
    if (profitField === undefined) {
      throw new FactorkitError('FK_MISSING_INPUT', `factor \`${ID}\` needs \`${NP_PARENT}\` or \`${NP_TOTAL}\`; the dataset has neither`, {
        details: { factor: ID, fields: [NP_PARENT, NP_TOTAL] },
      });
    }
    const descriptors = [ctx.input(profitField)];
    if (useRevenue && ctx.has(REVENUE)) descriptors.push(ctx.input(REVENUE));
    return combineZscores(
      descriptors,
      descriptors.map(() => 1),
      { require: 'first', ...(winsorizeK > 0 ? { winsorize: { method: 'mad', k: winsorizeK } } : {}) },
    );
  },
}) satisfies FactorPlugin<typeof params>;

export default growth;

