import { FactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import {
  PIT_DERIVATIONS,
  asOfPanel,
  assetIndexOfCodes,
  groupRowsByAsset,
  groupTableByAsset,
  intervalMask,
  intervalPanel,
  intervalValues,
  membershipPanel,
  periodEndDate,
  periodIndex,
  periodQuarter,
  pitAsOf,
  pitLatest,
  pitPanel,
  pitPanelFromTable,
  pitSingleQuarter,
  pitTtm,
  pitYoyGrowth,
  pointInTime,
  tableFromColumns,
  yoyGrowthRate,
  type ReportRows,
} from '../src/index.js';

function thrown(fn: () => unknown): FactorkitError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FactorkitError) return error;
    throw error;
  }
  throw new Error('expected a FactorkitError');
}

// Trading days of the fixture (a hand-picked subset; gaps are harmless).
const CAL = Int32Array.from([
  20220104, 20220301, 20220425, 20220426, 20220427, 20220801, 20220802, 20220803, 20221020, 20230317, 20230320, 20230330, 20230331, 20230425, 20230426,
]);
const at = (series: Float64Array, day: number): number => series[CAL.indexOf(day)]!;

// Net profit, year to date. Deliberately shuffled: input order must not matter.
const ROWS: readonly (readonly [ann: number, end: number, ytd: number])[] = [
  [20221020, 20220930, 360],
  [20210420, 20210331, 90],
  [20230426, 20221231, 500], // FY2022, published the day after 2023 Q1: a late report
  [20210801, 20210630, 200],
  [20220301, 20211231, 400],
  [20230320, 20220930, 370], // restatement of 2022 Q3
  [20211020, 20210930, 300],
  [20220426, 20220331, 110],
  [20230425, 20230331, 130],
  [20220803, 20220630, 250],
];
const REPORTS: ReportRows = {
  annDate: Int32Array.from(ROWS, (r) => r[0]),
  endDate: Int32Array.from(ROWS, (r) => r[1]),
  value: Float64Array.from(ROWS, (r) => r[2]),
};

describe('report periods', () => {
  it('index quarter ends as year × 4 + quarter − 1 and back', () => {
    expect(periodIndex(20220331)).toBe(2022 * 4);
    expect(periodIndex(20221231)).toBe(2022 * 4 + 3);
    expect(periodEndDate(2022 * 4 + 1)).toBe(20220630);
    expect(periodQuarter(periodIndex(20220930))).toBe(3);
    for (const bad of [20220330, 20220631, 20221230, 0, Number.NaN, 20220331.5]) expect(periodIndex(bad), String(bad)).toBeNaN();
  });
});

describe('pitLatest', () => {
  const latest = pitLatest(REPORTS, CAL);

  it('uses a report from its ann_date on, not the day before', () => {
    expect(at(latest, 20220104)).toBe(300); // 2021 Q3, published 2021-10-20, before the calendar
    expect(at(latest, 20220301)).toBe(400);
    expect(at(latest, 20220425)).toBe(400);
    expect(at(latest, 20220426)).toBe(110);
    expect(at(latest, 20220802)).toBe(110);
    expect(at(latest, 20220803)).toBe(250);
  });

  it('applies a restatement from its own ann_date only', () => {
    expect(at(latest, 20221020)).toBe(360);
    expect(at(latest, 20230317)).toBe(360);
    expect(at(latest, 20230320)).toBe(370);
    expect(at(latest, 20230331)).toBe(370);
  });

  it('does not let a late report for an older period displace the newer one', () => {
    expect(at(latest, 20230425)).toBe(130);
    expect(at(latest, 20230426)).toBe(130); // FY2022 arrives, 2023 Q1 stays the latest period
  });

  it('reports the period used', () => {
    const periodOut = new Int32Array(CAL.length);
    pitLatest(REPORTS, CAL, { periodOut });
    expect(periodOut[CAL.indexOf(20220425)]).toBe(20211231);
    expect(periodOut[CAL.indexOf(20230426)]).toBe(20230331);
    const none = new Int32Array(2);
    pitLatest(REPORTS, Int32Array.from([20200101, 20200102]), { periodOut: none });
    expect([...none]).toEqual([0, 0]);
  });

  it('is NaN before anything is published', () => {
    const early = pitLatest(REPORTS, Int32Array.from([20200102, 20210419, 20210420]));
    expect([...early]).toEqual([Number.NaN, Number.NaN, 90]);
  });

  it('makes a report published on a non-trading day visible on the next trading day', () => {
    // Saturday 2022-07-30.
    const rows = { annDate: [20220730], endDate: [20220630], value: [1] };
    expect([...pitLatest(rows, Int32Array.from([20220729, 20220801]))]).toEqual([Number.NaN, 1]);
  });

  it('writes into `out` when given', () => {
    const out = new Float64Array(CAL.length);
    expect(pitLatest(REPORTS, CAL, { out })).toBe(out);
    expect(out[CAL.indexOf(20220803)]).toBe(250);
  });
});

