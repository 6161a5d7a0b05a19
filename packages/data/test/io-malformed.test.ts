import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataValidationError, type DatasetReport, TABLES, formatReport, readDatasetTables, readTable, validateDataset } from '../src/index.js';
import { cells, put, rejection, tempDir } from './io-helpers.js';

/**
 * A corpus of malformed inputs, each in its own small dataset folder written here. File-level
 * problems must make `readDatasetTables` throw (no table comes back); row-level problems must
 * reject exactly the bad rows, counted by reason, with the exact line and column.
 */
const root = tempDir('fk-io-malformed-');

const CALENDAR = 'trade_date\n2023-01-03\n2023-01-04\n2023-01-05\n';
const STOCKS = 'ts_code,exchange,board\n000001.SZ,SZ,main\n600519.SH,SH,main\n';
const DAILY_HEADER = 'ts_code,trade_date,open,high,low,close,volume';
const DAILY_ROWS = [
  '000001.SZ,2023-01-03,10,11,9,10.5,100', // line 2
  '000001.SZ,2023-01-04,10.5,11,10,10.8,200', // line 3
  '600519.SH,2023-01-03,1700,1710,1690,1705,50', // line 4
  '600519.SH,2023-01-04,1705,1720,1700,1715,60', // line 5
];

let serial = 0;
/** A dataset folder: the valid calendar, stocks and daily, with `files` replacing or adding files. */
function dataset(files: Record<string, string | null> = {}): string {
  const dir = path.join(root, `case-${++serial}`);
  mkdirSync(dir);
  const all: Record<string, string | null> = { 'calendar.csv': CALENDAR, 'stocks.csv': STOCKS, 'daily.csv': `${DAILY_HEADER}\n${DAILY_ROWS.join('\n')}\n`, ...files };
  for (const [name, content] of Object.entries(all)) if (content !== null) put(dir, name, content);
  return dir;
}

/** The daily file with row `index` (0-based, line index + 2) replaced. */
function dailyWith(replace: Record<number, string>, extra: string[] = [], header = DAILY_HEADER): string {
  const rows = DAILY_ROWS.map((row, i) => replace[i] ?? row);
  return `${header}\n${[...rows, ...extra].join('\n')}\n`;
}

/** Read a dataset that must be unusable: the thrown error, its report and the message. */
async function unusable(dir: string): Promise<{ error: DataValidationError; report: DatasetReport }> {
  const error = await rejection(readDatasetTables(dir));
  expect(error).toBeInstanceOf(DataValidationError);
  expect(error.code).toBe('FK_INVALID_DATA');
  const report = (error as DataValidationError).report;
  expect(report.usable).toBe(false);
  return { error: error as DataValidationError, report };
}

/** Read a dataset that must be usable and return the daily report and table. */
async function usableDaily(dir: string) {
  const { tables, report } = await readDatasetTables(dir);
  expect(report.usable).toBe(true);
  const daily = report.tables.find((t) => t.table === 'daily')!;
  return { daily, table: tables.get('daily')!, report, tables };
}

