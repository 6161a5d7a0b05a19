import { FactorkitError, lowerBound } from '@factorkit/core';
import { type Table, dateColumn, dateIntToEpochDay, dateToInt, epochDayToDateInt, intToDate, stringAt, stringColumn } from '../table.js';
import { type QlibFieldPlan, type QlibFieldReport, planQlibFields, previousTradingClose } from './fields.js';
import { type QlibInterval, QLIB_ALL_MARKET, QLIB_MARKET_INDEX_CODES, QLIB_STANDARD_FIELDS, calendarToInts, tsCodeToQlibSymbol } from './format.js';
import { type QlibExportMarker, type QlibSuspendedMarker, QLIB_MARKER_FILE, QLIB_MARKER_FORMAT, QLIB_MARKER_VERSION, formatQlibMarker } from './marker.js';
import { CARRIED_PRICE_COLUMNS, SUSPENDED_NAN_FIELDS, type Suspension, findSuspension, jsonNumber, mostFrequent, ruleValue, sameValue } from './suspended.js';
import { type QlibSymbolFields, type QlibWriteSummary, type WriteQlibOptions, writeQlibFolder } from './write.js';

/** Options of {@link tablesToQlib}. */
export interface TablesToQlibOptions extends WriteQlibOptions {
  /** Market → index code, merged over {@link QLIB_MARKET_INDEX_CODES}; used backwards (index code → market file). */
  readonly marketIndexCodes?: Readonly<Record<string, string>>;
  /**
   * `daily.volume` is shares traded; qlib stores volume / factor, so by default volume is divided
   * by the factor on every row that has one (rows without keep shares). `false` writes shares
   * everywhere (the marker file says so, and `qlibToTables` reads them back unchanged).
   */
  readonly rawVolume?: boolean;
  /** END of membership intervals that are still open (`out_date` empty); default the last calendar day. */
  readonly openEnd?: string;
}

/** What {@link tablesToQlib} wrote and what it could not. */
export interface QlibExportReport {
  readonly written: QlibWriteSummary;
  /**
   * qlib's day fields (open, high, low, close, volume, amount, factor, vwap, change) for stock
   * symbols (`daily`) and index symbols (`index_daily`): where each came from, on how many rows
   * it has no value, or why it was not written.
   */
  readonly fields: QlibFieldReport[];
  /** The entries of `fields` that were not written: `{ table, field, reason }`. */
  readonly notWritten: { readonly table: string; readonly field: string; readonly reason: string }[];
  /** Instrument files written from `index_members`: market → index code. */
  readonly markets: { readonly market: string; readonly indexCode: string; readonly known: boolean }[];
  /** Index codes with no market in the mapping: their file is named after the code (lower case, `.` → `_`). */
  readonly unknownIndexCodes: string[];
  /** Columns not written, with the reason. */
  readonly droppedColumns: { readonly table: string; readonly column: string; readonly reason: string }[];
  /** Rows not written, counted by reason. */
  readonly skippedRows: { readonly table: string; readonly count: number; readonly reason: string }[];
  /** Stock rows written as suspended days (qlib: a NaN `$close`); absent when `daily` has neither `is_trading` nor `volume`. */
  readonly suspended?: QlibSuspendedReport;
}

/** How `tablesToQlib` wrote suspended stock rows. */
export interface QlibSuspendedReport {
  readonly table: 'daily';
  /** Rows written as suspended: their {@link fields} are NaN, their factor and other fields kept. */
  readonly rows: number;
  /** What made a row suspended (the data layer's rule). */
  readonly rule: string;
  /** qlib fields written as NaN on them. */
  readonly fields: string[];
  /** How the `is_trading` field (0 on them) was written. */
  readonly isTrading: string;
  /**
   * Values of suspended rows that the way back's rule (prices = the previous close, other fields
   * the usual value) would not give, kept in `factorkit.json` so `qlibToTables` restores them.
   */
  readonly valuesInMarker: number;
}

