/**
 * fundAnalytics on the hand-made fixture: every return, excess, quartile and new-high rate is
 * recomputed here from the fixture's formulas (NAVs, index levels, the 0.35 % deposit rate
 * accrued over calendar days / 365), not taken from the package.
 */
import { isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { type FundAnalytics, type FundAnalyticsOptions, fundAnalytics } from '../src/index.js';
import { DATES, NAVS, csi300, csi500, daysBetween, fixture, navRows, tableOf } from './fixture.js';

const AS_OF = '2024-05-19';
/** Start and end closes of the windows as of 2024-05-19 (see windows.test.ts). */
const WINDOWS = { week: '2024-05-10', month: '2024-04-30', quarter: '2024-03-29', ytd: '2023-12-29' } as const;
const END = DATES.indexOf('2024-05-17');
const DEPOSIT = 0.0035;

function run(options: Partial<FundAnalyticsOptions> = {}, data = fixture()): FundAnalytics {
  return fundAnalytics(data, { asOf: AS_OF, heavyHoldings: false, ...options });
}

function thrown(f: () => unknown): Error & { code?: string } {
  try {
    f();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

/** The benchmark `95% index + 5% deposit` compounded from the close of day s to the close of day e. */
function benchmarkReturn(level: (t: number) => number, s: number, e: number): number {
  let growth = 1;
  for (let t = s + 1; t <= e; t++) growth *= 1 + 0.95 * (level(t) / level(t - 1) - 1) + (0.05 * DEPOSIT * daysBetween(DATES[t - 1]!, DATES[t]!)) / 365;
  return growth - 1;
}

const fundReturn = (code: string, s: number, e: number): number => NAVS[code]!.nav(e) / NAVS[code]!.nav(s) - 1;

describe('fundAnalytics: excess per fund and window', () => {
  const result = run();

  it('computes the fund return, the composite benchmark return and the excess over every window', () => {
    const cases = [
      ['000001.OF', csi500, '000905.SH'],
      ['000003.OF', csi300, '000300.SH'],
    ] as const;
    for (const [code, level, family] of cases) {
      for (const [window, start] of Object.entries(WINDOWS)) {
        const s = DATES.indexOf(start);
        const row = result.excess.find((e) => e.fund === code && e.window === window)!;
        const rf = fundReturn(code, s, END);
        const rb = benchmarkReturn(level, s, END);
        expect(row.benchmarkIndex).toBe(family);
        expect([row.start, row.end]).toEqual([start, '2024-05-17']);
        expect(row.fundReturn).toBeCloseTo(rf, 13);
        expect(row.benchmarkReturn).toBeCloseTo(rb, 13);
        expect(row.excess).toBeCloseTo(rf - rb, 13);
        expect(row.excessDifference).toBeCloseTo(rf - rb, 13);
        expect(row.excessRatio).toBeCloseTo((1 + rf) / (1 + rb) - 1, 13);
      }
    }
  });

  it('reads the published Chinese benchmark text like the composite syntax, and leaves a young fund out of the windows it misses', () => {
    // 000002 starts 2024-04-15: in the week and the month, too young for the quarter and the year.
    const rows = result.excess.filter((e) => e.fund === '000002.OF');
    expect(rows.map((e) => e.window)).toEqual(['week', 'month']);
    const s = DATES.indexOf(WINDOWS.month);
    expect(rows[1]!.excess).toBeCloseTo(fundReturn('000002.OF', s, END) - benchmarkReturn(csi500, s, END), 13);
    expect(rows[1]!.benchmark).toBe('95% 000905.SH + 5% deposit');
    const young = result.excluded.filter((x) => x.fund === '000002.OF');
    expect(young.map((x) => [x.reason, x.window])).toEqual([
      ['too_young', 'quarter'],
      ['too_young', 'ytd'],
    ]);
    expect(young[0]!.detail).toContain('first NAV 2024-04-15 is after the window\'s start close 2024-03-29');
  });

  it('uses the ratio form when asked', () => {
    const ratio = run({ excess: 'ratio' });
    const row = ratio.excess.find((e) => e.fund === '000001.OF' && e.window === 'ytd')!;
    const s = DATES.indexOf(WINDOWS.ytd);
    const rf = fundReturn('000001.OF', s, END);
    const rb = benchmarkReturn(csi500, s, END);
    expect(row.excess).toBeCloseTo((1 + rf) / (1 + rb) - 1, 13);
    expect(ratio.excessForm).toBe('ratio');
  });

  it('counts every fund it leaves out, with the reason', () => {
    const reasons = result.excluded.filter((x) => x.window === undefined).map((x) => [x.fund, x.reason, x.from]);
    expect(reasons).toEqual([
      ['000004.OF', 'invalid_benchmark', 'excess'],
      ['000005.OF', 'missing_index', 'excess'],
      ['000007.OF', 'no_benchmark', 'excess'],
      ['999999.OF', 'not_in_funds', 'all'],
    ]);
    const invalid = result.excluded.find((x) => x.fund === '000004.OF')!;
    // `95% 000905.SH + 5 deposit`: the weight `5` lacks its `%` at offset 18.
    expect(invalid.detail).toContain('`95% 000905.SH + 5 deposit`');
    expect(invalid.detail).toMatch(/position 1[78]/);
    expect(result.excluded.find((x) => x.fund === '000005.OF')!.detail).toContain('`000852.SH`');
    expect(result.otherTypes).toEqual({ active_equity: 1 });
    // A fund left out of the excess still has its new-high rate.
    expect(result.newHigh.filter((h) => h.fund === '000004.OF').map((h) => h.window)).toEqual(['week', 'month', 'quarter', 'ytd']);
    expect(result.newHigh.some((h) => h.fund === '999999.OF' || h.fund === '000006.OF')).toBe(false);
  });

  it('tabulates the distribution per index family and window, and sorts the funds by excess', () => {
    const families = [...new Set(result.distribution.map((d) => d.benchmarkIndex))];
    expect(families).toEqual(['000300.SH', '000905.SH']);
    for (const [window, start] of Object.entries(WINDOWS)) {
      const s = DATES.indexOf(start);
      const values = ['000001.OF', ...(window === 'week' || window === 'month' ? ['000002.OF'] : [])].map((code) => fundReturn(code, s, END) - benchmarkReturn(csi500, s, END));
      values.sort((a, b) => a - b);
      const d = result.distribution.find((x) => x.benchmarkIndex === '000905.SH' && x.window === window)!;
      expect(d.funds).toBe(values.length);
      const [lo, hi] = [values[0]!, values[values.length - 1]!];
      expect(d.max).toBeCloseTo(hi, 13);
      expect(d.min).toBeCloseTo(lo, 13);
      // Linear interpolation between two values: q = lo + p (hi − lo).
      expect(d.median).toBeCloseTo(lo + 0.5 * (hi - lo), 13);
      expect(d.q25).toBeCloseTo(lo + 0.25 * (hi - lo), 13);
      expect(d.q75).toBeCloseTo(lo + 0.75 * (hi - lo), 13);
      const rows = result.excess.filter((e) => e.benchmarkIndex === '000905.SH' && e.window === window);
      expect(rows.map((e) => e.excess)).toEqual([...rows.map((e) => e.excess)].sort((a, b) => b - a));
      expect(rows.map((e) => e.rank)).toEqual(rows.map((_, i) => i + 1));
    }
    // CSI 300 lists first, then CSI 500; within a family, window by window.
    expect(result.excess.map((e) => `${e.benchmarkIndex} ${e.window}`).slice(0, 5)).toEqual(['000300.SH week', '000300.SH month', '000300.SH quarter', '000300.SH ytd', '000905.SH week']);
  });

  it('computes the new-high rate over the window on the NAV since the fund’s first value', () => {
    for (const code of ['000001.OF', '000002.OF', '000006.OF']) {
      const { from, nav } = NAVS[code]!;
      for (const [window, start] of Object.entries(WINDOWS)) {
        const s = DATES.indexOf(start);
        const row = result.newHigh.find((h) => h.fund === code && h.window === window);
        if (s < from || code === '000006.OF') {
          expect(row).toBeUndefined();
          continue;
        }
        let highs = 0;
        for (let t = s + 1; t <= END; t++) {
          let best = -Infinity;
          for (let u = from; u < t; u++) best = Math.max(best, nav(u));
          if (nav(t) > best) highs++;
        }
        expect(row).toMatchObject({ start, end: '2024-05-17', tradingDays: END - s, newHighs: highs });
        expect(row!.rate).toBeCloseTo(highs / (END - s), 15);
      }
    }
  });

  it('reads nothing after the as-of date', () => {
    const early = run({ asOf: '2024-04-10' });
    expect(early.lastDate).toBe('2024-04-10');
    expect(early.navRowsAfterEnd).toBeGreaterThan(0);
    // Data after the as-of date replaced by garbage gives the same result.
    const cut = DATES.indexOf('2024-04-10');
    const garbage = navRows().map(([code, date, nav]): [string, string, number] => [code, date, date > '2024-04-10' ? 1e6 * nav : nav]);
    const other = run({ asOf: '2024-04-10' }, fixture({ fund_nav: tableOf('fund_nav', { fund_code: 'string', trade_date: 'date', nav: 'number' }, garbage) }));
    expect(other.excess).toEqual(early.excess);
    expect(other.newHigh).toEqual(early.newHigh);
    expect(early.excess.every((e) => e.end === DATES[cut])).toBe(true);
  });

  it('runs on every fund type with fundTypes `all`', () => {
    const all = run({ fundTypes: 'all' });
    expect(all.otherTypes).toEqual({});
    expect(all.excess.some((e) => e.fund === '000006.OF')).toBe(true);
    // 80% 000300.SH + 20% deposit: the family is still CSI 300.
    expect(all.excess.find((e) => e.fund === '000006.OF')!.benchmarkIndex).toBe('000300.SH');
  });
});

describe('fundAnalytics: faulty data', () => {
  const navColumns = { fund_code: 'string', trade_date: 'date', nav: 'number' } as const;

  it('refuses a NAV gap of an analysed fund, naming the file, the lines, the fund and the date', () => {
    const rows = navRows().filter(([code, date]) => !(code === '000001.OF' && date === '2024-03-05'));
    const error = thrown(() => run({}, fixture({ fund_nav: tableOf('fund_nav', navColumns, rows) })));
    expect(error.code).toBe('FK_DATA_REJECTED');
    const before = rows.findIndex(([code, date]) => code === '000001.OF' && date === '2024-03-04') + 2;
    expect(error.message).toContain(`fund_nav.csv: fund \`000001.OF\` has no NAV on \`2024-03-05\`, between its NAVs of \`2024-03-04\` (line ${before}) and \`2024-03-06\` (line ${before + 1})`);
  });

  it('refuses a duplicated date, naming both lines', () => {
    const rows = navRows();
    const at = rows.findIndex(([code, date]) => code === '000003.OF' && date === '2024-02-01');
    rows.splice(at + 1, 0, ['000003.OF', '2024-02-01', 2.5]);
    const error = thrown(() => run({}, fixture({ fund_nav: tableOf('fund_nav', navColumns, rows) })));
    expect(error.code).toBe('FK_DATA_REJECTED');
    expect(error.message).toContain(`fund_nav.csv:${at + 3}: fund \`000003.OF\` has a second NAV on \`2024-02-01\` (the first is at fund_nav.csv:${at + 2})`);
  });

  it('refuses the duplicates the loader rejected, and a NAV on a day off the calendar', () => {
    const rejected = [{ table: 'fund_nav', file: 'data/fund_nav.csv', rejectedByReason: { duplicate_key: 1 }, problems: [{ code: 'duplicate_key', message: 'data/fund_nav.csv:17: duplicate key `000001.OF, 2024-01-02` (first on line 16); the later row is rejected' }] }];
    const error = thrown(() => run({ rejected }));
    expect(error.code).toBe('FK_DATA_REJECTED');
    expect(error.message).toContain('data/fund_nav.csv:17: duplicate key');
    const weekend = [...navRows(), ['000001.OF', '2024-03-09', 1.3] as [string, string, number]];
    const off = thrown(() => run({}, fixture({ fund_nav: tableOf('fund_nav', navColumns, weekend) })));
    expect(off.message).toContain(`fund_nav.csv:${weekend.length + 1}: fund \`000001.OF\` has a NAV dated \`2024-03-09\`, which is not a trading day of the calendar`);
  });

  it('leaves faulty funds out, counted, with navProblems `exclude`; faults of funds not analysed do not matter', () => {
    const rows = navRows().filter(([code, date]) => !(code === '000001.OF' && date === '2024-03-05') && !(code === '000006.OF' && date === '2024-01-05'));
    const data = fixture({ fund_nav: tableOf('fund_nav', navColumns, rows) });
    const result = run({ navProblems: 'exclude' }, data);
    const x = result.excluded.find((e) => e.fund === '000001.OF')!;
    expect([x.reason, x.window, x.from]).toEqual(['nav_problem', undefined, 'all']);
    expect(result.excess.some((e) => e.fund === '000001.OF')).toBe(false);
    expect(result.newHigh.some((e) => e.fund === '000001.OF')).toBe(false);
    // 000006 (active equity) has a gap too, but is not analysed: no error without it either.
    const onlyActive = navRows().filter(([code, date]) => !(code === '000006.OF' && date === '2024-01-05'));
    expect(run({}, fixture({ fund_nav: tableOf('fund_nav', navColumns, onlyActive) })).excess.length).toBeGreaterThan(0);
  });

  it('names the missing table and the missing column', () => {
    const noNav = thrown(() => run({}, fixture({ fund_nav: undefined })));
    expect(noNav.code).toBe('FK_MISSING_INPUT');
    expect(noNav.message).toContain('the dataset `fixture` has no `fund_nav` table');
    expect(noNav.message).toContain('`fund_code` (string), `trade_date` (date), `nav` (number)');
    const noBenchmark = tableOf('funds', { fund_code: 'string', fund_type: 'string' }, [['000001.OF', 'index_enhanced']]);
    const column = thrown(() => run({}, fixture({ funds: noBenchmark })));
    expect(column.code).toBe('FK_MISSING_INPUT');
    expect(column.message).toContain('table `funds` (funds.csv) has no column `benchmark` (string)');
    const holdings = thrown(() => fundAnalytics(fixture(), { asOf: AS_OF }));
    expect(holdings.message).toContain('has no `fund_holdings` table');
    const accum = thrown(() => run({ newHighColumn: 'accum_nav' }));
    expect(accum.message).toContain('no column `accum_nav` (number)');
  });

  it('validates its options, every problem at once', () => {
    const error = thrown(() => run({ excess: 'log' as never, fundTypes: [], windows: ['week', 'week'] }));
    expect(isFactorkitError(error) && error.code === 'FK_INVALID_PARAMS').toBe(true);
    expect(error.message).toMatch(/windows/);
    expect(error.message).toMatch(/fundTypes/);
    expect(error.message).toMatch(/excess/);
  });

  it('leaves out a fund whose benchmark index lacks a level inside the window', () => {
    const data = fixture();
    const gapDay = DATES.indexOf('2024-05-15');
    const levels = Float64Array.from(DATES, (_, t) => (t === gapDay ? Number.NaN : csi300(t)));
    const patched = { ...data, indexLevels: (code: string) => (code === '000300.SH' ? { close: levels } : data.indexLevels(code)) };
    const result = run({}, patched);
    const gaps = result.excluded.filter((x) => x.fund === '000003.OF');
    expect(gaps.map((x) => [x.reason, x.window, x.from])).toEqual(['week', 'month', 'quarter', 'ytd'].map((w) => ['benchmark_gap', w, 'excess']));
    expect(gaps[0]!.detail).toContain('2024-05-15');
    expect(result.distribution.filter((d) => d.benchmarkIndex === '000300.SH').every((d) => d.funds === 0 && Number.isNaN(d.median))).toBe(true);
  });
});
