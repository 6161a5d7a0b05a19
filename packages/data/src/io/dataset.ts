import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FactorkitError } from '@factorkit/core';
import { TABLES } from '../schema.js';
import type { Table } from '../table.js';
import { dateColumn, intToDate, stringColumn } from '../table.js';
import type { CsvEncoding } from './csv.js';
import { tableOfFile } from './files.js';
import { checkEncoding, readTable } from './read.js';
import type { DataProblem, DatasetReport, TableReport } from './report.js';
import { DataValidationError, MOST_ROWS, basename, formatCount } from './report.js';

/** Options of {@link readDatasetTables}. */
export interface ReadDatasetOptions {
  /**
   * The tables to load (default: every table of the format that has a file). Each one listed
   * must have a file. `calendar` is always read when present, to check trading days.
   */
  readonly tables?: readonly string[];
  /** Examples kept per problem code and table (default 20). */
  readonly maxExamples?: number;
  /**
   * How many rejected rows (over all tables) the verdict accepts: a count (`12`), a share of
   * the rows read (`'0.5%'`), or `Infinity` / `'unlimited'` (the default). More makes the
   * verdict fail and the read throw. Tables that lose most of their rows fail regardless.
   */
  readonly maxRejected?: number | string;
  /** Data warnings (see `WarningCode`) make the verdict fail (default false). */
  readonly strict?: boolean;
  /** The text encoding of CSV files, `utf-8` (default) or `gbk` (see `ReadTableOptions`). */
  readonly encoding?: CsvEncoding;
}

/** A rejection threshold: as given, and as a count or a share. */
export interface RejectedLimit {
  /** As given (`12`, `0.5%`, `unlimited`). */
  readonly text: string;
  /** A count of rows, or `Infinity`. */
  readonly rows?: number;
  /** A share of the rows read, in percent (0 … 100). */
  readonly share?: number;
}

/**
 * Parse a rejection threshold: a whole number of rows (`12`), a percentage of the rows read
 * (`'0.5%'`, 0 … 100), or `Infinity` / `'unlimited'`.
 * @throws FK_INVALID_ARGUMENT naming `what` (default `maxRejected`).
 */
export function parseRejectedLimit(value: number | string, what = 'maxRejected'): RejectedLimit {
  const fail = (): never => {
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      `${what}: expected a number of rows (\`12\`) or a share of the rows read (\`0.5%\`, at most 100%), got \`${String(value)}\``,
    );
  };
  if (typeof value === 'number') {
    if (value === Infinity) return { text: 'unlimited', rows: Infinity };
    if (!Number.isSafeInteger(value) || value < 0) return fail();
    return { text: String(value), rows: value };
  }
  if (typeof value !== 'string') return fail();
  const text = value.trim();
  if (/^(unlimited|infinity)$/i.test(text)) return { text: 'unlimited', rows: Infinity };
  if (/^\d+$/.test(text)) {
    const rows = Number(text);
    return Number.isSafeInteger(rows) ? { text, rows } : fail();
  }
  const share = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (share && Number(share[1]) <= 100) return { text: `${share[1]!}%`, share: Number(share[1]) };
  return fail();
}

/** The rows a limit allows out of `rowsRead` (`null`: unlimited). */
function allowedRows(limit: RejectedLimit, rowsRead: number): number | null {
  if (limit.rows !== undefined) return limit.rows === Infinity ? null : limit.rows;
  return Math.floor(((limit.share ?? 0) / 100) * rowsRead);
}

/**
 * Read a dataset folder: each table of {@link TABLES} stored as `<name>.csv`, `<name>.csv.gz` or
 * `<name>.parquet`. `calendar` is read first; its dates check every `calendarDates` column.
 * `stocks` is read next; rows of tables about a stock (the schema's `assetColumn`: daily, fina,
 * industry, consensus, exec_pay, analyst_reports) naming a stock not in it are rejected
 * (`unknown_asset`), after security codes were normalised to `600519.SH` everywhere.
 *
 * The dataset is loaded whole or not at all: when any error is found anywhere, it throws a
 * {@link DataValidationError} carrying the full report, and returns no table. Errors are
 * file-level problems (a required table missing, two files for one table, a missing column,
 * rows out of order, text that is not UTF-8, …) and two table-level ones:
 * - `no_rows`: a required table (calendar, stocks, daily) has no rows left, because the file
 *   has none or every row was rejected;
 * - `most_rows_rejected`: a table lost more than half its rows ({@link MOST_ROWS}) to
 *   rejections, unknown stocks included (`daily` in `.XSHE` style against a `stocks` in
 *   `.SZ` style cannot happen, codes being normalised, but bare `000001` against `000001.SZ` can).
 *
 * Other rejected rows are counted; more than `maxRejected` (default unlimited) fails the
 * verdict and throws too, as do data warnings with `strict`. The report (`verdict`,
 * `failures`, `rejectedTotal`, `allowedRejected`) says why.
 *
 * @throws DataValidationError (FK_INVALID_DATA) when the verdict fails.
 * @throws FK_INVALID_ARGUMENT when `options.tables` names a table the format does not have, or
 *   for an invalid `maxRejected` or `encoding`.
 */
