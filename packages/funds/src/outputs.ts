import type { CsvColumn, TableRow } from '@factorkit/report';
import type { FundAnalytics } from './analytics.js';

/** One CSV file of a fund analysis: its name, its columns and its rows. */
export interface FundTable {
  readonly file: string;
  readonly columns: readonly CsvColumn[];
  readonly rows: readonly TableRow[];
}

/** The files `writeFundOutputs` writes, in order (`report.html` last). */
export const FUND_FILES: readonly string[] = ['excess_distribution.csv', 'fund_excess.csv', 'new_high.csv', 'heavy_holdings.csv', 'excluded.csv', 'report.html'];

const text = (id: string): CsvColumn => ({ id, format: 'text' });
const date = (id: string): CsvColumn => ({ id, format: 'date' });
const number = (id: string): CsvColumn => ({ id, format: 'number' });
const int = (id: string): CsvColumn => ({ id, format: 'int' });

/**
 * The CSV tables of a fund analysis (numbers in full precision, returns as fractions: `0.0123`
 * is 1.23 %):
 * - `excess_distribution.csv` — `benchmark_index,window,funds,max,min,median,q25,q75`: per index
 *   family (the benchmark's main index code) and window, the number of funds and the distribution
 *   of their excess (empty numbers when no fund has one);
 * - `fund_excess.csv` — `fund_code,name,benchmark_index,window,start,end,fund_return,benchmark_return,excess`:
 *   per fund and window, sorted by family, window, then excess from highest to lowest;
 * - `new_high.csv` — `fund_code,window,start,end,trading_days,new_highs,new_high_rate`;
 * - `heavy_holdings.csv` — `trade_date,ts_code,weight`: every rebuild of the heavy-holdings index
 *   (the day it takes effect, its members and their weights as fractions summing to 1);
 * - `excluded.csv` — `fund_code,name,window,reason,excluded_from,detail`: everything left out
 *   (`window` empty: every window; `excluded_from`: `all` or `excess`).
 * Pure: the same analysis gives the same rows.
 */
export function fundTables(result: FundAnalytics): FundTable[] {
  return [
    {
      file: 'excess_distribution.csv',
      columns: [text('benchmark_index'), text('window'), int('funds'), number('max'), number('min'), number('median'), number('q25'), number('q75')],
      rows: result.distribution.map((d) => ({ benchmark_index: d.benchmarkIndex, window: d.window, funds: d.funds, max: d.max, min: d.min, median: d.median, q25: d.q25, q75: d.q75 })),
    },
    {
      file: 'fund_excess.csv',
      columns: [text('fund_code'), text('name'), text('benchmark_index'), text('window'), date('start'), date('end'), number('fund_return'), number('benchmark_return'), number('excess')],
      rows: result.excess.map((e) => ({
        fund_code: e.fund,
        name: e.name,
        benchmark_index: e.benchmarkIndex,
        window: e.window,
        start: e.start,
        end: e.end,
        fund_return: e.fundReturn,
        benchmark_return: e.benchmarkReturn,
        excess: e.excess,
      })),
    },
    {
      file: 'new_high.csv',
      columns: [text('fund_code'), text('window'), date('start'), date('end'), int('trading_days'), int('new_highs'), number('new_high_rate')],
      rows: result.newHigh.map((h) => ({ fund_code: h.fund, window: h.window, start: h.start, end: h.end, trading_days: h.tradingDays, new_highs: h.newHighs, new_high_rate: h.rate })),
    },
    {
      file: 'heavy_holdings.csv',
      columns: [date('trade_date'), text('ts_code'), number('weight')],
      rows: (result.heavyHoldings?.rebuilds ?? []).flatMap((r) => r.members.map((m) => ({ trade_date: r.date, ts_code: m.code, weight: m.weight }))),
    },
    {
      file: 'excluded.csv',
      columns: [text('fund_code'), text('name'), text('window'), text('reason'), text('excluded_from'), text('detail')],
      rows: result.excluded.map((x) => ({ fund_code: x.fund, name: x.name, window: x.window, reason: x.reason, excluded_from: x.from, detail: x.detail })),
    },
  ];
}
