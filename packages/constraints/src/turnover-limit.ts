import { type ConstraintPlugin, type ParamsOf, defineConstraint, param } from '@factorkit/core';
import { API_VERSION, ownerOf, previousOf } from './util.js';

const params = {
  limit: param.number({
    default: 0.2,
    min: 0,
    description: 'Largest turnover per rebalance, measured as `side` says (0.2 = 20%).',
  }),
  side: param.enum(['one-way', 'two-way'], {
    default: 'one-way',
    description: '`two-way`: Σ|w − w0| ≤ limit (buys + sells); `one-way`: ½ Σ|w − w0| ≤ limit (单边换手, buys = sells when both sides are fully invested).',
  }),
  formulation: param.enum(['split', 'abs'], {
    default: 'split',
    description:
      'How |w − w0| is linearised. `split`: w − p + m = w0 with buys p ≥ 0 and sells m ≥ 0 (n equality rows, 2n variables); ' +
      '`abs`: t ≥ |w − w0| (2n inequality rows, n variables). Same feasible weights; `split` solves faster with HiGHS.',
  }),
};

/** The validated parameters of {@link turnoverLimit}. */
export type TurnoverLimitParams = ParamsOf<typeof params>;

/**
 * Turnover limit against the previous weights `w0`: Σ|wᵢ − w0ᵢ| ≤ limit (two-way) or
 * ≤ 2·limit (one-way). Two linearisations give the same feasible weights:
 *
 * - `split` (default): buy and sell blocks `<group>:buy` (p ≥ 0) and `<group>:sell` (m ≥ 0),
 *   one equality row per asset `wᵢ − pᵢ + mᵢ = w0ᵢ` (label `turnover:trade:<asset>`) and one
 *   row `Σ (pᵢ + mᵢ) ≤ limit` (two-way) or `≤ 2·limit` (one-way), labelled `turnover`.
 *   Σ(p + m) ≥ Σ|w − w0| for every split, with equality when no asset is bought and sold at once.
 * - `abs`: block `<group>:t` (t ≥ 0), rows `tᵢ − wᵢ ≥ −w0ᵢ` (`turnover:buy:<asset>`) and
 *   `tᵢ + wᵢ ≥ w0ᵢ` (`turnover:sell:<asset>`), so that tᵢ ≥ |wᵢ − w0ᵢ|, and `Σ tᵢ ≤ …` (`turnover`).
 *
 * @example
 * turnoverLimit.with({ limit: 0.15 })                   // one-way turnover ≤ 15%
 * turnoverLimit.with({ limit: 0.3, side: 'two-way' })   // buys + sells ≤ 30%
 */
export const turnoverLimit: ConstraintPlugin<typeof params> = defineConstraint({
  id: 'turnover-limit',
  apiVersion: API_VERSION,
  meta: {
    title: 'Turnover limit (换手率约束)',
    description: 'Σ|w − w_previous| ≤ limit (two-way) or ≤ 2·limit (one-way), through buy/sell variables (or t ≥ |w − w_previous|).',
    priority: 20,
    params,
  },
  build(ctx) {
    const owner = ownerOf('turnover-limit', ctx.rows.name);
    const w0 = previousOf(ctx, owner);
    const n = ctx.assets.length;
    const total = ctx.params.side === 'two-way' ? ctx.params.limit : 2 * ctx.params.limit;
    if (ctx.params.formulation === 'abs') {
      const t = ctx.problem.addVariables(`${ctx.rows.name}:t`, n, { lower: 0 });
      for (let i = 0; i < n; i++) {
        const ti = t.start + i;
        ctx.rows.addRow({ index: [ti, i], value: [1, -1], lower: -w0[i]!, label: `turnover:buy:${ctx.assets[i]}` });
        ctx.rows.addRow({ index: [ti, i], value: [1, 1], lower: w0[i]!, label: `turnover:sell:${ctx.assets[i]}` });
      }
      ctx.rows.addRow({
        index: Array.from({ length: n }, (_, i) => t.start + i),
        value: new Float64Array(n).fill(1),
        upper: total,
        label: 'turnover',
      });
      return;
    }
    const buy = ctx.problem.addVariables(`${ctx.rows.name}:buy`, n, { lower: 0 });
    const sell = ctx.problem.addVariables(`${ctx.rows.name}:sell`, n, { lower: 0 });
    for (let i = 0; i < n; i++) {
      ctx.rows.addRow({ index: [i, buy.start + i, sell.start + i], value: [1, -1, 1], lower: w0[i]!, upper: w0[i]!, label: `turnover:trade:${ctx.assets[i]}` });
    }
    const index = new Int32Array(2 * n);
    for (let i = 0; i < n; i++) {
      index[i] = buy.start + i;
      index[n + i] = sell.start + i;
    }
    ctx.rows.addRow({ index, value: new Float64Array(2 * n).fill(1), upper: total, label: 'turnover' });
  },
});
