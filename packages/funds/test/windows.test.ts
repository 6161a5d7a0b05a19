import { isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { newHighRate, periodStart, quantileSorted, returnWindows } from '../src/index.js';
import { DATES, DATE_INTS } from './fixture.js';

describe('returnWindows', () => {
  it('starts each window at the last close before the period of the end day (hand-read from the calendar)', () => {
    // 2024-05-19 is a Sunday: every window ends on Friday 2024-05-17.
    const windows = returnWindows(DATE_INTS, '2024-05-19');
    const got = Object.fromEntries(windows.map((w) => [w.name, [w.periodStart, w.start, w.end, w.tradingDays]]));
    expect(got).toEqual({
      // Monday 05-13; the last close before it is Friday 05-10; 5 trading days after it.
      week: ['2024-05-13', '2024-05-10', '2024-05-17', 5],
      // 05-01 … 05-03 are holidays: the last close of April is 04-30; May has 10 trading days to the 17th.
      month: ['2024-05-01', '2024-04-30', '2024-05-17', 10],
      // The previous quarter's last close is 03-29 (Friday); April has 20 trading days (04-04/05 off).
      quarter: ['2024-04-01', '2024-03-29', '2024-05-17', 30],
      ytd: ['2024-01-01', '2023-12-29', '2024-05-17', DATES.indexOf('2024-05-17') - DATES.indexOf('2023-12-29')],
    });
    for (const w of windows) expect(DATES[w.startIndex]).toBe(w.start);
  });

  it('uses the week of the end day when the as-of date is a holiday Monday', () => {
    const [week] = returnWindows(DATE_INTS, '2024-02-12', ['week']);
    // Spring festival: 02-09 … 02-16 closed. The end is Thursday 02-08, in the week of Monday 02-05.
    expect([week!.end, week!.periodStart, week!.start, week!.tradingDays]).toEqual(['2024-02-08', '2024-02-05', '2024-02-02', 4]);
  });

  it('has no start when the calendar begins inside the period, and refuses an as-of date before the data', () => {
    const [ytd, week] = returnWindows(DATE_INTS, '2023-12-20', ['ytd', 'week']);
    expect([ytd!.startIndex, ytd!.start, ytd!.tradingDays]).toEqual([-1, undefined, 0]);
    // Monday 12-18 is the first trading day: nothing before it.
    expect(week!.startIndex).toBe(-1);
    let error: unknown;
    try {
      returnWindows(DATE_INTS, '2023-12-01', undefined, '--as-of');
    } catch (e) {
      error = e;
    }
    expect(isFactorkitError(error) && error.code === 'FK_INVALID_ARGUMENT').toBe(true);
    expect((error as Error).message).toContain('--as-of: `2023-12-01` is before the data\'s first trading day `2023-12-18`');
  });

  it('periodStart: ISO weeks across a year end, quarters', () => {
    // 2024-01-03 is a Wednesday; its week began Monday 2024-01-01. 2023-01-01 was a Sunday.
    expect(periodStart('week', 20240103)).toBe(20240101);
    expect(periodStart('week', 20230101)).toBe(20221226);
    expect(periodStart('week', 20240107)).toBe(20240101);
    expect(periodStart('quarter', 20241231)).toBe(20241001);
    expect(periodStart('quarter', 20240630)).toBe(20240401);
    expect(periodStart('month', 20240229)).toBe(20240201);
    expect(periodStart('ytd', 20240229)).toBe(20240101);
  });
});

describe('newHighRate', () => {
  it('counts days strictly above every earlier value since the first, not only within the window', () => {
    // index:        0    1    2    3    4    5    6    7    8
    const values = [1.0, 1.3, 1.1, 1.2, 1.3, 1.31, NaN, 1.4, 1.35];
    // Window 2…8: the all-time high before it is 1.3 (index 1). 1.1, 1.2 below; 1.3 only equals it;
    // 1.31 is new; NaN is missing; 1.4 is new; 1.35 is not. 2 new highs over 6 days with a value.
    expect(newHighRate(values, { from: 2, to: 8 })).toEqual({ days: 6, newHighs: 2, rate: 2 / 6, missing: 1 });
    // Within the window only, 1.2 (index 3) would have been a "high": the history counts.
    // From the first value: it is no new high (nothing before it); 1.3, 1.31, 1.4 are.
    expect(newHighRate(values, { from: 0, to: 8 })).toEqual({ days: 8, newHighs: 3, rate: 3 / 8, missing: 1 });
    expect(newHighRate(values, { from: 3, to: 2 })).toEqual({ days: 0, newHighs: 0, rate: Number.NaN, missing: 0 });
  });

  it('equals a brute-force count on a random walk', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const values: number[] = [1];
    for (let t = 1; t < 500; t++) values.push(random() < 0.03 ? Number.NaN : (Number.isNaN(values[t - 1]!) ? values[t - 2]! : values[t - 1]!) * (1 + (random() - 0.48) * 0.03));
    for (const [from, to] of [
      [0, 499],
      [100, 180],
      [250, 499],
      [499, 499],
    ] as const) {
      let days = 0;
      let highs = 0;
      for (let t = from; t <= to; t++) {
        if (Number.isNaN(values[t]!)) continue;
        days++;
        const before = values.slice(0, t).filter((v) => !Number.isNaN(v));
        if (before.length > 0 && values[t]! > Math.max(...before)) highs++;
      }
      const got = newHighRate(values, { from, to });
      expect([got.days, got.newHighs]).toEqual([days, highs]);
    }
  });

  it('refuses a window outside the series', () => {
    expect(() => newHighRate([1, 2, 3], { from: 1, to: 3 })).toThrow(/newHighRate: window/);
    expect(() => newHighRate([1, 2, 3], { from: -1, to: 1 })).toThrow(/newHighRate: window/);
  });
});

describe('quantileSorted', () => {
  it('interpolates linearly between ranks (numpy’s default)', () => {
    // numpy.quantile([1, 2, 3, 4], [0.25, 0.5, 0.75]) = [1.75, 2.5, 3.25]
    expect([0.25, 0.5, 0.75].map((p) => quantileSorted([1, 2, 3, 4], p))).toEqual([1.75, 2.5, 3.25]);
    // numpy.quantile([-0.02, 0.01, 0.03], 0.25) = -0.005
    expect(quantileSorted([-0.02, 0.01, 0.03], 0.25)).toBeCloseTo(-0.005, 15);
    expect(quantileSorted([5], 0.75)).toBe(5);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});
