import { isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { type MfeDaily, mfeAggregates } from '../src/index.js';

// Twelve trading days around New Year 2024 (1 January a holiday), from the close of Tue 26 Dec 2023.
const daily: Pick<MfeDaily, 'inception' | 'dates' | 'portfolio' | 'benchmark'> = {
  inception: '2023-12-26',
  dates: ['2023-12-27', '2023-12-28', '2023-12-29', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12'],
  portfolio: Float64Array.of(0.01, -0.02, 0.005, 0.003, 0, -0.01, 0.02, 0.004, -0.003, 0.006, 0.001, -0.002),
  benchmark: Float64Array.of(0.008, -0.01, 0, 0.004, 0.001, -0.012, 0.015, 0, -0.001, 0.005, 0.002, 0),
};

// Expected values from an independent script (Python's float products, statistics.stdev and a
// brute-force drawdown over every pair of points of the excess curve).
describe('mfeAggregates', () => {
  const a = mfeAggregates(daily, '2024-01-10');

  it('compounds the week, the month, the year to date and the whole history geometrically', () => {
    expect(a.days).toBe(10);
    expect(a.week).toMatchObject({ start: '2024-01-08', end: '2024-01-10', days: 3 });
    expect(a.week.portfolio).toBeCloseTo(0.006993927999999983, 15);
    expect(a.week.benchmark).toBeCloseTo(0.003994999999999971, 15);
    expect(a.week.excess).toBeCloseTo(0.0029869949551541985, 15);
    expect(a.month).toMatchObject({ start: '2024-01-02', end: '2024-01-10', days: 7 });
    expect(a.month.excess).toBeCloseTo(0.007954258663676494, 15);
    expect(a.ytd).toEqual(a.month);
    expect(a.total).toMatchObject({ start: '2023-12-27', end: '2024-01-10', days: 10 });
    expect(a.total.portfolio).toBeCloseTo(0.014557492443352915, 15);
    expect(a.total.excess).toBeCloseTo(0.004751373708747453, 15);
    expect(a.calendarYears.map((y) => [y.year, y.days])).toEqual([
      [2023, 3],
      [2024, 7],
    ]);
    expect(a.calendarYears[0]!.excess).toBeCloseTo(-0.0031776094276095845, 15);
    expect(a.calendarYears[1]!.excess).toBeCloseTo(a.month.excess, 15);
  });

  it('annualises over calendar time from inception; excess volatility, IR, drawdown, weekly win rate', () => {
    expect(a.years).toBeCloseTo(15 / 365.25, 15);
    expect(a.annualisedExcess).toBeCloseTo(0.12234692318051898, 12);
    expect(a.annualisedPortfolio).toBeCloseTo(0.4217941752928087, 12);
    expect(a.excessVolatility).toBeCloseTo(0.06978252419306995, 12);
    expect(a.informationRatio).toBeCloseTo(1.7532602122849144, 11);
    expect(a.maxDrawdown.value).toBeCloseTo(0.010101010101010055, 15);
    expect([a.maxDrawdown.peak, a.maxDrawdown.trough]).toEqual(['2023-12-27', '2023-12-28']);
    // Weeks of 25 Dec (−0.32%), 1 Jan (+0.50%), 8 Jan (+0.30%, partial up to asOf).
    expect([a.weeks, a.weeksWon, a.winRate]).toEqual([3, 2, 2 / 3]);
  });

  it('an asOf on a weekend or a holiday takes the week and month it falls in', () => {
    const sunday = mfeAggregates(daily, '2024-01-07');
    expect(sunday.week).toMatchObject({ start: '2024-01-02', end: '2024-01-05', days: 4 });
    expect(sunday.week.excess).toBeCloseTo(0.004952470703515122, 15);
    expect(sunday.month).toEqual(sunday.week);
    // New Year's Day: no trading day yet this week, month or year.
    const holiday = mfeAggregates(daily, '20240101');
    expect(holiday.asOf).toBe('2024-01-01');
    for (const w of [holiday.week, holiday.month, holiday.ytd]) expect(w).toEqual({ start: undefined, end: undefined, days: 0, portfolio: 0, benchmark: 0, excess: 0 });
    expect(holiday.total.days).toBe(3);
  });

  it('before the series everything is NaN; bad input is refused', () => {
    const early = mfeAggregates(daily, '2023-12-26');
    expect(early.days).toBe(0);
    expect(early.annualisedExcess).toBeNaN();
    expect(early.week.excess).toBeNaN();
    const bad = (() => {
      try {
        mfeAggregates(daily, '2024-02-30');
      } catch (error) {
        return error;
      }
    })();
    expect(isFactorkitError(bad) && bad.code).toBe('FK_INVALID_ARGUMENT');
    const short = (() => {
      try {
        mfeAggregates({ ...daily, benchmark: daily.benchmark.subarray(1) }, '2024-01-10');
      } catch (error) {
        return error;
      }
    })();
    expect(isFactorkitError(short) && short.message).toBe('mfeAggregates: the series has 12 dates, 12 portfolio and 11 benchmark returns');
  });
});
