import { type DateString, FactorkitError, dateToInt } from '@factorkit/core';
import { returnWindows } from '@factorkit/funds';

/** The windows of the weekly strategy table: 本周, 本月, 今年以来. */
export type StrategyWindowName = 'week' | 'month' | 'ytd';

/** Every strategy window, in the order the tables list them. */
export const STRATEGY_WINDOWS: readonly StrategyWindowName[] = ['week', 'month', 'ytd'];

/** A daily NAV and its benchmark's, as a backtest gives them (`BacktestResult` of `@factorkit/backtest` is one). */
export interface NavSeries {
  /** Consecutive trading days, `YYYY-MM-DD`, ascending. */
  readonly dates: readonly DateString[];
  /** The portfolio's NAV at each close (any scale). */
  readonly nav: ArrayLike<number>;
  /** The benchmark's cumulative index at each close (any scale); `NaN` without a benchmark. */
  readonly benchmarkNav: ArrayLike<number>;
}

/** A strategy's return, its benchmark's and the excess over one window. */
export interface StrategyWindow {
  readonly name: StrategyWindowName;
  /** The first calendar day of the period (the Monday of the ISO week, the 1st of the month, 1 January). */
  readonly periodStart: DateString;
  /** The close the window's returns start from: the last close before the period, or the series' first close when it began inside the period (`partial`). */
  readonly start: DateString;
  /** The last close on or before the as-of date. */
  readonly end: DateString;
  /** Trading days after `start` up to `end`. */
  readonly tradingDays: number;
  /** The series began inside the period: the window starts at its first close (inception), not at the close before the period. */
  readonly partial: boolean;
  /** `nav_end / nav_start − 1`. */
  readonly return: number;
  /** `benchmark_end / benchmark_start − 1`; `NaN` without a benchmark. */
  readonly benchmarkReturn: number;
  /** Difference form: `return − benchmarkReturn`. */
  readonly excess: number;
  /** Ratio form: `(1 + return) / (1 + benchmarkReturn) − 1`. */
  readonly excessRatio: number;
}

/**
 * The week, month and year-to-date returns of a NAV series and of its benchmark as of `asOf`,
 * with the excess in both forms. The windows are those of the sell-side fund tables
 * (`returnWindows` of `@factorkit/funds`, on the series' own days): each ends at the last close
 * on or before `asOf` and starts at the last close before the period that holds that day (the
 * ISO week Monday–Sunday, the calendar month, the calendar year). When the series began inside
 * the period, the window starts at its first close and is flagged `partial`.
 *
 * @param what names `asOf` in messages (the CLI passes `--as-of`).
 * @throws FactorkitError `FK_INVALID_ARGUMENT` when `asOf` is not a date or precedes the series,
 *   or when the arrays' lengths differ.
 */
export function strategyWindows(series: NavSeries, asOf: DateString, windows: readonly StrategyWindowName[] = STRATEGY_WINDOWS, what = 'asOf'): StrategyWindow[] {
  const n = series.dates.length;
  if (series.nav.length !== n || series.benchmarkNav.length !== n) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `strategyWindows: the series has ${n} dates, ${series.nav.length} NAVs and ${series.benchmarkNav.length} benchmark NAVs`);
  }
  const days = Int32Array.from(series.dates, (d) => dateToInt(d));
  return returnWindows(days, asOf, windows, what).map((w) => {
    const partial = w.startIndex < 0;
    const s = partial ? 0 : w.startIndex;
    const e = w.endIndex;
    const r = series.nav[e]! / series.nav[s]! - 1;
    const b = series.benchmarkNav[e]! / series.benchmarkNav[s]! - 1;
    return {
      name: w.name as StrategyWindowName,
      periodStart: w.periodStart,
      start: series.dates[s]!,
      end: w.end,
      tradingDays: e - s,
      partial,
      return: r,
      benchmarkReturn: b,
      excess: r - b,
      excessRatio: (1 + r) / (1 + b) - 1,
    };
  });
}
