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
};

/** The validated parameters of {@link turnoverLimit}. */
export type TurnoverLimitParams = ParamsOf<typeof params>;

/**
 * Turnover limit against the previous weights `w0`, through auxiliary variables `t ≥ 0`
 * (block `<group>:t`, one per asset): rows `tᵢ − wᵢ ≥ −w0ᵢ` (label `turnover:buy:<asset>`),
 * `tᵢ + wᵢ ≥ w0ᵢ` (`turnover:sell:<asset>`), so that tᵢ ≥ |wᵢ − w0ᵢ|, and one row
 * `Σ tᵢ ≤ limit` (two-way) or `≤ 2·limit` (one-way), labelled `turnover`.
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
    description: 'Σ|w − w_previous| ≤ limit (two-way) or ≤ 2·limit (one-way), through auxiliary variables t ≥ |w − w_previous|.',
    priority: 20,
    params,
  },
  build(ctx) {
    const owner = ownerOf('turnover-limit', ctx.rows.name);
    const w0 = previousOf(ctx, owner);
    const n = ctx.assets.length;
    const t = ctx.problem.addVariables(`${ctx.rows.name}:t`, n, { lower: 0 });
    for (let i = 0; i < n; i++) {
      const ti = t.start + i;
      ctx.rows.addRow({ index: [ti, i], value: [1, -1], lower: -w0[i]!, label: `turnover:buy:${ctx.assets[i]}` });
      ctx.rows.addRow({ index: [ti, i], value: [1, 1], lower: w0[i]!, label: `turnover:sell:${ctx.assets[i]}` });
    }
    const total = ctx.params.side === 'two-way' ? ctx.params.limit : 2 * ctx.params.limit;
    ctx.rows.addRow({
      index: Array.from({ length: n }, (_, i) => t.start + i),
      value: new Float64Array(n).fill(1),
      upper: total,
      label: 'turnover',
    });
  },
});
