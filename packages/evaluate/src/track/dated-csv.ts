/**
 * The date-major CSV files of a tracking output, written with an index of where each date's
 * rows start, so that the next run can keep a file's bytes before a date and append the rest.
 * Node-only (imported by `node.ts`).
 */
import { type DateString, isDateString, lowerBound } from '@factorkit/core';
import { type CsvColumn, type TableRow, csvHeader, csvRow } from '@factorkit/report';
import { type FileHandle, copyFile, open, stat, truncate } from 'node:fs/promises';
import type { TrackingTable } from './tables.js';

/**
 * Where a written date-major file's dates start: `offsets[k]` is the byte offset of the first
 * row dated `dates[k]`; with the file's size and modification time, to tell whether it changed
 * on disk since.
 */
export interface DatedFileIndex {
  readonly file: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Bytes of the header line (with its newline). */
  readonly header: number;
  readonly dates: readonly DateString[];
  readonly offsets: readonly number[];
}

/** How a file of a tracking output was written (`WriteTrackingOptions.onFile`). */
export interface TrackingFileWrite {
  readonly file: string;
  /** `appended`: the previous output's bytes before `from` kept, the rows from it on formatted; `written`: formatted in full. */
  readonly mode: 'appended' | 'written';
  /** `appended`: the first date formatted now (the result's `unchangedBefore`). */
  readonly from?: DateString;
  /** Bytes copied from the previous output (0 when written in full). */
  readonly keptBytes: number;
  /** Bytes formatted now (the header included when written in full). */
  readonly formattedBytes: number;
  /** `written` though the result allowed appending: why the previous file could not be used. */
  readonly reason?: string;
}

/** Characters gathered before each write. */
const CHUNK = 1 << 16;
const NEWLINE = 0x0a;

/** The header line as `writeCsv` of `@factorkit/report` writes it, with its newline. */
export function headerLine(columns: readonly CsvColumn[]): string {
  return `${csvHeader(columns)!}\n`;
}

/** A row's line as `writeCsv` writes it; a value its column refuses throws an error naming the file, the row's date and the column. */
function formatRow(table: TrackingTable, row: TableRow): string {
  return `${csvRow(table.columns, row, (column) => `${table.file}: the row dated ${String(row[table.dateColumn ?? ''])}, column \`${column.id}\``)}\n`;
}

/** Write all of `bytes` at the handle's position. */
async function writeAll(handle: FileHandle, text: string): Promise<number> {
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
  return bytes.length;
}

/**
 * Format `rows` (date-major, dated by `dateColumn`) at the end of the open file that is `start`
 * bytes long, adding each new date and its offset to `dates` / `offsets`. Returns the bytes written.
 */
async function appendRows(handle: FileHandle, table: TrackingTable, rows: Iterable<TableRow>, start: number, dates: DateString[], offsets: number[]): Promise<number> {
  const column = table.dateColumn!;
  let written = start;
  let buffer = '';
  let last: string | undefined;
  for (const row of rows) {
    const date = row[column] as DateString;
    if (date !== last) {
      dates.push(date);
      offsets.push(written + Buffer.byteLength(buffer));
      last = date;
    }
    buffer += formatRow(table, row);
    if (buffer.length >= CHUNK) {
      written += await writeAll(handle, buffer);
      buffer = '';
    }
  }
  if (buffer.length > 0) written += await writeAll(handle, buffer);
  return written - start;
}

async function indexOf(path: string, table: TrackingTable, header: number, dates: DateString[], offsets: number[]): Promise<DatedFileIndex> {
  const written = await stat(path);
  return { file: table.file, size: written.size, mtimeMs: written.mtimeMs, header, dates, offsets };
}

/**
 * Write a date-major table in full to `path` (a new file), byte for byte as `writeCsv` would,
 * and return its date index.
 */
export async function writeDatedCsv(path: string, table: TrackingTable): Promise<{ index: DatedFileIndex; write: TrackingFileWrite }> {
  const header = headerLine(table.columns);
  const dates: DateString[] = [];
  const offsets: number[] = [];
  const handle = await open(path, 'w');
  let formatted: number;
  try {
    const headerBytes = await writeAll(handle, header);
    formatted = headerBytes + (await appendRows(handle, table, table.rows(), headerBytes, dates, offsets));
  } finally {
    await handle.close();
  }
  return { index: await indexOf(path, table, Buffer.byteLength(header), dates, offsets), write: { file: table.file, mode: 'written', keptBytes: 0, formattedBytes: formatted } };
}

/** Where the previous file can be cut: the bytes before the first row dated `from` or later. */
export interface DatedCut {
  readonly source: string;
  readonly cut: number;
  /** The previous index's dates and offsets before the cut. */
  readonly dates: readonly DateString[];
  readonly offsets: readonly number[];
}

/**
 * Whether the previous output's file at `source`, indexed by `previous`, can be kept up to the
 * first row dated `from` or later: the index is well formed, the file has the size and
 * modification time the index recorded, starts with the header this table writes, and the bytes
 * at the cut are a line starting with the date the index says. The cut, or why not.
 */
export async function datedCut(source: string, previous: DatedFileIndex | undefined, table: TrackingTable, from: DateString): Promise<DatedCut | { readonly reason: string }> {
  if (!previous) return { reason: 'the previous state index does not list it' };
  const problem = indexProblem(previous);
  if (problem) return { reason: `its entry in the previous state index is malformed (${problem})` };
  const found = await stat(source).catch(() => undefined);
  if (!found?.isFile()) return { reason: 'the previous file is missing' };
  if (found.size !== previous.size || found.mtimeMs !== previous.mtimeMs) return { reason: `the previous file changed on disk (size ${found.size}, was ${previous.size}; modified ${found.mtime.toISOString()})` };
  const k = lowerBound(previous.dates, from);
  const cut = k < previous.dates.length ? previous.offsets[k]! : previous.size;
  const header = Buffer.from(headerLine(table.columns), 'utf8');
  if (header.length !== previous.header) return { reason: 'its columns are not those of this run' };
  const expected = k < previous.dates.length ? Buffer.from(`${previous.dates[k]},`, 'utf8') : Buffer.alloc(0);
  const handle = await open(source, 'r');
  try {
    const head = Buffer.alloc(header.length);
    await handle.read(head, 0, head.length, 0);
    if (!head.equals(header)) return { reason: 'its columns are not those of this run' };
    const at = Buffer.alloc(expected.length + 1);
    await handle.read(at, 0, at.length, cut - 1);
    if (at[0] !== NEWLINE || !at.subarray(1).equals(expected)) return { reason: `the previous file's bytes at offset ${cut} are not the start of the rows dated ${previous.dates[k] ?? 'after its last row'}` };
  } finally {
    await handle.close();
  }
  return { source, cut, dates: previous.dates.slice(0, k), offsets: previous.offsets.slice(0, k) };
}