function rowName(t: Table, row: number): string {
  const line = t.lines?.[row];
  return line !== undefined ? `${t.source ?? t.name}:${line}` : `${t.name} row ${row}`;
}

interface Grouped {
  readonly symbol: string;
  readonly tsCode: string;
  readonly rows: number[];
}

/** A relative tolerance for "the VWAP lies within the day's range": rounding of prices and amounts. */
const RANGE_TOLERANCE = 0.01;

/**
 * Write factorkit dataset tables as a qlib folder, in qlib's conventions (those of its own
 * cn_data and of `scripts/dump_bin.py`), so qlib's data handlers and backtest work on it:
 *
 * - `calendar` → `calendars/day.txt`;
 * - `daily` → `features/<symbol>/`: open/high/low/close as they are (adjusted); `factor` =
 *   adjusted / raw price: `adj_factor`, else derived from a market value (`close × total_share /
 *   total_mv`, `close × float_share / circ_mv`); `volume ÷ factor` (qlib's adjusted volume;
 *   shares on rows without a factor; see `rawVolume`); `amount`; `vwap = amount / volume ×
 *   factor` (qlib's adjusted scale; a `vwap` column is written as given instead); `change =
 *   pct_chg ÷ 100`, or without `pct_chg` close / previous trading close − 1 (a fraction, as
 *   qlib's limit check reads it); every other numeric column under its own name (pre_close, …);
 * - suspended `daily` rows (`is_trading` ≠ 1, or volume 0 or empty without `is_trading`: the data
 *   layer's rule): open, high, low, close, vwap, volume, amount and change are NaN, as in qlib's
 *   own data, since qlib's backtest knows a suspended day by its NaN `$close` alone; the factor
 *   and other fields are kept, and `is_trading` (1 / 0) is written so the rows can be found again
 *   (the marker records what `qlibToTables` needs to give them back their values);
 * - `index_daily` → `features/<index symbol>/`: the same, with factor 1 (index levels are not
 *   adjusted; a factor keeps qlib's backtest out of adjusted_price mode when index symbols are
 *   among its instruments), vwap = amount / volume, and change = close / previous close − 1;
 * - `instruments/all.txt`: every symbol with rows, START/END = its first and last row (suspended
 *   days included), as `dump_bin.py dump_all` writes it (`DumpDataAll._get_all_date`: the min and
 *   max date of each file); stocks without a `daily` row have no data and are not listed (counted);
 * - `index_members` → `instruments/<market>.txt` (index code → market via `marketIndexCodes`),
 *   END = the last calendar day before out_date (qlib's END is inclusive), or `openEnd` for open
 *   intervals. An interval with no trading day in it cannot be written and is reported;
 * - `factorkit.json`: the marker that tells `qlibToTables` how volume and suspended rows were
 *   written (qlib ignores it).
 *
 * The report lists, for stocks and indices, how each of qlib's fields was written or why not.
 * Written atomically (see {@link writeQlib}); every value becomes float32.
 *
 * @throws FK_INVALID_DATA when `calendar` is missing, a row's trade_date is not in the calendar,
 * or a (code, date) pair repeats.
 */
