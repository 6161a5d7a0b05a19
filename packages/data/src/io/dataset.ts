import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FactorkitError, show } from '@factorkit/core';
import { TABLES } from '../schema.js';
import type { Table } from '../table.js';
import { dateColumn, intToDate, stringColumn } from '../table.js';
import type { CsvEncoding } from './csv.js';
import { tableOfFile } from './files.js';
import { checkEncoding, readTable } from './read.js';
import type { DataProblem, DatasetReport, FolderReport, TableReport } from './report.js';
import { codeShapeProblems, compareCalendars, securityCodeColumns, shapeReference } from './supplements.js';
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
  /**
   * Supplementary folders: more tables for the dataset, from folders beside the main one (fund
   * tables from one vendor, the market from another), read as if they were in the main folder
   * and checked against it. Rules:
   * - `stocks` and `daily` come from the main folder only: a supplement holding one is an error
   *   (`misplaced_table`).
   * - A supplement's own `calendar` is never loaded: it must list the same trading days as the
   *   main folder's over the span both cover (else `calendar_mismatch`, with the differing days),
   *   so a folder that ships its calendar can still be a supplement.
   * - Any other table may come from any folder, but from one only: a table in two folders is an
   *   error (`ambiguous_file`) naming both files.
   * - Supplementary tables are checked against the main folder's `calendar` and `stocks` as its
   *   own tables are: a row dated on a day that is not a trading day (`fund_nav.trade_date`,
   *   `index_daily.trade_date`, …) is rejected (`unknown_date`) and counted, and a table losing
   *   most of its rows is an error whose message names the market calendar's span.
   * - Codes: security-code columns (`ts_code`, `index_code`) are normalised as everywhere
   *   (`SH600519`, `600519.XSHG` → `600519.SH`); a supplement whose codes are then bare
   *   (`600519`) while `stocks` has `600519.SH` (or the reverse) is an error
   *   (`code_style_mismatch`) with examples, and so is a `fund_nav` or `fund_holdings` whose
   *   `fund_code`s are shaped otherwise than those of a `funds` table from another folder.
   *
   * `report.folders` says what was read, kept and rejected per folder. Paths as given
   * (relative ones resolve against the working directory); none may be the main folder or
   * repeat another.
   */
  readonly with?: readonly string[];
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
 * With `options.with`, tables also come from supplementary folders, checked as if they were in
 * `dir` and against it (see {@link ReadDatasetOptions.with}); `report.folders` says what came
 * from each folder.
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
 * @throws FK_INVALID_ARGUMENT when `options.tables` names a table the format does not have, for
 *   an invalid `maxRejected` or `encoding`, or when `options.with` is not a list of folders other
 *   than `dir` and each other.
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
  const supplementDirs = checkSupplementDirs(dir, options.with);
  const combined = supplementDirs.length > 0;
  const errors: DataProblem[] = [];

  const main = await listFolder(dir, 'main');
  if ('error' in main) {
    const problem: DataProblem = { severity: 'error', code: 'missing_file', table: '', file: dir, message: `dataset folder \`${dir}\` cannot be read: ${main.error}` };
    throw new DataValidationError(datasetReport(dir, [], [problem], [], new Map(), limit, strict), { cause: main.cause });
  }
  const folders: Folder[] = [main];
  for (const supplement of supplementDirs) {
    const folder = await listFolder(supplement, 'supplement');
    if ('error' in folder) {
      errors.push({ severity: 'error', code: 'missing_file', table: '', file: supplement, message: `supplementary folder \`${supplement}\` cannot be read: ${folder.error}` });
    } else folders.push(folder);
  }

  // Where each table comes from: one folder, or an error.
  const sources = new Map<string, Folder>();
  for (const name of Object.keys(TABLES)) {
    const holders = folders.filter((folder) => folder.filesByTable.has(name));
    if (holders.length === 0) continue;
    if (MAIN_ONLY.has(name) || name === 'calendar') {
      if (holders[0] === main) sources.set(name, main);
      if (name === 'calendar') continue; // a supplement's calendar is compared, not loaded
      for (const folder of holders.filter((h) => h !== main)) {
        errors.push({
          severity: 'error',
          code: 'misplaced_table',
          table: name,
          file: join(folder.dir, folder.filesByTable.get(name)![0]!),
          message: `supplementary folder \`${folder.dir}\` holds \`${name}\` (${folder.filesByTable.get(name)!.join(', ')}): the market (\`calendar\`, \`stocks\`, \`daily\`) comes from the main folder \`${dir}\` only; remove the file or make that folder the main one`,
        });
      }
      continue;
    }
    sources.set(name, holders[0]!);
    if (holders.length > 1) sources.set(name, AMBIGUOUS);
  }

  const wanted = options.tables ? new Set(options.tables) : new Set(sources.keys());
  if (sources.get('calendar') === main) wanted.add('calendar');
  const mustHave = options.tables ? new Set(options.tables) : new Set(Object.values(TABLES).filter((t) => t.required).map((t) => t.name));
  if ([...wanted].some((name) => (TABLES[name]!.calendarDates ?? []).length > 0)) mustHave.add('calendar');

  const toRead: { name: string; file: string; folder: Folder }[] = [];
  for (const name of Object.keys(TABLES)) {
    const folder = sources.get(name);
    if (folder === undefined) {
      if (mustHave.has(name)) {
        const where = combined && !MAIN_ONLY.has(name) && name !== 'calendar' ? `, nor in the supplementary folders ${supplementDirs.map((d) => `\`${d}\``).join(', ')}` : '';
        errors.push({
          severity: 'error',
          code: 'missing_file',
          table: name,
          file: dir,
          message: `table \`${name}\` is missing: no ${name}.csv, ${name}.csv.gz or ${name}.parquet in \`${dir}\`${where}`,
        });
      }
      continue;
    }
    if (!wanted.has(name)) continue;
    if (folder === AMBIGUOUS) {
      const files = folders.flatMap((f) => (f.filesByTable.get(name) ?? []).map((file) => join(f.dir, file)));
      errors.push({
        severity: 'error',
        code: 'ambiguous_file',
        table: name,
        file: dir,
        message: `table \`${name}\` is in ${folders.filter((f) => f.filesByTable.has(name)).length} folders: ${files.map((f) => `\`${f}\``).join(', ')}; a table must come from one folder`,
      });
      continue;
    }
    const files = folder.filesByTable.get(name)!;
    if (files.length > 1) {
      errors.push({
        severity: 'error',
        code: 'ambiguous_file',
        table: name,
        file: folder.dir,
        message: `table \`${name}\` has ${files.length} files in \`${folder.dir}\`: ${files.join(', ')}; keep exactly one`,
      });
      continue;
    }
    toRead.push({ name, file: join(folder.dir, files[0]!), folder });
  }

  const maxExamples = options.maxExamples ?? 20;
  const reports: TableReport[] = [];
  const tables = new Map<string, Table>();
  const readFrom = new Map<string, Folder>();
  const calendarChecks = new Map<Folder, NonNullable<FolderReport['calendar']>>();
  const context: CheckContext = { dir };
  let calendar: ReadonlySet<number> | undefined;
  let assets: ReadonlySet<string> | undefined;
  // calendar, then stocks (the order of TABLES): the others are checked against both.
  for (const { name, file, folder } of toRead) {
    const result = await readTable(file, TABLES[name]!, { ...(calendar ? { calendar } : {}), ...(assets ? { assets } : {}), maxExamples, encoding });
    // The supplement checks first: their error names the cause of the rows a mismatch rejects.
    let report = folder === main || result.report.errors.length > 0 ? result.report : withSupplementChecks(result.report, result.table, context);
    report = withTableVerdict(report, assets, folder === main ? undefined : context);
    reports.push(report);
    readFrom.set(name, folder);
    if (report.errors.length > 0) continue;
    tables.set(name, result.table);
    if (name === 'calendar') {
      const days = dateColumn(result.table, 'trade_date');
      calendar = new Set(days);
      context.calendar = { file, days };
      for (const other of folders.slice(1)) {
        const check = await checkSupplementCalendar(other, context.calendar, maxExamples, encoding, errors);
        if (check) calendarChecks.set(other, check);
      }
    }
    if (name === 'stocks') {
      assets = new Set(stringColumn(result.table, 'ts_code').dictionary);
      context.stocks = { table: result.table, file };
    }
  }

  if (combined) checkFundCodes(reports, tables, readFrom);

  const unknownFiles = [...main.unknownFiles, ...folders.slice(1).flatMap((f) => f.unknownFiles.map((name) => join(f.dir, name)))];
  const folderReports = combined ? folders.map((folder) => folderReport(folder, reports, readFrom, calendarChecks.get(folder))) : undefined;
  const report = datasetReport(dir, reports, errors, unknownFiles, tables, limit, strict, folderReports);
  if (report.verdict === 'fail') throw new DataValidationError(report);
  return { tables, report };
}

