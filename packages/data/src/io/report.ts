import { FactorkitError } from '@factorkit/core';
import { type CodeStyle, normaliseSecurityCode } from './codes.js';

/**
 * Stable codes of the problems a read can find. File-level codes (`severity: 'error'`) make the
 * table, and so the dataset, unusable; row-level codes (`severity: 'warning'`) reject one row,
 * which is counted under its code and never dropped silently.
 */
export type ProblemCode =
  // file level (errors)
  /** A required table has no file in the dataset folder, or the file given does not exist. */
  | 'missing_file'
  /** Two files for one table (`daily.csv` and `daily.parquet`), or one table in two folders of a read with supplementary folders. */
  | 'ambiguous_file'
  /** A supplementary folder (`with`) holds `stocks` or `daily`, which only the main folder may hold. */
  | 'misplaced_table'
  /** A supplementary folder's own calendar differs from the main folder's on the days both cover. */
  | 'calendar_mismatch'
  /**
   * A supplementary table writes codes in another shape than the table they must match: bare
   * `600519` against the `600519.SH` of `stocks` (or the reverse), or fund codes unlike those of `funds`.
   */
  | 'code_style_mismatch'
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
  /** Text that is not valid UTF-8 (a GBK file read as UTF-8); the first cell is named. */
  | 'bad_encoding'
  /** A required table (calendar, stocks, daily) has no rows left: none in the file, or all rejected. */
  | 'no_rows'
  /** More than half of a table's rows were rejected ({@link MOST_ROWS}). */
  | 'most_rows_rejected'
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
  | 'unknown_date'
  /** A stock that is not in `stocks` (in a table with an `assetColumn`). */
  | 'unknown_asset'
  // data warnings (the row is kept, see WarningCode)
  | WarningCode;

/**
 * Data faults in rows that are kept: reported with file and line, fatal only when the caller
 * asks for `strict`.
 */
export type WarningCode =
  /** `daily`: high below low. */
  | 'high_below_low'
  /** `daily`: open or close outside [low, high]. */
  | 'price_outside_range'
  /**
   * `daily`: `pct_chg` differs from `(close / pre_close − 1) × 100` by more than
   * {@link PCT_CHG_TOLERANCE} percentage points (not checked on a stock's first row).
   */
  | 'pct_chg_mismatch'
  /** A report (`fina`, `exec_pay`, `fund_holdings`) announced before its period ended: a look-ahead in the data. */
  | 'announced_before_period_end';

/** "Most rows": a table that loses more than this share of its rows to rejections is unusable. */
export const MOST_ROWS = 0.5;

/** Percentage points `pct_chg` may differ from the adjusted close / pre_close before a warning. */
export const PCT_CHG_TOLERANCE = 5;

