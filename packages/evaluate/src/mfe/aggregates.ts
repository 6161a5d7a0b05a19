import { type DateString, FactorkitError, parseDate, upperBound } from '@factorkit/core';
import { epochDay, monthKey, weekKey, yearOf } from './dates.js';
import type { MfeDaily } from './types.js';

/** Returns over a run of days, each compounded: `Π(1 + r) − 1`. */
export interface MfeWindow {
  /** First and last trading day in the window; `undefined` when it holds none. */
  readonly start: DateString | undefined;
  readonly end: DateString | undefined;
  readonly days: number;
  readonly portfolio: number;
  readonly benchmark: number;
  /** `(1 + portfolio) / (1 + benchmark) − 1` = `Π(1 + excessᵢ) − 1`. */
  readonly excess: number;
}

/** One calendar year of the series (the first and last may be partial: see `days`). */
export interface MfeYear extends MfeWindow {
  readonly year: number;
}

/** The largest fall of the excess curve from a previous high. */
export interface MfeDrawdown {
  /** `1 − trough / peak` of the curve `Π(1 + excess)` (which starts at 1 at inception); 0 when it never falls. */
  readonly value: number;
  /** The day of the high (the inception date when the curve never rose above its start). */
  readonly peak: DateString | undefined;
  readonly trough: DateString | undefined;
}

/** What {@link mfeAggregates} returns. Every return is geometric, compounded over the actual trading days. */
export interface MfeAggregates {
  readonly asOf: DateString;
  /** Trading days in the series up to `asOf`. */
  readonly days: number;
  /** The trading days after the last trading day of the previous ISO week (Monday–Sunday), up to `asOf`. */
  readonly week: MfeWindow;
  /** The trading days after the previous month's end, up to `asOf`. */
  readonly month: MfeWindow;
  /** The trading days of `asOf`'s calendar year up to `asOf` (from inception when it started this year). */
  readonly ytd: MfeWindow;
  /** The whole series up to `asOf`. */
  readonly total: MfeWindow;
  /** Calendar time from inception to the last day, in years of 365.25 days. */
  readonly years: number;
  /** `(1 + total.excess)^(1 / years) − 1`. */
  readonly annualisedExcess: number;
  readonly annualisedPortfolio: number;
  readonly annualisedBenchmark: number;
  /** Standard deviation of the daily excess (n − 1) × √(trading days per year), the latter `days / years` from the series itself. */
  readonly excessVolatility: number;
  /** `annualisedExcess / excessVolatility`. */
  readonly informationRatio: number;
  readonly maxDrawdown: MfeDrawdown;
  /** Share of the ISO weeks (the first and last may be partial) whose compounded excess is > 0. */
  readonly winRate: number;
  readonly weeks: number;
  readonly weeksWon: number;
  readonly calendarYears: readonly MfeYear[];
}

const DAYS_PER_YEAR = 365.25;

/**
 * Tracking aggregates of an MFE daily series as of `asOf` (days after it are ignored): last week,
 * last month, year to date, the whole history and each calendar year, annualised excess,
 * excess volatility, information ratio, the largest drawdown of the excess curve and the weekly
 * win rate. Windows compound the daily returns over the trading days they hold; nothing is
 * summed. A series with no day up to `asOf` gives `NaN` everywhere.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` for a malformed `asOf` or series.
 * @example
 * const { week, month, ytd, annualisedExcess, informationRatio } = mfeAggregates(result.daily, '2024-06-28');
 */
