import { type Calendar, type DateString, TradingCalendar } from './calendar.js';
import { FactorkitError, show } from './errors.js';
import { type CategoricalPanel, Panel, windowCategorical, windowPanel } from './panel.js';
import type { DataTable } from './table.js';

/** An asset id in tushare style: `600519.SH`, `000001.SZ`, `430047.BJ`. */
export type AssetId = string;

/** What kind of quantity a field holds, which decides how it becomes known over time. */
export type FieldKind =
  /** A daily market observation (price, volume, a valuation ratio): known at that day's close. */
  | 'market'
  /** A reported figure (profit, equity, shares): known from its announcement date (`ann_date`). */
  | 'fundamental'
  /** An attribute with its own effective dates (listing date, index membership, pay, coverage). */
  | 'reference'
  /** A classification (industry, board) with its own effective dates; read with `categorical()`. */
  | 'categorical';

/** A field a dataset provides. */
export interface FieldInfo {
  readonly name: string;
  readonly kind: FieldKind;
  readonly description?: string;
  /** For example `CNY`, `shares`, `ratio`, `fraction`. */
  readonly unit?: string;
}

/** How a plugin asks for a field. */
export interface FieldRequest {
  /**
   * Extra delay in trading days, ≥ 0. Row `t` of the result holds what was known at the close
   * of day `t − lag`. Default 0.
   */
  readonly lag?: number;
}

/**
 * The data a plugin sees: a trading calendar, an asset list and fields as date × asset panels.
 *
 * **Point in time.** Every panel this interface returns is *as known*: row `t` holds the value
 * of the field as it was known at the close of trading day `t` (after applying `lag`).
 * - `market` fields: that day's observation (close, volume, …);
 * - `fundamental` fields: the latest report whose announcement date is on or before day `t`,
 *   never a report announced later, whatever its period end;
 * - `reference` and `categorical` fields: the value in effect on day `t`.
 *
 * Implementations must uphold this; the data layer's tests prove it for the bundled loaders,
 * and the factor test kit's look-ahead check proves a factor does not break it.
 */
export interface MarketData {
  readonly calendar: Calendar;
  /** Column `a` of every panel is `assets[a]`. */
  readonly assets: readonly AssetId[];
  /** The fields this dataset provides. */
  fieldInfo(): readonly FieldInfo[];
  hasField(name: string): boolean;
  /**
   * The numeric field `name` as known on each date (see the interface docs). The panel may be
   * the store's own copy (the whole range without a lag is not copied): treat it as read-only.
   * @throws FactorkitError `FK_MISSING_INPUT` when the dataset has no such field.
   */
  field(name: string, request?: FieldRequest): Panel;
  /**
   * The categorical field `name` (industry, board…) in effect on each date.
   * @throws FactorkitError `FK_MISSING_INPUT` when the dataset has no such field.
   */
  categorical(name: string, request?: FieldRequest): CategoricalPanel;
  /**
   * A view of the dates with index in `[start, end)`, same assets. Lags inside the view still
   * reach back before `start`, so a lagged field is not cut short by the window. A view keeps
   * the tables of the data it was cut from (see {@link MarketData.table}).
   */
  window(start: number, end: number): MarketData;
  /**
   * A table that is not a date × asset panel (`funds`, `fund_holdings`, `fund_nav`…), **as
   * loaded**: every row, whatever the calendar or the window of this view. A table is not cut by
   * date and carries no point-in-time guarantee of its own: filter it by its own date columns
   * (`ann_date`, `trade_date`…) as of the calendar day you ask about, and use nothing known later.
   * The columns follow the dataset's schema (dates `yyyymmdd`, `NaN` / `0` / code `-1` for empty
   * cells; see {@link DataTable}). Treat it as read-only.
   *
   * Returns `undefined` when the dataset has no such table. The method itself is optional: data
   * that does not define it cannot provide tables at all (the factor view `computeFactor` hands
   * out is such data: a factor reads declared fields only). Callers use {@link requireTable},
   * which throws `FK_MISSING_INPUT` naming the table in either case.
   */
  table?(name: string): DataTable | undefined;
}