describe('file-level problems: the dataset is unusable and nothing is returned', () => {
  it('missing required column: names it and lists the columns present', async () => {
    const dir = dataset({ 'daily.csv': 'ts_code,trade_date,open,high,low,volume\n000001.SZ,2023-01-03,10,11,9,100\n' });
    const { error, report } = await unusable(dir);
    const daily = report.tables.find((t) => t.table === 'daily')!;
    expect(daily.rowsKept).toBe(0);
    expect(daily.errors).toEqual([
      {
        severity: 'error',
        code: 'missing_column',
        table: 'daily',
        file: path.join(dir, 'daily.csv'),
        column: 'close',
        message: 'daily.csv: required column `close` of table `daily` is missing; the file has `ts_code`, `trade_date`, `open`, `high`, `low`, `volume`',
      },
    ]);
    expect(error.message).toBe(
      `dataset \`${dir}\` is unusable: 1 error:\n  - daily.csv: required column \`close\` of table \`daily\` is missing; the file has \`ts_code\`, \`trade_date\`, \`open\`, \`high\`, \`low\`, \`volume\``,
    );
  });

  it('empty file (no header)', async () => {
    const { report } = await unusable(dataset({ 'stocks.csv': '' }));
    const stocks = report.tables.find((t) => t.table === 'stocks')!;
    expect(stocks.errors.map((e) => [e.code, e.message])).toEqual([['empty_file', 'stocks.csv: no header row (the file is empty or its first line is blank); expected a header naming the columns of `stocks`']]);
  });

  it('a blank first line is no header either (empty_file), and a BOM alone is empty', async () => {
    for (const content of ['\n000001.SZ\n', '\uFEFF']) {
      const { report } = await unusable(dataset({ 'stocks.csv': content }));
      expect(report.tables.find((t) => t.table === 'stocks')!.errors.map((e) => e.code)).toEqual(['empty_file']);
    }
  });

  it('duplicate header names', async () => {
    const { report } = await unusable(dataset({ 'daily.csv': dailyWith({}, [], `${DAILY_HEADER},close`).replace(/\n(.+)/g, (m, row: string) => `\n${row},1`) }));
    const daily = report.tables.find((t) => t.table === 'daily')!;
    expect(daily.errors).toEqual([
      expect.objectContaining({ code: 'duplicate_column', line: 1, column: 'close', message: 'daily.csv:1: column `close` appears twice in the header (fields 6 and 8)' }),
    ]);
  });

  it('rows out of order within a stock: the first offending line', async () => {
    const { report, error } = await unusable(dataset({ 'daily.csv': dailyWith({ 0: DAILY_ROWS[1]!, 1: DAILY_ROWS[0]! }) }));
    const daily = report.tables.find((t) => t.table === 'daily')!;
    expect(daily.rowsKept).toBe(0);
    expect(daily.errors).toEqual([
      {
        severity: 'error',
        code: 'unsorted',
        table: 'daily',
        file: expect.stringMatching(/daily\.csv$/) as string,
        line: 3,
        column: 'trade_date',
        value: '2023-01-03',
        message:
          'daily.csv:3, column `trade_date`: rows are out of order: `2023-01-03` within ts_code `000001.SZ` comes after `2023-01-04` (line 2); daily must be sorted by trade_date (ascending) within each ts_code',
      },
    ]);
    expect(error.message).toContain('daily.csv:3, column `trade_date`: rows are out of order');
  });

  it('daily sorted by date then stock is in order (each stock’s dates rise)', async () => {
    const { table } = await usableDaily(dataset({ 'daily.csv': dailyWith({ 1: DAILY_ROWS[2]!, 2: DAILY_ROWS[1]! }) }));
    expect(cells(table, 'ts_code')).toEqual(['000001.SZ', '600519.SH', '000001.SZ', '600519.SH']);
  });

  it('calendar dates must be strictly increasing: a repeated date is out of order', async () => {
    const { report } = await unusable(dataset({ 'calendar.csv': 'trade_date\n2023-01-03\n2023-01-04\n2023-01-04\n2023-01-05\n' }));
    const calendar = report.tables.find((t) => t.table === 'calendar')!;
    expect(calendar.errors.map((e) => e.message)).toEqual([
      'calendar.csv:4, column `trade_date`: rows are out of order: `2023-01-04` comes after `2023-01-04` (line 3); calendar must be sorted by trade_date, strictly ascending',
    ]);
  });

  it('a required table without a file', async () => {
    const dir = dataset({ 'stocks.csv': null });
    const { report, error } = await unusable(dir);
    expect(report.errors).toEqual([
      { severity: 'error', code: 'missing_file', table: 'stocks', file: dir, message: `table \`stocks\` is missing: no stocks.csv, stocks.csv.gz or stocks.parquet in \`${dir}\`` },
    ]);
    expect(error.message).toContain('table `stocks` is missing');
  });

  it('two files for one table', async () => {
    const dir = dataset({ 'daily.csv.gz': `${DAILY_HEADER}\n${DAILY_ROWS.join('\n')}\n` });
    const { report } = await unusable(dir);
    expect(report.errors.map((e) => [e.code, e.table, e.message])).toEqual([
      ['ambiguous_file', 'daily', `table \`daily\` has 2 files in \`${dir}\`: daily.csv, daily.csv.gz; keep exactly one`],
    ]);
  });

  it('a .csv.gz that is not gzip, and a .parquet that is not Parquet', async () => {
    const dir = dataset({ 'daily.csv': null, 'fina.parquet': 'PAR1 nonsense' });
    put(dir, 'daily.csv.gz.tmp', 'x'); // not a table file: listed as unknown
    // A plain text file under the .gz name (put() would gzip it).
    writeFileSync(path.join(dir, 'daily.csv.gz'), 'not gzip\n');
    const { report } = await unusable(dir);
    const codes = report.tables.map((t) => [t.table, t.errors.map((e) => e.code)]);
    expect(codes).toEqual([
      ['calendar', []],
      ['stocks', []],
      ['daily', ['unreadable_file']],
      ['fina', ['unreadable_file']],
    ]);
    expect(report.tables[2]!.errors[0]!.message).toMatch(/^daily\.csv\.gz: cannot be read as csv\.gz: /);
    expect(report.unknownFiles).toEqual(['daily.csv.gz.tmp']);
  });

  it('a truncated .csv.gz: unreadable, and none of the rows read before the break come back', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `600519.SH,2023-01-05,${i},1,1,1,1`);
    const whole = gzipSync(Buffer.from(`${DAILY_HEADER}\n${[...DAILY_ROWS, ...rows].join('\n')}\n`));
    const dir = dataset({ 'daily.csv': null });
    writeFileSync(path.join(dir, 'daily.csv.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
    const { report } = await unusable(dir);
    const daily = report.tables.find((t) => t.table === 'daily')!;
    expect(daily.rowsKept).toBe(0);
    expect(daily.errors.map((e) => e.code)).toEqual(['unreadable_file']);
    expect(daily.errors[0]!.message).toBe('daily.csv.gz: cannot be read as csv.gz: unexpected end of file');
    const direct = await readTable(path.join(dir, 'daily.csv.gz'), TABLES.daily!);
    expect(direct.table.rowCount).toBe(0);
  });

  it('a dataset folder that does not exist', async () => {
    const { report } = await unusable(path.join(root, 'no-such-folder'));
    expect(report.errors.map((e) => e.code)).toEqual(['missing_file']);
  });

  it('all errors at once, across tables', async () => {
    const { report, error } = await unusable(
      dataset({ 'stocks.csv': '', 'daily.csv': 'ts_code,trade_date,open,high,low\n', 'index_weight.csv': 'index_code,trade_date,ts_code,weight,weight\n' }),
    );
    expect(report.tables.flatMap((t) => t.errors.map((e) => `${t.table}:${e.code}`))).toEqual([
      'stocks:empty_file',
      'daily:missing_column',
      'index_weight:duplicate_column',
    ]);
    expect(error.message.split('\n')[0]).toMatch(/is unusable: 3 errors:$/);
  });
});

