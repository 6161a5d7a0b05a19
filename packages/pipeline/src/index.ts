/**
 * @factorkit/pipeline: the factor pipeline every caller shares — the CLI, factor tests,
 * tracking, backtests and workers.
 *
 * - {@link parseFactorSpecs} reads a factor list with parameters
 *   (`momentum_1y:window=60,skip=20,ep_ttm`); {@link resolveFactorSpecs} looks it up in a
 *   registry and validates the parameters with each plugin's schema (dot-path messages);
 * - {@link computeFactors} / {@link streamFactors} compute the factors over a range within a
 *   universe, optionally preprocessed, and return with the values a {@link FactorReport} per
 *   factor: the values kept at every stage and why the others went, the history it needs and
 *   where the data starts, which neutralisation regressors were used, and a typed outcome
 *   (`empty` names the stage that removed the last value; {@link noValuesError} turns it into
 *   an error).
 *
 * Long-format output (`trade_date,ts_code,factor,value`) is written by `writeFactorTable` of
 * `@factorkit/data`.
 *
 * @packageDocumentation
 */
export { type FactorRequest, type ResolvedFactor, factorNames, parseFactorSpecs, resolveFactorSpecs } from './specs.js';
export {
  type ComputeFactorsOptions,
  type ComputeFactorsResult,
  type FactorInput,
  type FactorStream,
  type UniverseInput,
  computeFactors,
  noValuesError,
  streamFactors,
} from './compute.js';
export { type RegressorData, type SpanTest, SPANNED_R2, chooseRegressors, spannedBy } from './spanned.js';
export type {
  ComputedFactor,
  FactorCoverage,
  FactorOutcome,
  FactorPreprocessReport,
  FactorReport,
  FactorStage,
  LookbackReport,
  NeutralizeDecision,
  Regressor,
  StageCount,
} from './report.js';
export { formatFunnel } from './report.js';
