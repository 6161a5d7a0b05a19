import { join } from 'node:path';
import { upperBound } from '@factorkit/core';
import { TABLES } from '../schema.js';
import { type Column, type Table, encodeStrings } from '../table.js';
import { QLIB_ALL_MARKET, QLIB_FEATURES_DIR, QLIB_MARKET_INDEX_CODES, isQlibIndexSymbol, mapLimit, qlibSymbolToTsCode, tsCodeToQlibSymbol } from './format.js';
import { boardOfCode } from '../rules/limits.js';
import { type QlibExportMarker, type QlibSuspendedMarker, QLIB_MARKER_FILE, readQlibMarker } from './marker.js';
import { CARRIED_PRICE_COLUMNS, ruleValue } from './suspended.js';
import { type StoredSeries, listQlibFields, listQlibSymbols, readQlibBin, readQlibCalendar, readQlibInstruments } from './read.js';

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
 *
 * A folder written by `tablesToQlib` carries `factorkit.json` (see marker.ts), which says how its
 * volume was written: divided by the factor where there was one, shares elsewhere (or shares
 * everywhere). Without the marker, a stock row whose volume has no factor to multiply by is
 * counted in `volumeNotRestored`: its unit is unknown.
 *
 * The marker (version 2) also says how suspended rows were written: NaN close (qlib's suspended
 * day), `is_trading` 0. Such a row comes back as a `daily` row: open = high = low = close = the
 * close of the symbol's previous row, the other blanked columns (volume, amount, pct_chg, …) the
 * value the marker records, then the marker's exceptions (values that rule does not give, such
 * as the close of a stock whose data starts suspended). Fields it lists in `notRestored` (derived
 * for qlib only: `change` without `pct_chg`, `is_trading` without such a column) make no column.
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
   * by `factor` to give shares traded, as our `daily.volume` means (in a folder written by
   * `tablesToQlib`, as its marker says: rows it wrote in shares stay as they are). `false` keeps
   * the value as stored.
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
  /**
   * qlib fields not converted, with the reason: `table` is `daily` for fields of stock symbols,
   * `index_daily` for fields of index symbols (which keep open, high, low, close, volume, amount).
   */
  readonly droppedFields: { readonly table: 'daily' | 'index_daily'; readonly field: string; readonly reason: string }[];
  /** Symbols skipped: not an exchange prefix + 6 digits, or no `close` data. */
  readonly skippedSymbols: { readonly symbol: string; readonly reason: string }[];
  /** Symbols asked for, or listed in an instrument file, that have no folder under `features/`. */
  readonly symbolsWithoutFeatures: string[];
  /** Instrument lines skipped because the symbol cannot be turned into a ts_code. */
  readonly skippedMemberLines: number;
  /** `daily` rows that have a close but miss open, high or low (kept; the schema will flag them). */
  readonly rowsWithMissingPrices: number;
  /**
   * Stock rows whose volume could not be restored to shares (no factor that day, and no marker
   * saying the row was written in shares): kept as qlib stored it.
   */
  readonly volumeNotRestored: number;
  /** The folder was written by factorkit's `tablesToQlib` (it has a `factorkit.json` marker). */
  readonly factorkitExport: boolean;
  /**
   * `daily` rows given back as suspended days: in a folder written by `tablesToQlib`, days with a
   * NaN close and `is_trading` 0 (their values restored as the marker says). Always 0 for other
   * folders: qlib has no row for a day without a close.
   */
  readonly suspendedRows: number;
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
 *   days have no row), and in factorkit's own export each suspended row (NaN close,
 *   `is_trading` 0), restored as the marker says (see above). Field mapping: open/high/low/close
 *   as stored (adjusted); volume × factor (shares; see `rawVolume`; in a folder written by
 *   `tablesToQlib`, rows its marker says are in shares stay as they are); amount; pct_chg =
 *   change × 100; adj_factor = factor; any other field (vwap, …) as an extra numeric column of
 *   the same name, except those the marker lists in `notRestored`;
 * - `index_daily`: the same for index symbols (see `indexSymbols`), columns open, high, low,
 *   close, volume, amount; every other field is dropped and reported with the reason (the
 *   factor: whether it was 1 on every row, i.e. nothing was lost);
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
 * @throws FK_INVALID_DATA as {@link readQlib} does, naming the offending file, and when a
 * `factorkit.json` marker is not one this version reads.
 */
