/**
 * The strategy runner: {@link runStrategy} runs a resolved strategy end to end — factors →
 * model → portfolio → backtest — and returns a {@link StrategyResult}.
 */
export { runStrategy } from './run.js';
export { rebalanceDates, type RebalanceEvery } from './schedule.js';
export type {
  ExposureRecord,
  FactorWeightRecord,
  RebalanceRecord,
  RebalanceStatus,
  RunStrategyOptions,
  StrategyProgress,
  StrategyResult,
  StrategyStage,
} from './types.js';
