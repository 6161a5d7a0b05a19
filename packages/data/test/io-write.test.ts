import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type Table, type TableSchema, readDatasetTables, readTable, tableFromColumns, writeDatasetTables, writeTable } from '../src/index.js';
import { contents, rejection, tempDir } from './io-helpers.js';

const dir = tempDir();

/** Every column type, empty cells, -0, tiny and huge numbers, strings that need quoting, non-ASCII. */
const mixed: Table = tableFromColumns('mixed', {
  code: { type: 'string', values: ['600519.SH', 'a,b', 'say "hi"', 'two\nlines', undefined, '贵州茅台', 'cr\r\nlf'] },
  day: { type: 'date', values: ['2023-06-30', '1991-04-03', '', '2000-02-29', '2023-01-04', '2024-12-31', '1999-12-31'] },
  px: { type: 'number', values: [11474.50033, Number.NaN, -0, 1e-7, 1.7976931348623157e308, 0.1 + 0.2, -78.95] },
  vol: { type: 'number', values: [2045869, 0, Number.NaN, 242000000000, 5e-324, 123456789012345680000, 1] },
});

const mixedSchema: TableSchema = {
  name: 'mixed',
  description: 'round trip',
  required: false,
  columns: [
    { name: 'code', type: 'string', description: '', required: true, nullable: true },
    { name: 'day', type: 'date', description: '', required: true, nullable: true },
    { name: 'px', type: 'number', description: '', required: true, nullable: true },
  ],
  key: [],
  extraColumns: 'number',
};

describe('writeTable', () => {
  it('writes CSV text by hand-checkable rules: String(x), empty for NaN, YYYY-MM-DD, quoting only when needed', async () => {
    const file = path.join(dir, 'mixed.csv');
    await writeTable(file, mixed);
    expect(readFileSync(file, 'utf8')).toBe(
      [
        'code,day,px,vol',
        '600519.SH,2023-06-30,11474.50033,2045869',
        '"a,b",1991-04-03,,0',
        '"say ""hi""",,0,',
        '"two\nlines",2000-02-29,1e-7,242000000000',
        ',2023-01-04,1.7976931348623157e+308,5e-324',
        '贵州茅台,2024-12-31,0.30000000000000004,123456789012345680000',
        '"cr\r\nlf",1999-12-31,-78.95,1',
        '',
      ].join('\n'),
    );
  });

  for (const ext of ['csv', 'csv.gz', 'parquet'] as const) {
    it(`round-trips every column type through .${ext} exactly`, async () => {
      const file = path.join(dir, `roundtrip.${ext}`);
      await writeTable(file, mixed);
      const { table, report } = await readTable(file, mixedSchema);
      expect(report.errors).toEqual([]);
      expect(report.rejected).toBe(0);
      const expected = contents(mixed);
      expected.px![2] = 0; // CSV writes -0 as "0" (String(-0)); Parquet keeps -0
      const got = contents(table);
      if (ext === 'parquet') got.px![2] = Object.is(got.px![2], -0) ? 0 : got.px![2];
      expect(got).toEqual(expected);
      expect([...table.columns.keys()]).toEqual(['code', 'day', 'px', 'vol']);
    });
  }

  it('gzips .csv.gz (plain gzip of the same text as .csv)', async () => {
    await writeTable(path.join(dir, 'g.csv'), mixed);
    await writeTable(path.join(dir, 'g.csv.gz'), mixed, { gzipLevel: 1 });
    expect(gunzipSync(readFileSync(path.join(dir, 'g.csv.gz'))).toString('utf8')).toBe(readFileSync(path.join(dir, 'g.csv'), 'utf8'));
  });

  it('writes an empty table as a header (CSV) or a valid empty file (Parquet)', async () => {
    const empty = tableFromColumns('empty', { code: { type: 'string', values: [] }, px: { type: 'number', values: [] } });
    await writeTable(path.join(dir, 'empty.csv'), empty);
    expect(readFileSync(path.join(dir, 'empty.csv'), 'utf8')).toBe('code,px\n');
    await writeTable(path.join(dir, 'empty.parquet'), empty);
    const { table, report } = await readTable(path.join(dir, 'empty.parquet'), { ...mixedSchema, columns: [] });
    expect(report.errors).toEqual([]);
    expect(table.rowCount).toBe(0);
  });

  it('is atomic: a failed write leaves neither a temporary file nor a changed target', async () => {
    const sub = path.join(dir, 'atomic');
    mkdirSync(sub);
    const target = path.join(sub, 'prices.csv');
    writeFileSync(target, 'old content\n');
    // Not finite: refused before anything is written.
    const bad = tableFromColumns('prices', { px: { type: 'number', values: [1, Infinity] } });
    const error = await rejection(writeTable(target, bad));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe('table `prices`, row 1, column `px`: `Infinity` cannot be written (not finite)');
    expect(readFileSync(target, 'utf8')).toBe('old content\n');
    // The rename fails after the data was written (the target is a folder): the temp file goes.
    for (const name of ['taken.csv', 'taken.csv.gz', 'taken.parquet']) {
      mkdirSync(path.join(sub, name));
      writeFileSync(path.join(sub, name, 'keep'), 'x');
      const renameError = await rejection(writeTable(path.join(sub, name), mixed));
      // core/node's atomic write names the path; the system error is the cause.
      expect(renameError.code).toBe('FK_INVALID_ARGUMENT');
      expect(renameError.message).toContain(path.join(sub, name));
      expect((renameError.cause as { code?: string }).code).toMatch(/^E(ISDIR|NOTEMPTY|EXIST|PERM)$/);
    }
    expect(readdirSync(sub).sort()).toEqual(['prices.csv', 'taken.csv', 'taken.csv.gz', 'taken.parquet']);
  });

  it('refuses malformed tables and unknown endings', async () => {
    const ragged: Table = { name: 't', rowCount: 2, columns: new Map([['x', { type: 'number', values: new Float64Array(3) }]]) };
    expect((await rejection(writeTable(path.join(dir, 't.csv'), ragged))).message).toBe('table `t`: column `x` has 3 rows, the table 2');
    const badCode: Table = { name: 't', rowCount: 1, columns: new Map([['s', { type: 'string', codes: Int32Array.of(2), dictionary: ['a'] }]]) };
    expect((await rejection(writeTable(path.join(dir, 't.csv'), badCode))).code).toBe('FK_INVALID_DATA');
    expect((await rejection(writeTable(path.join(dir, 't.json'), mixed))).code).toBe('FK_INVALID_ARGUMENT');
  });
});

