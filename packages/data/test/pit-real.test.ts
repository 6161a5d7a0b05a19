import { beforeAll, describe, expect, it } from 'vitest';
import { assetIndexOfCodes, encodeStrings, groupRowsByAsset, pitLatest, pitPanel, pitSingleQuarter, pitTtm, pitYoyGrowth, type ReportRows } from '../src/index.js';
import { isoToInt, num, readCalendar, readCsv } from './pit-rules-data.js';

/**
 * Point-in-time fundamentals on the real cn-csi300 `fina` table (24,460 reports of 670 stocks),
 * checked against the figures its README prints for 600519.SH. Data-heavy (reads the dataset
 * beside the repository); about a second.
 */
describe('point in time on cn-csi300 fina (data)', () => {
  let calendar: Int32Array;
  let header: string[];
  let rows: string[][];
  let moutai: (column: string) => ReportRows;
  const day = (iso: string) => calendar.indexOf(isoToInt(iso));

  beforeAll(() => {
    calendar = readCalendar();
    ({ header, rows } = readCsv('fina.csv.gz'));
    const own = rows.filter((r) => r[0] === '600519.SH');
    moutai = (column) => {
      const c = header.indexOf(column);
      return {
        annDate: Int32Array.from(own, (r) => isoToInt(r[1]!)),
        endDate: Int32Array.from(own, (r) => isoToInt(r[2]!)),
        value: Float64Array.from(own, (r) => num(r[c])),
      };
    };
  });

  it('has the README’s 2022 Q2 single quarter from the H1 announcement on', () => {
    const sq = pitSingleQuarter(moutai('net_profit_ytd'), calendar);
    // 31,105,364,072.66 − 17,952,116,145.80 = 13,153,247,926.86; H1 published 2022-08-03.
    expect(sq[day('2022-08-03')]).toBeCloseTo(13_153_247_926.86, 2);
    expect(sq[day('2022-08-02')]).toBeCloseTo(17_952_116_145.8, 2); // still 2022 Q1
    expect(sq[day('2022-10-14')]).toBeCloseTo(13_153_247_926.86, 2);
  });

  it('shows FY2022 net profit from 2023-03-31 and not on 2023-03-30', () => {
    const latest = pitLatest(moutai('net_profit_ytd'), calendar);
    expect(latest[day('2023-03-31')]).toBe(65_375_136_766.75);
    expect(latest[day('2023-03-30')]).toBe(46_313_993_773.41); // 2022 Q3, published 2022-10-17
    expect(latest[day('2023-04-26')]).toBe(21_524_725_630.16); // 2023 Q1
  });

  it('computes TTM and YoY across fiscal years', () => {
    const np = moutai('net_profit_ytd');
    const ttm = pitTtm(np, calendar);
    expect(ttm[day('2023-03-31')]).toBe(65_375_136_766.75);
    expect(ttm[day('2023-04-26')]).toBeCloseTo(21_524_725_630.16 + 65_375_136_766.75 - 17_952_116_145.8, 2);
    const yoy = pitYoyGrowth(np, calendar);
    expect(yoy[day('2023-04-26')]).toBeCloseTo((21_524_725_630.16 - 17_952_116_145.8) / 17_952_116_145.8, 12);
  });

  it('keeps the last disclosed revenue where a quarter leaves it empty', () => {
    const revenue = pitLatest(moutai('revenue_ytd'), calendar);
    expect(revenue[day('2023-04-26')]).toBe(123_772_332_348.71); // Q1 2023 has no revenue: FY2022 stays
  });

  it('fills the whole date × asset panel in one pass, consistent with the per-stock series', () => {
    const stocks = readCsv('stocks.csv').rows.map((r) => r[0]!);
    const codes = encodeStrings(rows.map((r) => r[0]!));
    const annDate = Int32Array.from(rows, (r) => isoToInt(r[1]!));
    const endDate = Int32Array.from(rows, (r) => isoToInt(r[2]!));
    const value = Float64Array.from(rows, (r) => num(r[header.indexOf('net_profit_ytd')]));
    const groups = groupRowsByAsset(codes.codes, assetIndexOfCodes(codes.dictionary, stocks), stocks.length, annDate);
    expect(groups.unmatchedRows).toBe(0);
    const panel = pitPanel(groups, { annDate, endDate }, value, calendar, 'singleQuarter');
    const T = calendar.length;
    const a = stocks.indexOf('600519.SH');
    expect(panel[a * T + day('2022-08-03')]).toBeCloseTo(13_153_247_926.86, 2);
    expect([...panel.subarray(a * T, (a + 1) * T)]).toEqual([...pitSingleQuarter(moutai('net_profit_ytd'), calendar)]);
    // Coverage: from 2014 on nearly every stock-day that has a listed stock has a value.
    let known = 0;
    for (let s = 0; s < stocks.length; s++) if (Number.isFinite(panel[s * T + day('2020-06-30')]!)) known++;
    expect(known).toBeGreaterThan(500);

    // Look-ahead on the real table: garble every report published after 2020-06-30.
    const cut = isoToInt('2020-06-30');
    const garbledValue = value.map((v, i) => (annDate[i]! > cut ? v * -3 + 1e9 : v));
    const garbledEnd = endDate.map((e, i) => (annDate[i]! > cut ? 20251231 : e));
    for (const derivation of ['ttm', 'yoySingleQuarter'] as const) {
      const clean = pitPanel(groups, { annDate, endDate }, value, calendar, derivation);
      const dirty = pitPanel(groups, { annDate, endDate: garbledEnd }, garbledValue, calendar, derivation);
      const upTo = day('2020-06-30');
      for (let s = 0; s < stocks.length; s++) {
        expect([...dirty.subarray(s * T, s * T + upTo + 1)]).toEqual([...clean.subarray(s * T, s * T + upTo + 1)]);
      }
    }
  });
});
