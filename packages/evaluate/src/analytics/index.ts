/**
 * Classic factor analytics: forward returns, IC / RankIC with summaries and decay, quantile
 * groups, coverage with reasons — {@link evaluateFactor} and its building blocks.
 */
export { evaluateFactor } from './evaluate.js';
export { type EvaluationWindow, evaluationWindow } from './continue.js';
export { type EvaluateFactorOptions, type UniverseInput, type WeightsInput } from './options.js';
export {
  DEFAULT_HORIZONS,
  type ForwardReturnOptions,
  type ForwardReturns,
  type ForwardReturnsByDate,
  type ForwardReturnsByDateOptions,
  forwardReturns,
  forwardReturnsByDate,
} from './forward.js';
export { type GroupScratch, groupScratch, quantileGroups } from './groups.js';
export { icStats, seriesStats } from './stats.js';
export type {
  BenchmarkInfo,
  Coverage,
  EvaluationSettings,
  FactorEvaluation,
  HorizonCoverage,
  HorizonCoverageTotals,
  IcDecay,
  IcSeries,
  IcStats,
  IcSummary,
  QuantileAnalysis,
  QuantileSeries,
  QuantileSummary,
  SeriesStats,
} from './types.js';
