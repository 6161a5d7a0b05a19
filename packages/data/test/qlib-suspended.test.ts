/**
 * Suspended days and `$change` in `tablesToQlib` output, and the way back.
 *
 * qlib's backtest knows a suspended day by a NaN `$close` only (qlib/backtest/exchange.py,
 * `_update_limit` and `check_stock_suspended`), and its price-limit check reads `$change` as a
 * fraction (`$change ≥ limit_threshold`, 0.095 in qlib's configs). Every expected value here is
 * written out by hand from the tables below.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Table, dateColumn, numberColumn, qlibToTables, stringAt, stringColumn, tableFromColumns, tablesToQlib } from '../src/index.js';
import { tempDir } from './io-helpers.js';
import { readQlibBin } from './qlib-helpers.js';

const N = Number.NaN;
const f32 = Math.fround;

const root = tempDir('factorkit-qlib-susp-');

const bin = readQlibBin;

/** Equal as float32 values (NaN equals NaN). */
const sameF32 = (got: readonly number[] | undefined, want: readonly number[]): void => expect(got).toEqual(want.map((x) => f32(x)));

// Mon 2024-01-08 … Tue 2024-01-16; calendar indices 0..6.
const CAL = ['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12', '2024-01-15', '2024-01-16'];

type Row = Record<string, number | string>;
function table(name: string, key: string, rows: readonly Row[]): Table {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return tableFromColumns(
    name,
    Object.fromEntries(
      names.map((c) => [
        c,
        c === key
          ? { type: 'string' as const, values: rows.map((r) => r[c] as string) }
          : c === 'trade_date'
            ? { type: 'date' as const, values: rows.map((r) => r[c] as string) }
            : { type: 'number' as const, values: rows.map((r) => (r[c] as number | undefined) ?? N) },
      ]),
    ),
  );
}

/** `key|yyyymmdd` → row. */
function rowsOf(t: Table, key: string): Map<string, number> {
  const codes = stringColumn(t, key);
  const dates = dateColumn(t, 'trade_date');
  return new Map(Array.from({ length: t.rowCount }, (_, i) => [`${stringAt(codes, i)}|${dates[i]}`, i] as const));
}

const bar = (p: number): Row => ({ open: p, high: p, low: p, close: p });

/**
 * Like cn-csi1000: no `pct_chg`, no `is_trading`, no `amount`; suspended = volume 0 or empty.
 * 000002.SZ: suspended when the data starts (01-08, close 20 from before the data), trades on
 * 01-09, suspended 01-10 (volume 0; the factor changes, the adjusted close stays) and 01-11
 * (volume empty, and a close that is not the last one: a source quirk), trades 01-12, no row on
 * 01-15 (a gap), trades 01-16.
 */
const noPct = (): Map<string, Table> =>
  new Map([
    ['calendar', tableFromColumns('calendar', { trade_date: { type: 'date', values: CAL } })],
    [
      'daily',
      table('daily', 'ts_code', [
        { ts_code: '000002.SZ', trade_date: '2024-01-08', ...bar(20), adj_factor: 2 },
        { ts_code: '000002.SZ', trade_date: '2024-01-09', open: 20.5, high: 22.2, low: 20.1, close: 22, volume: 1000, adj_factor: 2 },
        { ts_code: '000002.SZ', trade_date: '2024-01-10', ...bar(22), volume: 0, adj_factor: 2.5 },
        { ts_code: '000002.SZ', trade_date: '2024-01-11', ...bar(21.9999), adj_factor: 2.5 },
        { ts_code: '000002.SZ', trade_date: '2024-01-12', open: 23, high: 24.2, low: 22.8, close: 24.2, volume: 500, adj_factor: 2.5 },
        { ts_code: '000002.SZ', trade_date: '2024-01-16', open: 24, high: 24.5, low: 22.9, close: 23, volume: 800, adj_factor: 2.5 },
        { ts_code: '600036.SH', trade_date: '2024-01-08', ...bar(30), volume: 100, adj_factor: 1 },
        { ts_code: '600036.SH', trade_date: '2024-01-09', ...bar(33), volume: 200, adj_factor: 1 },
      ]),
    ],
    [
      'index_daily',
      table('index_daily', 'index_code', [
        { index_code: '000905.SH', trade_date: '2024-01-08', ...bar(5000), volume: 1e9 },
        { index_code: '000905.SH', trade_date: '2024-01-09', ...bar(5100), volume: 1e9 },
        { index_code: '000905.SH', trade_date: '2024-01-10', ...bar(5049), volume: 1e9 },
      ]),
    ],
  ]);

