import type { DateString, ErrorCode, MarketData } from '@factorkit/core';
import type { TrackingOptions, TrackingResult } from '@factorkit/evaluate';
import type { FundAnalytics, FundAnalyticsOptions, FundDataset, ReturnWindow } from '@factorkit/funds';
import type { Strategy, StrategyProgress, StrategyResult } from '@factorkit/strategy';
import type { StrategyWindow } from './windows.js';

/** What {@link runWeekly} reads: a market (`MarketData`) that also has the calendar as `yyyymmdd`, its tables and index levels — a `Dataset` of `@factorkit/data`. */
export type WeeklyData = MarketData & FundDataset;

/** The three parts of the weekly report. */
export type WeeklySectionName = 'strategies' | 'tracking' | 'funds';

/** Every section, in page order. */
export const WEEKLY_SECTIONS: readonly WeeklySectionName[] = ['strategies', 'tracking', 'funds'];

/**
 * A part of the report that is not there, and why — never silently:
 * - `not_requested`: the caller asked for none (no strategy given, tracking switched off);
 * - `missing_data`: the data lacks what it needs (real data has no `fund_nav`, for example);
 * - `failed`: it ran and stopped with an error (`code` and `message` are the error's).
 */
export interface AbsentSection {
  readonly status: 'absent';
  readonly why: 'not_requested' | 'missing_data' | 'failed';
  /** A sentence for the page and the terminal. */
  readonly reason: string;
  /** The error's stable code, when it `failed` or the data was missing. */
  readonly code?: ErrorCode;
}

/** A section that was computed. */
export interface PresentSection<T> {
  readonly status: 'ok';
  readonly value: T;
}

/** A section of the weekly result: computed, or absent with the reason. */
export type WeeklySection<T> = PresentSection<T> | AbsentSection;

/** One enhanced strategy run up to the as-of date, and its excess over the report's windows. */
export interface WeeklyStrategy {
  readonly status: 'ok';
  readonly name: string;
  readonly description: string | undefined;
  /** The composite benchmark, formatted (`95% 000852.SH + 5% deposit`). */
  readonly benchmark: string;
  /** First and last day of the backtest (the last is the last trading day on or before the as-of date). */
  readonly start: DateString;
  readonly end: DateString;
  /** Week, month and year to date (see `strategyWindows`). */
  readonly windows: readonly StrategyWindow[];
  /** From the backtest's metrics, over the whole run (definitions in `@factorkit/backtest`). */
  readonly totalReturn: number;
  readonly benchmarkTotalReturn: number;
  /** `annualReturn − benchmarkAnnualReturn`. */
  readonly annualExcess: number;
  /** `(1 + annualReturn) / (1 + benchmarkAnnualReturn) − 1`. */
  readonly annualExcessRatio: number;
  readonly trackingError: number;
  readonly informationRatio: number;
  readonly maxDrawdown: number;
  readonly excessMaxDrawdown: number;
  /** Rebalances by status (`optimal`, `relaxed`, `held`, …). */
  readonly rebalances: Readonly<Record<string, number>>;
  /** What makes its numbers doubtful: no rebalance that traded (the NAV is cash), no benchmark NAV. */
  readonly warnings: readonly string[];
  /** The strategy's notes (everything rejected, approximated or relaxed) and the weekly's own. */
  readonly notes: readonly string[];
  /** The whole result (NAV, trades, exposures…); not written to `weekly.json`. */
  readonly result: StrategyResult;
}

/** A strategy that could not be run up to the as-of date, and why. */
export interface FailedStrategy {
  readonly status: 'failed';
  readonly name: string;
  /** The benchmark as the strategy declares it. */
  readonly benchmark: string | undefined;
  readonly code: ErrorCode;
  readonly message: string;
}

/** What the strategies section holds: every strategy given, in order, run or failed. */
export interface WeeklyStrategies {
  readonly strategies: readonly (WeeklyStrategy | FailedStrategy)[];
}

/** Options of {@link runWeekly}. */
export interface WeeklyOptions {
  /**
   * The report's date (`YYYY-MM-DD` or `YYYYMMDD`): every window ends at the last trading day on
   * or before it, and nothing later is read. It must be within the data's calendar: not before
   * its first trading day, and not in an ISO week after the week of its last trading day (the
   * data would be stale).
   */
  readonly asOf: string;
  /**
   * The enhanced strategies (`createStrategy` of `@factorkit/strategy`), each run by
   * `runStrategy` with its end set to the as-of date. Empty or absent: the section is absent.
   */
  readonly strategies?: readonly Strategy[];
  /** Supplementary index levels for the strategies' benchmarks (`runStrategy`'s `benchmarkData`). */
  readonly benchmarkData?: MarketData;
  /**
   * The MFE factor tables: `runTracking` of `@factorkit/evaluate` with these options (the data
   * and the as-of date are the weekly's). Pass a previous run's states (`previous`,
   * `previousRun`) to solve only the new dates. Absent: the section is absent.
   */
  readonly tracking?: Omit<TrackingOptions, 'data' | 'asOf'>;
  /**
   * The fund excess-distribution table: `fundAnalytics` of `@factorkit/funds` with these options
   * (default: its defaults without the heavy-holdings index). `false`: the section is absent.
   * A dataset without `funds` or `fund_nav` tables gives an absent section saying so.
   */
  readonly funds?: Omit<FundAnalyticsOptions, 'asOf' | 'optionNames'> | false;
  /** Why a section the caller does not request is absent (default: a sentence naming the option). */
  readonly absentReasons?: Partial<Record<WeeklySectionName, string>>;
  /** Told as each section starts and ends, and of each strategy's progress. */
  readonly onEvent?: (event: WeeklyEvent) => void;
  /** How the caller names the options in messages (the CLI passes `--as-of`). */
  readonly optionNames?: { readonly asOf?: string };
}

/** What {@link runWeekly} reports while it runs. */
export type WeeklyEvent =
  | { readonly kind: 'section'; readonly section: WeeklySectionName; readonly phase: 'start' | 'end' }
  | { readonly kind: 'strategy'; readonly name: string; readonly index: number; readonly count: number; readonly phase: 'start' | 'end' }
  | { readonly kind: 'strategyProgress'; readonly name: string; readonly progress: StrategyProgress };

/** A problem a section ran into (an absent section that `failed`, a strategy that failed, a tracking series with no values). */
export interface WeeklyProblem {
  readonly section: WeeklySectionName;
  readonly code: ErrorCode;
  readonly message: string;
}

/** What {@link runWeekly} returns. */
export interface WeeklyResult {
  /** The date asked for. */
  readonly asOf: DateString;
  /** The last trading day on or before it: the end of every window. */
  readonly lastDate: DateString;
  /** The report's windows on the data's calendar (week, month, quarter, year to date). */
  readonly windows: readonly ReturnWindow[];
  readonly strategies: WeeklySection<WeeklyStrategies>;
  readonly tracking: WeeklySection<TrackingResult>;
  readonly funds: WeeklySection<FundAnalytics>;
  /** Every failure, for the caller's exit status (the outputs are written either way). */
  readonly problems: readonly WeeklyProblem[];
  readonly notes: readonly string[];
  /** Milliseconds per section and in total. */
  readonly timings: Readonly<Record<WeeklySectionName | 'total', number>>;
}
