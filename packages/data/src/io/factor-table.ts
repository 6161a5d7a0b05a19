import { type DateString, FactorkitError, Panel, dateToInt, intToDate, show } from '@factorkit/core';
import type { TableSchema } from '../schema.js';
import type { Table } from '../table.js';
import { readTable } from './read.js';
import type { TableReport } from './report.js';
import { type WriteTableOptions, writeTable } from './write.js';

/**
 * Factor tables: factor values in long format, one row per (date, stock, factor) that has a
 * value — `trade_date,ts_code,factor,value` — as `.csv`, `.csv.gz` or `.parquet`. This is what
 * `factorkit factors compute` writes and what factor tests read back.
 */

/** The columns of a factor table, in file order. */
export const FACTOR_TABLE_COLUMNS = ['trade_date', 'ts_code', 'factor', 'value'] as const;

/** The schema a factor table is read with (`readTable`): four columns, no empty cell but `value`. */
export const FACTOR_TABLE_SCHEMA: TableSchema = {
  name: 'factor_values',
  description: 'Factor values in long format: one row per date, stock and factor with a value.',
  required: true,
  columns: [
    { name: 'trade_date', type: 'date', required: true, nullable: false, description: 'the date the value is as of' },
    { name: 'ts_code', type: 'string', required: true, nullable: false, description: 'the stock' },
    { name: 'factor', type: 'string', required: true, nullable: false, description: 'the factor name (its id, or id[params] when an id appears with several parameter sets)' },
    { name: 'value', type: 'number', required: true, nullable: true, description: 'the factor value; empty = missing' },
  ],
  // No key check: a full-market table has hundreds of millions of rows; readFactorTable finds
  // repeated cells itself while pivoting, at 1 bit per cell.
  key: [],
  extraColumns: 'ignore',
};

/** One factor's values: what {@link FactorTableBuilder.add} takes (a `computeFactors` result entry fits). */
export interface FactorTableEntry {
  /** The name written in the `factor` column. */
  readonly name: string;
  /** The dates of the panel's rows, `YYYY-MM-DD`. */
  readonly dates: readonly DateString[];
  /** `dates.length` rows × `assets.length` columns; `NaN` cells are not written. */
  readonly values: Panel;
}

/** Factors over one set of assets: what {@link writeFactorTable} takes (a `computeFactors` result fits). */
export interface FactorTableSource {
  /** The stock codes of the panels' columns. */
  readonly assets: readonly string[];
  readonly factors: readonly FactorTableEntry[];
}

/** What {@link writeFactorTable} wrote. */
export interface FactorTableSummary {
  /** The file written. */
  readonly path: string;
  /** Rows written (values that were not `NaN`). */
  readonly rows: number;
  /** Rows per factor, in the order written. */
  readonly factors: readonly { readonly name: string; readonly rows: number }[];
  /** The first and last `trade_date` written; absent when no row was. */
  readonly firstDate?: DateString;
  readonly lastDate?: DateString;
}

/**
 * A growable typed column. A full-market run has hundreds of millions of rows: plain arrays
 * would hold them on the V8 heap (and hit its limit); typed arrays keep them outside it at 4 or
 * 8 bytes a value.
 */
class GrowableColumn<T extends Int32Array | Float64Array> {
  private data: T;
  length = 0;

  constructor(private readonly make: (size: number) => T) {
    this.data = make(1024);
  }