/** One problem found while reading; `line` is the 1-based file line (the header is line 1). */
export interface DataProblem {
  /** `error`: file-level, the table is unusable; `warning`: a rejected row, or a data warning on a kept row. */
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

/** A column of a file that the format does not name, and what the reader did with it. */
export interface ExtraColumn {
  readonly name: string;
  /**
   * `kept`: as numbers (tables whose `extraColumns` is `'number'`); `skipped`: it holds text,
   * so it was left out whole (its rows are kept); `ignored`: the table keeps only its own columns.
   */
  readonly action: 'kept' | 'skipped' | 'ignored';
  /** For `skipped`: the cells that are not numbers, the first one's line and text. */
  readonly nonNumeric?: number;
  readonly line?: number;
  readonly value?: string;
  readonly message: string;
}

/** Security codes of one column written in another style, normalised to `600519.SH`. */
export interface NormalisedCodes {
  readonly column: string;
  readonly style: CodeStyle;
  /** Cells normalised (rows, rejected ones included). */
  readonly cells: number;
  /** The first code seen in this style, as written (`sh600519`). */
  readonly example: string;
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
  /** Columns the format does not name: kept as numbers, skipped (text) or ignored. Once per file. */
  readonly extraColumns: readonly ExtraColumn[];
  /** Security codes normalised to `600519.SH`, per column and style. */
  readonly normalisedCodes: readonly NormalisedCodes[];
  /** Kept rows with a data warning (a row counts once per warning code). */
  readonly warningCount: number;
  readonly warningsByCode: Readonly<Partial<Record<WarningCode, number>>>;
  /** Examples of data warnings, at most `maxExamples` per code, in file order. */
  readonly warnings: readonly DataProblem[];
  /**
   * Set when a CSV file was decoded from GBK (asked for with `encoding: 'gbk'`, and the file is
   * not valid UTF-8); absent for files read as UTF-8.
   */
  readonly decodedFrom?: 'gbk';
}

/**
 * One folder of a read with supplementary folders (`ReadDatasetOptions.with`): what came from
 * it. The tables' own reports are in {@link DatasetReport.tables}.
 */
export interface FolderReport {
  readonly dir: string;
  /** `main`: the folder of the market (`calendar`, `stocks`, `daily`); `supplement`: one given in `with`. */
  readonly role: 'main' | 'supplement';
  /** The tables read from this folder, in the order of `DatasetReport.tables`. */
  readonly tables: readonly string[];
  /** Data rows read, kept and rejected, and data warnings, over this folder's tables. */
  readonly rowsRead: number;
  readonly rowsKept: number;
  readonly rejectedTotal: number;
  readonly warningTotal: number;
  /** Files of the folder that are not a table of the format, sorted. */
  readonly unknownFiles: readonly string[];
  /**
   * A supplement's own calendar file: compared with the main folder's calendar over the days
   * both cover, never loaded. `days`: its trading days; `agrees`: no difference was found.
   */
  readonly calendar?: { readonly file: string; readonly days: number; readonly agrees: boolean };
}

/** What reading a dataset folder (and its supplementary folders, if any) found. */
export interface DatasetReport {
  /** The main dataset folder. */
  readonly dir: string;
  /** One report per table file read, calendar first, in the format's table order whatever folder each came from. */
  readonly tables: readonly TableReport[];
  /**
   * Dataset-level problems (`missing_file`, `ambiguous_file`; with supplementary folders also
   * `misplaced_table` and `calendar_mismatch`).
   */
  readonly errors: readonly DataProblem[];
  /**
   * Files that are not a table of the format (README.md, …), sorted: as names for the main
   * folder, then as paths for each supplementary folder.
   */
  readonly unknownFiles: readonly string[];
  /** Per folder, main first: present only when supplementary folders were given (`with`). */
  readonly folders?: readonly FolderReport[];
  /**
   * No errors anywhere: neither dataset-level nor in any table (a required table without rows
   * and a table that lost most of its rows are errors). Rejected rows are allowed.
   */
  readonly usable: boolean;
  /** Data rows read, kept and rejected over every table read. */
  readonly rowsRead: number;
  readonly rowsKept: number;
  readonly rejectedTotal: number;
  /** Data warnings over every table (see {@link WarningCode}). */
  readonly warningTotal: number;
  /** The rejection threshold as given: `0`, `12`, `0.5%`, or `unlimited`. */
  readonly maxRejected: string;
  /** The rows that may be rejected before the verdict fails (`null`: unlimited). */
  readonly allowedRejected: number | null;
  /** Data warnings count as errors. */
  readonly strict: boolean;
  /**
   * `pass` when usable, the rejected rows are within `allowedRejected` and (with `strict`)
   * there is no data warning; else `fail`, with the reasons in `failures`.
   */
  readonly verdict: 'pass' | 'fail';
  readonly failures: readonly string[];
  /** The calendar's span, when it was read. */
  readonly calendar?: { readonly first: string; readonly last: string; readonly days: number };
  /** Stocks in `stocks`, when it was read. */
  readonly assets?: number;
}

/** Every error of a dataset report: dataset-level first, then each table's. */
export function reportErrors(report: DatasetReport): DataProblem[] {
  return [...report.errors, ...report.tables.flatMap((table) => table.errors)];
}

/**
 * Thrown by `readDatasetTables` when the verdict fails: the dataset is unusable (any
 * file-level error), or more rows were rejected than allowed, or (strict) there are data
 * warnings. No table is returned: a dataset is loaded whole or not at all. `report` has every
 * finding.
 */
export class DataValidationError extends FactorkitError {
  override readonly name: string = 'DataValidationError';
  readonly report: DatasetReport;

