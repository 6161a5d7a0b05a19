import { FactorkitError } from '@factorkit/core';
import { PIT_DERIVATIONS, type PitDerivation, type PitDerivationFn } from './derivations.js';
import { checkCalendar, checkLengths, type Numbers, outArray, rowsSortedBy } from './internal.js';
import { periodEndDate, periodIndex } from './period.js';

/**
 * Point-in-time fundamentals for one stock.
 *
 * Input: report rows (`ann_date`, `end_date`, value) in any order, and the trading calendar.
 * Output: one value per calendar day, **as known on that day**:
 * - a row is visible from its `ann_date` on, that day included (the dataset rule "on trading day
 *   d, use the latest row with ann_date ≤ d"); a row announced on a non-trading day is visible
 *   from the next trading day;
 * - each period (`end_date`) keeps the version with the latest visible `ann_date`: a restatement
 *   replaces the earlier value from its own `ann_date` on, never before;
 * - the output is the derivation evaluated for the most recent period visible that day (the
 *   largest visible `end_date`). A late report for an older period (an annual report published
 *   after the next Q1) does not displace the newer period, but from its `ann_date` on it is used
 *   by derivations that read that older period (a TTM, a year-ago base).
 *
 * Cost: O(rows · log rows) to order the rows (skipped when they come in `ann_date` order) plus
 * O(rows + days): the derivation runs once per distinct announcement date, and the value is held
 * until the next one.
 */

/** One stock's report rows, index-aligned. */
export interface ReportRows {
  /** Publication dates, `yyyymmdd` (the first day a row may be used). Must be non-empty. */
  readonly annDate: Numbers;
  /** Period ends, `yyyymmdd` quarter ends (03-31, 06-30, 09-30, 12-31). */
  readonly endDate: Numbers;
  /** The reported values; `NaN` = missing. */
  readonly value: Numbers;
}

/** Options of the point-in-time functions. */
export interface PitOptions {
  /**
   * `true` (default): a row whose value is `NaN` is treated as not reporting this field. It does
   * not make its period the latest and does not erase an earlier version. Sources such as
   * baostock leave a field empty in quarters where the company does not disclose it (main-business
   * revenue is mostly H1 and FY only); skipping keeps the last disclosed figure.
   * `false`: a `NaN` row is a real version: it can be the latest period and blanks its period.
   */
  readonly skipMissing?: boolean;
  /** Write the result here (length = calendar length) instead of allocating. */
  readonly out?: Float64Array;
  /**
   * When given (length = calendar length), receives each day's period used (its `end_date`
   * `yyyymmdd`, 0 when nothing is visible yet): for diagnostics and report-lag factors.
   */
  readonly periodOut?: Int32Array;
}

/**
 * A derivation of `reports` as known on each calendar day (see the module docs).
 *
 * @param reports one stock's rows, any order
 * @param calendar strictly increasing `yyyymmdd` trading days
 * @param derivation a built-in name (`latest`, `ttm`, `singleQuarter`, `yoySingleQuarter`,
 *   `yoyTtm`) or a custom {@link PitDerivationFn}
 * @returns `Float64Array` aligned with `calendar`; `NaN` when nothing is visible or a needed term is missing
 * @throws FactorkitError `FK_INVALID_DATA` for an empty `ann_date` or an `end_date` that is not a
 *   quarter end (naming the row); `FK_INVALID_ARGUMENT` for a bad calendar or mismatched lengths
 */
export function pointInTime(reports: ReportRows, calendar: Int32Array, derivation: PitDerivation, options: PitOptions = {}): Float64Array {
  const where = 'pointInTime';
  const n = checkLengths(where, { annDate: reports.annDate, endDate: reports.endDate, value: reports.value });
  checkCalendar(calendar, where);
  const out = outArray(options.out, calendar.length, where);
  const periodOut = checkPeriodOut(options.periodOut, calendar.length, where);
  const rows = rowsSortedBy(reports.annDate, n);
  sweepReports(reports.annDate, reports.endDate, reports.value, rows, 0, n, calendar, resolveDerivation(derivation), options.skipMissing ?? true, out, 0, periodOut);
  return out;
}

/** The latest period's value as known on each day: point-in-time "most recent quarter" (MRQ). */
export function pitLatest(reports: ReportRows, calendar: Int32Array, options: PitOptions = {}): Float64Array {
  return pointInTime(reports, calendar, 'latest', options);
}

/**
 * Trailing-twelve-month value of a year-to-date column as known on each day:
 * `TTM(P) = YTD(P) + FY(P.year − 1) − YTD(same quarter of P.year − 1)`, `FY(P)` for an annual
 * period, each term the version visible that day; `NaN` when any term is not visible.
 */
export function pitTtm(reports: ReportRows, calendar: Int32Array, options: PitOptions = {}): Float64Array {
  return pointInTime(reports, calendar, 'ttm', options);
}

