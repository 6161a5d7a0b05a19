/**
 * The maximum-factor-exposure (MFE) portfolio test: {@link runMfe} re-optimises a factor's
 * MFE portfolio against a benchmark under the usual index-enhancement constraints, trades it the
 * next day and records daily returns; {@link mfeAggregates} turns the daily series into the
 * weekly tracking numbers (week, month, YTD, annualised excess, IR, drawdown, win rate).
 */
export { runMfe } from './run.js';
export { mfeAggregates, type MfeAggregates, type MfeDrawdown, type MfeWindow, type MfeYear } from './aggregates.js';
export { benchmarkReturns, type BenchmarkReturns } from './benchmark.js';
export { bindingGroups, type BindingGroups, BINDING_TOLERANCE } from './binding.js';
export { MFE_DEFAULTS } from './options.js';
export type {
  DatedPanel,
  MfeConstraintsConfig,
  MfeCounts,
  MfeDaily,
  MfeExecution,
  MfeOptions,
  MfeProblemEntry,
  MfeRebalance,
  MfeRebalanceCounts,
  MfeResult,
  MfeSchedule,
  MfeSettings,
  MfeStatus,
  MfeStyleSource,
  MfeWeights,
} from './types.js';
