import { type MarketData, requireTable } from '@factorkit/core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Table, createDataset, loadDataset, stringAt, stringColumn, tableFromColumns } from '../src/index.js';
import { cells, put, tempDir } from './io-helpers.js';

/**
 * `MarketData.table()` of the panel store: non-panel tables (funds, holdings…) as loaded, the
 * same table for the whole dataset and for every window of it.
 */
const DAYS = ['2023-01-03', '2023-01-04', '2023-01-05', '2023-01-06'];

function market(): Map<string, Table> {
  const codes = ['000001.SZ', '600519.SH'];
  const rows = DAYS.flatMap((d) => codes.map((c) => [c, d] as const)).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new Map<string, Table>([
    ['calendar', tableFromColumns('calendar', { trade_date: { type: 'date', values: DAYS } })],
    ['stocks', tableFromColumns('stocks', { ts_code: { type: 'string', values: codes } })],
    [
      'daily',
      tableFromColumns('daily', {
        ts_code: { type: 'string', values: rows.map((r) => r[0]) },
        trade_date: { type: 'date', values: rows.map((r) => r[1]) },
        close: { type: 'number', values: rows.map(() => 10) },
      }),
    ],
    ['funds', tableFromColumns('funds', { fund_code: { type: 'string', values: ['000001', '000002'] }, fund_type: { type: 'string', values: ['active_equity', 'other'] } })],
    [
      'fund_holdings',
      tableFromColumns('fund_holdings', {
        fund_code: { type: 'string', values: ['000001', '000001'] },
        // One report announced after the last trading day: a table is not cut by date.
        ann_date: { type: 'date', values: ['2022-10-28', '2023-01-30'] },
        end_date: { type: 'date', values: ['2022-09-30', '2022-12-31'] },
        ts_code: { type: 'string', values: ['600519.SH', '600519.SH'] },
        weight: { type: 'number', values: [9.5, 9.8] },
      }),
    ],
  ]);
}

describe('Dataset.table', () => {
  const tables = market();
  const { dataset } = createDataset(tables);

  it('serves the non-panel tables as given (same object), undefined for others', () => {
    expect(dataset.table('funds')).toBe(tables.get('funds'));
    expect(dataset.table('fund_holdings')).toBe(tables.get('fund_holdings'));
    expect(dataset.table('fund_nav')).toBeUndefined();
    // Tables shaped into panels are not served as tables.
    expect(dataset.table('daily')).toBeUndefined();
  });

  it('a window (and a window of a window) serves the same uncut table: every row, also those after its last day', () => {
    const view: MarketData = dataset.window(1, 3).window(0, 1);
    expect(view.calendar.dates).toEqual(['2023-01-04']);
    const holdings = view.table!('fund_holdings')!;
    expect(holdings).toBe(tables.get('fund_holdings'));
    expect(cells(holdings, 'ann_date')).toEqual([20221028, 20230130]);
    expect(view.table!('nope')).toBeUndefined();
  });

  it('requireTable works on the store and names a missing table', () => {
    expect(requireTable(dataset.window(0, 2), 'funds')).toBe(tables.get('funds'));
    expect(() => requireTable(dataset.window(0, 2), 'fund_nav', 'universe `u`')).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: 'universe `u`: table `fund_nav` is needed, but the dataset does not have it' }) as Error,
    );
  });
});

describe('Dataset.table on a loaded folder', () => {
  it('is the table as the loader read it: schema columns, typed, with source lines', async () => {
    const dir = path.join(tempDir('fk-store-tables-'), 'd');
    mkdirSync(dir);
    put(dir, 'calendar.csv', 'trade_date\n2023-01-03\n2023-01-04\n');
    put(dir, 'stocks.csv', 'ts_code\n000001.SZ\n');
    put(dir, 'daily.csv', 'ts_code,trade_date,open,high,low,close,volume\n000001.SZ,2023-01-03,10,11,9,10.5,100\n000001.SZ,2023-01-04,10.5,11,10,10.8,200\n');
    put(dir, 'funds.csv', 'fund_code,name,fund_type,inception_date\n000001,华夏成长混合,active_equity,2001-12-18\n');
    put(dir, 'fund_holdings.csv', 'fund_code,ann_date,end_date,ts_code,weight\n000001,2021-01-22,2020-12-31,601318.SH,6.04\n000001,2021-01-22,2020-12-31,000001.SZ,5.9\n');
    const { dataset } = await loadDataset(dir);
    const holdings = dataset.window(1, 2).table!('fund_holdings')!;
    expect(holdings.rowCount).toBe(2);
    expect(holdings.columns.get('ann_date')?.type).toBe('date');
    expect(cells(holdings, 'ann_date')).toEqual([20210122, 20210122]);
    expect(cells(holdings, 'weight')).toEqual([6.04, 5.9]);
    // A stock outside the dataset's assets stays in the table (holdings may name any stock).
    expect(cells(holdings, 'ts_code')).toEqual(['601318.SH', '000001.SZ']);
    expect(Array.from(holdings.lines ?? [])).toEqual([2, 3]);
    const funds = dataset.table('funds')!;
    expect(stringAt(stringColumn(funds, 'fund_type'), 0)).toBe('active_equity');
  });
});