export async function tablesToQlib(tables: ReadonlyMap<string, Table>, dir: string, options: TablesToQlibOptions = {}): Promise<QlibExportReport> {
  const calendarTable = tables.get('calendar');
  if (!calendarTable) throw new FactorkitError('FK_INVALID_DATA', 'tablesToQlib: the tables have no `calendar`; qlib needs calendars/day.txt');
  const calDates = [...dateColumn(calendarTable, 'trade_date')].map(intToDate);
  const cal = calendarToInts(calDates, 'tablesToQlib: table `calendar`');
  const rawVolume = options.rawVolume ?? true;
  const skipped = new Map<string, { table: string; count: number; reason: string }>();
  const skip = (tableName: string, reason: string, count = 1): void => {
    const key = `${tableName}\u0000${reason}`;
    const entry = skipped.get(key);
    if (entry) entry.count += count;
    else skipped.set(key, { table: tableName, count, reason });
  };

  /** Rows of a daily-like table grouped by code, each with its calendar index checked. */
  const group = (t: Table, key: string): { groups: Grouped[]; dayOf: Int32Array } => {
    const codes = stringColumn(t, key);
    const dates = dateColumn(t, 'trade_date');
    const dayOf = new Int32Array(t.rowCount);
    const byCode = new Map<number, number[]>();
    for (let row = 0; row < t.rowCount; row++) {
      const date = dates[row]!;
      const day = lowerBound(cal, date);
      if (day >= cal.length || cal[day] !== date) {
        throw new FactorkitError('FK_INVALID_DATA', `tablesToQlib: ${rowName(t, row)}: trade_date \`${date === 0 ? '' : intToDate(date)}\` is not a day of the calendar`);
      }
      dayOf[row] = day;
      const code = codes.codes[row]!;
      if (code < 0) {
        skip(t.name, `empty ${key}`);
        continue;
      }
      let rows = byCode.get(code);
      if (!rows) byCode.set(code, (rows = []));
      rows.push(row);
    }
    const groups: Grouped[] = [];
    for (const [code, rows] of byCode) {
      const tsCode = codes.dictionary[code]!;
      const symbol = tsCodeToQlibSymbol(tsCode);
      if (symbol === undefined) {
        skip(t.name, `${key} is not 6 digits + exchange suffix (e.g. \`${tsCode}\`)`, rows.length);
        continue;
      }
      rows.sort((a, b) => dayOf[a]! - dayOf[b]!);
      groups.push({ symbol, tsCode, rows });
    }
    groups.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    return { groups, dayOf };
  };

  const dailyTable = tables.get('daily');
  const indexTable = tables.get('index_daily');
  const daily = dailyTable ? group(dailyTable, 'ts_code') : { groups: [], dayOf: new Int32Array() };
  const index = indexTable ? group(indexTable, 'index_code') : { groups: [], dayOf: new Int32Array() };
  const suspension = dailyTable ? findSuspension(dailyTable) : undefined;
  const closeBefore = (t: Table, groups: readonly Grouped[], mask?: Uint8Array): Float64Array | undefined => {
    const close = t.columns.get('close');
    return close?.type === 'number' ? previousTradingClose(close.values, t.rowCount, groups.map((g) => g.rows), mask) : undefined;
  };
  const dailyPlan = dailyTable
    ? planQlibFields(dailyTable, 'ts_code', {
        rawVolume,
        ...(suspension ? { suspension } : {}),
        ...optional('previousClose', closeBefore(dailyTable, daily.groups, suspension?.mask)),
      })
    : undefined;
  const indexPlan = indexTable
    ? planQlibFields(indexTable, 'index_code', { rawVolume, defaultFactor: 1, ...optional('previousClose', closeBefore(indexTable, index.groups)) })
    : undefined;
  const stockSymbols = new Set(daily.groups.map((g) => g.symbol));
  for (const g of index.groups) {
    if (stockSymbols.has(g.symbol)) throw new FactorkitError('FK_INVALID_DATA', `tablesToQlib: \`${g.tsCode}\` is in both daily and index_daily; qlib has one folder per symbol`);
  }

  const checkUnique = (t: Table, groups: readonly Grouped[], dayOf: Int32Array): void => {
    for (const g of groups) {
      const seen = new Set<number>();
      for (const row of g.rows) {
        if (seen.has(dayOf[row]!)) throw new FactorkitError('FK_INVALID_DATA', `tablesToQlib: ${rowName(t, row)}: a second row for \`${g.tsCode}\` on ${intToDate(cal[dayOf[row]!]!)}`);
        seen.add(dayOf[row]!);
      }
    }
  };
  if (dailyTable) checkUnique(dailyTable, daily.groups, daily.dayOf);
  if (indexTable) checkUnique(indexTable, index.groups, index.dayOf);

  const instruments = new Map<string, QlibInterval[]>([[QLIB_ALL_MARKET, allInstruments(tables.get('stocks'), daily, index, cal, skip)]]);
  const members = memberInstruments(tables.get('index_members'), cal, options, skip);
  for (const [market, intervals] of members.byMarket) instruments.set(market, intervals);

  // NaN counts of the reported fields, and VWAPs outside the day's range, gathered while writing.
  const counters = new Map<Table, Counter>();
  function* symbols(): Generator<readonly [string, QlibSymbolFields]> {
    const spread = (t: Table, plan: QlibFieldPlan, g: Grouped, dayOf: Int32Array): Map<string, Float32Array> => {
      let counter = counters.get(t);
      if (!counter) counters.set(t, (counter = newCounter()));
      counter.rows += g.rows.length;
      const out = new Map<string, Float32Array>();
      for (const [field, get] of plan.getters) {
        const values = new Float32Array(cal.length).fill(Number.NaN);
        let missing = 0;
        for (const row of g.rows) {
          const value = get(row);
          if (Number.isNaN(value)) missing++;
          values[dayOf[row]!] = value;
        }
        counter.missing.set(field, (counter.missing.get(field) ?? 0) + missing);
        out.set(field, values);
      }
      counter.vwapOutside += vwapOutsideRange(plan, g.rows);
      if (t === dailyTable && suspension) for (const row of g.rows) counter.suspended += suspension.mask[row]!;
      if (rawVolume) counter.volumeInShares += volumeWithoutFactor(plan, g.rows);
      return out;
    };
    if (dailyTable && dailyPlan) for (const g of daily.groups) yield [g.symbol, spread(dailyTable, dailyPlan, g, daily.dayOf)];
    if (indexTable && indexPlan) for (const g of index.groups) yield [g.symbol, spread(indexTable, indexPlan, g, index.dayOf)];
  }

  const suspendedMarker = dailyTable && dailyPlan && suspension ? planSuspendedMarker(dailyTable, dailyPlan, daily.groups, daily.dayOf, cal, suspension) : undefined;
  const notRestored: Record<string, Record<string, string>> = {};
  for (const [name, plan] of [
    ['daily', dailyPlan],
    ['index_daily', indexPlan],
  ] as const) {
    if (plan && plan.notRestored.size > 0) notRestored[name] = Object.fromEntries(plan.notRestored);
  }
  const marker: QlibExportMarker = {
    format: QLIB_MARKER_FORMAT,
    version: QLIB_MARKER_VERSION,
    writer: '@factorkit/data tablesToQlib',
    volume: rawVolume ? 'divided-by-factor' : 'shares',
    fields: Object.fromEntries(
      [
        ['daily', dailyPlan],
        ['index_daily', indexPlan],
      ]
        .filter((entry): entry is [string, QlibFieldPlan] => entry[1] !== undefined)
        .map(([name, plan]) => [name, Object.fromEntries([...plan.standard].flatMap(([field, entry]) => ('source' in entry ? [[field, entry.source]] : [])))]),
    ),
    ...(suspendedMarker ? { suspended: suspendedMarker.marker } : {}),
    notRestored,
  };
  const written = await writeQlibFolder(dir, calDates, instruments, symbols(), options, new Map([[QLIB_MARKER_FILE, formatQlibMarker(marker)]]));

  const fields: QlibFieldReport[] = [];
  for (const [t, plan] of [
    [dailyTable, dailyPlan],
    [indexTable, indexPlan],
  ] as const) {
    if (!t || !plan) continue;
    const counter = counters.get(t) ?? newCounter();
    for (const field of QLIB_STANDARD_FIELDS) {
      const entry = plan.standard.get(field)!;
      if ('reason' in entry) {
        fields.push({ table: t.name, field, written: false, reason: entry.reason, rowsWithoutValue: counter.rows });
        continue;
      }
      const missing = counter.missing.get(field) ?? 0;
      const note = fieldNote(field, missing, counter);
      fields.push({ table: t.name, field, written: true, source: entry.source, derived: entry.derived, rowsWithoutValue: missing, ...(note ? { note } : {}) });
    }
  }
  return {
    written,
    fields,
    notWritten: fields.filter((f) => !f.written).map((f) => ({ table: f.table, field: f.field, reason: f.reason! })),
    markets: members.markets,
    unknownIndexCodes: members.unknownIndexCodes,
    droppedColumns: [...(dailyPlan?.droppedColumns ?? []), ...(indexPlan?.droppedColumns ?? [])],
    skippedRows: [...skipped.values()],
    ...(suspension && suspendedMarker
      ? {
          suspended: {
            table: 'daily' as const,
            rows: suspension.count,
            rule: suspension.rule,
            fields: SUSPENDED_NAN_FIELDS.filter((f) => dailyPlan?.getters.has(f)),
            isTrading: suspension.isTradingGiven ? 'is_trading: 1 / 0 as the table says (empty is 0)' : `is_trading: derived (${suspension.rule}); not made a column on the way back`,
            valuesInMarker: suspendedMarker.exceptions,
          },
        }
      : {}),
  };
}

