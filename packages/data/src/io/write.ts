import { createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { FactorkitError } from '@factorkit/core';
import { atomicDirectory, atomically, checkWritableOutput } from '@factorkit/core/node';
import { TABLES } from '../schema.js';
import type { SchemaElement } from 'hyparquet';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import type { Column, Table } from '../table.js';
import { formatOfFile, tableFileName, tableOfFile } from './files.js';
import { writeDateAscii, writeNumberAscii } from './numbers.js';
import type { DataFileFormat } from './report.js';

/** Options of {@link writeTable}. */
export interface WriteTableOptions {
  /**
   * gzip level for `.csv.gz`, 1 (fastest) … 9 (smallest). Default 4: on daily data about 3 %
   * larger than zlib's default 6 in half the time.
   */
  readonly gzipLevel?: number;
  /** Rows per Parquet row group (default 100,000). */
  readonly rowGroupSize?: number;
}

/** Options of {@link writeDatasetTables}. */
export interface WriteDatasetOptions extends WriteTableOptions {
  readonly format: DataFileFormat;
}

/**
 * Write a table to `file`, in the format its name says (`.csv`, `.csv.gz`, `.parquet`).
 *
 * CSV: a header, LF line ends; numbers as `String(x)` (the shortest text that reads back as the
 * same double), `NaN` as an empty cell; dates `YYYY-MM-DD`; strings quoted only when they hold a
 * comma, a quote or a line break. Parquet: numbers DOUBLE, dates DATE, strings UTF8, all
 * optional, an empty cell as null.
 *
 * Atomic: the data goes to a temporary file in the same folder, renamed over `file` at the end;
 * on any error the temporary file is removed and `file` is left as it was.
 *
 * @throws FK_INVALID_ARGUMENT for an unknown file ending; FK_INVALID_DATA for a malformed table
 *   (a column of the wrong length, an infinite number).
 */
export async function writeTable(file: string, table: Table, options: WriteTableOptions = {}): Promise<void> {
  const format = formatOfFile(file);
  if (!format) throw new FactorkitError('FK_INVALID_ARGUMENT', `cannot write \`${file}\`: a table file must end in .csv, .csv.gz or .parquet`);
  checkTable(table);
  const gzipLevel = options.gzipLevel ?? 4;
  if (!Number.isInteger(gzipLevel) || gzipLevel < 1 || gzipLevel > 9) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `writeTable: gzipLevel must be an integer 1..9, got \`${gzipLevel}\``);
  }
  const rowGroupSize = options.rowGroupSize ?? 100_000;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 1) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `writeTable: rowGroupSize must be a positive integer, got \`${rowGroupSize}\``);
  }
  await atomically(file, async (temp) => {
    if (format === 'parquet') await writeParquet(temp, table, rowGroupSize);
    else if (format === 'csv.gz') await pipeline(csvChunks(table), createGzip({ level: gzipLevel, chunkSize: 1 << 18 }), createWriteStream(temp));
    else await pipeline(csvChunks(table), createWriteStream(temp));
  });
}

/**
 * Write tables into `dir` (created when missing) as `<table.name><ext>`, each atomically.
 * A map is written in its order under each table's own name.
 */
export async function writeDatasetTables(
  dir: string,
  tables: readonly Table[] | ReadonlyMap<string, Table>,
  options: WriteDatasetOptions,
): Promise<string[]> {
  const list = checkDatasetTables(tables, options);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const table of list) {
    const file = join(dir, tableFileName(table.name, options.format));
    await writeTable(file, table, options);
    written.push(file);
  }
  return written;
}

/** The tables as a list, checked: the format, names usable as file names and unique, columns writable. */
function checkDatasetTables(tables: readonly Table[] | ReadonlyMap<string, Table>, options: WriteDatasetOptions): readonly Table[] {
  if (!(options.format in { csv: 1, 'csv.gz': 1, parquet: 1 })) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `writeDatasetTables: format must be csv, csv.gz or parquet, got \`${String(options.format)}\``);
  }
  const list = Array.isArray(tables) ? (tables as readonly Table[]) : [...(tables as ReadonlyMap<string, Table>).values()];
  const names = new Set<string>();
  for (const table of list) {
    if (!/^[A-Za-z0-9_.-]+$/.test(table.name)) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `writeDatasetTables: table name \`${table.name}\` cannot be a file name`);
    }
    if (names.has(table.name)) throw new FactorkitError('FK_INVALID_ARGUMENT', `writeDatasetTables: two tables named \`${table.name}\``);
    names.add(table.name);
    checkTable(table);
  }
  return list;
}

