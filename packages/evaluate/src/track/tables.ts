import { type DateString, lowerBound } from '@factorkit/core';
import type { CsvColumn, TableRow } from '@factorkit/report';
import type { IcStats, SeriesStats } from '../analytics/types.js';
import type { TrackingAnalytics, TrackingResult, TrackingSeries } from './types.js';

/** One output table of a tracking run: its file name, columns and rows (produced on demand, so large tables are streamed). */
export interface TrackingTable {
  readonly file: string;
  readonly columns: readonly CsvColumn[];
  /**
   * Set on the date-major tables (`mfe.csv`, `weights.csv`, `daily.csv`, `ic.csv`): the column
   * their rows are sorted by (`trade_date`). Their rows dated before a day never depend on the
   * rows after it, which is what lets a later run keep a file's beginning and append the rest.
   */
  readonly dateColumn?: string;
  /**
   * The rows, in file order. `from` (date-major tables only): only the rows dated on or after
   * it — found by a binary search per series, not by going through the earlier rows.
   */
  rows(from?: DateString): Iterable<TableRow>;
}

/** One date-sorted sequence of a series: row groups by date (at most one group per date). */
interface Lane {
  readonly dates: ArrayLike<DateString>;
  /** The rows of entry `i` (all dated `dates[i]`). */
  emit(i: number): Iterable<TableRow>;
}

/**
 * Rows date-major: by date, then by series in the order given, then lane by lane within a
 * series (the order of a series' own rows), from the first entry dated on or after `from`.
 * Each lane is entered by a binary search; each step finds the next date as the smallest
 * among the lanes' next entries.
 */
function* dateMajor(series: readonly (readonly Lane[])[], from: DateString | undefined): Generator<TableRow> {
  const lanes = series.flat();
  const cursor = lanes.map((lane) => (from === undefined ? 0 : lowerBound(lane.dates, from)));
  for (;;) {
    let next: DateString | undefined;
    for (let l = 0; l < lanes.length; l++) {
      const dates = lanes[l]!.dates;
      const c = cursor[l]!;
      if (c < dates.length && (next === undefined || dates[c]! < next)) next = dates[c]!;
    }
    if (next === undefined) return;
    for (let l = 0; l < lanes.length; l++) {
      const lane = lanes[l]!;
      while (cursor[l]! < lane.dates.length && lane.dates[cursor[l]!] === next) yield* lane.emit(cursor[l]!++);
    }
  }
}

const text = (id: string): CsvColumn => ({ id, format: 'text' });
const date = (id: string): CsvColumn => ({ id, format: 'date' });
const int = (id: string): CsvColumn => ({ id, format: 'int' });
const num = (id: string): CsvColumn => ({ id, format: 'number' });

/** The stages of a series' analytics, raw first. */
export function analyticsStages(series: TrackingSeries): TrackingAnalytics[] {
  return series.analytics.processed ? [series.analytics.raw, series.analytics.processed] : [series.analytics.raw];
}

/** The calendar years any series has a day in, ascending: the year columns of `tracking.csv`. */
export function trackingYears(result: TrackingResult): number[] {
  const years = new Set<number>();
  for (const s of result.series) for (const y of s.aggregates.calendarYears) years.add(y.year);
  return [...years].sort((a, b) => a - b);
}

/** `mfe.csv`: one row per rebalance date of each series; returns over the holding period that starts at it. */
function mfeTable(result: TrackingResult): TrackingTable {
  return {
    file: 'mfe.csv',
    columns: [
      date('trade_date'),
      text('universe'),
      text('factor'),
      text('status'),
      int('n_assets'),
      num('exposure'),
      num('portfolio_return'),
      num('benchmark_return'),
      num('excess_return'),
      num('turnover'),
      num('cost'),
      text('binding'),
      num('active_exposure'),
      date('period_end'),
      int('days'),
      int('candidates'),
      text('message'),
    ],
    dateColumn: 'trade_date',
    rows: (from) =>
      dateMajor(
        result.series.map((s) => {
          const records = s.mfe.rebalances;
          return [
            {
              dates: records.map((r) => r.date),
              *emit(i: number) {
                const r = records[i]!;
                yield {
                  trade_date: r.date,
                  universe: s.universe,
                  factor: s.factor,
                  status: r.status,
                  n_assets: r.nAssets,
                  exposure: r.objective,
                  portfolio_return: r.portfolioReturn,
                  benchmark_return: r.benchmarkReturn,
                  excess_return: r.excessReturn,
                  turnover: r.turnover,
                  cost: r.cost,
                  binding: r.binding.join(';'),
                  active_exposure: r.activeExposure,
                  period_end: r.periodEnd,
                  days: r.days,
                  candidates: r.candidates,
                  message: r.messages.join(' | '),
                };
              },
            },
          ];
        }),
        from,
      ),
  };
}

