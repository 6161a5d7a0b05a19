/**
 * `@factorkit/constraints`: the standard constraint plugins of index-enhancement portfolios,
 * each made with core's `defineConstraint`. Compose them with `applyConstraints` (or a
 * strategy) through `plugin.with(params, { group, priority })`.
 *
 * Variables: the first block `w` holds the portfolio weights; `turnoverLimit` and
 * `trackingErrorCap` add auxiliary blocks named `<group>:t` and `<group>:y`.
 *
 * @packageDocumentation
 */
import type { ConstraintPlugin } from '@factorkit/core';
import { constituentShare } from './constituent-share.js';
import { fullyInvested } from './fully-invested.js';
import { industryNeutral } from './industry-neutral.js';
import { longOnly } from './long-only.js';
import { maxWeight } from './max-weight.js';
import { stockDeviation } from './stock-deviation.js';
import { styleExposure } from './style-exposure.js';
import { trackingErrorCap } from './tracking-error-cap.js';
import { tradability } from './tradability.js';
import { turnoverLimit } from './turnover-limit.js';

export { type ConstituentShareParams, constituentShare } from './constituent-share.js';
export { type FullyInvestedParams, fullyInvested } from './fully-invested.js';
export { type IndustryNeutralParams, MISSING_INDUSTRY, industryNeutral } from './industry-neutral.js';
export { longOnly } from './long-only.js';
export { type MaxWeightParams, maxWeight } from './max-weight.js';
export { type StockDeviationParams, stockDeviation } from './stock-deviation.js';
export { type StyleExposureParams, styleExposure, styleRange } from './style-exposure.js';
export { type TrackingErrorCapParams, trackingErrorCap } from './tracking-error-cap.js';
export { tradability } from './tradability.js';
export { type TurnoverLimitParams, turnoverLimit } from './turnover-limit.js';

/** Every constraint plugin of this package, e.g. to register them all at once. */
export const all: readonly ConstraintPlugin<any>[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  fullyInvested,
  longOnly,
  stockDeviation,
  maxWeight,
  industryNeutral,
  styleExposure,
  constituentShare,
  turnoverLimit,
  tradability,
  trackingErrorCap,
];
