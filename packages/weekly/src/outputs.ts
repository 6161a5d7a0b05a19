import { trackingSummary, trackingTables } from '@factorkit/evaluate';
import { fundTables } from '@factorkit/funds';
import type { CsvColumn, TableRow } from '@factorkit/report';
import type { AbsentSection, WeeklyResult, WeeklySection, WeeklyStrategy } from './types.js';
import { STRATEGY_WINDOWS, type StrategyWindowName } from './windows.js';

/** One CSV file of a weekly report: its name, columns and rows (made as they are written). */
export interface WeeklyTable {
  readonly file: string;
  readonly columns: readonly CsvColumn[];
  rows(): Iterable<TableRow>;
}

/** The `format` tag of `weekly.json`, by which a weekly output folder is recognised. */
export const WEEKLY_FORMAT = 'factorkit-weekly';
/** The version of the `weekly.json` layout. */
export const WEEKLY_FORMAT_VERSION = 1;
/** The sub-folder holding the full tracking output (with its states, for the next week's run). */
export const TRACKING_DIR = 'tracking';

/**
 * Every file a weekly output may hold, in the order they are written. The files of an absent
 * section are not written (`weekly.json` says why it is absent); `tracking/` is the whole output
 * of the tracking run (`writeTrackingOutputs` of `@factorkit/evaluate/node`) when the section is there.
 */
export const WEEKLY_FILES: readonly string[] = Object.freeze([
  'strategies.csv',
  'strategy_windows.csv',
  'strategy_nav.csv',
  'mfe_factors.csv',
  'fund_excess_distribution.csv',
  'weekly.json',
  'report.html',
  TRACKING_DIR,
]);

const text = (id: string): CsvColumn => ({ id, format: 'text' });
const date = (id: string): CsvColumn => ({ id, format: 'date' });
const num = (id: string): CsvColumn => ({ id, format: 'number' });
const int = (id: string): CsvColumn => ({ id, format: 'int' });

/** A strategy's window by name (every ok strategy has all three). */
function windowOf(s: WeeklyStrategy, name: StrategyWindowName) {
  return s.windows.find((w) => w.name === name);
}

/**
 * The CSV tables of a weekly report (numbers in full precision, returns as fractions: `0.0123`
 * is 1.23 %), the files of absent sections left out:
 * - `strategies.csv` — one row per strategy given, in order: `strategy,benchmark,week_excess,
 *   month_excess,ytd_excess,annual_excess,tracking_error,information_ratio,excess_max_drawdown,
 *   as_of,last_date,start,week_start,month_start,ytd_start,week_excess_ratio,month_excess_ratio,
 *   ytd_excess_ratio,annual_excess_ratio,status,message` — excess in the difference form
 *   (`r − b`) and, in the `_ratio` columns, the ratio form (`(1 + r) / (1 + b) − 1`); each
 *   `*_start` is the close the window starts from; `status` is `ok` or `failed` (with the error
 *   in `message`, the numbers empty);
 * - `strategy_windows.csv` — `strategy,window,start,end,trading_days,partial,return,benchmark_return,excess,excess_ratio`;
 * - `strategy_nav.csv` — `strategy,trade_date,nav,benchmark_nav`: each backtest's daily NAV and
 *   its benchmark's (both from 1), every number above recomputable from it;
 * - `mfe_factors.csv` — the tracking run's `tracking.csv`: per universe and factor the MFE
 *   portfolio's excess last week, this month, year to date, annualised, its volatility, IR,
 *   maximum drawdown, weekly win rate and one column per calendar year;
 * - `fund_excess_distribution.csv` — the fund analysis's `excess_distribution.csv`:
 *   `benchmark_index,window,funds,max,min,median,q25,q75`.
 * Pure: the same result gives the same rows.
 */
