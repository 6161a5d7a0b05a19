import {
  type CategoricalPanel,
  FactorkitError,
  type FieldInfo,
  type FieldKind,
  type FieldRequest,
  type MarketData,
  type Panel,
  TradingCalendar,
  missingField,
  show,
  windowCategorical,
  windowPanel,
} from '@factorkit/core';
import type { Board } from '../rules/limits.js';
import type { Table } from '../table.js';

/** Static facts about every asset of a dataset, in column order. */
export interface AssetMaster {
  readonly ids: readonly string[];
  readonly names: readonly (string | undefined)[];
  readonly exchange: readonly string[];
  readonly board: readonly Board[];
  /** Listing date, `yyyymmdd`; 0 when unknown. */
  readonly listDate: Int32Array;
  /**
   * 1 when the dataset gave no `list_date` and the first trading row stands in for it (so a
   * stock listed before the data starts looks newly listed at the start: listing-age filters
   * should use a start date well after the data's first day).
   */
  readonly listDateApproximate: Uint8Array;
  /** Delisting date, `yyyymmdd`; 0 when not delisted (within the data). */
  readonly delistDate: Int32Array;
}

/** How a field of the store is made. Sources run once, on first use, and are cached. */
export interface FieldSource {
  readonly info: FieldInfo;
  readonly compute: () => Panel;
}

export interface CategoricalSource {
  readonly info: FieldInfo;
  readonly compute: () => CategoricalPanel;
}

/** One index's daily levels, aligned to the calendar (`NaN` where the index has no row). */
export interface IndexLevels {
  readonly code: string;
  readonly close: Float64Array;
}

/** What {@link Dataset} is built from (see `datasetFromTables`). */
export interface DatasetParts {
  readonly dates: Int32Array;
  readonly master: AssetMaster;
  readonly fields: ReadonlyMap<string, FieldSource>;
  readonly categorical: ReadonlyMap<string, CategoricalSource>;
  readonly indexLevels: ReadonlyMap<string, IndexLevels>;
  /** Tables that are not per-asset panels (funds, fund NAVs, holdings…), kept as read. */
  readonly tables: ReadonlyMap<string, Table>;
  /** Where the data came from, for messages. */
  readonly source?: string;
}

/**
 * The panel store: a whole dataset in memory as date × asset panels, implementing
 * {@link MarketData}. Fields are computed on first use and cached. Every panel it hands out is
 * read-only: `panel()` and a whole-range `field()` without a lag are the cached panel itself;
 * a window or a lag is cut into a new panel.
 *
 * Point in time: every field is as known at the close of each day (see `MarketData`).
 */
export class Dataset implements MarketData {
  readonly calendar: TradingCalendar;
  /** The calendar as `yyyymmdd` integers. */
  readonly dates: Int32Array;
  readonly assets: readonly string[];
  readonly master: AssetMaster;
  readonly tables: ReadonlyMap<string, Table>;
  readonly source: string | undefined;
  readonly #fields: ReadonlyMap<string, FieldSource>;
  readonly #categorical: ReadonlyMap<string, CategoricalSource>;
  readonly #indexLevels: ReadonlyMap<string, IndexLevels>;
  readonly #cache = new Map<string, Panel>();
  readonly #categoricalCache = new Map<string, CategoricalPanel>();
  readonly #info: readonly FieldInfo[];

  constructor(parts: DatasetParts) {
    this.dates = parts.dates;
    this.calendar = new TradingCalendar(Array.from(parts.dates, (d) => `${Math.floor(d / 10_000)}-${pad(Math.floor(d / 100) % 100)}-${pad(d % 100)}`));
    this.master = parts.master;
    this.assets = parts.master.ids;
    this.tables = parts.tables;
    this.source = parts.source;
    this.#fields = parts.fields;
    this.#categorical = parts.categorical;
    this.#indexLevels = parts.indexLevels;
    this.#info = [...[...parts.fields.values()].map((f) => f.info), ...[...parts.categorical.values()].map((f) => f.info)].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
  }

  fieldInfo(): readonly FieldInfo[] {
    return this.#info;
  }

  hasField(name: string): boolean {
    return this.#fields.has(name) || this.#categorical.has(name);
  }

  /** The fields of one kind. */
  fieldsOfKind(kind: FieldKind): string[] {
    return this.#info.filter((f) => f.kind === kind).map((f) => f.name);
  }

