import { type ConstraintPlugin, type GroupBuilder, type ParamsOf, type ProblemBuilder, defineConstraint, param } from '@factorkit/core';
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
  formulation: param.enum(['split', 'abs', 'held'], {
    default: 'split',
    description:
      'How |w − w0| is linearised. `split`: w − p + m = w0 with buys p ≥ 0 and sells m ≥ 0 (n equality rows, 2n variables); ' +
      '`abs`: t ≥ |w − w0| (2n inequality rows, n variables); `held`: `split` for the h assets with w0 ≠ 0 only, the others ' +
      'bounded w ≥ 0 and counted by their weight (h equality rows, 2h variables; long-only from flat). Same feasible long-only weights; ' +
      '`split` solves faster than `abs` with HiGHS, and `held` faster still when few assets are held.',
  }),
};

/** The validated parameters of {@link turnoverLimit}. */
export type TurnoverLimitParams = ParamsOf<typeof params>;

/**
 * Turnover limit against the previous weights `w0`: Σ|wᵢ − w0ᵢ| ≤ limit (two-way) or
 * ≤ 2·limit (one-way). Three linearisations give the same feasible weights (`held`: the same
 * long-only weights):
 *
 * - `split` (default): buy and sell blocks `<group>:buy` (p ≥ 0) and `<group>:sell` (m ≥ 0),
 *   one equality row per asset `wᵢ − pᵢ + mᵢ = w0ᵢ` (label `turnover:trade:<asset>`) and one
 *   row `Σ (pᵢ + mᵢ) ≤ limit` (two-way) or `≤ 2·limit` (one-way), labelled `turnover`.
 *   Σ(p + m) ≥ Σ|w − w0| for every split, with equality when no asset is bought and sold at once.
 * - `abs`: block `<group>:t` (t ≥ 0), rows `tᵢ − wᵢ ≥ −w0ᵢ` (`turnover:buy:<asset>`) and
 *   `tᵢ + wᵢ ≥ w0ᵢ` (`turnover:sell:<asset>`), so that tᵢ ≥ |wᵢ − w0ᵢ|, and `Σ tᵢ ≤ …` (`turnover`).
 * - `held`: `split` over the assets held (w0ᵢ ≠ 0) only, the k-th of them with buy and sell
 *   variables `<group>:buy` / `<group>:sell` number k. An asset not held gets the bound wᵢ ≥ 0
 *   from this group (it can only be bought, so |wᵢ − 0| = wᵢ) and enters the `turnover` row with
 *   its weight: `Σ_{not held} wᵢ + Σ_{held} (pₖ + mₖ) ≤ …`. For long-only weights this is the
 *   same limit with far fewer rows and variables when few of the assets are held (an MFE
 *   portfolio over the whole market: ~100 held among ~2,800 candidates). Relaxing the group
 *   (`@factorkit/portfolio`) without naming its rows also widens the bounds it owns; with
 *   `long-only` in the problem it owns none.
 *
 * @example
 * turnoverLimit.with({ limit: 0.15 })                   // one-way turnover ≤ 15%
 * turnoverLimit.with({ limit: 0.3, side: 'two-way' })   // buys + sells ≤ 30%
 * turnoverLimit.with({ limit: 0.3, formulation: 'held' }) // long-only, few of the assets held
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
    if (ctx.params.formulation === 'held') {
      buildHeld(ctx.problem, ctx.rows, ctx.assets, w0, total);
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

/** The `held` formulation: buy/sell split for the assets with w0 ≠ 0, the weight itself for the others (bounded ≥ 0). */
function buildHeld(problem: ProblemBuilder, rows: GroupBuilder, assets: readonly string[], w0: Float64Array, total: number): void {
  const n = assets.length;
  const held: number[] = [];
  for (let i = 0; i < n; i++) if (w0[i] !== 0) held.push(i);
  const h = held.length;
  const buy = problem.addVariables(`${rows.name}:buy`, h, { lower: 0 });
  const sell = problem.addVariables(`${rows.name}:sell`, h, { lower: 0 });
  held.forEach((i, k) => {
    rows.addRow({ index: [i, buy.start + k, sell.start + k], value: [1, -1, 1], lower: w0[i]!, upper: w0[i]!, label: `turnover:trade:${assets[i]}` });
  });
  // Columns in increasing order: the weights not held, then the buys, then the sells.
  const index = new Int32Array(n + h);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (w0[i] !== 0) continue;
    rows.bound(i, 0, Number.POSITIVE_INFINITY);
    index[k++] = i;
  }
  for (let j = 0; j < h; j++) index[k++] = buy.start + j;
  for (let j = 0; j < h; j++) index[k++] = sell.start + j;
  rows.addRow({ index, value: new Float64Array(n + h).fill(1), upper: total, label: 'turnover' });
}