/** `weights.csv`: per optimal rebalance, every stock with a non-zero target weight (or a non-zero executed weight: a sale that was blocked). */
function weightsTable(result: TrackingResult): TrackingTable {
  return {
    file: 'weights.csv',
    columns: [date('trade_date'), text('universe'), text('factor'), text('ts_code'), num('weight'), num('benchmark_weight'), num('executed_weight')],
    dateColumn: 'trade_date',
    rows: (from) =>
      dateMajor(
        result.series.map((s) => {
          const entries = s.mfe.weights;
          return [
            {
              dates: entries.map((w) => w.date),
              *emit(i: number) {
                const w = entries[i]!;
                for (let k = 0; k < w.codes.length; k++) {
                  const weight = w.weight[k]!;
                  const executed = w.executed[k]!;
                  if (weight === 0 && !(executed !== 0 && Number.isFinite(executed))) continue;
                  yield { trade_date: w.date, universe: s.universe, factor: s.factor, ts_code: w.codes[k]!, weight, benchmark_weight: w.benchmark[k]!, executed_weight: executed };
                }
              },
            },
          ];
        }),
        from,
      ),
  };
}

/** `daily.csv`: the daily series every aggregate is compounded from, with the cumulative excess the report draws. */
function dailyTable(result: TrackingResult): TrackingTable {
  return {
    file: 'daily.csv',
    columns: [date('trade_date'), text('universe'), text('factor'), num('portfolio_return'), num('benchmark_return'), num('excess_return'), num('cum_excess'), num('cash')],
    dateColumn: 'trade_date',
    rows: (from) =>
      dateMajor(
        result.series.map((s) => {
          const d = s.mfe.daily;
          let curve: Float64Array | undefined;
          return [
            {
              dates: d.dates,
              *emit(k: number) {
                // The whole curve once per series (it compounds from the first day), when its first row is asked.
                curve ??= cumulative(d.excess);
                yield {
                  trade_date: d.dates[k]!,
                  universe: s.universe,
                  factor: s.factor,
                  portfolio_return: d.portfolio[k]!,
                  benchmark_return: d.benchmark[k]!,
                  excess_return: d.excess[k]!,
                  cum_excess: curve[k]!,
                  cash: d.cash[k]!,
                };
              },
            },
          ];
        }),
        from,
      ),
  };
}

/** `Π(1 + r) − 1` up to each day. */
export function cumulative(returns: ArrayLike<number>): Float64Array {
  const out = new Float64Array(returns.length);
  let growth = 1;
  for (let k = 0; k < returns.length; k++) {
    growth *= 1 + returns[k]!;
    out[k] = growth - 1;
  }
  return out;
}

/** One row of `tracking.csv` (also the report's factor table). */
export function trackingRow(series: TrackingSeries, years: readonly number[]): Record<string, string | number> {
  const a = series.aggregates;
  const row: Record<string, string | number> = {
    universe: series.universe,
    factor: series.factor,
    direction: series.direction,
    week: a.week.excess,
    month: a.month.excess,
    ytd: a.ytd.excess,
    annualised: a.annualisedExcess,
    excess_vol: a.excessVolatility,
    ir: a.informationRatio,
    max_drawdown: a.maxDrawdown.value,
    win_rate: a.winRate,
  };
  for (const year of years) row[String(year)] = a.calendarYears.find((y) => y.year === year)?.excess ?? Number.NaN;
  return row;
}

/** `tracking.csv`: one row per (universe, factor): the excess return of the MFE portfolio over the windows, risk figures, and one column per calendar year. */
function trackingTable(result: TrackingResult): TrackingTable {
  const years = trackingYears(result);
  return {
    file: 'tracking.csv',
    columns: [
      text('universe'),
      text('factor'),
      int('direction'),
      num('week'),
      num('month'),
      num('ytd'),
      num('annualised'),
      num('excess_vol'),
      num('ir'),
      num('max_drawdown'),
      num('win_rate'),
      ...years.map((y) => num(String(y))),
    ],
    *rows() {
      for (const s of result.series) yield trackingRow(s, years);
    },
  };
}