/** Why an index entry read from disk cannot be trusted, or `undefined`. */
function indexProblem(entry: DatedFileIndex): string | undefined {
  const { size, header } = entry;
  const dates: unknown = entry.dates;
  const offsets: unknown = entry.offsets;
  if (![size, header, entry.mtimeMs].every((n) => typeof n === 'number' && Number.isFinite(n))) return 'size, header or mtimeMs is not a number';
  if (!Array.isArray(dates) || !Array.isArray(offsets) || dates.length !== offsets.length) return 'dates and offsets differ in length';
  let previous = { date: '', offset: header - 1 };
  for (let k = 0; k < dates.length; k++) {
    const date: unknown = dates[k];
    const offset: unknown = offsets[k];
    if (!isDateString(date) || date <= previous.date) return `dates[${k}] is not a date after the previous one`;
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset <= previous.offset || offset >= size) return `offsets[${k}] is out of order`;
    previous = { date, offset };
  }
  return undefined;
}

/**
 * Build `path` as the previous file's bytes before the cut (copied with `copyFile`, then
 * truncated) followed by the table's rows dated `from` or later, formatted now; returns the new
 * date index (the previous one's dates before the cut, then the new ones).
 */
export async function appendDatedCsv(path: string, table: TrackingTable, cut: DatedCut, from: DateString): Promise<{ index: DatedFileIndex; write: TrackingFileWrite }> {
  await copyFile(cut.source, path);
  await truncate(path, cut.cut);
  const dates = [...cut.dates];
  const offsets = [...cut.offsets];
  const handle = await open(path, 'a');
  let formatted: number;
  try {
    formatted = await appendRows(handle, table, table.rows(from), cut.cut, dates, offsets);
  } finally {
    await handle.close();
  }
  return { index: await indexOf(path, table, Buffer.byteLength(headerLine(table.columns)), dates, offsets), write: { file: table.file, mode: 'appended', from, keptBytes: cut.cut, formattedBytes: formatted } };
}
