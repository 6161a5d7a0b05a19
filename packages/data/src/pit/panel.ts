import { FactorkitError } from '@factorkit/core';
import { dateColumn, numberColumn, stringColumn, type Table } from '../table.js';
import { fillIntervals, sweepAsOf } from './asof.js';
import type { PitDerivation } from './derivations.js';
import { checkPeriodOut, resolveDerivation, sweepReports } from './fundamentals.js';
import { checkCalendar, checkLengths, type Numbers, outArray } from './internal.js';

/**
 * Batch point-in-time panels: whole tables (all stocks) in, a column-major date × asset
 * `Float64Array` out, laid out as `values[asset * dates + t]` (the core `Panel` layout).
 *
 * Rows are grouped by asset once ({@link groupRowsByAsset}, O(rows + assets) plus a sort of each
 * asset's rows); the groups are reused for every value column and derivation of that table, and
 * each fill costs O(rows + assets × dates).
 *
 * ```ts
 * // fina: the `fina` Table; assets: panel column ids; calendar: Int32Array of yyyymmdd
 * const groups = groupTableByAsset(fina, assets, 'ann_date');
 * const dates = finaReportColumns(fina);
 * const npTtm = pitPanel(groups, dates, numberColumn(fina, 'net_profit_ytd'), calendar, 'ttm');
 * const npSq = pitPanel(groups, dates, numberColumn(fina, 'net_profit_ytd'), calendar, 'singleQuarter');
 * ```
 */

/** Rows of a table grouped by asset: asset `a` owns `rows[offsets[a] .. offsets[a + 1])`. */
export interface AssetGroups {
  readonly assetCount: number;
  /** `assetCount + 1` offsets into `rows`. */
  readonly offsets: Int32Array;
  /** Row indices, grouped by asset, each group ordered by the sort key (ties: input order). */
  readonly rows: Int32Array;
  /** Rows not used: an empty stock code, or a code with no asset in the panel. Counted, not silently lost. */
  readonly unmatchedRows: number;
}

/**
 * Group row indices by asset.
 *
 * @param codes per row, the stock's dictionary code (a `StringColumn`'s `codes`); −1 = empty
 * @param assetOfCode dictionary code → asset index (−1 = not in the panel); see {@link assetIndexOfCodes}
 * @param assetCount number of assets (panel columns)
 * @param sortKey order each asset's rows by this column (`ann_date` for reports, `in_date` for intervals)
 * @throws FactorkitError `FK_INVALID_ARGUMENT` for an asset index outside `0..assetCount-1`
 */
export function groupRowsByAsset(codes: Numbers, assetOfCode: Numbers, assetCount: number, sortKey?: Numbers): AssetGroups {
  const n = codes.length;
  if (sortKey !== undefined && sortKey.length !== n) throw new FactorkitError('FK_INVALID_ARGUMENT', `groupRowsByAsset: \`sortKey\` has ${sortKey.length} rows, \`codes\` ${n}`);
  const assetOfRow = new Int32Array(n);
  const offsets = new Int32Array(assetCount + 1);
  let unmatchedRows = 0;
  for (let row = 0; row < n; row++) {
    const code = codes[row]!;
    const asset = code >= 0 && code < assetOfCode.length ? assetOfCode[code]! : -1;
    if (asset >= assetCount || (asset < 0 && asset !== -1) || !Number.isInteger(asset)) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `groupRowsByAsset: code ${code} maps to asset \`${asset}\`, outside 0..${assetCount - 1}`);
    }
    assetOfRow[row] = asset;
    if (asset < 0) unmatchedRows++;
    else offsets[asset + 1]!++;
  }
  for (let a = 0; a < assetCount; a++) offsets[a + 1]! += offsets[a]!;
  const rows = new Int32Array(n - unmatchedRows);
  const cursor = offsets.slice(0, assetCount);
  for (let row = 0; row < n; row++) {
    const asset = assetOfRow[row]!;
    if (asset >= 0) rows[cursor[asset]!++] = row;
  }
  if (sortKey !== undefined) {
    for (let a = 0; a < assetCount; a++) {
      const from = offsets[a]!;
      const to = offsets[a + 1]!;
      let sorted = true;
      for (let i = from + 1; i < to && sorted; i++) if (sortKey[rows[i]!]! < sortKey[rows[i - 1]!]!) sorted = false;
      if (!sorted) rows.subarray(from, to).sort((x, y) => sortKey[x]! - sortKey[y]! || x - y);
    }
  }
  return { assetCount, offsets, rows, unmatchedRows };
}

