/**
 * Builds a {@link Table} row by row while checking each row against a {@link TableSchema}: the
 * part of reading shared by the CSV and Parquet readers. A reader writes a row's cells into the
 * next free slot; `endRow` keeps the row (the slot becomes a row) or rejects it (the slot is
 * reused), counting the reason.
 */
import type { Column, Table } from '../table.js';
import { intToDate } from '../table.js';
import type { ColumnSchema, TableSchema } from '../schema.js';
import { Interner } from './intern.js';
import { CODE_STYLES } from './codes.js';
import type { DataFileFormat, DataProblem, ExtraColumn, NormalisedCodes, ProblemCode, TableReport } from './report.js';
import { basename, quoteValue } from './report.js';

/** Rows per storage block. */
const BLOCK_SHIFT = 15;
const BLOCK = 1 << BLOCK_SHIFT;
const BLOCK_MASK = BLOCK - 1;

export const KIND_NUMBER = 1;
export const KIND_DATE = 2;
export const KIND_STRING = 3;

// Row problems as small integers in the hot path; index into ROW_CODES.
export const P_NONE = 0;
export const P_UNPARSABLE_NUMBER = 1;
export const P_UNPARSABLE_DATE = 2;
export const P_EMPTY = 3;
export const P_OUT_OF_RANGE = 4;
export const P_NOT_ALLOWED = 5;
export const P_RAGGED = 6;
export const P_BAD_QUOTE = 7;
export const P_DUPLICATE_KEY = 8;
export const P_UNKNOWN_DATE = 9;
export const P_UNKNOWN_ASSET = 10;

const ROW_CODES: readonly ProblemCode[] = [
  'unparsable_number', // placeholder for P_NONE, never used
  'unparsable_number',
  'unparsable_date',
  'empty_value',
  'out_of_range',
  'not_allowed',
  'ragged_row',
  'bad_quote',
  'duplicate_key',
  'unknown_date',
  'unknown_asset',
];

/** A column of the file that is kept in the table. */
export interface KeptColumn {
  readonly name: string;
  readonly kind: number;
  readonly schema: ColumnSchema | undefined;
}

export interface BuilderOptions {
  readonly schema: TableSchema;
  readonly file: string;
  readonly format: DataFileFormat;
  readonly calendar: ReadonlySet<number> | undefined;
  /** The stocks of the dataset, for the schema's `assetColumn`; unchecked when absent. */
  readonly assets?: ReadonlySet<string> | undefined;
  readonly maxExamples: number;
  /** Expected rows (a sizing hint). */
  readonly capacity: number;
  /** Header fields not kept because the schema ignores extra columns. */
  readonly ignored?: readonly string[];
}

/**
 * Which header fields to keep and as what, or the file-level problems of the header:
 * duplicate names and missing required columns.
 */
export function planColumns(
  header: readonly string[],
  schema: TableSchema,
  file: string,
  where: string,
): { fields: Int32Array; columns: KeptColumn[]; errors: DataProblem[]; ignored: string[] } {
  const errors: DataProblem[] = [];
  const ignored: string[] = [];
  const seen = new Map<string, number>();
  const fields = new Int32Array(header.length).fill(-1);
  const columns: KeptColumn[] = [];
  const bySchema = new Map(schema.columns.map((c) => [c.name, c]));
  for (let i = 0; i < header.length; i++) {
    const name = header[i]!;
    // Unnamed columns (a pandas index written as `,ts_code,…`) carry no data of the format.
    if (name === '' || name.startsWith('__index_level_')) continue;
    const first = seen.get(name);
    if (first !== undefined) {
      errors.push({
        severity: 'error',
        code: 'duplicate_column',
        table: schema.name,
        file,
        line: 1,
        column: name,
        message: `${where}: column \`${name}\` appears twice in the header (fields ${first + 1} and ${i + 1})`,
      });
      continue;
    }
    seen.set(name, i);
    const columnSchema = bySchema.get(name);
    if (!columnSchema && schema.extraColumns !== 'number') {
      ignored.push(name);
      continue;
    }
    const kind = !columnSchema || columnSchema.type === 'number' ? KIND_NUMBER : columnSchema.type === 'date' ? KIND_DATE : KIND_STRING;
    fields[i] = columns.length;
    columns.push({ name, kind, schema: columnSchema });
  }
  const present = header.length === 0 ? 'no columns' : header.map((h) => `\`${h}\``).join(', ');
  for (const column of schema.columns) {
    if (column.required && !seen.has(column.name)) {
      errors.push({
        severity: 'error',
        code: 'missing_column',
        table: schema.name,
        file,
        column: column.name,
        message: `${basename(file)}: required column \`${column.name}\` of table \`${schema.name}\` is missing; the file has ${present}`,
      });
    }
  }
  return { fields, columns, errors, ignored };
}

