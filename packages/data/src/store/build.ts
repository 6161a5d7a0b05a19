import { FactorkitError, Panel, type FieldKind } from '@factorkit/core';
import { TABLES } from '../schema.js';
import { type StringColumn, type Table, dateColumn, numberColumn, stringAt, stringColumn } from '../table.js';
import { type Board, boardOfCode } from '../rules/limits.js';
import { type AssetMaster, type CategoricalSource, Dataset, type FieldSource, type IndexLevels } from './dataset.js';
import { lowerBound } from '../pit/internal.js';

/** Something the store noticed while assembling (rows it could not place, approximations). */
export interface BuildNote {
  readonly table: string;
  readonly code: 'unknown_asset' | 'unknown_date' | 'approximation' | 'missing_table' | 'renormalised';
  readonly count: number;
  readonly message: string;
}

/** Shared state while fields are registered. */
export interface BuildContext {
  readonly dates: Int32Array;
  readonly master: AssetMaster;
  readonly tables: ReadonlyMap<string, Table>;
  /** Asset column of each ts_code. */
  readonly assetIndex: ReadonlyMap<string, number>;
  readonly fields: Map<string, FieldSource>;
  readonly categorical: Map<string, CategoricalSource>;
  readonly notes: BuildNote[];
  /** Register a numeric field computed on first use. */
  add(name: string, kind: FieldKind, description: string, compute: () => Panel, unit?: string): void;
}

/**
 * Assemble a {@link Dataset} from tables (as `readDatasetTables` returns them). Daily columns
 * become panels at once (one pass over the rows); everything else is derived on first use.
 */
export function datasetFromTables(tables: ReadonlyMap<string, Table>, options: { source?: string; extensions?: readonly ((ctx: BuildContext) => void)[] } = {}): {
  dataset: Dataset;
  notes: BuildNote[];
} {
  const calendarTable = requireTable(tables, 'calendar');
  const stocks = requireTable(tables, 'stocks');
  const daily = requireTable(tables, 'daily');
  const dates = dateColumn(calendarTable, 'trade_date').slice();
  const notes: BuildNote[] = [];
  const dateIndex = makeDateIndex(dates);

  const master = buildMaster(stocks, daily, dates);
  const assetIndex = new Map(master.ids.map((id, i) => [id, i]));
  const fields = new Map<string, FieldSource>();
  const categorical = new Map<string, CategoricalSource>();
  const T = dates.length;
  const N = master.ids.length;
  const ctx: BuildContext = {
    dates,
    master,
    tables,
    assetIndex,
    fields,
    categorical,
    notes,
    add(name, kind, description, compute, unit) {
      fields.set(name, { info: { name, kind, description, ...(unit ? { unit } : {}) }, compute });
    },
  };

  // Daily: every numeric column to a panel, in one pass.
  const dailyPanels = dailyToPanels(daily, assetIndex, dateIndex, T, N, notes);
  for (const [name, panel] of dailyPanels) {
    const schema = TABLES.daily!.columns.find((c) => c.name === name);
    ctx.add(name, 'market', schema?.description ?? `daily column \`${name}\``, () => panel, schema?.unit);
  }

  // Static categorical: board.
  categorical.set('board', {
    info: { name: 'board', kind: 'categorical', description: 'board: main, chinext, star, bse' },
    compute: () => staticCategorical(master.board, ['main', 'chinext', 'star', 'bse'], T),
  });

  const indexLevels = buildIndexLevels(tables.get('index_daily'), dateIndex, T, notes);
  for (const extend of options.extensions ?? []) extend(ctx);

  return {
    dataset: new Dataset({ dates, master, fields, categorical, indexLevels, tables: otherTables(tables), ...(options.source ? { source: options.source } : {}) }),
    notes,
  };
}

function requireTable(tables: ReadonlyMap<string, Table>, name: string): Table {
  const table = tables.get(name);
  if (!table) throw new FactorkitError('FK_INVALID_DATA', `dataset: the required table \`${name}\` is missing`);
  return table;
}

/** Tables the store keeps as they are (not turned into asset panels). */
function otherTables(tables: ReadonlyMap<string, Table>): Map<string, Table> {
  const keep = new Map<string, Table>();
  for (const name of ['funds', 'fund_nav', 'fund_holdings', 'index_weight', 'index_members', 'index_daily', 'analyst_reports']) {
    const table = tables.get(name);
    if (table) keep.set(name, table);
  }
  return keep;
}

/** yyyymmdd → calendar index, as a dense lookup over the calendar's span. */
export function makeDateIndex(dates: Int32Array): (date: number) => number {
  if (dates.length === 0) return () => -1;
  const map = new Map<number, number>();
  dates.forEach((d, i) => map.set(d, i));
  let lastDate = -1;
  let lastIndex = -1;
  return (date) => {
    if (date === lastDate) return lastIndex;
    lastDate = date;
    lastIndex = map.get(date) ?? -1;
    return lastIndex;
  };
}

