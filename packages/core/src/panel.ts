import { FactorkitError } from './errors.js';

/**
 * A date × asset matrix of numbers: the one shape every field, factor and exposure takes.
 *
 * Storage is column-major: asset `a`'s time series is the contiguous run
 * `values[a * dates … (a + 1) * dates)`, so time-series operators walk memory in order and
 * `column(a)` is a zero-copy view. Missing values are `NaN`, everywhere.
 */
export class Panel {
  /** Number of rows (dates). */
  readonly dates: number;
  /** Number of columns (assets). */
  readonly assets: number;
  /** Column-major values; `values[a * dates + t]` is date `t`, asset `a`. `NaN` = missing. */
  readonly values: Float64Array;

  /**
   * @param values column-major values of length `dates × assets`; a new `NaN`-filled array
   *   when omitted.
   */
  constructor(dates: number, assets: number, values?: Float64Array) {
    if (!Number.isInteger(dates) || dates < 0 || !Number.isInteger(assets) || assets < 0) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `panel: shape ${dates} × ${assets} is not two non-negative integers`);
    }
    if (values && values.length !== dates * assets) {
      throw new FactorkitError(
        'FK_INVALID_DATA',
        `panel: ${dates} dates × ${assets} assets needs ${dates * assets} values, got ${values.length}`,
      );
    }
    this.dates = dates;
    this.assets = assets;
    this.values = values ?? new Float64Array(dates * assets).fill(Number.NaN);
  }

  /** A panel from rows (`rows[t][a]`), handy in tests; `null`/`undefined` become `NaN`. */
  static fromRows(rows: readonly (readonly (number | null | undefined)[])[]): Panel {
    const dates = rows.length;
    const assets = rows[0]?.length ?? 0;
    const panel = new Panel(dates, assets);
    rows.forEach((row, t) => {
      if (row.length !== assets) {
        throw new FactorkitError('FK_INVALID_DATA', `panel: row ${t} has ${row.length} values, row 0 has ${assets}`);
      }
      row.forEach((v, a) => panel.set(t, a, v ?? Number.NaN));
    });
    return panel;
  }

  /** The value at date `t`, asset `a` (no bounds check on the hot path). */
  get(t: number, a: number): number {
    return this.values[a * this.dates + t]!;
  }

  set(t: number, a: number, value: number): void {
    this.values[a * this.dates + t] = value;
  }

  /** Asset `a`'s time series as a zero-copy view: writes go through to the panel. */
  column(a: number): Float64Array {
    return this.values.subarray(a * this.dates, (a + 1) * this.dates);
  }

  /** The cross-section at date `t`, copied into `out` (allocated when omitted). */
  row(t: number, out: Float64Array = new Float64Array(this.assets)): Float64Array {
    const { dates, values } = this;
    for (let a = 0; a < this.assets; a++) out[a] = values[a * dates + t]!;
    return out;
  }

  /** Write `source[a]` into date `t` for every asset. */
  setRow(t: number, source: ArrayLike<number>): void {
    const { dates, values } = this;
    for (let a = 0; a < this.assets; a++) values[a * dates + t] = source[a]!;
  }

  /** A copy of the rows `[start, end)`. */
  sliceDates(start: number, end: number = this.dates): Panel {
    if (start < 0 || end > this.dates || start > end) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `panel: date range [${start}, ${end}) is outside 0..${this.dates}`);
    }
    const rows = end - start;
    const out = new Float64Array(rows * this.assets);
    for (let a = 0; a < this.assets; a++) {
      out.set(this.values.subarray(a * this.dates + start, a * this.dates + end), a * rows);
    }
    return new Panel(rows, this.assets, out);
  }

  /** A copy holding only the given columns, in the given order. */
  selectAssets(indices: ArrayLike<number>): Panel {
    const out = new Float64Array(this.dates * indices.length);
    for (let k = 0; k < indices.length; k++) {
      const a = indices[k]!;
      if (!Number.isInteger(a) || a < 0 || a >= this.assets) {
        throw new FactorkitError('FK_INVALID_ARGUMENT', `panel: asset index ${a} is outside 0..${this.assets - 1}`);
      }
      out.set(this.column(a), k * this.dates);
    }
    return new Panel(this.dates, indices.length, out);
  }

  /**
   * A copy shifted down by `lag` rows: row `t` holds what row `t − lag` held, and the first
   * `lag` rows are `NaN`. This is how a declared point-in-time lag is applied.
   */
  lagged(lag: number): Panel {
    if (!Number.isInteger(lag) || lag < 0) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `panel: lag must be a non-negative integer, got ${lag}`);
    }
    if (lag === 0) return new Panel(this.dates, this.assets, this.values.slice());
    const out = new Float64Array(this.values.length).fill(Number.NaN);
    for (let a = 0; a < this.assets; a++) {
      const base = a * this.dates;
      if (lag < this.dates) out.set(this.values.subarray(base, base + this.dates - lag), base + lag);
    }
    return new Panel(this.dates, this.assets, out);
  }

  /** Rows as nested arrays (`rows[t][a]`), for tests and small outputs. */
  toRows(): number[][] {
    const rows: number[][] = [];
    for (let t = 0; t < this.dates; t++) rows.push(Array.from(this.row(t)));
    return rows;
  }
}

/**
 * A date × asset matrix of categories (an industry classification, a board), column-major
 * like {@link Panel}. `codes[a * dates + t]` indexes `levels`; `-1` = missing.
 */
export interface CategoricalPanel {
  readonly dates: number;
  readonly assets: number;
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}

/**
 * Rows `[start, end)` of `source` shifted down by `lag` (row t of the result = row
 * `start + t − lag` of the source, `NaN` before the source's first row), in one pass; `source`
 * itself when that is all of it (so the result is read-only, like every panel of the store).
 */
export function windowPanel(source: Panel, start: number, end: number, lag: number): Panel {
  // The whole panel without a lag is handed out as is: panels from the store are read-only.
  if (start === 0 && end === source.dates && lag === 0) return source;
  const rows = end - start;
  const out = new Float64Array(rows * source.assets);
  const from = start - lag;
  const lead = Math.min(rows, Math.max(0, -from));
  for (let a = 0; a < source.assets; a++) {
    const base = a * source.dates;
    const target = a * rows;
    if (lead > 0) out.fill(Number.NaN, target, target + lead);
    if (lead < rows) out.set(source.values.subarray(base + from + lead, base + from + rows), target + lead);
  }
  return new Panel(rows, source.assets, out);
}

/** The categorical counterpart of {@link windowPanel}; `-1` before the first row. */
export function windowCategorical(source: CategoricalPanel, start: number, end: number, lag: number): CategoricalPanel {
  if (start === 0 && end === source.dates && lag === 0) return source;
  const rows = end - start;
  const codes = new Int32Array(rows * source.assets);
  const from = start - lag;
  const lead = Math.min(rows, Math.max(0, -from));
  for (let a = 0; a < source.assets; a++) {
    const base = a * source.dates;
    const target = a * rows;
    if (lead > 0) codes.fill(-1, target, target + lead);
    if (lead < rows) codes.set(source.codes.subarray(base + from + lead, base + from + rows), target + lead);
  }
  return { dates: rows, assets: source.assets, codes, levels: source.levels };
}