/** `{ [key]: value }` when value is defined, else `{}` (for `exactOptionalPropertyTypes`). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/**
 * What the marker must say for `qlibToTables` to give suspended rows back their values: the usual
 * value of each blanked column on suspended rows, and every value the way back's rule would not
 * give (it is simulated here row by row, exactly as `qlibToTables` applies it, on float32 values).
 */
function planSuspendedMarker(
  t: Table,
  plan: QlibFieldPlan,
  groups: readonly Grouped[],
  dayOf: Int32Array,
  cal: Int32Array,
  suspension: Suspension,
): { marker: QlibSuspendedMarker; exceptions: number } {
  const blanked = SUSPENDED_NAN_FIELDS.filter((f) => plan.getters.has(f));
  const columns: [string, Float64Array][] = [];
  for (const field of blanked) {
    const name = plan.columnOf.get(field);
    const column = name === undefined ? undefined : t.columns.get(name);
    if (name !== undefined && column?.type === 'number') columns.push([name, column.values]);
  }
  const mask = suspension.mask;
  const values: Record<string, number | null> = {};
  for (const [name, column] of columns) {
    if (CARRIED_PRICE_COLUMNS.has(name)) continue;
    const seen: number[] = [];
    for (let row = 0; row < t.rowCount; row++) if (mask[row] === 1) seen.push(Math.fround(column[row]!));
    values[name] = jsonNumber(mostFrequent(seen));
  }
  const close = t.columns.get('close');
  const closes = close?.type === 'number' ? close.values : undefined;
  const exceptions: Record<string, [string, string, number | null][]> = {};
  let count = 0;
  for (const g of groups) {
    let carried = Number.NaN;
    const list: [string, string, number | null][] = [];
    for (const row of g.rows) {
      if (mask[row] !== 1) {
        // The way back reads a trading row only when it has a close.
        const c = closes ? Math.fround(closes[row]!) : Number.NaN;
        if (!Number.isNaN(c)) carried = c;
        continue;
      }
      for (const [name, column] of columns) {
        const actual = Math.fround(column[row]!);
        if (sameValue(actual, ruleValue(name, carried, values))) continue;
        list.push([intToDate(cal[dayOf[row]!]!), name, jsonNumber(actual)]);
        count++;
      }
      const c = closes ? Math.fround(closes[row]!) : Number.NaN;
      if (!Number.isNaN(c)) carried = c;
    }
    if (list.length > 0) exceptions[g.symbol] = list;
  }
  return { marker: { rule: suspension.rule, blanked, values, exceptions }, exceptions: count };
}

