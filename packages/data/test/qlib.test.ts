import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FactorkitError } from '@factorkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Table, dateColumn, numberColumn, stringAt, stringColumn } from '../src/index.js';
import { isQlibIndexSymbol, qlibSymbolToTsCode, readQlib, qlibToTables, tsCodeToQlibSymbol, writeQlib } from '../src/index.js';
import { boardOfCode } from '../src/rules/limits.js';
import { writeQlibFolder } from '../src/qlib/write.js';

const N = Number.NaN;
const f32 = Math.fround;

/** A qlib .bin built byte by byte: the start index, then the values, all float32 little-endian. */
function bin(start: number, values: readonly number[]): Buffer {
  const bytes = Buffer.alloc(4 * (values.length + 1));
  bytes.writeFloatLE(start, 0);
  values.forEach((v, i) => bytes.writeFloatLE(v, 4 + 4 * i));
  return bytes;
}

async function put(path: string, content: string | Buffer): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
}

async function rejected(promise: Promise<unknown>): Promise<FactorkitError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FactorkitError) return error;
    throw new Error(`expected a FactorkitError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the promise to reject');
}

const rows = (t: Table): number => t.rowCount;
const strings = (t: Table, name: string): (string | undefined)[] => {
  const column = stringColumn(t, name);
  return Array.from({ length: t.rowCount }, (_, i) => stringAt(column, i));
};
const dates = (t: Table, name: string): number[] => Array.from(dateColumn(t, name));
const numbers = (t: Table, name: string): number[] => Array.from(numberColumn(t, name));

// Calendar: Tue 2024-01-02 … Tue 2024-01-09 (the weekend 6/7 is not in it). Indices 0..5.
const CALENDAR = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09'];

let root: string;
let qlibDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'factorkit-qlib-'));
  qlibDir = join(root, 'cn_data');
  await put(join(qlibDir, 'calendars', 'day.txt'), `${CALENDAR.join('\n')}\n`);
  await put(join(qlibDir, 'instruments', 'all.txt'), 'SH600519\t2024-01-02\t2024-01-08\nSZ300750\t2024-01-04\t2024-01-09\nSH000300\t2024-01-03\t2024-01-09\n');
  // csi300: an interval ending mid-calendar, one ending on the last day, one starting before the
  // calendar and ending on a Friday (the next trading day is the Monday).
  await put(join(qlibDir, 'instruments', 'csi300.txt'), 'SH600519\t2024-01-02\t2024-01-04\nSH600519\t2024-01-08\t2024-01-09\nSZ300750\t2023-12-01\t2024-01-05\n');
  await put(join(qlibDir, 'instruments', 'mymarket.txt'), 'SZ300750\t2024-01-03\t2024-01-03\n');

  // SH600519 from index 0, 5 days: a suspension (all NaN) on day 2, zero volume on day 4.
  const moutai = join(qlibDir, 'features', 'sh600519');
  await put(join(moutai, 'open.day.bin'), bin(0, [9.5, 10.5, N, 12, 12.75]));
  await put(join(moutai, 'high.day.bin'), bin(0, [10.5, 11.25, N, 13, 13]));
  await put(join(moutai, 'low.day.bin'), bin(0, [9, 10, N, 11.5, 12.5]));
  await put(join(moutai, 'close.day.bin'), bin(0, [10, 11, N, 12.5, 13]));
  await put(join(moutai, 'volume.day.bin'), bin(0, [500, 1000, N, 250, 0]));
  await put(join(moutai, 'factor.day.bin'), bin(0, [2, 2, N, 4, 4]));
  await put(join(moutai, 'change.day.bin'), bin(0, [N, 0.1, N, 0.125, 0.04]));
  await put(join(moutai, 'amount.day.bin'), bin(0, [10000, 20000, N, 6000, 0]));
  await put(join(moutai, 'vwap.day.bin'), bin(0, [9.75, 10.75, N, 12.25, 12.875]));
  // An unrelated file qlib may keep next to the bins.
  await put(join(moutai, 'notes.txt'), 'not a field');

  // SZ300750 from index 2 to the end, in an upper-case folder (qlib now tries both cases); no vwap.
  const catl = join(qlibDir, 'features', 'SZ300750');
  await put(join(catl, 'open.day.bin'), bin(2, [20, 21, 22, 23]));
  await put(join(catl, 'high.day.bin'), bin(2, [20.5, 21.5, 22.5, 23.5]));
  await put(join(catl, 'low.day.bin'), bin(2, [19.5, 20.5, 21.5, 22.5]));
  await put(join(catl, 'close.day.bin'), bin(2, [20.25, 21.25, 22.25, 23.25]));
  await put(join(catl, 'volume.day.bin'), bin(2, [100, 200, 300, 400]));
  await put(join(catl, 'factor.day.bin'), bin(2, [1, 1, 1, 1]));
  await put(join(catl, 'change.day.bin'), bin(2, [N, 0.05, 0.25, 0.5]));
  await put(join(catl, 'amount.day.bin'), bin(2, [2000, 4200, 6600, 9200]));

  // The CSI 300 index from index 1 to the end (no factor, no change).
  const csi300 = join(qlibDir, 'features', 'sh000300');
  await put(join(csi300, 'open.day.bin'), bin(1, [3000, 3010, 3020, 3030, 3040]));
  await put(join(csi300, 'high.day.bin'), bin(1, [3005, 3015, 3025, 3035, 3045]));
  await put(join(csi300, 'low.day.bin'), bin(1, [2995, 3005, 3015, 3025, 3035]));
  await put(join(csi300, 'close.day.bin'), bin(1, [3001.5, 3011.5, 3021.5, 3031.5, 3041.5]));
  await put(join(csi300, 'volume.day.bin'), bin(1, [1e9, 2e9, 3e9, 4e9, 5e9]));
  await put(join(csi300, 'change.day.bin'), bin(1, [N, 0.003, 0.003, 0.003, 0.003]));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readQlib on a hand-made folder', () => {
  it('reads the calendar, every instrument file and the features aligned to the calendar', async () => {
    const data = await readQlib(qlibDir);
    expect(data.calendar).toEqual(CALENDAR);
    expect([...data.instruments.keys()]).toEqual(['all', 'csi300', 'mymarket']);
    expect(data.instruments.get('csi300')).toEqual([
      { symbol: 'SH600519', start: '2024-01-02', end: '2024-01-04' },
      { symbol: 'SH600519', start: '2024-01-08', end: '2024-01-09' },
      { symbol: 'SZ300750', start: '2023-12-01', end: '2024-01-05' },
    ]);
    expect([...data.features.keys()].sort()).toEqual(['SH000300', 'SH600519', 'SZ300750']);
    const moutai = data.features.get('SH600519')!;
    expect([...moutai.keys()].sort()).toEqual(['amount', 'change', 'close', 'factor', 'high', 'low', 'open', 'volume', 'vwap']);
    const close = moutai.get('close')!;
    expect(close).toBeInstanceOf(Float32Array);
    // Stored from index 0 for 5 days; day 2 is a gap; day 5 is after the stored range.
    expect(Array.from(close)).toEqual([10, 11, N, 12.5, 13, N]);
    expect(Array.from(moutai.get('change')!)).toEqual([N, f32(0.1), N, 0.125, f32(0.04), N]);
    // Stored from index 2: NaN before.
    expect(Array.from(data.features.get('SZ300750')!.get('close')!)).toEqual([N, N, 20.25, 21.25, 22.25, 23.25]);
    expect(Array.from(data.features.get('SH000300')!.get('volume')!)).toEqual([N, 1e9, 2e9, 3e9, 4e9, 5e9]);
    expect(data.missingSymbols).toEqual([]);
  });

  it('reads only the fields and symbols asked for, in any case, and names the missing symbols', async () => {
    const data = await readQlib(qlibDir, { fields: ['close', 'VWAP', 'nope'], symbols: ['sh600519', 'SZ300750', 'SH999999'] });
    expect([...data.features.keys()]).toEqual(['SH600519', 'SZ300750']);
    expect([...data.features.get('SH600519')!.keys()]).toEqual(['close', 'vwap']);
    expect([...data.features.get('SZ300750')!.keys()]).toEqual(['close']);
    expect(data.missingSymbols).toEqual(['SH999999']);
  });
});

describe('qlibToTables on a hand-made folder', () => {
  it('maps symbols to ts_codes, stocks to daily, the index to index_daily', async () => {
    const { tables, report } = await qlibToTables(qlibDir);
    expect([...tables.keys()]).toEqual(['calendar', 'stocks', 'daily', 'index_daily', 'index_members']);
    expect(dates(tables.get('calendar')!, 'trade_date')).toEqual([20240102, 20240103, 20240104, 20240105, 20240108, 20240109]);

    const daily = tables.get('daily')!;
    // 300750.SZ sorts first: days 2..5; 600519.SH: days 0, 1, 3, 4 (day 2 has no close).
    expect(rows(daily)).toBe(8);
    expect(strings(daily, 'ts_code')).toEqual(['300750.SZ', '300750.SZ', '300750.SZ', '300750.SZ', '600519.SH', '600519.SH', '600519.SH', '600519.SH']);
    expect(dates(daily, 'trade_date')).toEqual([20240104, 20240105, 20240108, 20240109, 20240102, 20240103, 20240105, 20240108]);
    expect([...daily.columns.keys()]).toEqual(['ts_code', 'trade_date', 'open', 'high', 'low', 'close', 'pct_chg', 'volume', 'amount', 'adj_factor', 'vwap']);
    expect(numbers(daily, 'close')).toEqual([20.25, 21.25, 22.25, 23.25, 10, 11, 12.5, 13]);
    expect(numbers(daily, 'open')).toEqual([20, 21, 22, 23, 9.5, 10.5, 12, 12.75]);
    // volume = qlib volume × factor (shares).
    expect(numbers(daily, 'volume')).toEqual([100, 200, 300, 400, 1000, 2000, 1000, 0]);
    // pct_chg = change × 100, from the float32 value.
    expect(numbers(daily, 'pct_chg')).toEqual([N, f32(0.05) * 100, 25, 50, N, f32(0.1) * 100, 12.5, f32(0.04) * 100]);
    expect(numbers(daily, 'adj_factor')).toEqual([1, 1, 1, 1, 2, 2, 4, 4]);
    // vwap only for 600519.SH: an extra column, NaN for the stock without the field.
    expect(numbers(daily, 'vwap')).toEqual([N, N, N, N, 9.75, 10.75, 12.25, 12.875]);

    const stocks = tables.get('stocks')!;
    expect(strings(stocks, 'ts_code')).toEqual(['300750.SZ', '600519.SH']);
    expect(strings(stocks, 'exchange')).toEqual(['SZ', 'SH']);
    expect(strings(stocks, 'board')).toEqual(['chinext', 'main']);
    expect(dates(stocks, 'first_trade_date')).toEqual([20240104, 20240102]);
    // 600519.SH has a close on 2024-01-08 but zero volume: its last trading day is 2024-01-05.
    expect(dates(stocks, 'last_trade_date')).toEqual([20240109, 20240105]);

    const index = tables.get('index_daily')!;
    expect(strings(index, 'index_code')).toEqual(['000300.SH', '000300.SH', '000300.SH', '000300.SH', '000300.SH']);
    expect(dates(index, 'trade_date')).toEqual([20240103, 20240104, 20240105, 20240108, 20240109]);
    expect([...index.columns.keys()]).toEqual(['index_code', 'trade_date', 'open', 'high', 'low', 'close', 'volume']);
    expect(numbers(index, 'close')).toEqual([3001.5, 3011.5, 3021.5, 3031.5, 3041.5]);

    expect(report.stocks).toBe(2);
    expect(report.indexSymbols).toEqual(['SH000300']);
    expect(report.dailyRows).toBe(8);
    expect(report.indexDailyRows).toBe(5);
    expect(report.extraFields).toEqual(['vwap']);
    expect(report.droppedFields).toEqual([{ table: 'index_daily', field: 'change', reason: expect.stringContaining('index_daily') as string }]);
    expect(report.rowsWithMissingPrices).toBe(0);
    expect(report.volumeNotRestored).toBe(0);
    expect(report.factorkitExport).toBe(false);
  });

  it('converts qlib inclusive END into out_date = the next trading day, and keeps unknown market names', async () => {
    const { tables, report } = await qlibToTables(qlibDir);
    const members = tables.get('index_members')!;
    expect(strings(members, 'index_code')).toEqual(['000300.SH', '000300.SH', '000300.SH', 'mymarket']);
    expect(strings(members, 'ts_code')).toEqual(['300750.SZ', '600519.SH', '600519.SH', '300750.SZ']);
    // START as given (also before the calendar).
    expect(dates(members, 'in_date')).toEqual([20231201, 20240102, 20240108, 20240103]);
    // END Fri 2024-01-05 → Mon 2024-01-08; END 2024-01-04 → 2024-01-05; END = last day → empty (0);
    // END 2024-01-03 → 2024-01-04.
    expect(dates(members, 'out_date')).toEqual([20240108, 20240105, 0, 20240104]);
    expect(report.markets).toEqual([
      { market: 'csi300', indexCode: '000300.SH', known: true },
      { market: 'mymarket', indexCode: 'mymarket', known: false },
    ]);
    expect(report.unknownMarkets).toEqual(['mymarket']);
    expect(report.indexMemberRows).toBe(4);
  });

  it('takes index symbols from options.indexSymbols and market codes from options.marketIndexCodes', async () => {
    const { tables, report } = await qlibToTables(qlibDir, { indexSymbols: ['sz300750', 'SH000300'], marketIndexCodes: { mymarket: '399999.SZ' } });
    expect(strings(tables.get('stocks')!, 'ts_code')).toEqual(['600519.SH']);
    expect([...new Set(strings(tables.get('index_daily')!, 'index_code'))]).toEqual(['000300.SH', '300750.SZ']);
    expect(report.unknownMarkets).toEqual([]);
    expect(strings(tables.get('index_members')!, 'index_code')).toContain('399999.SZ');
  });

  it('keeps qlib volume as stored with rawVolume: false', async () => {
    const { tables } = await qlibToTables(qlibDir, { rawVolume: false, symbols: ['SH600519'] });
    expect(numbers(tables.get('daily')!, 'volume')).toEqual([500, 1000, 250, 0]);
    expect(tables.has('index_daily')).toBe(false); // no index symbols asked for: no (empty) table
  });
});

describe('symbol helpers', () => {
  it('maps symbols and ts_codes both ways', () => {
    expect(qlibSymbolToTsCode('SH600519')).toBe('600519.SH');
    expect(qlibSymbolToTsCode('sz000001')).toBe('000001.SZ');
    expect(qlibSymbolToTsCode('BJ430047')).toBe('430047.BJ');
    expect(qlibSymbolToTsCode('AAPL')).toBeUndefined();
    expect(tsCodeToQlibSymbol('600519.SH')).toBe('SH600519');
    expect(tsCodeToQlibSymbol('399303.SZ')).toBe('SZ399303');
    expect(tsCodeToQlibSymbol('600519')).toBeUndefined();
  });

  it('tells indices from stocks and finds the board', () => {
    expect(['SH000300', 'SH000905', 'SH000852', 'SZ399303', 'sh000903'].every(isQlibIndexSymbol)).toBe(true);
    expect(['SZ000001', 'SH600519', 'SZ300750', 'BJ430047'].some(isQlibIndexSymbol)).toBe(false);
    expect(boardOfCode('688981.SH')).toBe('star');
    expect(boardOfCode('689009.SH')).toBe('star');
    expect(boardOfCode('300750.SZ')).toBe('chinext');
    expect(boardOfCode('301236.SZ')).toBe('chinext');
    expect(boardOfCode('430047.BJ')).toBe('bse');
    expect(boardOfCode('920001.BJ')).toBe('bse');
    expect(boardOfCode('000001.SZ')).toBe('main');
    expect(boardOfCode('600519.SH')).toBe('main');
  });
});

describe('malformed qlib folders are rejected, naming the file', () => {
  /** A minimal valid folder, with `change` applied on top. */
  async function folder(name: string, change: (dir: string) => Promise<void>): Promise<string> {
    const dir = join(root, 'bad', name);
    await put(join(dir, 'calendars', 'day.txt'), '2024-01-02\n2024-01-03\n2024-01-04\n');
    await put(join(dir, 'instruments', 'all.txt'), 'SH600000\t2024-01-02\t2024-01-04\n');
    await put(join(dir, 'features', 'sh600000', 'close.day.bin'), bin(0, [1, 2, 3]));
    await change(dir);
    return dir;
  }

  const cases: [string, (dir: string) => Promise<void>, RegExp][] = [
    ['no calendar', (dir) => rm(join(dir, 'calendars'), { recursive: true }), /has no calendars\/day\.txt/],
    ['calendar not a date', (dir) => put(join(dir, 'calendars', 'day.txt'), '2024-01-02\n2024-13-03\n'), /day\.txt:2: `2024-13-03` is not a YYYY-MM-DD date/],
    ['calendar not rising', (dir) => put(join(dir, 'calendars', 'day.txt'), '2024-01-02\n2024-01-04\n2024-01-03\n'), /day\.txt:3: `2024-01-03` is not after the previous day `2024-01-04`/],
    [
      'start + length beyond the calendar',
      (dir) => put(join(dir, 'features', 'sh600000', 'close.day.bin'), bin(1, [1, 2, 3])),
      /sh600000[/\\]close\.day\.bin: start index 1 \+ 3 values = 4 days, more than the calendar's 3 days/,
    ],
    ['non-integer start index', (dir) => put(join(dir, 'features', 'sh600000', 'close.day.bin'), bin(0.5, [1])), /close\.day\.bin: start index `0\.5` is not a non-negative integer/],
    ['negative start index', (dir) => put(join(dir, 'features', 'sh600000', 'close.day.bin'), bin(-1, [1])), /close\.day\.bin: start index `-1` is not a non-negative integer/],
    ['NaN start index', (dir) => put(join(dir, 'features', 'sh600000', 'close.day.bin'), bin(N, [1])), /close\.day\.bin: start index `NaN` is not a non-negative integer/],
    [
      'length not a multiple of 4',
      (dir) => put(join(dir, 'features', 'sh600000', 'open.day.bin'), Buffer.concat([bin(0, [1]), Buffer.from([1, 2])])),
      /open\.day\.bin: length 10 bytes is not a multiple of 4/,
    ],
    ['empty .bin', (dir) => put(join(dir, 'features', 'sh600000', 'open.day.bin'), Buffer.alloc(0)), /open\.day\.bin: empty file/],
    ['instrument line without tabs', (dir) => put(join(dir, 'instruments', 'csi300.txt'), 'SH600000\t2024-01-02\t2024-01-04\nSH600000 2024-01-02 2024-01-04\n'), /csi300\.txt:2: expected SYMBOL<TAB>START<TAB>END/],
    ['instrument bad date', (dir) => put(join(dir, 'instruments', 'all.txt'), '\nSH600000\t2024-01-02\t2024-02-30\n'), /all\.txt:2: end `2024-02-30` is not a YYYY-MM-DD date/],
    ['instrument start after end', (dir) => put(join(dir, 'instruments', 'all.txt'), 'SH600000\t2024-01-04\t2024-01-02\n'), /all\.txt:1: start `2024-01-04` is after end `2024-01-02`/],
    ['two folders for one symbol', (dir) => put(join(dir, 'features', 'SH600000', 'close.day.bin'), bin(0, [1])), /folders `SH600000` and `sh600000` are the same symbol `SH600000`/],
  ];

  it.each(cases)('%s', async (name, change, message) => {
    const dir = await folder(name.replaceAll(' ', '-'), change);
    const error = await rejected(readQlib(dir));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(dir);
    // qlibToTables reads through the same checks.
    expect((await rejected(qlibToTables(dir))).message).toMatch(message);
  });

  it('accepts a folder with only a start index (no values) and one without instruments', async () => {
    const dir = await folder('minimal', async (d) => {
      await rm(join(d, 'instruments'), { recursive: true });
      await put(join(d, 'features', 'sh600000', 'open.day.bin'), bin(3, []));
    });
    const data = await readQlib(dir);
    expect(data.instruments.size).toBe(0);
    expect(Array.from(data.features.get('SH600000')!.get('open')!)).toEqual([N, N, N]);
  });
});

describe('writeQlib', () => {
  const data = {
    calendar: ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'],
    instruments: new Map([
      ['all', [{ symbol: 'SH600000', start: '2024-01-03', end: '2024-01-05' }]],
      ['CSI300', [{ symbol: 'SH600000', start: '2024-01-03', end: '2024-01-04' }]],
    ]),
    features: new Map([
      [
        'SH600000',
        new Map<string, Float32Array | Float64Array>([
          // The symbol's range is the union over fields: days 1..3.
          ['close', Float64Array.from([N, 10.1, 10.2, N])],
          ['Volume', Float32Array.from([N, N, 300, 400])],
        ]),
      ],
      ['SZ000001', new Map([['close', Float64Array.from([N, N, N, N])]])],
    ]),
  };

  it('writes qlib files byte for byte: start index, then float32 values of the symbol range', async () => {
    const dir = join(root, 'written');
    const summary = await writeQlib(dir, data);
    expect(summary).toEqual({ dir, symbols: 1, files: 2, emptySymbols: ['SZ000001'] });
    expect(await readFile(join(dir, 'calendars', 'day.txt'), 'utf8')).toBe('2024-01-02\n2024-01-03\n2024-01-04\n2024-01-05\n');
    expect(await readFile(join(dir, 'instruments', 'csi300.txt'), 'utf8')).toBe('SH600000\t2024-01-03\t2024-01-04\n');
    expect((await readdir(join(dir, 'features'))).sort()).toEqual(['sh600000']);
    expect((await readdir(join(dir, 'features', 'sh600000'))).sort()).toEqual(['close.day.bin', 'volume.day.bin']);
    const close = await readFile(join(dir, 'features', 'sh600000', 'close.day.bin'));
    expect(close.length).toBe(16);
    expect([0, 4, 8, 12].map((o) => close.readFloatLE(o))).toEqual([1, f32(10.1), f32(10.2), N]);
    const volume = await readFile(join(dir, 'features', 'sh600000', 'volume.day.bin'));
    expect([0, 4, 8, 12].map((o) => volume.readFloatLE(o))).toEqual([1, N, 300, 400]);
    const back = await readQlib(dir);
    expect(Array.from(back.features.get('SH600000')!.get('close')!)).toEqual([N, f32(10.1), f32(10.2), N]);
    expect(back.instruments.get('csi300')).toEqual(data.instruments.get('CSI300'));
  });

  it('refuses a non-empty folder unless overwrite, and then replaces it whole', async () => {
    const dir = join(root, 'existing');
    await put(join(dir, 'keep.txt'), 'old');
    const error = await rejected(writeQlib(dir, data));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toContain('overwrite');
    expect(await readdir(dir)).toEqual(['keep.txt']);
    await writeQlib(dir, data, { overwrite: true });
    expect((await readdir(dir)).sort()).toEqual(['calendars', 'features', 'instruments']);
    expect((await readdir(root)).filter((n) => n.includes('qlib-'))).toEqual([]);
  });

  it('rejects bad input before writing anything', async () => {
    const dir = join(root, 'never');
    const wrongLength = { ...data, features: new Map([['SH600000', new Map([['close', new Float64Array(3)]])]]) };
    expect((await rejected(writeQlib(dir, wrongLength))).message).toMatch(/`SH600000`.`close` has 3 values; the calendar has 4 days/);
    const badCalendar = { ...data, calendar: ['2024-01-03', '2024-01-02', '2024-01-04', '2024-01-05'] };
    expect((await rejected(writeQlib(dir, badCalendar))).message).toMatch(/calendar\[1\] `2024-01-02` is not after/);
    const badSymbol = { ...data, features: new Map([['../etc', new Map([['close', new Float64Array(4)]])]]) };
    expect((await rejected(writeQlib(dir, badSymbol))).message).toMatch(/symbol `..\/etc` is not a valid qlib symbol/);
    const badInterval = { ...data, instruments: new Map([['all', [{ symbol: 'SH600000', start: '2024-01-05', end: '2024-01-02' }]]]) };
    expect((await rejected(writeQlib(dir, badInterval))).message).toMatch(/start `2024-01-05` is after end `2024-01-02`/);
    await expect(readdir(dir)).rejects.toThrow();
  });

  it('leaves neither the target nor a temporary folder behind when writing fails half-way', async () => {
    const parent = join(root, 'half');
    await mkdir(parent);
    function* symbols(): Generator<readonly [string, ReadonlyMap<string, ArrayLike<number>>]> {
      yield ['SH600000', new Map([['close', [1, 2, 3, 4]]])];
      throw new Error('disk on fire');
    }
    await expect(writeQlibFolder(join(parent, 'out'), data.calendar, new Map(), symbols())).rejects.toThrow('disk on fire');
    expect(await readdir(parent)).toEqual([]);
  });
});