export class TableBuilder {
  readonly schema: TableSchema;
  readonly file: string;
  readonly format: DataFileFormat;
  readonly columns: readonly KeptColumn[];
  readonly kinds: Int8Array;
  /**
   * The current block of each number column (others hold an empty placeholder): the current
   * row's cells go to `floats[column][slot]`, `slot` being what {@link beginRow} returned.
   * Rows are stored in blocks of {@link BLOCK} rows, so growing never copies.
   */
  floats: Float64Array[];
  /** The current block of each date (yyyymmdd) and string (code) column. */
  ints: Int32Array[];
  readonly interners: (Interner | undefined)[];
  /** Kept rows so far; the current row becomes row `rows` when kept. */
  rows = 0;
  rowsRead = 0;
  private floatBlocks: Float64Array[][];
  private intBlocks: Int32Array[][];
  private lineBlocks: Int32Array[] = [];
  private lines: Int32Array = new Int32Array(0);
  private block = -1;
  private readonly nullable: Uint8Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly calendarColumn: Uint8Array;
  private readonly calendar: ReadonlySet<number> | undefined;
  /** The column checked against the dataset's stocks, or -1. */
  private readonly assetColumn: number;
  /** 1 for number columns the schema does not name: text in them skips the column, not the row. */
  private readonly extra: Uint8Array;
  /** Per extra column: cells that are not numbers, and the first one's text and line. */
  private readonly extraBad: Int32Array;
  private readonly extraFirstValue: string[];
  private readonly extraFirstLine: Int32Array;
  private readonly pendingExtra: number[] = [];
  private readonly ignored: readonly string[];
  private encodingReported = false;
  private readonly maxExamples: number;
  private readonly label: string;
  // The current row's first problem.
  private rowProblem = P_NONE;
  private rowColumn = -1;
  private rowValue = '';
  private rejected = 0;
  private readonly rejectedByReason = new Map<ProblemCode, number>();
  private readonly problems: DataProblem[] = [];
  private readonly errors: DataProblem[] = [];
  // Key and order checks.
  private readonly keyColumns: readonly number[];
  private readonly keyMode: 'none' | 'order' | 'group' | 'hash';
  private readonly byColumn: number;
  private readonly withinColumn: number;
  private readonly strictOrder: boolean;
  private unsortedReported = false;
  private groupLast = new Float64Array(0);
  private groupLine = new Int32Array(0);
  private groupCount = 0;
  private readonly groupIds = new Map<number, number>();
  private hashTable = new Int32Array(0);
  private hashCount = 0;
  private readonly hashScratch = new Float64Array(1);
  private readonly hashScratchInts = new Int32Array(this.hashScratch.buffer);

