import { describe, expect, it } from 'vitest';
import { dateIntToEpochDay, dateToInt, epochDayToDateInt, intToDate, lowerBound, parseDate, upperBound } from '../src/index.js';
import { thrown } from './helpers.js';

describe('parseDate', () => {
  it('accepts the two forms the data files accept and returns YYYY-MM-DD', () => {
    expect(parseDate('2020-02-29')).toBe('2020-02-29');
    expect(parseDate('20200229')).toBe('2020-02-29');
    expect(parseDate(' 2023-01-05 ')).toBe('2023-01-05');
  });

  it('calls an impossible date a format error, not "outside the calendar"', () => {
    const error = thrown(() => parseDate('2020-02-30', '--start'));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toBe('--start: `"2020-02-30"` is not a real date');
    expect(thrown(() => parseDate('20210229', '--end')).message).toContain('is not a real date');
  });

  it('names the accepted forms for malformed text', () => {
    for (const text of ['2020/1/2', '2020-1-2', '2020-0102', 'yesterday', '', '2020-01-02T00:00']) {
      const error = thrown(() => parseDate(text, '--start'));
      expect(error.message, text).toMatch(/^--start: .* is not a date \(expected YYYY-MM-DD or YYYYMMDD\)$/);
    }
  });
});

describe('dateToInt / intToDate', () => {
  it('round-trips every day of a leap year and a common year, checked against Date.UTC', () => {
    for (const year of [2023, 2024]) {
      for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000) {
        const iso = new Date(day).toISOString().slice(0, 10);
        const n = dateToInt(iso);
        expect(n).toBe(Number(iso.replaceAll('-', '')));
        expect(dateToInt(iso.replaceAll('-', ''))).toBe(n);
        expect(intToDate(n)).toBe(iso);
      }
    }
    expect(dateToInt('2023-02-29')).toBeNaN();
    expect(dateToInt('1900-02-29')).toBeNaN();
    expect(dateToInt('2000-02-29')).toBe(20000229);
  });
});

describe('lowerBound / upperBound', () => {
  it('agree with a linear scan on numbers and on date strings', () => {
    const numbers = [1, 3, 3, 3, 7, 9, 9, 12];
    const strings = ['2020-01-02', '2020-01-03', '2020-01-03', '2020-02-10'];
    for (let v = 0; v <= 13; v++) {
      expect(lowerBound(numbers, v)).toBe(numbers.filter((x) => x < v).length);
      expect(upperBound(numbers, v)).toBe(numbers.filter((x) => x <= v).length);
      expect(lowerBound(Int32Array.from(numbers), v)).toBe(numbers.filter((x) => x < v).length);
    }
    for (const v of ['2019-12-31', '2020-01-03', '2020-01-04', '2020-03-01']) {
      expect(lowerBound(strings, v)).toBe(strings.filter((x) => x < v).length);
      expect(upperBound(strings, v)).toBe(strings.filter((x) => x <= v).length);
    }
    expect(lowerBound(numbers, 3, 2, 6)).toBe(2);
    expect(upperBound(numbers, 3, 0, 2)).toBe(2);
  });
});

describe('dateIntToEpochDay / epochDayToDateInt', () => {
  it('count days since 1970-01-01 as Date.UTC does, both ways, across leap days and centuries', () => {
    for (let day = Date.UTC(1899, 11, 25) / 86_400_000; day < Date.UTC(2101, 0, 5) / 86_400_000; day += 37) {
      const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
      const n = dateToInt(iso);
      expect(dateIntToEpochDay(n)).toBe(day);
      expect(epochDayToDateInt(day)).toBe(n);
    }
    expect(dateIntToEpochDay(19700101)).toBe(0);
    expect(dateIntToEpochDay(20000301) - dateIntToEpochDay(20000228)).toBe(2);
  });
});