  /**
   * The cached full-length panel of a numeric field: no copy, so it must not be modified.
   * @throws FK_MISSING_INPUT / FK_INVALID_ARGUMENT as `field()`.
   */
  panel(name: string): Panel {
    const cached = this.#cache.get(name);
    if (cached) return cached;
    const source = this.#fields.get(name);
    if (!source) return missingField(name, this);
    const panel = source.compute();
    if (panel.dates !== this.dates.length || panel.assets !== this.assets.length) {
      throw new FactorkitError('FK_INVALID_OUTPUT', `dataset: field \`${name}\` was computed as ${panel.dates} × ${panel.assets}, expected ${this.dates.length} × ${this.assets.length}`);
    }
    this.#cache.set(name, panel);
    return panel;
  }

  /** The cached full-length categorical panel (no copy). */
  categoricalPanel(name: string): CategoricalPanel {
    const cached = this.#categoricalCache.get(name);
    if (cached) return cached;
    const source = this.#categorical.get(name);
    if (!source) return missingField(name, this, 'categorical');
    const panel = source.compute();
    this.#categoricalCache.set(name, panel);
    return panel;
  }

  field(name: string, request: FieldRequest = {}): Panel {
    return windowPanel(this.panel(name), 0, this.dates.length, checkLag(request.lag));
  }

  categorical(name: string, request: FieldRequest = {}): CategoricalPanel {
    return windowCategorical(this.categoricalPanel(name), 0, this.dates.length, checkLag(request.lag));
  }

  window(start: number, end: number): MarketData {
    checkWindow(start, end, this.dates.length);
    return new DatasetWindow(this, start, end);
  }

  /** Codes of the indices with levels in the dataset. */
  indexCodes(): string[] {
    return [...this.#indexLevels.keys()].sort();
  }

  /**
   * A table that is not an asset panel (`funds`, `fund_nav`, `fund_holdings`, `index_weight`,
   * `index_members`, `index_daily`, `analyst_reports`), as loaded: every row, not cut by date;
   * filter it by its own date columns as of the calendar day you ask about (see
   * `MarketData.table`). `undefined` when the dataset has no such table.
   */
  table(name: string): Table | undefined {
    return this.tables.get(name);
  }

  /** Daily close levels of an index, aligned to the calendar. */
  indexLevels(code: string): IndexLevels | undefined {
    return this.#indexLevels.get(code);
  }

  /** Free cached panels (they are recomputed on next use). */
  clearCache(): void {
    this.#cache.clear();
    this.#categoricalCache.clear();
  }
}

/**
 * A date range of a {@link Dataset}: panels are cut from the cached full panels in one pass;
 * tables are the dataset's own, uncut.
 */
class DatasetWindow implements MarketData {
  readonly calendar: TradingCalendar;
  readonly assets: readonly string[];

  constructor(
    private readonly dataset: Dataset,
    private readonly start: number,
    private readonly end: number,
  ) {
    this.calendar = dataset.calendar.slice(start, end);
    this.assets = dataset.assets;
  }

  fieldInfo(): readonly FieldInfo[] {
    return this.dataset.fieldInfo();
  }

  hasField(name: string): boolean {
    return this.dataset.hasField(name);
  }

  field(name: string, request: FieldRequest = {}): Panel {
    return windowPanel(this.dataset.panel(name), this.start, this.end, checkLag(request.lag));
  }

  categorical(name: string, request: FieldRequest = {}): CategoricalPanel {
    return windowCategorical(this.dataset.categoricalPanel(name), this.start, this.end, checkLag(request.lag));
  }

  window(start: number, end: number): MarketData {
    checkWindow(start, end, this.end - this.start);
    return new DatasetWindow(this.dataset, this.start + start, this.start + end);
  }

  /**
   * The dataset's table, the same as the whole dataset's: a table is not cut by the window. It is
   * as loaded; filter it by its own date columns as of the calendar day you ask about.
   */
  table(name: string): Table | undefined {
    return this.dataset.table(name);
  }
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function checkLag(lag: number | undefined): number {
  const value = lag ?? 0;
  if (!Number.isInteger(value) || value < 0) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `field request: lag must be a non-negative integer, got ${show(lag)}`);
  }
  return value;
}

function checkWindow(start: number, end: number, length: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > length || start > end) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `dataset: window [${start}, ${end}) is outside 0..${length}`);
  }
}
