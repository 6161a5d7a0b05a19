import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DataValidationError,
  type DatasetReport,
  type TableReport,
  formatLoadDetails,
  formatLoadSummary,
  loadDataset,
  parseRejectedLimit,
  readDatasetTables,
  validateDataset,
} from '../src/index.js';
import { cells, put, rejection, tempDir } from './io-helpers.js';

/**
 * The verdict on a dataset (issue 10): nothing lost silently. A required table that ends up
 * empty, a table that loses most rows, rows naming unknown stocks, text that is not UTF-8 are
 * errors; rejected rows beyond `maxRejected` fail the verdict; data faults are warnings with
 * file and line; an extra text column costs no row.
 */
const root = tempDir('fk-io-verdict-');

const CALENDAR = 'trade_date\n2023-01-03\n2023-01-04\n2023-01-05\n';
const STOCKS = 'ts_code,exchange,board\n000001.SZ,SZ,main\n600519.SH,SH,main\n';
const DAILY_HEADER = 'ts_code,trade_date,open,high,low,close,volume';
const DAILY_ROWS = [
  '000001.SZ,2023-01-03,10,11,9,10.5,100', // line 2
  '000001.SZ,2023-01-04,10.5,11,10,10.8,200', // line 3
  '600519.SH,2023-01-03,1700,1710,1690,1705,50', // line 4
  '600519.SH,2023-01-04,1705,1720,1700,1715,60', // line 5
];
const DAILY = `${DAILY_HEADER}\n${DAILY_ROWS.join('\n')}\n`;

let serial = 0;
function dataset(files: Record<string, string | Uint8Array | null> = {}): string {
  const dir = path.join(root, `case-${++serial}`);
  mkdirSync(dir);
  const all: Record<string, string | Uint8Array | null> = { 'calendar.csv': CALENDAR, 'stocks.csv': STOCKS, 'daily.csv': DAILY, ...files };
  for (const [name, content] of Object.entries(all)) if (content !== null) put(dir, name, content);
  return dir;
}

async function failed(promise: Promise<unknown>): Promise<DatasetReport> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(DataValidationError);
  expect(error.code).toBe('FK_INVALID_DATA');
  const report = (error as DataValidationError).report;
  expect(report.verdict).toBe('fail');
  return report;
}

function table(report: DatasetReport, name: string): TableReport {
  const found = report.tables.find((t) => t.table === name);
  if (!found) throw new Error(`no report for ${name}`);
  return found;
}

describe('a required table with no rows left is an error (it was "usable" before)', () => {
  it('header-only daily', async () => {
    const dir = dataset({ 'daily.csv': `${DAILY_HEADER}\n` });
    const report = await failed(readDatasetTables(dir));
    expect(report.usable).toBe(false);
    expect(table(report, 'daily').errors).toEqual([
      { severity: 'error', code: 'no_rows', table: 'daily', file: path.join(dir, 'daily.csv'), message: 'daily.csv: no data rows (only a header); `daily` is required' },
    ]);
    // loadDataset, which every command uses, refuses it too.
    await failed(loadDataset(dir));
  });

  it('dates written 2019/1/2: every row rejected', async () => {
    const rows = DAILY_ROWS.map((r) => r.replace(/2023-01-0(\d)/, '2023/1/$1'));
    const report = await failed(readDatasetTables(dataset({ 'daily.csv': `${DAILY_HEADER}\n${rows.join('\n')}\n` })));
    const daily = table(report, 'daily');
    expect(daily.rejectedByReason).toEqual({ unparsable_date: 4 });
    expect(daily.rowsKept).toBe(0);
    expect(daily.errors.map((e) => e.message)).toEqual([
      'daily.csv: all 4 rows were rejected (4 unparsable_date); `daily` is required; first: daily.csv:2, column `trade_date`: `2023/1/3` is not a date (expected YYYY-MM-DD or YYYYMMDD)',
    ]);
  });

  it('an empty calendar or stocks table too', async () => {
    const report = await failed(readDatasetTables(dataset({ 'stocks.csv': 'ts_code,exchange\n' })));
    expect(table(report, 'stocks').errors.map((e) => e.code)).toEqual(['no_rows']);
  });

  it('an optional table may be empty; it may not lose most of its rows', async () => {
    const fina = 'ts_code,ann_date,end_date,revenue_ytd\n';
    const { report } = await readDatasetTables(dataset({ 'fina.csv': fina }));
    expect(report.verdict).toBe('pass');
    const rows = ['000001.SZ,2023-04-20,2023-03-31,1', '000001.SZ,x,2023-06-30,2', '600519.SH,y,2023-03-31,3'];
    const bad = await failed(readDatasetTables(dataset({ 'fina.csv': `${fina}${rows.join('\n')}\n` })));
    expect(table(bad, 'fina').errors.map((e) => [e.code, e.message])).toEqual([
      [
        'most_rows_rejected',
        'fina.csv: 2 of 3 rows (67%) were rejected (2 unparsable_date); a table that loses more than 50% of its rows is unusable; first: fina.csv:3, column `ann_date`: `x` is not a date (expected YYYY-MM-DD or YYYYMMDD)',
      ],
    ]);
  });
});

