/**
 * CSV for report tables: RFC 4180 quoting, full-precision numbers, optional BOM for Excel, and a
 * guard against formula injection in text cells.
 */
import { FactorkitError, isDateString, show } from '@factorkit/core';
import { atomically, checkWritableOutput } from '@factorkit/core/node';
import { open } from 'node:fs/promises';
import type { CellValue, ColumnFormat, TableBlock, TableColumn, TableRow } from './model.js';
import { assertTable, isNumericFormat } from './validate.js';

/** A CSV column: its header (`id`, or `label` with `header: 'label'`) and how its cells are written. */
export type CsvColumn = Pick<TableColumn, 'id' | 'format'> & { readonly label?: string };

/** Options of the CSV writers. */
export interface CsvOptions {
  /** Start with a UTF-8 byte order mark, so Excel reads Chinese text as UTF-8 (default false). */
  readonly bom?: boolean;
  /** Line ending (default `\n`; `\r\n` as RFC 4180 writes it). */
  readonly eol?: '\n' | '\r\n';
  /** The header row: column ids (default), labels, or none. */
  readonly header?: 'id' | 'label' | 'none';
  /**
   * Prefix `'` to text cells (and headers) that start with `=`, `+`, `-`, `@`, a tab or a
   * carriage return, so a spreadsheet shows them instead of running them as formulas (default
   * true). Numeric and date columns are never changed: `-0.05` stays a number.
   */
  readonly formulaGuard?: boolean;
}

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** `text` as one CSV field: quoted, with quotes doubled, when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `text` with a leading `'` when a spreadsheet would read it as a formula. */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * One cell's CSV text (before quoting): numbers in full precision (`String(value)`, the shortest
 * text that reads back to the same double; `pct` columns keep the fraction, `0.0123`), `inf` /
 * `-inf` for infinities, an empty field for a missing value (`NaN`, `null`, `undefined`).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` when the value does not fit the column's format.
 */
export function csvValue(value: CellValue, format: ColumnFormat, guard = true, where = 'csv'): string {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) return '';
  if (isNumericFormat(format)) {
    if (typeof value !== 'number') throw cellError(where, `a number in a \`${format}\` column`, value);
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (format === 'date') {
    if (!isDateString(value)) throw cellError(where, 'a YYYY-MM-DD date', value);
    return value;
  }
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw cellError(where, 'text', value);
  return guard ? guardFormula(value) : value;
}

function cellError(where: string, expected: string, value: unknown): FactorkitError {
  return new FactorkitError('FK_INVALID_ARGUMENT', `${where}: expected ${expected}, got \`${show(value)}\``, { details: { value } });
}

/**
 * The header line {@link writeCsv} writes (without the line end): the column ids (or labels),
 * formula-guarded unless `formulaGuard: false`; `undefined` with `header: 'none'`. For writers
 * that build CSV files piecewise and must give the same bytes.
 */
export function csvHeader(columns: readonly CsvColumn[], options: CsvOptions = {}): string | undefined {
  const header = options.header ?? 'id';
  if (header === 'none') return undefined;
  const guard = options.formulaGuard !== false;
  return columns
    .map((column) => {
      const text = header === 'label' ? (column.label ?? column.id) : column.id;
      return csvField(guard ? guardFormula(text) : text);
    })
    .join(',');
}

/**
 * One row as {@link writeCsv} writes it (without the line end). A value its column refuses
 * throws `FK_INVALID_ARGUMENT` naming `where(column)` (built only then: a writer of millions
 * of rows makes no message per cell).
 */
export function csvRow(columns: readonly CsvColumn[], row: TableRow, where: (column: CsvColumn) => string, guard = true): string {
  const line = (named: boolean): string => {
    let out = '';
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c]!;
      if (c > 0) out += ',';
      out += csvField(csvValue(row[column.id], column.format, guard, named ? where(column) : 'csv'));
    }
    return out;
  };
  try {
    return line(false);
  } catch {
    // Again with the cell named.
    return line(true);
  }
}

function rowLine(columns: readonly CsvColumn[], row: TableRow, guard: boolean, owner: string, index: number): string {
  return csvRow(columns, row, (column) => `${owner}: row ${index + 1}, column \`${column.id}\``, guard);
}

function checkColumns(columns: readonly CsvColumn[], owner: string): void {
  const seen = new Set<string>();
  if (columns.length === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `${owner}: no columns`);
  for (const column of columns) {
    if (typeof column.id !== 'string' || column.id === '') throw new FactorkitError('FK_INVALID_ARGUMENT', `${owner}: a column id must be a non-empty string, got \`${show(column.id)}\``);
    if (seen.has(column.id)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${owner}: duplicate column id \`${column.id}\``);
    seen.add(column.id);
  }
}

/**
 * A table block as CSV text: a header row of column ids (see {@link CsvOptions}), then one line
 * per row in the table's order, every line ended by `eol`. Marks and formats are not written:
 * numbers keep their full precision.
 *
 * @throws ValidationError `FK_INVALID_ARGUMENT` when the table is malformed.
 */
export function tableToCsv(block: TableBlock, options: CsvOptions = {}): string {
  assertTable(block, 'tableToCsv');
  const eol = options.eol ?? '\n';
  const guard = options.formulaGuard !== false;
  const lines: string[] = [];
  const header = csvHeader(block.columns, options);
  if (header !== undefined) lines.push(header);
  block.rows.forEach((row, index) => lines.push(rowLine(block.columns, row, guard, 'tableToCsv', index)));
  return `${options.bom === true ? '\uFEFF' : ''}${lines.map((line) => line + eol).join('')}`;
}

/** Bytes gathered before each write of {@link writeCsv}. */
const CHUNK = 1 << 16;

/**
 * Write rows as a CSV file, atomically (a temporary file beside `path`, renamed at the end: a
 * reader sees the old file or the whole new one). `rows` may be any iterable, a generator
 * included: they are written as they come, so millions of rows never sit in one string. Returns
 * how many rows were written.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming the row and column of a value that does not
 *   fit its column, or the path that cannot be written; `path` is then left as it was.
 */
export async function writeCsv(path: string, columns: readonly CsvColumn[], rows: Iterable<TableRow>, options: CsvOptions = {}): Promise<{ path: string; rows: number }> {
  const owner = 'writeCsv';
  checkColumns(columns, owner);
  checkWritableOutput(path, owner);
  const eol = options.eol ?? '\n';
  const guard = options.formulaGuard !== false;
  let count = 0;
  await atomically(
    path,
    async (temporary) => {
      const file = await open(temporary, 'w');
      try {
        let buffer = options.bom === true ? '\uFEFF' : '';
        const header = csvHeader(columns, options);
        if (header !== undefined) buffer += header + eol;
        for (const row of rows) {
          buffer += rowLine(columns, row, guard, owner, count) + eol;
          count++;
          if (buffer.length >= CHUNK) {
            await file.write(buffer);
            buffer = '';
          }
        }
        if (buffer.length > 0) await file.write(buffer);
      } finally {
        await file.close();
      }
    },
    owner,
  );
  return { path, rows: count };
}