function buildMaster(stocks: Table, daily: Table, dates: Int32Array): AssetMaster {
  const codes = stringColumn(stocks, 'ts_code');
  const order = Array.from({ length: stocks.rowCount }, (_, i) => i).sort((a, b) => compare(stringAt(codes, a)!, stringAt(codes, b)!));
  const ids = order.map((r) => stringAt(codes, r)!);
  const column = (name: string) => (stocks.columns.has(name) ? stocks.columns.get(name) : undefined);
  const text = (name: string, r: number) => {
    const c = column(name);
    return c && c.type === 'string' ? stringAt(c, r) : undefined;
  };
  const date = (name: string, r: number) => {
    const c = column(name);
    return c && c.type === 'date' ? c.values[r]! : 0;
  };
  // First and last trading rows from daily, for stocks without list/delist dates.
  const firstTrade = new Map<string, number>();
  const dailyCodes = stringColumn(daily, 'ts_code');
  const dailyDates = dateColumn(daily, 'trade_date');
  const trading = daily.columns.get('is_trading');
  const volume = daily.columns.get('volume');
  const firstByCode = new Int32Array(dailyCodes.dictionary.length);
  for (let r = 0; r < daily.rowCount; r++) {
    const code = dailyCodes.codes[r]!;
    if (code < 0) continue;
    const isTrading = trading?.type === 'number' ? trading.values[r]! === 1 : volume?.type === 'number' ? volume.values[r]! > 0 : true;
    if (!isTrading) continue;
    const d = dailyDates[r]!;
    if (firstByCode[code] === 0 || d < firstByCode[code]!) firstByCode[code] = d;
  }
  dailyCodes.dictionary.forEach((id, code) => firstTrade.set(id, firstByCode[code]!));

  const listDate = new Int32Array(ids.length);
  const listDateApproximate = new Uint8Array(ids.length);
  const delistDate = new Int32Array(ids.length);
  const board: Board[] = [];
  const exchange: string[] = [];
  const names: (string | undefined)[] = [];
  order.forEach((r, i) => {
    const id = ids[i]!;
    const given = date('list_date', r);
    if (given) listDate[i] = given;
    else {
      listDate[i] = date('first_trade_date', r) || (firstTrade.get(id) ?? 0);
      listDateApproximate[i] = 1;
    }
    const delisted = column('delisted');
    delistDate[i] =
      date('delist_date', r) || (delisted?.type === 'number' && delisted.values[r] === 1 ? nextDay(dates, date('last_trade_date', r)) : 0);
    board.push((text('board', r) as Board | undefined) ?? boardOfCode(id));
    exchange.push(text('exchange', r) ?? id.split('.')[1] ?? '');
    names.push(text('name', r));
  });
  return { ids, names, exchange, board, listDate, listDateApproximate, delistDate };
}

/** The trading day after `date` (the first day a delisted stock is gone); 0 when unknown. */
function nextDay(dates: Int32Array, date: number): number {
  if (!date) return 0;
  const i = lowerBound(dates, date + 1);
  return i < dates.length ? dates[i]! : date + 1;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function dailyToPanels(
  daily: Table,
  assetIndex: ReadonlyMap<string, number>,
  dateIndex: (d: number) => number,
  T: number,
  N: number,
  notes: BuildNote[],
): Map<string, Panel> {
  const codes = stringColumn(daily, 'ts_code');
  const tradeDates = dateColumn(daily, 'trade_date');
  const assetOfCode = Int32Array.from(codes.dictionary, (id) => assetIndex.get(id) ?? -1);
  const numeric = [...daily.columns].filter(([, c]) => c.type === 'number').map(([name]) => name);
  const panels = new Map(numeric.map((name) => [name, new Panel(T, N)]));
  const sources = numeric.map((name) => numberColumn(daily, name));
  const targets = numeric.map((name) => panels.get(name)!.values);
  let unknownAsset = 0;
  let unknownDate = 0;
  for (let r = 0; r < daily.rowCount; r++) {
    const code = codes.codes[r]!;
    const a = code < 0 ? -1 : assetOfCode[code]!;
    if (a < 0) {
      unknownAsset++;
      continue;
    }
    const t = dateIndex(tradeDates[r]!);
    if (t < 0) {
      unknownDate++;
      continue;
    }
    const cell = a * T + t;
    for (let k = 0; k < sources.length; k++) targets[k]![cell] = sources[k]![r]!;
  }
  if (unknownAsset > 0) notes.push({ table: 'daily', code: 'unknown_asset', count: unknownAsset, message: `${unknownAsset} daily rows name a stock missing from \`stocks\`; they were not loaded` });
  if (unknownDate > 0) notes.push({ table: 'daily', code: 'unknown_date', count: unknownDate, message: `${unknownDate} daily rows fall on dates missing from \`calendar\`; they were not loaded` });
  return panels;
}

function staticCategorical(values: readonly string[], levels: readonly string[], T: number) {
  const codes = new Int32Array(values.length * T);
  values.forEach((v, a) => codes.fill(levels.indexOf(v), a * T, (a + 1) * T));
  return { dates: T, assets: values.length, codes, levels };
}

function buildIndexLevels(table: Table | undefined, dateIndex: (d: number) => number, size: number, notes: BuildNote[]): Map<string, IndexLevels> {
  const out = new Map<string, IndexLevels>();
  if (!table) return out;
  const codes: StringColumn = stringColumn(table, 'index_code');
  const tradeDates = dateColumn(table, 'trade_date');
  const close = numberColumn(table, 'close');
  let unknownDate = 0;
  for (let r = 0; r < table.rowCount; r++) {
    const code = stringAt(codes, r)!;
    const t = dateIndex(tradeDates[r]!);
    if (t < 0) {
      unknownDate++;
      continue;
    }
    let levels = out.get(code);
    if (!levels) {
      levels = { code, close: new Float64Array(size).fill(Number.NaN) };
      out.set(code, levels);
    }
    levels.close[t] = close[r]!;
  }
  if (unknownDate > 0) notes.push({ table: 'index_daily', code: 'unknown_date', count: unknownDate, message: `${unknownDate} index_daily rows fall on dates missing from \`calendar\`` });
  return out;
}
