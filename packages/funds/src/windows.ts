import { type DateString, FactorkitError, dateIntToEpochDay, dateToInt, epochDayToDateInt, intToDate, lowerBound, upperBound } from '@factorkit/core';

/** The return windows of the sell-side fund table: 本周, 本月, 本季, 今年以来. */
export type WindowName = 'week' | 'month' | 'quarter' | 'ytd';

/** Every window, in the order the tables list them. */
export const WINDOWS: readonly WindowName[] = ['week', 'month', 'quarter', 'ytd'];

/**
 * One return window over the trading calendar, ending at the last trading day on or before the
 * as-of date (`end`). It starts at the **close of the last trading day before the period that
 * holds `end`** (`start`), so its return is the change from that close to `end`'s close, and its
 * trading days are those after `start` up to `end` (`end − start` of them):
 *
 * - `week`: the period is `end`'s calendar week, Monday to Sunday (ISO 8601); the start is the
 *   last close before that Monday (usually the previous Friday's);
 * - `month`: `end`'s calendar month; the start is the previous month's last close;
 * - `quarter`: `end`'s calendar quarter (Jan–Mar, Apr–Jun, Jul–Sep, Oct–Dec); the start is the
 *   previous quarter's last close;
 * - `ytd`: `end`'s calendar year; the start is the previous year's last close.
 *
 * The periods are those of `end`, not of the as-of date: an as-of date on a Sunday ends each
 * window at the Friday before, in that Friday's week. This is the sell-side convention of the
 * weekly fund tables (本周 / 本月 / 本季 / 今年以来).
 */
export interface ReturnWindow {
  readonly name: WindowName;
  /** The first calendar day of the period (`2024-06-24` for a week ending Friday 2024-06-28). */
  readonly periodStart: DateString;
  /** Calendar index of the start close; −1 when the calendar begins inside the period (no start). */
  readonly startIndex: number;
  /** The start close's date; `undefined` when there is none. */
  readonly start: DateString | undefined;
  /** Calendar index of the last trading day on or before the as-of date. */
  readonly endIndex: number;
  readonly end: DateString;
  /** Trading days in the window: `endIndex − startIndex` (0 when there is no start). */
  readonly tradingDays: number;
}

/** The first calendar day (`yyyymmdd`) of the period `name` that holds the day `date` (`yyyymmdd`). */
export function periodStart(name: WindowName, date: number): number {
  const year = Math.floor(date / 10_000);
  const month = Math.floor(date / 100) % 100;
  switch (name) {
    case 'week': {
      const day = dateIntToEpochDay(date);
      // 1970-01-01 was a Thursday: (day + 3) mod 7 counts from Monday.
      return epochDayToDateInt(day - (((day + 3) % 7) + 7) % 7);
    }
    case 'month':
      return year * 10_000 + month * 100 + 1;
    case 'quarter':
      return year * 10_000 + (Math.floor((month - 1) / 3) * 3 + 1) * 100 + 1;
    case 'ytd':
      return year * 10_000 + 101;
  }
}

/**
 * The windows ending at `asOf` (`YYYY-MM-DD`) on the trading days `dates` (ascending `yyyymmdd`
 * integers, as a dataset holds them); see {@link ReturnWindow} for the definitions.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming `what` when `asOf` precedes the first trading day.
 */
export function returnWindows(dates: ArrayLike<number>, asOf: DateString, windows: readonly WindowName[] = WINDOWS, what = 'asOf'): ReturnWindow[] {
  const asOfInt = dateToInt(asOf);
  if (!Number.isFinite(asOfInt)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: \`${asOf}\` is not a YYYY-MM-DD date`);
  const endIndex = upperBound(dates, asOfInt) - 1;
  if (endIndex < 0) {
    const first = dates.length > 0 ? intToDate(dates[0]!) : undefined;
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: \`${asOf}\` is before the data's first trading day${first ? ` \`${first}\`` : ' (the calendar is empty)'}`, {
      details: { asOf, first },
    });
  }
  const endInt = dates[endIndex]!;
  return windows.map((name) => {
    const boundary = periodStart(name, endInt);
    const startIndex = lowerBound(dates, boundary) - 1;
    return {
      name,
      periodStart: intToDate(boundary),
      startIndex,
      start: startIndex >= 0 ? intToDate(dates[startIndex]!) : undefined,
      endIndex,
      end: intToDate(endInt),
      tradingDays: startIndex >= 0 ? endIndex - startIndex : 0,
    };
  });
}