/** `ic.csv`: IC and RankIC per date, stage and horizon, on the dates with at least one stock used (`n` > 0; the coverage of every date is in `summary.json`). */
function icTable(result: TrackingResult): TrackingTable {
  return {
    file: 'ic.csv',
    columns: [date('trade_date'), text('universe'), text('factor'), text('stage'), int('horizon'), int('n'), num('ic'), num('rank_ic')],
    dateColumn: 'trade_date',
    rows: (from) =>
      dateMajor(
        result.series.map((s) =>
          analyticsStages(s).flatMap((stage) =>
            stage.ic.map((series) => ({
              dates: series.dates,
              *emit(i: number) {
                if (series.n[i] === 0) return;
                yield { trade_date: series.dates[i]!, universe: s.universe, factor: s.factor, stage: stage.stage, horizon: series.horizon, n: series.n[i]!, ic: series.ic[i]!, rank_ic: series.rankIc[i]! };
              },
            })),
          ),
        ),
        from,
      ),
  };
}

const statsColumns = (prefix: string): CsvColumn[] => [num(`${prefix}_mean`), num(`${prefix}_std`), num(`${prefix}ir`), num(`${prefix}_t`), num(`${prefix}_positive`)];

function statsRow(prefix: string, stats: IcStats): TableRow {
  return { [`${prefix}_mean`]: stats.mean, [`${prefix}_std`]: stats.std, [`${prefix}ir`]: stats.icir, [`${prefix}_t`]: stats.tStat, [`${prefix}_positive`]: stats.positiveShare };
}

/** `ic_summary.csv`: per series, stage and horizon, the IC and RankIC statistics and the quantile summary (means over dates). */
function icSummaryTable(result: TrackingResult): TrackingTable {
  return {
    file: 'ic_summary.csv',
    columns: [
      text('universe'),
      text('factor'),
      text('stage'),
      int('horizon'),
      int('dates'),
      ...statsColumns('ic'),
      ...statsColumns('rank_ic'),
      num('spread_equal'),
      num('spread_cap'),
      num('top_excess_equal'),
      num('top_excess_cap'),
      num('turnover_top'),
      num('rank_autocorrelation'),
    ],
    *rows() {
      const mean = (stats: SeriesStats): number => stats.mean;
      for (const s of result.series) {
        for (const stage of analyticsStages(s)) {
          for (let h = 0; h < stage.summary.length; h++) {
            const summary = stage.summary[h]!;
            const q = stage.quantiles[h]!;
            yield {
              universe: s.universe,
              factor: s.factor,
              stage: stage.stage,
              horizon: summary.horizon,
              dates: summary.rankIc.count,
              ...statsRow('ic', summary.ic),
              ...statsRow('rank_ic', summary.rankIc),
              spread_equal: mean(q.spreadEqual),
              spread_cap: mean(q.spreadCap),
              top_excess_equal: mean(q.topExcessEqual),
              top_excess_cap: mean(q.topExcessCap),
              turnover_top: mean(q.turnoverTop),
              rank_autocorrelation: mean(q.rankAutocorrelation),
            };
          }
        }
      }
    },
  };
}

/** `quantiles.csv`: per series, stage, horizon and group, the mean over dates of the group's equal- and cap-weighted forward return. */
function quantilesTable(result: TrackingResult): TrackingTable {
  return {
    file: 'quantiles.csv',
    columns: [text('universe'), text('factor'), text('stage'), int('horizon'), int('group'), num('mean_equal'), num('mean_cap')],
    *rows() {
      for (const s of result.series) {
        for (const stage of analyticsStages(s)) {
          for (const q of stage.quantiles) {
            for (let g = 0; g < q.groups; g++) {
              yield { universe: s.universe, factor: s.factor, stage: stage.stage, horizon: q.horizon, group: g + 1, mean_equal: q.meanEqual[g]!, mean_cap: q.meanCap[g]! };
            }
          }
        }
      }
    },
  };
}

/**
 * Every CSV table of a tracking run, in the order they are written: `mfe.csv`, `weights.csv`,
 * `daily.csv`, `tracking.csv`, `ic.csv`, `ic_summary.csv`, `quantiles.csv`. Pure: rows are built
 * from the result as they are iterated. Returns are fractions (0.0123 = 1.23%) in full
 * precision; a missing number is an empty field.
 *
 * `mfe.csv`, `weights.csv`, `daily.csv` and `ic.csv` are date-major ({@link TrackingTable.dateColumn}):
 * rows sorted by `trade_date`, then by series in the run's order (universe, then factor), then
 * as within a series (`weights.csv`: the stocks in the rebalance's order; `ic.csv`: stage `raw`
 * then `processed`, then horizon). The other tables are one row per series (or per group), in
 * the run's series order.
 */
export function trackingTables(result: TrackingResult): TrackingTable[] {
  return [mfeTable(result), weightsTable(result), dailyTable(result), trackingTable(result), icTable(result), icSummaryTable(result), quantilesTable(result)];
}
