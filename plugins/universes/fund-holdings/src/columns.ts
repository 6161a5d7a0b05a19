import { type DataTable, FactorkitError, type StringColumn } from '@factorkit/core';

/** Read a column of one type; `undefined` when the table has no such column. */
function optionalColumn<K extends 'number' | 'date' | 'string'>(table: DataTable, name: string, type: K, owner: string) {
  const column = table.columns.get(name);
  if (column === undefined) return undefined;
  if (column.type !== type) {
    throw new FactorkitError('FK_INVALID_DATA', `${owner}: column \`${name}\` of table \`${table.name}\` is ${column.type}, expected ${type}`, {
      details: { table: table.name, column: name },
    });
  }
  return column as Extract<typeof column, { type: K }>;
}

function requireColumn<K extends 'number' | 'date' | 'string'>(table: DataTable, name: string, type: K, owner: string) {
  const column = optionalColumn(table, name, type, owner);
  if (column === undefined) {
    throw new FactorkitError(
      'FK_MISSING_INPUT',
      `${owner}: table \`${table.name}\` has no column \`${name}\` (it has ${[...table.columns.keys()].map((c) => `\`${c}\``).join(', ') || 'none'})`,
      { details: { table: table.name, missing: [name] } },
    );
  }
  return column;
}

/**
 * Typed access to the columns of a table, each checked once: a missing required column is
 * `FK_MISSING_INPUT` naming the table and the column, a column of the wrong type `FK_INVALID_DATA`.
 */
export function columnsOf(table: DataTable, owner: string) {
  return {
    numbers: (name: string): Float64Array => requireColumn(table, name, 'number', owner).values,
    dates: (name: string): Int32Array => requireColumn(table, name, 'date', owner).values,
    strings: (name: string): StringColumn => requireColumn(table, name, 'string', owner),
    optionalNumbers: (name: string): Float64Array | undefined => optionalColumn(table, name, 'number', owner)?.values,
    optionalDates: (name: string): Int32Array | undefined => optionalColumn(table, name, 'date', owner)?.values,
    optionalStrings: (name: string): StringColumn | undefined => optionalColumn(table, name, 'string', owner),
  };
}

/** Row `row` of a string column; `undefined` for an empty cell. */
export function textAt(column: StringColumn, row: number): string | undefined {
  const code = column.codes[row]!;
  return code < 0 ? undefined : column.dictionary[code];
}