describe('row-level problems: the row is rejected and counted, never silently dropped', () => {
  const cases: { name: string; files: Record<string, string>; table?: string; code: string; line: number; column?: string; value?: string; message: string }[] = [
    {
      name: 'unparsable number',
      files: { 'daily.csv': dailyWith({ 1: '000001.SZ,2023-01-04,10.5,11,10,abc,200' }) },
      code: 'unparsable_number',
      line: 3,
      column: 'close',
      value: 'abc',
      message: 'daily.csv:3, column `close`: `abc` is not a number',
    },
    {
      name: 'number with trailing text',
      files: { 'daily.csv': dailyWith({ 2: '600519.SH,2023-01-03,1700,1710,1690,1705,5O' }) },
      code: 'unparsable_number',
      line: 4,
      column: 'volume',
      value: '5O',
      message: 'daily.csv:4, column `volume`: `5O` is not a number',
    },
    {
      name: 'impossible date',
      files: { 'daily.csv': dailyWith({ 3: '600519.SH,2023-02-30,1705,1720,1700,1715,60' }) },
      code: 'unparsable_date',
      line: 5,
      column: 'trade_date',
      value: '2023-02-30',
      message: 'daily.csv:5, column `trade_date`: `2023-02-30` is not a date (expected YYYY-MM-DD or YYYYMMDD)',
    },
    {
      name: 'empty cell in a non-nullable column',
      files: { 'daily.csv': dailyWith({ 1: '000001.SZ,2023-01-04,10.5,11,10,,200' }) },
      code: 'empty_value',
      line: 3,
      column: 'close',
      value: '',
      message: 'daily.csv:3, column `close`: empty, but the column must have a value',
    },
    {
      name: 'value below min',
      files: { 'daily.csv': dailyWith({ 0: '000001.SZ,2023-01-03,-1,11,9,10.5,100' }) },
      code: 'out_of_range',
      line: 2,
      column: 'open',
      value: '-1',
      message: 'daily.csv:2, column `open`: `-1` is out of range; expected ≥ 0',
    },
    {
      name: 'value above max (0..1 flag)',
      files: { 'daily.csv': `${DAILY_HEADER},is_st\n${DAILY_ROWS[0]},2\n${DAILY_ROWS.slice(1).map((r) => `${r},0`).join('\n')}\n` },
      code: 'out_of_range',
      line: 2,
      column: 'is_st',
      value: '2',
      message: 'daily.csv:2, column `is_st`: `2` is out of range; expected [0, 1]',
    },
    {
      name: 'string not among the allowed values',
      files: { 'stocks.csv': 'ts_code,exchange,board\n000001.SZ,SZ,main\n600519.SH,XSHG,main\n' },
      table: 'stocks',
      code: 'not_allowed',
      line: 3,
      column: 'exchange',
      value: 'XSHG',
      message: 'stocks.csv:3, column `exchange`: `XSHG` is not one of `SH`, `SZ`, `BJ`',
    },
    {
      name: 'too many fields',
      files: { 'daily.csv': dailyWith({ 1: '000001.SZ,2023-01-04,10.5,11,10,10.8,200,7' }) },
      code: 'ragged_row',
      line: 3,
      message: 'daily.csv:3: 8 fields, but the header has 7',
    },
    {
      name: 'too few fields',
      files: { 'daily.csv': dailyWith({ 3: '600519.SH,2023-01-04,1705' }) },
      code: 'ragged_row',
      line: 5,
      message: 'daily.csv:5: 3 fields, but the header has 7',
    },
    {
      name: 'duplicate key: the later row is rejected',
      files: { 'daily.csv': dailyWith({}, ['600519.SH,2023-01-04,1,1,1,1,1']) },
      code: 'duplicate_key',
      line: 6,
      value: 'ts_code=600519.SH, trade_date=2023-01-04',
      message: 'daily.csv:6: duplicate key ts_code `600519.SH`, trade_date `2023-01-04` (first on line 5); the later row is rejected',
    },
    {
      name: 'duplicate key in an unsorted table (hash check)',
      files: { 'stocks.csv': 'ts_code,exchange\n600519.SH,SH\n000001.SZ,SZ\n600519.SH,SH\n' },
      table: 'stocks',
      code: 'duplicate_key',
      line: 4,
      value: 'ts_code=600519.SH',
      message: 'stocks.csv:4: duplicate key ts_code `600519.SH` (first on line 2); the later row is rejected',
    },
    {
      name: 'date that is not a trading day',
      files: { 'daily.csv': dailyWith({}, ['600519.SH,2023-01-07,1705,1720,1700,1715,60']) },
      code: 'unknown_date',
      line: 6,
      column: 'trade_date',
      value: '2023-01-07',
      message: 'daily.csv:6, column `trade_date`: `2023-01-07` is not a trading day of the calendar',
    },
    {
      name: 'text after a closing quote',
      files: { 'daily.csv': dailyWith({ 2: '"600519.SH"x,2023-01-03,1700,1710,1690,1705,50' }) },
      code: 'bad_quote',
      line: 4,
      message: 'daily.csv:4: a quoted field is not closed, or has text after its closing quote',
    },
  ];

  for (const c of cases) {
    it(`${c.name} (${c.code})`, async () => {
      const dir = dataset(c.files);
      const { tables, report } = await readDatasetTables(dir);
      expect(report.usable).toBe(true);
      const name = c.table ?? 'daily';
      const tableReport = report.tables.find((t) => t.table === name)!;
      const file = path.join(dir, `${name}.csv`);
      expect(tableReport.rejected).toBe(1);
      expect(tableReport.rejectedByReason).toEqual({ [c.code]: 1 });
      expect(tableReport.rowsKept).toBe(tableReport.rowsRead - 1);
      expect(tableReport.problems).toEqual([
        {
          severity: 'warning',
          code: c.code,
          table: name,
          file,
          line: c.line,
          ...(c.column === undefined ? {} : { column: c.column }),
          ...(c.value === undefined ? {} : { value: c.value }),
          message: c.message,
        },
      ]);
      // Nothing half-loaded: the table has exactly the other rows, and their lines.
      const table = tables.get(name)!;
      expect(table.rowCount).toBe(tableReport.rowsKept);
      expect(Array.from(table.lines!)).not.toContain(c.line);
      expect(table.lines!.length).toBe(table.rowCount);
    });
  }

  it('the rejected row leaves no trace: dictionary entries only it used are dropped', async () => {
    const { table } = await usableDaily(dataset({ 'daily.csv': dailyWith({}, ['300750.SZ,2023-01-04,1,1,1,abc,1']) }));
    const codes = table.columns.get('ts_code');
    expect(codes).toMatchObject({ type: 'string', dictionary: ['000001.SZ', '600519.SH'] });
    expect(cells(table, 'close')).toEqual([10.5, 10.8, 1705, 1715]);
  });

  it('counts every rejected row by reason; one row counts once, under its first problem', async () => {
    const { daily, table } = await usableDaily(
      dataset({
        'daily.csv': dailyWith(
          {
            0: '000001.SZ,2023-01-03,x,11,9,,100', // unparsable (first problem), then empty
            2: '600519.SH,2023-01-03,1700,1710,1690,1705', // ragged wins
          },
          ['600519.SH,2023-01-05,1,1,1,-5,1', '600519.SH,2023-01-05,1,1,1,1,1', '600519.SH,2023-01-05,1,1,1,1,1', '000001.SZ,2023-01-05,1,1,1,1,1'],
        ),
      }),
    );
    // Lines: 2 bad number, 4 ragged, 6 below min, 7 kept, 8 duplicate of 7, 9 kept (so half are kept).
    expect(daily.rowsRead).toBe(8);
    expect(daily.rejected).toBe(4);
    expect(daily.rejectedByReason).toEqual({ unparsable_number: 1, ragged_row: 1, out_of_range: 1, duplicate_key: 1 });
    expect(daily.problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ['unparsable_number', 2, 'open'],
      ['ragged_row', 4, undefined],
      ['out_of_range', 6, 'close'],
      ['duplicate_key', 8, undefined],
    ]);
    expect(Array.from(table.lines!)).toEqual([3, 5, 7, 9]);
  });

  it('keeps at most maxExamples examples per reason, but counts all', async () => {
    const bad = Array.from({ length: 25 }, (_, i) => `600519.SH,2023-01-05,1,1,1,bad${i},1`);
    const dir = dataset({ 'daily.csv': dailyWith({}, bad) });
    // 25 of 29 rows rejected: the table is unusable (most rows lost), but the report is complete.
    const report = await validateDataset(dir, { maxExamples: 3 });
    const daily = report.tables.find((t) => t.table === 'daily')!;
    expect(daily.rejectedByReason).toEqual({ unparsable_number: 25 });
    expect(daily.problems.map((p) => p.line)).toEqual([6, 7, 8]);
    expect(daily.errors.map((e) => e.code)).toEqual(['most_rows_rejected']);
    const text = formatReport(report);
    expect(text).toContain('daily');
    expect(text).toContain('0 rows kept, 25 rejected  (unusable: 1 error)');
    expect(text).toContain('    unparsable_number: 25');
    expect(text).toContain('      e.g. daily.csv:6, column `close`: `bad0` is not a number');
    // The default keeps 20.
    const all = await validateDataset(dir);
    expect(all.tables.find((t) => t.table === 'daily')!.problems).toHaveLength(20);
  });

  it('readTable without a calendar does not check trading days', async () => {
    const dir = dataset({ 'daily.csv': dailyWith({}, ['600519.SH,2023-01-07,1705,1720,1700,1715,60']) });
    const { report } = await readTable(path.join(dir, 'daily.csv'), TABLES.daily!);
    expect(report.rejected).toBe(0);
    const checked = await readTable(path.join(dir, 'daily.csv'), TABLES.daily!, { calendar: new Set([20230103, 20230104]) });
    expect(checked.report.rejectedByReason).toEqual({ unknown_date: 1 });
  });
});

