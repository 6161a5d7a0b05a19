import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DataValidationError,
  type DatasetReport,
  type TableReport,
  formatLoadSummary,
  formatReport,
  loadDataset,
  loadDatasetAt,
  readDatasetTables,
  reportErrors,
  validateDataset,
} from '../src/index.js';
import { cells, put, rejection, tempDir } from './io-helpers.js';

/**
 * Issue 12: a market dataset combined with folders of supplementary tables (`with`), checked
 * for agreement: one folder per table, the market from the main folder, the same calendar, and
 * codes shaped like the market's.
 */
const root = tempDir('fk-io-with-');

// Tue 3 … Fri 6 January 2023 are trading days; Sat 7 and Sun 8 are not.
const CALENDAR = 'trade_date\n2023-01-03\n2023-01-04\n2023-01-05\n2023-01-06\n';
const STOCKS = 'ts_code,exchange,board\n000001.SZ,SZ,main\n600519.SH,SH,main\n';
const DAILY = [
  'ts_code,trade_date,open,high,low,close,volume',
  '000001.SZ,2023-01-03,10,11,9,10.5,100',
  '000001.SZ,2023-01-04,10.5,11,10,10.8,200',
  '600519.SH,2023-01-03,1700,1710,1690,1705,50',
  '600519.SH,2023-01-04,1705,1720,1700,1715,60',
].join('\n');
const FUNDS = 'fund_code,name,fund_type,benchmark,invest_type,bench_equity_pct\n000001,A,index_enhanced,95% 000905.SH + 5% deposit,增强指数型,95\n000002,B,active_equity,,混合型,80\n';
const FUND_NAV = 'fund_code,trade_date,nav\n000001,2023-01-03,1.0\n000001,2023-01-04,1.01\n000002,2023-01-03,2.0\n';
const HOLDINGS = 'fund_code,ann_date,end_date,ts_code,weight,fund_size_100m,portfolio_group\n000001,2023-01-20,2022-12-31,600519.SH,5,12.5,000001\n000002,2023-01-20,2022-12-31,000001.SZ,3,4,000002\n';

let serial = 0;
/** A folder holding `files` (`null` leaves a file out). */
function folder(files: Record<string, string | null>): string {
  const dir = path.join(root, `case-${++serial}`);
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) if (content !== null) put(dir, name, content);
  return dir;
}
const market = (files: Record<string, string | null> = {}) => folder({ 'calendar.csv': CALENDAR, 'stocks.csv': STOCKS, 'daily.csv': DAILY, ...files });

async function refused(promise: Promise<unknown>): Promise<DatasetReport> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(DataValidationError);
  return (error as DataValidationError).report;
}

function table(report: DatasetReport, name: string): TableReport {
  const found = report.tables.find((t) => t.table === name);
  if (!found) throw new Error(`no report for ${name}`);
  return found;
}

