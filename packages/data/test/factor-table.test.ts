import { type FactorkitError, Panel, isFactorkitError } from '@factorkit/core';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FactorTableBuilder, readFactorTable, writeFactorTable } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'factorkit-factor-table-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = Number.NaN;
const ASSETS = ['000001.SZ', '600000.SH', '600519.SH'];
const DATES = ['2024-01-02', '2024-01-03'];
const momentum = { name: 'momentum_1y', dates: DATES, values: Panel.fromRows([[0.1, N, -0.25], [N, 2, 1e-7]]) };
const size = { name: 'size', dates: DATES.slice(1), values: Panel.fromRows([[21.5, 22, N]]) };

/** The rows a long table must hold, written out by hand from the panels above. */
const EXPECTED = [
  'trade_date,ts_code,factor,value',
  '2024-01-02,000001.SZ,momentum_1y,0.1',
  '2024-01-02,600519.SH,momentum_1y,-0.25',
  '2024-01-03,600000.SH,momentum_1y,2',
  '2024-01-03,600519.SH,momentum_1y,1e-7',
  '2024-01-03,000001.SZ,size,21.5',
  '2024-01-03,600000.SH,size,22',
];

async function thrownBy(promise: Promise<unknown>): Promise<FactorkitError> {
  try {
    await promise;
  } catch (error) {
    // Not `instanceof`: core's `node` entry (atomic writes) carries its own copy of the class.
    if (isFactorkitError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('writeFactorTable', () => {
  it('writes one row per value, factor by factor, date by date, stock by stock; NaN cells left out', async () => {
    const summary = await writeFactorTable(join(dir, 'f.csv'), { assets: ASSETS, factors: [momentum, size] });
    expect(readFileSync(join(dir, 'f.csv'), 'utf8').trimEnd().split('\n')).toEqual(EXPECTED);
    expect(summary).toEqual({
      path: join(dir, 'f.csv'),
      rows: 6,
      factors: [
        { name: 'momentum_1y', rows: 4 },
        { name: 'size', rows: 2 },
      ],
      firstDate: '2024-01-02',
      lastDate: '2024-01-03',
    });
  });

  it('writes .csv.gz and .parquet that read back as the same panels', async () => {
    await writeFactorTable(join(dir, 'f.csv.gz'), { assets: ASSETS, factors: [momentum, size] });
    expect(gunzipSync(readFileSync(join(dir, 'f.csv.gz'))).toString('utf8').trimEnd().split('\n')).toEqual(EXPECTED);
    for (const file of ['f.csv', 'f.csv.gz', 'f.parquet']) {
      if (file === 'f.parquet') await writeFactorTable(join(dir, file), { assets: ASSETS, factors: [momentum, size] });
      const back = await readFactorTable(join(dir, file));
      expect(back.assets, file).toEqual(ASSETS);
      expect(back.dates, file).toEqual(DATES);
      expect(back.factors.map((f) => f.name), file).toEqual(['momentum_1y', 'size']);
      expect(back.factors[0]!.values.toRows(), file).toEqual(momentum.values.toRows());
      // size had no row on the first date: NaN there.
      expect(back.factors[1]!.values.toRows(), file).toEqual([[N, N, N], [21.5, 22, N]]);
      expect(back.report.rejected, file).toBe(0);
    }
  });

  it('builds one factor at a time across many column doublings', async () => {
    const T = 40;
    const A = 90;
    const builder = new FactorTableBuilder(Array.from({ length: A }, (_, a) => `${String(a).padStart(6, '0')}.SZ`));
    // 2024-02-01 … 2024-02-29, then March.
    const dates = Array.from({ length: T }, (_, t) => (t < 29 ? `2024-02-${String(t + 1).padStart(2, '0')}` : `2024-03-${String(t - 28).padStart(2, '0')}`));
    let expected = 0;
    for (let k = 0; k < 3; k++) {
      const values = new Panel(T, A);
      for (let t = 0; t < T; t++) {
        for (let a = 0; a < A; a++) {
          if ((t + a + k) % 5 !== 0) {
            values.set(t, a, k * 1000 + t + a / 100);
            expected++;
          }
        }
      }
      builder.add({ name: `f${k}`, dates, values });
    }
    expect(builder.rowCount).toBe(expected);
    const table = builder.table();
    const value = table.columns.get('value');
    expect(value?.type === 'number' && value.values.length).toBe(expected);
    // The last row: factor 2, the last date, the last asset with (t + a + 2) % 5 !== 0.
    let lastAsset = A - 1;
    while ((T - 1 + lastAsset + 2) % 5 === 0) lastAsset--;
    expect(value?.type === 'number' && value.values[expected - 1]).toBe(2000 + T - 1 + lastAsset / 100);
    const summary = await writeFactorTable(join(dir, 'big.csv'), builder);
    expect(summary.rows).toBe(expected);
    expect(readFileSync(join(dir, 'big.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(expected + 1);
  });

  it('refuses a repeated name, a panel of the wrong shape and an infinite value, adding nothing', () => {
    const builder = new FactorTableBuilder(ASSETS);
    builder.add(momentum);
    expect(() => builder.add(momentum)).toThrow('factor table: factor `momentum_1y` is added twice');
    expect(() => builder.add({ name: 'x', dates: DATES, values: new Panel(2, 2) })).toThrow('factor table: factor `x` has a panel of 2 dates × 2 assets, expected 2 × 3');
    expect(() => builder.add({ name: 'y', dates: ['2024-01-02', '20240103'], values: new Panel(2, 3) })).toThrow('`"20240103"` is not a YYYY-MM-DD date');
    const infinite = Panel.fromRows([[1, 2, 3], [4, Number.POSITIVE_INFINITY, 6]]);
    expect(() => builder.add({ name: 'z', dates: DATES, values: infinite })).toThrow(
      'factor table: factor `z` is `Infinity` on 2024-01-03 for `600000.SH`; only finite values or NaN can be written',
    );
    expect(builder.rowCount).toBe(4);
    expect(builder.summary('p').factors.map((f) => f.name)).toEqual(['momentum_1y']);
  });

  it('writes an empty table as a header only, and leaves nothing behind when the folder is missing', async () => {
    const summary = await writeFactorTable(join(dir, 'empty.csv'), { assets: ASSETS, factors: [{ name: 'none', dates: DATES, values: new Panel(2, 3) }] });
    expect(summary).toEqual({ path: join(dir, 'empty.csv'), rows: 0, factors: [{ name: 'none', rows: 0 }] });
    expect(readFileSync(join(dir, 'empty.csv'), 'utf8')).toBe('trade_date,ts_code,factor,value\n');
    const before = readdirSync(dir);
    const error = await thrownBy(writeFactorTable(join(dir, 'nope', 'f.csv'), { assets: ASSETS, factors: [momentum] }));
    expect(error.message).toContain('nope');
    expect(readdirSync(dir)).toEqual(before);
    expect(existsSync(join(dir, 'nope'))).toBe(false);
  });
});

describe('readFactorTable', () => {
  it('names the line of a second row for one cell', async () => {
    const file = join(dir, 'dup.csv');
    writeFileSync(file, 'trade_date,ts_code,factor,value\n2024-01-02,600000.SH,size,1\n2024-01-02,600519.SH,size,2\n2024-01-02,600000.SH,size,3\n');
    const error = await thrownBy(readFactorTable(file));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe(`${file}:4: a second row for factor \`size\`, \`600000.SH\` on 2024-01-02`);
  });

  it('counts rejected rows instead of dropping them silently, and refuses an unreadable file', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'trade_date,ts_code,factor,value\n2024-01-02,600000.SH,size,1\n2024/1/3,600000.SH,size,2\n');
    const back = await readFactorTable(file);
    expect(back.report.rowsRead).toBe(2);
    expect(back.report.rejected).toBe(1);
    expect(back.factors[0]!.values.toRows()).toEqual([[1]]);
    const missing = await thrownBy(readFactorTable(join(dir, 'missing.csv')));
    expect(missing.code).toBe('FK_INVALID_DATA');
    expect(missing.message).toContain('missing.csv: no such file');
  });
});
