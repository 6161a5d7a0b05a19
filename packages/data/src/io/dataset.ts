import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FactorkitError } from '@factorkit/core';
import { TABLES } from '../schema.js';
import type { Table } from '../table.js';
import { dateColumn } from '../table.js';
import { tableOfFile } from './files.js';
import { readTable } from './read.js';
import type { DataProblem, DatasetReport, TableReport } from './report.js';
import { DataValidationError } from './report.js';

/** Options of {@link readDatasetTables}. */
export interface ReadDatasetOptions {
  /**
   * The tables to load (default: every table of the format that has a file). Each one listed
   * must have a file. `calendar` is always read when present, to check trading days.
   */
  readonly tables?: readonly string[];
  /** Examples kept per problem code and table (default 20). */
  readonly maxExamples?: number;
}

/**
 * Read a dataset folder: each table of {@link TABLES} stored as `<name>.csv`, `<name>.csv.gz` or
 * `<name>.parquet`. `calendar` is read first; its dates check every `calendarDates` column.
 *
 * The dataset is loaded whole or not at all: when any file-level error is found anywhere (a
 * required table missing, two files for one table, a missing column, rows out of order, …),
 * it throws a {@link DataValidationError} carrying the full report, and returns no table.
 * Rejected rows do not make a dataset unusable; they are counted in the report.
 *
 * @throws DataValidationError (FK_INVALID_DATA) when the dataset is unusable.
 * @throws FK_INVALID_ARGUMENT when `options.tables` names a table the format does not have.
 */
export async function readDatasetTables(dir: string, options: ReadDatasetOptions = {}): Promise<{ tables: Map<string, Table>; report: DatasetReport }> {
  const unknownTables = (options.tables ?? []).filter((name) => !Object.hasOwn(TABLES, name));
  if (unknownTables.length > 0) {
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      `readDatasetTables: unknown table${unknownTables.length === 1 ? '' : 's'} ${unknownTables.map((t) => `\`${t}\``).join(', ')}; the format has ${Object.keys(TABLES).join(', ')}`,
    );
  }
  const errors: DataProblem[] = [];
  const unknownFiles: string[] = [];
  const filesByTable = new Map<string, string[]>();
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).sort();
  } catch (error) {
    const report: DatasetReport = {
      dir,
      tables: [],
      errors: [
        {
          severity: 'error',
          code: 'missing_file',
          table: '',
          file: dir,
          message: `dataset folder \`${dir}\` cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
      unknownFiles: [],
      usable: false,
    };
    throw new DataValidationError(report, { cause: error });
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
  // The calendar first (Object.keys(TABLES) starts with it): the others are checked against it.
  for (const [name, file] of toRead) {
    const result = await readTable(file, TABLES[name]!, { ...(calendar ? { calendar } : {}), maxExamples });
    reports.push(result.report);
    if (result.report.errors.length > 0) continue;
    tables.set(name, result.table);
    if (name === 'calendar') calendar = new Set(dateColumn(result.table, 'trade_date'));
  }

  const usable = errors.length === 0 && reports.every((r) => r.errors.length === 0);
  const report: DatasetReport = { dir, tables: reports, errors, unknownFiles, usable };
  if (!usable) throw new DataValidationError(report);
  return { tables, report };
}
