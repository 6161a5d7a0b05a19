/**
 * @factorkit/backtest: the daily A-share simulation in shares and cash.
 *
 * - {@link runBacktest}: target weights at each rebalance → orders → fills on the next day at the
 *   open, the VWAP or the close, under board lots, T+1, price limits judged at the fill time,
 *   suspensions, a volume participation cap and the cash; commission, stamp duty and transfer
 *   fee by date, slippage, deposit interest; metrics and period tables against a benchmark;
 * - {@link Account}: the cash and positions under those rules, one session at a time, for
 *   callers that trade several times a day;
 * - {@link backtestMetrics}, {@link periodTables}: the metrics of any NAV series;
 * - {@link backtestTables}, {@link backtestSummary}: the CSV and JSON outputs (written by
 *   `writeBacktestOutputs` of `@factorkit/backtest/node`);
 * - diagnostics fed by `runBacktest`'s `onClose`: {@link contributionTracker} (per-stock
 *   contribution), {@link stockHitRate} (the stock-level hit rate), {@link excessAttribution}
 *   (active return through a factor risk model), {@link weightRecorder}.
 *
 * @packageDocumentation
 */
export type {
  BacktestCounts,
  BacktestMetrics,
  BacktestResult,
  BlockReason,
  FillPrice,
  HoldingRecord,
  PeriodRow,
  PeriodTables,
  Side,
  TradeReason,
  TradeRecord,
  TradeStatus,
} from './types.js';
export { type AsyncBacktestOptions, type BacktestOptions, runBacktest, runBacktestAsync } from './run.js';
export { Account, type OrderRequest } from './account.js';
export { MarketView, requiredFields } from './market.js';
export { BACKTEST_SETTINGS, type BacktestSettings, type BacktestSettingsInput, checkSettings } from './settings.js';
export { CostSchedule, type Exchange, STAMP_DUTY_SCHEDULE, type StampDutyRate, TRANSFER_FEE_SCHEDULE, type TransferFeeRate, exchangeOf } from './costs.js';
export { type LotRule, lotRule, roundOrder, roundSell } from './lots.js';
export { type Frequency, type MetricsInput, backtestMetrics, isoWeek, maxDrawdown, periodOf, periodTable, periodTables } from './metrics.js';
export { BACKTEST_FILES, type BacktestTable, backtestSummary, backtestTables, metricsRecord } from './outputs.js';
export {
  type AttributionFactor,
  type AttributionOptions,
  type AttributionParts,
  type AttributionResult,
  type AttributionRow,
  type ContributionDaily,
  type ContributionOptions,
  type ContributionTracker,
  type FactorAttribution,
  type FactorGroup,
  type HitRateOptions,
  type HitRatePeriod,
  type HitRateResult,
  type StockContribution,
  type WeightRecorder,
  contributionTracker,
  excessAttribution,
  stockHitRate,
  weightRecorder,
} from './diagnostics/index.js';