/** Options of {@link writeDatasetFolder}. */
export interface WriteDatasetFolderOptions extends WriteDatasetOptions {
  /** Named in messages for `dir` (default `dir`; the CLI passes `--out`). */
  readonly what?: string;
}

/**
 * Whether a folder's entries make it a dataset folder that {@link writeDatasetFolder} may
 * replace: at least one table file of the format (`daily.csv`, `stocks.parquet`, …), and
 * otherwise only README files and hidden temporaries of an interrupted write.
 */
export function isDatasetFolder(entries: readonly string[]): boolean {
  let tables = 0;
  for (const name of entries) {
    const table = tableOfFile(name);
    if (table !== undefined && Object.hasOwn(TABLES, table)) tables++;
    else if (!/^readme(\.\w+)?$/i.test(name) && !/^\..+\.\d+\.[0-9a-f]+\.tmp$/.test(name)) return false;
  }
  return tables > 0;
}

/**
 * Check, before any work, that {@link writeDatasetFolder} can write `dir`: its parent folder
 * exists and is writable, and `dir` is new, empty or a dataset folder (see
 * {@link isDatasetFolder}): never a file, nor a folder holding anything else.
 * @throws FK_INVALID_ARGUMENT naming `what` and `dir`.
 */
export async function checkDatasetOutput(dir: string, what = 'dir'): Promise<void> {
  checkWritableOutput(dir, what, 'folder');
  const existing = await stat(dir).catch(() => undefined);
  if (!existing) return;
  const entries = await readdir(dir);
  if (entries.length > 0 && !isDatasetFolder(entries)) {
    const shown = entries.slice(0, 5).map((e) => `\`${e}\``).join(', ');
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      `${what}: \`${dir}\` is not empty and not a dataset folder (it holds ${shown}${entries.length > 5 ? `, … ${entries.length} entries` : ''}); give a new or empty folder, or a dataset folder to replace`,
      { details: { path: dir } },
    );
  }
}

/**
 * Write tables as a whole dataset folder `dir`, atomically: the files are written into a
 * temporary folder beside `dir`, which then takes its place. So `dir` never holds a partial
 * dataset (an interrupted write leaves it as it was) nor a mix of old and new tables (a
 * `daily.csv.gz` beside a new `daily.parquet`). An existing `dir` is replaced only when it is
 * empty or a dataset folder. Returns the written file paths.
 *
 * @throws FK_INVALID_ARGUMENT from {@link checkDatasetOutput}, or as {@link writeDatasetTables}.
 */
export async function writeDatasetFolder(dir: string, tables: readonly Table[] | ReadonlyMap<string, Table>, options: WriteDatasetFolderOptions): Promise<string[]> {
  const what = options.what ?? 'dir';
  await checkDatasetOutput(dir, what);
  checkDatasetTables(tables, options);
  let names: string[] = [];
  await atomicDirectory(
    dir,
    async (temporary) => {
      names = (await writeDatasetTables(temporary, tables, options)).map((file) => file.slice(temporary.length + 1));
    },
    { replace: isDatasetFolder, owner: what },
  );
  return names.map((name) => join(dir, name));
}


function checkTable(table: Table): void {
  for (const [name, column] of table.columns) {
    const length = column.type === 'string' ? column.codes.length : column.values.length;
    if (length !== table.rowCount) {
      throw new FactorkitError('FK_INVALID_DATA', `table \`${table.name}\`: column \`${name}\` has ${length} rows, the table ${table.rowCount}`);
    }
    if (column.type === 'number') {
      const values = column.values;
      for (let r = 0; r < values.length; r++) {
        const v = values[r]!;
        if (v === Infinity || v === -Infinity) {
          throw new FactorkitError('FK_INVALID_DATA', `table \`${table.name}\`, row ${r}, column \`${name}\`: \`${v}\` cannot be written (not finite)`);
        }
      }
    } else if (column.type === 'string') {
      const size = column.dictionary.length;
      for (let r = 0; r < column.codes.length; r++) {
        const code = column.codes[r]!;
        if (code >= size || code < -1) {
          throw new FactorkitError('FK_INVALID_DATA', `table \`${table.name}\`, row ${r}, column \`${name}\`: code \`${code}\` is not in the dictionary (${size} entries)`);
        }
      }
    }
  }
}

const encoder = new TextEncoder();

