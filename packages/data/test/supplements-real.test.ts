import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataValidationError, type Dataset, type DatasetReport, type Table, dateColumn, loadDataset, numberColumn, reportErrors, stringColumn } from '../src/index.js';
import { cells, put, rejection, tempDir } from './io-helpers.js';

/**
 * Real data (issue 12): the fund tables of `../shared/data/cn-funds` (no market of their own)
 * combined with the market of `../shared/data/cn-csi1000`, the figures of both README cards;
 * and a hand-made supplement that disagrees with that market, refused. Slow (reads 1.7 M daily
 * rows and 0.55 M holdings).
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MARKET = path.resolve(repoRoot, '../shared/data/cn-csi1000');
const FUNDS = path.resolve(repoRoot, '../shared/data/cn-funds');
const SLOW = 300_000;

describe('cn-csi1000 with cn-funds (slow, real data)', () => {
  let dataset: Dataset;
  let report: DatasetReport;

  beforeAll(async () => {
    ({ dataset, report } = await loadDataset(MARKET, { with: [FUNDS] }));
  }, SLOW);

  it('is usable; the fund tables have the rows of the cn-funds card (553,389 holdings kept, 6 rejected)', () => {
    expect(report.usable).toBe(true);
    expect(report.verdict).toBe('pass');
    expect(report.tables.map((t) => [t.table, path.dirname(t.file), t.rowsRead, t.rowsKept, t.rejected])).toEqual([
      ['calendar', MARKET, 1049, 1049, 0],
      ['stocks', MARKET, 1632, 1632, 0],
      ['daily', MARKET, 1_666_904, 1_666_904, 0],
      ['index_members', MARKET, 2968, 2968, 0],
      ['index_daily', MARKET, 5245, 5245, 0],
      ['funds', FUNDS, 2959, 2959, 0],
      ['fund_holdings', FUNDS, 553_395, 553_389, 6],
    ]);
    const holdings = report.tables.find((t) => t.table === 'fund_holdings')!;
    // The card: the 6 rows of 008895 on 2021-06-30 with weights above 100, lines 238743–238748.
    expect(holdings.rejectedByReason).toEqual({ out_of_range: 6 });
    expect(holdings.problems.map((p) => p.line)).toEqual([238_743, 238_744, 238_745, 238_746, 238_747, 238_748]);
    expect(report.folders!.map((f) => [f.role, f.dir, f.tables, f.rowsKept, f.rejectedTotal])).toEqual([
      ['main', MARKET, ['calendar', 'stocks', 'daily', 'index_members', 'index_daily'], 1_677_798, 0],
      ['supplement', FUNDS, ['funds', 'fund_holdings'], 2959 + 553_389, 6],
    ]);
    expect(report.folders![1]!.unknownFiles).toEqual(['README.md', 'enhanced_index_funds.csv']);
  });

  it('keeps the funds columns the fund rules need: invest_type counts and a published benchmark as on the card', () => {
    const funds = dataset.tables.get('funds')!;
    const invest = new Map<string, number>();
    for (const v of cells(funds, 'invest_type')) invest.set(String(v), (invest.get(String(v)) ?? 0) + 1);
    expect(Object.fromEntries(invest)).toEqual({ 混合型: 1973, 灵活配置型: 438, 股票型: 310, 增强指数型: 125, 被动指数型: 105, 普通股票型: 3, 平衡型: 3, 成长型: 1, 股债配置型: 1 });
    const row = cells(funds, 'fund_code').indexOf('003760');
    expect(cells(funds, 'benchmark')[row]).toBe('中证500指数收益率*95%+同期银行活期存款利率(税后)*5%');
    expect(cells(funds, 'bench_equity_pct')[row]).toBe(95);
    expect(cells(funds, 'invest_type')[row]).toBe('增强指数型');
  });

  it('keeps the holdings columns: the card’s first row, 1,160 empty sizes, 378,421 rows of portfolios counted once', () => {
    const h: Table = dataset.tables.get('fund_holdings')!;
    expect(['mkv', 'fund_size_100m', 'fund_stock_pct', 'portfolio_group'].map((c) => h.columns.has(c))).toEqual([true, true, true, true]);
    // 000001,2021-01-22,2020-12-31,601318.SH,6.04,290520000,1,48.1,75.28,华夏成长混合,000001
    expect(['fund_code', 'ann_date', 'end_date', 'ts_code', 'weight', 'mkv', 'fund_size_100m', 'fund_stock_pct', 'portfolio_group'].map((c) => cells(h, c)[0])).toEqual([
      '000001',
      20210122,
      20201231,
      '601318.SH',
      6.04,
      290_520_000,
      48.1,
      75.28,
      '000001',
    ]);
    expect(numberColumn(h, 'fund_size_100m').filter(Number.isNaN).length).toBe(1160);
    // The card's 378,427 rows with fund_code == portfolio_group, less the 6 rejected rows of 008895 (its own group).
    const codes = cells(h, 'fund_code');
    const groups = cells(h, 'portfolio_group');
    expect(codes.filter((c, r) => c === groups[r]).length).toBe(378_421);
  });

  it('is usable together: holdings name market stocks, and later disclosure dates are market trading days', () => {
    const h = dataset.tables.get('fund_holdings')!;
    const held = new Set(stringColumn(h, 'ts_code').dictionary);
    // 1,311 of the 3,186 stocks held are in cn-csi1000's stock list (counted with comm on the files).
    expect(held.size).toBe(3186);
    expect(dataset.assets.filter((a) => held.has(a)).length).toBe(1311);
    // ann_date is the 15th trading day after end_date (cn-funds card): the five from 2022 on are market days.
    const days = new Set(dataset.dates);
    const ann = [...new Set(dateColumn(h, 'ann_date'))].sort();
    expect(ann.filter((d) => days.has(d))).toEqual([20220124, 20220425, 20220721, 20221028, 20230130]);
    expect(dataset.field('close').values.length).toBeGreaterThan(0);
  });
});

describe('a supplement that disagrees with cn-csi1000 is refused (slow, real data)', () => {
  it('names the calendar days and the bare codes', async () => {
    const dir = path.join(tempDir('fk-with-real-'), 'vendor');
    mkdirSync(dir);
    // Natural days: the weekend 2022-01-08/09 is not in the market's calendar.
    put(dir, 'calendar.csv', 'trade_date\n2022-01-04\n2022-01-05\n2022-01-06\n2022-01-07\n2022-01-08\n2022-01-09\n2022-01-10\n');
    put(dir, 'funds.csv', 'fund_code,name,fund_type,benchmark\n000001,某中证1000指数增强A,index_enhanced,95% 000852.SH + 5% deposit\n');
    put(dir, 'fund_holdings.csv', 'fund_code,ann_date,end_date,ts_code,weight\n000001,2022-01-24,2021-12-31,600519,2.5\n000001,2022-01-24,2021-12-31,000001,2\n000001,2022-01-24,2021-12-31,300750,1.5\n000001,2022-01-24,2021-12-31,601012,1\n');
    const error = await rejection(loadDataset(MARKET, { with: [dir] }));
    expect(error).toBeInstanceOf(DataValidationError);
    const messages = reportErrors((error as DataValidationError).report).map((e) => e.message);
    expect(messages).toEqual([
      `supplementary folder \`${dir}\`: its calendar \`${path.join(dir, 'calendar.csv')}\` differs from the market calendar \`${path.join(MARKET, 'calendar.csv')}\` between 2022-01-04 and 2022-01-10: 2 trading days only in \`calendar.csv\` (\`2022-01-08\`, \`2022-01-09\`). Its tables are checked against the market calendar, so the two must be the same trading days`,
      `fund_holdings.csv, column \`ts_code\`: 4 codes are bare six-digit codes (\`600519\`, \`000001\`, \`300750\`, …), but \`stocks\` (\`${path.join(MARKET, 'stocks.csv')}\`) writes them with a suffix (\`000006.SZ\`); write them like those of \`stocks\``,
    ]);
    expect(error.message.split('\n')[0]).toBe(`dataset \`${MARKET}\` with \`${dir}\` is unusable: 2 errors:`);
  }, SLOW);
});
