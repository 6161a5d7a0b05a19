import { FactorkitError, dateIntToEpochDay, dateToInt, epochDayToDateInt } from '@factorkit/core';
import { DEFAULT_DAY_BASIS } from '@factorkit/benchmark';
import { newHighRate } from '@factorkit/funds';
import type { BacktestMetrics, PeriodRow, PeriodTables } from './types.js';

/** The daily series the metrics are computed from, one entry per simulated day. */
export interface MetricsInput {
  /** `YYYY-MM-DD`, increasing. */
  readonly dates: readonly string[];
  /** Portfolio value / capital (any positive scale). */
  readonly nav: ArrayLike<number>;
  /** The benchmark's cumulative index; all `NaN` without a benchmark. */
  readonly benchmarkNav: ArrayLike<number>;
  /** Portfolio value, CNY (the base of turnover and cost drag). */
  readonly value: ArrayLike<number>;
  /** One-way turnover of each day (entry 0 unused). */
  readonly turnover: ArrayLike<number>;
  /** Costs of each day, CNY (entry 0 unused). */
  readonly cost: ArrayLike<number>;
}

/** A period frequency of the tables. */
export type Frequency = keyof PeriodTables;

/** ISO 8601 week label of a `yyyymmdd` day: `2023-W05` (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(date: number): string {
  const day = dateIntToEpochDay(date);
  // 1970-01-01 was a Thursday: Monday = 0.
  const weekday = (((day + 3) % 7) + 7) % 7;
  const thursday = day - weekday + 3;
  const year = Math.floor(epochDayToDateInt(thursday) / 10_000);
  const week = Math.floor((thursday - dateIntToEpochDay(year * 10_000 + 101)) / 7) + 1;
  return `${year}-W${week < 10 ? '0' : ''}${week}`;
}

/** The label of the period of `frequency` a `YYYY-MM-DD` day falls in. */
export function periodOf(date: string, frequency: Frequency): string {
  switch (frequency) {
    case 'week':
      return isoWeek(dateToInt(date));
    case 'month':
      return date.slice(0, 7);
    case 'quarter':
      return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
    case 'year':
      return date.slice(0, 4);
  }
}

/**
 * The return table of one frequency: the run's days after the first, grouped by calendar period;
 * each period's return runs from the close before its first day (the previous period's last
 * day, or the run's first day) to its last day.
 */
export function periodTable(input: Pick<MetricsInput, 'dates' | 'nav' | 'benchmarkNav'>, frequency: Frequency): PeriodRow[] {
  const { dates, nav, benchmarkNav } = input;
  const rows: PeriodRow[] = [];
  let base = 0;
  for (let k = 1; k < dates.length; ) {
    const period = periodOf(dates[k]!, frequency);
    let last = k;
    while (last + 1 < dates.length && periodOf(dates[last + 1]!, frequency) === period) last++;
    const ret = nav[last]! / nav[base]! - 1;
    const bench = benchmarkNav[last]! / benchmarkNav[base]! - 1;
    rows.push({ period, start: dates[base]!, end: dates[last]!, days: last - k + 1, return: ret, benchmarkReturn: bench, excess: ret - bench, excessRatio: (1 + ret) / (1 + bench) - 1 });
    base = last;
    k = last + 1;
  }
  return rows;
}

/** The week, month, quarter and year tables. */
export function periodTables(input: Pick<MetricsInput, 'dates' | 'nav' | 'benchmarkNav'>): PeriodTables {
  return { week: periodTable(input, 'week'), month: periodTable(input, 'month'), quarter: periodTable(input, 'quarter'), year: periodTable(input, 'year') };
}

/** Largest fall from a running peak, as a positive fraction (0 when it never falls). */
export function maxDrawdown(values: ArrayLike<number>): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) return Number.NaN;
    if (v > peak) peak = v;
    else worst = Math.max(worst, 1 - v / peak);
  }
  return worst;
}

/** Sample standard deviation (n − 1); `NaN` below two values. */
function sampleStd(values: Float64Array): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let sum = 0;
  for (const v of values) sum += (v - mean) * (v - mean);
  return Math.sqrt(sum / (n - 1));
}

