import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DatasetReport, type Table, dateColumn, numberColumn, readDatasetTables, stringColumn } from '../src/index.js';
import { cells } from './io-helpers.js';

/**
 * The real cn-csi300 dataset (beside the repository, in CI too) through `readDatasetTables`:
 * it must load with zero rejected rows, and hold the figures its README prints. Slow (reads
 * 1.5 M daily rows; a few seconds, more on a busy machine), so the timeouts are generous.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DATA_DIR = path.resolve(repoRoot, '../shared/data/cn-csi300');
const SLOW = 300_000;

describe('cn-csi300 through readDatasetTables (slow, real data)', () => {
  let tables: Map<string, Table>;
  let report: DatasetReport;

  beforeAll(async () => {
    // The strictest verdict: no rejected row, no data warning.
    ({ tables, report } = await readDatasetTables(DATA_DIR, { maxRejected: 0, strict: true }));
  }, SLOW);

  /** Row of `code` on `date` in a table with ts_code and a date column. */
  function rowOf(table: Table, code: string, date: number, dateName = 'trade_date'): number {
    const codes = stringColumn(table, 'ts_code');
    const want = codes.dictionary.indexOf(code);
    const dates = dateColumn(table, dateName);
    for (let r = 0; r < table.rowCount; r++) if (codes.codes[r] === want && dates[r] === date) return r;
    throw new Error(`no row ${code} ${date}`);
  }

  it('is usable, with zero rejected rows, and the row counts of its README', () => {
    expect(report.usable).toBe(true);
    expect(report.errors).toEqual([]);
    expect(report.unknownFiles).toEqual(['README.md']);
    expect(report.tables.map((t) => [t.table, t.format, t.rowsRead, t.rowsKept, t.rejected])).toEqual([
      ['calendar', 'csv', 2548, 2548, 0],
      ['stocks', 'csv', 670, 670, 0],
      ['daily', 'csv.gz', 1_501_096, 1_501_096, 0],
      ['fina', 'csv.gz', 24_460, 24_460, 0],
      ['industry', 'csv', 1976, 1976, 0],
      ['index_members', 'csv', 2277, 2277, 0],
      ['index_weight', 'csv.gz', 57_900, 57_900, 0],
      ['index_daily', 'csv', 9898, 9898, 0],
    ]);
    for (const t of report.tables) expect(t.problems).toEqual([]);
  });

  it('passes the verdict: no data warning (high ≥ low, open/close in range, pct_chg agrees with close / pre_close, ann_date ≥ end_date), codes already 600519.SH', () => {
    expect(report).toMatchObject({ verdict: 'pass', failures: [], rowsRead: 1_600_825, rejectedTotal: 0, warningTotal: 0, allowedRejected: 0, strict: true });
    expect(report.calendar).toEqual({ first: '2013-01-04', last: '2023-06-30', days: 2548 });
    expect(report.assets).toBe(670);
    for (const t of report.tables) {
      expect(t.warnings).toEqual([]);
      expect(t.normalisedCodes).toEqual([]);
    }
    // fina's extra columns are numbers: kept, none skipped.
    expect(report.tables.find((t) => t.table === 'fina')!.extraColumns.map((c) => [c.name, c.action])).toEqual(
      ['np_margin', 'gp_margin', 'yoy_equity', 'yoy_asset', 'yoy_ni', 'yoy_eps_basic', 'yoy_pni'].map((name) => [name, 'kept']),
    );
  });

  it('calendar: 2,548 days from 2013-01-04 to 2023-06-30', () => {
    const days = dateColumn(tables.get('calendar')!, 'trade_date');
    expect(days.length).toBe(2548);
    expect(days[0]).toBe(20130104);
    expect(days[2547]).toBe(20230630);
  });

  it('stocks: 670, 383 SH / 287 SZ, 594 main / 60 chinext / 16 star, 16 delisted', () => {
    const stocks = tables.get('stocks')!;
    const count = (name: string) => {
      const out: Record<string, number> = {};
      for (const v of cells(stocks, name)) out[String(v)] = (out[String(v)] ?? 0) + 1;
      return out;
    };
    expect(stocks.rowCount).toBe(670);
    expect(count('exchange')).toEqual({ SZ: 287, SH: 383 });
    expect(count('board')).toEqual({ main: 594, chinext: 60, star: 16 });
    expect(count('delisted')).toEqual({ 0: 654, 1: 16 });
  });

  it('daily: 600519.SH figures, lines, suspensions and empty valuation counts', () => {
    const daily = tables.get('daily')!;
    expect(daily.rowCount).toBe(1_501_096);
    expect([...daily.columns.keys()]).toEqual([
      'ts_code', 'trade_date', 'open', 'high', 'low', 'close', 'pre_close', 'pct_chg', 'volume', 'amount',
      'turnover_rate', 'is_trading', 'is_st', 'pe_ttm', 'pb_mrq', 'ps_ttm', 'pcf_ncf_ttm',
    ]);
    const last = rowOf(daily, '600519.SH', 20230630);
    const at = (name: string, row: number) => numberColumn(daily, name)[row];
    expect(at('close', last)).toBe(11474.50033);
    expect(at('pct_chg', last)).toBe(0.1896);
    expect(at('pre_close', last)).toBe(11452.786314);
    expect(at('amount', last)).toBe(3472586730.49);
    expect(at('volume', last)).toBe(2045869);
    expect(at('pe_ttm', last)).toBeNaN();
    const before = rowOf(daily, '600519.SH', 20230629);
    expect(at('pe_ttm', before)).toBe(32.48645);
    expect(at('pb_mrq', before)).toBe(9.862567);
    expect(at('close', rowOf(daily, '600519.SH', 20130104))).toBe(963.00398148);
    const codes = stringColumn(daily, 'ts_code');
    expect(codes.dictionary.length).toBe(670);
    const moutai = codes.dictionary.indexOf('600519.SH');
    expect(codes.codes.filter((c) => c === moutai).length).toBe(2548);
    // No blank lines in the file: row r is on line r + 2.
    expect(daily.lines![0]).toBe(2);
    expect(daily.lines![daily.rowCount - 1]).toBe(1_501_097);
    const countWhere = (name: string, test: (v: number) => boolean) => numberColumn(daily, name).filter(test).length;
    expect(countWhere('is_trading', (v) => v === 0)).toBe(48_992);
    expect(countWhere('is_st', (v) => v === 1)).toBe(20_338);
    expect(countWhere('pe_ttm', Number.isNaN)).toBe(2262);
    expect(countWhere('pb_mrq', Number.isNaN)).toBe(2347);
    expect(countWhere('ps_ttm', Number.isNaN)).toBe(2262);
    expect(countWhere('pcf_ncf_ttm', Number.isNaN)).toBe(2378);
  });

  it('fina: 600519.SH FY2022, with the extra columns kept as numbers', () => {
    const fina = tables.get('fina')!;
    expect(fina.rowCount).toBe(24_460);
    const row = rowOf(fina, '600519.SH', 20221231, 'end_date');
    expect(dateColumn(fina, 'ann_date')[row]).toBe(20230331);
    expect(numberColumn(fina, 'net_profit_ytd')[row]).toBe(65375136766.75);
    expect(numberColumn(fina, 'revenue_ytd')[row]).toBe(123772332348.71);
    expect(numberColumn(fina, 'eps_ttm')[row]).toBe(49.925612);
    expect(numberColumn(fina, 'roe_avg')[row]).toBe(0.324077);
    expect(numberColumn(fina, 'gp_margin')[row]).toBe(0.918667); // not in the schema: an extra number column
    expect(numberColumn(fina, 'revenue_ytd').filter(Number.isNaN).length).toBe(12_961);
    expect(numberColumn(fina, 'gp_margin').filter(Number.isNaN).length).toBe(2494);
  });

  it('index tables: weights, members and levels', () => {
    const weight = tables.get('index_weight')!;
    expect(weight.rowCount).toBe(57_900);
    expect(numberColumn(weight, 'weight')[rowOf(weight, '600519.SH', 20130104)]).toBe(1.6602);
    expect(numberColumn(weight, 'weight')[rowOf(weight, '600519.SH', 20230630)]).toBe(5.621);
    expect(new Set(dateColumn(weight, 'trade_date')).size).toBe(193);

    const members = tables.get('index_members')!;
    const index = cells(members, 'index_code');
    expect(index.filter((c) => c === '000300.SH').length).toBe(766);
    expect(index.filter((c) => c === '000905.SH').length).toBe(1511);

    const levels = tables.get('index_daily')!;
    expect(levels.rowCount).toBe(9898);
    const indexCodes = cells(levels, 'index_code');
    const days = dateColumn(levels, 'trade_date');
    const close = numberColumn(levels, 'close');
    const find = (code: string, day: number) => indexCodes.findIndex((c, r) => c === code && days[r] === day);
    expect(close[find('000300.SH', 20130104)]).toBe(2524.409);
    expect(close[find('000300.SH', 20230630)]).toBe(3842.4517);
    expect(numberColumn(levels, 'amount').filter((v) => !Number.isNaN(v)).length).toBe(2434);
  });
});