describe('suspended rows are NaN days for qlib', () => {
  it('writes NaN prices, volume and change on suspended rows, keeps the factor, and marks them with is_trading 0', async () => {
    const dir = join(root, 'nan-days');
    const report = await tablesToQlib(noPct(), dir);
    // 000002.SZ: rows on calendar days 0..4 and 6; suspended on 0, 2, 3; no row on 5.
    sameF32((await bin(dir, 'SZ000002', 'close'))?.values, [N, 22, N, N, 24.2, N, 23]);
    sameF32((await bin(dir, 'SZ000002', 'open'))?.values, [N, 20.5, N, N, 23, N, 24]);
    sameF32((await bin(dir, 'SZ000002', 'high'))?.values, [N, 22.2, N, N, 24.2, N, 24.5]);
    sameF32((await bin(dir, 'SZ000002', 'low'))?.values, [N, 20.1, N, N, 22.8, N, 22.9]);
    sameF32((await bin(dir, 'SZ000002', 'volume'))?.values, [N, 1000 / 2, N, N, 500 / 2.5, N, 800 / 2.5]);
    sameF32((await bin(dir, 'SZ000002', 'factor'))?.values, [2, 2, 2.5, 2.5, 2.5, N, 2.5]);
    sameF32((await bin(dir, 'SZ000002', 'is_trading'))?.values, [0, 1, 0, 0, 1, N, 1]);
    // qlib's all.txt still covers the suspended days (dump_bin: first to last row).
    expect((await readFile(join(dir, 'instruments', 'all.txt'), 'utf8')).split('\n')).toContain('SZ000002\t2024-01-08\t2024-01-16');
    expect(report.suspended).toMatchObject({
      table: 'daily',
      rows: 3,
      rule: expect.stringMatching(/volume/) as string,
      fields: ['open', 'high', 'low', 'close', 'volume', 'change'],
      isTrading: expect.stringMatching(/^is_trading: derived/) as string,
    });
    expect(report.fields.find((f) => f.table === 'daily' && f.field === 'close')).toMatchObject({ rowsWithoutValue: 3, note: expect.stringMatching(/3 suspended rows/) as string });
  });

  it('with is_trading: a row with is_trading 0 is suspended even with a volume (the data layer’s rule), and comes back whole', async () => {
    const tables = new Map([
      ['calendar', tableFromColumns('calendar', { trade_date: { type: 'date', values: CAL } })],
      [
        'daily',
        table('daily', 'ts_code', [
          { ts_code: '600000.SH', trade_date: '2024-01-08', ...bar(10), pct_chg: 1, volume: 100, amount: 1000, is_trading: 1 },
          // A source quirk kept by cn-csi300: is_trading 0 with a volume.
          { ts_code: '600000.SH', trade_date: '2024-01-09', ...bar(10), pct_chg: 0.9269, volume: 353426, amount: 19589785.99, is_trading: 0 },
          { ts_code: '600000.SH', trade_date: '2024-01-10', ...bar(10), pct_chg: 0, volume: 0, amount: 0, is_trading: 0 },
          { ts_code: '600000.SH', trade_date: '2024-01-11', ...bar(11), pct_chg: 10, volume: 300, amount: 3300, is_trading: 1 },
          { ts_code: '600000.SH', trade_date: '2024-01-12', ...bar(11), pct_chg: 0, volume: 0, amount: 0, is_trading: 0 },
        ]),
      ],
    ]);
    const dir = join(root, 'given');
    const report = await tablesToQlib(tables, dir);
    sameF32((await bin(dir, 'SH600000', 'close'))?.values, [10, N, N, 11, N]);
    sameF32((await bin(dir, 'SH600000', 'volume'))?.values, [100, N, N, 300, N]);
    sameF32((await bin(dir, 'SH600000', 'amount'))?.values, [1000, N, N, 3300, N]);
    sameF32((await bin(dir, 'SH600000', 'change'))?.values, [0.01, N, N, 0.1, N]);
    sameF32((await bin(dir, 'SH600000', 'is_trading'))?.values, [1, 0, 0, 1, 0]);
    // The usual values of the three suspended rows: volume 0, amount 0, pct_chg 0; the 01-09
    // row's three differ and are kept in the marker. Prices are the carried 10 and 11.
    expect(report.suspended).toMatchObject({ rows: 3, rule: '`is_trading` ≠ 1', isTrading: expect.stringMatching(/as the table says/) as string, valuesInMarker: 3 });

    const { tables: back, report: imported } = await qlibToTables(dir);
    expect(imported.suspendedRows).toBe(3);
    const daily = back.get('daily')!;
    const at = rowsOf(daily, 'ts_code');
    const want: Record<string, number[]> = {
      close: [10, 10, 10, 11, 11],
      open: [10, 10, 10, 11, 11],
      volume: [100, 353426, 0, 300, 0],
      amount: [1000, f32(19589785.99), 0, 3300, 0],
      pct_chg: [f32(0.01) * 100, f32(0.9269), 0, f32(0.1) * 100, 0],
      is_trading: [1, 0, 0, 1, 0],
    };
    const days = ['20240108', '20240109', '20240110', '20240111', '20240112'];
    for (const [column, values] of Object.entries(want)) {
      expect(days.map((d) => numberColumn(daily, column)[at.get(`600000.SH|${d}`)!]), column).toEqual(values);
    }
  });

  it('comes back as non-trading rows: prices = the previous close, a leading suspension and quirks from the marker', async () => {
    const dir = join(root, 'back');
    const exported = await tablesToQlib(noPct(), dir);
    // Not given back by the rule: the four prices of 01-08 (no previous close), the volume 0 of
    // 01-10 (most suspended rows have none), the four prices of 01-11 (21.9999, not 22).
    expect(exported.suspended!.valuesInMarker).toBe(9);
    const marker = JSON.parse(await readFile(join(dir, 'factorkit.json'), 'utf8')) as { version: number; suspended: { values: Record<string, number | null> } };
    expect(marker.version).toBe(2);
    expect(marker.suspended.values).toEqual({ volume: null });

    const { tables, report } = await qlibToTables(dir);
    expect(report.suspendedRows).toBe(3);
    expect(report.rowsWithMissingPrices).toBe(0);
    const daily = tables.get('daily')!;
    // Neither the derived change nor the derived is_trading becomes a column.
    expect([...daily.columns.keys()]).toEqual(['ts_code', 'trade_date', 'open', 'high', 'low', 'close', 'volume', 'adj_factor']);
    expect(report.droppedFields.filter((d) => d.table === 'daily').map((d) => d.field)).toEqual(['change', 'is_trading']);
    const at = rowsOf(daily, 'ts_code');
    const days = ['20240108', '20240109', '20240110', '20240111', '20240112', '20240116'];
    const column = (name: string): number[] => days.map((d) => numberColumn(daily, name)[at.get(`000002.SZ|${d}`)!]!);
    expect(column('close')).toEqual([20, 22, 22, f32(21.9999), f32(24.2), 23]);
    expect(column('low')).toEqual([20, f32(20.1), 22, f32(21.9999), f32(22.8), f32(22.9)]);
    expect(column('volume')).toEqual([N, 1000, 0, N, f32(500 / 2.5) * f32(2.5), f32(800 / 2.5) * f32(2.5)]);
    expect(column('adj_factor')).toEqual([2, 2, 2.5, 2.5, 2.5, 2.5]);
    // The stock first traded on 01-09: the rows came back as non-trading rows.
    const stocks = tables.get('stocks')!;
    const s = Array.from({ length: stocks.rowCount }, (_, i) => i).find((i) => stringAt(stringColumn(stocks, 'ts_code'), i) === '000002.SZ')!;
    expect([dateColumn(stocks, 'first_trade_date')[s], dateColumn(stocks, 'last_trade_date')[s]]).toEqual([20240109, 20240116]);
  });

  it('a version-1 marker is still read; a later version is refused, naming it', async () => {
    const dir = join(root, 'versions');
    await tablesToQlib(noPct(), dir);
    const path = join(dir, 'factorkit.json');
    const marker = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...marker, version: 3 }));
    await expect(qlibToTables(dir)).rejects.toThrow(/marker version `3` is not supported \(this version reads 1 and 2\)/);
    const v1: Record<string, unknown> = { ...marker, version: 1 };
    delete v1['suspended'];
    delete v1['notRestored'];
    await writeFile(path, JSON.stringify(v1));
    const { report } = await qlibToTables(dir);
    // A version-1 folder had no blanked rows: nothing is restored, days without a close have no row.
    expect(report.suspendedRows).toBe(0);
    expect(report.dailyRows).toBe(5);
  });
});

