import { FactorkitError } from '@factorkit/core';
import type { TableSchema } from '../schema.js';
import type { Table } from '../table.js';
import { readCsv } from './csv.js';
import { formatOfFile } from './files.js';
import { readParquet } from './parquet.js';
import type { DataFileFormat, DataProblem, TableReport } from './report.js';
import { basename } from './report.js';

/** Options of {@link readTable}. */
export interface ReadTableOptions {
  /**
   * Trading days (`yyyymmdd`) for the schema's `calendarDates` columns: a date not in it
   * rejects the row (`unknown_date`). Without it those columns are not checked.
   */
  readonly calendar?: ReadonlySet<number>;
  /** Examples kept per problem code (default 20). Counts are always complete. */
  readonly maxExamples?: number;
}

/**
 * Read one table file (`.csv`, `.csv.gz` or `.parquet`, by its name) and check it against
 * `schema`.
 *
 * - Columns are typed by the schema (numbers `NaN` when empty, dates `yyyymmdd` with 0 when
 *   empty, strings dictionary-encoded with −1 when empty); columns the schema does not name are
 *   kept as numbers when `schema.extraColumns === 'number'`, else skipped. Columns keep file order.
 * - A row with a bad cell, the wrong number of fields or a repeated key is rejected and counted
 *   in `report.rejectedByReason` with examples in `report.problems`; it is never dropped silently.
 * - File-level problems (missing file, no header, duplicate or missing required columns, rows
 *   out of order, unreadable bytes) go to `report.errors`, and then the table is returned
 *   empty (0 rows): a table with errors is never half-loaded.
 *
 * `table.lines[i]` is row i's line in the file (the header is line 1; Parquet: the row number).
 *
 * @throws FK_INVALID_ARGUMENT when the file name has none of the three endings.
 */
export async function readTable(file: string, schema: TableSchema, options: ReadTableOptions = {}): Promise<{ table: Table; report: TableReport }> {
  const format = formatOfFile(file);
  if (!format) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `cannot read \`${file}\`: a table file must end in .csv, .csv.gz or .parquet`, {
      details: { file },
    });
  }
  const maxExamples = options.maxExamples ?? 20;
  if (!Number.isInteger(maxExamples) || maxExamples < 0) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `readTable: maxExamples must be an integer ≥ 0, got \`${maxExamples}\``);
  }
  const readOptions = { calendar: options.calendar, maxExamples };
  try {
    if (format === 'parquet') return await readParquet(file, schema, readOptions);
    return await readCsv(file, format === 'csv.gz', schema, readOptions);
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ENOENT';
    const reason = error instanceof Error ? error.message : String(error);
    return failedRead(file, format, schema, {
      severity: 'error',
      code: missing ? 'missing_file' : 'unreadable_file',
      table: schema.name,
      file,
      message: missing ? `${basename(file)}: no such file` : `${basename(file)}: cannot be read as ${format}: ${reason}`,
    });
  }
}

/** An empty table and a report holding one file-level error. */
export function failedRead(file: string, format: DataFileFormat, schema: TableSchema, error: DataProblem): { table: Table; report: TableReport } {
  return {
    table: { name: schema.name, rowCount: 0, columns: new Map(), source: file, lines: new Int32Array(0) },
    report: { table: schema.name, file, format, rowsRead: 0, rowsKept: 0, rejected: 0, rejectedByReason: {}, problems: [], errors: [error] },
  };
}