/** Per table: rows written, `NaN`s per field, and the rows the notes count. */
interface Counter {
  rows: number;
  readonly missing: Map<string, number>;
  vwapOutside: number;
  volumeInShares: number;
  suspended: number;
}

const newCounter = (): Counter => ({ rows: 0, missing: new Map(), vwapOutside: 0, volumeInShares: 0, suspended: 0 });

/** What a qlib user must know beyond the source: what qlib does with rows lacking the value. */
function fieldNote(field: string, missing: number, counter: Counter): string | undefined {
  const notes: string[] = [];
  if (field === 'factor' && missing > 0) {
    notes.push(`${missing} rows have no factor: qlib’s backtest trades in adjusted_price mode (no 100-share lots) whenever its instruments and dates include one of them`);
  }
  if (field === 'volume' && counter.volumeInShares > 0) {
    notes.push(`${counter.volumeInShares} rows have no factor: their volume is written in shares, not divided`);
  }
  if (field === 'vwap' && counter.vwapOutside > 0) {
    notes.push(`${counter.vwapOutside} rows have a vwap outside [low, high] by more than ${RANGE_TOLERANCE * 100} %: check the units of amount, volume and the factor`);
  }
  if (counter.suspended > 0 && (SUSPENDED_NAN_FIELDS as readonly string[]).includes(field)) {
    notes.push(`NaN on the ${counter.suspended} suspended rows, as in qlib’s own data (qlib’s backtest knows a suspended day by its NaN close)`);
  }
  return notes.length > 0 ? notes.join('; ') : undefined;
}