describe('$change for qlib’s price-limit check', () => {
  it('without pct_chg: close / previous trading close − 1, NaN on the first trading day and on suspended days', async () => {
    const dir = join(root, 'change');
    const report = await tablesToQlib(noPct(), dir);
    // 000002.SZ: 01-09 has no trading day before it (01-08 suspended); 01-12 compares with 01-09's
    // 22, not with the 21.9999 of the suspended 01-11; 01-16 with 01-12 across the gap.
    sameF32((await bin(dir, 'SZ000002', 'change'))?.values, [N, N, N, N, 24.2 / 22 - 1, N, 23 / 24.2 - 1]);
    sameF32((await bin(dir, 'SH600036', 'change'))?.values, [N, 33 / 30 - 1]);
    // Index levels: the previous close.
    sameF32((await bin(dir, 'SH000905', 'change'))?.values, [N, 5100 / 5000 - 1, 5049 / 5100 - 1]);
    for (const t of ['daily', 'index_daily']) {
      expect(report.fields.find((f) => f.table === t && f.field === 'change')).toMatchObject({
        written: true,
        derived: true,
        source: expect.stringMatching(/^close \/ previous (trading )?close − 1/) as string,
      });
    }
    expect(report.notWritten.map((f) => f.field)).toEqual(['vwap', 'amount', 'vwap', 'amount']);
  });

  it('a table with its own `change` column (and no pct_chg) keeps it', async () => {
    const tables = noPct();
    const daily = tables.get('daily')!;
    const change = Float64Array.from({ length: daily.rowCount }, (_, i) => i / 100);
    tables.set('daily', { ...daily, columns: new Map([...daily.columns, ['change', { type: 'number', values: change }]]) });
    const dir = join(root, 'own-change');
    const report = await tablesToQlib(tables, dir);
    expect(report.fields.find((f) => f.table === 'daily' && f.field === 'change')).toMatchObject({ source: 'change (as given)', derived: false });
    sameF32((await bin(dir, 'SH600036', 'change'))?.values, [0.06, 0.07]);
  });
});
