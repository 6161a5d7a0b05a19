import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ColumnInput, type Table, dateColumn, numberColumn, qlibToTables, readQlib, stringAt, stringColumn, tableFromColumns, tablesToQlib } from '../src/index.js';

const N = Number.NaN;
const f32 = Math.fround;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'factorkit-qlib-rt-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Rows of a table as `key|date` → row index. */
function index(t: Table, key: string): Map<string, number> {
  const codes = stringColumn(t, key);
  const dates = dateColumn(t, 'trade_date');
  const out = new Map<string, number>();
  for (let i = 0; i < t.rowCount; i++) out.set(`${stringAt(codes, i)}|${dates[i]}`, i);
  return out;
}

/** Every numeric column of `before` (given as qlib stores it: `expected`) equals `after` on the same key. */
function expectSameRows(before: Table, after: Table, key: string, expected: (column: string, value: number, row: number) => number): void {
  const a = index(before, key);
  const b = index(after, key);
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const [name, column] of before.columns) {
    if (column.type !== 'number') continue;
    const got = numberColumn(after, name);
    const mismatches: string[] = [];
    for (const [k, i] of a) {
      const want = expected(name, column.values[i]!, i);
      const value = got[b.get(k)!]!;
      if (!(Object.is(want, value) || want === value)) mismatches.push(`${name} ${k}: want ${want}, got ${value}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  }
}

/** The pct_chg that comes back from qlib: stored as change = pct_chg / 100 in float32, read × 100. */
const pctBack = (pct: number): number => f32(pct / 100) * 100;

describe('tables → qlib → tables', () => {
  // Mon 2024-01-08 … Fri 2024-01-19, without the weekend.
  const CAL = ['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12', '2024-01-15', '2024-01-16', '2024-01-17', '2024-01-18', '2024-01-19'];

  const dailyRows: [string, string, number, number, number, number, number, number, number, number, number, number][] = [
    // ts_code, date, open, high, low, close, pct_chg, volume, amount, adj_factor, vwap, is_trading
    ['600000.SH', '2024-01-08', 10.01, 10.3, 9.9, 10.12, 1.2, 1234567, 12493817.04, 1.5, 10.11, 1],
    ['600000.SH', '2024-01-09', 10.12, 10.4, 10.0, 10.33, 2.0751, 2345678, 24117070.7, 1.5, 10.2819, 1],
    // 2024-01-10 and 01-11 missing: a gap.
    ['600000.SH', '2024-01-12', 10.33, 10.33, 10.33, 10.33, 0, 0, 0, 1.5, N, 0],
    ['600000.SH', '2024-01-15', 10.5, 10.9, 10.4, 10.8, 4.5499, 987654321, 1.0567e10, 1.6, 10.7, 1],
    ['688981.SH', '2024-01-10', 50.123456, 52, 49.5, 51.987654, N, 55555, 2888888.88, 3.25, 51, 1],
    ['688981.SH', '2024-01-11', 51.9, 53.3, 51, 53.1, 2.1399, N, N, 3.25, N, 1],
    ['430047.BJ', '2024-01-18', 7.77, 7.9, 7.6, 7.85, -0.33, 10000, 78500, N, 7.85, 1],
    ['430047.BJ', '2024-01-19', 7.85, 7.99, 7.8, 7.9, 0.637, 20000, 158000, N, 7.9, 1],
  ];
  const col = (i: number): number[] => dailyRows.map((r) => r[i] as number);
  const daily = tableFromColumns('daily', {
    ts_code: { type: 'string', values: dailyRows.map((r) => r[0]) },
    trade_date: { type: 'date', values: dailyRows.map((r) => r[1]) },
    open: { type: 'number', values: col(2) },
    high: { type: 'number', values: col(3) },
    low: { type: 'number', values: col(4) },
    close: { type: 'number', values: col(5) },
    pct_chg: { type: 'number', values: col(6) },
    volume: { type: 'number', values: col(7) },
    amount: { type: 'number', values: col(8) },
    adj_factor: { type: 'number', values: col(9) },
    vwap: { type: 'number', values: col(10) },
    is_trading: { type: 'number', values: col(11) },
  });
  const indexDaily = tableFromColumns('index_daily', {
    index_code: { type: 'string', values: ['000300.SH', '000300.SH', '000300.SH', '399303.SZ'] },
    trade_date: { type: 'date', values: ['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-19'] },
    open: { type: 'number', values: [3300.123, 3310.5, 3320.25, 8000.5] },
    high: { type: 'number', values: [3310, 3320, 3330, 8100] },
    low: { type: 'number', values: [3290, 3300, 3310, 7900] },
    close: { type: 'number', values: [3301.4517, 3311.2, 3321.05, 8050.75] },
    volume: { type: 'number', values: [9798818000, 7516799500, 8000000000, 1e10] },
    amount: { type: 'number', values: [2.42e11, N, 1.5e11, N] },
  });
  const stocks = tableFromColumns('stocks', {
    ts_code: { type: 'string', values: ['600000.SH', '688981.SH', '430047.BJ'] },
    exchange: { type: 'string', values: ['SH', 'SH', 'BJ'] },
    board: { type: 'string', values: ['main', 'star', 'bse'] },
    first_trade_date: { type: 'date', values: ['2024-01-08', '2024-01-10', '2024-01-18'] },
    last_trade_date: { type: 'date', values: ['2024-01-15', '2024-01-11', '2024-01-19'] },
  });
  const members = tableFromColumns('index_members', {
    index_code: { type: 'string', values: ['000300.SH', '000300.SH', '000300.SH', '000905.SH', '000905.SH', '930050.CSI'] },
    ts_code: { type: 'string', values: ['600000.SH', '688981.SH', '688981.SH', '430047.BJ', '600000.SH', '600000.SH'] },
    in_date: { type: 'date', values: ['2005-04-08', '2024-01-09', '2024-01-16', '2024-01-18', '2024-01-13', '2024-01-08'] },
    // Open; ends on a trading day; ends on Saturday (comes back as Monday); open; an interval
    // with no trading day (Sat → Mon: cannot be written); open.
    out_date: { type: 'date', values: ['', '2024-01-12', '2024-01-20', '', '2024-01-15', ''] },
  });
  const tables = new Map<string, Table>([
    ['calendar', tableFromColumns('calendar', { trade_date: { type: 'date', values: CAL } })],
    ['stocks', stocks],
    ['daily', daily],
    ['index_daily', indexDaily],
    ['index_members', members],
  ]);

  it('gives back every value to float32 precision', async () => {
    const dir = join(root, 'synthetic');
    const exported = await tablesToQlib(tables, dir);
    expect(exported.written.symbols).toBe(5);
    expect(exported.markets.map((m) => m.market)).toEqual(['csi300', 'csi500', '930050_csi']);
    expect(exported.unknownIndexCodes).toEqual(['930050.CSI']);
    expect(exported.skippedRows).toEqual([{ table: 'index_members', count: 1, reason: expect.stringContaining('no trading day') as string }]);

    const raw = await readQlib(dir);
    expect(raw.instruments.get('all')).toEqual([
      { symbol: 'BJ430047', start: '2024-01-18', end: '2024-01-19' },
      { symbol: 'SH600000', start: '2024-01-08', end: '2024-01-15' },
      { symbol: 'SH688981', start: '2024-01-10', end: '2024-01-11' },
      { symbol: 'SH000300', start: '2024-01-08', end: '2024-01-10' },
      { symbol: 'SZ399303', start: '2024-01-19', end: '2024-01-19' },
    ]);
    // qlib END is inclusive: the trading day before out_date; open intervals end on the last day.
    expect(raw.instruments.get('csi300')).toEqual([
      { symbol: 'SH600000', start: '2005-04-08', end: '2024-01-19' },
      { symbol: 'SH688981', start: '2024-01-09', end: '2024-01-11' },
      { symbol: 'SH688981', start: '2024-01-16', end: '2024-01-19' },
    ]);
    // The volume stored is qlib's: divided by the adjustment factor.
    expect(raw.features.get('SH600000')!.get('volume')![0]).toBe(f32(1234567 / 1.5));
    expect([...raw.features.get('SH600000')!.keys()].sort()).toEqual(['amount', 'change', 'close', 'factor', 'high', 'is_trading', 'low', 'open', 'volume', 'vwap']);

    const { tables: back, report } = await qlibToTables(dir, { marketIndexCodes: { '930050_csi': '930050.CSI' } });
    expect(report.skippedSymbols).toEqual([]);
    expectSameRows(daily, back.get('daily')!, 'ts_code', (column, value, row) => {
      if (column === 'pct_chg') return pctBack(value);
      // volume / adj_factor stored as float32, multiplied back by the float32 factor.
      const factor = daily.columns.get('adj_factor')!.type === 'number' ? numberColumn(daily, 'adj_factor')[row]! : N;
      if (column === 'volume' && !Number.isNaN(factor)) return f32(value / factor) * f32(factor);
      return f32(value);
    });
    expectSameRows(indexDaily, back.get('index_daily')!, 'index_code', (_, value) => f32(value));

    const s = back.get('stocks')!;
    const sc = stringColumn(s, 'ts_code');
    expect(Array.from({ length: s.rowCount }, (_, i) => stringAt(sc, i))).toEqual(['430047.BJ', '600000.SH', '688981.SH']);
    const bc = stringColumn(s, 'board');
    expect(Array.from({ length: s.rowCount }, (_, i) => stringAt(bc, i))).toEqual(['bse', 'main', 'star']);
    // is_trading came along as a field, so the trade dates are the same (600000.SH's 01-12 row is a suspension).
    expect(Array.from(dateColumn(s, 'first_trade_date'))).toEqual([20240118, 20240108, 20240110]);
    expect(Array.from(dateColumn(s, 'last_trade_date'))).toEqual([20240119, 20240115, 20240111]);

    const m = back.get('index_members')!;
    const mi = stringColumn(m, 'index_code');
    const mt = stringColumn(m, 'ts_code');
    const got = Array.from({ length: m.rowCount }, (_, i) => [stringAt(mi, i), stringAt(mt, i), dateColumn(m, 'in_date')[i], dateColumn(m, 'out_date')[i]]);
    expect(got).toEqual([
      ['000300.SH', '600000.SH', 20050408, 0],
      ['000300.SH', '688981.SH', 20240109, 20240112],
      ['000300.SH', '688981.SH', 20240116, 0],
      ['000905.SH', '430047.BJ', 20240118, 0],
      ['930050.CSI', '600000.SH', 20240108, 0],
    ]);
  });

  it('rejects a daily row off the calendar before writing anything', async () => {
    const bad = new Map(tables);
    bad.set('daily', tableFromColumns('daily', { ts_code: { type: 'string', values: ['600000.SH'] }, trade_date: { type: 'date', values: ['2024-01-13'] }, close: { type: 'number', values: [1] } }));
    await expect(tablesToQlib(bad, join(root, 'never'))).rejects.toThrow(/daily row 0: trade_date `2024-01-13` is not a day of the calendar/);
    expect(existsSync(join(root, 'never'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Real data: a slice of ../shared/data/cn-csi300, read here with a plain split-based CSV parser
// (the dataset reader is written separately), through qlib and back. Data-heavy: ~80 MB gzip.

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const DATA = resolve(repoRoot, '../shared/data/cn-csi300');
const CODES = ['600519.SH', '000001.SZ', '000002.SZ', '601258.SH', '300003.SZ'];

function parseCsv(text: string, keep?: (line: string) => boolean): { header: string[]; rows: string[][] } {
  const lines = text.split('\n');
  const header = lines[0]!.split(',');
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '' || (keep && !keep(line))) continue;
    rows.push(line.split(','));
  }
  return { header, rows };
}

function csvTable(name: string, csv: { header: string[]; rows: string[][] }, types: Readonly<Record<string, 'string' | 'date'>>): Table {
  const columns: Record<string, ColumnInput> = {};
  csv.header.forEach((column, j) => {
    const type = types[column] ?? 'number';
    const cells = csv.rows.map((r) => r[j] ?? '');
    columns[column] =
      type === 'number' ? { type, values: cells.map((c) => (c === '' ? N : Number(c))) } : type === 'date' ? { type, values: cells } : { type, values: cells };
  });
  return tableFromColumns(name, columns);
}

describe.skipIf(!existsSync(DATA) && !process.env.CI)('[data] cn-csi300 slice → qlib → tables', () => {
  it('keeps 5 stocks, 4 indices and all memberships to float32 precision', async () => {
    const calendar = csvTable('calendar', parseCsv(await readFile(join(DATA, 'calendar.csv'), 'utf8')), { trade_date: 'date' });
    const dailyText = gunzipSync(await readFile(join(DATA, 'daily.csv.gz'))).toString('utf8');
    const daily = csvTable(
      'daily',
      parseCsv(dailyText, (line) => CODES.some((c) => line.startsWith(c))),
      { ts_code: 'string', trade_date: 'date' },
    );
    const stockCsv = parseCsv(await readFile(join(DATA, 'stocks.csv'), 'utf8'), (line) => CODES.some((c) => line.startsWith(c)));
    const stocks = csvTable('stocks', stockCsv, { ts_code: 'string', exchange: 'string', board: 'string', first_trade_date: 'date', last_trade_date: 'date' });
    const indexDaily = csvTable('index_daily', parseCsv(await readFile(join(DATA, 'index_daily.csv'), 'utf8')), { index_code: 'string', trade_date: 'date' });
    const members = csvTable('index_members', parseCsv(await readFile(join(DATA, 'index_members.csv'), 'utf8')), {
      index_code: 'string',
      ts_code: 'string',
      in_date: 'date',
      out_date: 'date',
    });
    expect(daily.rowCount).toBeGreaterThan(12_000);
    expect(stocks.rowCount).toBe(5);

    const dir = join(root, 'cn-csi300');
    const tables = new Map<string, Table>([
      ['calendar', calendar],
      ['stocks', stocks],
      ['daily', daily],
      ['index_daily', indexDaily],
      ['index_members', members],
    ]);
    const exported = await tablesToQlib(tables, dir);
    expect(exported.written.symbols).toBe(9);
    expect(exported.markets.map((m) => m.market).sort()).toEqual(['csi300', 'csi500']);
    // No adj_factor, no market values: qlib's factor and vwap cannot be derived, and the report says why.
    // index_daily has no pct_chg: its change is derived from the closes.
    expect(exported.notWritten.map((f) => `${f.table}.${f.field}`)).toEqual(['daily.factor', 'daily.vwap']);
    expect(exported.notWritten[0]!.reason).toMatch(/no `adj_factor`/);

    // instruments/all.txt: each stock from its first to its last row, suspensions included
    // (601258.SH is suspended after 2023-06-09 but has rows to 2023-06-29).
    const allTxt = (await readFile(join(dir, 'instruments', 'all.txt'), 'utf8')).split('\n').filter(Boolean);
    const listed = new Map(allTxt.map((line) => line.split('\t')).map(([symbol, start, end]) => [symbol!, `${start}..${end}`]));
    const dailyDates = dateColumn(daily, 'trade_date');
    const dailyCodes = stringColumn(daily, 'ts_code');
    for (const code of CODES) {
      const dates = Array.from({ length: daily.rowCount }, (_, i) => i).filter((i) => stringAt(dailyCodes, i) === code).map((i) => dailyDates[i]!);
      const iso = (d: number): string => `${String(d).slice(0, 4)}-${String(d).slice(4, 6)}-${String(d).slice(6)}`;
      expect(listed.get(`${code.slice(7)}${code.slice(0, 6)}`)).toBe(`${iso(Math.min(...dates))}..${iso(Math.max(...dates))}`);
    }
    expect(listed.get('SH601258')).toBe('2013-01-04..2023-06-29');

    // Suspended rows (is_trading ≠ 1): NaN days for qlib, all of them given back.
    const suspendedRows = Array.from(numberColumn(daily, 'is_trading')).filter((x) => x !== 1).length;
    expect(suspendedRows).toBeGreaterThan(10);
    expect(exported.suspended).toMatchObject({ rows: suspendedRows, rule: '`is_trading` ≠ 1' });

    const { tables: back, report } = await qlibToTables(dir);
    expect(report.suspendedRows).toBe(suspendedRows);
    // factorkit's own export: volume was written in shares (no factor), nothing to restore or report.
    expect(report.factorkitExport).toBe(true);
    expect(report.volumeNotRestored).toBe(0);
    expect(report.stocks).toBe(5);
    expect(report.indexSymbols.sort()).toEqual(['SH000300', 'SH000852', 'SH000905', 'SZ399303']);
    expect(report.unknownMarkets).toEqual([]);
    expect(back.get('calendar')!.rowCount).toBe(2548);

    // No adj_factor in this dataset: volume is written as it is.
    expectSameRows(daily, back.get('daily')!, 'ts_code', (column, value) => (column === 'pct_chg' ? pctBack(value) : f32(value)));
    expectSameRows(indexDaily, back.get('index_daily')!, 'index_code', (_, value) => f32(value));
    // Spot checks from the dataset card: 600519.SH hfq close 11474.50033 on 2023-06-30 → float32.
    const bd = back.get('daily')!;
    const row = index(bd, 'ts_code').get('600519.SH|20230630')!;
    expect(numberColumn(bd, 'close')[row]).toBe(f32(11474.50033));

    // stocks: same dates, exchange and board (is_trading came along as a qlib field).
    const bs = back.get('stocks')!;
    const byCode = (t: Table, i: number): string => stringAt(stringColumn(t, 'ts_code'), i)!;
    const want = new Map(Array.from({ length: stocks.rowCount }, (_, i) => [byCode(stocks, i), i]));
    for (let i = 0; i < bs.rowCount; i++) {
      const j = want.get(byCode(bs, i))!;
      for (const c of ['exchange', 'board']) expect(stringAt(stringColumn(bs, c), i)).toBe(stringAt(stringColumn(stocks, c), j));
      for (const c of ['first_trade_date', 'last_trade_date']) expect(dateColumn(bs, c)[i]).toBe(dateColumn(stocks, c)[j]);
    }

    // index_members: in_date kept; out_date comes back as the first calendar day ≥ out_date
    // (empty past the calendar); intervals without a trading day cannot be written.
    const cal = Array.from(dateColumn(calendar, 'trade_date'));
    const firstOnOrAfter = (d: number): number => cal.find((c) => c >= d) ?? 0;
    const expected: string[] = [];
    const mi = stringColumn(members, 'index_code');
    const mt = stringColumn(members, 'ts_code');
    for (let i = 0; i < members.rowCount; i++) {
      const inDate = dateColumn(members, 'in_date')[i]!;
      const outDate = dateColumn(members, 'out_date')[i]!;
      // Writable when qlib's inclusive END ≥ START: END is the last calendar day (open), the day
      // before out_date (out_date before the calendar: no trading day is known), or the last
      // trading day before out_date.
      const hasDay = outDate === 0 ? inDate <= cal[cal.length - 1]! : outDate <= cal[0]! ? inDate < outDate : cal.some((c) => c >= inDate && c < outDate);
      if (!hasDay) continue;
      expected.push(`${stringAt(mi, i)}|${stringAt(mt, i)}|${inDate}|${outDate === 0 ? 0 : firstOnOrAfter(outDate)}`);
    }
    const bm = back.get('index_members')!;
    const got = Array.from(
      { length: bm.rowCount },
      (_, i) => `${stringAt(stringColumn(bm, 'index_code'), i)}|${stringAt(stringColumn(bm, 'ts_code'), i)}|${dateColumn(bm, 'in_date')[i]}|${dateColumn(bm, 'out_date')[i]}`,
    );
    expect(got.sort()).toEqual(expected.sort());
    expect(bm.rowCount).toBeGreaterThan(2000);
  });
});

// ---------------------------------------------------------------------------------------------
// Real data with adjustment factors: a slice of ../shared/data/cn-csi1000 (adj_factor, no amount).

const DATA_1000 = resolve(repoRoot, '../shared/data/cn-csi1000');
// 300261.SZ and 600636.SH are suspended at the start / the end of the data; 600601.SH has a
// factor of several thousand; 688131.SH has zero-volume rows.
const CODES_1000 = ['000156.SZ', '300261.SZ', '600601.SH', '600636.SH', '688131.SH'];

// The real data sits beside the repository in CI too: there it fails rather than skips when absent.
describe.skipIf(!existsSync(DATA_1000) && !process.env.CI)('[data] cn-csi1000 slice → qlib → tables', () => {
  it('writes factor = adj_factor and volume ÷ factor, reports vwap as not derivable, and comes back to float32 precision', async () => {
    const calendar = csvTable('calendar', parseCsv(await readFile(join(DATA_1000, 'calendar.csv'), 'utf8')), { trade_date: 'date' });
    const dailyText = gunzipSync(await readFile(join(DATA_1000, 'daily.csv.gz'))).toString('utf8');
    const daily = csvTable(
      'daily',
      parseCsv(dailyText, (line) => CODES_1000.some((c) => line.startsWith(c))),
      { ts_code: 'string', trade_date: 'date' },
    );
    const stocks = csvTable(
      'stocks',
      parseCsv(await readFile(join(DATA_1000, 'stocks.csv'), 'utf8'), (line) => CODES_1000.some((c) => line.startsWith(c))),
      { ts_code: 'string', exchange: 'string', board: 'string', first_trade_date: 'date', last_trade_date: 'date' },
    );
    expect(stocks.rowCount).toBe(5);
    const tables = new Map<string, Table>([
      ['calendar', calendar],
      ['stocks', stocks],
      ['daily', daily],
    ]);
    const dir = join(root, 'cn-csi1000');
    const exported = await tablesToQlib(tables, dir);
    expect(exported.notWritten.map((f) => `${f.table}.${f.field}`)).toEqual(['daily.vwap', 'daily.amount']);
    expect(exported.fields.find((f) => f.field === 'change')).toMatchObject({ written: true, derived: true });
    expect(exported.notWritten[1]!.reason).toMatch(/no `amount`/);
    expect(exported.fields.find((f) => f.field === 'factor')).toMatchObject({ written: true, source: expect.stringMatching(/^adj_factor/) as string, rowsWithoutValue: 0 });

    // The files, read here byte by byte: factor = adj_factor, volume = shares / adj_factor.
    const cal = Array.from(dateColumn(calendar, 'trade_date'));
    const codes = stringColumn(daily, 'ts_code');
    const dates = dateColumn(daily, 'trade_date');
    const [volume, adj] = ['volume', 'adj_factor'].map((c) => numberColumn(daily, c));
    const bins = new Map<string, { start: number; values: Float32Array }>();
    const bin = async (symbol: string, field: string): Promise<{ start: number; values: Float32Array }> => {
      const key = `${symbol}/${field}`;
      if (!bins.has(key)) {
        const bytes = await readFile(join(dir, 'features', symbol.toLowerCase(), `${field}.day.bin`));
        bins.set(key, { start: bytes.readFloatLE(0), values: Float32Array.from({ length: bytes.length / 4 - 1 }, (_, i) => bytes.readFloatLE(4 + 4 * i)) });
      }
      return bins.get(key)!;
    };
    const wrong: string[] = [];
    const closes = numberColumn(daily, 'close');
    // change: close / the previous trading row's close − 1 (rows come by stock, then date).
    let lastCode = '';
    let lastTradingClose = N;
    for (let row = 0; row < daily.rowCount; row++) {
      const code = stringAt(codes, row)!;
      const symbol = `${code.slice(7)}${code.slice(0, 6)}`;
      const factor = await bin(symbol, 'factor');
      const vol = await bin(symbol, 'volume');
      const change = await bin(symbol, 'change');
      const i = cal.indexOf(dates[row]!) - factor.start;
      if (!Object.is(factor.values[i], f32(adj![row]!))) wrong.push(`${code} ${dates[row]} factor ${factor.values[i]}`);
      // Suspended rows (no is_trading here: volume empty or 0) have no volume and no change for qlib.
      const suspended = !(volume![row]! > 0);
      if (!Object.is(vol.values[i], suspended ? N : f32(volume![row]! / adj![row]!))) wrong.push(`${code} ${dates[row]} volume ${vol.values[i]}`);
      if (code !== lastCode) lastTradingClose = N;
      lastCode = code;
      const wantChange = suspended ? N : f32(closes[row]! / lastTradingClose - 1);
      if (!Object.is(change.values[i], wantChange)) wrong.push(`${code} ${dates[row]} change ${change.values[i]} ≠ ${wantChange}`);
      if (!suspended) lastTradingClose = closes[row]!;
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // 300261.SZ first traded on 2022-01-06 (stocks.csv) but has suspension rows from 2022-01-04.
    expect((await readFile(join(dir, 'instruments', 'all.txt'), 'utf8')).split('\n')).toContain('SZ300261\t2022-01-04\t2026-05-08');

    const suspendedRows = Array.from(volume!).filter((v) => !(v > 0)).length;
    expect(suspendedRows).toBeGreaterThan(10);
    expect(exported.suspended).toMatchObject({ rows: suspendedRows });

    const { tables: back, report } = await qlibToTables(dir);
    expect(report.volumeNotRestored).toBe(0);
    expect(report.suspendedRows).toBe(suspendedRows);
    // Neither the derived change nor the derived is_trading becomes a column.
    expect([...back.get('daily')!.columns.keys()].sort()).toEqual(['adj_factor', 'close', 'high', 'low', 'open', 'trade_date', 'ts_code', 'volume']);
    const after = back.get('daily')!;
    const at = index(after, 'ts_code');
    const bad: string[] = [];
    for (const column of ['open', 'high', 'low', 'close', 'volume', 'adj_factor']) {
      const was = numberColumn(daily, column);
      const now = numberColumn(after, column);
      for (const [key, row] of index(daily, 'ts_code')) {
        const x = was[row]!;
        const y = now[at.get(key)!]!;
        if (Number.isNaN(x) && Number.isNaN(y)) continue;
        // One rounding to float32; volume: volume / factor and factor each rounded, multiplied back.
        const tolerance = (column === 'volume' ? 3 : 1) * 2 ** -24 * Math.abs(x);
        if (!(Math.abs(y - x) <= tolerance)) bad.push(`${column} ${key}: ${x} → ${y}`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