/**
 * The table `name` of `data` (see {@link MarketData.table}), or the standard error for a plugin
 * that needs it.
 *
 * @param owner who needs the table, for the message (`universe \`fund-holdings\``).
 * @throws FactorkitError `FK_MISSING_INPUT` (details `{ missing: [name] }`) when the dataset has
 *   no such table, or when `data` cannot provide tables at all (no `table` method).
 */
export function requireTable(data: MarketData, name: string, owner?: string): DataTable {
  const prefix = owner ? `${owner}: ` : '';
  if (typeof data.table !== 'function') {
    throw new FactorkitError('FK_MISSING_INPUT', `${prefix}table \`${name}\` is needed, but this data cannot provide tables (its \`MarketData\` has no \`table()\`)`, {
      details: { missing: [name] },
    });
  }
  const table = data.table(name);
  if (!table) throw new FactorkitError('FK_MISSING_INPUT', `${prefix}table \`${name}\` is needed, but the dataset does not have it`, { details: { missing: [name] } });
  return table;
}

/**
 * Well-known field names. Datasets may provide more; plugins declare what they read. Market
 * prices are back-adjusted unless the name says `raw`.
 */
export const FIELD = {
  /** Daily simple return from adjusted prices (0.015 = +1.5 %). */
  ret: 'ret',
  open: 'open',
  high: 'high',
  low: 'low',
  /** Adjusted close. */
  close: 'close',
  /** Shares traded. */
  volume: 'volume',
  /** Value traded, CNY. */
  amount: 'amount',
  /** Shares traded / float shares, as a fraction (0.02 = 2 %). */
  turnover: 'turnover',
  /** Total market capitalisation, CNY. */
  marketCap: 'market_cap',
  /** Float market capitalisation, CNY. */
  floatMarketCap: 'float_market_cap',
  /** 1 on a normal trading day, 0 when suspended. */
  isTrading: 'is_trading',
  /** 1 while the stock is ST or *ST. */
  isSt: 'is_st',
  /** Level-1 industry classification (categorical). */
  industry: 'industry',
} as const;

/** A field given to {@link createMemoryData}: values (column-major) plus optional metadata. */
export interface MemoryField {
  readonly values: Panel;
  readonly kind?: FieldKind;
  readonly description?: string;
  readonly unit?: string;
}

/** Input of {@link createMemoryData}. */
export interface MemoryDataInput {
  readonly calendar: readonly DateString[] | Calendar;
  readonly assets: readonly AssetId[];
  /** Numeric fields, already point-in-time (row `t` = as known on day `t`). */
  readonly fields?: Readonly<Record<string, Panel | MemoryField>>;
  readonly categorical?: Readonly<Record<string, CategoricalPanel>>;
  /** Non-panel tables by name, served as they are by `table()` (whatever the window). */
  readonly tables?: Readonly<Record<string, DataTable>>;
}

/**
 * An in-memory {@link MarketData} over panels that are already point in time. For tests,
 * small examples and plugin authors; datasets loaded from disk come from `@factorkit/data`.
 *
 * @throws FactorkitError `FK_INVALID_DATA` when a panel's shape does not match the calendar
 *   and asset list.
 */
export function createMemoryData(input: MemoryDataInput): MarketData {
  const calendar = isCalendar(input.calendar) ? input.calendar : new TradingCalendar(input.calendar);
  const assets = Object.freeze([...input.assets]);
  const seen = new Set<string>();
  for (const id of assets) {
    if (seen.has(id)) throw new FactorkitError('FK_INVALID_DATA', `memory data: asset ${show(id)} appears twice`);
    seen.add(id);
  }
  const numeric = new Map<string, MemoryField>();
  for (const [name, given] of Object.entries(input.fields ?? {})) {
    const field: MemoryField = given instanceof Panel || isPanelLike(given) ? { values: given as Panel } : given;
    checkShape(name, field.values, calendar.length, assets.length);
    numeric.set(name, field);
  }
  const categorical = new Map<string, CategoricalPanel>();
  for (const [name, panel] of Object.entries(input.categorical ?? {})) {
    checkShape(name, panel, calendar.length, assets.length);
    if (panel.codes.length !== panel.dates * panel.assets) {
      throw new FactorkitError('FK_INVALID_DATA', `memory data: categorical field \`${name}\` has ${panel.codes.length} codes, expected ${panel.dates * panel.assets}`);
    }
    categorical.set(name, panel);
  }
  const info: FieldInfo[] = [
    ...[...numeric].map(([name, f]) => ({
      name,
      kind: f.kind ?? 'market',
      ...(f.description === undefined ? {} : { description: f.description }),
      ...(f.unit === undefined ? {} : { unit: f.unit }),
    })),
    ...[...categorical.keys()].map((name) => ({ name, kind: 'categorical' as const })),
  ];
  const tables = new Map(Object.entries(input.tables ?? {}));
  return new MemoryData(calendar, assets, numeric, categorical, tables, info, 0, calendar.length);
}

