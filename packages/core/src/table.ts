/**
 * Columnar tables: the shape in which a dataset holds what is not a date × asset panel (funds,
 * fund holdings, index weights…), and in which `@factorkit/data` reads and writes every table.
 * Types only: the data package has the helpers that build and read them.
 *
 * - numbers are `Float64Array` with `NaN` for an empty cell;
 * - dates are `Int32Array` of `yyyymmdd` integers (`20230630`) with `0` for an empty cell:
 *   they compare as numbers and cost 4 bytes;
 * - strings are dictionary-encoded: `codes` index `dictionary`, `-1` for an empty cell.
 */
export type TableColumn = NumberColumn | DateColumn | StringColumn;

/** A numeric column; `NaN` = empty cell. */
export interface NumberColumn {
  readonly type: 'number';
  readonly values: Float64Array;
}

/** A date column of `yyyymmdd` integers; `0` = empty cell. */
export interface DateColumn {
  readonly type: 'date';
  readonly values: Int32Array;
}

/** A dictionary-encoded string column; code `-1` = empty cell. */
export interface StringColumn {
  readonly type: 'string';
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

/** A table of a dataset, as read from (or to be written to) its folder. */
export interface DataTable {
  /** The dataset table name (`daily`, `funds`, `fund_holdings`, …). */
  readonly name: string;
  readonly rowCount: number;
  /** Columns in file order. */
  readonly columns: ReadonlyMap<string, TableColumn>;
  /** The file it was read from, when it was. */
  readonly source?: string;
  /**
   * For each row, where it came from in `source`, so later checks can point at it: the CSV line
   * (1-based; the header is line 1), or the 1-based row number in a Parquet file. Absent for
   * tables built in memory.
   */
  readonly lines?: Int32Array;
}
