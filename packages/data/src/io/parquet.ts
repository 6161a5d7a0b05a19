/**
 * The Parquet reader (through `hyparquet`): top-level columns are matched by name and checked
 * exactly like CSV cells, one row group at a time. Cells may come as the natural Parquet types
 * (DOUBLE/INT for numbers, DATE or `yyyymmdd` integers for dates, UTF8 for strings) or as text
 * as tushare exports often have them (`'20230630'`, `'1.5'`). A problem's "line" is the 1-based
 * row number.
 */
import { readFile } from 'node:fs/promises';
import type { FileMetaData } from 'hyparquet';
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import type { TableSchema } from '../schema.js';
import type { Table } from '../table.js';
import {
  KIND_DATE,
  KIND_NUMBER,
  P_NONE,
  P_UNPARSABLE_DATE,
  TableBuilder,
  planColumns,
} from './builder.js';
import { decodeUtf8 } from './intern.js';
import { parseCsvDate, parseCsvNumber } from './numbers.js';
import type { TableReport } from './report.js';
import { basename } from './report.js';

export interface ParquetReadOptions {
  readonly calendar: ReadonlySet<number> | undefined;
  readonly assets?: ReadonlySet<string> | undefined;
  readonly maxExamples: number;
}

export async function readParquet(file: string, schema: TableSchema, options: ParquetReadOptions): Promise<{ table: Table; report: TableReport }> {
  const bytes = await readFile(file);
  const buffer =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata: FileMetaData = parquetMetadata(buffer);
  const header = parquetSchema(metadata).children.map((child) => child.element.name);
  const plan = planColumns(header, schema, file, basename(file));
  const rowCount = Number(metadata.num_rows);
  const builder = new TableBuilder(plan.columns, {
    schema,
    file,
    format: 'parquet',
    calendar: options.calendar,
    assets: options.assets,
    maxExamples: options.maxExamples,
    capacity: plan.errors.length > 0 ? 0 : rowCount,
    ignored: plan.ignored,
  });
  if (plan.errors.length > 0) {
    for (const error of plan.errors) builder.error(error);
    return builder.finish();
  }
  const names = plan.columns.map((c) => c.name);
  const fieldCount = names.length;
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupRows = Number(group.num_rows);
    const groupEnd = groupStart + groupRows;
    const values = await readGroup(buffer, metadata, names, groupStart, groupEnd);
    for (let r = 0; r < groupRows; r++) {
      const row = builder.beginRow();
      for (let c = 0; c < fieldCount; c++) cell(builder, c, row, values[c]![r]);
      builder.endRow(groupStart + r + 1, fieldCount, fieldCount, false);
    }
    groupStart = groupEnd;
  }
  return builder.finish();
}

/** The named columns' values for rows [start, end), one array per name. */
async function readGroup(
  file: ArrayBuffer,
  metadata: FileMetaData,
  names: readonly string[],
  start: number,
  end: number,
): Promise<unknown[][]> {
  const index = new Map(names.map((name, i) => [name, i]));
  const out = names.map(() => new Array<unknown>(end - start).fill(null));
  await parquetRead({
    file,
    metadata,
    columns: [...names],
    rowStart: start,
    rowEnd: end,
    parsers: { dateFromDays: daysToDateInt },
    onChunk({ columnName, columnData, rowStart }) {
      const target = out[index.get(columnName) ?? -1];
      if (!target) return;
      for (let i = 0; i < columnData.length; i++) {
        const at = rowStart + i - start;
        if (at >= 0 && at < target.length) target[at] = columnData[i];
      }
    },
  });
  return out;
}

function cell(builder: TableBuilder, column: number, row: number, value: unknown): void {
  const kind = builder.kinds[column];
  let problem: number;
  if (kind === KIND_NUMBER) {
    const number = toNumber(value);
    if (number === undefined) {
      builder.floats[column]![row] = Number.NaN;
      builder.unparsableNumber(column, text(value));
      return;
    }
    problem = builder.numberCell(column, row, number);
  } else if (kind === KIND_DATE) {
    const date = toDate(value);
    if (date === undefined) {
      builder.ints[column]![row] = 0;
      builder.flag(P_UNPARSABLE_DATE, column, text(value));
      return;
    }
    problem = builder.dateCell(column, row, date);
  } else {
    const string = toText(value);
    problem = builder.stringCell(column, row, string === '' ? -1 : builder.interners[column]!.internString(string));
  }
  if (problem !== P_NONE) builder.flag(problem, column, text(value));
}

/** A number cell: `NaN` when empty, `undefined` when not a finite number. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value === value && (value === Infinity || value === -Infinity) ? undefined : value;
  if (value === null || value === undefined) return Number.NaN;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    if (value === '') return Number.NaN;
    const number = parseCsvNumber(value);
    return Number.isFinite(number) ? number : undefined;
  }
  return undefined;
}

/** A date cell as `yyyymmdd`: `0` when empty, `undefined` when not a real date. */
function toDate(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return 0;
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 10_000_101 || n > 99_991_231) return undefined;
    return parseCsvDate(String(n)) || undefined;
  }
  if (typeof value === 'string') return parseCsvDate(value) || undefined;
  if (value instanceof Date) {
    const time = value.getTime();
    if (!Number.isFinite(time) || time % 86_400_000 !== 0) return undefined;
    return daysToDateInt(time / 86_400_000);
  }
  return undefined;
}

function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return decodeUtf8(value, 0, value.length);
  return text(value);
}

function text(value: unknown): string {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.toISOString() : 'Invalid Date';
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? typeof value;
  } catch {
    return typeof value;
  }
}

/** Days since 1970-01-01 → `yyyymmdd` (Howard Hinnant's civil_from_days, no Date object). */
export function daysToDateInt(days: number): number {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10_000 + month * 100 + day;
}
