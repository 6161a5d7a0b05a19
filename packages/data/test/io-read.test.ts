import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { type TableSchema, readTable } from '../src/index.js';
import { cells, contents, put, rejection, tempDir } from './io-helpers.js';

const col = (name: string, type: 'string' | 'number' | 'date', extra: Partial<TableSchema['columns'][number]> = {}) => ({
  name,
  type,
  description: name,
  required: true,
  nullable: false,
  ...extra,
});

/** A small schema with every feature: key, order, enum, min, an optional column, extra columns kept. */
const prices: TableSchema = {
  name: 'prices',
  description: 'test table',
  required: false,
  columns: [
    col('code', 'string'),
    col('day', 'date'),
    col('px', 'number', { nullable: true, min: 0 }),
    col('note', 'string', { required: false, nullable: true }),
    col('side', 'string', { required: false, nullable: true, values: ['buy', 'sell'] }),
  ],
  key: ['code', 'day'],
  order: { by: 'day', within: 'code' },
  extraColumns: 'number',
};

const dir = tempDir();

describe('readTable: CSV', () => {
  it('types the columns by the schema, keeps extra columns as numbers, in file order, with file lines', async () => {
    const file = put(
      dir,
      'basic.csv',
      'code,day,px,note,vol,side\nA,2023-01-03,1.5,hello,100,buy\nA,2023-01-04,,"a, b",,sell\nB,20230103,2,"say ""hi""",7,\n',
    );
    const { table, report } = await readTable(file, prices);
    expect(report).toMatchObject({ table: 'prices', file, format: 'csv', rowsRead: 3, rowsKept: 3, rejected: 0, rejectedByReason: {}, problems: [], errors: [] });
    expect(table.name).toBe('prices');
    expect(table.rowCount).toBe(3);
    expect(table.source).toBe(file);
    expect([...table.columns.keys()]).toEqual(['code', 'day', 'px', 'note', 'vol', 'side']);
    expect(contents(table)).toEqual({
      code: ['A', 'A', 'B'],
      day: [20230103, 20230104, 20230103],
      px: [1.5, Number.NaN, 2],
      note: ['hello', 'a, b', 'say "hi"'],
      vol: [100, Number.NaN, 7],
      side: ['buy', 'sell', undefined],
    });
    expect(table.columns.get('code')).toMatchObject({ type: 'string', dictionary: ['A', 'B'] });
    expect(table.columns.get('vol')!.type).toBe('number');
    expect(Array.from(table.lines!)).toEqual([2, 3, 4]);
  });

  it('skips columns the schema does not name when extraColumns is "ignore"', async () => {
    const file = put(dir, 'ignore.csv', 'vol,code,day,px\n1,A,2023-01-03,1\n');
    const { table } = await readTable(file, { ...prices, extraColumns: 'ignore' });
    expect([...table.columns.keys()]).toEqual(['code', 'day', 'px']);
  });

  it('strips a BOM, reads CRLF, and keeps line breaks inside quoted fields (later lines still exact)', async () => {
    const file = put(dir, 'crlf.csv', '\uFEFFcode,day,px,note\r\nA,2023-01-03,1,"two\r\nlines"\r\nA,2023-01-04,2,x\r\n"B",2023-01-03,3,""\r\n');
    const { table, report } = await readTable(file, prices);
    expect(report.errors).toEqual([]);
    expect(report.rejected).toBe(0);
    expect(contents(table)).toEqual({
      code: ['A', 'A', 'B'],
      day: [20230103, 20230104, 20230103],
      px: [1, 2, 3],
      note: ['two\r\nlines', 'x', undefined],
    });
    expect(Array.from(table.lines!)).toEqual([2, 4, 5]);
  });

  it('skips blank lines and reads a last line without a line break', async () => {
    const file = put(dir, 'blank.csv', 'code,day,px\n\nA,2023-01-03,1\n\r\nA,2023-01-04,2');
    const { table, report } = await readTable(file, prices);
    expect(report.rowsRead).toBe(2);
    expect(cells(table, 'px')).toEqual([1, 2]);
    expect(Array.from(table.lines!)).toEqual([3, 5]);
  });

  it('reads a header-only file as an empty table', async () => {
    const file = put(dir, 'header-only.csv', 'code,day,px');
    const { table, report } = await readTable(file, prices);
    expect(report.errors).toEqual([]);
    expect(table.rowCount).toBe(0);
    expect([...table.columns.keys()]).toEqual(['code', 'day', 'px']);
  });

  it('reads .csv.gz exactly like the same .csv', async () => {
    const text = 'code,day,px,note\nA,2023-01-03,1.25,"q,""x"""\nB,2023-01-04,,\n';
    const plain = await readTable(put(dir, 'same.csv', text), prices);
    const gz = await readTable(put(dir, 'same.csv.gz', text), prices);
    expect(gz.report.format).toBe('csv.gz');
    expect(contents(gz.table)).toEqual(contents(plain.table));
    expect(Array.from(gz.table.lines!)).toEqual(Array.from(plain.table.lines!));
  });

  it('parses rows that straddle read chunks, quoted line breaks included (csv and csv.gz)', async () => {
    // ~4 MB: several 1 MiB chunks; every 7th note has a quoted comma, quote and line break.
    const n = 40_000;
    const lines = ['code,day,px,note'];
    const expectedLines: number[] = [];
    let line = 2;
    for (let i = 0; i < n; i++) {
      const day = 20230101 + (i % 28);
      const iso = `2023-01-${String(day % 100).padStart(2, '0')}`;
      const note = i % 7 === 0 ? `"row ${i}, ""quoted""\nsecond line"` : `note-${i}-${'x'.repeat(i % 50)}`;
      lines.push(`S${Math.floor(i / 28)},${iso},${i / 8},${note}`);
      expectedLines.push(line);
      line += i % 7 === 0 ? 2 : 1;
    }
    const text = `${lines.join('\n')}\n`;
    for (const name of ['chunks.csv', 'chunks.csv.gz']) {
      const { table, report } = await readTable(put(dir, name, text), prices);
      expect(report.errors).toEqual([]);
      expect(report.rejected).toBe(0);
      expect(table.rowCount).toBe(n);
      const px = cells(table, 'px');
      const notes = cells(table, 'note');
      for (let i = 0; i < n; i += 997) {
        expect(px[i]).toBe(i / 8);
        expect(notes[i]).toBe(i % 7 === 0 ? `row ${i}, "quoted"\nsecond line` : `note-${i}-${'x'.repeat(i % 50)}`);
      }
      expect(Array.from(table.lines!)).toEqual(expectedLines);
    }
  });

  it('reports a missing file as a missing_file error and an empty table', async () => {
    const file = path.join(dir, 'nope.csv');
    const { table, report } = await readTable(file, prices);
    expect(table.rowCount).toBe(0);
    expect(report.errors).toEqual([{ severity: 'error', code: 'missing_file', table: 'prices', file, message: 'nope.csv: no such file' }]);
  });

  it('refuses a file name with an unknown ending', async () => {
    const error = await rejection(readTable(path.join(dir, 'prices.txt'), prices));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toContain('.csv, .csv.gz or .parquet');
  });
});