/** Tables only the main folder may hold: the market itself. */
const MAIN_ONLY: ReadonlySet<string> = new Set(['stocks', 'daily']);

/** A folder of a read, its table files and the other files. */
interface Folder {
  readonly dir: string;
  readonly role: 'main' | 'supplement';
  readonly filesByTable: ReadonlyMap<string, readonly string[]>;
  readonly unknownFiles: readonly string[];
}

/** Stands for a table found in more than one folder. */
const AMBIGUOUS: Folder = { dir: '', role: 'supplement', filesByTable: new Map(), unknownFiles: [] };

/** The table files of a folder (by table) and the other files, sorted; or why it cannot be read. */
async function listFolder(dir: string, role: Folder['role']): Promise<Folder | { error: string; cause: unknown }> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).sort();
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), cause: error };
  }
  const filesByTable = new Map<string, string[]>();
  const unknownFiles: string[] = [];
  for (const name of entries) {
    const table = name.endsWith('/') ? undefined : tableOfFile(name);
    if (table !== undefined && Object.hasOwn(TABLES, table)) {
      const files = filesByTable.get(table) ?? [];
      files.push(name);
      filesByTable.set(table, files);
    } else unknownFiles.push(name);
  }
  return { dir, role, filesByTable, unknownFiles };
}