function isCalendar(value: unknown): value is Calendar {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Calendar).indexOf === 'function';
}

function isPanelLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Panel).values instanceof Float64Array && typeof (value as Panel).dates === 'number';
}

function checkShape(name: string, panel: { dates: number; assets: number }, dates: number, assets: number): void {
  if (panel.dates !== dates || panel.assets !== assets) {
    throw new FactorkitError(
      'FK_INVALID_DATA',
      `memory data: field \`${name}\` is ${panel.dates} dates × ${panel.assets} assets, but the calendar has ${dates} dates and there are ${assets} assets`,
    );
  }
}

/**
 * Throw the standard error for a field `data` cannot serve as asked: `FK_MISSING_INPUT` when it
 * has no such field, `FK_INVALID_ARGUMENT` when the field exists but is of the other type
 * (numeric asked with `categorical()`, or the reverse).
 */
export function missingField(name: string, data: MarketData, wanted: 'numeric' | 'categorical' = 'numeric'): never {
  const info = data.fieldInfo();
  const existing = info.find((f) => f.name === name);
  if (existing && (existing.kind === 'categorical') !== (wanted === 'categorical')) {
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      existing.kind === 'categorical'
        ? `field \`${name}\` is categorical: read it with \`categorical()\`, not \`field()\``
        : `field \`${name}\` is numeric: read it with \`field()\`, not \`categorical()\``,
    );
  }
  const available = info.map((f) => f.name);
  throw new FactorkitError(
    'FK_MISSING_INPUT',
    `the dataset has no field \`${name}\`${available.length ? ` (it has: ${available.join(', ')})` : ''}`,
    { details: { missing: [name], available } },
  );
}

class MemoryData implements MarketData {
  readonly calendar: Calendar;

  constructor(
    private readonly full: Calendar,
    readonly assets: readonly AssetId[],
    private readonly numeric: ReadonlyMap<string, MemoryField>,
    private readonly categories: ReadonlyMap<string, CategoricalPanel>,
    private readonly tables: ReadonlyMap<string, DataTable>,
    private readonly info: readonly FieldInfo[],
    private readonly start: number,
    private readonly end: number,
  ) {
    this.calendar = start === 0 && end === full.length ? full : full.slice(start, end);
  }

  fieldInfo(): readonly FieldInfo[] {
    return this.info;
  }

  hasField(name: string): boolean {
    return this.numeric.has(name) || this.categories.has(name);
  }

  field(name: string, request: FieldRequest = {}): Panel {
    const field = this.numeric.get(name);
    if (!field) return missingField(name, this);
    // The whole range without a lag is the stored panel itself (read-only by contract).
    return windowPanel(field.values, this.start, this.end, checkLag(request.lag));
  }

  categorical(name: string, request: FieldRequest = {}): CategoricalPanel {
    const panel = this.categories.get(name);
    if (!panel) return missingField(name, this, 'categorical');
    return windowCategorical(panel, this.start, this.end, checkLag(request.lag));
  }

  window(start: number, end: number): MarketData {
    const length = this.end - this.start;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > length || start > end) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `memory data: window [${start}, ${end}) is outside 0..${length}`);
    }
    return new MemoryData(this.full, this.assets, this.numeric, this.categories, this.tables, this.info, this.start + start, this.start + end);
  }

  table(name: string): DataTable | undefined {
    return this.tables.get(name);
  }
}

function checkLag(lag: number | undefined): number {
  const value = lag ?? 0;
  if (!Number.isInteger(value) || value < 0) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `field request: lag must be a non-negative integer, got ${show(lag)}`);
  }
  return value;
}