export async function qlibToTables(dir: string, options: QlibToTablesOptions = {}): Promise<QlibTables> {
  const concurrency = Math.max(1, options.concurrency ?? 32);
  const rawVolume = options.rawVolume ?? true;
  const isIndex = indexPredicate(options.indexSymbols);
  const marketCodes: Record<string, string> = { ...QLIB_MARKET_INDEX_CODES, ...options.marketIndexCodes };

  const calendar = await readQlibCalendar(dir);
  const cal = calendar.ints;
  const marker = await readQlibMarker(dir);
  // How to bring volume back to shares: × factor where the row has one; rows without a factor are
  // shares when the marker says the writer left them so, else unknown (counted).
  const volumeRule: 'multiply' | 'multiply-where-factor' | 'keep' = !rawVolume || marker?.volume === 'shares' ? 'keep' : marker ? 'multiply-where-factor' : 'multiply';
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

  // `daily` and `index_daily` fields dropped, each field → reason.
  const droppedFields = { daily: new Map<string, string>(), index_daily: new Map<string, string>() };
  const stockColumns = new Map<string, string>(); // column → qlib field
  const notRestored = marker?.notRestored?.['daily'] ?? {};
  for (const { symbol } of stocks) {
    const files = fieldFiles.get(symbol)!;
    for (const field of files.keys()) {
      const why = Object.hasOwn(notRestored, field) ? notRestored[field] : undefined;
      if (why !== undefined) {
        droppedFields.daily.set(field, why);
        continue;
      }
      const column = STOCK_FIELD_TO_COLUMN[field] ?? field;
      if (column === 'ts_code' || column === 'trade_date') {
        droppedFields.daily.set(field, `its name is a key column of daily`);
        continue;
      }
      const mapped = stockColumns.get(column);
      if (mapped !== undefined && mapped !== field) {
        // e.g. a field `pct_chg` next to `change`: the standard mapping wins.
        const loser = STOCK_FIELD_TO_COLUMN[field] === undefined ? field : mapped;
        const winner = loser === field ? mapped : field;
        droppedFields.daily.set(loser, `daily.${column} comes from the qlib field \`${winner}\``);
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
      else if (!droppedFields.index_daily.has(field)) droppedFields.index_daily.set(field, indexDropReason(field, marker));
    }
  }
  const extraFields = [...stockColumns.entries()].filter(([column, field]) => STOCK_FIELD_TO_COLUMN[field] !== column).map(([, field]) => field).sort();

  let rowsWithMissingPrices = 0;
  let volumeNotRestored = 0;
  let suspendedRows = 0;
  const suspendedRule = marker?.suspended;
  // Index rows with a factor other than 1 (dropped with the field; volume was multiplied by it).
  let indexFactorRows = 0;
  let indexFactorNotOne = 0;

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
    const factor = stored.get('factor');
    const isTrading = stored.get('is_trading');
    // A suspended row of factorkit's export: NaN close, is_trading 0.
    const suspendedDay = (day: number): boolean => !forIndex && suspendedRule !== undefined && valueAt(isTrading, day) === 0 && Number.isNaN(valueAt(close, day));
    const dayList: number[] = [];
    const first = Math.min(close.start, isTrading?.start ?? close.start);
    const end = Math.max(close.start + close.values.length, isTrading ? isTrading.start + isTrading.values.length : 0);
    for (let day = first; day < end; day++) if (!Number.isNaN(valueAt(close, day)) || suspendedDay(day)) dayList.push(day);
    if (dayList.length === 0) {
      skippedSymbols.push({ symbol, reason: 'close is NaN on every day' });
      return undefined;
    }
    const days = Int32Array.from(dayList);
    const volume = stored.get('volume');
    if (forIndex && factor !== undefined) {
      for (const day of days) {
        const f = valueAt(factor, day);
        if (Number.isNaN(f)) continue;
        indexFactorRows++;
        if (f !== 1) indexFactorNotOne++;
      }
    }
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
        else if (field === 'volume' && volumeRule !== 'keep' && !Number.isNaN(value)) {
          const f = valueAt(factor, day);
          if (!Number.isNaN(f)) value *= f;
          else if (!forIndex && volumeRule === 'multiply') volumeNotRestored++;
        }
        out[r] = value;
      }
      columns.set(column, out);
    }
    if (suspendedRule !== undefined && !forIndex) suspendedRows += restoreSuspended(symbol, days, suspendedDay, columns, suspendedRule, cal);
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
      const [open, high, low] = (['open', 'high', 'low'] as const).map((c) => columns.get(c));
      for (let r = 0; r < days.length; r++) {
        if (Number.isNaN(open?.[r] ?? Number.NaN) || Number.isNaN(high?.[r] ?? Number.NaN) || Number.isNaN(low?.[r] ?? Number.NaN)) rowsWithMissingPrices++;
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
  if (droppedFields.index_daily.has('factor')) {
    droppedFields.index_daily.set(
      'factor',
      indexFactorNotOne === 0
        ? `index_daily has no factor column; the factor is 1 on every index row that has one (${indexFactorRows}): index levels are not adjusted, nothing is lost`
        : `index_daily has no factor column; the factor is not 1 on ${indexFactorNotOne} of ${indexFactorRows} index rows: their volume was multiplied by it${volumeRule === 'keep' ? ' (not: volume kept as stored)' : ''}, their levels are kept as stored (adjusted)`,
    );
  }
  const dropped = (['daily', 'index_daily'] as const).flatMap((t) => [...droppedFields[t]].map(([field, reason]) => ({ table: t, field, reason })));
  const report: QlibImportReport = {
    stocks: stocksTable.rowCount,
    indexSymbols: indexDaily.kept.map((k) => tsCodeToQlibSymbol(k.tsCode)!),
    dailyRows: daily.table.rowCount,
    indexDailyRows: indexDaily.table.rowCount,
    indexMemberRows: membersTable.rowCount,
    markets,
    unknownMarkets,
    extraFields,
    droppedFields: dropped.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : a.field < b.field ? -1 : a.field > b.field ? 1 : 0)),
    skippedSymbols,
    symbolsWithoutFeatures: [...withoutFeatures].sort(),
    skippedMemberLines,
    rowsWithMissingPrices,
    volumeNotRestored,
    factorkitExport: marker !== undefined,
    suspendedRows,
    rules: [
      options.indexSymbols === undefined
        ? 'index symbols: SH000xxx, SZ399xxx, BJ899xxx and CSI + 6 digits (instruments/all.txt is no guide: qlib lists SH000300 there)'
        : 'index symbols: as given by options.indexSymbols',
      suspendedRule === undefined
        ? 'daily/index_daily: one row per symbol and day with a close; qlib has no rows for days without data'
        : `daily/index_daily: one row per symbol and day with a close, and per suspended stock day (NaN close, is_trading 0: ${suspendedRule.rule}); on those, open/high/low/close = the previous row’s close, ${describeValues(suspendedRule)}, then the exceptions in ${QLIB_MARKER_FILE}`,
      volumeRule === 'keep'
        ? `volume: as stored${marker?.volume === 'shares' ? ` (shares: ${QLIB_MARKER_FILE} says so)` : ' (qlib: divided by factor)'}`
        : volumeRule === 'multiply-where-factor'
          ? `volume: × factor where the row has one; rows without are shares already (${QLIB_MARKER_FILE})`
          : 'volume: qlib volume × factor (shares traded)',
      'pct_chg = change × 100 (qlib computes change from adjusted closes); adj_factor = factor',
      'index_members: out_date = first calendar day after qlib END (inclusive); empty when END ≥ the last calendar day',
      'stocks.first/last_trade_date: first/last day with a close and `is_trading` = 1 if that field exists, else volume not ≤ 0',
    ],
  };
  return { tables, report };
}