  constructor(columns: readonly KeptColumn[], options: BuilderOptions) {
    this.schema = options.schema;
    this.file = options.file;
    this.format = options.format;
    this.columns = columns;
    this.calendar = options.calendar;
    this.maxExamples = options.maxExamples;
    this.label = basename(options.file);
    this.kinds = Int8Array.from(columns, (c) => c.kind);
    this.nullable = Uint8Array.from(columns, (c) => (c.schema === undefined || c.schema.nullable ? 1 : 0));
    this.min = Float64Array.from(columns, (c) => c.schema?.min ?? -Infinity);
    this.max = Float64Array.from(columns, (c) => c.schema?.max ?? Infinity);
    const calendarDates = new Set(options.schema.calendarDates ?? []);
    this.calendarColumn = Uint8Array.from(columns, (c) => (c.kind === KIND_DATE && calendarDates.has(c.name) ? 1 : 0));
    const empty64 = new Float64Array(0);
    const empty32 = new Int32Array(0);
    this.floats = columns.map(() => empty64);
    this.ints = columns.map(() => empty32);
    this.floatBlocks = columns.map(() => []);
    this.intBlocks = columns.map(() => []);
    const assetName = options.assets === undefined ? undefined : options.schema.assetColumn;
    this.assetColumn = assetName === undefined ? -1 : columns.findIndex((c) => c.name === assetName && c.kind === KIND_STRING);
    this.interners = columns.map((c, i) =>
      c.kind === KIND_STRING
        ? new Interner({
            allowed: i === this.assetColumn ? options.assets : c.schema?.values ? new Set(c.schema.values) : undefined,
            securityCodes: c.schema?.securityCode === true,
          })
        : undefined,
    );
    this.extra = Uint8Array.from(columns, (c) => (c.schema === undefined && c.kind === KIND_NUMBER ? 1 : 0));
    this.extraBad = new Int32Array(columns.length);
    this.extraFirstValue = columns.map(() => '');
    this.extraFirstLine = new Int32Array(columns.length);
    this.ignored = options.ignored ?? [];

    const index = (name: string | undefined): number => (name === undefined ? -1 : columns.findIndex((c) => c.name === name));
    this.keyColumns = options.schema.key.map(index);
    const keyComplete = this.keyColumns.every((k) => k >= 0);
    const order = options.schema.order;
    this.byColumn = index(order?.by);
    this.withinColumn = index(order?.within);
    const key = options.schema.key;
    this.strictOrder = order !== undefined && key.length === 1 && key[0] === order.by;
    if (key.length === 0 || !keyComplete) this.keyMode = 'none';
    else if (this.byColumn >= 0 && this.strictOrder && order?.within === undefined) this.keyMode = 'order';
    else if (
      this.byColumn >= 0 &&
      this.withinColumn >= 0 &&
      key.length === 2 &&
      key.includes(order!.by) &&
      key.includes(order!.within!) &&
      order!.by !== order!.within
    )
      this.keyMode = 'group';
    else this.keyMode = 'hash';
    if (this.keyMode === 'hash') this.hashTable = new Int32Array(nextPow2(Math.min(options.capacity, 1 << 24) * 2));
  }

  /** Where a line is, for messages: `daily.csv:12` or `daily.parquet, row 12`. */
  where(line: number): string {
    return this.format === 'parquet' ? `${this.label}, row ${line}` : `${this.label}:${line}`;
  }

  /** Start a row: make room for it and clear the row's problem. Returns its slot. */
  beginRow(): number {
    const rows = this.rows;
    if (rows >>> BLOCK_SHIFT !== this.block) this.nextBlock();
    this.rowProblem = P_NONE;
    return rows & BLOCK_MASK;
  }

  /** Record a problem of the current row (the first one wins). */
  flag(problem: number, column: number, value: string): void {
    if (this.rowProblem !== P_NONE) return;
    this.rowProblem = problem;
    this.rowColumn = column;
    this.rowValue = value;
  }

  /** Store a number (`NaN` = empty) and return the problem it has, if any. */
  numberCell(column: number, row: number, value: number): number {
    this.floats[column]![row] = value;
    return this.checkNumber(column, row);
  }

  /** The problem of the number already stored at `floats[column][row]` (`NaN` = empty), if any. */
  checkNumber(column: number, row: number): number {
    const value = this.floats[column]![row]!;
    if (value !== value) return this.nullable[column] === 1 ? P_NONE : P_EMPTY;
    if (value < this.min[column]! || value > this.max[column]!) return P_OUT_OF_RANGE;
    return P_NONE;
  }

  /** Store a date (`0` = empty) and return the problem it has, if any. */
  dateCell(column: number, row: number, value: number): number {
    this.ints[column]![row] = value;
    if (value === 0) return this.nullable[column] === 1 ? P_NONE : P_EMPTY;
    if (this.calendarColumn[column] === 1 && this.calendar !== undefined && !this.calendar.has(value)) return P_UNKNOWN_DATE;
    return P_NONE;
  }

  /** Store a string code (`-1` = empty) and return the problem it has, if any. */
  stringCell(column: number, row: number, code: number): number {
    this.ints[column]![row] = code;
    if (code < 0) return this.nullable[column] === 1 ? P_NONE : P_EMPTY;
    if (this.interners[column]!.allowed[code] === 0) return column === this.assetColumn ? P_UNKNOWN_ASSET : P_NOT_ALLOWED;
    return P_NONE;
  }