/**
 * The supplementary folders, checked: a list of folder paths, none the main folder, none twice.
 * @throws FK_INVALID_ARGUMENT naming the entry.
 */
function checkSupplementDirs(dir: string, supplements: unknown): string[] {
  if (supplements === undefined) return [];
  if (!Array.isArray(supplements)) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `with: expected a list of supplementary dataset folders, got ${show(supplements)}`);
  }
  const seen = new Map<string, number>([[resolve(dir), -1]]);
  return supplements.map((entry: unknown, i) => {
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `with[${i}]: expected the path of a dataset folder, got ${show(entry)}`);
    }
    const first = seen.get(resolve(entry));
    if (first === -1) throw new FactorkitError('FK_INVALID_ARGUMENT', `with[${i}]: \`${entry}\` is the main dataset folder; a supplementary folder adds tables from another folder`);
    if (first !== undefined) throw new FactorkitError('FK_INVALID_ARGUMENT', `with[${i}]: \`${entry}\` is given twice (also with[${first}])`);
    seen.set(resolve(entry), i);
    return entry;
  });
}

/** What the checks of supplementary tables compare against, filled in as the main tables are read. */
interface CheckContext {
  readonly dir: string;
  calendar?: { readonly file: string; readonly days: Int32Array };
  stocks?: { readonly table: Table; readonly file: string };
}

