import { type ConstraintPlugin, type ParamsOf, defineConstraint, param } from '@factorkit/core';
import { API_VERSION } from './util.js';

const params = {
  cash: param.number({
    default: 0,
    min: 0,
    max: 1,
    exclusiveMax: true,
    description: 'Cash allowance: the weights sum to a value in [1 − cash, 1]. 0 = exactly fully invested.',
  }),
};

/** The validated parameters of {@link fullyInvested}. */
export type FullyInvestedParams = ParamsOf<typeof params>;

/**
 * Fully invested: `1 − cash ≤ Σ wᵢ ≤ 1` — one row, labelled `budget`, over every weight.
 *
 * @example
 * fullyInvested.with()              // Σw = 1
 * fullyInvested.with({ cash: 0.05 }) // Σw ∈ [0.95, 1]
 */
export const fullyInvested: ConstraintPlugin<typeof params> = defineConstraint({
  id: 'fully-invested',
  apiVersion: API_VERSION,
  meta: {
    title: 'Fully invested (满仓)',
    description: 'The weights sum to 1, or to a value in [1 − cash, 1] with a cash allowance.',
    priority: 100,
    params,
  },
  build({ rows, assets, params: p }) {
    rows.addWeightRow(new Float64Array(assets.length).fill(1), 1 - p.cash, 1, 'budget');
  },
});