/**
 * Map a string column's dictionary to panel columns: `result[code]` is the index of
 * `dictionary[code]` in `assets`, or −1 when that stock is not in the panel.
 */
export function assetIndexOfCodes(dictionary: readonly string[], assets: readonly string[]): Int32Array {
  const index = new Map<string, number>();
  assets.forEach((id, a) => {
    if (!index.has(id)) index.set(id, a);
  });
  return Int32Array.from(dictionary, (code) => index.get(code) ?? -1);
}

/** Group a table's rows by its `ts_code` column against the panel's `assets`, ordered by the date column `sortBy`. */
export function groupTableByAsset(table: Table, assets: readonly string[], sortBy: string): AssetGroups {
  const codes = stringColumn(table, 'ts_code');
  return groupRowsByAsset(codes.codes, assetIndexOfCodes(codes.dictionary, assets), assets.length, dateColumn(table, sortBy));
}

/** The date columns of a report table (`fina`, `exec_pay`…) that {@link pitPanel} reads. */
export interface ReportDateColumns {
  readonly annDate: Numbers;
  readonly endDate: Numbers;
}

/** `ann_date` and `end_date` of a report table. */
export function finaReportColumns(table: Table): ReportDateColumns {
  return { annDate: dateColumn(table, 'ann_date'), endDate: dateColumn(table, 'end_date') };
}

/** Options of the panel fills. */
export interface PanelOptions {
  /** See `PitOptions.skipMissing`; default `true`. */
  readonly skipMissing?: boolean;
  /** Write here (length assets × dates) instead of allocating. */
  readonly out?: Float64Array;
}

/**
 * Fill a date × asset panel with a point-in-time derivation of one value column (see
 * `pointInTime` for the semantics). Assets without rows are all `NaN`.
 *
 * @param groups the table's rows grouped by asset **ordered by `ann_date`** (`groupTableByAsset(table, assets, 'ann_date')`)
 * @param dates the table's `ann_date` and `end_date` columns
 * @param values the value column, `NaN` = missing
 * @returns `values[asset * calendar.length + t]`
 * @throws FactorkitError `FK_INVALID_DATA` for a bad row (naming it); `FK_INVALID_ARGUMENT` when
 *   the groups are not in `ann_date` order or shapes do not match
 */
export function pitPanel(
  groups: AssetGroups,
  dates: ReportDateColumns,
  values: Numbers,
  calendar: Int32Array,
  derivation: PitDerivation,
  options: PanelOptions & { readonly periodOut?: Int32Array } = {},
): Float64Array {
  const where = 'pitPanel';
  checkLengths(where, { annDate: dates.annDate, endDate: dates.endDate, values });
  checkCalendar(calendar, where);
  const T = calendar.length;
  const out = outArray(options.out, groups.assetCount * T, where);
  const periodOut = checkPeriodOut(options.periodOut, groups.assetCount * T, where);
  const derive = resolveDerivation(derivation);
  const skipMissing = options.skipMissing ?? true;
  for (let a = 0; a < groups.assetCount; a++) {
    sweepReports(dates.annDate, dates.endDate, values, groups.rows, groups.offsets[a]!, groups.offsets[a + 1]!, calendar, derive, skipMissing, out, a * T, periodOut);
  }
  return out;
}