describe('pitTtm', () => {
  const ttm = pitTtm(REPORTS, CAL);

  it('is FY for an annual period and YTD + last FY − YTD a year ago otherwise', () => {
    expect(at(ttm, 20220104)).toBeNaN(); // 2021 Q3 needs FY2020 and 2020 Q3: not in the data
    expect(at(ttm, 20220301)).toBe(400); // FY2021
    expect(at(ttm, 20220426)).toBe(110 + 400 - 90); // 2022 Q1
    expect(at(ttm, 20220803)).toBe(250 + 400 - 200); // 2022 H1
    expect(at(ttm, 20221020)).toBe(360 + 400 - 300); // 2022 Q3
    expect(at(ttm, 20230320)).toBe(370 + 400 - 300); // restated 2022 Q3
  });

  it('uses a late report for the older period from its ann_date on', () => {
    expect(at(ttm, 20230425)).toBeNaN(); // 2023 Q1 + FY2022 (not yet published) − 2022 Q1
    expect(at(ttm, 20230426)).toBe(130 + 500 - 110);
  });
});

describe('pitSingleQuarter', () => {
  const sq = pitSingleQuarter(REPORTS, CAL);

  it('is YTD(Q1) for Q1 and YTD(Qk) − YTD(Qk−1) otherwise', () => {
    expect(at(sq, 20220104)).toBe(300 - 200); // 2021 Q3
    expect(at(sq, 20220301)).toBe(400 - 300); // 2021 Q4
    expect(at(sq, 20220426)).toBe(110); // 2022 Q1
    expect(at(sq, 20220803)).toBe(250 - 110);
    expect(at(sq, 20221020)).toBe(360 - 250);
    expect(at(sq, 20230320)).toBe(370 - 250);
    expect(at(sq, 20230426)).toBe(130);
  });

  it('is NaN when the previous quarter is missing', () => {
    const rows = { annDate: [20220426, 20221020], endDate: [20220331, 20220930], value: [10, 40] };
    const cal = Int32Array.from([20220426, 20221020]);
    expect([...pitSingleQuarter(rows, cal)]).toEqual([10, Number.NaN]);
    expect([...pitTtm(rows, cal)]).toEqual([Number.NaN, Number.NaN]);
  });
});

