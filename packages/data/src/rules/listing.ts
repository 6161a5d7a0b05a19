import { FactorkitError } from '@factorkit/core';
import { checkCalendar, lowerBound, type Numbers } from '../pit/internal.js';

/**
 * Listing day, listing age and the ST flag of one stock, from its `is_trading` column aligned
 * with the calendar (1 = trading, 0 = suspended, `NaN` = no row).
 *
 * A listing position is a calendar index: the listing day when it falls inside the calendar,
 * {@link LISTED_BEFORE_CALENDAR} (−1) when the stock was already listed when the calendar starts,
 * and `calendar.length` when it never trades inside the calendar.
 */

/** The listing position of a stock listed before the calendar starts. */
export const LISTED_BEFORE_CALENDAR = -1;

/** Options of {@link findListing}. */
export interface FindListingOptions {
  /** The IPO date, `yyyymmdd` (`stocks.list_date`), when the dataset has it. Needs `calendar`. */
  readonly listDate?: number;
  readonly calendar?: Int32Array;
}

/**
 * The calendar index of the stock's listing day.
 *
 * With `listDate`: the first calendar day on or after it (−1 when it is before the calendar).
 * Without (cn-csi300 has no IPO dates), it is inferred: a stock whose first row is a trading
 * row *after* the calendar's first day is taken to list that day; a stock present on the first
 * calendar day, or whose first row is a suspension (it existed before), is taken as listed
 * before the calendar. This is right for new listings and for stocks suspended when the data
 * starts; a stock whose rows begin late for another reason (a data gap) is misread as a listing.
 *
 * @returns an index in `0..length-1`, −1 (listed before the calendar) or `length` (never trades)
 */
export function findListing(isTrading: Numbers, options: FindListingOptions = {}): number {
  const T = isTrading.length;
  if (options.listDate !== undefined && options.listDate > 0) {
    const calendar = options.calendar;
    if (!calendar) throw new FactorkitError('FK_INVALID_ARGUMENT', 'findListing: `listDate` needs `calendar`');
    checkCalendar(calendar, 'findListing');
    if (calendar.length !== T) throw new FactorkitError('FK_INVALID_ARGUMENT', `findListing: \`isTrading\` has length ${T}, the calendar ${calendar.length}`);
    if (T > 0 && options.listDate < calendar[0]!) return LISTED_BEFORE_CALENDAR;
    return lowerBound(calendar, options.listDate);
  }
  for (let t = 0; t < T; t++) {
    const status = isTrading[t]!;
    if (status === 1) return t === 0 ? LISTED_BEFORE_CALENDAR : t;
    if (status === 0) return LISTED_BEFORE_CALENDAR;
  }
  return T;
}

/**
 * Listing age in market trading days: 0 on the listing day, 1 the next calendar day, …;
 * `Infinity` for a stock listed before the calendar (older than any threshold). Suspended days
 * count: this is time since listing, as in "listed for 60 days". `NaN` before listing and on
 * every day without a row: whether a stock exists on such a day could only come from later rows.
 */
export function listingAge(isTrading: Numbers, listing: number, out?: Float64Array): Float64Array {
  const T = isTrading.length;
  const result = out ?? new Float64Array(T);
  if (result.length !== T) throw new FactorkitError('FK_INVALID_ARGUMENT', `listingAge: \`out\` has length ${result.length}, expected ${T}`);
  for (let t = 0; t < T; t++) {
    const present = isTrading[t] === 0 || isTrading[t] === 1;
    result[t] = !present ? Number.NaN : listing === LISTED_BEFORE_CALENDAR ? Number.POSITIVE_INFINITY : t >= listing ? t - listing : Number.NaN;
  }
  return result;
}

/**
 * The stock's own trading days since listing, before day t: 0 on the listing day, and on each
 * later day the number of `is_trading = 1` rows from the listing day up to the day before (so
 * the k-th trading day after listing, counting the listing day as the first, has k − 1).
 * Suspended days do not count, which is how the exchanges count "the first five trading days
 * after listing". `Infinity` for a stock listed before the calendar; `NaN` before listing and on
 * days without a row.
 */
export function tradingDaysSinceListing(isTrading: Numbers, listing: number, out?: Float64Array): Float64Array {
  const T = isTrading.length;
  const result = out ?? new Float64Array(T);
  if (result.length !== T) throw new FactorkitError('FK_INVALID_ARGUMENT', `tradingDaysSinceListing: \`out\` has length ${result.length}, expected ${T}`);
  let count = 0;
  for (let t = 0; t < T; t++) {
    const status = isTrading[t];
    const present = status === 0 || status === 1;
    if (!present || (listing !== LISTED_BEFORE_CALENDAR && t < listing)) {
      result[t] = Number.NaN;
      continue;
    }
    result[t] = listing === LISTED_BEFORE_CALENDAR ? Number.POSITIVE_INFINITY : count;
    if (status === 1) count++;
  }
  return result;
}

/**
 * 1 on days when the stock has a row and has been listed for at least `days` market trading days
 * ({@link listingAge} ≥ `days`), else 0.
 */
export function listedAtLeast(isTrading: Numbers, listing: number, days: number, out?: Uint8Array): Uint8Array {
  if (!(days >= 0)) throw new FactorkitError('FK_INVALID_ARGUMENT', `listedAtLeast: \`days\` must be ≥ 0, got \`${days}\``);
  const T = isTrading.length;
  const result = out ?? new Uint8Array(T);
  if (result.length !== T) throw new FactorkitError('FK_INVALID_ARGUMENT', `listedAtLeast: \`out\` has length ${result.length}, expected ${T}`);
  const age = listingAge(isTrading, listing);
  for (let t = 0; t < T; t++) result[t] = age[t]! >= days ? 1 : 0;
  return result;
}

/** The ST flag as a 0/1 mask: 1 where `is_st` is 1 (ST or *ST that day, known before the open), 0 otherwise, missing included. */
export function stFlag(isSt: Numbers, out?: Uint8Array): Uint8Array {
  const result = out ?? new Uint8Array(isSt.length);
  if (result.length !== isSt.length) throw new FactorkitError('FK_INVALID_ARGUMENT', `stFlag: \`out\` has length ${result.length}, expected ${isSt.length}`);
  for (let t = 0; t < isSt.length; t++) result[t] = isSt[t] === 1 ? 1 : 0;
  return result;
}
