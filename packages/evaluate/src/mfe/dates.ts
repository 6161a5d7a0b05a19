import { type DateString, dateIntToEpochDay, dateToInt } from '@factorkit/core';

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
export function epochDay(date: DateString): number {
  return dateIntToEpochDay(dateToInt(date));
}

/** Day of the week, ISO numbering: 1 = Monday … 7 = Sunday. */
function isoWeekday(day: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The ISO week of an epoch day, keyed by the epoch day of its Monday. */
export function weekKeyOfDay(day: number): number {
  return day - isoWeekday(day) + 1;
}

/** The ISO week of a date, keyed by the epoch day of its Monday. */
export function weekKey(date: DateString): number {
  return weekKeyOfDay(epochDay(date));
}

/** `year × 12 + month − 1` of a date. */
export function monthKey(date: DateString): number {
  const value = dateToInt(date);
  return Math.floor(value / 10_000) * 12 + (Math.floor(value / 100) % 100) - 1;
}

/** The calendar year of a date. */
export function yearOf(date: DateString): number {
  return Math.floor(dateToInt(date) / 10_000);
}

/** `year × 12 + month − 1` of an epoch day. */
function monthKeyOfDay(day: number): number {
  const d = new Date(day * 86_400_000);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** The first weekday (Monday–Friday) after an epoch day. */
function nextWeekday(day: number): number {
  let next = day + 1;
  while (isoWeekday(next) > 5) next++;
  return next;
}

/**
 * Whether `date`, the last trading day a calendar knows, closes its period: no weekday follows it
 * in the same month (`month`) or ISO week (`week`). Holidays after the calendar's end are unknown,
 * so a calendar ending on the last trading day before a month-end holiday does not count it.
 */
export function closesPeriodByWeekdays(date: DateString, period: 'week' | 'month'): boolean {
  const day = epochDay(date);
  const next = nextWeekday(day);
  return period === 'week' ? weekKeyOfDay(next) !== weekKeyOfDay(day) : monthKeyOfDay(next) !== monthKeyOfDay(day);
}
