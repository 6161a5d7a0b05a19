/**
 * `@factorkit/factor-profit-q-yoy`: single-quarter operating-profit YoY growth (单季营利同比增速)
 * as a factorkit plugin, falling back to single-quarter net-profit YoY growth where the dataset
 * has no operating profit.
 *
 * Value at date `t`: `(X_q − X_{q−4}) / |X_{q−4}|`, `X` the single-quarter profit of the latest
 * report period `q` announced by `t`.
 *
 * @packageDocumentation
 */
import { type FactorPlugin, FactorkitError, Panel, type ParamsOf, defineFactor, param } from '@factorkit/core';

const ID = 'profit_q_yoy';

/** Single-quarter YoY growth of operating profit. */
export const OP_PROFIT_Q_YOY = 'op_profit_q_yoy';
/** Single-quarter YoY growth of net profit attributable to the parent company. */
export const NP_PARENT_Q_YOY = 'np_parent_q_yoy';
/** Single-quarter YoY growth of total net profit (minority interests included). */
export const NET_PROFIT_Q_YOY = 'net_profit_q_yoy';

const params = {
  profit: param.enum(['auto', 'operating', 'net'], {
    default: 'auto',
    description:
      "Which profit: 'operating' (op_profit_q_yoy), 'net' (np_parent_q_yoy, else net_profit_q_yoy), or 'auto' " +
      '(operating when the dataset has it, else net).',
  }),
};

/** The validated parameters of {@link profitQYoy}: `{ profit }`. */
export type ProfitQYoyParams = ParamsOf<typeof params>;

/** The fields each choice may read, best first. */
const CANDIDATES: Readonly<Record<ProfitQYoyParams['profit'], readonly string[]>> = {
  operating: [OP_PROFIT_Q_YOY],
  net: [NP_PARENT_Q_YOY, NET_PROFIT_Q_YOY],
  auto: [OP_PROFIT_Q_YOY, NP_PARENT_Q_YOY, NET_PROFIT_Q_YOY],
};

/**
 * The field {@link profitQYoy} reads for a `profit` choice, given which fields a dataset has;
 * `undefined` when it has none of the candidates.
 */
export function profitField(profit: ProfitQYoyParams['profit'], has: (field: string) => boolean): string | undefined {
  return CANDIDATES[profit].find((field) => has(field));
}

/**
 * Single-quarter operating-profit YoY growth (单季营利同比增速): the store's
 * `op_profit_q_yoy`, `(X_q − X_{q−4}) / |X_{q−4}|` for the latest report period `q` announced
 * by the date. Without operating profit in the dataset (`profit: 'auto'`) it is the same
 * growth of net profit attributable to the parent (`np_parent_q_yoy`), else of total net
 * profit (`net_profit_q_yoy`).
 *
 * Missing data: no report yet, a missing year-ago quarter or a zero base gives `NaN`. A
 * dataset with none of the fields the choice allows throws `FK_MISSING_INPUT` naming them.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { profitQYoy } from '@factorkit/factor-profit-q-yoy';
 * const { values } = computeFactor(profitQYoy, data, { start: '2024-01-02' });
 */
export const profitQYoy = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '单季营利同比增速 (single-quarter operating-profit YoY growth)',
    description:
      'Single-quarter year-on-year growth (X_q − X_{q−4}) / |X_{q−4}| of operating profit for the latest report ' +
      "announced by the date; with profit 'auto' (default) falls back to net profit attributable to the parent, " +
      'then total net profit, when the dataset has no operating profit.',
    category: 'growth',
    inputs: [
      {
        field: OP_PROFIT_Q_YOY,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'Single-quarter operating-profit YoY growth; visible from the report’s ann_date (the store handles point in time).',
      },
      {
        field: NP_PARENT_Q_YOY,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'Single-quarter YoY growth of net profit attributable to the parent; visible from ann_date.',
      },
      {
        field: NET_PROFIT_Q_YOY,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'Single-quarter YoY growth of total net profit; visible from ann_date.',
      },
    ],
    lookback: 0,
    direction: 1,
    params,
    references: [
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), factor 单季营利同比增速 (single-quarter operating-profit YoY growth).',
    ],
  },
  compute(ctx) {
    const field = profitField(ctx.params.profit, (f) => ctx.has(f));
    if (field === undefined) {
      const wanted = CANDIDATES[ctx.params.profit];
      throw new FactorkitError(
        'FK_MISSING_INPUT',
        `factor \`${ID}\` with profit '${ctx.params.profit}' needs one of the fields ${wanted.map((f) => `\`${f}\``).join(', ')}, which the dataset does not have`,
        { details: { owner: `factor \`${ID}\``, missing: [...wanted] } },
      );
    }
    const source = ctx.input(field);
    // A zero year-ago base gives ±Infinity in the store; it is no growth rate.
    const src = source.values;
    const out = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      out[i] = v - v === 0 ? v : Number.NaN;
    }
    return new Panel(source.dates, source.assets, out);
  },
}) satisfies FactorPlugin<typeof params>;

export default profitQYoy;
