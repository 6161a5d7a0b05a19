/**
 * A generated market through `tablesToQlib` and back (`qlibToTables`): the qlib files hold what
 * qlib's conventions ask for (checked on the bytes, against values computed here from the
 * tables; suspended rows are NaN days, as qlib's backtest needs), and the way back gives every
 * row, suspended ones included, its prices and volumes to float32 precision. Lives here, not in
 * @factorkit/data, because data must not depend on synth.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Table, dateColumn, intToDate, numberColumn, qlibToTables, stringAt, stringColumn, tablesToQlib } from '@factorkit/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMarket } from '../src/index.js';

const f32 = Math.fround;

let root: string;
let tables: Map<string, Table>;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'factorkit-synth-qlib-'));
  tables = generateMarket({ seed: 5, stocks: 60, years: 1, funds: 0 }).tables;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** One `.bin` file: start index (first float32), then float32 values. */
async function bin(dir: string, symbol: string, field: string): Promise<{ start: number; values: Float32Array }> {
  const bytes = await readFile(join(dir, 'features', symbol.toLowerCase(), `${field}.day.bin`));
  const values = new Float32Array(bytes.length / 4 - 1);
  for (let i = 0; i < values.length; i++) values[i] = bytes.readFloatLE(4 + 4 * i);
  return { start: bytes.readFloatLE(0), values };
}

const symbolOf = (tsCode: string): string => `${tsCode.slice(7)}${tsCode.slice(0, 6)}`;

/** Rows of `daily` by stock, in table order (each stock's dates rise). */
function byStock(daily: Table): Map<string, number[]> {
  const codes = stringColumn(daily, 'ts_code');
  const out = new Map<string, number[]>();
  for (let row = 0; row < daily.rowCount; row++) {
    const code = stringAt(codes, row)!;
    if (!out.has(code)) out.set(code, []);
    out.get(code)!.push(row);
  }
  return out;
}

