import type { BlockReason } from './market.js';
import type { BacktestSettings } from './settings.js';

export type { BlockReason, FillPrice } from './market.js';

/** A buy or a sell. */
export type Side = 'buy' | 'sell';

/**
 * What became of an order on a day:
 * - `filled`: all of it (after lot rounding);
 * - `partial`: some of it; `reason` says what held the rest back;
 * - `refused`: none of it; `reason` says why;
 * - `cancelled`: a carried remainder dropped unfilled (a new rebalance replaced it, or the run ended).
 */
export type TradeStatus = 'filled' | 'partial' | 'refused' | 'cancelled';

/**
 * Why an order did not fill in full ({@link BlockReason}s, plus):
 * - `t+1`: shares bought the same day cannot be sold that day;
 * - `no_position`: a sell of a stock no longer held;
 * - `no_volume`: the day's volume is unknown or 0, so the participation cap allows nothing;
 * - `volume_cap`: the participation cap (a share of the day's volume) was reached;
 * - `cash`: the buys cost more than the cash after the day's sells; all buys were scaled down;
 * - `lot`: the quantity left after the other limits is below the board's smallest order;
 * - `superseded`: a carried remainder replaced by the orders of a new rebalance;
 * - `end`: a carried remainder still open when the run ends.
 */
export type TradeReason = BlockReason | 't+1' | 'no_position' | 'no_volume' | 'volume_cap' | 'cash' | 'lot' | 'superseded' | 'end';

/**
 * One order on one day. Shares and prices are **raw** (CNY, shares as on that day), so a row
 * reads like a broker's statement; positions are kept in adjusted terms (see the README).
 */
export interface TradeRecord {
  /** Calendar index of the day (into the data's calendar). */
  readonly t: number;
  readonly date: string;
  /** Column of the asset in the data. */
  readonly asset: number;
  readonly code: string;
  readonly side: Side;
  /**
   * Shares the order asked for that day, after lot rounding (a whole position's exit may be
   * fractional); the unrounded shares on a `lot` refusal; `NaN` on a `no_price` refusal at sizing.
   */
  readonly ordered: number;
  /** Shares filled (0 when refused or cancelled). */
  readonly filled: number;
  /** Fill price in CNY per share, slippage included; `NaN` without a price. */
  readonly price: number;
  /** `filled × price`, CNY. */
  readonly amount: number;
  readonly commission: number;
  readonly stampDuty: number;
  readonly transferFee: number;
  /** What the slippage cost against the unslipped price, CNY (already in `price`). */
  readonly slippage: number;
  readonly status: TradeStatus;
  /** Why not all of it filled; `undefined` when `filled`. */
  readonly reason: TradeReason | undefined;
}

/** One asset held (or in the benchmark) at the close of a day. */
export interface HoldingRecord {
  readonly t: number;
  readonly date: string;
  readonly asset: number;
  readonly code: string;
  /** Raw shares at that close. */
  readonly shares: number;
  /** Value / portfolio value at that close. */
  readonly weight: number;
  /** The benchmark's weight, `NaN` when not given. */
  readonly benchmarkWeight: number;
}

/** One period of a week / month / quarter / year table. */
export interface PeriodRow {
  /** `2023-W05` (ISO week), `2023-01`, `2023-Q1`, `2023`. */
  readonly period: string;
  /** The close the period's return starts from (the last day of the previous period, or the run's first day). */
  readonly start: string;
  /** The period's last trading day in the run. */
  readonly end: string;
  /** Trading days of the period with a return. */
  readonly days: number;
  readonly return: number;
  /** `NaN` without a benchmark. */
  readonly benchmarkReturn: number;
  /** `return − benchmarkReturn`. */
  readonly excess: number;
  /** `(1 + return) / (1 + benchmarkReturn) − 1`. */
  readonly excessRatio: number;
}

/** The period tables. */
export interface PeriodTables {
  readonly week: readonly PeriodRow[];
  readonly month: readonly PeriodRow[];
  readonly quarter: readonly PeriodRow[];
  readonly year: readonly PeriodRow[];
}

/**
 * The run's metrics (definitions in the README). Returns are fractions, annual figures geometric
 * over the actual calendar (calendar days / 365). Benchmark-relative figures are `NaN` without a
 * benchmark.
 */