  constructor(report: DatasetReport, options: { cause?: unknown } = {}) {
    const errors = reportErrors(report);
    const listed = errors.slice(0, 50).map((problem) => `  - ${problem.message}`);
    if (errors.length > listed.length) listed.push(`  - … and ${errors.length - listed.length} more`);
    const name = `dataset \`${report.dir}\`${supplementText(report, (dir) => `\`${dir}\``)}`;
    const message =
      errors.length > 0
        ? `${name} is unusable: ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${listed.join('\n')}`
        : `${name} failed validation:\n${report.failures.map((f) => `  - ${f}`).join('\n')}`;
    super('FK_INVALID_DATA', message, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      details: {
        dir: report.dir,
        ...(report.folders ? { with: supplementDirs(report) } : {}),
        errors: errors.length,
        rejected: report.rejectedTotal,
        warnings: report.warningTotal,
      },
    });
    this.report = report;
  }
}

/**
 * A human-readable report: the verdict, the errors, and per table the file, the rows kept,
 * the rejected rows by reason with examples, data warnings, columns the format does not name
 * and normalised security codes. `examples`: how many examples to print per code (default 3;
 * the report holds up to the `maxExamples` it was read with).
 */
export function formatReport(report: DatasetReport, options: { examples?: number } = {}): string {
  const examples = options.examples ?? 3;
  const errors = reportErrors(report);
  const out: string[] = [];
  const name = `dataset ${report.dir}${supplementText(report, (dir) => dir)}`;
  if (!report.usable) out.push(`${name}: UNUSABLE, ${errors.length} error${errors.length === 1 ? '' : 's'}`);
  else if (report.verdict === 'fail') out.push(`${name}: usable, but the verdict fails:`, ...report.failures.map((f) => `  - ${f}`));
  else out.push(`${name}: usable`);
  if (errors.length > 0) {
    out.push('errors:');
    for (const problem of errors) out.push(`  - ${problem.message}`);
  }
  for (const folder of report.folders ?? []) out.push(formatFolder(folder));
  const label = tableLabels(report);
  const nameWidth = Math.max(5, ...report.tables.map((t) => t.table.length));
  const fileWidth = Math.max(4, ...report.tables.map((t) => label(t).length));
  for (const table of report.tables) {
    const rejected = table.rejected > 0 ? `, ${formatCount(table.rejected)} rejected` : '';
    const warned = table.warningCount > 0 ? `, ${formatCount(table.warningCount)} warning${table.warningCount === 1 ? '' : 's'}` : '';
    const status = table.errors.length > 0 ? `  (unusable: ${table.errors.length} error${table.errors.length === 1 ? '' : 's'})` : '';
    out.push(
      `${table.table.padEnd(nameWidth)}  ${label(table).padEnd(fileWidth)}  ${formatCount(table.rowsKept).padStart(11)} rows kept${rejected}${warned}${status}`,
    );
    for (const [code, count] of Object.entries(table.rejectedByReason)) {
      out.push(`    ${code}: ${formatCount(count)}`);
      for (const example of table.problems.filter((p) => p.code === code).slice(0, examples)) out.push(`      e.g. ${example.message}`);
    }
    for (const [code, count] of Object.entries(table.warningsByCode)) {
      out.push(`    warning ${code}: ${formatCount(count)}`);
      for (const example of table.warnings.filter((p) => p.code === code).slice(0, examples)) out.push(`      e.g. ${example.message}`);
    }
    for (const codes of table.normalisedCodes) {
      out.push(`    ${codes.column}: ${formatCount(codes.cells)} code${codes.cells === 1 ? '' : 's'} like \`${codes.example}\` normalised to \`${normaliseSecurityCode(codes.example).code}\``);
    }
    for (const extra of table.extraColumns) if (extra.action === 'skipped') out.push(`    ${extra.message}`);
    const kept = table.extraColumns.filter((c) => c.action === 'kept').map((c) => c.name);
    if (kept.length > 0) out.push(`    extra columns kept as numbers: ${kept.join(', ')}`);
    const ignored = table.extraColumns.filter((c) => c.action === 'ignored').map((c) => c.name);
    if (ignored.length > 0) out.push(`    columns not in the format, ignored: ${ignored.join(', ')}`);
  }
  if (report.unknownFiles.length > 0) out.push(`not table files (ignored): ${report.unknownFiles.join(', ')}`);
  return out.join('\n');
}

/** ` with a, b` for a report with supplementary folders (each shown by `show`), else ``. */
function supplementText(report: DatasetReport, show: (dir: string) => string): string {
  const dirs = supplementDirs(report);
  return dirs.length === 0 ? '' : ` with ${dirs.map(show).join(', ')}`;
}

/** The supplementary folders of a report, in the order given. */
export function supplementDirs(report: DatasetReport): string[] {
  return (report.folders ?? []).filter((f) => f.role === 'supplement').map((f) => f.dir);
}

/** One line per folder: what came from it. */
function formatFolder(folder: FolderReport): string {
  const tables = folder.tables.length > 0 ? folder.tables.join(', ') : 'no table';
  const rejected = folder.rejectedTotal > 0 ? `, ${formatCount(folder.rejectedTotal)} rejected` : '';
  const calendar = folder.calendar
    ? `; its ${basename(folder.calendar.file)} (${formatCount(folder.calendar.days)} days) ${folder.calendar.agrees ? 'agrees with' : 'DIFFERS from'} the market calendar, not loaded`
    : '';
  return `${folder.role === 'main' ? 'main folder' : 'with'} ${folder.dir}: ${tables} (${formatCount(folder.rowsKept)} rows kept${rejected})${calendar}`;
}

/** How the report names each table's file: the file name, prefixed by the folder's name for supplementary tables. */
function tableLabels(report: DatasetReport): (table: TableReport) => string {
  const supplementOf = new Map<string, string>();
  for (const folder of report.folders ?? []) if (folder.role === 'supplement') for (const table of folder.tables) supplementOf.set(table, folder.dir);
  return (table) => {
    const dir = supplementOf.get(table.table);
    return dir === undefined ? basename(table.file) : `${basename(dir.replace(/[\\/]+$/, '')) || dir}/${basename(table.file)}`;
  };
}

/** `1234567` → `1,234,567`. */
export function formatCount(n: number): string {
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