describe('rows naming stocks missing from `stocks`', () => {
  it('are rejected as unknown_asset (not left to the loader to drop), counted', async () => {
    const dir = dataset({ 'daily.csv': `${DAILY}300750.SZ,2023-01-04,1,1,1,1,1\n` });
    const { report, tables } = await readDatasetTables(dir);
    const daily = table(report, 'daily');
    expect(daily.rejectedByReason).toEqual({ unknown_asset: 1 });
    expect(daily.problems.map((p) => p.message)).toEqual(['daily.csv:6, column `ts_code`: `300750.SZ` is not a stock of `stocks`']);
    expect(cells(tables.get('daily')!, 'ts_code')).toEqual(['000001.SZ', '000001.SZ', '600519.SH', '600519.SH']);
    expect(report.rejectedTotal).toBe(1);
  });

  it('codes that cannot be matched (bare 000001 against 000001.SZ): an error naming both styles', async () => {
    const rows = DAILY_ROWS.map((r) => r.replace(/^(\d{6})\.(SZ|SH)/, '$1'));
    const report = await failed(readDatasetTables(dataset({ 'daily.csv': `${DAILY_HEADER}\n${rows.join('\n')}\n` })));
    const [error] = table(report, 'daily').errors;
    expect(error!.code).toBe('no_rows');
    expect(error!.message).toBe(
      'daily.csv: all 4 rows were rejected (4 unknown_asset); `daily` is required; first: daily.csv:2, column `ts_code`: `000001` is not a stock of `stocks` (`stocks` has codes like `000001.SZ`)',
    );
  });

  it('index tables may name stocks outside the master: not rejected', async () => {
    const members = 'index_code,ts_code,in_date,out_date\n000300.SH,000001.SZ,2005-04-08,\n000300.SH,000002.SZ,2005-04-08,2010-01-01\n';
    const { report } = await readDatasetTables(dataset({ 'index_members.csv': members }));
    expect(table(report, 'index_members')).toMatchObject({ rowsKept: 2, rejected: 0 });
  });
});

