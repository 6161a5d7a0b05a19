/**
 * What real qlib needs in a `tablesToQlib` folder, checked on the files themselves (read here
 * byte by byte, not with `readQlib`): `$factor` (adjusted / raw price) on every row with a close,
 * `$vwap` on the adjusted scale, `$volume` divided by the factor, instruments/all.txt over each
 * symbol's whole data range (as qlib's scripts/dump_bin.py writes it), and a report that names
 * every field not written. Then `qlibToTables` on the same folders: volume back in shares, and
 * nothing reported that was not lost.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Table, dateColumn, numberColumn, qlibToTables, stringAt, stringColumn, tableFromColumns, tablesToQlib } from '../src/index.js';
import { tempDir } from './io-helpers.js';
import { readQlibBin } from './qlib-helpers.js';

const N = Number.NaN;
const f32 = Math.fround;

const root = tempDir('factorkit-qlib-conv-');

const bin = readQlibBin;

/** `instruments/<market>.txt` as [symbol, start, end] lines. */
async function instruments(dir: string, market: string): Promise<string[][]> {
  const text = await readFile(join(dir, 'instruments', `${market}.txt`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

/** `key|yyyymmdd` → row of a daily-like table. */
function rowsOf(t: Table, key: string): Map<string, number> {
  const codes = stringColumn(t, key);
  const dates = dateColumn(t, 'trade_date');
  return new Map(Array.from({ length: t.rowCount }, (_, i) => [`${stringAt(codes, i)}|${dates[i]}`, i] as const));
}

/** Equal as float32 values (NaN equals NaN). */
const sameF32 = (got: readonly number[], want: readonly number[]): void => expect(got).toEqual(want.map((x) => f32(x)));

// Mon 2024-01-08 … Tue 2024-01-16; calendar indices 0..6.
const CAL = ['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12', '2024-01-15', '2024-01-16'];
const calendar = (): Table => tableFromColumns('calendar', { trade_date: { type: 'date', values: CAL } });

type Row = Record<string, number | string>;
function table(name: string, rows: readonly Row[], strings: readonly string[], dates: readonly string[]): Table {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return tableFromColumns(
    name,
    Object.fromEntries(
      names.map((c) => [
        c,
        strings.includes(c)
          ? { type: 'string' as const, values: rows.map((r) => (r[c] as string | undefined) ?? '') }
          : dates.includes(c)
            ? { type: 'date' as const, values: rows.map((r) => (r[c] as string | undefined) ?? '') }
            : { type: 'number' as const, values: rows.map((r) => (r[c] as number | undefined) ?? N) },
      ]),
    ),
  );
}
const dailyTable = (rows: readonly Row[]): Table => table('daily', rows, ['ts_code'], ['trade_date']);

describe('tablesToQlib writes $factor, $vwap and volume in qlib’s units', () => {
  // 600000.SH: suspended on its first and last rows (prices = last close, volume 0), a 2-for-1
  // split between 01-09 and 01-10 (adj_factor 1.5 → 3). 000001.SZ: no adj_factor on 01-10.
  const daily = dailyTable([
    { ts_code: '600000.SH', trade_date: '2024-01-08', open: 15, high: 15, low: 15, close: 15, volume: 0, amount: 0, pct_chg: 0, adj_factor: 1.5, is_trading: 0 },
    { ts_code: '600000.SH', trade_date: '2024-01-09', open: 15, high: 16.5, low: 15, close: 16.5, volume: 2000, amount: 21000, pct_chg: 10, adj_factor: 1.5, is_trading: 1 },
    { ts_code: '600000.SH', trade_date: '2024-01-10', open: 33, high: 34, low: 32, close: 33, volume: 3000, amount: 33000, pct_chg: 0, adj_factor: 3, is_trading: 1 },
    { ts_code: '600000.SH', trade_date: '2024-01-11', open: 33, high: 33, low: 33, close: 33, volume: 0, amount: 0, pct_chg: 0, adj_factor: 3, is_trading: 0 },
    { ts_code: '000001.SZ', trade_date: '2024-01-09', open: 10, high: 11, low: 9.5, close: 10.5, volume: 1000, amount: 10000, pct_chg: 5, adj_factor: 1, is_trading: 1 },
    { ts_code: '000001.SZ', trade_date: '2024-01-10', open: 10.5, high: 11, low: 10, close: 10.8, volume: 500, amount: 5200, pct_chg: 2.8571, adj_factor: N, is_trading: 1 },
  ]);
  const stocks = table(
    'stocks',
    [
      { ts_code: '600000.SH', first_trade_date: '2024-01-09', last_trade_date: '2024-01-10' },
      { ts_code: '000001.SZ', first_trade_date: '2024-01-09', last_trade_date: '2024-01-10' },
      // In the stock list, no daily rows.
      { ts_code: '300001.SZ', first_trade_date: '2024-01-08', last_trade_date: '2024-01-16' },
    ],
    ['ts_code'],
    ['first_trade_date', 'last_trade_date'],
  );
  const indexDaily = table(
    'index_daily',
    [
      { index_code: '000300.SH', trade_date: '2024-01-09', open: 3300, high: 3310, low: 3290, close: 3305, volume: 8e9, amount: 2.4e11 },
      { index_code: '000300.SH', trade_date: '2024-01-10', open: 3305, high: 3320, low: 3300, close: 3315, volume: 1e10, amount: 2.5e11 },
    ],
    ['index_code'],
    ['trade_date'],
  );
  const tables = new Map<string, Table>([
    ['calendar', calendar()],
    ['stocks', stocks],
    ['daily', daily],
    ['index_daily', indexDaily],
  ]);

  it('factor = adj_factor; volume ÷ factor; vwap = amount / volume × factor; rows without a factor reported', async () => {
    const dir = join(root, 'adj');
    const report = await tablesToQlib(tables, dir);

    // 600000.SH from its first row (calendar index 0) to its last (3); the factor is kept on its
    // suspended rows (0 and 3), as qlib's collector carries it forward.
    expect(await bin(dir, 'SH600000', 'factor')).toEqual({ start: 0, values: [1.5, 1.5, 3, 3] });
    const volume = (await bin(dir, 'SH600000', 'volume'))!;
    // Suspended rows: NaN, as in qlib's own data.
    sameF32(volume.values, [N, 2000 / 1.5, 3000 / 3, N]);
    // 21000 / 2000 = 10.5 CNY raw × 1.5; 11 CNY × 3.
    sameF32((await bin(dir, 'SH600000', 'vwap'))!.values, [N, 15.75, 33, N]);
    // pct_chg 10 → 0.1: qlib's change is a fraction (limit check: $change ≥ 0.095).
    sameF32((await bin(dir, 'SH600000', 'change'))!.values, [N, 0.1, 0, N]);
    // qlib's identities: price × volume = amount at the VWAP; close / factor = the raw close.
    expect(f32(15.75) * volume.values[1]!).toBeCloseTo(21000, 1);

    // 000001.SZ: no factor on 01-10, so that row keeps shares and has no vwap.
    expect(await bin(dir, 'SZ000001', 'factor')).toEqual({ start: 1, values: [1, N] });
    sameF32((await bin(dir, 'SZ000001', 'volume'))!.values, [1000, 500]);
    sameF32((await bin(dir, 'SZ000001', 'vwap'))!.values, [10, N]);

    const daily = report.fields.filter((f) => f.table === 'daily');
    expect(daily.map((f) => f.field)).toEqual(['open', 'close', 'high', 'low', 'volume', 'factor', 'change', 'vwap', 'amount']);
    expect(daily.find((f) => f.field === 'change')).toMatchObject({ source: 'pct_chg / 100', derived: false, rowsWithoutValue: 2 });
    const factor = daily.find((f) => f.field === 'factor')!;
    expect(factor).toMatchObject({ written: true, source: expect.stringMatching(/^adj_factor/) as string, rowsWithoutValue: 1 });
    expect(factor.note).toMatch(/adjusted_price mode/);
    expect(daily.find((f) => f.field === 'volume')).toMatchObject({ written: true, note: expect.stringMatching(/^1 rows have no factor/) as string });
    // Two suspended rows with volume 0 and the row without a factor.
    expect(daily.find((f) => f.field === 'vwap')).toMatchObject({ written: true, source: 'amount / volume × factor', rowsWithoutValue: 3 });
    // The index has every field; its change is derived (index_daily has no pct_chg).
    expect(report.notWritten).toEqual([]);
    expect(report.fields.find((f) => f.table === 'index_daily' && f.field === 'change')).toMatchObject({ written: true, derived: true });
  });

  it('index symbols: factor 1 (levels are not adjusted), vwap = amount / volume', async () => {
    const dir = join(root, 'adj-index');
    const report = await tablesToQlib(tables, dir);
    expect(await bin(dir, 'SH000300', 'factor')).toEqual({ start: 1, values: [1, 1] });
    sameF32((await bin(dir, 'SH000300', 'volume'))!.values, [8e9, 1e10]);
    sameF32((await bin(dir, 'SH000300', 'vwap'))!.values, [2.4e11 / 8e9, 2.5e11 / 1e10]);
    expect(report.fields.find((f) => f.table === 'index_daily' && f.field === 'factor')).toMatchObject({ written: true, rowsWithoutValue: 0 });
  });

  it('instruments/all.txt spans each symbol’s rows, suspended days included (dump_bin: min to max date)', async () => {
    const dir = join(root, 'adj-instruments');
    const report = await tablesToQlib(tables, dir);
    // stocks says 600000.SH traded 01-09..01-10 only; its rows (and .bin files) run 01-08..01-11.
    expect(await instruments(dir, 'all')).toEqual([
      ['SH600000', '2024-01-08', '2024-01-11'],
      ['SZ000001', '2024-01-09', '2024-01-10'],
      ['SH000300', '2024-01-09', '2024-01-10'],
    ]);
    // 300001.SZ has no rows: not listed, and said so.
    expect(report.skippedRows).toEqual([{ table: 'stocks', count: 1, reason: expect.stringContaining('no daily rows') as string }]);
  });

  it('qlibToTables brings volume back to shares, also where there was no factor, and reports nothing lost', async () => {
    const dir = join(root, 'adj-back');
    await tablesToQlib(tables, dir);
    const { tables: back, report } = await qlibToTables(dir);
    expect(report.factorkitExport).toBe(true);
    expect(report.volumeNotRestored).toBe(0);
    const got = back.get('daily')!;
    const at = rowsOf(got, 'ts_code');
    const volume = numberColumn(got, 'volume');
    const want: [string, number][] = [
      // The suspended rows (NaN volume in qlib) come back with the volume 0 they had.
      ['600000.SH|20240108', 0],
      ['600000.SH|20240109', f32(2000 / 1.5) * 1.5],
      ['600000.SH|20240110', 3000],
      ['600000.SH|20240111', 0],
      ['000001.SZ|20240109', 1000],
      ['000001.SZ|20240110', 500],
    ];
    for (const [key, value] of want) expect(volume[at.get(key)!]).toBe(value);
    // …and their prices: 01-08's from the marker (no earlier close), 01-11's the previous close.
    expect(report.suspendedRows).toBe(2);
    const close = numberColumn(got, 'close');
    expect([close[at.get('600000.SH|20240108')!], close[at.get('600000.SH|20240111')!]]).toEqual([15, 33]);
    // Index symbols: every field index_daily does not keep is listed, factor and vwap with "nothing is lost".
    expect(report.droppedFields.map((d) => `${d.table}.${d.field}`)).toEqual(['index_daily.change', 'index_daily.factor', 'index_daily.vwap']);
    expect(report.droppedFields[0]!.reason).toMatch(/written by factorkit as `close \/ previous close − 1 .*`, so nothing is lost/);
    expect(report.droppedFields[1]!.reason).toMatch(/factor is 1 on every index row .*nothing is lost/);
    expect(report.droppedFields[2]!.reason).toMatch(/written by factorkit as `amount \/ volume × factor`, so nothing is lost/);
    expect(numberColumn(back.get('index_daily')!, 'volume')).toEqual(Float64Array.from([8e9, 1e10]));
  });

  it('rawVolume: false writes shares, says so in the marker, and they come back unchanged', async () => {
    const dir = join(root, 'shares');
    const report = await tablesToQlib(tables, dir, { rawVolume: false });
    sameF32((await bin(dir, 'SH600000', 'volume'))!.values, [N, 2000, 3000, N]);
    expect(report.fields.find((f) => f.table === 'daily' && f.field === 'volume')!.source).toMatch(/shares/);
    const { tables: back, report: imported } = await qlibToTables(dir);
    expect(imported.volumeNotRestored).toBe(0);
    const got = back.get('daily')!;
    expect(numberColumn(got, 'volume')[rowsOf(got, 'ts_code').get('600000.SH|20240110')!]).toBe(3000);
  });
});

describe('tablesToQlib derives the factor from market values when there is no adj_factor', () => {
  it('factor = close × total_share / total_mv, else close × float_share / circ_mv', async () => {
    // Raw closes 900 and 950 CNY, adjusted × 2.
    const daily = dailyTable([
      { ts_code: '600519.SH', trade_date: '2024-01-08', open: 1795, high: 1810, low: 1790, close: 1800, volume: 1000, amount: 900500, total_share: 1e9, total_mv: 9e11 },
      { ts_code: '600519.SH', trade_date: '2024-01-09', open: 1800, high: 1905, low: 1800, close: 1900, volume: 2000, amount: 1890000, float_share: 5e8, circ_mv: 4.75e11 },
      { ts_code: '600519.SH', trade_date: '2024-01-10', open: 1900, high: 1910, low: 1890, close: 1900, volume: 100, amount: 95000 },
    ]);
    const dir = join(root, 'mv');
    const report = await tablesToQlib(new Map([['calendar', calendar()], ['daily', daily]]), dir);
    expect(await bin(dir, 'SH600519', 'factor')).toEqual({ start: 0, values: [2, 2, N] });
    sameF32((await bin(dir, 'SH600519', 'volume'))!.values, [500, 1000, 100]);
    sameF32((await bin(dir, 'SH600519', 'vwap'))!.values, [(900500 / 1000) * 2, (1890000 / 2000) * 2, N]);
    expect(report.fields.find((f) => f.field === 'factor')).toMatchObject({
      source: 'close × total_share / total_mv, else close × float_share / circ_mv',
      rowsWithoutValue: 1,
    });
  });
});

describe('a dataset with neither adj_factor nor market values (like cn-csi300)', () => {
  const daily = dailyTable([
    { ts_code: '600519.SH', trade_date: '2024-01-08', open: 963, high: 980, low: 960, close: 970, volume: 1000, amount: 200000, pct_chg: 1 },
    { ts_code: '600519.SH', trade_date: '2024-01-09', open: 970, high: 990, low: 965, close: 985.5, volume: 3000, amount: 610000, pct_chg: 1.6 },
  ]);
  const tables = new Map([
    ['calendar', calendar()],
    ['daily', daily],
  ]);

  it('reports factor and vwap as not written, with the reason, and writes volume in shares', async () => {
    const dir = join(root, 'plain');
    const report = await tablesToQlib(tables, dir);
    expect(await bin(dir, 'SH600519', 'factor')).toBeUndefined();
    expect(await bin(dir, 'SH600519', 'vwap')).toBeUndefined();
    sameF32((await bin(dir, 'SH600519', 'volume'))!.values, [1000, 3000]);
    expect(report.notWritten.map((f) => `${f.table}.${f.field}`)).toEqual(['daily.factor', 'daily.vwap']);
    expect(report.notWritten[0]!.reason).toMatch(/no `adj_factor`.*adjusted_price mode/);
    expect(report.notWritten[1]!.reason).toMatch(/a factor/);
    expect(report.fields.find((f) => f.field === 'volume')!.source).toMatch(/shares: there is no factor/);
  });

  it('qlibToTables of that export: volume already in shares, nothing reported as not restored', async () => {
    const dir = join(root, 'plain-back');
    await tablesToQlib(tables, dir);
    const { tables: back, report } = await qlibToTables(dir);
    expect(report.volumeNotRestored).toBe(0);
    // is_trading was written only to mark suspended rows (the table has none): not made a column.
    expect(report.droppedFields).toEqual([{ table: 'daily', field: 'is_trading', reason: expect.stringMatching(/derived by factorkit .*nothing is lost/) as string }]);
    expect([...back.get('daily')!.columns.keys()]).not.toContain('is_trading');
    expect(Array.from(numberColumn(back.get('daily')!, 'volume'))).toEqual([1000, 3000]);
  });
});

describe('qlibToTables on a folder written by qlib (no marker)', () => {
  /** A minimal qlib folder: one stock without a factor on one day, one index whose factor is not 1. */
  let made = 0;
  async function folder(): Promise<string> {
    const dir = join(root, `foreign-${made++}`);
    const put = async (path: string, content: string | Buffer): Promise<void> => {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), content);
    };
    const floats = (start: number, values: number[]): Buffer => {
      const out = Buffer.alloc(4 * (values.length + 1));
      out.writeFloatLE(start, 0);
      values.forEach((v, i) => out.writeFloatLE(v, 4 * (i + 1)));
      return out;
    };
    await put('calendars/day.txt', `${CAL.slice(0, 3).join('\n')}\n`);
    await put('features/sh600000/close.day.bin', floats(0, [10, 11, 12]));
    await put('features/sh600000/volume.day.bin', floats(0, [100, 200, 300]));
    await put('features/sh600000/factor.day.bin', floats(0, [2, N, 2]));
    // qlib's Yahoo collector leaves an index's factor at 1 / its first close.
    await put('features/sh000300/close.day.bin', floats(0, [3000, 3010, 3020]));
    await put('features/sh000300/volume.day.bin', floats(0, [3e6, 3e6, 3e6]));
    await put('features/sh000300/factor.day.bin', floats(0, [1 / 3000, 1 / 3000, 1 / 3000]));
    return dir;
  }

  it('lists the index factor it drops, and counts stock volume it cannot restore', async () => {
    const { tables, report } = await qlibToTables(await folder());
    expect(report.factorkitExport).toBe(false);
    expect(report.volumeNotRestored).toBe(1);
    expect(Array.from(numberColumn(tables.get('daily')!, 'volume'))).toEqual([200, 200, 600]);
    expect(report.droppedFields).toEqual([{ table: 'index_daily', field: 'factor', reason: expect.stringMatching(/not 1 on 3 of 3 index rows: their volume was multiplied/) as string }]);
    expect(Array.from(numberColumn(tables.get('index_daily')!, 'volume'))).toEqual([3e6, 3e6, 3e6].map((v) => v * f32(1 / 3000)));
  });

  it('refuses a marker it cannot read, naming the file', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'factorkit.json'), '{"format": "something-else"}');
    await expect(qlibToTables(dir)).rejects.toThrow(/factorkit\.json: `format` is not `factorkit-qlib`/);
  });
});