/** Rows with a volume and no factor: their volume stays in shares. */
function volumeWithoutFactor(plan: QlibFieldPlan, rows: readonly number[]): number {
  const factor = plan.factor;
  const volume = plan.getters.get('volume');
  if (!factor || !volume) return 0;
  let count = 0;
  for (const row of rows) if (!(factor(row) > 0) && !Number.isNaN(volume(row))) count++;
  return count;
}

/** Rows whose vwap lies outside [low, high] (with a tolerance for rounding). */
function vwapOutsideRange(plan: QlibFieldPlan, rows: readonly number[]): number {
  const vwap = plan.getters.get('vwap');
  const low = plan.getters.get('low');
  const high = plan.getters.get('high');
  if (!vwap || !low || !high) return 0;
  let count = 0;
  for (const row of rows) {
    const v = vwap(row);
    if (v < low(row) * (1 - RANGE_TOLERANCE) || v > high(row) * (1 + RANGE_TOLERANCE)) count++;
  }
  return count;
}

/**
 * `instruments/all.txt`: each symbol's first and last row date, stocks then indices (qlib's own
 * cn_data lists its benchmark indices in all.txt too). `stocks` rows without `daily` rows have no
 * data to point at and are counted instead.
 */
function allInstruments(
  stocksTable: Table | undefined,
  daily: { groups: readonly Grouped[]; dayOf: Int32Array },
  index: { groups: readonly Grouped[]; dayOf: Int32Array },
  cal: Int32Array,
  skip: (table: string, reason: string, count?: number) => void,
): QlibInterval[] {
  const range = (g: Grouped, dayOf: Int32Array): QlibInterval => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = -1;
    for (const row of g.rows) {
      lo = Math.min(lo, dayOf[row]!);
      hi = Math.max(hi, dayOf[row]!);
    }
    return { symbol: g.symbol, start: intToDate(cal[lo]!), end: intToDate(cal[hi]!) };
  };
  const withRows = new Set(daily.groups.map((g) => g.symbol));
  if (stocksTable) {
    const codes = stringColumn(stocksTable, 'ts_code');
    let noRows = 0;
    for (let row = 0; row < stocksTable.rowCount; row++) {
      const tsCode = stringAt(codes, row);
      const symbol = tsCode === undefined ? undefined : tsCodeToQlibSymbol(tsCode);
      if (symbol === undefined) skip('stocks', 'ts_code is not 6 digits + exchange suffix');
      else if (!withRows.has(symbol)) noRows++;
    }
    if (noRows > 0) skip('stocks', 'no daily rows: no data to write, so not listed in instruments/all.txt (dump_bin lists symbols with data only)', noRows);
  }
  return [...daily.groups.map((g) => range(g, daily.dayOf)), ...index.groups.map((g) => range(g, index.dayOf))];
}