describe('generateMarket → tablesToQlib', () => {
  it('writes factor = adj_factor, volume / factor, vwap = amount / volume × factor, NaN on suspended rows, and all.txt over each stock’s rows', async () => {
    const dir = join(root, 'export');
    const report = await tablesToQlib(tables, dir);
    const daily = tables.get('daily')!;
    const calendar = Array.from(dateColumn(tables.get('calendar')!, 'trade_date'));
    const dates = dateColumn(daily, 'trade_date');
    const [adj, volume, amount, close, isTrading] = ['adj_factor', 'volume', 'amount', 'close', 'is_trading'].map((c) => numberColumn(daily, c));
    expect(Array.from(adj!).some(Number.isNaN)).toBe(false);
    expect(report.notWritten.filter((f) => f.table === 'daily')).toEqual([]);
    const suspendedRows = Array.from(isTrading!).filter((x) => x !== 1).length;
    expect(suspendedRows).toBeGreaterThan(0);
    expect(report.suspended).toMatchObject({ rows: suspendedRows, rule: '`is_trading` ≠ 1' });
    expect(report.fields.find((f) => f.table === 'daily' && f.field === 'factor')).toMatchObject({ written: true, rowsWithoutValue: 0 });

    const allTxt = (await readFile(join(dir, 'instruments', 'all.txt'), 'utf8')).split('\n').filter(Boolean);
    const ranges = new Map(allTxt.map((line) => line.split('\t')).map(([s, a, b]) => [s!, `${a}..${b}`]));
    const mismatches: string[] = [];
    for (const [code, rows] of byStock(daily)) {
      const symbol = symbolOf(code);
      const first = dates[rows[0]!]!;
      const last = dates[rows[rows.length - 1]!]!;
      if (ranges.get(symbol) !== `${intToDate(first)}..${intToDate(last)}`) mismatches.push(`${symbol} all.txt ${ranges.get(symbol)}`);
      const start = calendar.indexOf(first);
      const files = {
        factor: await bin(dir, symbol, 'factor'),
        volume: await bin(dir, symbol, 'volume'),
        vwap: await bin(dir, symbol, 'vwap'),
        close: await bin(dir, symbol, 'close'),
        is_trading: await bin(dir, symbol, 'is_trading'),
      };
      for (const file of Object.values(files)) if (file.start !== start) mismatches.push(`${symbol} start ${file.start} ≠ ${start}`);
      for (const row of rows) {
        const i = calendar.indexOf(dates[row]!) - start;
        const a = adj![row]!;
        const v = volume![row]!;
        // A suspended row is a NaN day for qlib (its factor kept); qlib's backtest reads the NaN close.
        const s = isTrading![row] !== 1;
        const N = Number.NaN;
        const want = {
          factor: f32(a),
          volume: s ? N : f32(v / a),
          vwap: !s && v > 0 ? f32((amount![row]! / v) * a) : N,
          close: s ? N : f32(close![row]!),
          is_trading: s ? 0 : 1,
        };
        for (const [field, value] of Object.entries(want)) {
          const got = files[field as keyof typeof files].values[i]!;
          if (!Object.is(got, value)) mismatches.push(`${symbol} ${intToDate(dates[row]!)} ${field}: ${got} ≠ ${value}`);
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('comes back through qlibToTables with prices and volumes to float32 precision', async () => {
    const dir = join(root, 'roundtrip');
    const exported = await tablesToQlib(tables, dir);
    // The Hang Seng series (`HSI`) has no qlib symbol (6 digits + exchange): its rows are skipped and counted.
    const indexCodes = stringColumn(tables.get('index_daily')!, 'index_code');
    const hsiRows = Array.from(indexCodes.codes).filter((c) => indexCodes.dictionary[c] === 'HSI').length;
    expect(hsiRows).toBe(tables.get('calendar')!.rowCount);
    expect(exported.skippedRows.filter((s) => s.table === 'index_daily')).toEqual([{ table: 'index_daily', count: hsiRows, reason: 'index_code is not 6 digits + exchange suffix (e.g. `HSI`)' }]);
    const { tables: back, report } = await qlibToTables(dir);
    expect(report.factorkitExport).toBe(true);
    expect(report.volumeNotRestored).toBe(0);
    const index = tables.get('index_daily')!;
    // index_daily has no pct_chg: factorkit derived its change for qlib (close / previous close − 1).
    expect(report.droppedFields.map((d) => `${d.table}.${d.field}`)).toEqual(['index_daily.change', 'index_daily.factor', ...(index.columns.has('amount') ? ['index_daily.vwap'] : [])]);
    expect(report.suspendedRows).toBe(Array.from(numberColumn(tables.get('daily')!, 'is_trading')).filter((x) => x !== 1).length);

    for (const [name, key] of [
      ['daily', 'ts_code'],
      ['index_daily', 'index_code'],
    ] as const) {
      const before = tables.get(name)!;
      const after = back.get(name)!;
      expect(after.rowCount).toBe(before.rowCount - (name === 'index_daily' ? hsiRows : 0));
      const keyOf = (t: Table, row: number): string => `${stringAt(stringColumn(t, key), row)}|${dateColumn(t, 'trade_date')[row]}`;
      const at = new Map(Array.from({ length: after.rowCount }, (_, row) => [keyOf(after, row), row]));
      const bad: string[] = [];
      for (const column of ['open', 'high', 'low', 'close', 'volume', 'amount']) {
        if (!before.columns.has(column)) continue;
        const was = numberColumn(before, column);
        const now = numberColumn(after, column);
        for (let row = 0; row < before.rowCount; row++) {
          if (!at.has(keyOf(before, row))) continue; // an HSI row, counted above
          const x = was[row]!;
          const y = now[at.get(keyOf(before, row))!]!;
          if (Number.isNaN(x) && Number.isNaN(y)) continue;
          // float32 keeps 24 bits: one rounding to float32 (prices), or volume / factor and factor
          // each rounded and multiplied back (two roundings and a product).
          const tolerance = (column === 'volume' && name === 'daily' ? 3 : 1) * 2 ** -24 * Math.abs(x);
          if (!(Math.abs(y - x) <= tolerance)) bad.push(`${name}.${column} ${keyOf(before, row)}: ${x} → ${y}`);
        }
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
  });
});