describe('readDatasetTables / loadDataset with supplementary folders', () => {
  it('loads the market from the main folder and the fund tables from the supplements, and reports each folder', async () => {
    const main = market();
    const funds = folder({ 'funds.csv': FUNDS, 'fund_holdings.csv': HOLDINGS, 'README.md': '# funds' });
    const navs = folder({ 'fund_nav.csv': FUND_NAV });
    const { tables, report } = await readDatasetTables(main, { with: [funds, navs] });
    expect([...tables.keys()]).toEqual(['calendar', 'stocks', 'daily', 'funds', 'fund_nav', 'fund_holdings']);
    expect(report.tables.map((t) => [t.table, t.file])).toEqual([
      ['calendar', path.join(main, 'calendar.csv')],
      ['stocks', path.join(main, 'stocks.csv')],
      ['daily', path.join(main, 'daily.csv')],
      ['funds', path.join(funds, 'funds.csv')],
      ['fund_nav', path.join(navs, 'fund_nav.csv')],
      ['fund_holdings', path.join(funds, 'fund_holdings.csv')],
    ]);
    expect(report.folders).toEqual([
      { dir: main, role: 'main', tables: ['calendar', 'stocks', 'daily'], rowsRead: 10, rowsKept: 10, rejectedTotal: 0, warningTotal: 0, unknownFiles: [] },
      { dir: funds, role: 'supplement', tables: ['funds', 'fund_holdings'], rowsRead: 4, rowsKept: 4, rejectedTotal: 0, warningTotal: 0, unknownFiles: ['README.md'] },
      { dir: navs, role: 'supplement', tables: ['fund_nav'], rowsRead: 3, rowsKept: 3, rejectedTotal: 0, warningTotal: 0, unknownFiles: [] },
    ]);
    expect(report.unknownFiles).toEqual([path.join(funds, 'README.md')]);
    expect(cells(tables.get('funds')!, 'invest_type')).toEqual(['增强指数型', '混合型']);
    expect(cells(tables.get('fund_holdings')!, 'fund_size_100m')).toEqual([12.5, 4]);

    const text = formatReport(report);
    expect(text.split('\n')[0]).toBe(`dataset ${main} with ${funds}, ${navs}: usable`);
    expect(text).toContain(`with ${funds}: funds, fund_holdings (4 rows kept)`);
    expect(text).toContain(`${path.basename(funds)}/fund_holdings.csv`);
    expect(formatLoadSummary(report)).toBe(`loaded ${path.basename(main)} + ${path.basename(funds)} + ${path.basename(navs)}: 6 tables, 17 rows; nothing rejected`);

    const loaded = await loadDataset(main, { with: [funds, navs] });
    expect([...loaded.dataset.tables.keys()].sort()).toEqual(['fund_holdings', 'fund_nav', 'funds']);
    expect(loaded.dataset.tables.get('fund_nav')!.rowCount).toBe(3);
  });

  it('loadDatasetAt: a location (folder, supplements, encoding) loads what loadDataset of the same options loads', async () => {
    const main = market();
    const funds = folder({ 'funds.csv': FUNDS, 'fund_holdings.csv': HOLDINGS });
    const at = await loadDatasetAt({ data: main, with: [funds], encoding: 'utf-8' });
    expect(at.report.folders?.map((f) => f.dir)).toEqual([main, funds]);
    expect([...at.dataset.tables.keys()].sort()).toEqual(['fund_holdings', 'funds']);
    // Without supplements or encoding: the main folder alone.
    expect((await loadDatasetAt({ data: main })).report.folders).toBeUndefined();
    // An unknown encoding is refused by name before anything is read.
    await expect(loadDatasetAt({ data: main, encoding: 'latin-1' })).rejects.toThrow(/latin-1/);
  });

  it('reads as before without supplements: no `folders` in the report', async () => {
    const { report } = await readDatasetTables(market({ 'funds.csv': FUNDS }));
    expect(report.folders).toBeUndefined();
    expect(report.tables.map((t) => t.table)).toEqual(['calendar', 'stocks', 'daily', 'funds']);
  });

  it('refuses a table that is in two folders, naming both files', async () => {
    const main = market({ 'funds.csv': FUNDS });
    const other = folder({ 'funds.csv.gz': FUNDS });
    const report = await refused(readDatasetTables(main, { with: [other] }));
    expect(report.errors.map((e) => [e.code, e.message])).toEqual([
      ['ambiguous_file', `table \`funds\` is in 2 folders: \`${path.join(main, 'funds.csv')}\`, \`${path.join(other, 'funds.csv.gz')}\`; a table must come from one folder`],
    ]);
    // Also between two supplements.
    const a = folder({ 'fund_nav.csv': FUND_NAV });
    const b = folder({ 'fund_nav.csv': FUND_NAV });
    const second = await refused(readDatasetTables(market(), { with: [a, b] }));
    expect(second.errors[0]!.message).toContain(`\`${path.join(a, 'fund_nav.csv')}\`, \`${path.join(b, 'fund_nav.csv')}\``);
  });

  it('refuses stocks or daily in a supplementary folder: the market comes from the main folder', async () => {
    const other = folder({ 'stocks.csv': STOCKS, 'daily.csv': DAILY, 'funds.csv': FUNDS });
    const main = market();
    const report = await refused(readDatasetTables(main, { with: [other] }));
    expect(report.errors.map((e) => [e.code, e.table, e.file])).toEqual([
      ['misplaced_table', 'stocks', path.join(other, 'stocks.csv')],
      ['misplaced_table', 'daily', path.join(other, 'daily.csv')],
    ]);
    expect(report.errors[0]!.message).toBe(
      `supplementary folder \`${other}\` holds \`stocks\` (stocks.csv): the market (\`calendar\`, \`stocks\`, \`daily\`) comes from the main folder \`${main}\` only; remove the file or make that folder the main one`,
    );
    // The main folder's own tables are still the ones read.
    expect(table(report, 'stocks').file).toBe(path.join(main, 'stocks.csv'));
  });

  it('compares a supplement’s own calendar with the market’s over the days both cover, and never loads it', async () => {
    // Same days from 2023-01-03 on, more before: agrees.
    const longer = folder({ 'calendar.csv': 'trade_date\n2022-12-29\n2022-12-30\n2023-01-03\n2023-01-04\n2023-01-05\n2023-01-06\n', 'fund_nav.csv': FUND_NAV });
    const { tables, report } = await readDatasetTables(market(), { with: [longer] });
    expect(tables.get('calendar')!.rowCount).toBe(4);
    expect(report.folders![1]!.calendar).toEqual({ file: path.join(longer, 'calendar.csv'), days: 6, agrees: true });
    expect(report.folders![1]!.tables).toEqual(['fund_nav']);

    // 2023-01-05 missing, Saturday 2023-01-07 added (and the calendar ends later: compared up to 2023-01-06 only).
    const main = market();
    const other = folder({ 'calendar.csv': 'trade_date\n2023-01-03\n2023-01-04\n2023-01-06\n2023-01-07\n2023-01-09\n', 'fund_nav.csv': FUND_NAV });
    const bad = await refused(readDatasetTables(main, { with: [other] }));
    expect(bad.errors.map((e) => e.code)).toEqual(['calendar_mismatch']);
    expect(bad.errors[0]!.message).toBe(
      `supplementary folder \`${other}\`: its calendar \`${path.join(other, 'calendar.csv')}\` differs from the market calendar \`${path.join(main, 'calendar.csv')}\` between 2023-01-03 and 2023-01-06: 1 trading day only in the market's \`${path.join(main, 'calendar.csv')}\` (\`2023-01-05\`). Its tables are checked against the market calendar, so the two must be the same trading days`,
    );
    expect(bad.folders![1]!.calendar).toEqual({ file: path.join(other, 'calendar.csv'), days: 5, agrees: false });
  });

  it('rejects supplementary rows dated on days that are not trading days, counted in the supplement’s folder', async () => {
    const navs = folder({ 'fund_nav.csv': 'fund_code,trade_date,nav\n000001,2023-01-03,1.0\n000001,2023-01-04,1.01\n000001,2023-01-05,1.02\n000001,2023-01-07,1.03\n' });
    const { tables, report } = await readDatasetTables(market(), { with: [navs] });
    expect(cells(tables.get('fund_nav')!, 'trade_date')).toEqual([20230103, 20230104, 20230105]);
    expect(table(report, 'fund_nav').rejectedByReason).toEqual({ unknown_date: 1 });
    expect(table(report, 'fund_nav').problems[0]!.message).toContain('fund_nav.csv:5, column `trade_date`: `2023-01-07` is not a trading day');
    expect(report.folders!.map((f) => f.rejectedTotal)).toEqual([0, 1]);
    // A verdict that accepts no rejection fails.
    expect((await validateDataset(market(), { with: [navs], maxRejected: 0 })).verdict).toBe('fail');
  });

  it('refuses a supplement whose dates mostly fall outside the market calendar, naming the calendar and its span', async () => {
    const main = market();
    const navs = folder({ 'fund_nav.csv': 'fund_code,trade_date,nav\n000001,2022-12-29,1.0\n000001,2022-12-30,1.0\n000001,2023-01-03,1.01\n' });
    const report = await refused(readDatasetTables(main, { with: [navs] }));
    const [error] = reportErrors(report);
    expect(error!.code).toBe('most_rows_rejected');
    expect(error!.message).toContain('fund_nav.csv: 2 of 3 rows (67%) were rejected (2 unknown_date)');
    expect(error!.message).toContain(`(the market calendar \`${path.join(main, 'calendar.csv')}\` of \`${main}\` runs 2023-01-03 .. 2023-01-06)`);
  });

  it('refuses bare six-digit stock codes in a supplement when the market writes 600519.SH, with examples', async () => {
    const holdings = folder({
      'fund_holdings.csv': 'fund_code,ann_date,end_date,ts_code,weight\n000001,2023-01-20,2022-12-31,600519,5\n000001,2023-01-20,2022-12-31,000001,4\n000002,2023-01-20,2022-12-31,600519.SH,3\n',
    });
    const main = market();
    const report = await refused(readDatasetTables(main, { with: [holdings] }));
    const errors = reportErrors(report);
    expect(errors.map((e) => [e.code, e.table, e.column])).toEqual([['code_style_mismatch', 'fund_holdings', 'ts_code']]);
    expect(errors[0]!.message).toBe(
      `fund_holdings.csv, column \`ts_code\`: 2 codes are bare six-digit codes (\`600519\`, \`000001\`), but \`stocks\` (\`${path.join(main, 'stocks.csv')}\`) writes them with a suffix (\`000001.SZ\`); write them like those of \`stocks\``,
    );
    expect(table(report, 'fund_holdings').rowsKept).toBe(0);
  });

  it('normalises codes the reader knows (SH600519, 600519.XSHG) in supplements, as everywhere', async () => {
    const holdings = folder({
      'fund_holdings.csv': 'fund_code,ann_date,end_date,ts_code,weight\n000001,2023-01-20,2022-12-31,SH600519,5\n000001,2023-01-20,2022-12-31,000001.XSHE,4\n',
    });
    const { tables, report } = await readDatasetTables(market(), { with: [holdings] });
    expect(cells(tables.get('fund_holdings')!, 'ts_code')).toEqual(['600519.SH', '000001.SZ']);
    expect(table(report, 'fund_holdings').normalisedCodes.map((c) => [c.style, c.cells])).toEqual([
      ['mic', 1],
      ['prefix', 1],
    ]);
  });

  it('names the shape mismatch in a supplementary table about stocks, whose rows the master already rejected', async () => {
    const fina = folder({ 'fina.csv': 'ts_code,ann_date,end_date,net_profit_ytd\n600519,2023-01-05,2022-09-30,100\n000001,2023-01-05,2022-09-30,50\n' });
    const report = await refused(readDatasetTables(market(), { with: [fina] }));
    const errors = reportErrors(report);
    expect(errors.map((e) => e.code)).toEqual(['code_style_mismatch']);
    expect(errors[0]!.message).toContain('fina.csv, column `ts_code`: at least 2 codes are bare six-digit codes (`600519`, `000001`)');
    expect(errors[0]!.message).toContain('2 rows were already rejected as `unknown_asset`');
  });

  it('refuses fund codes shaped unlike those of a `funds` table from another folder', async () => {
    const main = market({ 'funds.csv': FUNDS.replace('000001,A', '000001.OF,A').replace('000002,B', '000002.OF,B') });
    const navs = folder({ 'fund_nav.csv': FUND_NAV });
    const report = await refused(readDatasetTables(main, { with: [navs] }));
    const errors = reportErrors(report);
    expect(errors.map((e) => [e.code, e.table, e.column])).toEqual([['code_style_mismatch', 'fund_nav', 'fund_code']]);
    expect(errors[0]!.message).toBe(
      `fund_nav.csv, column \`fund_code\`: 2 codes are bare six-digit codes (\`000001\`, \`000002\`), but \`funds\` (\`${path.join(main, 'funds.csv')}\`) writes them with a suffix (\`000001.OF\`); write them like those of \`funds\``,
    );
    // The other way round: `funds` in the supplement, `fund_nav` in the main folder.
    const suffixed = folder({ 'funds.csv': FUNDS.replace('000001,A', '000001.OF,A').replace('000002,B', '000002.OF,B') });
    const reverse = await refused(readDatasetTables(market({ 'fund_nav.csv': FUND_NAV }), { with: [suffixed] }));
    expect(reportErrors(reverse).map((e) => [e.code, e.table, e.file])).toEqual([['code_style_mismatch', 'fund_nav', expect.stringContaining('fund_nav.csv')]]);
    // The same shapes in one folder are the folder's own business: not compared.
    const together = folder({ 'funds.csv': FUNDS, 'fund_nav.csv': FUND_NAV });
    await expect(readDatasetTables(market(), { with: [together] })).resolves.toBeDefined();
  });

  it('names a supplementary folder that cannot be read', async () => {
    const missing = path.join(root, 'no-such-folder');
    const report = await refused(readDatasetTables(market(), { with: [missing] }));
    expect(report.errors.map((e) => [e.code, e.file])).toEqual([['missing_file', missing]]);
    expect(report.errors[0]!.message).toMatch(new RegExp(`^supplementary folder \`${missing}\` cannot be read: `));
  });

  it('names both folders in the error of an unusable combination', async () => {
    const main = market();
    const other = folder({ 'stocks.csv': STOCKS });
    const error = await rejection(readDatasetTables(main, { with: [other] }));
    expect(error.message.split('\n')[0]).toBe(`dataset \`${main}\` with \`${other}\` is unusable: 1 error:`);
  });

  it('refuses bad `with` options before reading anything', async () => {
    const main = market();
    const other = folder({ 'funds.csv': FUNDS });
    await expect(readDatasetTables(main, { with: [main] })).rejects.toThrow(`with[0]: \`${main}\` is the main dataset folder`);
    await expect(readDatasetTables(main, { with: [other, `${other}/`] })).rejects.toThrow(`with[1]: \`${other}/\` is given twice (also with[0])`);
    await expect(readDatasetTables(main, { with: other as unknown as string[] })).rejects.toThrow('with: expected a list of supplementary dataset folders');
    await expect(readDatasetTables(main, { with: [''] })).rejects.toMatchObject({ code: 'FK_INVALID_ARGUMENT' });
  });
});
