import { checkParams } from '@factorkit/core';
import { type PreprocessConfig, preprocessParams, toPreprocessConfig } from '@factorkit/ops';
import type { ConstraintEntry } from './types.js';

/** The style the runner computes without a plugin (log market cap): the default constraints' and the risk model's default style. */
export const RUNNER_SIZE = 'size';

/**
 * The constraints of a strategy that declares none: the usual enhanced-index set.
 *
 * - `fully-invested`, `long-only`;
 * - `stock-deviation` with `limit: 0.01` (each weight within ±1 point of the benchmark's);
 * - `industry-neutral` over the categorical field `industry`;
 * - `style-exposure` on `size`: the runner provides the exposure named `size` (standardised log
 *   float market cap of each candidate, as the MFE context of `@factorkit/evaluate` does), a
 *   candidate without one counted at the mean (`missing: zero`; the run notes how many) instead of
 *   stopping the run (real data has a few rows without a cap);
 * - `constituent-share` with `min: 0.8` (at least 80% in benchmark constituents);
 * - `turnover-limit` with `limit: 0.3`, `side: one-way` (at most 30% one-way per rebalance);
 * - `tradability` (no buying at limit-up or suspended, no selling at limit-down or suspended).
 */
export const DEFAULT_CONSTRAINTS: readonly ConstraintEntry[] = deepFreeze([
  { id: 'fully-invested' },
  { id: 'long-only' },
  { id: 'stock-deviation', params: { limit: 0.01 } },
  { id: 'industry-neutral' },
  { id: 'style-exposure', params: { styles: [RUNNER_SIZE], missing: 'zero' } },
  { id: 'constituent-share', params: { min: 0.8 } },
  { id: 'turnover-limit', params: { limit: 0.3, side: 'one-way' } },
  { id: 'tradability' },
]);

/** The usual preprocessing pipeline, `preprocess: true`: the defaults of `@factorkit/ops`' `preprocessParams`. */
export function defaultPreprocess(): PreprocessConfig {
  const checked = checkParams(preprocessParams, {});
  if (!checked.ok) throw new Error('unreachable: the preprocessing defaults are valid');
  return toPreprocessConfig(checked.value);
}

/** The walk-forward schedule a model entry gets when it gives none. */
export const MODEL_DEFAULTS = { horizon: 5, retrainEvery: 20, window: 240, labelTransform: 'rank-normal' } as const;

/** Periods per year of `@factorkit/risk`'s covariances (daily), for the tracking-error cap. */
export const RISK_PERIODS_PER_YEAR = 252;

/** Freeze plain data all the way down (typed arrays are left as they are: they cannot be frozen). */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}
