import { FactorkitError } from '@factorkit/core';
import type { Column, ColumnType, Table } from '@factorkit/data';

/**
 * What the fund analytics read: a dataset's calendar, its fund tables and its index levels. A
 * `Dataset` of `@factorkit/data` is one (from `loadDataset`, with `--with` folders merged or not);
 * tests may build a plain object.
 */
export interface FundDataset {
  /** Trading days, ascending `yyyymmdd` integers. */
  readonly dates: ArrayLike<number>;
  /** A table that is not a panel (`funds`, `fund_nav`, `fund_holdings`), as loaded; `undefined` when the dataset has none (as `MarketData.table`). */
  table(name: string): Table | undefined;
  /** An index's daily closes aligned to `dates` (`NaN` where it has no level), or `undefined` when the data has no such index. */
  indexLevels(code: string): { readonly close: ArrayLike<number> } | undefined;
  /** The dataset's assets (`600519.SH`…), to report how much of the heavy-holdings index the data covers. */
  readonly assets?: readonly string[];
  /** Where the data came from, for messages. */
  readonly source?: string | undefined;
}

/** The columns a fund analysis needs from one table, with their types. */
export type ColumnNeeds = Readonly<Record<string, ColumnType>>;

/** The file a table was read from, for messages: its path, or `<name>.csv` of the dataset. */
export function tableFile(table: Table): string {
  return table.source ?? `${table.name} (built in memory)`;
}

/** Where row `row` of `table` came from: `file:line` when the reader kept lines, else the row number. */
export function rowWhere(table: Table, row: number): string {
  const line = table.lines?.[row];
  return line === undefined ? `${tableFile(table)}, row ${row + 1}` : `${tableFile(table)}:${line}`;
}

/**
 * The table `name` of `data` with every column of `needs` present with its type; every missing
 * or mistyped column named at once.
 *
 * @throws FactorkitError `FK_MISSING_INPUT` naming the table (its file) and the columns.
 */
export function requireFundTable(data: FundDataset, name: string, needs: ColumnNeeds, purpose: string): Table {
  const table = data.table(name);
  const where = data.source ? ` \`${data.source}\`` : '';
  const wanted = Object.entries(needs)
    .map(([column, type]) => `\`${column}\` (${type})`)
    .join(', ');
  if (!table) {
    throw new FactorkitError(
      'FK_MISSING_INPUT',
      `the dataset${where} has no \`${name}\` table (a \`${name}.csv\`, \`.csv.gz\` or \`.parquet\` file, in the dataset or a --with folder), which ${purpose} needs with the columns ${wanted}`,
      { details: { table: name, columns: Object.keys(needs) } },
    );
  }
  const problems: string[] = [];
  for (const [column, type] of Object.entries(needs)) {
    const found: Column | undefined = table.columns.get(column);
    if (!found) problems.push(`no column \`${column}\` (${type})`);
    else if (found.type !== type) problems.push(`column \`${column}\` is ${found.type}, not ${type}`);
  }
  if (problems.length > 0) {
    throw new FactorkitError(
      'FK_MISSING_INPUT',
      `table \`${name}\` (${tableFile(table)}) has ${problems.join(', ')}; ${purpose} needs the columns ${wanted}; it has ${[...table.columns.keys()].map((c) => `\`${c}\``).join(', ')}`,
      { details: { table: name, file: table.source, problems } },
    );
  }
  return table;
}
