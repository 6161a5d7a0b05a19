import { type ConstraintPlugin, type ParamsOf, defineConstraint, param } from '@factorkit/core';
import { API_VERSION } from './util.js';

const params = {
  cap: param.number({
    default: 0.1,
    min: 0,
    max: 1,
    exclusiveMin: true,
    description: 'Largest weight of any one stock (0.1 = 10%).',
  }),
};

/** The validated parameters of {@link maxWeight}. */
export type MaxWeightParams = ParamsOf<typeof params>;

/**
 * Weight cap: `wᵢ ≤ cap` for every asset, as upper bounds owned by this group (no rows).
 *
 * @example
 * maxWeight.with({ cap: 0.05 })
 */
export const maxWeight: ConstraintPlugin<typeof params> = defineConstraint({
  id: 'max-weight',
  apiVersion: API_VERSION,
  meta: {
    title: 'Weight cap (个股权重上限)',
    description: 'Every weight is ≤ cap (variable bounds, no rows).',
    priority: 50,
    params,
  },
  build({ rows, assets, params: p }) {
    for (let i = 0; i < assets.length; i++) rows.bound(i, Number.NEGATIVE_INFINITY, p.cap);
  },
});