export function mfeAggregates(daily: Pick<MfeDaily, 'inception' | 'dates' | 'portfolio' | 'benchmark'>, asOf: DateString): MfeAggregates {
  const date = parseDate(asOf, 'mfeAggregates: asOf');
  const { dates, portfolio, benchmark } = daily;
  if (portfolio.length !== dates.length || benchmark.length !== dates.length) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `mfeAggregates: the series has ${dates.length} dates, ${portfolio.length} portfolio and ${benchmark.length} benchmark returns`);
  }
  const n = upperBound(dates, date);
  const window = (from: number, to: number): MfeWindow => {
    let p = 1;
    let b = 1;
    for (let k = from; k < to; k++) {
      p *= 1 + portfolio[k]!;
      b *= 1 + benchmark[k]!;
    }
    return { start: from < to ? dates[from] : undefined, end: from < to ? dates[to - 1] : undefined, days: to - from, portfolio: p - 1, benchmark: b - 1, excess: p / b - 1 };
  };
  /** The window of the last days up to `asOf` that share `key(asOf)`. */
  const since = (key: (d: DateString) => number): MfeWindow => {
    const target = key(date);
    let from = n;
    while (from > 0 && key(dates[from - 1]!) === target) from--;
    return window(from, n);
  };
  if (n === 0 || daily.inception === undefined) return empty(date);

  const total = window(0, n);
  const excess = new Float64Array(n);
  for (let k = 0; k < n; k++) excess[k] = (1 + portfolio[k]!) / (1 + benchmark[k]!) - 1;
  const years = (epochDay(dates[n - 1]!) - epochDay(daily.inception)) / DAYS_PER_YEAR;
  const annualise = (r: number): number => (1 + r) ** (1 / years) - 1;
  let mean = 0;
  for (const e of excess) mean += e;
  mean /= n;
  let ss = 0;
  for (const e of excess) ss += (e - mean) ** 2;
  const excessVolatility = n > 1 ? Math.sqrt(ss / (n - 1)) * Math.sqrt(n / years) : Number.NaN;
  const annualisedExcess = annualise(total.excess);

  // Drawdown of the excess curve, which is 1 at inception.
  let curve = 1;
  let peak = 1;
  let peakAt: DateString = daily.inception;
  const drawdown: { value: number; peak: DateString | undefined; trough: DateString | undefined } = { value: 0, peak: undefined, trough: undefined };
  for (let k = 0; k < n; k++) {
    curve *= 1 + excess[k]!;
    if (curve > peak) {
      peak = curve;
      peakAt = dates[k]!;
    } else if (1 - curve / peak > drawdown.value) {
      drawdown.value = 1 - curve / peak;
      drawdown.peak = peakAt;
      drawdown.trough = dates[k];
    }
  }
  if (Number.isNaN(curve)) drawdown.value = Number.NaN;

  let weeks = 0;
  let weeksWon = 0;
  for (let from = 0; from < n; ) {
    const key = weekKey(dates[from]!);
    let to = from;
    let growth = 1;
    while (to < n && weekKey(dates[to]!) === key) growth *= 1 + excess[to++]!;
    weeks++;
    if (growth > 1) weeksWon++;
    from = to;
  }

  const calendarYears: MfeYear[] = [];
  for (let from = 0; from < n; ) {
    const year = yearOf(dates[from]!);
    let to = from;
    while (to < n && yearOf(dates[to]!) === year) to++;
    calendarYears.push({ year, ...window(from, to) });
    from = to;
  }

  return {
    asOf: date,
    days: n,
    week: since(weekKey),
    month: since(monthKey),
    ytd: since(yearOf),
    total,
    years,
    annualisedExcess,
    annualisedPortfolio: annualise(total.portfolio),
    annualisedBenchmark: annualise(total.benchmark),
    excessVolatility,
    informationRatio: annualisedExcess / excessVolatility,
    maxDrawdown: drawdown,
    winRate: weeksWon / weeks,
    weeks,
    weeksWon,
    calendarYears,
  };
}

function empty(asOf: DateString): MfeAggregates {
  const none: MfeWindow = { start: undefined, end: undefined, days: 0, portfolio: Number.NaN, benchmark: Number.NaN, excess: Number.NaN };
  return {
    asOf,
    days: 0,
    week: none,
    month: none,
    ytd: none,
    total: none,
    years: 0,
    annualisedExcess: Number.NaN,
    annualisedPortfolio: Number.NaN,
    annualisedBenchmark: Number.NaN,
    excessVolatility: Number.NaN,
    informationRatio: Number.NaN,
    maxDrawdown: { value: Number.NaN, peak: undefined, trough: undefined },
    winRate: Number.NaN,
    weeks: 0,
    weeksWon: 0,
    calendarYears: [],
  };
}