describe('maxRejected: the rejected rows the verdict accepts', () => {
  // 3 calendar + 2 stocks + 5 daily rows read, one daily row rejected.
  const oneBad = () => dataset({ 'daily.csv': `${DAILY}600519.SH,2023-01-05,1,1,1,abc,1\n` });

  it('unlimited by default (loadDataset too), 0 refuses any, counts and percentages', async () => {
    const dir = oneBad();
    const { report } = await readDatasetTables(dir);
    expect(report).toMatchObject({ usable: true, verdict: 'pass', rowsRead: 10, rowsKept: 9, rejectedTotal: 1, maxRejected: 'unlimited', allowedRejected: null });
    await loadDataset(dir);

    const refused = await failed(readDatasetTables(dir, { maxRejected: 0 }));
    expect(refused).toMatchObject({ usable: true, allowedRejected: 0, maxRejected: '0' });
    expect(refused.failures).toEqual(['1 row was rejected (1 unparsable_number), more than the 0 allowed (max rejected `0`)']);
    const error = await rejection(loadDataset(dir, { maxRejected: 0 }));
    expect(error.message).toBe(`dataset \`${dir}\` failed validation:\n  - 1 row was rejected (1 unparsable_number), more than the 0 allowed (max rejected \`0\`)`);

    expect((await readDatasetTables(dir, { maxRejected: 1 })).report.verdict).toBe('pass');
    // 10 % of 10 rows read = 1 row allowed; 9.9 % = 0.99, rounded down to 0.
    expect((await readDatasetTables(dir, { maxRejected: '10%' })).report.allowedRejected).toBe(1);
    expect((await failed(readDatasetTables(dir, { maxRejected: '9.9%' }))).allowedRejected).toBe(0);
  });

  it('parses N, P% and unlimited, and refuses anything else naming the option', () => {
    expect(parseRejectedLimit('12')).toEqual({ text: '12', rows: 12 });
    expect(parseRejectedLimit(' 0.5% ')).toEqual({ text: '0.5%', share: 0.5 });
    expect(parseRejectedLimit(Infinity)).toEqual({ text: 'unlimited', rows: Infinity });
    expect(parseRejectedLimit('unlimited')).toEqual({ text: 'unlimited', rows: Infinity });
    for (const bad of ['-1', '1.5', '101%', 'abc', '', '%'] as const) {
      let error: unknown;
      try {
        parseRejectedLimit(bad, '--max-rejected');
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'FK_INVALID_ARGUMENT', message: `--max-rejected: expected a number of rows (\`12\`) or a share of the rows read (\`0.5%\`, at most 100%), got \`${bad}\`` });
    }
  });

  it('validateDataset returns the report whatever the verdict', async () => {
    const report = await validateDataset(oneBad(), { maxRejected: 0 });
    expect(report.verdict).toBe('fail');
    expect(report.calendar).toEqual({ first: '2023-01-03', last: '2023-01-05', days: 3 });
    expect(report.assets).toBe(2);
  });
});

describe('extra columns the format does not name', () => {
  it('a text column in daily is skipped whole and reported once; no row is lost (all were before)', async () => {
    const rows = DAILY_ROWS.map((r, i) => `${r},${i === 1 ? '' : `note ${i}`}`);
    const { report, tables } = await readDatasetTables(dataset({ 'daily.csv': `${DAILY_HEADER},comment\n${rows.join('\n')}\n` }));
    const daily = table(report, 'daily');
    expect(daily).toMatchObject({ rowsKept: 4, rejected: 0 });
    expect(daily.extraColumns).toEqual([
      {
        name: 'comment',
        action: 'skipped',
        nonNumeric: 3,
        line: 2,
        value: 'note 0',
        message: 'daily.csv:2, column `comment`: not in the format and not numeric (`note 0`; 3 such cells); the column was skipped, its rows kept',
      },
    ]);
    expect(tables.get('daily')!.columns.has('comment')).toBe(false);
  });

  it('a numeric one is kept as numbers; one with a single text cell is skipped; ignored ones are listed', async () => {
    const rows = DAILY_ROWS.map((r, i) => `${r},${i + 0.5},${i === 3 ? 'n/a' : i}`);
    const index = 'index_code,trade_date,close,source\n000300.SH,2023-01-03,3900,csindex\n';
    const { report, tables } = await readDatasetTables(dataset({ 'daily.csv': `${DAILY_HEADER},my_factor,other\n${rows.join('\n')}\n`, 'index_daily.csv': index }));
    expect(table(report, 'daily').extraColumns.map((c) => [c.name, c.action, c.nonNumeric, c.line])).toEqual([
      ['my_factor', 'kept', undefined, undefined],
      ['other', 'skipped', 1, 5],
    ]);
    expect(cells(tables.get('daily')!, 'my_factor')).toEqual([0.5, 1.5, 2.5, 3.5]);
    expect(table(report, 'index_daily').extraColumns.map((c) => [c.name, c.action])).toEqual([['source', 'ignored']]);
  });
});