/** Read a supplement's own calendar and compare it with the market's; its problems go to `errors`. */
async function checkSupplementCalendar(
  folder: Folder,
  market: NonNullable<CheckContext['calendar']>,
  maxExamples: number,
  encoding: CsvEncoding,
  errors: DataProblem[],
): Promise<FolderReport['calendar']> {
  const files = folder.filesByTable.get('calendar');
  if (!files) return undefined;
  const file = join(folder.dir, files[0]!);
  if (files.length > 1) {
    errors.push({
      severity: 'error',
      code: 'ambiguous_file',
      table: 'calendar',
      file: folder.dir,
      message: `table \`calendar\` has ${files.length} files in \`${folder.dir}\`: ${files.join(', ')}; keep exactly one`,
    });
    return { file, days: 0, agrees: false };
  }
  const { table, report } = await readTable(file, TABLES.calendar!, { maxExamples, encoding });
  if (report.errors.length > 0) {
    errors.push(...report.errors);
    return { file, days: 0, agrees: false };
  }
  const days = dateColumn(table, 'trade_date');
  const mismatch = compareCalendars(market.days, market.file, days, file, folder.dir);
  if (mismatch) errors.push(mismatch);
  return { file, days: days.length, agrees: mismatch === undefined };
}

/**
 * A supplementary table's report with the errors of the check against the market: security
 * codes shaped like those of `stocks`.
 */
function withSupplementChecks(report: TableReport, table: Table, context: CheckContext): TableReport {
  const stocks = context.stocks && shapeReference(context.stocks.table, 'ts_code', 'stocks', context.stocks.file);
  const problems = stocks ? codeShapeProblems(table, report, securityCodeColumns(TABLES[report.table]!), stocks) : [];
  return problems.length === 0 ? report : { ...report, rowsKept: 0, errors: problems };
}

/**
 * `fund_nav` and `fund_holdings` from another folder than `funds` must write fund codes shaped
 * like those of `funds` (`000001` or `000001.OF`): a table that does not becomes unusable (its
 * report in `reports` gets the error, the table leaves `tables`). After every read, so the check
 * is the same whichever folder holds which table.
 */
function checkFundCodes(reports: TableReport[], tables: Map<string, Table>, readFrom: ReadonlyMap<string, Folder>): void {
  const funds = tables.get('funds');
  const reference = funds && shapeReference(funds, 'fund_code', 'funds', funds.source ?? 'funds');
  if (!reference) return;
  for (const name of ['fund_nav', 'fund_holdings']) {
    const table = tables.get(name);
    if (!table || readFrom.get(name) === readFrom.get('funds')) continue;
    const at = reports.findIndex((r) => r.table === name);
    const problems = codeShapeProblems(table, reports[at]!, ['fund_code'], reference);
    if (problems.length === 0) continue;
    reports[at] = { ...reports[at]!, rowsKept: 0, errors: problems };
    tables.delete(name);
  }
}

/** What came from one folder. */
function folderReport(folder: Folder, reports: readonly TableReport[], readFrom: ReadonlyMap<string, Folder>, calendar: FolderReport['calendar']): FolderReport {
  const own = reports.filter((r) => readFrom.get(r.table) === folder);
  return {
    dir: folder.dir,
    role: folder.role,
    tables: own.map((r) => r.table),
    rowsRead: own.reduce((n, r) => n + r.rowsRead, 0),
    rowsKept: own.reduce((n, r) => n + r.rowsKept, 0),
    rejectedTotal: own.reduce((n, r) => n + r.rejected, 0),
    warningTotal: own.reduce((n, r) => n + r.warningCount, 0),
    unknownFiles: folder.unknownFiles,
    ...(calendar ? { calendar } : {}),
  };
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

/**
 * The table's report with the table-level errors: no rows left in a required table, most rows
 * rejected. `supplement`: the table comes from a supplementary folder (messages then name the
 * market calendar its dates were checked against).
 */
function withTableVerdict(report: TableReport, assets: ReadonlySet<string> | undefined, supplement?: CheckContext): TableReport {
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
  const days = supplement?.calendar?.days;
  const calendarHint =
    report.rejectedByReason.unknown_date && supplement?.calendar && days && days.length > 0
      ? ` (the market calendar \`${supplement.calendar.file}\` of \`${supplement.dir}\` runs ${intToDate(days[0]!)} .. ${intToDate(days[days.length - 1]!)})`
      : '';
  const hint = `${first ? `; first: ${first.message}` : ''}${unknownAsset && stocksLike ? ` (\`stocks\` has codes like \`${stocksLike}\`)` : ''}${calendarHint}`;
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
  folders?: readonly FolderReport[],
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
    ...(folders ? { folders } : {}),
  };
}
