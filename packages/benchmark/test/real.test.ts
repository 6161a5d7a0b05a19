/**
 * Real data, read in place (never copied into the repository): every published benchmark text
 * of ../shared/data/cn-funds/funds.csv parsed or refused, checked against the data provider's
 * own parse (enhanced_index_funds.csv, the bench_* columns of funds.csv); composite series on
 * the real index levels of ../shared/data/cn-index against a separate loop written here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type CompositeBenchmark,
  type IndexTerm,
  benchmarkReturns,
  compoundReturn,
  parseBenchmark,
  primaryIndex,
  tryParseBenchmark,
} from '../src/index.js';
import { csvRecords, thrown } from './helpers.js';

const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const FUNDS = join(SHARED, 'cn-funds');
const INDEX = join(SHARED, 'cn-index');
const present = existsSync(join(FUNDS, 'funds.csv')) && existsSync(join(FUNDS, 'enhanced_index_funds.csv')) && existsSync(join(INDEX, 'index_daily.csv'));
if (!present) console.warn(`benchmark real-data tests skipped: ${FUNDS} or ${INDEX} not found (present in CI, where their absence fails these tests)`);

/** The indices of cn-index: the provider gives a code only for these. */
const CN_INDEX_CODES = new Set(['000300.SH', '000905.SH', '000852.SH', '000906.SH', '399303.SZ']);

/** The data card's rule for a non-equity term (bond, deposit, money-market, gold, commodity names). */
const NON_EQUITY = /债|存款|利率|回购|货币|票据|黄金|Au99|商品/;

function firstIndex(b: CompositeBenchmark): IndexTerm {
  const term = b.terms.find((t): t is IndexTerm => t.kind === 'index');
  if (!term) throw new Error(`no index in ${b.text}`);
  return term;
}

describe.skipIf(!present && !process.env.CI)('published benchmark texts of cn-funds (real data)', () => {
  const funds = present ? csvRecords(readFileSync(join(FUNDS, 'funds.csv'), 'utf8')) : [];
  const enhanced = present ? csvRecords(readFileSync(join(FUNDS, 'enhanced_index_funds.csv'), 'utf8')) : [];

  it('parses every one of the 2,959 texts (1,759 distinct); none is refused', () => {
    expect(funds).toHaveLength(2959);
    expect(new Set(funds.map((f) => f.benchmark)).size).toBe(1759);
    const refused: string[] = [];
    let allCoded = 0;
    let unknownIndex = 0;
    for (const fund of funds) {
      const result = tryParseBenchmark(fund.benchmark!);
      if (!result.ok) {
        refused.push(`${fund.fund_code}: ${result.message}`);
        continue;
      }
      if (result.benchmark.terms.some((t) => t.kind === 'index' && t.code === undefined)) unknownIndex++;
      else allCoded++;
    }
    console.log(`cn-funds benchmarks: ${funds.length - refused.length} parsed (${allCoded} with a code for every series, ${unknownIndex} naming a series without one), ${refused.length} refused`);
    expect(refused).toEqual([]);
    expect(allCoded + unknownIndex).toBe(2959);
  });

  it('repairs exactly the four texts with slips, each with one note', () => {
    const repaired = funds.filter((f) => parseBenchmark(f.benchmark!).notes!.length > 0).map((f) => f.fund_code);
    // 011481 `%+%`, 012258 no `+` (both named by the data card); 013641 `(税后)10%`, 015867 `*5` at the end.
    expect(repaired).toEqual(['011481', '012258', '013641', '015867']);
    for (const code of repaired) expect(parseBenchmark(funds.find((f) => f.fund_code === code)!.benchmark!).notes).toHaveLength(1);
  });

  it('weights sum to 100% except beside an additive constant, found in the texts that end in `+N%`', () => {
    const withConstant = new Set(funds.filter((f) => /\+\d+(?:\.\d+)?%(?:\(.*\))?$/.test(f.benchmark!)).map((f) => f.fund_code));
    expect(withConstant.size).toBe(11);
    for (const fund of funds) {
      const b = parseBenchmark(fund.benchmark!);
      const constant = b.terms.some((t) => t.kind === 'constant');
      expect(constant, fund.fund_code).toBe(withConstant.has(fund.fund_code));
      const sum = b.terms.reduce((s, t) => s + (t.kind === 'constant' ? 0 : t.weight), 0);
      // 005870: 沪深300 × 95% plus 1.5% a year.
      expect(sum, fund.fund_code).toBeCloseTo(fund.fund_code === '005870' ? 0.95 : 1, 12);
    }
  });

  it('gives the equity weight of the provider (bench_equity_pct) for all 2,959 texts', () => {
    const differ: string[] = [];
    for (const fund of funds) {
      const b = parseBenchmark(fund.benchmark!);
      const equity = b.terms.reduce((s, t) => s + (t.kind === 'index' && !NON_EQUITY.test(t.name!) ? t.weight * 100 : 0), 0);
      if (Math.abs(equity - Number(fund.bench_equity_pct)) > 1e-9) differ.push(`${fund.fund_code} ${equity} ${fund.bench_equity_pct}`);
    }
    expect(differ).toEqual([]);
  });

  it('reads every demand-deposit wording as deposit, and nothing else', () => {
    for (const fund of funds) {
      for (const term of parseBenchmark(fund.benchmark!).terms) {
        if (term.kind === 'constant') continue;
        // 活期 (demand) or the short 活存 (`同期银行活存款利率(税后)`, 2 funds); not 定期 or 同业 deposits.
        expect(term.kind === 'deposit', term.name).toBe(/活期|活存/.test(term.name!));
      }
    }
  });

  it('gives the provider’s index name, code and weight for the 125 enhanced funds (and the 230 index funds of funds.csv)', () => {
    expect(enhanced).toHaveLength(125);
    const rows = [...enhanced, ...funds.filter((f) => f.bench_index_name !== '')];
    expect(rows).toHaveLength(125 + 230);
    for (const row of rows) {
      const b = parseBenchmark(row.benchmark!);
      const first = firstIndex(b);
      const code = first.code !== undefined && CN_INDEX_CODES.has(first.code) ? first.code : '';
      expect([row.fund_code, first.name, code, first.weight * 100]).toEqual([
        row.fund_code,
        row.bench_index_name,
        row.bench_index_code,
        Number(row.bench_index_weight_pct),
      ]);
      expect(primaryIndex(b)).toBe(first);
    }
  });
});