describe('text that is not UTF-8 (a GBK file)', () => {
  // 银行 in GBK: D2 F8 D0 D0 (in UTF-8 it would be E9 93 B6 E8 A1 8C).
  const gbk = (text: string): Uint8Array => {
    const parts = text.split('银行');
    const out: number[] = [];
    parts.forEach((part, i) => {
      if (i > 0) out.push(0xd2, 0xf8, 0xd0, 0xd0);
      out.push(...Buffer.from(part, 'ascii'));
    });
    return Uint8Array.from(out);
  };
  const industry = 'ts_code,in_date,out_date,l1_name\n000001.SZ,2021-07-30,,银行\n600519.SH,2021-07-30,,食品\n'.replace('食品', 'food');

  it('is refused with the file, line and column, and a hint (it became ���� before)', async () => {
    const dir = dataset({ 'industry.csv': gbk(industry) });
    const report = await failed(readDatasetTables(dir));
    expect(table(report, 'industry').errors).toEqual([
      {
        severity: 'error',
        code: 'bad_encoding',
        table: 'industry',
        file: path.join(dir, 'industry.csv'),
        line: 2,
        column: 'l1_name',
        value: '\uFFFD\uFFFD\uFFFD\uFFFD',
        message:
          'industry.csv:2, column `l1_name`: `\uFFFD\uFFFD\uFFFD\uFFFD` is not valid UTF-8; the file may be GBK (the default of Chinese Excel): save it as UTF-8, or read it with encoding `gbk`',
      },
    ]);
  });

  it('is decoded with encoding: gbk (csv and csv.gz), the UTF-8 files of the dataset being ASCII', async () => {
    for (const name of ['industry.csv', 'industry.csv.gz']) {
      const { tables } = await readDatasetTables(dataset({ [name]: gbk(industry) }), { encoding: 'gbk' });
      expect(cells(tables.get('industry')!, 'l1_name')).toEqual(['银行', 'food']);
    }
  });

  it('with encoding: gbk, reads a UTF-8 file of the same folder as UTF-8 (no mojibake) and names the GBK ones', async () => {
    // stocks.csv in UTF-8 with Chinese names, industry.csv in GBK: a folder half re-saved by Excel.
    const stocks = 'ts_code,name\n000001.SZ,平安银行\n600519.SH,贵州茅台\n';
    const dir = dataset({ 'stocks.csv': stocks, 'industry.csv': gbk(industry) });
    const { tables, report } = await readDatasetTables(dir, { encoding: 'gbk' });
    expect(cells(tables.get('stocks')!, 'name')).toEqual(['平安银行', '贵州茅台']);
    expect(cells(tables.get('industry')!, 'l1_name')).toEqual(['银行', 'food']);
    expect(table(report, 'stocks').decodedFrom).toBeUndefined();
    expect(table(report, 'industry').decodedFrom).toBe('gbk');
    expect(formatLoadSummary(report)).toContain('decoded 1 file from GBK (industry.csv)');
  });

  it('a GBK header is refused at line 1', async () => {
    const report = await failed(readDatasetTables(dataset({ 'industry.csv': gbk('ts_code,in_date,out_date,l1_name,银行\n000001.SZ,2021-07-30,,x,y\n') })));
    expect(table(report, 'industry').errors.map((e) => [e.code, e.line])).toEqual([['bad_encoding', 1]]);
  });

  it('a genuine U+FFFD in UTF-8 text is not an encoding error', async () => {
    const { tables } = await readDatasetTables(dataset({ 'industry.csv': industry.replace('银行', 'bank\uFFFD') }));
    expect(cells(tables.get('industry')!, 'l1_name')).toEqual(['bank\uFFFD', 'food']);
  });

  it('refuses an unknown encoding', async () => {
    const error = await rejection(readDatasetTables(dataset(), { encoding: 'latin9' as 'gbk' }));
    expect(error).toMatchObject({ code: 'FK_INVALID_ARGUMENT', message: 'encoding: expected one of utf-8, gbk, got `latin9`' });
  });
});

