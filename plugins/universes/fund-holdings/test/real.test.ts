/**
 * The heavy-holdings index from the real fund holdings of ../shared/data/cn-funds (read its
 * README card), checked against an independent computation (test/heavy_holdings_check.py: the
 * CSV files read with Python's csv module, the rules in exact fractions). Slow (reads 553,395
 * holdings rows twice); runs in CI.
 */
import { type DataTable, type DateColumn, type StringColumn, intToDate } from '@factorkit/core';
import { TABLES, readTable } from '@factorkit/data';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type HeavyHoldingsIndex, heavyHoldingsIndex } from '../src/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHARED = resolve(HERE, '../../../../../shared/data');
const FUNDS = join(SHARED, 'cn-funds');

/** The disclosure dates (`ann_date`) of the nine report periods, from the card. */
const ANN_DATES = ['2021-01-22', '2021-04-22', '2021-07-21', '2021-10-28', '2022-01-24', '2022-04-25', '2022-07-21', '2022-10-28', '2023-01-30'];

async function read(file: string, table: string): Promise<DataTable> {
  const { table: read, report } = await readTable(file, TABLES[table]!);
  if (report.errors.length > 0) throw new Error(`${file}: ${report.errors.map((e) => e.message).join('; ')}`);
  return read;
}

interface Independent {
  readonly members: [string, number][];
  readonly cumulative: number;
  readonly sample: number;
  readonly portfolios: number;
  readonly excluded: { type: number; stale: number; age: number; size: number };
}

let index: HeavyHoldingsIndex;
let holdings: DataTable;
let independent: Record<string, Independent>;

beforeAll(async () => {
  if (!existsSync(FUNDS)) throw new Error(`the real fund data is missing at ${FUNDS}`);
  const calendar = await read(join(SHARED, 'cn-index/calendar.csv'), 'calendar');
  const dates = Array.from((calendar.columns.get('trade_date') as DateColumn).values, intToDate);
  const stocks = await read(join(SHARED, 'cn-csi300/stocks.csv'), 'stocks');
  const codes = stocks.columns.get('ts_code') as StringColumn;
  const assets = Array.from(codes.codes, (c) => codes.dictionary[c]!);
  holdings = await read(join(FUNDS, 'fund_holdings.csv.gz'), 'fund_holdings');
  index = heavyHoldingsIndex({ funds: await read(join(FUNDS, 'funds.csv'), 'funds'), holdings, dates, assets });
  const output = execFileSync('python3', [join(HERE, 'heavy_holdings_check.py'), FUNDS, '2021-01-22', '2022-07-21'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  independent = JSON.parse(output) as Record<string, Independent>;
}, 300_000);

describe('the heavy-holdings index from the real cn-funds holdings (data, slow)', () => {
  it('rebuilds on the nine disclosure dates, merging share classes by portfolio_group', () => {
    // 553,395 rows, of which the loader rejects the 6 of 008895 with a weight above 100.
    expect(holdings.rowCount).toBe(553_389);
    expect(index.shareClasses).toBe('portfolio_group');
    expect(index.rebuilds.map((r) => r.date)).toEqual(ANN_DATES);
    expect(index.skipped).toEqual({});
    // Fund codes with rows per period, from the card: 5,032 in the first; all classes visible by the last.
    expect(index.rebuilds[0]!.report.shareClasses).toBe(5032);
    expect(index.rebuilds[0]!.report.portfolios).toBe(3661);
  });

  for (const day of ['2021-01-22', '2022-07-21']) {
    it(`equals the independent computation on ${day}: members, weights, sample and exclusions`, () => {
      const expected = independent[day]!;
      const rebuild = index.rebuilds.find((r) => r.date === day)!;
      expect(rebuild.members.map((m) => m.code)).toEqual(expected.members.map(([code]) => code));
      rebuild.members.forEach((m, k) => expect(m.weight).toBeCloseTo(expected.members[k]![1], 12));
      expect(rebuild.report.cumulativeWeight).toBeCloseTo(expected.cumulative, 12);
      expect(rebuild.report.sample).toBe(expected.sample);
      expect(rebuild.report.portfolios).toBe(expected.portfolios);
      const { type, stale, age, size } = rebuild.report.excluded;
      expect({ type, stale, age, size }).toEqual(expected.excluded);
    });
  }

  it('every rebuild has members, reaches the cut, and counts what the CSI 300 stock list lacks', () => {
    for (const r of index.rebuilds) {
      expect(r.members.length).toBeGreaterThan(100);
      expect(r.report.cumulativeWeight).toBeGreaterThanOrEqual(0.9);
      const coverage = r.report.coverage!;
      expect(coverage.membersMapped + coverage.missingMembers.length).toBe(r.members.length);
      expect(coverage.missingMembers.length).toBeGreaterThan(0);
    }
  });
});
