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
    return this.ceilIndex(date, true) - 1;
  }

  ceil(date: DateString): number {
    return this.ceilIndex(date, false);
  }

  slice(start: number, end: number = this.dates.length): TradingCalendar {
    return new TradingCalendar(this.dates.slice(start, end));
  }

  /** First index whose date is > `date` (strict) or ≥ `date`. Dates compare as strings. */
  private ceilIndex(date: DateString, strict: boolean): number {
    let lo = 0;
    let hi = this.dates.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const here = this.dates[mid]!;
      if (strict ? here <= date : here < date) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
