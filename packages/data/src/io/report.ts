import { FactorkitError } from '@factorkit/core';

/**
 * Stable codes of the problems a read can find. File-level codes (`severity: 'error'`) make the
 * table, and so the dataset, unusable; row-level codes (`severity: 'warning'`) reject one row,
 * which is counted under its code and never dropped silently.
 */
export type ProblemCode =
  // file level (errors)
  /** A required table has no file in the dataset folder, or the file given does not exist. */
  | 'missing_file'
  /** Two files for one table (`daily.csv` and `daily.parquet`). */
  | 'ambiguous_file'
  /** The file could not be read or decoded (I/O error, broken gzip or Parquet). */
  | 'unreadable_file'
  /** No header row. */
  | 'empty_file'
  /** Two header fields with the same name. */
  | 'duplicate_column'
  /** A required column is absent. */
  | 'missing_column'
  /** Rows are not in the order the schema requires. */
  | 'unsorted'
  // row level (warnings: the row is rejected)
  /** A number cell that is not a decimal number. */
  | 'unparsable_number'
  /** A date cell that is not a real `YYYY-MM-DD` (or `YYYYMMDD`) date. */
  | 'unparsable_date'
  /** An empty cell in a column that must have a value. */
  | 'empty_value'
  /** A number outside the column's `min`/`max`. */
  | 'out_of_range'
  /** A string that is not one of the column's allowed values. */
  | 'not_allowed'
  /** A row with more or fewer fields than the header. */
  | 'ragged_row'
  /** A quoted field that is not closed, or text after its closing quote. */
  | 'bad_quote'
  /** A row whose key repeats an earlier row's (the later row is rejected). */
  | 'duplicate_key'
  /** A date that is not a trading day of the dataset's calendar. */
  | 'unknown_date';

/** One problem found while reading; `line` is the 1-based file line (the header is line 1). */
export interface DataProblem {
  readonly severity: 'error' | 'warning';
  readonly code: ProblemCode;
  /** The table the file holds (`daily`). */
  readonly table: string;
  /** The file as given (a path), or the dataset folder for dataset-level problems. */
  readonly file: string;
  /** The file line (CSV) or the 1-based row number (Parquet). */
  readonly line?: number;
  readonly column?: string;
  /** The offending cell text, as read (for a `duplicate_key`: the key). */
  readonly value?: string;
  /** A complete sentence naming the file, line and column, e.g. ``daily.csv.gz:1234, column `close`: `abc` is not a number``. */
  readonly message: string;
}

/** The file formats a table is stored in. */
export type DataFileFormat = 'csv' | 'csv.gz' | 'parquet';

/** What reading one table file found. */
export interface TableReport {
  readonly table: string;
  readonly file: string;
  readonly format: DataFileFormat;
  /** Data rows in the file (blank lines and the header excluded). */
  readonly rowsRead: number;
  /** Rows in the returned table: `rowsRead - rejected` when the file has no errors, else 0. */
  readonly rowsKept: number;
  /** Rows rejected by row-level problems. */
  readonly rejected: number;
  /**
   * Rejected rows by problem code. A row is counted once, under its first problem: a ragged
   * row first, then the first bad cell in column order, then a duplicate key; so the counts
   * sum to `rejected`.
   */
  readonly rejectedByReason: Readonly<Partial<Record<ProblemCode, number>>>;
  /** Examples of rejected rows, at most `maxExamples` per code, in file order. */
  readonly problems: readonly DataProblem[];
  /** File-level problems; non-empty means the table is unusable (and was returned empty). */
  readonly errors: readonly DataProblem[];
}

/** What reading a dataset folder found. */
export interface DatasetReport {
  readonly dir: string;
  /** One report per table file read, calendar first. */
  readonly tables: readonly TableReport[];
  /** Dataset-level problems (`missing_file`, `ambiguous_file`). */
  readonly errors: readonly DataProblem[];
  /** Files in the folder that are not a table of the format (README.md, …), sorted. */
  readonly unknownFiles: readonly string[];
  /** No errors anywhere: neither dataset-level nor in any table. Rejected rows are allowed. */
  readonly usable: boolean;
}

/** Every error of a dataset report: dataset-level first, then each table's. */
export function reportErrors(report: DatasetReport): DataProblem[] {
  return [...report.errors, ...report.tables.flatMap((table) => table.errors)];
}

/**
 * Thrown by {@link readDatasetTables} when the dataset is unusable (any file-level error). No
 * table is returned: a dataset is loaded whole or not at all. `report` has every finding.
 */
export class DataValidationError extends FactorkitError {
  override readonly name: string = 'DataValidationError';
  readonly report: DatasetReport;

  constructor(report: DatasetReport, options: { cause?: unknown } = {}) {
    const errors = reportErrors(report);
    const listed = errors.slice(0, 50).map((problem) => `  - ${problem.message}`);
    if (errors.length > listed.length) listed.push(`  - … and ${errors.length - listed.length} more`);
    super(
      'FK_INVALID_DATA',
      `dataset \`${report.dir}\` is unusable: ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${listed.join('\n')}`,
      { ...(options.cause === undefined ? {} : { cause: options.cause }), details: { dir: report.dir, errors: errors.length } },
    );
    this.report = report;
  }
}

/**
 * A human-readable summary: whether the dataset is usable, its errors, and per table the file,
 * the rows kept and the rejected rows by reason with examples.
 */
export function formatReport(report: DatasetReport): string {
  const errors = reportErrors(report);
  const out: string[] = [];
  out.push(
    `dataset ${report.dir}: ${report.usable ? 'usable' : `UNUSABLE, ${errors.length} error${errors.length === 1 ? '' : 's'}`}`,
  );
  if (errors.length > 0) {
    out.push('errors:');
    for (const problem of errors) out.push(`  - ${problem.message}`);
  }
  const nameWidth = Math.max(5, ...report.tables.map((t) => t.table.length));
  const fileWidth = Math.max(4, ...report.tables.map((t) => basename(t.file).length));
  for (const table of report.tables) {
    const rejected = table.rejected > 0 ? `, ${formatCount(table.rejected)} rejected` : '';
    const status = table.errors.length > 0 ? `  (unusable: ${table.errors.length} error${table.errors.length === 1 ? '' : 's'})` : '';
    out.push(
      `${table.table.padEnd(nameWidth)}  ${basename(table.file).padEnd(fileWidth)}  ${formatCount(table.rowsKept).padStart(11)} rows kept${rejected}${status}`,
    );
    for (const [code, count] of Object.entries(table.rejectedByReason)) {
      out.push(`    ${code}: ${formatCount(count)}`);
      for (const example of table.problems.filter((p) => p.code === code).slice(0, 3)) out.push(`      e.g. ${example.message}`);
    }
  }
  if (report.unknownFiles.length > 0) out.push(`not table files (ignored): ${report.unknownFiles.join(', ')}`);
  return out.join('\n');
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** The last path segment (both separators, so messages look the same on every platform). */
export function basename(file: string): string {
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return slash < 0 ? file : file.slice(slash + 1);
}

/** A cell for a message: in backticks, at most 60 characters. */
export function quoteValue(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return `\`${shown}\``;
}
