import { type ConstraintPlugin, defineConstraint } from '@factorkit/core';
import { API_VERSION } from './util.js';

const params = {};

/**
 * Long only: `wᵢ ≥ 0` for every asset, as variable bounds owned by this group (no rows).
 *
 * @example
 * longOnly.with()
 */
export const longOnly: ConstraintPlugin<typeof params> = defineConstraint({
  id: 'long-only',
  apiVersion: API_VERSION,
  meta: {
    title: 'Long only (不做空)',
    description: 'Every weight is ≥ 0 (variable bounds, no rows).',
    priority: 100,
    params,
  },
  build({ rows, assets }) {
    for (let i = 0; i < assets.length; i++) rows.bound(i, 0, Number.POSITIVE_INFINITY);
  },
});
