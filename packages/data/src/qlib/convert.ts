import { join } from 'node:path';
import { FactorkitError } from '@factorkit/core';
import { TABLES } from '../schema.js';
import {
  type Column,
  type Table,
  dateColumn,
  dateIntToEpochDay,
  dateToInt,
  encodeStrings,
  epochDayToDateInt,
  intToDate,
  stringAt,
  stringColumn,
} from '../table.js';
import {
  type QlibInterval,
  QLIB_ALL_MARKET,
  QLIB_FEATURES_DIR,
  QLIB_MARKET_INDEX_CODES,
  calendarToInts,
  isQlibIndexSymbol,
  mapLimit,
  qlibSymbolToTsCode,
  tsCodeToQlibSymbol,
  upperBound,
} from './format.js';
import { lowerBound } from '../pit/internal.js';
import { boardOfCode } from '../rules/limits.js';
import { type StoredSeries, listQlibFields, listQlibSymbols, readQlibBin, readQlibCalendar, readQlibInstruments } from './read.js';
import { type QlibSymbolFields, type QlibWriteSummary, type WriteQlibOptions, writeQlibFolder } from './write.js';

/*
 * How qlib fields and factorkit columns correspond (stocks: `daily`; indices: `index_daily`):
 *
 *   qlib field   factorkit column   note
 *   open/high/low/close  same       qlib cn_data prices are adjusted (price × factor), like our hfq prices
 *   volume       volume             qlib stores volume / factor; restored to shares (× factor) unless rawVolume: false
 *   amount       amount             CNY, not adjusted
 *   change       pct_chg            fraction → percent (× 100); qlib computes it from adjusted closes
 *   factor       adj_factor         adjusted = raw × factor in both
 *   anything else (vwap, …) → an extra numeric `daily` column of the same name, and back
 */

/** Options of {@link qlibToTables}. */
export interface QlibToTablesOptions {
  /**
   * Which qlib symbols are indices (→ `index_daily`) rather than stocks (→ `daily`, `stocks`):
   * a list (exactly these symbols, any case) or a predicate on the upper-case symbol. Default
   * {@link isQlibIndexSymbol}: SH000xxx, SZ399xxx, BJ899xxx and CSI + six digits.
   */
  readonly indexSymbols?: readonly string[] | ((symbol: string) => boolean);
  /** Market → index code, merged over {@link QLIB_MARKET_INDEX_CODES} (`{ csi300: '000300.SH', … }`). */
  readonly marketIndexCodes?: Readonly<Record<string, string>>;
  /** Symbols to convert (any case); default every folder under `features/`. */
  readonly symbols?: readonly string[] | 'all';
  /**
   * qlib's cn_data divides volume by the adjustment factor; by default `volume` is multiplied back
   * by `factor` to give shares traded, as our `daily.volume` means. `false` keeps qlib's value.
   */
  readonly rawVolume?: boolean;
  /** Files read at once; default 32. */
  readonly concurrency?: number;
}

/** What {@link qlibToTables} did, and everything it could not carry over. */
export interface QlibImportReport {
  /** Stocks converted (rows in `stocks`). */
  readonly stocks: number;
  /** Symbols treated as indices (→ `index_daily`). */
  readonly indexSymbols: string[];
  readonly dailyRows: number;
  readonly indexDailyRows: number;
  readonly indexMemberRows: number;
  /** Markets and the index code their members were given. */
  readonly markets: { readonly market: string; readonly indexCode: string; readonly known: boolean }[];
  /** Markets not in the mapping: their members keep the market name as `index_code`. */
  readonly unknownMarkets: string[];
  /** qlib fields kept as extra numeric `daily` columns (`vwap`, …). */
  readonly extraFields: string[];
  /** qlib fields not converted, with the reason. */
  readonly droppedFields: { readonly field: string; readonly reason: string }[];
  /** Symbols skipped: not an exchange prefix + 6 digits, or no `close` data. */
  readonly skippedSymbols: { readonly symbol: string; readonly reason: string }[];
  /** Symbols asked for, or listed in an instrument file, that have no folder under `features/`. */
  readonly symbolsWithoutFeatures: string[];
  /** Instrument lines skipped because the symbol cannot be turned into a ts_code. */
  readonly skippedMemberLines: number;
  /** `daily` rows that have a close but miss open, high or low (kept; the schema will flag them). */
  readonly rowsWithMissingPrices: number;
  /** Stock rows whose volume could not be restored to shares (no factor that day): kept as qlib stored it. */
  readonly volumeNotRestored: number;
  /** The rules applied, in words. */
  readonly rules: string[];
}