/** `index_members` → one instrument file per index (market). */
function memberInstruments(
  membersTable: Table | undefined,
  cal: Int32Array,
  options: TablesToQlibOptions,
  skip: (table: string, reason: string, count?: number) => void,
): { byMarket: Map<string, QlibInterval[]>; markets: { market: string; indexCode: string; known: boolean }[]; unknownIndexCodes: string[] } {
  const marketCodes: Record<string, string> = { ...QLIB_MARKET_INDEX_CODES, ...options.marketIndexCodes };
  const marketOf = new Map<string, string>();
  for (const [market, code] of Object.entries(marketCodes)) if (!marketOf.has(code.toUpperCase())) marketOf.set(code.toUpperCase(), market.toLowerCase());
  const markets: { market: string; indexCode: string; known: boolean }[] = [];
  const unknownIndexCodes: string[] = [];
  const byMarket = new Map<string, QlibInterval[]>();
  const openEnd = options.openEnd === undefined ? cal[cal.length - 1] : dateToInt(options.openEnd);
  if (openEnd !== undefined && Number.isNaN(openEnd)) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `tablesToQlib: openEnd \`${options.openEnd}\` is not a YYYY-MM-DD date`);
  }
  if (!membersTable || membersTable.rowCount === 0) return { byMarket, markets, unknownIndexCodes };
  const indexCodes = stringColumn(membersTable, 'index_code');
  const members = stringColumn(membersTable, 'ts_code');
  const inDates = dateColumn(membersTable, 'in_date');
  const outDates = dateColumn(membersTable, 'out_date');
  const marketFor = (code: string): string => marketOf.get(code.toUpperCase()) ?? code.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
  for (let row = 0; row < membersTable.rowCount; row++) {
    const indexCode = stringAt(indexCodes, row);
    const tsCode = stringAt(members, row);
    const symbol = tsCode === undefined ? undefined : tsCodeToQlibSymbol(tsCode);
    if (indexCode === undefined || symbol === undefined) {
      skip('index_members', 'empty index_code, or ts_code not 6 digits + exchange suffix');
      continue;
    }
    const market = marketFor(indexCode);
    if (!byMarket.has(market)) {
      byMarket.set(market, []);
      const known = marketOf.has(indexCode.toUpperCase());
      markets.push({ market, indexCode, known });
      if (!known) unknownIndexCodes.push(indexCode);
    }
    const start = inDates[row]!;
    const out = outDates[row]!;
    let end: number;
    if (out === 0) end = openEnd ?? 0;
    else {
      const before = lowerBound(cal, out) - 1;
      end = before >= 0 ? cal[before]! : epochDayToDateInt(dateIntToEpochDay(out) - 1);
    }
    if (start === 0 || end === 0 || start > end) {
      skip('index_members', 'no trading day in [in_date, out_date) (or in_date after openEnd): qlib cannot express an empty interval');
      continue;
    }
    byMarket.get(market)!.push({ symbol, start: intToDate(start), end: intToDate(end) });
  }
  for (const [market, intervals] of byMarket) {
    if (market === QLIB_ALL_MARKET) throw new FactorkitError('FK_INVALID_DATA', 'tablesToQlib: an index code maps to the market `all`, which is written from stocks');
    intervals.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }
  return { byMarket, markets, unknownIndexCodes };
}
