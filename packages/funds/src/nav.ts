import { type DateString, intToDate, lowerBound } from '@factorkit/core';
import { type Table, dateColumn, numberColumn, stringColumn } from '@factorkit/data';
import { rowWhere, tableFile } from './tables.js';

/**
 * One fund's NAV series: a value on every trading day from its first NAV to its last one up to
 * the as-of date, with no gap (a fund whose rows leave a gap has no series: see {@link NavProblem}).
 */
export interface NavSeries {
  readonly fund: string;
  /** Calendar index of the first NAV. */
  readonly first: number;
  /** `values[k]` is the NAV at the close of calendar day `first + k`. */
  readonly values: Float64Array;
}

/** Why a fund's NAV rows cannot make a series. */
export type NavProblemKind = 'duplicate' | 'gap' | 'not_trading_day' | 'bad_value';

/** A fund whose NAV rows are faulty: the first fault in date order, and how many there are. */
export interface NavProblem {
  readonly fund: string;
  readonly kind: NavProblemKind;
  /** The date of the first fault. */
  readonly date: DateString;
  /** Faults of this fund (of every kind). */
  readonly count: number;
  /** A sentence naming the file, the line(s), the fund and the date. */
  readonly message: string;
}

/** What {@link readFundNavs} found. */
export interface FundNavs {
  /** The series of every fund whose rows up to the end are sound, by fund code. */
  readonly series: ReadonlyMap<string, NavSeries>;
  /** One entry per fund whose rows are not (no series for it). */
  readonly problems: readonly NavProblem[];
  /** Rows dated after the end day, not read. */
  readonly rowsAfterEnd: number;
  readonly column: string;
}

/**
 * The NAV series of every fund in the `fund_nav` table, read up to calendar day `endIndex` (rows
 * dated later are not read: nothing after the as-of date is used). `column` is the NAV column
 * (default `nav`: the **adjusted unit NAV, dividends reinvested**, as the dataset format defines
 * it; an `accum_nav` or unit-NAV column a dataset adds may be named instead).
 *
 * Faults make a fund's rows unusable, each named with the file, line, fund and date:
 * - `duplicate`: two rows for one fund and date (which one is right cannot be told);
 * - `gap`: a trading day of the calendar without a row between the fund's first and last NAV;
 * - `not_trading_day`: a row dated on a day that is not in the calendar;
 * - `bad_value`: a NAV that is not a positive number, or a row without a fund code.
 *
 * Rows need not be sorted. Pure: the caller decides whether a fault is fatal.
 */
export function readFundNavs(table: Table, dates: ArrayLike<number>, options: { readonly endIndex: number; readonly column?: string }): FundNavs {
  const column = options.column ?? 'nav';
  const codes = stringColumn(table, 'fund_code');
  const days = dateColumn(table, 'trade_date');
  const navs = numberColumn(table, column);
  const endDate = dates[options.endIndex]!;
  const rows: number[] = [];
  let rowsAfterEnd = 0;
  for (let r = 0; r < table.rowCount; r++) {
    if (days[r]! > endDate) rowsAfterEnd++;
    else rows.push(r);
  }
  const fundOf = (r: number): string => (codes.codes[r]! < 0 ? '' : codes.dictionary[codes.codes[r]!]!);
  // By fund, then date, then file order (so the first of two duplicates comes first).
  rows.sort((a, b) => codes.codes[a]! - codes.codes[b]! || days[a]! - days[b]! || a - b);

  const series = new Map<string, NavSeries>();
  const problems: NavProblem[] = [];
  const file = tableFile(table);
  for (let g = 0; g < rows.length; ) {
    const code = codes.codes[rows[g]!]!;
    let h = g;
    while (h < rows.length && codes.codes[rows[h]!] === code) h++;
    const group = rows.slice(g, h);
    g = h;
    const fund = fundOf(group[0]!);
    const faults: { kind: NavProblemKind; date: number; message: string }[] = [];
    const index = new Int32Array(group.length);
    for (let k = 0; k < group.length; k++) {
      const r = group[k]!;
      const day = days[r]!;
      const t = lowerBound(dates, day);
      const at = t < dates.length && dates[t] === day ? t : -1;
      index[k] = at;
      const nav = navs[r]!;
      if (fund === '') faults.push({ kind: 'bad_value', date: day, message: `${rowWhere(table, r)}: a \`fund_nav\` row without a fund code` });
      else if (at < 0) faults.push({ kind: 'not_trading_day', date: day, message: `${rowWhere(table, r)}: fund \`${fund}\` has a NAV dated \`${show(day)}\`, which is not a trading day of the calendar` });
      else if (!(nav > 0) || !Number.isFinite(nav)) faults.push({ kind: 'bad_value', date: day, message: `${rowWhere(table, r)}: fund \`${fund}\` on \`${show(day)}\`: NAV \`${nav}\` (column \`${column}\`) is not a positive number` });
      if (k > 0 && days[group[k - 1]!] === day) {
        faults.push({ kind: 'duplicate', date: day, message: `${rowWhere(table, r)}: fund \`${fund}\` has a second NAV on \`${show(day)}\` (the first is at ${rowWhere(table, group[k - 1]!)})` });
      }
    }
    // Gaps between consecutive trading-day rows.
    let previous = -1;
    for (let k = 0; k < group.length; k++) {
      const t = index[k]!;
      if (t < 0) continue;
      if (previous >= 0 && t > index[previous]! + 1) {
        const missing = t - index[previous]! - 1;
        const p = group[previous]!;
        const r = group[k]!;
        faults.push({
          kind: 'gap',
          date: dates[index[previous]! + 1]!,
          message: `${file}: fund \`${fund}\` has no NAV on \`${show(dates[index[previous]! + 1]!)}\`${missing > 1 ? ` nor on ${missing - 1} more trading day${missing > 2 ? 's' : ''} up to \`${show(dates[t - 1]!)}\`` : ''}, between its NAVs of \`${show(days[p]!)}\` (${lineOf(table, p)}) and \`${show(days[r]!)}\` (${lineOf(table, r)})`,
        });
      }
      previous = k;
    }
    if (faults.length > 0) {
      faults.sort((a, b) => a.date - b.date);
      const first = faults[0]!;
      const more = faults.length - 1;
      problems.push({
        fund,
        kind: first.kind,
        date: intToDate(first.date),
        count: faults.length,
        message: more > 0 ? `${first.message} (and ${more} more fault${more === 1 ? '' : 's'} in this fund's rows)` : first.message,
      });
      continue;
    }
    const firstIndex = index[0]!;
    const values = new Float64Array(group.length);
    for (let k = 0; k < group.length; k++) values[k] = navs[group[k]!]!;
    series.set(fund, { fund, first: firstIndex, values });
  }
  problems.sort((a, b) => (a.fund < b.fund ? -1 : a.fund > b.fund ? 1 : 0));
  return { series, problems, rowsAfterEnd, column };
}

function show(day: number): string {
  return intToDate(day);
}

function lineOf(table: Table, row: number): string {
  const line = table.lines?.[row];
  return line === undefined ? `row ${row + 1}` : `line ${line}`;
}