describe('pitYoyGrowth', () => {
  it('compares the single quarter with the same quarter a year earlier', () => {
    const yoy = pitYoyGrowth(REPORTS, CAL);
    expect(at(yoy, 20220104)).toBeNaN(); // 2020 Q3 missing
    expect(at(yoy, 20220301)).toBeNaN(); // 2020 Q4 missing
    expect(at(yoy, 20220426)).toBeCloseTo((110 - 90) / 90, 15);
    expect(at(yoy, 20220803)).toBeCloseTo((140 - 110) / 110, 15); // 2021 Q2 = 200 − 90
    expect(at(yoy, 20221020)).toBeCloseTo((110 - 100) / 100, 15);
    expect(at(yoy, 20230320)).toBeCloseTo((120 - 100) / 100, 15);
    expect(at(yoy, 20230426)).toBeCloseTo((130 - 110) / 110, 15);
  });

  it('compares TTM values on request', () => {
    const yoy = pitYoyGrowth(REPORTS, CAL, { basis: 'ttm' });
    expect(at(yoy, 20220426)).toBeNaN(); // TTM of 2021 Q1 needs FY2020
    expect(at(yoy, 20230425)).toBeNaN();
    expect(at(yoy, 20230426)).toBeCloseTo((520 - 420) / 420, 15);
  });

  it('divides by |base| and gives NaN for a zero or missing base', () => {
    expect(yoyGrowthRate(-50, -100)).toBe(0.5); // a narrowing loss is growth
    expect(yoyGrowthRate(20, -100)).toBe(1.2);
    expect(yoyGrowthRate(50, 100)).toBe(-0.5);
    expect(yoyGrowthRate(5, 0)).toBeNaN();
    expect(yoyGrowthRate(5, Number.NaN)).toBeNaN();
    expect(yoyGrowthRate(Number.NaN, 5)).toBeNaN();
  });
});

describe('missing values', () => {
  // Revenue disclosed for H1 and FY only: Q1 and Q3 rows are empty.
  const rows = {
    annDate: [20220301, 20220426, 20220803, 20221020],
    endDate: [20211231, 20220331, 20220630, 20220930],
    value: [1000, Number.NaN, 480, Number.NaN],
  };
  const cal = Int32Array.from([20220301, 20220426, 20220803, 20221020]);

  it('skips NaN rows by default: the last disclosed figure stays', () => {
    expect([...pitLatest(rows, cal)]).toEqual([1000, 1000, 480, 480]);
  });

  it('treats NaN rows as real versions with skipMissing: false', () => {
    expect([...pitLatest(rows, cal, { skipMissing: false })]).toEqual([1000, Number.NaN, 480, Number.NaN]);
  });

  it('lets the later of two rows with the same period and ann_date win', () => {
    const twin = { annDate: [20220426, 20220426], endDate: [20220331, 20220331], value: [1, 2] };
    expect([...pitLatest(twin, Int32Array.from([20220426]))]).toEqual([2]);
  });
});

describe('custom derivations', () => {
  it('receive a lookup that sees only visible versions', () => {
    const qoq = (v: (p: number) => number, p: number) => v(p) / v(p - 1);
    const out = pointInTime(REPORTS, CAL, qoq);
    expect(at(out, 20220803)).toBe(250 / 110);
    expect(at(out, 20230425)).toBeNaN(); // 2023 Q1 over FY2022, which is published a day later
    expect(at(out, 20230426)).toBe(130 / 500);
  });

  it('exposes the built-ins', () => {
    expect(Object.keys(PIT_DERIVATIONS).sort()).toEqual(['latest', 'singleQuarter', 'ttm', 'yoySingleQuarter', 'yoyTtm']);
  });
});

describe('validation', () => {
  it('names the row with an end_date that is not a quarter end', () => {
    const error = thrown(() => pitLatest({ annDate: [20220426, 20220427], endDate: [20220331, 20220415], value: [1, 2] }, CAL));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toContain('row 1');
    expect(error.message).toContain('`20220415`');
  });

  it('rejects an empty ann_date', () => {
    expect(thrown(() => pitLatest({ annDate: [0], endDate: [20220331], value: [1] }, CAL)).code).toBe('FK_INVALID_DATA');
  });

  it('rejects a calendar that is not strictly increasing, mismatched lengths and unknown derivations', () => {
    expect(thrown(() => pitLatest(REPORTS, Int32Array.from([20220102, 20220102]))).code).toBe('FK_INVALID_ARGUMENT');
    expect(thrown(() => pitLatest({ annDate: [1], endDate: [], value: [] }, CAL)).code).toBe('FK_INVALID_ARGUMENT');
    expect(thrown(() => pointInTime(REPORTS, CAL, 'median' as 'ttm')).message).toContain('`median`');
    expect(thrown(() => pitLatest(REPORTS, CAL, { out: new Float64Array(3) })).code).toBe('FK_INVALID_ARGUMENT');
  });
});

