import {
  type DataTable as Table,
  FactorkitError,
  type StringColumn,
  type TableColumn as Column,
  dateIntToEpochDay,
  dateToInt,
  daysInMonth,
  epochDayToDateInt,
  intToDate,
} from '@factorkit/core';

/**
 * Columnar tables: what loaders read from disk and writers write, before the data is shaped
 * into date × asset panels. The types are core's (`DataTable`, `TableColumn`, …: one
 * definition, which `MarketData.table()` hands to plugins), here under this package's names.
 *
 * - numbers are `Float64Array` with `NaN` for an empty cell;
 * - dates are `Int32Array` of `yyyymmdd` integers (`20230630`) with `0` for an empty cell:
 *   they compare as numbers and cost 4 bytes;
 * - strings are dictionary-encoded: `codes` index `dictionary`, `-1` for an empty cell.
 */
export type { TableColumn as Column, DataTable as Table, DateColumn, NumberColumn, StringColumn } from '@factorkit/core';

/** An empty date cell. */
export const NO_DATE = 0;

/**
 * Date conversion lives once, in core's calendar: `dateToInt` (`2023-06-30` or `20230630` →
 * `20230630`, `NaN` when not a real date), `intToDate`, `daysInMonth`, and epoch-day arithmetic.
 */
export { dateIntToEpochDay, dateToInt, daysInMonth, epochDayToDateInt, intToDate };

function column(table: Table, name: string): Column {
  const found = table.columns.get(name);
  if (!found) {
    throw new FactorkitError(
      'FK_INVALID_DATA',
      `table \`${table.name}\`${table.source ? ` (${table.source})` : ''} has no column \`${name}\`; it has ${[...table.columns.keys()].map((c) => `\`${c}\``).join(', ')}`,
    );
  }
  return found;
}

/** A numeric column's values. @throws FK_INVALID_DATA when absent or not numeric. */
export function numberColumn(table: Table, name: string): Float64Array {
  const found = column(table, name);
  if (found.type !== 'number') throw new FactorkitError('FK_INVALID_DATA', `table \`${table.name}\`: column \`${name}\` is ${found.type}, not number`);
  return found.values;
}

/** A date column's `yyyymmdd` values. @throws FK_INVALID_DATA when absent or not a date column. */
export function dateColumn(table: Table, name: string): Int32Array {
  const found = column(table, name);
  if (found.type !== 'date') throw new FactorkitError('FK_INVALID_DATA', `table \`${table.name}\`: column \`${name}\` is ${found.type}, not date`);
  return found.values;
}

/** A string column. @throws FK_INVALID_DATA when absent or not a string column. */
export function stringColumn(table: Table, name: string): StringColumn {
  const found = column(table, name);
  if (found.type !== 'string') throw new FactorkitError('FK_INVALID_DATA', `table \`${table.name}\`: column \`${name}\` is ${found.type}, not string`);
  return found;
}

/** Row `row` of a string column (`undefined` when empty). */
export function stringAt(columnValue: StringColumn, row: number): string | undefined {
  const code = columnValue.codes[row]!;
  return code < 0 ? undefined : columnValue.dictionary[code];
}

/** Values of one column given row by row, for {@link tableFromColumns}. */
export type ColumnInput =
  | { readonly type: 'number'; readonly values: ArrayLike<number> }
  | { readonly type: 'date'; readonly values: ArrayLike<number | string> }
  | { readonly type: 'string'; readonly values: readonly (string | undefined | null)[] };

/**
 * Build a table in memory (tests, generators). Dates may be given as `yyyymmdd` integers or
 * `YYYY-MM-DD` text; strings are dictionary-encoded here.
 */
export function tableFromColumns(name: string, columns: Readonly<Record<string, ColumnInput>>): Table {
  const out = new Map<string, Column>();
  let rowCount = -1;
  for (const [columnName, input] of Object.entries(columns)) {
    const length = input.values.length;
    if (rowCount >= 0 && length !== rowCount) {
      throw new FactorkitError('FK_INVALID_DATA', `table \`${name}\`: column \`${columnName}\` has ${length} rows, others ${rowCount}`);
    }
    rowCount = length;
    if (input.type === 'number') out.set(columnName, { type: 'number', values: Float64Array.from(input.values) });
    else if (input.type === 'date') {
      const values = new Int32Array(length);
      for (let i = 0; i < length; i++) {
        const v = input.values[i]!;
        values[i] = typeof v === 'string' ? (v === '' ? NO_DATE : dateToInt(v)) : v;
      }
      out.set(columnName, { type: 'date', values });
    } else out.set(columnName, encodeStrings(input.values));
  }
  return { name, rowCount: Math.max(rowCount, 0), columns: out };
}

/** Dictionary-encode strings; empty, `null` and `undefined` become code −1. */
export function encodeStrings(values: readonly (string | undefined | null)[]): StringColumn {
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined || v === null || v === '') {
      codes[i] = -1;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(v);
      index.set(v, code);
    }
    codes[i] = code;
  }
  return { type: 'string', codes, dictionary };
}