export async function readDatasetTables(dir: string, options: ReadDatasetOptions = {}): Promise<{ tables: Map<string, Table>; report: DatasetReport }> {
  const unknownTables = (options.tables ?? []).filter((name) => !Object.hasOwn(TABLES, name));
  if (unknownTables.length > 0) {
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      `readDatasetTables: unknown table${unknownTables.length === 1 ? '' : 's'} ${unknownTables.map((t) => `\`${t}\``).join(', ')}; the format has ${Object.keys(TABLES).join(', ')}`,
    );
  }
  const limit = parseRejectedLimit(options.maxRejected ?? Infinity);
  const encoding = checkEncoding(options.encoding ?? 'utf-8');
  const strict = options.strict === true;
  const errors: DataProblem[] = [];
  const unknownFiles: string[] = [];
  const filesByTable = new Map<string, string[]>();
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).sort();
  } catch (error) {
    const problem: DataProblem = {
      severity: 'error',
      code: 'missing_file',
      table: '',
      file: dir,
      message: `dataset folder \`${dir}\` cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    };
    throw new DataValidationError(datasetReport(dir, [], [problem], [], new Map(), limit, strict), { cause: error });
  }
  for (const name of entries) {
    const table = name.endsWith('/') ? undefined : tableOfFile(name);
    if (table !== undefined && Object.hasOwn(TABLES, table) && tableOfFile(name) === table) {
      const files = filesByTable.get(table) ?? [];
      files.push(name);
      filesByTable.set(table, files);
    } else unknownFiles.push(name);
  }

  const wanted = options.tables ? new Set(options.tables) : new Set(filesByTable.keys());
  if (filesByTable.has('calendar')) wanted.add('calendar');
  const mustHave = options.tables ? new Set(options.tables) : new Set(Object.values(TABLES).filter((t) => t.required).map((t) => t.name));
  if ([...wanted].some((name) => (TABLES[name]!.calendarDates ?? []).length > 0)) mustHave.add('calendar');

  const toRead: [string, string][] = [];
  for (const name of Object.keys(TABLES)) {
    const files = filesByTable.get(name) ?? [];
    if (files.length === 0) {
      if (mustHave.has(name)) {
        errors.push({
          severity: 'error',
          code: 'missing_file',
          table: name,
          file: dir,
          message: `table \`${name}\` is missing: no ${name}.csv, ${name}.csv.gz or ${name}.parquet in \`${dir}\``,
        });
      }
      continue;
    }
    if (!wanted.has(name)) continue;
    if (files.length > 1) {
      errors.push({
        severity: 'error',
        code: 'ambiguous_file',
        table: name,
        file: dir,
        message: `table \`${name}\` has ${files.length} files in \`${dir}\`: ${files.join(', ')}; keep exactly one`,
      });
      continue;
    }
    toRead.push([name, join(dir, files[0]!)]);
  }

  const maxExamples = options.maxExamples ?? 20;
  const reports: TableReport[] = [];
  const tables = new Map<string, Table>();
  let calendar: ReadonlySet<number> | undefined;
  let assets: ReadonlySet<string> | undefined;
  // calendar, then stocks (the order of TABLES): the others are checked against both.
  for (const [name, file] of toRead) {
    const result = await readTable(file, TABLES[name]!, { ...(calendar ? { calendar } : {}), ...(assets ? { assets } : {}), maxExamples, encoding });
    const report = withTableVerdict(result.report, assets);
    reports.push(report);
    if (report.errors.length > 0) continue;
    tables.set(name, result.table);
    if (name === 'calendar') calendar = new Set(dateColumn(result.table, 'trade_date'));
    if (name === 'stocks') assets = new Set(stringColumn(result.table, 'ts_code').dictionary);
  }

  const report = datasetReport(dir, reports, errors, unknownFiles, tables, limit, strict);
  if (report.verdict === 'fail') throw new DataValidationError(report);
  return { tables, report };
}

/**
 * Read a dataset folder like {@link readDatasetTables}, but return the report whatever the
 * verdict (the tables are not kept): for `factorkit data validate` and other checks.
 * @throws FK_INVALID_ARGUMENT for invalid options (as readDatasetTables).
 */
export async function validateDataset(dir: string, options: ReadDatasetOptions = {}): Promise<DatasetReport> {
  try {
    return (await readDatasetTables(dir, options)).report;
  } catch (error) {
    if (error instanceof DataValidationError) return error.report;
    throw error;
  }
}