  /** Make room for `extra` more values at once (one copy instead of several doublings). */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.data.length) return;
    const next = this.make(Math.max(need, this.data.length * 2));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  /** Append without a bounds check; call {@link reserve} first. */
  pushReserved(value: number): void {
    this.data[this.length++] = value;
  }

  /** The values so far, exactly that many (a view, no copy). */
  values(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/**
 * Builds a factor table one factor at a time, so a caller can compute a factor, append its
 * values and let its panel go before computing the next: memory holds the long columns
 * (20 bytes a row) and one panel, never every panel at once.
 *
 * @example
 * const builder = new FactorTableBuilder(dataset.assets);
 * for (const factor of streamFactors({ data: dataset, factors })) builder.add(factor);
 * await writeFactorTable('factors.parquet', builder);
 */
export class FactorTableBuilder {
  private readonly date = new GrowableColumn((n) => new Int32Array(n));
  private readonly code = new GrowableColumn((n) => new Int32Array(n));
  private readonly factor = new GrowableColumn((n) => new Int32Array(n));
  private readonly value = new GrowableColumn((n) => new Float64Array(n));
  private readonly names: string[] = [];
  private readonly counts: number[] = [];
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;

  /** @param assets the stock codes of every panel's columns, in order. */
  constructor(readonly assets: readonly string[]) {}

  /** Rows so far. */
  get rowCount(): number {
    return this.value.length;
  }

  /**
   * Append one factor's non-`NaN` values, date by date, stock by stock; returns the rows added.
   *
   * @throws FK_INVALID_ARGUMENT for a name already added, a panel whose shape does not match
   *   `dates` and the assets, or a date that is not `YYYY-MM-DD`; FK_INVALID_DATA for an
   *   infinite value (nothing of the factor is added then).
   */
  add(entry: FactorTableEntry): number {
    const { name, dates, values } = entry;
    if (typeof name !== 'string' || name === '') throw new FactorkitError('FK_INVALID_ARGUMENT', `factor table: a factor name must be a non-empty string, got ${show(name)}`);
    if (this.names.includes(name)) throw new FactorkitError('FK_INVALID_ARGUMENT', `factor table: factor \`${name}\` is added twice`);
    if (values.dates !== dates.length || values.assets !== this.assets.length) {
      throw new FactorkitError(
        'FK_INVALID_ARGUMENT',
        `factor table: factor \`${name}\` has a panel of ${values.dates} dates × ${values.assets} assets, expected ${dates.length} × ${this.assets.length}`,
      );
    }
    const dateInts = Int32Array.from(dates, (d) => {
      const value = dateToInt(d);
      if (Number.isNaN(value) || d.length !== 10) throw new FactorkitError('FK_INVALID_ARGUMENT', `factor table: factor \`${name}\`: ${show(d)} is not a YYYY-MM-DD date`);
      return value;
    });
    const cells = values.values;
    const rows = values.dates;
    // Count first: checks every value before anything is added, and reserves once.
    let count = 0;
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i]!;
      if (v !== v) continue;
      if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
        const t = i % rows;
        throw new FactorkitError('FK_INVALID_DATA', `factor table: factor \`${name}\` is \`${v}\` on ${dates[t]} for \`${this.assets[(i - t) / rows]}\`; only finite values or NaN can be written`);
      }
      count++;
    }
    const k = this.names.length;
    this.names.push(name);
    this.counts.push(count);
    if (count === 0) return 0;
    this.date.reserve(count);
    this.code.reserve(count);
    this.factor.reserve(count);
    this.value.reserve(count);
    const assets = values.assets;
    for (let t = 0; t < rows; t++) {
      const date = dateInts[t]!;
      let any = false;
      for (let a = 0; a < assets; a++) {
        const v = cells[a * rows + t]!;
        if (v !== v) continue;
        any = true;
        this.date.pushReserved(date);
        this.code.pushReserved(a);
        this.factor.pushReserved(k);
        this.value.pushReserved(v);
      }
      if (any) {
        if (date < this.first) this.first = date;
        if (date > this.last) this.last = date;
      }
    }
    return count;
  }

  /** The table so far (views of the columns, no copy). */
  table(): Table {
    return {
      name: FACTOR_TABLE_SCHEMA.name,
      rowCount: this.value.length,
      columns: new Map([
        ['trade_date', { type: 'date', values: this.date.values() }],
        ['ts_code', { type: 'string', codes: this.code.values(), dictionary: this.assets }],
        ['factor', { type: 'string', codes: this.factor.values(), dictionary: [...this.names] }],
        ['value', { type: 'number', values: this.value.values() }],
      ]),
    };
  }

  /** Rows per factor and the date span, for reports. */
  summary(path: string): FactorTableSummary {
    return {
      path,
      rows: this.value.length,
      factors: this.names.map((name, k) => ({ name, rows: this.counts[k]! })),
      ...(this.value.length > 0 ? { firstDate: intToDate(this.first), lastDate: intToDate(this.last) } : {}),
    };
  }
}

/**
 * Write factors as a long table `trade_date,ts_code,factor,value` — one row per date, stock and
 * factor with a value (`NaN` cells are left out) — to `path` (`.csv`, `.csv.gz` or `.parquet`,
 * by its name), atomically (see `writeTable`). Rows go factor by factor, then date by date,
 * then stock by stock in `assets` order.
 *
 * `source` is a finished {@link FactorTableBuilder} (memory: one panel at a time) or every
 * factor at once (a `computeFactors` result).
 *
 * @throws FK_INVALID_ARGUMENT for an unknown file ending, a repeated factor name or a panel of
 *   the wrong shape; FK_INVALID_DATA for an infinite value; a write error names `path`.
 */