describe('writeDatasetTables', () => {
  const calendar = tableFromColumns('calendar', { trade_date: { type: 'date', values: ['2023-01-03', '2023-01-04'] } });
  const stocks = tableFromColumns('stocks', { ts_code: { type: 'string', values: ['000001.SZ', '600519.SH'] }, exchange: { type: 'string', values: ['SZ', 'SH'] } });
  const daily = tableFromColumns('daily', {
    ts_code: { type: 'string', values: ['000001.SZ', '000001.SZ', '600519.SH'] },
    trade_date: { type: 'date', values: ['2023-01-03', '2023-01-04', '2023-01-04'] },
    open: { type: 'number', values: [10, 10.5, 1700] },
    high: { type: 'number', values: [11, 11, 1710] },
    low: { type: 'number', values: [9, 10, 1690] },
    close: { type: 'number', values: [10.5, 10.8, 1705.25] },
    pe_ttm: { type: 'number', values: [Number.NaN, 5.5, 30] },
    my_factor: { type: 'number', values: [0.1, -0.2, Number.NaN] },
  });

  for (const format of ['csv', 'csv.gz', 'parquet'] as const) {
    it(`writes a dataset folder as ${format} that readDatasetTables reads back identically`, async () => {
      const out = path.join(dir, `dataset-${format.replace('.', '-')}`, 'nested');
      const written = await writeDatasetTables(out, format === 'csv' ? [calendar, stocks, daily] : new Map([['calendar', calendar], ['stocks', stocks], ['daily', daily]]), { format });
      const ext = format === 'csv' ? '.csv' : format === 'csv.gz' ? '.csv.gz' : '.parquet';
      expect(written).toEqual(['calendar', 'stocks', 'daily'].map((t) => path.join(out, `${t}${ext}`)));
      expect(readdirSync(out).sort()).toEqual(['calendar', 'daily', 'stocks'].map((t) => `${t}${ext}`));
      const { tables, report } = await readDatasetTables(out);
      expect(report.usable).toBe(true);
      expect([...tables.keys()]).toEqual(['calendar', 'stocks', 'daily']);
      expect(contents(tables.get('daily')!)).toEqual(contents(daily));
      expect(contents(tables.get('stocks')!)).toEqual(contents(stocks));
      expect(contents(tables.get('calendar')!)).toEqual(contents(calendar));
    });
  }

  it('refuses two tables with one name, and names that are not file names', async () => {
    expect((await rejection(writeDatasetTables(dir, [calendar, calendar], { format: 'csv' }))).message).toBe('writeDatasetTables: two tables named `calendar`');
    const evil = tableFromColumns('../evil', { x: { type: 'number', values: [1] } });
    expect((await rejection(writeDatasetTables(dir, [evil], { format: 'csv' }))).code).toBe('FK_INVALID_ARGUMENT');
  });
});