describe('pitAsOf', () => {
  const cal = Int32Array.from([20220419, 20220420, 20230424, 20230425, 20240426]);

  it('takes the row with the latest date on or before each day', () => {
    // Executive pay from annual reports: FY2021 on 2022-04-20, FY2022 on 2023-04-25 (corrected the same day).
    const rows = { date: [20230425, 20220420, 20230425, 20240426], value: [1.2e6, 1.0e6, 1.3e6, Number.NaN] };
    expect([...pitAsOf(rows, cal)]).toEqual([Number.NaN, 1.0e6, 1.0e6, 1.3e6, 1.3e6]);
    expect([...pitAsOf(rows, cal, { skipMissing: false })]).toEqual([Number.NaN, 1.0e6, 1.0e6, 1.3e6, Number.NaN]);
  });

  it('ignores report periods: the most recently published row wins', () => {
    const rows = { date: [20220420, 20230424], value: [5, 3] };
    expect(pitAsOf(rows, cal)[4]).toBe(3);
  });
});

describe('intervals', () => {
  // Shenwan history of a stock: legacy → SW2014 → SW2021 (codes as numbers).
  const rows = { inDate: [20140101, 20010731, 20210730], outDate: [20210730, 20140101, 0], value: [2, 1, 3] };
  const cal = Int32Array.from([20131231, 20140102, 20210729, 20210730, 20230630]);

  it('gives the value of the half-open interval containing each day', () => {
    expect([...intervalValues(rows, cal)]).toEqual([1, 2, 2, 3, 3]);
    expect([...intervalValues(rows, cal, { out: new Int32Array(5) })]).toEqual([1, 2, 2, 3, 3]);
  });

  it('is NaN (or −1) outside every interval', () => {
    const gap = { inDate: [20140102], outDate: [20210730], value: [7] };
    expect([...intervalValues(gap, cal)]).toEqual([Number.NaN, 7, 7, Number.NaN, Number.NaN]);
    expect([...intervalValues(gap, cal, { out: new Int32Array(5) })]).toEqual([-1, 7, 7, -1, -1]);
  });

  it('lets the later in_date win where intervals overlap', () => {
    const overlap = { inDate: [20130101, 20210101], outDate: [0, 20220101], value: [1, 9] };
    expect([...intervalValues(overlap, cal)]).toEqual([1, 1, 9, 9, 1]);
  });

  it('masks membership', () => {
    const member = { inDate: [20050408, 20210730], outDate: [20140102, 0] };
    expect([...intervalMask(member, cal)]).toEqual([1, 0, 0, 1, 1]);
  });

  it('rejects an out_date before its in_date', () => {
    expect(thrown(() => intervalMask({ inDate: [20140102], outDate: [20140101] }, cal)).code).toBe('FK_INVALID_DATA');
  });
});