export async function writeFactorTable(path: string, source: FactorTableSource | FactorTableBuilder, options: WriteTableOptions = {}): Promise<FactorTableSummary> {
  let builder: FactorTableBuilder;
  if (source instanceof FactorTableBuilder) builder = source;
  else {
    builder = new FactorTableBuilder(source.assets);
    for (const factor of source.factors) builder.add(factor);
  }
  await writeTable(path, builder.table(), options);
  return builder.summary(path);
}

/** A factor table read back as panels: see {@link readFactorTable}. */
export interface FactorTableContents {
  /** Every stock code in the file, sorted. */
  readonly assets: readonly string[];
  /** Every date in the file, sorted. */
  readonly dates: readonly DateString[];
  /** One panel per factor (dates × assets, `NaN` where the file has no row), in order of first appearance. */
  readonly factors: readonly FactorTableEntry[];
  /** How the file read: rows rejected (bad cells) are counted here by reason, never dropped silently. */
  readonly report: TableReport;
}

/**
 * Read a factor table written by {@link writeFactorTable} (or by hand) back into one panel per
 * factor over the union of its dates and stocks.
 *
 * @throws FK_INVALID_DATA when the file cannot be read (missing, no header, a missing column)
 *   or holds two rows for one date, stock and factor (naming both lines); FK_INVALID_ARGUMENT
 *   for an unknown file ending. Rows with a bad cell are rejected and counted in `report`.
 */
export async function readFactorTable(path: string): Promise<FactorTableContents> {
  const { table, report } = await readTable(path, FACTOR_TABLE_SCHEMA);
  if (report.errors.length > 0) {
    throw new FactorkitError('FK_INVALID_DATA', `cannot read the factor table \`${path}\`: ${report.errors.map((e) => e.message).join('; ')}`, {
      details: { path, report },
    });
  }
  const dateColumn = table.columns.get('trade_date');
  const codeColumn = table.columns.get('ts_code');
  const factorColumn = table.columns.get('factor');
  const valueColumn = table.columns.get('value');
  if (dateColumn?.type !== 'date' || codeColumn?.type !== 'string' || factorColumn?.type !== 'string' || valueColumn?.type !== 'number') {
    throw new FactorkitError('FK_INVALID_DATA', `cannot read the factor table \`${path}\`: expected columns ${FACTOR_TABLE_COLUMNS.join(', ')}`);
  }
  const n = table.rowCount;
  const dateValues = [...new Set(dateColumn.values)].sort((x, y) => x - y);
  const dateIndex = new Map(dateValues.map((d, t) => [d, t]));
  const assets = [...new Set(Array.from(codeColumn.codes, (c) => codeColumn.dictionary[c]!))].sort();
  const assetIndex = new Map(assets.map((code, a) => [code, a]));
  const codeToAsset = Int32Array.from(codeColumn.dictionary, (code) => assetIndex.get(code) ?? -1);
  const order: number[] = [];
  const factorSlot = new Int32Array(factorColumn.dictionary.length).fill(-1);
  for (let r = 0; r < n; r++) {
    const f = factorColumn.codes[r]!;
    if (factorSlot[f] === -1) {
      factorSlot[f] = order.length;
      order.push(f);
    }
  }
  const T = dateValues.length;
  const A = assets.length;
  const panels = order.map(() => new Panel(T, A));
  const seen = order.map(() => new Uint8Array(Math.ceil((T * A) / 8)));
  for (let r = 0; r < n; r++) {
    const slot = factorSlot[factorColumn.codes[r]!]!;
    const t = dateIndex.get(dateColumn.values[r]!)!;
    const a = codeToAsset[codeColumn.codes[r]!]!;
    const cell = a * T + t;
    const bits = seen[slot]!;
    if (bits[cell >> 3]! & (1 << (cell & 7))) {
      const line = table.lines?.[r];
      const name = factorColumn.dictionary[factorColumn.codes[r]!]!;
      throw new FactorkitError(
        'FK_INVALID_DATA',
        `${path}${line === undefined ? '' : `:${line}`}: a second row for factor \`${name}\`, \`${assets[a]}\` on ${intToDate(dateValues[t]!)}`,
        { details: { path, line } },
      );
    }
    bits[cell >> 3]! |= 1 << (cell & 7);
    panels[slot]!.values[cell] = valueColumn.values[r]!;
  }
  const dates = dateValues.map(intToDate);
  return {
    assets,
    dates,
    factors: order.map((f, slot) => ({ name: factorColumn.dictionary[f]!, dates, values: panels[slot]! })),
    report,
  };
}