describe('security codes in other styles are normalised to 600519.SH', () => {
  it('daily in .XSHE/.XSHG and prefix styles against stocks in .SZ/.SH: every row kept (every price was dropped before)', async () => {
    const daily = [
      DAILY_HEADER,
      '000001.XSHE,2023-01-03,10,11,9,10.5,100',
      'sz000001,2023-01-04,10.5,11,10,10.8,200',
      '600519.XSHG,2023-01-03,1700,1710,1690,1705,50',
      'SH600519,2023-01-04,1705,1720,1700,1715,60',
      'sh.600519,2023-01-05,1715,1720,1700,1710,60',
      '',
    ].join('\n');
    const members = 'index_code,ts_code,in_date,out_date\n000300.XSHG,600519.sh,2005-04-08,\n';
    const { report, tables } = await readDatasetTables(dataset({ 'daily.csv': daily, 'index_members.csv': members }));
    expect(report.rejectedTotal).toBe(0);
    expect(cells(tables.get('daily')!, 'ts_code')).toEqual(['000001.SZ', '000001.SZ', '600519.SH', '600519.SH', '600519.SH']);
    expect(table(report, 'daily').normalisedCodes).toEqual([
      { column: 'ts_code', style: 'mic', cells: 2, example: '000001.XSHE' },
      { column: 'ts_code', style: 'prefix', cells: 3, example: 'sz000001' },
    ]);
    expect(table(report, 'index_members').normalisedCodes).toEqual([
      { column: 'index_code', style: 'mic', cells: 1, example: '000300.XSHG' },
      { column: 'ts_code', style: 'lowercase', cells: 1, example: '600519.sh' },
    ]);
    expect(cells(tables.get('index_members')!, 'index_code')).toEqual(['000300.SH']);
    const { dataset: store } = await loadDataset(report.dir);
    expect(store.panel('close').column(store.assets.indexOf('600519.SH'))).toEqual(Float64Array.from([1705, 1715, 1710]));
  });

  it('the same stock in two styles on one date is a duplicate key', async () => {
    const { report } = await readDatasetTables(dataset({ 'daily.csv': `${DAILY}600519.XSHG,2023-01-04,1,1,1,1,1\n` }));
    expect(table(report, 'daily').problems.map((p) => p.message)).toEqual([
      'daily.csv:6: duplicate key ts_code `600519.SH`, trade_date `2023-01-04` (first on line 5); the later row is rejected',
    ]);
  });
});

describe('data warnings: faults in kept rows, with file and line', () => {
  const header = 'ts_code,trade_date,open,high,low,close,pre_close,pct_chg,volume';
  const rows = [
    '000001.SZ,2023-01-03,10,11,9,10.5,12,39.85,100', // line 2: first row of the stock, pct_chg not checked
    '000001.SZ,2023-01-04,10.5,10,11,10.8,10.5,2.857,200', // line 3: high < low
    '000001.SZ,2023-01-05,12,12.5,10,11,10.8,1.85,200', // line 4: fine (pct 1.85 = 11/10.8 − 1)
    '600519.SH,2023-01-03,1700,1710,1690,1705,1700,0.29,50', // line 5: fine
    '600519.SH,2023-01-04,1725,1720,1700,1715,1705,0.59,60', // line 6: open above high
    '600519.SH,2023-01-05,1715,1720,1700,1710,1715,5.5,60', // line 7: pct_chg 5.5 vs −0.29
  ];
  const fina = 'ts_code,ann_date,end_date,revenue_ytd\n000001.SZ,2023-04-20,2023-03-31,1\n600519.SH,2023-03-01,2023-03-31,2\n';

  it('are counted by code with examples, and fail the verdict only with strict', async () => {
    const dir = dataset({ 'daily.csv': `${header}\n${rows.join('\n')}\n`, 'fina.csv': fina });
    const { report } = await readDatasetTables(dir);
    expect(report.verdict).toBe('pass');
    const daily = table(report, 'daily');
    expect(daily.rowsKept).toBe(6);
    expect(daily.warningsByCode).toEqual({ high_below_low: 1, price_outside_range: 1, pct_chg_mismatch: 1 });
    expect(daily.warnings.map((w) => [w.code, w.line, w.column, w.message])).toEqual([
      ['high_below_low', 3, 'high', 'daily.csv:3 (000001.SZ 2023-01-04): high `10` is below low `11`'],
      ['price_outside_range', 6, 'open', 'daily.csv:6 (600519.SH 2023-01-04): open `1725` is outside [low `1700`, high `1720`]'],
      [
        'pct_chg_mismatch',
        7,
        'pct_chg',
        'daily.csv:7 (600519.SH 2023-01-05): pct_chg `5.5` contradicts close / pre_close: (`1710` / `1715` − 1) × 100 = -0.29, 5.79 percentage points apart (more than 5)',
      ],
    ]);
    expect(table(report, 'fina').warnings.map((w) => w.message)).toEqual([
      'fina.csv:3 (600519.SH 2023-03-31): ann_date `2023-03-01` is before end_date `2023-03-31`: the report would be used before its period ends (a look-ahead in the data)',
    ]);
    expect(report.warningTotal).toBe(4);

    const strict = await failed(readDatasetTables(dir, { strict: true }));
    expect(strict.usable).toBe(true);
    expect(strict.failures).toEqual(['4 data warnings (1 high_below_low, 1 price_outside_range, 1 pct_chg_mismatch, 1 announced_before_period_end), errors in strict mode']);
  });
});