describe('batch panels', () => {
  // Three panel assets; rows of a fourth stock (not in the panel) and one with an empty code.
  const assets = ['600519.SH', '000001.SZ', '300750.SZ'];
  const dictionary = ['000001.SZ', 'XXXXXX.SH', '600519.SH'];
  const codeOf = (id: string) => dictionary.indexOf(id);
  const codes: number[] = [];
  const ann: number[] = [];
  const end: number[] = [];
  const value: number[] = [];
  // Interleave 600519.SH's fixture rows with other stocks' rows.
  ROWS.forEach(([a, e, v], i) => {
    codes.push(codeOf('600519.SH'), i % 2 ? codeOf('000001.SZ') : codeOf('XXXXXX.SH'));
    ann.push(a, a);
    end.push(e, e);
    value.push(v, v * 2);
  });
  codes.push(-1);
  ann.push(20220426);
  end.push(20220331);
  value.push(1);
  const columns = { annDate: Int32Array.from(ann), endDate: Int32Array.from(end) };
  const groups = groupRowsByAsset(codes, assetIndexOfCodes(dictionary, assets), assets.length, columns.annDate);

  it('groups rows by asset once, counting the rows it cannot place', () => {
    expect(groups.offsets[3]).toBe(ROWS.length + ROWS.length / 2);
    expect(groups.unmatchedRows).toBe(ROWS.length / 2 + 1);
  });

  it('fills a column-major date × asset panel equal to the per-stock series', () => {
    const T = CAL.length;
    for (const derivation of ['latest', 'ttm', 'singleQuarter', 'yoySingleQuarter'] as const) {
      const panel = pitPanel(groups, columns, value, CAL, derivation);
      expect(panel.length).toBe(3 * T);
      expect([...panel.subarray(0, T)], derivation).toEqual([...pointInTime(REPORTS, CAL, derivation)]);
      const own = ROWS.map((_, i) => i).filter((i) => i % 2 === 1);
      const secondRows = { annDate: own.map((i) => ROWS[i]![0]), endDate: own.map((i) => ROWS[i]![1]), value: own.map((i) => ROWS[i]![2] * 2) };
      expect([...panel.subarray(T, 2 * T)], derivation).toEqual([...pointInTime(secondRows, CAL, derivation)]);
      expect(panel.subarray(2 * T).every((v) => Number.isNaN(v)), 'an asset without rows is all NaN').toBe(true);
    }
    const ttm = pitPanel(groups, columns, value, CAL, 'ttm');
    expect(ttm[CAL.indexOf(20230426)]).toBe(520);
  });

  it('rejects groups that are not ordered by ann_date', () => {
    const unordered = groupRowsByAsset(codes, assetIndexOfCodes(dictionary, assets), assets.length);
    expect(thrown(() => pitPanel(unordered, columns, value, CAL, 'latest')).code).toBe('FK_INVALID_ARGUMENT');
  });

  it('builds from a Table', () => {
    const table = tableFromColumns('fina', {
      ts_code: { type: 'string', values: ROWS.map(() => '600519.SH') },
      ann_date: { type: 'date', values: ROWS.map((r) => r[0]) },
      end_date: { type: 'date', values: ROWS.map((r) => r[1]) },
      net_profit_ytd: { type: 'number', values: ROWS.map((r) => r[2]) },
    });
    const panel = pitPanelFromTable(table, 'net_profit_ytd', ['000001.SZ', '600519.SH'], CAL, 'singleQuarter');
    expect([...panel.subarray(CAL.length)]).toEqual([...pitSingleQuarter(REPORTS, CAL)]);
    expect(groupTableByAsset(table, ['600519.SH'], 'ann_date').unmatchedRows).toBe(0);
  });

  it('fills as-of, interval and membership panels', () => {
    const cal = Int32Array.from([20131231, 20140102, 20210730]);
    const rowsCodes = [0, 1, 0, 0];
    const inDate = [20140101, 20100101, 20010731, 20210730];
    const outDate = [20210730, 0, 20140101, 0];
    const vals = [2, 5, 1, 3];
    const g = groupRowsByAsset(rowsCodes, [1, 0], 2, inDate);
    expect([...intervalPanel(g, inDate, outDate, vals, cal)]).toEqual([5, 5, 5, 1, 2, 3]);
    expect([...intervalPanel(g, inDate, outDate, vals, cal, { out: new Int32Array(6) })]).toEqual([5, 5, 5, 1, 2, 3]);
    expect([...membershipPanel(g, inDate, outDate, cal)]).toEqual([1, 1, 1, 1, 1, 1]);
    expect([...asOfPanel(g, inDate, vals, cal)]).toEqual([5, 5, 5, 1, 2, 3]);
  });

  it('rejects an asset index outside the panel', () => {
    expect(thrown(() => groupRowsByAsset([0], [5], 2)).code).toBe('FK_INVALID_ARGUMENT');
  });
});