/** A CSV field: the text, quoted when it holds a comma, a quote or a line break. */
function csvField(text: string): Uint8Array {
  if (!/[",\r\n]/.test(text)) return encoder.encode(text);
  return encoder.encode(`"${text.replaceAll('"', '""')}"`);
}

const CHUNK = 1 << 20;

/** The CSV text of `table` in chunks of about 1 MiB. */
function* csvChunks(table: Table): Generator<Buffer> {
  const columns = [...table.columns.entries()];
  const header = Buffer.from(`${columns.map(([name]) => Buffer.from(csvField(name)).toString('utf8')).join(',')}\n`, 'utf8');
  // Strings are encoded once per dictionary entry, not per row.
  const encoded: (Uint8Array[] | undefined)[] = columns.map(([, column]) => (column.type === 'string' ? column.dictionary.map(csvField) : undefined));
  const longest = Math.max(0, ...encoded.flatMap((list) => (list ?? []).map((bytes) => bytes.length)));
  // Room for one full row at the end of a chunk: a number is at most 25 bytes, a date 10.
  const rowMax = columns.length * 26 + longest * columns.length + 1;
  let out = Buffer.allocUnsafe(Math.max(CHUNK, rowMax * 2));
  let pos = 0;
  if (header.length > out.length) out = Buffer.allocUnsafe(header.length * 2);
  header.copy(out, 0);
  pos = header.length;
  const n = columns.length;
  const kinds = columns.map(([, c]) => c.type);
  const numbers = columns.map(([, c]) => (c.type === 'number' ? c.values : undefined));
  const ints = columns.map(([, c]) => (c.type === 'date' ? c.values : c.type === 'string' ? c.codes : undefined));
  for (let r = 0; r < table.rowCount; r++) {
    if (pos + rowMax > out.length) {
      yield out.subarray(0, pos);
      out = Buffer.allocUnsafe(Math.max(CHUNK, rowMax * 2));
      pos = 0;
    }
    for (let c = 0; c < n; c++) {
      if (c > 0) out[pos++] = 44;
      const kind = kinds[c];
      if (kind === 'number') {
        const v = numbers[c]![r]!;
        if (v === v) pos = writeNumberAscii(out, pos, v);
      } else if (kind === 'date') {
        const v = ints[c]![r]!;
        if (v !== 0) pos = writeDateAscii(out, pos, v);
      } else {
        const code = ints[c]![r]!;
        if (code >= 0) {
          const bytes = encoded[c]![code]!;
          out.set(bytes, pos);
          pos += bytes.length;
        }
      }
    }
    out[pos++] = 10;
  }
  if (pos > 0) yield out.subarray(0, pos);
}

function parquetElement(name: string, column: Column): SchemaElement {
  if (column.type === 'number') return { name, type: 'DOUBLE', repetition_type: 'OPTIONAL' };
  if (column.type === 'date') return { name, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' }, repetition_type: 'OPTIONAL' };
  return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' };
}

/** Write a Parquet file one row group at a time, so memory stays at one group's values. */
async function writeParquet(file: string, table: Table, rowGroupSize: number): Promise<void> {
  const columns = [...table.columns.entries()];
  const schema: SchemaElement[] = [{ name: 'root', num_children: columns.length }, ...columns.map(([name, column]) => parquetElement(name, column))];
  const writer = new ParquetWriter({ writer: fileWriter(file), schema, codec: 'SNAPPY' });
  for (let start = 0; start < table.rowCount; start += rowGroupSize) {
    const end = Math.min(table.rowCount, start + rowGroupSize);
    const columnData = columns.map(([name, column]) => ({ name, data: groupValues(column, start, end) }));
    await writer.write({ columnData, rowGroupSize: end - start });
  }
  await writer.finish();
}

/** One row group's values of a column, with `null` for empty cells. */
function groupValues(column: Column, start: number, end: number): Float64Array | Int32Array | (number | string | null)[] {
  if (column.type === 'number') {
    const values = column.values.subarray(start, end);
    if (!values.some((v) => v !== v)) return values;
    return Array.from(values, (v) => (v === v ? v : null));
  }
  if (column.type === 'date') {
    const values = column.values.subarray(start, end);
    const out = new Array<number | null>(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i] === 0 ? null : epochDay(values[i]!);
    return out;
  }
  const { codes, dictionary } = column;
  const out = new Array<string | null>(end - start);
  for (let i = start; i < end; i++) {
    const code = codes[i]!;
    out[i - start] = code < 0 ? null : dictionary[code]!;
  }
  return out;
}

/** Days since 1970-01-01 of a `yyyymmdd` integer (Howard Hinnant's days_from_civil, no Date object). */
function epochDay(value: number): number {
  const month = Math.floor(value / 100) % 100;
  const day = value % 100;
  const year = Math.floor(value / 10_000) - (month <= 2 ? 1 : 0);
  const era = Math.floor(year / 400);
  const yoe = year - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
