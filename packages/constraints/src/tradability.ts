import { type ConstraintPlugin, FactorkitError, defineConstraint } from '@factorkit/core';
import { API_VERSION, ownerOf, previousOf } from './util.js';

const params = {};

/**
 * Tradability from core's `Tradability` (`canBuy`, `canSell`, 1 = yes) and the previous
 * weights `w0`, as variable bounds owned by this group (no rows):
 * cannot buy (limit-up) → `wᵢ ≤ w0ᵢ`; cannot sell (limit-down) → `wᵢ ≥ w0ᵢ`;
 * neither (suspended) → `wᵢ = w0ᵢ`.
 *
 * @example
 * tradability.with()
 */
export const tradability: ConstraintPlugin<typeof params> = defineConstraint({
  id: 'tradability',
  apiVersion: API_VERSION,
  meta: {
    title: 'Tradability (停牌 / 涨跌停)',
    description: 'Assets that cannot be bought keep w ≤ previous, those that cannot be sold w ≥ previous, suspended ones w = previous.',
    priority: 90,
    params,
  },
  build(ctx) {
    const owner = ownerOf('tradability', ctx.rows.name);
    const flags = ctx.tradability;
    if (flags === undefined) {
      throw new FactorkitError('FK_MISSING_INPUT', `${owner} needs \`context.tradability\` (canBuy / canSell per asset), but the context has none`, {
        details: { owner, missing: ['tradability'] },
      });
    }
    const n = ctx.assets.length;
    for (const key of ['canBuy', 'canSell'] as const) {
      if (flags[key].length !== n) {
        throw new FactorkitError('FK_INVALID_DATA', `${owner}: tradability.${key} has ${flags[key].length} entries, expected one per asset (${n})`);
      }
    }
    const w0 = previousOf(ctx, owner);
    for (let i = 0; i < n; i++) {
      const lower = flags.canSell[i] === 0 ? w0[i]! : Number.NEGATIVE_INFINITY;
      const upper = flags.canBuy[i] === 0 ? w0[i]! : Number.POSITIVE_INFINITY;
      ctx.rows.bound(i, lower, upper);
    }
  },
});
