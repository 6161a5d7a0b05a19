/**
 * @factorkit/ops: the operators factor plugins are built from, and the preprocessing pipeline
 * every factor goes through.
 *
 * - time series, on one asset's `Float64Array` history (a `Panel` column): `delay`, `delta`,
 *   rolling sum / mean / var / std / min / max / rank / product, `ewma`, rolling covariance,
 *   correlation, regression slope and residuals; all NaN-aware with a `minObs` threshold, O(n)
 *   where the maths allows; `tsPanel.*` applies them to every column of a `Panel`;
 * - cross-sectional, per date over a {@link Mask} of eligible assets: `rank`, `percentile`,
 *   `zscore`, `winsorizeMad`, `winsorizeSigma`, group-wise ops by industry, and `neutralize`
 *   (industry dummies + size + extra regressors, by Frisch–Waugh–Lovell); one-row kernels
 *   (`rankInPlace`, `zscoreInPlace`, `rankNormalInPlace`, `correlation` of two cross-sections,
 *   `sortOrder` + `ranksInOrder` to rank many subsets of one row after one sort) for loops over
 *   dates; `normalQuantile` (Φ⁻¹);
 * - training sets of combination models (`@factorkit/core`'s `TrainingSet`): `icByDate`, each
 *   factor's IC on each date, and `linearScores`, a linear combination with missing exposures
 *   at 0;
 * - {@link preprocess}: winsorise → neutralise → standardise → fill, with a report of what
 *   every stage changed or dropped and why.
 *
 * Missing values are `NaN` everywhere; an infinite input counts as missing too.
 *
 * @packageDocumentation
 */
export type { RollingOptions, VarianceOptions } from './ts/options.js';
export { delay, delta, pctChange } from './ts/shift.js';
export { rollingMean, rollingStd, rollingSum, rollingVar } from './ts/moments.js';
export { rollingMax, rollingMin } from './ts/extrema.js';
export { type RollingRankOptions, rollingRank } from './ts/rank.js';
export { rollingCompound, rollingCompoundBlocks, rollingProduct } from './ts/product.js';
export { type EwmaOptions, alphaFromHalfLife, ewma } from './ts/ewma.js';
export { rollingCorr, rollingCov, rollingResidual, rollingResidualStd, rollingSlope } from './ts/pair.js';
export { mapColumns, mapColumns2, tsPanel } from './ts/panel.js';
export { type Mask, maskAnd, maskFromPanel } from './cs/mask.js';
export {
  type CsOptions,
  type WinsorizeOptions,
  type ZscoreOptions,
  logSize,
  percentile,
  ratioToPositive,
  rank,
  weightedMean,
  winsorizeMad,
  winsorizeSigma,
  zscore,
} from './cs/basic.js';
export { MAD_TO_SIGMA } from './cs/kernels.js';
export { type CombineZscoresOptions, combineZscores } from './cs/composite.js';
export { type RowBlockInputs, mapRows, rankInPlace, zscoreInPlace } from './cs/rows.js';
export { correlation } from './cs/correlation.js';
export { normalQuantile, rankNormalInPlace } from './cs/normal.js';
export { IC_MODEL_PARAMS, type IcByDate, type IcByDateOptions, icByDate, linearScores } from './cs/training.js';
export { ranksInOrder, sortOrder } from './cs/order.js';
export { groupDemean, groupPercentile, groupRank, groupZscore } from './cs/group.js';
export { type NeutralizeOptions, neutralize } from './cs/neutralize.js';
export type {
  FillReport,
  FillSkipReason,
  NeutralizeDropReason,
  NeutralizeReport,
  StagePerDate,
  StageReportBase,
  StandardizeDropReason,
  StandardizeReport,
  WinsorizeReport,
} from './cs/report.js';
export {
  type FillMethod,
  type NeutralizeMode,
  type PreprocessConfig,
  type PreprocessContext,
  type PreprocessOptions,
  type PreprocessParams,
  type PreprocessReport,
  type WinsorizeMethod,
  checkPreprocessConfig,
  parsePreprocessConfig,
  preprocess,
  preprocessParams,
  toPreprocessConfig,
} from './preprocess.js';