  /**
   * A number cell whose text is not a number (its value is already `NaN`): rejects the row,
   * except in a column the schema does not name, which is then skipped as a whole (a comment
   * column must not cost every row) and reported once.
   */
  unparsableNumber(column: number, text: string): void {
    if (this.extra[column] === 0) {
      this.flag(P_UNPARSABLE_NUMBER, column, text);
      return;
    }
    if (this.extraBad[column]!++ === 0) {
      this.extraFirstValue[column] = text;
      this.pendingExtra.push(column);
    }
  }

  /**
   * The cell's bytes are not valid UTF-8: a file-level error (once per file), since every text
   * of the file is then suspect; most often the file is GBK, the default of Chinese Excel.
   */
  encodingError(line: number, column: number, text: string): void {
    if (this.encodingReported) return;
    this.encodingReported = true;
    const name = column >= 0 ? this.columns[column]!.name : undefined;
    this.errors.push({
      severity: 'error',
      code: 'bad_encoding',
      table: this.schema.name,
      file: this.file,
      line,
      ...(name === undefined ? {} : { column: name }),
      value: text,
      message: `${this.where(line)}${name === undefined ? '' : `, column \`${name}\``}: ${quoteValue(text)} is not valid UTF-8; the file may be GBK (the default of Chinese Excel): save it as UTF-8, or read it with encoding \`gbk\``,
    });
  }

  /**
   * Finish the current row, read from `line` with `fieldCount` fields (`expectedFields` in the
   * header). Keeps it, or rejects it with its first problem. `quoteProblem` flags a bad quote.
   */
  endRow(line: number, fieldCount: number, expectedFields: number, quoteProblem: boolean): void {
    this.rowsRead++;
    if (this.pendingExtra.length > 0) {
      for (const column of this.pendingExtra) this.extraFirstLine[column] = line;
      this.pendingExtra.length = 0;
    }
    if (fieldCount !== expectedFields) {
      this.reject(P_RAGGED, line, -1, '', `${this.where(line)}: ${fieldCount} field${fieldCount === 1 ? '' : 's'}, but the header has ${expectedFields}`);
      return;
    }
    if (quoteProblem) {
      this.reject(P_BAD_QUOTE, line, -1, '', `${this.where(line)}: a quoted field is not closed, or has text after its closing quote`);
      return;
    }
    if (this.rowProblem !== P_NONE) {
      this.reject(this.rowProblem, line, this.rowColumn, this.rowValue, this.cellMessage(line));
      return;
    }
    const row = this.rows;
    if (this.keyMode === 'hash') {
      const first = this.insertKey(row);
      if (first >= 0) {
        this.rejectDuplicate(row, line, first);
        return;
      }
    }
    if (this.byColumn >= 0) {
      const first = this.checkOrder(row, line);
      if (first >= 0) {
        this.rejectDuplicate(row, line, first);
        return;
      }
    }
    this.lines[row & BLOCK_MASK] = line;
    this.rows = row + 1;
  }

  /** A file-level problem (the table becomes unusable). */
  error(problem: DataProblem): void {
    this.errors.push(problem);
  }

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  /** The table and the report. A table with file-level errors comes back empty. */
  finish(): { table: Table; report: TableReport } {
    const usable = this.errors.length === 0;
    const rows = usable ? this.rows : 0;
    const columns = new Map<string, Column>();
    for (let c = 0; c < this.columns.length; c++) {
      const { name, kind } = this.columns[c]!;
      if (this.extraBad[c]! > 0) {
        this.floatBlocks[c] = [];
        continue;
      }
      if (kind === KIND_NUMBER) {
        columns.set(name, { type: 'number', values: concat(this.floatBlocks[c]!, new Float64Array(rows)) });
      } else {
        const values = concat(this.intBlocks[c]!, new Int32Array(rows));
        if (kind === KIND_DATE) columns.set(name, { type: 'date', values });
        else {
          const strings = this.interners[c]!.strings;
          columns.set(name, { type: 'string', codes: values, dictionary: rows === 0 ? [] : this.rejected > 0 ? compact(values, strings) : strings });
        }
      }
      // Free each column's blocks as soon as it is copied: peak memory stays near one table.
      this.floatBlocks[c] = [];
      this.intBlocks[c] = [];
    }
    const table: Table = { name: this.schema.name, rowCount: rows, columns, source: this.file, lines: concat(this.lineBlocks, new Int32Array(rows)) };
    const report: TableReport = {
      table: this.schema.name,
      file: this.file,
      format: this.format,
      rowsRead: this.rowsRead,
      rowsKept: rows,
      rejected: this.rejected,
      rejectedByReason: Object.fromEntries(this.rejectedByReason),
      problems: this.problems,
      errors: this.errors,
      extraColumns: this.extraColumnReports(),
      normalisedCodes: this.normalisedCodes(),
      warningCount: 0,
      warningsByCode: {},
      warnings: [],
    };
    this.floats = [];
    this.ints = [];
    this.lineBlocks = [];
    return { table, report };
  }

  /** Every column of the file the schema does not name, and what became of it. */
  private extraColumnReports(): ExtraColumn[] {
    const out: ExtraColumn[] = [];
    for (let c = 0; c < this.columns.length; c++) {
      if (this.extra[c] === 0) continue;
      const name = this.columns[c]!.name;
      const bad = this.extraBad[c]!;
      if (bad === 0) {
        out.push({ name, action: 'kept', message: `${this.label}: column \`${name}\` is not in the format; kept as numbers` });
        continue;
      }
      const line = this.extraFirstLine[c]!;
      const value = this.extraFirstValue[c]!;
      out.push({
        name,
        action: 'skipped',
        nonNumeric: bad,
        line,
        value,
        message: `${this.where(line)}, column \`${name}\`: not in the format and not numeric (${quoteValue(value)}; ${bad.toLocaleString('en-US')} such cell${bad === 1 ? '' : 's'}); the column was skipped, its rows kept`,
      });
    }
    for (const name of this.ignored) {
      out.push({ name, action: 'ignored', message: `${this.label}: column \`${name}\` is not in the format; ignored (\`${this.schema.name}\` keeps only its own columns)` });
    }
    return out;
  }

  /** Security codes written in another style and normalised, per column and style. */
  private normalisedCodes(): NormalisedCodes[] {
    const out: NormalisedCodes[] = [];
    for (let c = 0; c < this.columns.length; c++) {
      const interner = this.interners[c];
      if (!interner) continue;
      CODE_STYLES.forEach((style, s) => {
        const cells = interner.styleCells[s + 1]!;
        const example = interner.styleExamples[s];
        if (cells === 0 || example === undefined) return;
        out.push({ column: this.columns[c]!.name, style, cells, example });
      });
    }
    return out;
  }

  private cellMessage(line: number): string {
    const column = this.columns[this.rowColumn]!;
    const at = `${this.where(line)}, column \`${column.name}\``;
    const value = quoteValue(this.rowValue);
    switch (this.rowProblem) {
      case P_UNPARSABLE_NUMBER:
        return `${at}: ${value} is not a number`;
      case P_UNPARSABLE_DATE:
        return `${at}: ${value} is not a date (expected YYYY-MM-DD or YYYYMMDD)`;
      case P_EMPTY:
        return `${at}: empty, but the column must have a value`;
      case P_OUT_OF_RANGE: {
        const min = this.min[this.rowColumn]!;
        const max = this.max[this.rowColumn]!;
        const range = Number.isFinite(min) && Number.isFinite(max) ? `[${min}, ${max}]` : Number.isFinite(min) ? `≥ ${min}` : `≤ ${max}`;
        return `${at}: ${value} is out of range; expected ${range}`;
      }
      case P_NOT_ALLOWED:
        return `${at}: ${value} is not one of ${(column.schema?.values ?? []).map((v) => `\`${v}\``).join(', ')}`;
      case P_UNKNOWN_DATE:
        return `${at}: ${value} is not a trading day of the calendar`;
      case P_UNKNOWN_ASSET:
        return `${at}: ${value} is not a stock of \`stocks\``;
      default:
        return `${at}: ${value} is invalid`;
    }
  }

  private reject(problem: number, line: number, column: number, value: string, message: string): void {
    this.rejected++;
    const code = ROW_CODES[problem]!;
    const count = (this.rejectedByReason.get(code) ?? 0) + 1;
    this.rejectedByReason.set(code, count);
    if (count > this.maxExamples) return;
    const columnName = column >= 0 ? this.columns[column]!.name : undefined;
    this.problems.push({
      severity: 'warning',
      code,
      table: this.schema.name,
      file: this.file,
      line,
      ...(columnName === undefined ? {} : { column: columnName }),
      ...(column >= 0 || value !== '' ? { value } : {}),
      message,
    });
  }

  private rejectDuplicate(row: number, line: number, firstLine: number): void {
    const key = this.keyColumns.map((c) => `${this.columns[c]!.name}=${this.cellText(c, row)}`).join(', ');
    const shown = this.keyColumns.map((c) => `${this.columns[c]!.name} \`${this.cellText(c, row)}\``).join(', ');
    this.reject(P_DUPLICATE_KEY, line, -1, key, `${this.where(line)}: duplicate key ${shown} (first on ${this.format === 'parquet' ? 'row' : 'line'} ${firstLine}); the later row is rejected`);
  }

  /** A stored cell as text (for messages). */
  private cellText(column: number, row: number): string {
    const kind = this.kinds[column];
    if (kind === KIND_NUMBER) return String(this.floatAt(column, row));
    const value = this.intAt(column, row);
    if (kind === KIND_DATE) return value === 0 ? '' : intToDate(value);
    return value < 0 ? '' : this.interners[column]!.strings[value]!;
  }

  /** The row's sort value (`NaN` when empty). */
  private sortValue(column: number, row: number): number {
    const kind = this.kinds[column];
    if (kind === KIND_NUMBER) return this.floatAt(column, row);
    const value = this.intAt(column, row);
    if (kind === KIND_DATE) return value === 0 ? Number.NaN : value;
    return value;
  }

  /**
   * Check the row's place in the order. Returns the line of an earlier row with the same key
   * when the order proves the row a duplicate (key = by [+ within]), else -1.
   */
  private checkOrder(row: number, line: number): number {
    const by = this.byColumn;
    let group = 0;
    if (this.withinColumn >= 0) {
      const w = this.withinColumn;
      const kind = this.kinds[w];
      if (kind === KIND_STRING) group = this.intAt(w, row) + 1;
      else {
        const value = kind === KIND_NUMBER ? this.floatAt(w, row) : this.intAt(w, row);
        let id = this.groupIds.get(value);
        if (id === undefined) {
          id = this.groupIds.size + 1;
          this.groupIds.set(value, id);
        }
        group = id;
      }
    }
    if (group >= this.groupCount) {
      const size = Math.max(16, group * 2);
      const last = new Float64Array(size).fill(Number.NaN);
      last.set(this.groupLast);
      const lines = new Int32Array(size);
      lines.set(this.groupLine);
      this.groupLast = last;
      this.groupLine = lines;
      this.groupCount = size;
    }
    const value = this.sortValue(by, row);
    if (value !== value) return -1;
    const previous = this.groupLast[group]!;
    if (previous === previous) {
      const isString = this.kinds[by] === KIND_STRING;
      const strings = isString ? this.interners[by]!.strings : undefined;
      const cmp = strings ? compareStrings(strings[value]!, strings[previous]!) : value - previous;
      if (cmp === 0 && this.keyMode === 'group') return this.groupLine[group]!;
      if (cmp < 0 || (cmp === 0 && this.strictOrder)) {
        this.reportUnsorted(row, line, previous, this.groupLine[group]!);
      }
    }
    this.groupLast[group] = value;
    this.groupLine[group] = line;
    return -1;
  }

  private reportUnsorted(row: number, line: number, previous: number, previousLine: number): void {
    if (this.unsortedReported) return;
    this.unsortedReported = true;
    const by = this.byColumn;
    const column = this.columns[by]!;
    const show = (v: number): string =>
      this.kinds[by] === KIND_DATE ? intToDate(v) : this.kinds[by] === KIND_STRING ? this.interners[by]!.strings[v]! : String(v);
    const value = show(this.sortValue(by, row));
    const within = this.withinColumn >= 0 ? ` within ${this.columns[this.withinColumn]!.name} \`${this.cellText(this.withinColumn, row)}\`` : '';
    const rule = `${this.schema.name} must be sorted by ${column.name}${this.strictOrder ? ', strictly ascending' : ' (ascending)'}${this.withinColumn >= 0 ? ` within each ${this.columns[this.withinColumn]!.name}` : ''}`;
    const unit = this.format === 'parquet' ? 'row' : 'line';
    this.errors.push({
      severity: 'error',
      code: 'unsorted',
      table: this.schema.name,
      file: this.file,
      line,
      column: column.name,
      value,
      message: `${this.where(line)}, column \`${column.name}\`: rows are out of order: \`${value}\`${within} comes after \`${show(previous)}\` (${unit} ${previousLine}); ${rule}`,
    });
  }

  /** Insert the row's key; returns the line of an earlier row with the same key, or -1. */
  private insertKey(row: number): number {
    if ((this.hashCount + 1) * 2 > this.hashTable.length) this.rehash();
    const table = this.hashTable;
    const mask = table.length - 1;
    let slot = this.hashRow(row) & mask;
    for (;;) {
      const entry = table[slot]!;
      if (entry === 0) break;
      if (this.sameKey(entry - 1, row)) return this.lineAt(entry - 1);
      slot = (slot + 1) & mask;
    }
    table[slot] = row + 1;
    this.hashCount++;
    return -1;
  }

  private rehash(): void {
    const table = new Int32Array(Math.max(64, this.hashTable.length * 2));
    const mask = table.length - 1;
    for (const entry of this.hashTable) {
      if (entry === 0) continue;
      let slot = this.hashRow(entry - 1) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = entry;
    }
    this.hashTable = table;
  }

  private hashRow(row: number): number {
    let hash = 0x811c9dc5;
    for (const c of this.keyColumns) {
      if (this.kinds[c] === KIND_NUMBER) {
        const v = this.floatAt(c, row);
        this.hashScratch[0] = v === v ? v + 0 : Number.NaN; // one NaN, and -0 as 0
        hash = Math.imul(hash ^ this.hashScratchInts[0]!, 0x01000193);
        hash = Math.imul(hash ^ this.hashScratchInts[1]!, 0x01000193);
      } else hash = Math.imul(hash ^ this.intAt(c, row), 0x01000193);
    }
    return (hash ^ (hash >>> 15)) >>> 0;
  }

  private sameKey(a: number, b: number): boolean {
    for (const c of this.keyColumns) {
      if (this.kinds[c] === KIND_NUMBER) {
        const x = this.floatAt(c, a);
        const y = this.floatAt(c, b);
        if (x !== y && !(x !== x && y !== y)) return false;
      } else if (this.intAt(c, a) !== this.intAt(c, b)) return false;
    }
    return true;
  }

  private floatAt(column: number, row: number): number {
    return this.floatBlocks[column]![row >>> BLOCK_SHIFT]![row & BLOCK_MASK]!;
  }

  private intAt(column: number, row: number): number {
    return this.intBlocks[column]![row >>> BLOCK_SHIFT]![row & BLOCK_MASK]!;
  }

  private lineAt(row: number): number {
    return this.lineBlocks[row >>> BLOCK_SHIFT]![row & BLOCK_MASK]!;
  }

  /** Make the block of row `rows` current, allocating it. */
  private nextBlock(): void {
    const block = this.rows >>> BLOCK_SHIFT;
    for (let c = 0; c < this.columns.length; c++) {
      if (this.kinds[c] === KIND_NUMBER) {
        const blocks = this.floatBlocks[c]!;
        if (blocks.length <= block) blocks.push(new Float64Array(BLOCK));
        this.floats[c] = blocks[block]!;
      } else {
        const blocks = this.intBlocks[c]!;
        if (blocks.length <= block) blocks.push(new Int32Array(BLOCK));
        this.ints[c] = blocks[block]!;
      }
    }
    if (this.lineBlocks.length <= block) this.lineBlocks.push(new Int32Array(BLOCK));
    this.lines = this.lineBlocks[block]!;
    this.block = block;
  }
}

/** Copy the first `out.length` values of `blocks` (each {@link BLOCK} long) into `out`. */
function concat<T extends Float64Array | Int32Array>(blocks: readonly T[], out: T): T {
  for (let b = 0, at = 0; at < out.length; b++, at += BLOCK) {
    const block = blocks[b]!;
    out.set(out.length - at >= BLOCK ? block : block.subarray(0, out.length - at), at);
  }
  return out;
}

/** Drop dictionary entries only rejected rows used (first-appearance order kept); recodes `codes`. */
function compact(codes: Int32Array, strings: readonly string[]): string[] {
  const remap = new Int32Array(strings.length).fill(-1);
  const kept: string[] = [];
  for (let r = 0; r < codes.length; r++) {
    const code = codes[r]!;
    if (code < 0) continue;
    let to = remap[code]!;
    if (to < 0) {
      to = kept.length;
      remap[code] = to;
      kept.push(strings[code]!);
    }
    codes[r] = to;
  }
  return kept;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function nextPow2(n: number): number {
  let p = 64;
  while (p < n) p *= 2;
  return p;
}