describe.skipIf(!present && !process.env.CI)('composite series on the real index levels of cn-index', () => {
  const daily = present ? csvRecords(readFileSync(join(INDEX, 'index_daily.csv'), 'utf8')) : [];
  const closes = new Map<string, Map<string, number>>();
  for (const row of daily) {
    let series = closes.get(row.index_code!);
    if (!series) closes.set(row.index_code!, (series = new Map<string, number>()));
    series.set(row.trade_date!, Number(row.close));
  }
  const calendar = present ? csvRecords(readFileSync(join(INDEX, 'calendar.csv'), 'utf8')).map((r) => r.trade_date!) : [];
  const between = (from: string, to: string): string[] => calendar.filter((d) => d >= from && d <= to);
  const levelsOn = (dates: readonly string[]) => (code: string) => {
    const series = closes.get(code);
    return series && Float64Array.from(dates, (d) => series.get(d) ?? Number.NaN);
  };

  it('95% 000852.SH + 5% deposit over 2023 equals a separate day-by-day computation', () => {
    // The last trading day of 2022 is the base; 242 trading days of 2023 follow (cn-index card).
    const dates = between('2022-12-30', '2023-12-29');
    expect(dates).toHaveLength(243);
    const { returns, missingDays } = benchmarkReturns(parseBenchmark('95% 000852.SH + 5% deposit'), { dates, level: levelsOn(dates) });
    expect(missingDays).toBe(0);

    // Separately: walk the index rows of 000852.SH in file order.
    const rows = daily.filter((r) => r.index_code === '000852.SH' && r.trade_date! >= '2022-12-30' && r.trade_date! <= '2023-12-29');
    expect(rows).toHaveLength(243);
    let growth = 1;
    for (let k = 1; k < rows.length; k++) {
      const days = (Date.parse(`${rows[k]!.trade_date}T00:00:00Z`) - Date.parse(`${rows[k - 1]!.trade_date}T00:00:00Z`)) / 86_400_000;
      const expected = 0.95 * (Number(rows[k]!.close) / Number(rows[k - 1]!.close) - 1) + (0.05 * 0.0035 * days) / 365;
      expect(Math.abs(returns[k]! - expected), rows[k]!.trade_date).toBeLessThan(1e-15);
      growth *= 1 + expected;
    }
    expect(compoundReturn(returns, 0, 242)).toBeCloseTo(growth - 1, 13);
    // 100% of the index telescopes to the ratio of the year's closes.
    const pure = benchmarkReturns(parseBenchmark('000852.SH'), { dates, level: levelsOn(dates) }).returns;
    expect(compoundReturn(pure, 0, 242)).toBeCloseTo(Number(rows[242]!.close) / Number(rows[0]!.close) - 1, 12);
    // Over 2023: CSI 1000 fell about 6.3%; the deposit share adds 5% × 0.35% of a year.
    console.log(`95% 000852.SH + 5% deposit, 2023: ${(compoundReturn(returns, 0, 242) * 100).toFixed(4)}% (index alone ${(compoundReturn(pure, 0, 242) * 100).toFixed(4)}%)`);
  });

  it('computes the benchmark of every enhanced fund whose series are all in cn-index, and names the missing series of the others', () => {
    const enhanced = csvRecords(readFileSync(join(FUNDS, 'enhanced_index_funds.csv'), 'utf8'));
    const dates = between('2020-12-31', '2022-12-30');
    const level = levelsOn(dates);
    let computed = 0;
    const refused = new Map<string, number>();
    for (const fund of enhanced) {
      const b = parseBenchmark(fund.benchmark!);
      try {
        const { returns, missingDays } = benchmarkReturns(b, { dates, level });
        expect(missingDays, fund.fund_code).toBe(0);
        expect(returns.subarray(1).every(Number.isFinite)).toBe(true);
        computed++;
      } catch (error) {
        const e = thrown(() => {
          throw error;
        });
        expect(e.code).toBe('FK_MISSING_INPUT');
        expect(e.message).toContain(fund.benchmark);
        const series = String(e.details.code ?? e.details.name);
        refused.set(series, (refused.get(series) ?? 0) + 1);
      }
    }
    // The funds on CSI 300/500/1000/800 and CNI 2000 with index + deposit only.
    const onCnIndex = enhanced.filter((f) => {
      const b = parseBenchmark(f.benchmark!);
      return b.terms.every((t) => t.kind !== 'index' || (t.code !== undefined && CN_INDEX_CODES.has(t.code)));
    });
    expect(computed).toBe(onCnIndex.length);
    console.log(`enhanced funds 2021–2022: ${computed} benchmarks computed, ${enhanced.length - computed} refused: ${JSON.stringify(Object.fromEntries(refused))}`);
  });
});
