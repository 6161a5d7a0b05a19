import { FactorkitError, show } from './errors.js';

/** A calendar date written `YYYY-MM-DD` (ISO 8601), the only date form in factorkit's APIs. */
export type DateString = string;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
export function isDateString(text: unknown): text is DateString {
  if (typeof text !== 'string') return false;
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Days in `month` (1–12) of `year`, Gregorian. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const ANY_DATE = /^(\d{4})-?(\d{2})-?(\d{2})$/;

/**
 * `2023-06-30` or `20230630` → the `yyyymmdd` integer `20230630`; `NaN` when the text is not a
 * real date in one of those two forms (`2020-02-30`, `2020/1/2`, `2020-1-2` are `NaN`).
 */
export function dateToInt(text: string): number {
  const match = ANY_DATE.exec(text);
  if (!match) return Number.NaN;
  // Both separators or neither: `2020-0102` is not a date.
  if (text.length !== 8 && text.length !== 10) return Number.NaN;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  return year * 10_000 + month * 100 + day;
}

/** The `yyyymmdd` integer `20230630` → `2023-06-30`. */
export function intToDate(value: number): DateString {
  const year = Math.floor(value / 10_000);
  const month = Math.floor(value / 100) % 100;
  const day = value % 100;
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** Days since 1970-01-01 of a `yyyymmdd` integer (for calendar-day arithmetic: weeks, months, ages). */
export function dateIntToEpochDay(value: number): number {
  return Math.floor(Date.UTC(Math.floor(value / 10_000), (Math.floor(value / 100) % 100) - 1, value % 100) / 86_400_000);
}

/** The `yyyymmdd` integer of a day count since 1970-01-01. */
export function epochDayToDateInt(day: number): number {
  const date = new Date(day * 86_400_000);
  return date.getUTCFullYear() * 10_000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

/** The accepted forms of a date on the command line, in configs and in data files, for messages. */
export const DATE_FORMATS = 'YYYY-MM-DD or YYYYMMDD';

/**
 * Parse a date written `YYYY-MM-DD` or `YYYYMMDD` (the forms the data files accept) into
 * `YYYY-MM-DD`. A malformed text and an impossible date (`2020-02-30`) are both format errors
 * naming `what` (an option or parameter such as `--start`).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT`.
 */
export function parseDate(text: string, what = 'date'): DateString {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const value = dateToInt(trimmed);
  if (Number.isNaN(value)) {
    const shape = ANY_DATE.test(trimmed) && (trimmed.length === 8 || trimmed.length === 10);
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      shape ? `${what}: ${show(text)} is not a real date` : `${what}: ${show(text)} is not a date (expected ${DATE_FORMATS})`,
      { details: { what, value: text } },
    );
  }
  return intToDate(value);
}

/**
 * Index of the first element of the ascending `sorted` that is ≥ `value` (`sorted.length` when
 * none). Works on numbers (`yyyymmdd` integers) and on `YYYY-MM-DD` strings alike.
 */
export function lowerBound<T extends number | string>(sorted: ArrayLike<T>, value: T, lo = 0, hi = sorted.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of the ascending `sorted` that is > `value` (`sorted.length` when none). */
export function upperBound<T extends number | string>(sorted: ArrayLike<T>, value: T, lo = 0, hi = sorted.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The trading days of a market, in order. Index `t` of every panel row refers to
 * `calendar.dates[t]`.
 */
export interface Calendar {
  readonly dates: readonly DateString[];
  readonly length: number;
  /** The date at index `t`; throws outside the calendar. */
  at(t: number): DateString;
  /** The index of `date`, or -1 when it is not a trading day of this calendar. */
  indexOf(date: DateString): number;
  /** The index of the last trading day on or before `date`; -1 when `date` precedes the calendar. */
  floor(date: DateString): number;
  /** The index of the first trading day on or after `date`; `length` when `date` is after the calendar. */
  ceil(date: DateString): number;
  /** A calendar of the trading days with index in `[start, end)`. */
  slice(start: number, end?: number): Calendar;
}

/** A {@link Calendar} over a sorted, duplicate-free list of `YYYY-MM-DD` dates. */
export class TradingCalendar implements Calendar {
  readonly dates: readonly DateString[];
  readonly #index: Map<DateString, number>;

  /**
   * @param dates trading days, strictly increasing, each `YYYY-MM-DD`.
   * @throws FactorkitError `FK_INVALID_DATA` naming the first offending position.
   */
  constructor(dates: readonly DateString[]) {
    const index = new Map<DateString, number>();
    for (let i = 0; i < dates.length; i++) {
      const date = dates[i]!;
      if (!isDateString(date)) {
        throw new FactorkitError('FK_INVALID_DATA', `calendar: date ${show(date)} at position ${i} is not a YYYY-MM-DD date`);
      }
      if (i > 0 && date <= dates[i - 1]!) {
        throw new FactorkitError(
          'FK_INVALID_DATA',
          `calendar: dates must be strictly increasing, but position ${i} (${date}) follows ${dates[i - 1]}`,
        );
      }
      index.set(date, i);
    }
    this.dates = Object.freeze([...dates]);
    this.#index = index;
  }

  get length(): number {
    return this.dates.length;
  }

  at(t: number): DateString {
    const date = this.dates[t];
    if (date === undefined) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `calendar: index ${t} is outside 0..${this.dates.length - 1}`);
    }
    return date;
  }

  indexOf(date: DateString): number {
    return this.#index.get(date) ?? -1;
  }

  floor(date: DateString): number {
    return upperBound(this.dates, date) - 1;
  }

  ceil(date: DateString): number {
    return lowerBound(this.dates, date);
  }

  slice(start: number, end: number = this.dates.length): TradingCalendar {
    return new TradingCalendar(this.dates.slice(start, end));
  }
}