export function weeklyTables(result: WeeklyResult): WeeklyTable[] {
  const tables: WeeklyTable[] = [];
  if (result.strategies.status === 'ok') {
    const list = result.strategies.value.strategies;
    const ok = list.filter((s): s is WeeklyStrategy => s.status === 'ok');
    tables.push(
      {
        file: 'strategies.csv',
        columns: [
          text('strategy'),
          text('benchmark'),
          num('week_excess'),
          num('month_excess'),
          num('ytd_excess'),
          num('annual_excess'),
          num('tracking_error'),
          num('information_ratio'),
          num('excess_max_drawdown'),
          date('as_of'),
          date('last_date'),
          date('start'),
          date('week_start'),
          date('month_start'),
          date('ytd_start'),
          num('week_excess_ratio'),
          num('month_excess_ratio'),
          num('ytd_excess_ratio'),
          num('annual_excess_ratio'),
          text('status'),
          text('message'),
        ],
        *rows() {
          for (const s of list) {
            if (s.status === 'failed') {
              yield { strategy: s.name, benchmark: s.benchmark, as_of: result.asOf, last_date: result.lastDate, status: 'failed', message: `${s.code}: ${s.message}` };
              continue;
            }
            const row: Record<string, string | number | undefined> = {
              strategy: s.name,
              benchmark: s.benchmark,
              annual_excess: s.annualExcess,
              tracking_error: s.trackingError,
              information_ratio: s.informationRatio,
              excess_max_drawdown: s.excessMaxDrawdown,
              as_of: result.asOf,
              last_date: s.end,
              start: s.start,
              annual_excess_ratio: s.annualExcessRatio,
              status: 'ok',
              message: [...s.warnings, ...s.notes].join(' | '),
            };
            for (const name of STRATEGY_WINDOWS) {
              const w = windowOf(s, name);
              row[`${name}_excess`] = w?.excess;
              row[`${name}_excess_ratio`] = w?.excessRatio;
              row[`${name}_start`] = w?.start;
            }
            yield row;
          }
        },
      },
      {
        file: 'strategy_windows.csv',
        columns: [text('strategy'), text('window'), date('start'), date('end'), int('trading_days'), text('partial'), num('return'), num('benchmark_return'), num('excess'), num('excess_ratio')],
        *rows() {
          for (const s of ok) {
            for (const w of s.windows) {
              yield { strategy: s.name, window: w.name, start: w.start, end: w.end, trading_days: w.tradingDays, partial: w.partial ? 'true' : 'false', return: w.return, benchmark_return: w.benchmarkReturn, excess: w.excess, excess_ratio: w.excessRatio };
            }
          }
        },
      },
      {
        file: 'strategy_nav.csv',
        columns: [text('strategy'), date('trade_date'), num('nav'), num('benchmark_nav')],
        *rows() {
          for (const s of ok) {
            const b = s.result.backtest;
            for (let k = 0; k < b.dates.length; k++) yield { strategy: s.name, trade_date: b.dates[k]!, nav: b.nav[k]!, benchmark_nav: b.benchmarkNav[k]! };
          }
        },
      },
    );
  }
  if (result.tracking.status === 'ok') {
    const table = trackingTables(result.tracking.value).find((t) => t.file === 'tracking.csv')!;
    tables.push({ file: 'mfe_factors.csv', columns: table.columns, rows: () => table.rows() });
  }
  if (result.funds.status === 'ok') {
    const table = fundTables(result.funds.value).find((t) => t.file === 'excess_distribution.csv')!;
    tables.push({ file: 'fund_excess_distribution.csv', columns: table.columns, rows: () => table.rows });
  }
  return tables;
}

function absentJson(section: AbsentSection) {
  return { status: section.status, why: section.why, reason: section.reason, ...(section.code === undefined ? {} : { code: section.code }) };
}

function sectionJson<T, R extends object>(section: WeeklySection<T>, present: (value: T) => R): ({ readonly status: 'ok' } & R) | ReturnType<typeof absentJson> {
  return section.status === 'ok' ? { status: 'ok' as const, ...present(section.value) } : absentJson(section);
}

/**
 * Everything the weekly report shows, as plain JSON-ready data (written as `weekly.json`): the
 * dates and windows; per strategy its windows, metrics, rebalance counts and notes (or the
 * error); the tracking run's summary (`trackingSummary` of `@factorkit/evaluate`: settings,
 * universes, factors, per series the aggregates and unsolved dates); the fund analysis's
 * distribution, its funds and everything it left out; each absent section with its reason; the
 * problems; and the files written. `NaN` becomes `null` in JSON.
 */
export function weeklySummary(result: WeeklyResult, files: readonly string[] = weeklyFiles(result)) {
  return {
    format: WEEKLY_FORMAT,
    version: WEEKLY_FORMAT_VERSION,
    asOf: result.asOf,
    lastDate: result.lastDate,
    windows: result.windows,
    strategies: sectionJson(result.strategies, (value) => ({
      strategies: value.strategies.map((s) => {
        if (s.status === 'failed') return s;
        const { result: _full, ...rest } = s;
        return rest;
      }),
    })),
    tracking: sectionJson(result.tracking, (value) => trackingSummary(value)),
    funds: sectionJson(result.funds, (value) => ({
      excessForm: value.excessForm,
      navColumn: value.navColumn,
      fundTypes: value.fundTypes,
      depositRate: value.depositRate,
      funds: value.funds.length,
      distribution: value.distribution,
      excluded: value.excluded,
      otherTypes: value.otherTypes,
      notes: value.notes,
    })),
    problems: result.problems,
    notes: result.notes,
    timings: result.timings,
    files,
  };
}

/** The files {@link weeklyTables}, `weekly.json`, `report.html` and (with tracking) `tracking/` make of `result`, in {@link WEEKLY_FILES} order. */
export function weeklyFiles(result: WeeklyResult): string[] {
  const written = new Set([...weeklyTables(result).map((t) => t.file), 'weekly.json', 'report.html', ...(result.tracking.status === 'ok' ? [TRACKING_DIR] : [])]);
  return WEEKLY_FILES.filter((f) => written.has(f));
}