function winRate(rows: readonly PeriodRow[]): number {
  if (rows.length === 0) return Number.NaN;
  let wins = 0;
  for (const row of rows) {
    if (Number.isNaN(row.benchmarkReturn)) return Number.NaN;
    if (row.return > row.benchmarkReturn) wins++;
  }
  return wins / rows.length;
}

/**
 * The metrics of a run (definitions in the README and on {@link BacktestMetrics}): geometric
 * returns annualised over the calendar days from the first to the last day / 365; volatility
 * and tracking error annualised with the observed number of trading days per year.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` when the series differ in length or are empty.
 */
export function backtestMetrics(input: MetricsInput): BacktestMetrics {
  const { dates, nav, benchmarkNav, value, turnover, cost } = input;
  const D = dates.length;
  for (const [name, series] of [['nav', nav], ['benchmarkNav', benchmarkNav], ['value', value], ['turnover', turnover], ['cost', cost]] as const) {
    if (series.length !== D) throw new FactorkitError('FK_INVALID_ARGUMENT', `backtestMetrics: \`${name}\` has ${series.length} values for ${D} dates`);
  }
  if (D === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', 'backtestMetrics: no dates');
  const days = D - 1;
  const years = (dateIntToEpochDay(dateToInt(dates[D - 1]!)) - dateIntToEpochDay(dateToInt(dates[0]!))) / DEFAULT_DAY_BASIS;
  const annualise = (total: number) => (years > 0 ? Math.pow(1 + total, 1 / years) - 1 : Number.NaN);
  const totalReturn = nav[D - 1]! / nav[0]! - 1;
  const benchmarkTotalReturn = benchmarkNav[D - 1]! / benchmarkNav[0]! - 1;
  const annualReturn = annualise(totalReturn);
  const benchmarkAnnualReturn = annualise(benchmarkTotalReturn);
  const returns = new Float64Array(days);
  const active = new Float64Array(days);
  const excessCurve = new Float64Array(D);
  let turnoverSum = 0;
  let costSum = 0;
  for (let k = 0; k < D; k++) {
    excessCurve[k] = nav[k]! / benchmarkNav[k]!;
    if (k === 0) continue;
    const r = nav[k]! / nav[k - 1]! - 1;
    returns[k - 1] = r;
    active[k - 1] = r - (benchmarkNav[k]! / benchmarkNav[k - 1]! - 1);
    turnoverSum += turnover[k]!;
    costSum += cost[k]! / value[k - 1]!;
  }
  const perYear = years > 0 ? Math.sqrt(days / years) : Number.NaN;
  const trackingError = sampleStd(active) * perYear;
  const annualExcess = annualReturn - benchmarkAnnualReturn;
  const periods = periodTables(input);
  const window = { from: Math.min(1, D - 1), to: D - 1 };
  const highs = D > 1 ? newHighRate(nav, window).rate : Number.NaN;
  const excessHighs = D > 1 ? newHighRate(excessCurve, window).rate : Number.NaN;
  return {
    start: dates[0]!,
    end: dates[D - 1]!,
    days,
    years,
    totalReturn,
    annualReturn,
    benchmarkTotalReturn,
    benchmarkAnnualReturn,
    totalExcess: totalReturn - benchmarkTotalReturn,
    totalExcessRatio: (1 + totalReturn) / (1 + benchmarkTotalReturn) - 1,
    annualExcess,
    annualExcessRatio: (1 + annualReturn) / (1 + benchmarkAnnualReturn) - 1,
    annualVolatility: sampleStd(returns) * perYear,
    trackingError,
    informationRatio: annualExcess / trackingError,
    maxDrawdown: maxDrawdown(nav),
    excessMaxDrawdown: maxDrawdown(excessCurve),
    turnover: years > 0 ? turnoverSum / years : Number.NaN,
    costDrag: years > 0 ? costSum / years : Number.NaN,
    weeklyWinRate: winRate(periods.week),
    monthlyWinRate: winRate(periods.month),
    newHighRate: highs,
    excessNewHighRate: excessHighs,
  };
}