describe('readTable: Parquet', () => {
  it('reads natural Parquet types and tushare-style text cells; lines are row numbers', async () => {
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: 'code', data: ['A', 'A', null], type: 'STRING' },
        // tushare writes dates as text
        { name: 'day', data: ['20230103', '2023-01-04', '20230105'], type: 'STRING' },
        { name: 'px', data: [1.5, null, 3], type: 'DOUBLE' },
        { name: 'vol', data: [1n, null, 3n], type: 'INT64' },
        { name: 'note', data: ['x', '', 'z'], type: 'STRING' },
      ],
    });
    const file = put(dir, 'tushare.parquet', new Uint8Array(bytes));
    const { order: _order, ...unordered } = prices;
    const { table, report } = await readTable(file, { ...unordered, key: [], columns: prices.columns.map((c) => (c.name === 'code' ? { ...c, nullable: true } : c)) });
    expect(report).toMatchObject({ format: 'parquet', rowsRead: 3, rowsKept: 3, rejected: 0, errors: [] });
    expect(contents(table)).toEqual({
      code: ['A', 'A', undefined],
      day: [20230103, 20230104, 20230105],
      px: [1.5, Number.NaN, 3],
      vol: [1, Number.NaN, 3],
      note: ['x', undefined, 'z'],
    });
    expect(Array.from(table.lines!)).toEqual([1, 2, 3]);
  });

  it('reads DATE columns and checks Parquet cells like CSV cells (row numbers in messages)', async () => {
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: 'code', data: ['A', 'A', 'A'] },
        { name: 'day', data: [19360, 19361, 19362] }, // days since 1970: 2023-01-03 …
        { name: 'px', data: ['1', 'abc', '-2'] },
      ],
      schema: [
        { name: 'root', num_children: 3 },
        { name: 'code', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
        { name: 'px', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
    });
    const file = put(dir, 'dates.parquet', new Uint8Array(bytes));
    const { table, report } = await readTable(file, prices);
    expect(cells(table, 'day')).toEqual([20230103]);
    expect(report.rejectedByReason).toEqual({ unparsable_number: 1, out_of_range: 1 });
    expect(report.problems.map((p) => p.message)).toEqual([
      'dates.parquet, row 2, column `px`: `abc` is not a number',
      'dates.parquet, row 3, column `px`: `-2` is out of range; expected ≥ 0',
    ]);
  });

  it('reports a file that is not Parquet as unreadable_file', async () => {
    const file = put(dir, 'broken.parquet', 'this is not parquet at all');
    const { table, report } = await readTable(file, prices);
    expect(table.rowCount).toBe(0);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ severity: 'error', code: 'unreadable_file', table: 'prices', file });
    expect(report.errors[0]!.message).toMatch(/^broken\.parquet: cannot be read as parquet: /);
  });
});