export interface BacktestMetrics {
  readonly start: string;
  readonly end: string;
  /** Trading days with a return (the run's days − 1). */
  readonly days: number;
  /** Calendar days from start to end / 365. */
  readonly years: number;
  readonly totalReturn: number;
  readonly annualReturn: number;
  readonly benchmarkTotalReturn: number;
  readonly benchmarkAnnualReturn: number;
  /** `totalReturn − benchmarkTotalReturn`. */
  readonly totalExcess: number;
  /** `(1 + totalReturn) / (1 + benchmarkTotalReturn) − 1`. */
  readonly totalExcessRatio: number;
  /** `annualReturn − benchmarkAnnualReturn`. */
  readonly annualExcess: number;
  /** `(1 + annualReturn) / (1 + benchmarkAnnualReturn) − 1`: the excess curve's annual growth. */
  readonly annualExcessRatio: number;
  /** Sample standard deviation of daily returns × √(days / years). */
  readonly annualVolatility: number;
  /** Sample standard deviation of daily `r − b` × √(days / years). */
  readonly trackingError: number;
  /** `annualExcess / trackingError`. */
  readonly informationRatio: number;
  /** Largest fall of the NAV from its running peak, as a positive fraction. */
  readonly maxDrawdown: number;
  /** The same for the excess curve `nav / benchmark_nav`. */
  readonly excessMaxDrawdown: number;
  /** One-way turnover per year: Σ (buys + sells) / 2 / value at the previous close, / years. */
  readonly turnover: number;
  /** Costs per year as a fraction of the value: Σ cost / value at the previous close, / years. */
  readonly costDrag: number;
  /** Share of calendar weeks (ISO) whose return beat the benchmark's. */
  readonly weeklyWinRate: number;
  /** Share of calendar months whose return beat the benchmark's. */
  readonly monthlyWinRate: number;
  /** Share of days with a return on which the NAV closed at a new high (`newHighRate` of `@factorkit/funds`). */
  readonly newHighRate: number;
  /** The same for the excess curve. */
  readonly excessNewHighRate: number;
}

/** Counts of what the run did, refused or left out. */
export interface BacktestCounts {
  /** Rebalance dates (days `targets` returned weights). */
  readonly rebalances: number;
  /** Trade rows by status. */
  readonly filled: number;
  readonly partial: number;
  readonly refused: number;
  readonly cancelled: number;
  /** Rows not `filled`, by reason. */
  readonly reasons: Readonly<Partial<Record<TradeReason, number>>>;
  /** Changes a rebalance asked for that were smaller than the board's smallest order (no order made). */
  readonly belowLot: number;
}

/** What {@link runBacktest} returns. */
export interface BacktestResult {
  /** The simulated days, `YYYY-MM-DD`: the first is the start (all cash), trades begin the day after. */
  readonly dates: readonly string[];
  /** Calendar index of `dates[0]` in the data. */
  readonly startIndex: number;
  readonly capital: number;
  /** Portfolio value / capital at each close. */
  readonly nav: Float64Array;
  /** The benchmark's cumulative index from 1; `NaN` without a benchmark. */
  readonly benchmarkNav: Float64Array;
  /** Portfolio value at each close, CNY. */
  readonly value: Float64Array;
  /** Cash at each close, CNY. */
  readonly cash: Float64Array;
  /** One-way turnover of the day: (buys + sells) / 2 / value at the previous close. */
  readonly turnover: Float64Array;
  /** Costs of the day, CNY: commission + stamp duty + transfer fee + slippage. */
  readonly cost: Float64Array;
  /** Deposit interest credited that day, CNY. */
  readonly interest: Float64Array;
  readonly trades: readonly TradeRecord[];
  readonly holdings: readonly HoldingRecord[];
  readonly metrics: BacktestMetrics;
  readonly periods: PeriodTables;
  readonly counts: BacktestCounts;
  /** Cost totals, CNY. */
  readonly costs: { readonly commission: number; readonly stampDuty: number; readonly transferFee: number; readonly slippage: number; readonly interest: number };
  /** How the data was read (approximations), for the report. */
  readonly notes: readonly string[];
  /** The settings the run used, defaults filled in. */
  readonly settings: BacktestSettings;
}