describe('formatLoadSummary: one line for every command that loads a dataset', () => {
  it('names rejections, warnings, normalised codes, skipped columns and notes; the report is plain JSON', async () => {
    const daily = [
      `${DAILY_HEADER},comment`,
      '000001.XSHE,2023-01-03,10,11,9,10.5,100,a',
      '000001.SZ,2023-01-04,10.5,10,11,10.8,200,b',
      '600519.SH,2023-01-03,1700,1710,1690,abc,50,c',
      '600519.SH,2023-01-04,1705,1720,1700,1715,60,d',
      '600519.SH,2023-01-05,1705,1720,1700,1715,60,e',
      '300750.SZ,2023-01-05,1,1,1,1,1,f',
      '',
    ].join('\n');
    const dir = dataset({ 'daily.csv': daily, 'index_daily.csv': 'index_code,trade_date,close\n000300.SH,2023-01-03,3900\n000300.SH,2023-01-05,3910\n' });
    const { report, notes } = await loadDataset(dir);
    const name = path.basename(dir);
    // 3 + 2 + 4 + 2 rows kept in 4 tables.
    expect(formatLoadSummary(report, notes)).toBe(
      `loaded ${name}: 4 tables, 11 rows; rejected 2 rows (daily: 1 unparsable_number, 1 unknown_asset); 1 data warning (daily: 1 high_below_low); normalised 1 security code to 600519.SH style (daily.ts_code: 1 like 000001.XSHE); skipped 1 text column not in the format (daily.comment)`,
    );
    const unusable = await validateDataset(dataset({ 'daily.csv': `${DAILY_HEADER}\n` }));
    expect(formatLoadSummary(unusable)).toMatch(/^read case-\d+, UNUSABLE \(1 error\): 2 tables, 5 rows; nothing rejected$/);
    const clean = await loadDataset(dataset());
    expect(formatLoadSummary(clean.report, clean.notes)).toMatch(/^loaded case-\d+: 3 tables, 9 rows; nothing rejected$/);
    const withNote = formatLoadSummary(clean.report, [{ table: 'daily', code: 'approximation', count: 7, message: 'raw_close approximated on 7 stock-days' }]);
    expect(withNote).toMatch(/; 1 note \(daily: 7 approximation\)$/);
    const details = formatLoadDetails(report, [{ table: 'daily', code: 'approximation', count: 7, message: 'raw_close approximated on 7 stock-days' }]);
    expect(details).toContain('    warning high_below_low: 1');
    expect(details).toContain('    ts_code: 1 code like `000001.XSHE` normalised to `000001.SZ`');
    expect(details.endsWith('notes:\n  - daily: raw_close approximated on 7 stock-days')).toBe(true);
    const json = { report, notes };
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('Parquet: the same rules', () => {
  it('an extra text column is skipped, codes are normalised, unknown stocks rejected', async () => {
    const { tableFromColumns, writeTable } = await import('../src/index.js');
    const dir = dataset({ 'daily.csv': null });
    await writeTable(
      path.join(dir, 'daily.parquet'),
      tableFromColumns('daily', {
        ts_code: { type: 'string', values: ['000001.XSHE', '000001.SZ', '600519.SH', '688001.SH'] },
        trade_date: { type: 'date', values: ['2023-01-03', '2023-01-04', '2023-01-03', '2023-01-03'] },
        open: { type: 'number', values: [10, 10, 10, 10] },
        high: { type: 'number', values: [11, 11, 11, 11] },
        low: { type: 'number', values: [9, 9, 9, 9] },
        close: { type: 'number', values: [10, 10, 10, 10] },
        comment: { type: 'string', values: ['a', undefined, 'b', 'c'] },
      }),
    );
    const { report, tables } = await readDatasetTables(dir);
    const daily = table(report, 'daily');
    expect(daily.rejectedByReason).toEqual({ unknown_asset: 1 });
    expect(daily.extraColumns.map((c) => [c.name, c.action, c.nonNumeric, c.line])).toEqual([['comment', 'skipped', 3, 1]]);
    expect(daily.normalisedCodes).toEqual([{ column: 'ts_code', style: 'mic', cells: 1, example: '000001.XSHE' }]);
    expect(cells(tables.get('daily')!, 'ts_code')).toEqual(['000001.SZ', '000001.SZ', '600519.SH']);
  });
});

describe('writeDatasetFolder: a whole dataset, atomically', () => {
  it('replaces a dataset in another format (both were left before), refuses files and foreign folders', async () => {
    const { readDatasetTables: read, writeDatasetFolder } = await import('../src/index.js');
    const source = dataset();
    const { tables } = await read(source);
    const out = path.join(root, 'written');
    await writeDatasetFolder(out, tables, { format: 'csv.gz' });
    expect(readdirSync(out).sort()).toEqual(['calendar.csv.gz', 'daily.csv.gz', 'stocks.csv.gz']);
    const files = await writeDatasetFolder(out, tables, { format: 'parquet' });
    expect(readdirSync(out).sort()).toEqual(['calendar.parquet', 'daily.parquet', 'stocks.parquet']);
    expect(files).toEqual(['calendar', 'stocks', 'daily'].map((t) => path.join(out, `${t}.parquet`)));
    expect((await read(out)).report.verdict).toBe('pass');
    // No temporary left beside it.
    expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);

    const file = path.join(root, 'a-file');
    writeFileSync(file, 'x');
    expect(await rejection(writeDatasetFolder(file, tables, { format: 'csv', what: '--out' }))).toMatchObject({
      code: 'FK_INVALID_ARGUMENT',
      message: `--out: cannot write \`${file}\`: it is a file, not a folder`,
    });
    const foreign = path.join(root, 'photos');
    mkdirSync(foreign);
    writeFileSync(path.join(foreign, 'cat.jpg'), 'x');
    expect(await rejection(writeDatasetFolder(foreign, tables, { format: 'csv', what: '--out' }))).toMatchObject({
      code: 'FK_INVALID_ARGUMENT',
      message: `--out: \`${foreign}\` is not empty and not a dataset folder (it holds \`cat.jpg\`); give a new or empty folder, or a dataset folder to replace`,
    });
    expect(readdirSync(foreign)).toEqual(['cat.jpg']);
  });

  it('a write that fails half-way leaves the old dataset as it was, and no temporary', async () => {
    const { readDatasetTables: read, tableFromColumns, writeDatasetFolder } = await import('../src/index.js');
    const { tables } = await read(dataset());
    const out = path.join(root, 'kept');
    await writeDatasetFolder(out, tables, { format: 'csv' });
    // Refused before any work: a table that cannot be written.
    const bad = new Map(tables);
    bad.set('fina', tableFromColumns('fina', { revenue_ytd: { type: 'number', values: [Infinity] } }));
    expect((await rejection(writeDatasetFolder(out, bad, { format: 'parquet' }))).code).toBe('FK_INVALID_DATA');
    // Failing after three tables were written (the fourth's columns cannot be read a second time).
    const fina = tableFromColumns('fina', { revenue_ytd: { type: 'number', values: [1] } });
    let reads = 0;
    const failing = {
      name: 'fina',
      rowCount: 1,
      get columns() {
        if (++reads > 1) throw new Error('disk full');
        return fina.columns;
      },
    };
    const error = await rejection(writeDatasetFolder(out, [...tables.values(), failing], { format: 'parquet' }));
    expect(error.message).toContain('disk full');
    expect(readdirSync(out).sort()).toEqual(['calendar.csv', 'daily.csv', 'stocks.csv']);
    expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});