/** Tables made from a qlib folder, and the report. */
export interface QlibTables {
  /** `calendar`, `stocks`, `daily`, `index_daily`, `index_members`. */
  readonly tables: Map<string, Table>;
  readonly report: QlibImportReport;
}

const STOCK_FIELD_TO_COLUMN: Readonly<Record<string, string>> = {
  open: 'open',
  high: 'high',
  low: 'low',
  close: 'close',
  volume: 'volume',
  amount: 'amount',
  change: 'pct_chg',
  factor: 'adj_factor',
};
const INDEX_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'amount'] as const;

const valueAt = (series: StoredSeries | undefined, day: number): number => {
  if (series === undefined) return Number.NaN;
  const i = day - series.start;
  return i >= 0 && i < series.values.length ? series.values[i]! : Number.NaN;
};

function indexPredicate(option: QlibToTablesOptions['indexSymbols']): (symbol: string) => boolean {
  if (option === undefined) return isQlibIndexSymbol;
  if (typeof option === 'function') return option;
  const set = new Set(option.map((s) => s.toUpperCase()));
  return (symbol) => set.has(symbol);
}

function concatFloat(chunks: readonly Float64Array[], total: number): Float64Array {
  const out = new Float64Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

const table = (name: string, rowCount: number, columns: [string, Column][]): Table => ({ name, rowCount, columns: new Map(columns) });

/** Column order: the schema's order for the columns it names, then the others alphabetically. */
function orderColumns(tableName: string, names: Iterable<string>): string[] {
  const schemaOrder = (TABLES[tableName]?.columns ?? []).map((c) => c.name);
  const rank = (name: string): number => {
    const i = schemaOrder.indexOf(name);
    return i < 0 ? schemaOrder.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

interface SymbolChunk {
  readonly days: Int32Array;
  readonly columns: Map<string, Float64Array>;
  readonly firstTrade: number;
  readonly lastTrade: number;
}

/**
 * Convert a qlib folder (day data) into factorkit dataset tables:
 *
 * - `calendar` from `calendars/day.txt`;
 * - `daily`: one row per stock and day on which `close` is not NaN (qlib has no rows for days
 *   without data; its Yahoo-based cn_data sets every field to NaN on suspended days, so those
 *   days have no row). Field mapping: open/high/low/close as stored (adjusted); volume × factor
 *   (shares; see `rawVolume`); amount; pct_chg = change × 100; adj_factor = factor; any other
 *   field (vwap, …) as an extra numeric column of the same name;
 * - `index_daily`: the same for index symbols (see `indexSymbols`), columns open, high, low,
 *   close, volume, amount (other fields are dropped and reported);
 * - `stocks`: ts_code (`SH600519` → `600519.SH`), exchange, board from the code (688/689 star,
 *   300/301 chinext, BJ or 4xx/8xx/920 bse, else main), first/last_trade_date: the first/last day
 *   with a close on which the stock traded (`is_trading` = 1 when that field exists, else volume
 *   not ≤ 0);
 * - `index_members` from every `instruments/<market>.txt` but all.txt: index_code from
 *   `marketIndexCodes` (unknown markets keep their name, reported), in_date = qlib's START,
 *   out_date = the first calendar day after qlib's inclusive END (empty when END is the last
 *   calendar day or later).
 *
 * Values are float32 in qlib; converted to float64 exactly (no digits are invented or restored).
 *
 * @throws FK_INVALID_DATA as {@link readQlib} does, naming the offending file.
 */
export async function qlibToTables(dir: string, options: QlibToTablesOptions = {}): Promise<QlibTables> {
  const concurrency = Math.max(1, options.concurrency ?? 32);
  const rawVolume = options.rawVolume ?? true;
  const isIndex = indexPredicate(options.indexSymbols);
  const marketCodes: Record<string, string> = { ...QLIB_MARKET_INDEX_CODES, ...options.marketIndexCodes };

  const calendar = await readQlibCalendar(dir);
  const cal = calendar.ints;
  const instruments = await readQlibInstruments(dir);
  const folders = await listQlibSymbols(dir);

  const skippedSymbols: { symbol: string; reason: string }[] = [];
  const withoutFeatures = new Set<string>();
  let selected: string[];
  if (options.symbols === undefined || options.symbols === 'all') selected = [...folders.keys()];
  else {
    selected = [];
    for (const s of new Set(options.symbols.map((x) => x.toUpperCase()))) {
      if (folders.has(s)) selected.push(s);
      else withoutFeatures.add(s);
    }
  }
  if (options.symbols === undefined || options.symbols === 'all') {
    for (const intervals of instruments.values()) for (const x of intervals) if (!folders.has(x.symbol)) withoutFeatures.add(x.symbol);
  }

  // Classify, and map to ts_codes.
  const stocks: { symbol: string; tsCode: string }[] = [];
  const indices: { symbol: string; tsCode: string }[] = [];
  for (const symbol of selected) {
    const tsCode = qlibSymbolToTsCode(symbol);
    if (tsCode === undefined) {
      skippedSymbols.push({ symbol, reason: 'not an exchange prefix (SH, SZ, BJ, CSI) followed by 6 digits' });
      continue;
    }
    if (isIndex(symbol)) indices.push({ symbol, tsCode });
    else if (tsCode.endsWith('.CSI')) skippedSymbols.push({ symbol, reason: 'a CSI code is an index code, but the indexSymbols rule says stock' });
    else stocks.push({ symbol, tsCode });
  }
  const byCode = (a: { tsCode: string }, b: { tsCode: string }): number => (a.tsCode < b.tsCode ? -1 : a.tsCode > b.tsCode ? 1 : 0);
  stocks.sort(byCode);
  indices.sort(byCode);

  // Pass 1: which fields each symbol has (a directory listing, no data read yet).
  const fieldFiles = new Map<string, Map<string, string>>();
  await mapLimit([...stocks, ...indices], concurrency, async ({ symbol }) => {
    fieldFiles.set(symbol, await listQlibFields(join(dir, QLIB_FEATURES_DIR, folders.get(symbol)!), 'day'));
  });

  const droppedFields = new Map<string, string>();
  const stockColumns = new Map<string, string>(); // column → qlib field
  for (const { symbol } of stocks) {
    const files = fieldFiles.get(symbol)!;
    for (const field of files.keys()) {
      const column = STOCK_FIELD_TO_COLUMN[field] ?? field;
      if (column === 'ts_code' || column === 'trade_date') {
        droppedFields.set(field, `its name is a key column of daily`);
        continue;
      }
      const mapped = stockColumns.get(column);
      if (mapped !== undefined && mapped !== field) {
        // e.g. a field `pct_chg` next to `change`: the standard mapping wins.
        const loser = STOCK_FIELD_TO_COLUMN[field] === undefined ? field : mapped;
        const winner = loser === field ? mapped : field;
        droppedFields.set(loser, `daily.${column} comes from the qlib field \`${winner}\``);
        stockColumns.set(column, winner);
        continue;
      }
      stockColumns.set(column, field);
    }
  }
  const indexFields = new Set<string>();
  for (const { symbol } of indices) {
    for (const field of fieldFiles.get(symbol)!.keys()) {
      if ((INDEX_FIELDS as readonly string[]).includes(field)) indexFields.add(field);
      else if (field !== 'factor' && !droppedFields.has(field)) droppedFields.set(field, 'index_daily keeps open, high, low, close, volume and amount only (dropped for index symbols)');
    }
  }
  const extraFields = [...stockColumns.entries()].filter(([column, field]) => STOCK_FIELD_TO_COLUMN[field] !== column).map(([, field]) => field).sort();

  let rowsWithMissingPrices = 0;
  let volumeNotRestored = 0;

  // Pass 2: read each symbol and turn its days with a close into rows.
  const readSymbol = async (symbol: string, wanted: ReadonlySet<string>, forIndex: boolean): Promise<SymbolChunk | undefined> => {
    const files = fieldFiles.get(symbol)!;
    const folder = join(dir, QLIB_FEATURES_DIR, folders.get(symbol)!);
    const needed = [...files.keys()].filter((f) => wanted.has(f) || f === 'factor' || f === 'is_trading');
    const stored = new Map<string, StoredSeries>();
    await mapLimit(needed, 8, async (field) => {
      stored.set(field, await readQlibBin(join(folder, files.get(field)!), cal.length));
    });
    const close = stored.get('close');
    if (close === undefined) {
      skippedSymbols.push({ symbol, reason: 'no close.day.bin' });
      return undefined;
    }
    const dayList: number[] = [];
    for (let i = 0; i < close.values.length; i++) if (!Number.isNaN(close.values[i]!)) dayList.push(close.start + i);
    if (dayList.length === 0) {
      skippedSymbols.push({ symbol, reason: 'close is NaN on every day' });
      return undefined;
    }
    const days = Int32Array.from(dayList);
    const factor = stored.get('factor');
    const isTrading = stored.get('is_trading');
    const volume = stored.get('volume');
    const columns = new Map<string, Float64Array>();
    const fieldToColumn = forIndex ? new Map([...INDEX_FIELDS].map((f) => [f, f] as const)) : new Map([...stockColumns].map(([c, f]) => [f, c] as const));
    for (const [field, column] of fieldToColumn) {
      if (!wanted.has(field)) continue;
      const series = stored.get(field);
      const out = new Float64Array(days.length);
      for (let r = 0; r < days.length; r++) {
        const day = days[r]!;
        let value = valueAt(series, day);
        if (field === 'change') value *= 100;
        else if (field === 'volume' && rawVolume && !Number.isNaN(value)) {
          const f = valueAt(factor, day);
          if (!Number.isNaN(f)) value *= f;
          else if (!forIndex) volumeNotRestored++;
        }
        out[r] = value;
      }
      columns.set(column, out);
    }
    let firstTrade = 0;
    let lastTrade = 0;
    for (let r = 0; r < days.length; r++) {
      const day = days[r]!;
      const trading = isTrading !== undefined ? valueAt(isTrading, day) === 1 : !(valueAt(volume, day) <= 0);
      if (!trading) continue;
      if (firstTrade === 0) firstTrade = cal[day]!;
      lastTrade = cal[day]!;
    }
    if (!forIndex) {
      for (let r = 0; r < days.length; r++) {
        const day = days[r]!;
        if (Number.isNaN(valueAt(stored.get('open'), day)) || Number.isNaN(valueAt(stored.get('high'), day)) || Number.isNaN(valueAt(stored.get('low'), day))) {
          rowsWithMissingPrices++;
        }
      }
    }
    return { days, columns, firstTrade, lastTrade };
  };

  const stockWanted = new Set(stockColumns.values());
  const perSymbol = Math.max(1, Math.floor(concurrency / 8));
  const stockChunks = await mapLimit(stocks, perSymbol, ({ symbol }) => readSymbol(symbol, stockWanted, false));
  const indexChunks = await mapLimit(indices, perSymbol, ({ symbol }) => readSymbol(symbol, indexFields, true));

  const build = (
    name: string,
    key: string,
    items: readonly { tsCode: string }[],
    chunks: readonly (SymbolChunk | undefined)[],
    columnNames: Iterable<string>,
  ): { table: Table; kept: { tsCode: string; chunk: SymbolChunk }[] } => {
    const kept: { tsCode: string; chunk: SymbolChunk }[] = [];
    items.forEach((item, i) => {
      const chunk = chunks[i];
      if (chunk !== undefined) kept.push({ tsCode: item.tsCode, chunk });
    });
    const total = kept.reduce((n, k) => n + k.chunk.days.length, 0);
    const codes = new Int32Array(total);
    const dates = new Int32Array(total);
    let at = 0;
    kept.forEach(({ chunk }, code) => {
      codes.fill(code, at, at + chunk.days.length);
      for (let r = 0; r < chunk.days.length; r++) dates[at + r] = cal[chunk.days[r]!]!;
      at += chunk.days.length;
    });
    const columns: [string, Column][] = [
      [key, { type: 'string', codes, dictionary: kept.map((k) => k.tsCode) }],
      ['trade_date', { type: 'date', values: dates }],
    ];
    for (const column of orderColumns(name, columnNames)) {
      const parts = kept.map((k) => k.chunk.columns.get(column) ?? new Float64Array(k.chunk.days.length).fill(Number.NaN));
      columns.push([column, { type: 'number', values: concatFloat(parts, total) }]);
    }
    return { table: table(name, total, columns), kept };
  };

  const daily = build('daily', 'ts_code', stocks, stockChunks, stockColumns.keys());
  const indexDaily = build('index_daily', 'index_code', indices, indexChunks, INDEX_FIELDS.filter((f) => indexFields.has(f)));

  // stocks
  const stockCodes = daily.kept.map((k) => k.tsCode);
  const exchanges = stockCodes.map((c) => c.slice(7));
  const stocksTable = table('stocks', stockCodes.length, [
    ['ts_code', encodeStrings(stockCodes)],
    ['exchange', encodeStrings(exchanges)],
    ['board', encodeStrings(stockCodes.map((c, i) => boardOfCode(`${c.slice(0, 6)}.${exchanges[i]!}`)))],
    ['first_trade_date', { type: 'date', values: Int32Array.from(daily.kept, (k) => k.chunk.firstTrade) }],
    ['last_trade_date', { type: 'date', values: Int32Array.from(daily.kept, (k) => k.chunk.lastTrade) }],
  ]);

  // index_members
  const markets: { market: string; indexCode: string; known: boolean }[] = [];
  const unknownMarkets: string[] = [];
  const memberRows: { indexCode: string; tsCode: string; inDate: number; outDate: number }[] = [];
  let skippedMemberLines = 0;
  for (const [market, intervals] of instruments) {
    if (market === QLIB_ALL_MARKET) continue;
    const known = Object.hasOwn(marketCodes, market);
    const indexCode = known ? marketCodes[market]! : market;
    markets.push({ market, indexCode, known });
    if (!known) unknownMarkets.push(market);
    for (const interval of intervals) {
      const tsCode = qlibSymbolToTsCode(interval.symbol);
      if (tsCode === undefined) {
        skippedMemberLines++;
        continue;
      }
      const end = Number(interval.end.replaceAll('-', ''));
      const next = upperBound(cal, end);
      memberRows.push({ indexCode, tsCode, inDate: Number(interval.start.replaceAll('-', '')), outDate: next < cal.length ? cal[next]! : 0 });
    }
  }
  memberRows.sort((a, b) => (a.indexCode < b.indexCode ? -1 : a.indexCode > b.indexCode ? 1 : a.tsCode < b.tsCode ? -1 : a.tsCode > b.tsCode ? 1 : a.inDate - b.inDate));
  const membersTable = table('index_members', memberRows.length, [
    ['index_code', encodeStrings(memberRows.map((m) => m.indexCode))],
    ['ts_code', encodeStrings(memberRows.map((m) => m.tsCode))],
    ['in_date', { type: 'date', values: Int32Array.from(memberRows, (m) => m.inDate) }],
    ['out_date', { type: 'date', values: Int32Array.from(memberRows, (m) => m.outDate) }],
  ]);

  const tables = new Map<string, Table>([
    ['calendar', table('calendar', cal.length, [['trade_date', { type: 'date', values: Int32Array.from(cal) }]])],
    ['stocks', stocksTable],
    ['daily', daily.table],
  ]);
  // Optional tables only when the qlib folder had something for them: an empty table carries no
  // information and (having no value columns) would not be a valid table of the format.
  if (indexDaily.table.rowCount > 0) tables.set('index_daily', indexDaily.table);
  if (membersTable.rowCount > 0) tables.set('index_members', membersTable);
  skippedSymbols.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const report: QlibImportReport = {
    stocks: stocksTable.rowCount,
    indexSymbols: indexDaily.kept.map((k) => tsCodeToQlibSymbol(k.tsCode)!),
    dailyRows: daily.table.rowCount,
    indexDailyRows: indexDaily.table.rowCount,
    indexMemberRows: membersTable.rowCount,
    markets,
    unknownMarkets,
    extraFields,
    droppedFields: [...droppedFields].map(([field, reason]) => ({ field, reason })).sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0)),
    skippedSymbols,
    symbolsWithoutFeatures: [...withoutFeatures].sort(),
    skippedMemberLines,
    rowsWithMissingPrices,
    volumeNotRestored,
    rules: [
      options.indexSymbols === undefined
        ? 'index symbols: SH000xxx, SZ399xxx, BJ899xxx and CSI + 6 digits (instruments/all.txt is no guide: qlib lists SH000300 there)'
        : 'index symbols: as given by options.indexSymbols',
      'daily/index_daily: one row per symbol and day with a close; qlib has no rows for days without data',
      rawVolume ? 'volume: qlib volume × factor (shares traded)' : 'volume: as stored by qlib (divided by factor)',
      'pct_chg = change × 100 (qlib computes change from adjusted closes); adj_factor = factor',
      'index_members: out_date = first calendar day after qlib END (inclusive); empty when END ≥ the last calendar day',
      'stocks.first/last_trade_date: first/last day with a close and `is_trading` = 1 if that field exists, else volume not ≤ 0',
    ],
  };
  return { tables, report };
}

/** Options of {@link tablesToQlib}. */
export interface TablesToQlibOptions extends WriteQlibOptions {
  /** Market → index code, merged over {@link QLIB_MARKET_INDEX_CODES}; used backwards (index code → market file). */
  readonly marketIndexCodes?: Readonly<Record<string, string>>;
  /**
   * `daily.volume` is shares traded; qlib's cn_data stores volume / factor, so by default volume is
   * divided by `adj_factor` where there is one. `false` writes volume as it is.
   */
  readonly rawVolume?: boolean;
  /** END of membership intervals that are still open (`out_date` empty); default the last calendar day. */
  readonly openEnd?: string;
}

/** What {@link tablesToQlib} wrote and what it could not. */
export interface QlibExportReport {
  readonly written: QlibWriteSummary;
  /** Instrument files written from `index_members`: market → index code. */
  readonly markets: { readonly market: string; readonly indexCode: string; readonly known: boolean }[];
  /** Index codes with no market in the mapping: their file is named after the code (lower case, `.` → `_`). */
  readonly unknownIndexCodes: string[];
  /** Columns not written, with the reason. */
  readonly droppedColumns: { readonly table: string; readonly column: string; readonly reason: string }[];
  /** Rows not written, counted by reason. */
  readonly skippedRows: { readonly table: string; readonly count: number; readonly reason: string }[];
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

/**
 * Write factorkit dataset tables as a qlib folder, so qlib can use a factorkit dataset:
 *
 * - `calendar` → `calendars/day.txt`;
 * - `daily` → `features/<symbol>/`: open/high/low/close as they are (adjusted), volume ÷
 *   adj_factor (see `rawVolume`), amount, change = pct_chg ÷ 100, factor = adj_factor (only
 *   when the column exists: nothing is invented), every other numeric column under its own name
 *   (pre_close, turnover_rate, is_trading, pe_ttm, vwap, …);
 * - `index_daily` → `features/<index symbol>/` (open, high, low, close, volume, amount, …);
 * - `stocks` → `instruments/all.txt` with START/END = first/last_trade_date (or the stock's first
 *   and last `daily` day when those are empty); index symbols are listed too, as in qlib's cn_data;
 * - `index_members` → `instruments/<market>.txt` (index code → market via `marketIndexCodes`),
 *   END = the last calendar day before out_date (qlib's END is inclusive), or `openEnd` for open
 *   intervals. An interval with no trading day in it cannot be written and is reported.
 *
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
  const droppedColumns: { table: string; column: string; reason: string }[] = [];
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
      groups.push({ symbol, tsCode, rows });
    }
    groups.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    return { groups, dayOf };
  };

  /** qlib field → how to get it from a row, for one daily-like table. */
  const fieldsOf = (t: Table, key: string): Map<string, (row: number) => number> => {
    const out = new Map<string, (row: number) => number>();
    const numbers = new Map<string, Float64Array>();
    for (const [name, column] of t.columns) {
      if (name === key || name === 'trade_date') continue;
      if (column.type !== 'number') {
        droppedColumns.push({ table: t.name, column: name, reason: `a ${column.type} column; qlib stores numbers only` });
        continue;
      }
      numbers.set(name, column.values);
    }
    const factor = numbers.get('adj_factor');
    for (const [name, values] of numbers) {
      let field = name.toLowerCase();
      let get = (row: number): number => values[row]!;
      if (name === 'pct_chg') {
        field = 'change';
        get = (row) => values[row]! / 100;
      } else if (name === 'adj_factor') field = 'factor';
      else if (name === 'volume' && rawVolume && factor) get = (row) => (Number.isNaN(factor[row]!) ? values[row]! : values[row]! / factor[row]!);
      if (!/^[a-z_][a-z0-9_]*$/.test(field)) {
        droppedColumns.push({ table: t.name, column: name, reason: 'its name cannot be a qlib field name' });
        continue;
      }
      if (out.has(field)) {
        droppedColumns.push({ table: t.name, column: name, reason: `qlib field \`${field}\` is already written from another column` });
        continue;
      }
      out.set(field, get);
    }
    return out;
  };

  const dailyTable = tables.get('daily');
  const indexTable = tables.get('index_daily');
  const daily = dailyTable ? group(dailyTable, 'ts_code') : { groups: [], dayOf: new Int32Array() };
  const index = indexTable ? group(indexTable, 'index_code') : { groups: [], dayOf: new Int32Array() };
  const dailyFields = dailyTable ? fieldsOf(dailyTable, 'ts_code') : new Map<string, (row: number) => number>();
  const indexFields = indexTable ? fieldsOf(indexTable, 'index_code') : new Map<string, (row: number) => number>();
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

  // instruments/all.txt: stocks' first/last trade dates, else the data range; then index symbols.
  const all: QlibInterval[] = [];
  const stockRange = new Map<string, [number, number]>();
  const stocksTable = tables.get('stocks');
  if (stocksTable) {
    const codes = stringColumn(stocksTable, 'ts_code');
    const first = stocksTable.columns.get('first_trade_date')?.type === 'date' ? dateColumn(stocksTable, 'first_trade_date') : undefined;
    const last = stocksTable.columns.get('last_trade_date')?.type === 'date' ? dateColumn(stocksTable, 'last_trade_date') : undefined;
    for (let row = 0; row < stocksTable.rowCount; row++) {
      const tsCode = stringAt(codes, row);
      const symbol = tsCode === undefined ? undefined : tsCodeToQlibSymbol(tsCode);
      if (symbol === undefined) {
        skip('stocks', 'ts_code is not 6 digits + exchange suffix');
        continue;
      }
      stockRange.set(symbol, [first?.[row] ?? 0, last?.[row] ?? 0]);
    }
  }
  const dataRange = (g: Grouped, dayOf: Int32Array): [number, number] => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = -1;
    for (const row of g.rows) {
      lo = Math.min(lo, dayOf[row]!);
      hi = Math.max(hi, dayOf[row]!);
    }
    return [cal[lo]!, cal[hi]!];
  };
  const dailyBySymbol = new Map(daily.groups.map((g) => [g.symbol, g]));
  const allSymbols = [...new Set([...stockRange.keys(), ...dailyBySymbol.keys()])].sort();
  for (const symbol of allSymbols) {
    let [start, end] = stockRange.get(symbol) ?? [0, 0];
    const g = dailyBySymbol.get(symbol);
    if (g && (start === 0 || end === 0)) {
      const [lo, hi] = dataRange(g, daily.dayOf);
      if (start === 0) start = lo;
      if (end === 0) end = hi;
    }
    if (start === 0 || end === 0 || start > end) {
      skip('stocks', 'no first/last trade date and no daily rows (not listed in all.txt)');
      continue;
    }
    all.push({ symbol, start: intToDate(start), end: intToDate(end) });
  }
  for (const g of index.groups) {
    const [start, end] = dataRange(g, index.dayOf);
    all.push({ symbol: g.symbol, start: intToDate(start), end: intToDate(end) });
  }
  const instruments = new Map<string, QlibInterval[]>([[QLIB_ALL_MARKET, all]]);

  // index_members → instruments/<market>.txt
  const marketCodes: Record<string, string> = { ...QLIB_MARKET_INDEX_CODES, ...options.marketIndexCodes };
  const marketOf = new Map<string, string>();
  for (const [market, code] of Object.entries(marketCodes)) if (!marketOf.has(code.toUpperCase())) marketOf.set(code.toUpperCase(), market.toLowerCase());
  const markets: { market: string; indexCode: string; known: boolean }[] = [];
  const unknownIndexCodes: string[] = [];
  const membersTable = tables.get('index_members');
  const openEnd = options.openEnd === undefined ? cal[cal.length - 1] : dateToInt(options.openEnd);
  if (openEnd !== undefined && Number.isNaN(openEnd)) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `tablesToQlib: openEnd \`${options.openEnd}\` is not a YYYY-MM-DD date`);
  }
  if (membersTable && membersTable.rowCount > 0) {
    const indexCodes = stringColumn(membersTable, 'index_code');
    const members = stringColumn(membersTable, 'ts_code');
    const inDates = dateColumn(membersTable, 'in_date');
    const outDates = dateColumn(membersTable, 'out_date');
    const byMarket = new Map<string, QlibInterval[]>();
    const marketFor = (code: string): string => {
      const known = marketOf.get(code.toUpperCase());
      if (known !== undefined) return known;
      return code.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
    };
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
      instruments.set(market, intervals);
    }
  }

  function* symbols(): Generator<readonly [string, QlibSymbolFields]> {
    const spread = (g: Grouped, dayOf: Int32Array, fields: ReadonlyMap<string, (row: number) => number>): Map<string, Float32Array> => {
      const out = new Map<string, Float32Array>();
      for (const [field, get] of fields) {
        const values = new Float32Array(cal.length).fill(Number.NaN);
        for (const row of g.rows) values[dayOf[row]!] = get(row);
        out.set(field, values);
      }
      return out;
    };
    for (const g of daily.groups) yield [g.symbol, spread(g, daily.dayOf, dailyFields)];
    for (const g of index.groups) yield [g.symbol, spread(g, index.dayOf, indexFields)];
  }

  const written = await writeQlibFolder(dir, calDates, instruments, symbols(), options);
  return { written, markets, unknownIndexCodes, droppedColumns, skippedRows: [...skipped.values()] };
}

