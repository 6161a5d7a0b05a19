import { FactorkitError } from '@factorkit/core';
import { checkCalendar, checkLengths, lowerBound, type Numbers, outArray, rowsSortedBy } from './internal.js';

/**
 * Point-in-time values that are not period-based fundamentals:
 * - **announcement-dated values** ({@link pitAsOf}): each row is a value published on a date (an
 *   annual report's executive pay, a share count, a rating); on day d the value is that of the
 *   row with the latest date ≤ d;
 * - **interval tables** ({@link intervalValues}, {@link intervalMask}): industry classification,
 *   index membership; a row holds on `in_date ≤ d < out_date` (half-open, an empty `out_date`,
 *   stored as 0, meaning still open).
 */

/** Announcement-dated rows of one stock, index-aligned. */
export interface DatedRows {
  /** The first day each row may be used, `yyyymmdd` (e.g. `ann_date`). */
  readonly date: Numbers;
  /** The values; `NaN` = missing. */
  readonly value: Numbers;
}

/** Options of {@link pitAsOf}. */
export interface AsOfOptions {
  /** `true` (default): a `NaN` row is skipped (the previous value stays); `false`: it blanks the value from its date on. */
  readonly skipMissing?: boolean;
  /** Write the result here (length = calendar length). */
  readonly out?: Float64Array;
}

/**
 * The value of the row with the latest `date ≤ d` on each calendar day `d` (rows with equal dates:
 * the later one in input order wins); `NaN` before the first row. O(rows · log rows + days).
 *
 * Unlike {@link pointInTime}, this ignores report periods: a row published later always wins,
 * even for an older period. Use it for values that are not period-based, or when "the most
 * recently published figure" is what is meant.
 *
 * @throws FactorkitError `FK_INVALID_DATA` for an empty date; `FK_INVALID_ARGUMENT` for a bad calendar or mismatched lengths
 */
export function pitAsOf(rows: DatedRows, calendar: Int32Array, options: AsOfOptions = {}): Float64Array {
  const where = 'pitAsOf';
  const n = checkLengths(where, { date: rows.date, value: rows.value });
  checkCalendar(calendar, where);
  const out = outArray(options.out, calendar.length, where);
  sweepAsOf(rows.date, rows.value, rowsSortedBy(rows.date, n), 0, n, calendar, options.skipMissing ?? true, out, 0);
  return out;
}

/** @internal The sweep behind {@link pitAsOf}: `rows[from..to)` in date order. */
export function sweepAsOf(
  date: Numbers,
  values: Numbers,
  rows: ArrayLike<number>,
  from: number,
  to: number,
  calendar: Int32Array,
  skipMissing: boolean,
  out: Float64Array,
  outOffset: number,
): void {
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) {
    const row = rows[i]!;
    const d = date[row]!;
    if (!(d > 0)) throw new FactorkitError('FK_INVALID_DATA', `row ${row}: the date is empty (\`${d}\`); an undated value can never be used point in time`);
    if (d < previous) throw new FactorkitError('FK_INVALID_ARGUMENT', `rows must be ordered by date; row ${row} (\`${d}\`) comes after \`${previous}\``);
    previous = d;
  }
  let current = Number.NaN;
  let i = from;
  for (let t = 0; t < calendar.length; t++) {
    const day = calendar[t]!;
    while (i < to && date[rows[i]!]! <= day) {
      const v = values[rows[i]!]!;
      if (!(skipMissing && Number.isNaN(v))) current = v;
      i++;
    }
    out[outOffset + t] = current;
  }
}

/** Interval rows of one stock, index-aligned. */
export interface IntervalRows {
  /** First day of each interval, `yyyymmdd`. */
  readonly inDate: Numbers;
  /** First day after each interval, `yyyymmdd`; 0 (an empty cell) = still open. */
  readonly outDate: Numbers;
}

/** Interval rows carrying a value (an industry code, a weight…). */
export interface IntervalValueRows extends IntervalRows {
  readonly value: Numbers;
}