/**
 * Give the suspended rows of one stock their values (see `suspended.ts`): open/high/low/close the
 * close of the previous row, other columns the marker's value, then the marker's exceptions.
 * Returns the number of suspended rows.
 */
function restoreSuspended(
  symbol: string,
  days: Int32Array,
  suspendedDay: (day: number) => boolean,
  columns: Map<string, Float64Array>,
  rule: QlibSuspendedMarker,
  cal: Int32Array,
): number {
  const exceptions = new Map<number, [string, number][]>();
  for (const [date, column, value] of rule.exceptions[symbol] ?? []) {
    const key = Number(date.replaceAll('-', ''));
    let list = exceptions.get(key);
    if (!list) exceptions.set(key, (list = []));
    list.push([column, value ?? Number.NaN]);
  }
  const restored = [...columns].filter(([column]) => CARRIED_PRICE_COLUMNS.has(column) || Object.hasOwn(rule.values, column));
  const close = columns.get('close');
  let carried = Number.NaN;
  let count = 0;
  for (let r = 0; r < days.length; r++) {
    if (suspendedDay(days[r]!)) {
      count++;
      for (const [column, out] of restored) out[r] = ruleValue(column, carried, rule.values);
      for (const [column, value] of exceptions.get(cal[days[r]!]!) ?? []) {
        const out = columns.get(column);
        if (out) out[r] = value;
      }
    }
    const c = close?.[r] ?? Number.NaN;
    if (!Number.isNaN(c)) carried = c;
  }
  return count;
}

function describeValues(rule: QlibSuspendedMarker): string {
  const entries = Object.entries(rule.values).map(([column, value]) => `${column} = ${value === null ? 'empty' : value}`);
  return entries.length > 0 ? entries.join(', ') : 'no other column restored';
}

/** Why a field of an index symbol is not converted (`factor` gets its final reason once read). */
function indexDropReason(field: string, marker: QlibExportMarker | undefined): string {
  const base = `index_daily keeps open, high, low, close, volume and amount only (dropped for index symbols)`;
  const source = marker?.fields['index_daily']?.[field];
  return source === undefined ? base : `${base}; written by factorkit as \`${source}\`, so nothing is lost`;
}