/**
 * Fill a date × asset panel with announcement-dated values as of each day (`pitAsOf` per asset).
 * `groups` must be ordered by `date`.
 */
export function asOfPanel(groups: AssetGroups, date: Numbers, values: Numbers, calendar: Int32Array, options: PanelOptions = {}): Float64Array {
  const where = 'asOfPanel';
  checkLengths(where, { date, values });
  checkCalendar(calendar, where);
  const T = calendar.length;
  const out = outArray(options.out, groups.assetCount * T, where);
  const skipMissing = options.skipMissing ?? true;
  for (let a = 0; a < groups.assetCount; a++) {
    sweepAsOf(date, values, groups.rows, groups.offsets[a]!, groups.offsets[a + 1]!, calendar, skipMissing, out, a * T);
  }
  return out;
}

/**
 * Fill a date × asset panel from interval rows (`intervalValues` per asset): each day holds the
 * value of the interval containing it, `NaN` outside (−1 when `out` is an `Int32Array`, e.g.
 * industry dictionary codes for a `CategoricalPanel`). `groups` must be ordered by `in_date`.
 */
export function intervalPanel(groups: AssetGroups, inDate: Numbers, outDate: Numbers, values: Numbers, calendar: Int32Array, options: { readonly out: Int32Array }): Int32Array;
export function intervalPanel(groups: AssetGroups, inDate: Numbers, outDate: Numbers, values: Numbers, calendar: Int32Array, options?: { readonly out?: Float64Array }): Float64Array;
export function intervalPanel(
  groups: AssetGroups,
  inDate: Numbers,
  outDate: Numbers,
  values: Numbers,
  calendar: Int32Array,
  options: { readonly out?: Float64Array | Int32Array } = {},
): Float64Array | Int32Array {
  const where = 'intervalPanel';
  checkLengths(where, { inDate, outDate, values });
  checkCalendar(calendar, where);
  const T = calendar.length;
  const out = options.out ?? new Float64Array(groups.assetCount * T);
  if (out.length !== groups.assetCount * T) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: \`out\` has length ${out.length}, expected ${groups.assetCount * T}`);
  out.fill(out instanceof Int32Array ? -1 : Number.NaN);
  for (let a = 0; a < groups.assetCount; a++) {
    fillIntervals(inDate, outDate, values, groups.rows, groups.offsets[a]!, groups.offsets[a + 1]!, calendar, out, a * T);
  }
  return out;
}

/**
 * A date × asset 0/1 mask from interval rows: 1 where the asset is inside one of its intervals
 * (index membership). `groups` must be ordered by `in_date`.
 */
export function membershipPanel(groups: AssetGroups, inDate: Numbers, outDate: Numbers, calendar: Int32Array): Uint8Array {
  const where = 'membershipPanel';
  checkLengths(where, { inDate, outDate });
  checkCalendar(calendar, where);
  const T = calendar.length;
  const out = new Uint8Array(groups.assetCount * T);
  for (let a = 0; a < groups.assetCount; a++) {
    fillIntervals(inDate, outDate, undefined, groups.rows, groups.offsets[a]!, groups.offsets[a + 1]!, calendar, out, a * T);
  }
  return out;
}

/**
 * One-call convenience: group a report table (`fina`) by asset and fill the panel of `column`'s
 * `derivation`. When deriving several columns from one table, group once with
 * {@link groupTableByAsset} and call {@link pitPanel} for each.
 */
export function pitPanelFromTable(
  table: Table,
  column: string,
  assets: readonly string[],
  calendar: Int32Array,
  derivation: PitDerivation,
  options: PanelOptions = {},
): Float64Array {
  const groups = groupTableByAsset(table, assets, 'ann_date');
  return pitPanel(groups, finaReportColumns(table), numberColumn(table, column), calendar, derivation, options);
}