/** The table's report with the table-level errors: no rows left in a required table, most rows rejected. */
function withTableVerdict(report: TableReport, assets: ReadonlySet<string> | undefined): TableReport {
  if (report.errors.length > 0) return report;
  const schema = TABLES[report.table]!;
  const label = basename(report.file);
  const reasons = Object.entries(report.rejectedByReason)
    .sort((a, b) => b[1] - a[1])
    .map(([code, count]) => `${formatCount(count)} ${code}`)
    .join(', ');
  const first = report.problems[0];
  const unknownAsset = report.problems.find((p) => p.code === 'unknown_asset');
  const stocksLike = assets && assets.size > 0 ? [...assets][0] : undefined;
  const hint = `${first ? `; first: ${first.message}` : ''}${unknownAsset && stocksLike ? ` (\`stocks\` has codes like \`${stocksLike}\`)` : ''}`;
  let problem: DataProblem | undefined;
  if (schema.required && report.rowsKept === 0) {
    problem = {
      severity: 'error',
      code: 'no_rows',
      table: report.table,
      file: report.file,
      message:
        report.rowsRead === 0
          ? `${label}: no data rows (only a header); \`${report.table}\` is required`
          : `${label}: all ${formatCount(report.rowsRead)} rows were rejected (${reasons}); \`${report.table}\` is required${hint}`,
    };
  } else if (report.rowsRead > 0 && report.rejected > MOST_ROWS * report.rowsRead) {
    problem = {
      severity: 'error',
      code: 'most_rows_rejected',
      table: report.table,
      file: report.file,
      message: `${label}: ${formatCount(report.rejected)} of ${formatCount(report.rowsRead)} rows (${percent(report.rejected / report.rowsRead)}) were rejected (${reasons}); a table that loses more than ${percent(MOST_ROWS)} of its rows is unusable${hint}`,
    };
  }
  return problem ? { ...report, rowsKept: 0, errors: [problem] } : report;
}

function percent(share: number): string {
  const p = share * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : p.toPrecision(2)}%`;
}

/** The dataset report: totals, threshold and verdict. */
function datasetReport(
  dir: string,
  tables: readonly TableReport[],
  errors: readonly DataProblem[],
  unknownFiles: readonly string[],
  kept: ReadonlyMap<string, Table>,
  limit: RejectedLimit,
  strict: boolean,
): DatasetReport {
  let rowsRead = 0;
  let rowsKept = 0;
  let rejectedTotal = 0;
  let warningTotal = 0;
  const rejectedByReason = new Map<string, number>();
  const warningsByCode = new Map<string, number>();
  for (const table of tables) {
    rowsRead += table.rowsRead;
    rowsKept += table.rowsKept;
    rejectedTotal += table.rejected;
    warningTotal += table.warningCount;
    for (const [code, count] of Object.entries(table.rejectedByReason)) rejectedByReason.set(code, (rejectedByReason.get(code) ?? 0) + count);
    for (const [code, count] of Object.entries(table.warningsByCode)) warningsByCode.set(code, (warningsByCode.get(code) ?? 0) + count);
  }
  const errorCount = errors.length + tables.reduce((n, t) => n + t.errors.length, 0);
  const usable = errorCount === 0;
  const allowedRejected = allowedRows(limit, rowsRead);
  const failures: string[] = [];
  const list = (counts: Map<string, number>) => [...counts].map(([code, n]) => `${formatCount(n)} ${code}`).join(', ');
  if (!usable) failures.push(`${errorCount} error${errorCount === 1 ? '' : 's'} make${errorCount === 1 ? 's' : ''} the dataset unusable`);
  if (allowedRejected !== null && rejectedTotal > allowedRejected) {
    failures.push(
      `${formatCount(rejectedTotal)} row${rejectedTotal === 1 ? ' was' : 's were'} rejected (${list(rejectedByReason)}), more than the ${formatCount(allowedRejected)} allowed (max rejected \`${limit.text}\`)`,
    );
  }
  if (strict && warningTotal > 0) {
    failures.push(`${formatCount(warningTotal)} data warning${warningTotal === 1 ? '' : 's'} (${list(warningsByCode)}), errors in strict mode`);
  }
  const calendar = kept.get('calendar');
  const days = calendar ? dateColumn(calendar, 'trade_date') : undefined;
  const stocks = kept.get('stocks');
  return {
    dir,
    tables,
    errors,
    unknownFiles,
    usable,
    rowsRead,
    rowsKept,
    rejectedTotal,
    warningTotal,
    maxRejected: limit.text,
    allowedRejected,
    strict,
    verdict: failures.length === 0 ? 'pass' : 'fail',
    failures,
    ...(days && days.length > 0 ? { calendar: { first: intToDate(days[0]!), last: intToDate(days[days.length - 1]!), days: days.length } } : {}),
    ...(stocks ? { assets: stocks.rowCount } : {}),
  };
}