/** Single-quarter value of a year-to-date column as known on each day: `YTD(Qk) − YTD(Qk−1)`, Q1 = `YTD(Q1)`. */
export function pitSingleQuarter(reports: ReportRows, calendar: Int32Array, options: PitOptions = {}): Float64Array {
  return pointInTime(reports, calendar, 'singleQuarter', options);
}

/** Options of {@link pitYoyGrowth}. */
export interface YoyOptions extends PitOptions {
  /** What is compared with the same period a year earlier: the single quarter (default) or the TTM value. */
  readonly basis?: 'singleQuarter' | 'ttm';
}

/**
 * Year-over-year growth of a year-to-date column's single quarter (default; 单季同比) or TTM, as
 * known on each day: `(X(P) − X(P − 1y)) / |X(P − 1y)|`, `NaN` when the base is 0 or missing. See
 * {@link yoyGrowthRate} for why the denominator is `|base|`.
 */
export function pitYoyGrowth(reports: ReportRows, calendar: Int32Array, options: YoyOptions = {}): Float64Array {
  return pointInTime(reports, calendar, options.basis === 'ttm' ? 'yoyTtm' : 'yoySingleQuarter', options);
}

/** @internal The derivation function for a name or function. */
export function resolveDerivation(derivation: PitDerivation): PitDerivationFn {
  if (typeof derivation === 'function') return derivation;
  const found = Object.prototype.hasOwnProperty.call(PIT_DERIVATIONS, derivation) ? PIT_DERIVATIONS[derivation] : undefined;
  if (!found) {
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      `unknown point-in-time derivation \`${String(derivation)}\`; expected one of ${Object.keys(PIT_DERIVATIONS).map((k) => `\`${k}\``).join(', ')} or a function`,
    );
  }
  return found;
}

/** @internal */
export function checkPeriodOut(periodOut: Int32Array | undefined, length: number, where: string): Int32Array | undefined {
  if (periodOut !== undefined && periodOut.length !== length) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: \`periodOut\` has length ${periodOut.length}, expected ${length}`);
  }
  return periodOut;
}

/**
 * @internal The sweep behind every point-in-time derivation: rows `rows[from..to)` (indices into
 * the columns, in `ann_date` order) are applied day by day; `out[outOffset + t]` receives the
 * derivation of the latest visible period on `calendar[t]` (and `periodOut[outOffset + t]` its end date).
 */
export function sweepReports(
  annDate: Numbers,
  endDate: Numbers,
  values: Numbers,
  rows: ArrayLike<number>,
  from: number,
  to: number,
  calendar: Int32Array,
  derive: PitDerivationFn,
  skipMissing: boolean,
  out: Float64Array,
  outOffset: number,
  periodOut?: Int32Array,
): void {
  // Pass 1: check the rows and find the span of periods, so the state is a dense array.
  let minP = Number.POSITIVE_INFINITY;
  let maxP = Number.NEGATIVE_INFINITY;
  let previousAnn = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) {
    const row = rows[i]!;
    const ann = annDate[row]!;
    if (!(ann > 0)) throw new FactorkitError('FK_INVALID_DATA', `report row ${row}: ann_date is empty (\`${ann}\`); a report without a publication date can never be used point in time`);
    if (ann < previousAnn) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `report rows must be ordered by ann_date; row ${row} (\`${ann}\`) comes after \`${previousAnn}\``);
    }
    previousAnn = ann;
    const p = periodIndex(endDate[row]!);
    if (Number.isNaN(p)) throw new FactorkitError('FK_INVALID_DATA', `report row ${row}: end_date \`${endDate[row]}\` is not a quarter end (03-31, 06-30, 09-30, 12-31)`);
    if (p < minP) minP = p;
    if (p > maxP) maxP = p;
  }
  const T = calendar.length;
  if (from === to) {
    out.fill(Number.NaN, outOffset, outOffset + T);
    periodOut?.fill(0, outOffset, outOffset + T);
    return;
  }
  // A stock has a few dozen periods: a small dense array beats a map.
  const state = new Float64Array(maxP - minP + 1).fill(Number.NaN);
  const lookup = (p: number): number => (p >= minP && p <= maxP ? state[p - minP]! : Number.NaN);

  let latest = Number.NEGATIVE_INFINITY;
  let current = Number.NaN;
  let currentEnd = 0;
  let i = from;
  for (let t = 0; t < T; t++) {
    const day = calendar[t]!;
    if (i < to && annDate[rows[i]!]! <= day) {
      do {
        const row = rows[i]!;
        const v = values[row]!;
        if (!(skipMissing && Number.isNaN(v))) {
          const p = periodIndex(endDate[row]!);
          state[p - minP] = v;
          if (p > latest) latest = p;
        }
        i++;
      } while (i < to && annDate[rows[i]!]! <= day);
      if (latest !== Number.NEGATIVE_INFINITY) {
        current = derive(lookup, latest);
        currentEnd = periodEndDate(latest);
      }
    }
    out[outOffset + t] = current;
    if (periodOut) periodOut[outOffset + t] = currentEnd;
  }
}
