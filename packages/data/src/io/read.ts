import { FactorkitError } from '@factorkit/core';
import type { TableSchema } from '../schema.js';
import type { Table } from '../table.js';
import { checkFaults } from './checks.js';
import { CSV_ENCODINGS, type CsvEncoding, readCsv } from './csv.js';
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
  /**
   * The stocks of the dataset (`600519.SH` style) for the schema's `assetColumn`: a row naming
   * another stock is rejected (`unknown_asset`). Without it the column is not checked.
   */
  readonly assets?: ReadonlySet<string>;
  /** Examples kept per problem code (default 20). Counts are always complete. */
  readonly maxExamples?: number;
  /**
   * The text encoding of CSV files: `utf-8` (default; text that is not valid UTF-8 is a
   * `bad_encoding` error naming the line) or `gbk` (Chinese Excel's default; GB18030 too): a
   * file that is valid UTF-8 is still read as UTF-8, any other is decoded from GBK and its report
   * says so (`decodedFrom: 'gbk'`).
   * Parquet text is UTF-8 by the format's definition, so this does not apply to it.
   */
  readonly encoding?: CsvEncoding;
}

/** Check an `encoding` option. @throws FK_INVALID_ARGUMENT naming `what`. */
export function checkEncoding(encoding: unknown, what = 'encoding'): CsvEncoding {
  const lower = typeof encoding === 'string' ? encoding.toLowerCase() : encoding;
  const found = CSV_ENCODINGS.find((e) => e === lower || (lower === 'utf8' && e === 'utf-8'));
  if (found === undefined) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: expected one of ${CSV_ENCODINGS.join(', ')}, got \`${String(encoding)}\``);
  }
  return found;
}

/**
 * Read one table file (`.csv`, `.csv.gz` or `.parquet`, by its name) and check it against
 * `schema`.
 *
 * - Columns are typed by the schema (numbers `NaN` when empty, dates `yyyymmdd` with 0 when
 *   empty, strings dictionary-encoded with −1 when empty); columns the schema does not name are
 *   kept as numbers when `schema.extraColumns === 'number'`, else ignored; an extra column with
 *   a cell that is not a number is skipped whole (its rows are kept). Each is listed once in
 *   `report.extraColumns`. Columns keep file order.
 * - Security codes (`securityCode` columns) are normalised to `600519.SH`; how many, per style,
 *   is in `report.normalisedCodes`.
 * - A row with a bad cell, the wrong number of fields or a repeated key is rejected and counted
 *   in `report.rejectedByReason` with examples in `report.problems`; it is never dropped silently.
 * - File-level problems (missing file, no header, duplicate or missing required columns, rows
 *   out of order, unreadable bytes, text that is not UTF-8) go to `report.errors`, and then the
 *   table is returned empty (0 rows): a table with errors is never half-loaded.
 * - Data faults in kept rows (high below low, a `pct_chg` that contradicts the prices, a
 *   report announced before its period ended) are counted in `report.warningsByCode` with
 *   examples in `report.warnings`; see `checkFaults`.
 *
 * `table.lines[i]` is row i's line in the file (the header is line 1; Parquet: the row number).
 *
 * @throws FK_INVALID_ARGUMENT when the file name has none of the three endings, or for an unknown `encoding`.
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
  const encoding = checkEncoding(options.encoding ?? 'utf-8');
  const readOptions = { calendar: options.calendar, assets: options.assets, maxExamples, encoding: 'utf-8' as CsvEncoding };
  try {
    let read = format === 'parquet' ? await readParquet(file, schema, readOptions) : await readCsv(file, format === 'csv.gz', schema, readOptions);
    // `gbk` decodes only the files that are not valid UTF-8: a folder may mix files saved by
    // Chinese Excel with UTF-8 ones, and GBK-decoding UTF-8 text would garble it silently.
    if (encoding === 'gbk' && format !== 'parquet' && read.report.errors.some((e) => e.code === 'bad_encoding')) {
      const decoded = await readCsv(file, format === 'csv.gz', schema, { ...readOptions, encoding });
      read = { table: decoded.table, report: { ...decoded.report, decodedFrom: 'gbk' } };
    }
    if (read.report.errors.length > 0) return read;
    return { table: read.table, report: { ...read.report, ...checkFaults(read.table, format, maxExamples) } };
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
    report: {
      table: schema.name,
      file,
      format,
      rowsRead: 0,
      rowsKept: 0,
      rejected: 0,
      rejectedByReason: {},
      problems: [],
      errors: [error],
      extraColumns: [],
      normalisedCodes: [],
      warningCount: 0,
      warningsByCode: {},
      warnings: [],
    },
  };
}
