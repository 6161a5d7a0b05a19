/**
 * The maximum-factor-exposure (MFE) portfolio test: {@link runMfe} re-optimises a factor's
 * MFE portfolio against a benchmark under the usual index-enhancement constraints, trades it the
 * next day and records daily returns; {@link mfeAggregates} turns the daily series into the
 * weekly tracking numbers (week, month, YTD, annualised excess, IR, drawdown, win rate). A run's
 * `checkpoint` lets the next run on longer data solve only the new dates (`resume`).
 */
export { checkMfeResume, mfeSettingsKey, runMfe } from './run.js';
export { mfeCheckpointFromJSON, mfeCheckpointToJSON } from './checkpoint-json.js';
export { mfeAggregates, type MfeAggregates, type MfeDrawdown, type MfeWindow, type MfeYear } from './aggregates.js';
export { benchmarkReturns, type BenchmarkReturns } from './benchmark.js';
export { bindingGroups, type BindingGroups, BINDING_TOLERANCE } from './binding.js';
export { MFE_DEFAULTS } from './options.js';
export { pinUntradable } from './context.js';
export type {
  DatedPanel,
  MfeCheckpoint,
  MfeCheckpointJSON,
  MfeCheckpointState,
  MfeConstraintsConfig,
  MfeCounts,
  MfeDaily,
  MfeExecution,
  MfeHoldingsState,
  MfeOptions,
  MfePendingTrade,
  MfePeriodState,
  MfeProblemEntry,
  MfeRebalance,
  MfeRebalanceCounts,
  MfeResult,
  MfeResumeCheck,
  MfeResumeRefusal,
  MfeRunResult,
  MfeSchedule,
  MfeSettings,
  MfeStatus,
  MfeStyleSource,
  MfeWeights,
} from './types.js';