describe('readDatasetTables options', () => {
  it('loads only the tables asked for (plus the calendar), and fails when one of them is missing', async () => {
    const dir = dataset({ 'fina.csv': 'ts_code,ann_date,end_date\n000001.SZ,2023-04-24,2023-03-31\n' });
    const { tables, report } = await readDatasetTables(dir, { tables: ['fina'] });
    expect([...tables.keys()]).toEqual(['calendar', 'fina']);
    expect(report.tables.map((t) => t.table)).toEqual(['calendar', 'fina']);
    const { report: missing } = await unusable2(readDatasetTables(dir, { tables: ['index_weight'] }));
    expect(missing.errors.map((e) => [e.code, e.table])).toEqual([['missing_file', 'index_weight']]);
  });

  it('refuses an unknown table name', async () => {
    const error = await rejection(readDatasetTables(root, { tables: ['dayly'] }));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toMatch(/^readDatasetTables: unknown table `dayly`; the format has calendar, stocks, daily, /);
  });

  it('lists files that are not tables, and reads a usable dataset report', async () => {
    const dir = dataset({ 'README.md': '# hi', 'notes.txt': 'x' });
    const { report } = await readDatasetTables(dir);
    expect(report.unknownFiles).toEqual(['README.md', 'notes.txt']);
    expect(report.errors).toEqual([]);
    expect(report.tables.map((t) => [t.table, t.rowsKept, t.rejected])).toEqual([
      ['calendar', 3, 0],
      ['stocks', 2, 0],
      ['daily', 4, 0],
    ]);
    expect(formatReport(report)).toBe(
      [
        `dataset ${dir}: usable`,
        'calendar  calendar.csv            3 rows kept',
        'stocks    stocks.csv              2 rows kept',
        'daily     daily.csv               4 rows kept',
        'not table files (ignored): README.md, notes.txt',
      ].join('\n'),
    );
  });
});

async function unusable2(promise: Promise<unknown>): Promise<{ report: DatasetReport }> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(DataValidationError);
  return { report: (error as DataValidationError).report };
}
