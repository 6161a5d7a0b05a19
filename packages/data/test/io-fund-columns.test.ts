import { describe, expect, it } from 'vitest';
import { TABLES, readTable } from '../src/index.js';
import { cells, put, tempDir } from './io-helpers.js';

/**
 * Issue 12: the fund tables keep the columns the fund rules need (size, stock allocation,
 * share-class group, the source's investment type and the benchmark's equity weight) when a
 * file has them, and files without them still load. They used to be ignored.
 */
const dir = tempDir('fk-io-funds-');

describe('funds: invest_type and bench_equity_pct', () => {
  it('keeps both, typed, with the published benchmark text as written', async () => {
    const file = put(
      dir,
      'funds.csv',
      [
        'fund_code,ts_code,name,fund_type,benchmark,inception_date,management,invest_type,bench_equity_pct',
        '003760,003760.OF,国泰中证500指数增强A,index_enhanced,中证500指数收益率*95%+同期银行活期存款利率(税后)*5%,2017-08-01,国泰基金,增强指数型,95',
        '008895,008895.OF,申万菱信量化对冲策略灵活配置混合,other,同期银行活期存款利率(税后),2020-03-10,申万菱信基金,混合型,0',
        '012345,012345.OF,合成基金,active_equity,"80% 000300.SH + 20% deposit",,,,',
      ].join('\n'),
    );
    const { table, report } = await readTable(file, TABLES.funds!);
    expect(report.errors).toEqual([]);
    expect(report.rejected).toBe(0);
    expect([...table.columns.keys()]).toEqual(['fund_code', 'name', 'fund_type', 'benchmark', 'inception_date', 'invest_type', 'bench_equity_pct']);
    expect(cells(table, 'invest_type')).toEqual(['增强指数型', '混合型', undefined]);
    expect(cells(table, 'bench_equity_pct')).toEqual([95, 0, Number.NaN]);
    expect(cells(table, 'benchmark')).toEqual(['中证500指数收益率*95%+同期银行活期存款利率(税后)*5%', '同期银行活期存款利率(税后)', '80% 000300.SH + 20% deposit']);
    // Still ignored: the columns the format does not name.
    expect(report.extraColumns.filter((c) => c.action === 'ignored').map((c) => c.name)).toEqual(['ts_code', 'management']);
  });

  it('rejects a benchmark equity weight outside [0, 100]', async () => {
    const file = put(dir, 'funds-range.csv', 'fund_code,fund_type,bench_equity_pct\n000001,active_equity,101\n000002,active_equity,-1\n000003,other,60\n');
    const { table, report } = await readTable(file, TABLES.funds!);
    expect(report.rejectedByReason).toEqual({ out_of_range: 2 });
    expect(cells(table, 'fund_code')).toEqual(['000003']);
  });

  it('loads a file without the new columns as before', async () => {
    const file = put(dir, 'funds-old.csv', 'fund_code,name,fund_type,benchmark\n000001.OF,某指数增强A,index_enhanced,000905.SH\n');
    const { table, report } = await readTable(file, TABLES.funds!);
    expect(report.errors).toEqual([]);
    expect([...table.columns.keys()]).toEqual(['fund_code', 'name', 'fund_type', 'benchmark']);
    expect(cells(table, 'benchmark')).toEqual(['000905.SH']);
  });
});

describe('fund_holdings: mkv, fund_size_100m, fund_stock_pct, portfolio_group', () => {
  it('keeps them, including negative sizes and allocations above 100 % (real sources have both)', async () => {
    const file = put(
      dir,
      'fund_holdings.csv',
      [
        'fund_code,ann_date,end_date,ts_code,weight,mkv,rank,fund_size_100m,fund_stock_pct,fund_name,portfolio_group',
        '000001,2021-01-22,2020-12-31,601318.SH,6.04,290520000,1,48.1,75.28,华夏成长混合,000001',
        '000002,2021-01-22,2020-12-31,601318.SH,6.04,-1000,1,-0.01,100.47,华夏成长混合C,000001',
        '000003,2021-01-22,2020-12-31,600519.SH,5,,1,,,,',
      ].join('\n'),
    );
    const { table, report } = await readTable(file, TABLES.fund_holdings!);
    expect(report.errors).toEqual([]);
    expect(report.rejected).toBe(0);
    expect([...table.columns.keys()]).toEqual(['fund_code', 'ann_date', 'end_date', 'ts_code', 'weight', 'mkv', 'fund_size_100m', 'fund_stock_pct', 'portfolio_group']);
    expect(cells(table, 'mkv')).toEqual([290_520_000, -1000, Number.NaN]);
    expect(cells(table, 'fund_size_100m')).toEqual([48.1, -0.01, Number.NaN]);
    expect(cells(table, 'fund_stock_pct')).toEqual([75.28, 100.47, Number.NaN]);
    expect(cells(table, 'portfolio_group')).toEqual(['000001', '000001', undefined]);
    expect(report.extraColumns.filter((c) => c.action === 'ignored').map((c) => c.name)).toEqual(['rank', 'fund_name']);
  });

  it('loads a file without them as before', async () => {
    const file = put(dir, 'fund_holdings-old.csv', 'fund_code,ann_date,end_date,ts_code,weight,shares\n000001.OF,2021-01-22,2020-12-31,601318.SH,6.04,1000\n');
    const { table, report } = await readTable(file, TABLES.fund_holdings!);
    expect(report.errors).toEqual([]);
    expect([...table.columns.keys()]).toEqual(['fund_code', 'ann_date', 'end_date', 'ts_code', 'weight', 'shares']);
  });

  it('describes each new column with its unit', () => {
    const unit = (table: string, column: string) => TABLES[table]!.columns.find((c) => c.name === column)?.unit;
    expect(unit('fund_holdings', 'fund_size_100m')).toBe('1e8 CNY');
    expect(unit('fund_holdings', 'mkv')).toBe('CNY');
    expect(unit('fund_holdings', 'fund_stock_pct')).toBe('percent');
    expect(unit('funds', 'bench_equity_pct')).toBe('percent');
    expect(TABLES.funds!.columns.find((c) => c.name === 'benchmark')!.description).toContain('95% 000905.SH + 5% deposit');
  });
});