/** Options of {@link intervalValues}. */
export interface IntervalOptions {
  /**
   * Write the result here (length = calendar length). Pass an `Int32Array` to get integer codes
   * (e.g. a string column's dictionary codes) with −1 outside every interval, the layout of a
   * core `CategoricalPanel`; a `Float64Array` gets `NaN` outside.
   */
  readonly out?: Float64Array | Int32Array;
}

/**
 * The value of the interval containing each calendar day (`in_date ≤ d < out_date`); `NaN` (or −1
 * in an `Int32Array` `out`) outside every interval. Where intervals overlap, the one with the later
 * `in_date` wins (ties: the later row). O(rows · log days + days covered).
 *
 * @throws FactorkitError `FK_INVALID_DATA` for an empty `in_date` or an `out_date` before its
 *   `in_date`; `FK_INVALID_ARGUMENT` for a bad calendar or mismatched lengths
 */
export function intervalValues(rows: IntervalValueRows, calendar: Int32Array, options: { readonly out: Int32Array }): Int32Array;
export function intervalValues(rows: IntervalValueRows, calendar: Int32Array, options?: { readonly out?: Float64Array }): Float64Array;
export function intervalValues(rows: IntervalValueRows, calendar: Int32Array, options: IntervalOptions = {}): Float64Array | Int32Array {
  const where = 'intervalValues';
  const n = checkLengths(where, { inDate: rows.inDate, outDate: rows.outDate, value: rows.value });
  checkCalendar(calendar, where);
  const out = options.out ?? new Float64Array(calendar.length);
  if (out.length !== calendar.length) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: \`out\` has length ${out.length}, expected ${calendar.length}`);
  out.fill(out instanceof Int32Array ? -1 : Number.NaN);
  fillIntervals(rows.inDate, rows.outDate, rows.value, rowsSortedBy(rows.inDate, n), 0, n, calendar, out, 0);
  return out;
}

/**
 * 1 on each calendar day inside one of the intervals (`in_date ≤ d < out_date`), 0 elsewhere:
 * index membership, listing status.
 */
export function intervalMask(rows: IntervalRows, calendar: Int32Array, options: { readonly out?: Uint8Array } = {}): Uint8Array {
  const where = 'intervalMask';
  const n = checkLengths(where, { inDate: rows.inDate, outDate: rows.outDate });
  checkCalendar(calendar, where);
  const out = options.out ?? new Uint8Array(calendar.length);
  if (out.length !== calendar.length) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: \`out\` has length ${out.length}, expected ${calendar.length}`);
  out.fill(0);
  fillIntervals(rows.inDate, rows.outDate, undefined, rowsSortedBy(rows.inDate, n), 0, n, calendar, out, 0);
  return out;
}

/**
 * @internal Fill `out[outOffset + t]` for the days of each interval `rows[from..to)` (in `in_date`
 * order, so later intervals overwrite earlier ones) with its value, or 1 when `values` is absent.
 */
export function fillIntervals(
  inDate: Numbers,
  outDate: Numbers,
  values: Numbers | undefined,
  rows: ArrayLike<number>,
  from: number,
  to: number,
  calendar: Int32Array,
  out: { [index: number]: number; fill(value: number, start?: number, end?: number): unknown },
  outOffset: number,
): void {
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) {
    const row = rows[i]!;
    const start = inDate[row]!;
    const end = outDate[row]!;
    if (!(start > 0)) throw new FactorkitError('FK_INVALID_DATA', `interval row ${row}: in_date is empty (\`${start}\`)`);
    if (start < previous) throw new FactorkitError('FK_INVALID_ARGUMENT', `interval rows must be ordered by in_date; row ${row} (\`${start}\`) comes after \`${previous}\``);
    previous = start;
    const open = !(end > 0);
    if (!open && end < start) throw new FactorkitError('FK_INVALID_DATA', `interval row ${row}: out_date \`${end}\` is before in_date \`${start}\``);
    const a = lowerBound(calendar, start);
    const b = open ? calendar.length : lowerBound(calendar, end);
    if (b > a) out.fill(values ? values[row]! : 1, outOffset + a, outOffset + b);
  }
}
