/**
 * The CSV reader: UTF-8 (a BOM is skipped), a header row, comma separator, LF or CRLF line
 * ends, RFC 4180 double-quoted fields. It parses bytes as they stream from the file (through
 * gunzip for `.csv.gz`, which then runs on another thread), straight into typed columns:
 * numbers and dates never become strings, repeated strings are interned from their bytes.
 * Text that is not valid UTF-8 is a file-level error (`bad_encoding`); a GBK file is read by
 * asking for `encoding: 'gbk'`, which transcodes the bytes to UTF-8 before parsing.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FactorkitError } from '@factorkit/core';
import type { TableSchema } from '../schema.js';
import type { Table } from '../table.js';
import type { KeptColumn } from './builder.js';
import { KIND_DATE, KIND_NUMBER, P_NONE, P_UNPARSABLE_DATE, TableBuilder, planColumns } from './builder.js';
import { decodeUtf8, isValidUtf8 } from './intern.js';
import { parseDateBytes, scanDecimalFast, scanDecimalInto } from './numbers.js';
import type { TableReport } from './report.js';
import { basename } from './report.js';

const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;

const CHUNK = 1 << 20;

/** Text encodings a CSV file may be read in. `gbk` also decodes GB18030 (its superset). */
export type CsvEncoding = 'utf-8' | 'gbk';

/** The encodings {@link CsvEncoding} names. */
export const CSV_ENCODINGS: readonly CsvEncoding[] = ['utf-8', 'gbk'];

export interface CsvReadOptions {
  readonly calendar: ReadonlySet<number> | undefined;
  readonly assets?: ReadonlySet<string> | undefined;
  readonly maxExamples: number;
  readonly encoding?: CsvEncoding;
}

/**
 * A stream transform from `encoding` to UTF-8 (WHATWG `TextDecoder`, which needs Node's full ICU
 * for GBK: the default builds have it).
 * @throws FK_INVALID_ARGUMENT when this Node cannot decode `encoding`.
 */
export function toUtf8(encoding: string): Transform {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(encoding);
  } catch {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `encoding \`${encoding}\` cannot be decoded by this Node.js (it needs full ICU); convert the file to UTF-8 instead`);
  }
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
    },
    flush(done) {
      done(null, Buffer.from(decoder.decode(), 'utf8'));
    },
  });
}

/**
 * Read a `.csv` or (`gzip`) `.csv.gz` file into a table checked against `schema`. I/O errors
 * propagate (the caller turns them into `missing_file` / `unreadable_file`); everything about
 * the content is in the report.
 */
export async function readCsv(file: string, gzip: boolean, schema: TableSchema, options: CsvReadOptions): Promise<{ table: Table; report: TableReport }> {
  const expectedBytes = gzip ? await gzipSize(file) : (await stat(file)).size;
  const input = createReadStream(file, { highWaterMark: CHUNK });
  const unzipped = gzip
    ? pipeline(input, createGunzip({ chunkSize: CHUNK }), () => {
        // Errors surface through the iteration below.
      })
    : input;
  const stream =
    options.encoding === undefined || options.encoding === 'utf-8'
      ? unzipped
      : pipeline(unzipped, toUtf8(options.encoding), () => {
          // As above.
        });
  let parser: CsvParser | undefined;
  let pending: Buffer | undefined;
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let buf = chunk;
      let pos = 0;
      if (pending && parser) {
        // Finish the row that straddles the two chunks on its own, so the chunk is not copied.
        const lf = chunk.indexOf(LF);
        if (lf < 0) buf = Buffer.concat([pending, chunk]);
        else {
          const head = Buffer.concat([pending, chunk.subarray(0, lf + 1)]);
          const used = parser.parse(head, 0, false);
          if (used < head.length) buf = Buffer.concat([head.subarray(used), chunk.subarray(lf + 1)]);
          else pos = lf + 1;
        }
      } else if (pending) buf = Buffer.concat([pending, chunk]);
      pending = undefined;
      if (first) {
        if (buf.length < 3) {
          pending = buf;
          continue;
        }
        first = false;
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      }
      if (!parser) {
        const header = readHeader(buf, 0, false);
        if (!header) {
          pending = buf;
          continue;
        }
        if (isBlank(header)) return emptyFile(file, schema, options);
        parser = startParser(header, buf, expectedBytes, file, schema, options);
        if (parser.builder.hasErrors) return parser.builder.finish();
        pos = header.next;
      }
      pos = parser.parse(buf, pos, false);
      if (pos < buf.length) pending = buf.subarray(pos);
    }
  } finally {
    stream.destroy();
  }
  let buf = pending ?? Buffer.alloc(0);
  if (first && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
  let pos = 0;
  if (!parser) {
    const header = readHeader(buf, 0, true);
    if (!header || isBlank(header)) return emptyFile(file, schema, options);
    parser = startParser(header, buf, expectedBytes, file, schema, options);
    if (parser.builder.hasErrors) return parser.builder.finish();
    pos = header.next;
  }
  parser.parse(buf, pos, true);
  return parser.builder.finish();
}

/** A header line with nothing on it: the file has no header. */
function isBlank(header: Header): boolean {
  return header.fields.length === 1 && header.fields[0]!.trim() === '';
}

function emptyFile(file: string, schema: TableSchema, options: CsvReadOptions): { table: Table; report: TableReport } {
  const builder = newBuilder([], 0, file, schema, options);
  builder.error({
    severity: 'error',
    code: 'empty_file',
    table: schema.name,
    file,
    message: `${basename(file)}: no header row (the file is empty or its first line is blank); expected a header naming the columns of \`${schema.name}\``,
  });
  return builder.finish();
}

function newBuilder(columns: KeptColumn[], capacity: number, file: string, schema: TableSchema, options: CsvReadOptions, ignored: readonly string[] = []): TableBuilder {
  return new TableBuilder(columns, {
    schema,
    file,
    format: file.endsWith('.gz') ? 'csv.gz' : 'csv',
    calendar: options.calendar,
    assets: options.assets,
    maxExamples: options.maxExamples,
    capacity,
    ignored,
  });
}

function startParser(header: Header, buf: Buffer, expectedBytes: number, file: string, schema: TableSchema, options: CsvReadOptions): CsvParser {
  const plan = planColumns(header.fields, schema, file, `${basename(file)}:1`);
  const badHeader = header.invalid >= 0 ? header.fields[header.invalid]! : undefined;
  if (plan.errors.length > 0 || badHeader !== undefined) {
    const builder = newBuilder(plan.columns, 0, file, schema, options);
    // A header that is not UTF-8 explains every other header problem: report only it.
    if (badHeader !== undefined) builder.encodingError(1, -1, badHeader);
    else for (const error of plan.errors) builder.error(error);
    return new CsvParser(builder, plan.fields, header.lines + 1);
  }
  // Size the columns from the bytes still to come and the line length seen so far.
  let lines = 0;
  let last = -1;
  for (let p = buf.indexOf(LF, header.next); p >= 0 && lines < 10_000; p = buf.indexOf(LF, p + 1)) {
    lines++;
    last = p;
  }
  const perLine = lines > 0 ? Math.max(1, (last - header.next + 1) / lines) : 64;
  const capacity = Math.ceil((Math.max(0, expectedBytes - header.next) / perLine) * 1.02) + 16;
  return new CsvParser(newBuilder(plan.columns, capacity, file, schema, options, plan.ignored), plan.fields, header.lines + 1);
}

/** The uncompressed size from the gzip trailer (ISIZE, modulo 2^32: a hint only). */
async function gzipSize(file: string): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size < 18) return 0;
    const tail = Buffer.alloc(4);
    await handle.read(tail, 0, 4, size - 4);
    const isize = tail.readUInt32LE(0);
    // A multi-member or > 4 GiB file makes ISIZE meaningless; fall back to a typical ratio.
    return isize >= size ? isize : size * 3;
  } finally {
    await handle.close();
  }
}

interface Header {
  readonly fields: string[];
  /** Position after the header's line end. */
  readonly next: number;
  /** Lines the header spans (1 unless a quoted name holds a newline). */
  readonly lines: number;
  /** The first field whose bytes are not valid UTF-8, or -1. */
  readonly invalid: number;
}

/** Parse the header record starting at `pos`; `undefined` when it is not complete yet. */
function readHeader(buf: Buffer, pos: number, final: boolean): Header | undefined {
  const end = buf.length;
  const fields: string[] = [];
  let lines = 1;
  let invalid = -1;
  const check = (start: number, stop: number): void => {
    if (invalid < 0 && !isValidUtf8(buf, start, stop)) invalid = fields.length;
  };
  if (pos >= end) return undefined;
  for (;;) {
    if (pos < end && buf[pos] === QUOTE) {
      let text = '';
      let q = pos + 1;
      for (;;) {
        const close = buf.indexOf(QUOTE, q);
        if (close < 0 || (close + 1 >= end && !final)) return undefined;
        check(q, close);
        text += decodeUtf8(buf, q, close);
        for (let p = buf.indexOf(LF, q); p >= 0 && p < close; p = buf.indexOf(LF, p + 1)) lines++;
        if (buf[close + 1] === QUOTE) {
          text += '"';
          q = close + 2;
          continue;
        }
        pos = close + 1;
        break;
      }
      while (pos < end && buf[pos] !== COMMA && buf[pos] !== LF) pos++;
      fields.push(text);
    } else {
      const start = pos;
      while (pos < end && buf[pos] !== COMMA && buf[pos] !== LF) pos++;
      let stop = pos;
      if (stop > start && buf[stop - 1] === CR) stop--;
      check(start, stop);
      fields.push(decodeUtf8(buf, start, stop));
    }
    if (pos >= end && !final) return undefined;
    if (pos < end && buf[pos] === COMMA) {
      pos++;
      continue;
    }
    if (pos < end) pos++;
    return { fields, next: pos, lines, invalid };
  }
}

/** Rows of one CSV file, fed chunk by chunk. */
class CsvParser {
  readonly builder: TableBuilder;
  private readonly fieldColumn: Int32Array;
  private readonly fieldCount: number;
  private line: number;
  /** The line of the row being parsed. */
  private rowLine = 0;
  /** Unescaped quoted fields (`""` → `"`) and their length. */
  private scratch = Buffer.alloc(256);
  private scratchLength = 0;

  constructor(builder: TableBuilder, fieldColumn: Int32Array, firstLine: number) {
    this.builder = builder;
    this.fieldColumn = fieldColumn;
    this.fieldCount = fieldColumn.length;
    this.line = firstLine;
  }

  /**
   * Parse the rows in `buf` from `pos`. Unless `final`, stops before a row that is not complete
   * and returns its position (the caller prepends the rest to the next chunk).
   */
  parse(buf: Buffer, pos: number, final: boolean): number {
    const end = buf.length;
    const builder = this.builder;
    const fieldColumn = this.fieldColumn;
    const fieldCount = this.fieldCount;
    const kinds = builder.kinds;
    while (pos < end) {
      const first = buf[pos];
      // Blank lines are not rows.
      if (first === LF) {
        pos++;
        this.line++;
        continue;
      }
      if (first === CR && pos + 1 < end && buf[pos + 1] === LF) {
        pos += 2;
        this.line++;
        continue;
      }
      if (!final && buf.indexOf(LF, pos) < 0) return pos;
      const rowStart = pos;
      const rowLine = this.line;
      this.rowLine = rowLine;
      const row = builder.beginRow();
      let field = 0;
      let quoteProblem = false;
      for (;;) {
        const column = field < fieldCount ? fieldColumn[field]! : -1;
        if (column >= 0 && kinds[column] === KIND_NUMBER) {
          // The common case, in one pass: read the number, then expect the field to end there.
          const values = builder.floats[column]!;
          const after = scanDecimalFast(buf, pos, values, row);
          const next = after < end ? buf[after]! : -1;
          if (next === COMMA || next === LF || (next === CR && after + 1 < end && buf[after + 1] === LF)) {
            this.numberField(column, row, buf, pos, after);
            pos = next === CR ? after + 2 : after + 1;
            field++;
            if (next === COMMA) continue;
            break;
          }
          // Otherwise (text that is not a number, quotes, the end of the data): the general path.
        }
        let fieldBuf: Buffer = buf;
        let start = pos;
        let stop: number;
        if (pos < end && buf[pos] === QUOTE) {
          // A quoted field: find the closing quote, skipping doubled quotes.
          let q = pos + 1;
          start = q;
          let escaped = false;
          let closed = -1;
          for (;;) {
            const close = buf.indexOf(QUOTE, q);
            if (close < 0) break;
            if (close + 1 < end && buf[close + 1] === QUOTE) {
              escaped = true;
              q = close + 2;
              continue;
            }
            if (close + 1 >= end && !final) break;
            closed = close;
            break;
          }
          if (closed < 0) {
            if (!final) {
              this.line = rowLine;
              return rowStart;
            }
            // Unclosed at the end of the file: the rest of the file is this field.
            quoteProblem = true;
            this.countLines(buf, start, end);
            stop = end;
            pos = end;
          } else {
            this.countLines(buf, start, closed);
            stop = closed;
            pos = closed + 1;
            if (escaped) {
              fieldBuf = this.unescape(buf, start, stop);
              stop = fieldBuf === this.scratch ? this.scratchLength : stop;
              start = 0;
            }
            if (pos < end) {
              const next = buf[pos];
              if (next === CR && (pos + 1 >= end || buf[pos + 1] === LF)) pos++;
              else if (next !== COMMA && next !== LF) {
                // Text after the closing quote: skip to the end of the field.
                quoteProblem = true;
                while (pos < end && buf[pos] !== COMMA && buf[pos] !== LF) pos++;
              }
            }
          }
        } else {
          while (pos < end) {
            const c = buf[pos];
            if (c === COMMA || c === LF) break;
            pos++;
          }
          stop = pos;
          if (stop > start && buf[stop - 1] === CR && (pos >= end || buf[pos] === LF)) stop--;
        }
        if (pos >= end && !final) {
          this.line = rowLine;
          return rowStart;
        }
        if (column >= 0) this.cell(column, row, fieldBuf, start, stop);
        field++;
        if (pos < end && buf[pos] === COMMA) {
          pos++;
          continue;
        }
        if (pos < end) pos++;
        break;
      }
      this.line++;
      builder.endRow(rowLine, field, fieldCount, quoteProblem);
    }
    return pos;
  }

  private cell(column: number, row: number, buf: Buffer, start: number, stop: number): void {
    const builder = this.builder;
    const kind = builder.kinds[column];
    if (kind === KIND_NUMBER) {
      const values = builder.floats[column]!;
      if (scanDecimalInto(buf, start, stop, values, row) !== stop) values[row] = Number.NaN;
      this.numberField(column, row, buf, start, stop);
      return;
    }
    let problem: number;
    if (kind === KIND_DATE) {
      let value = 0;
      if (stop > start) {
        value = parseDateBytes(buf, start, stop);
        if (value === 0) {
          builder.ints[column]![row] = 0;
          builder.flag(P_UNPARSABLE_DATE, column, decodeUtf8(buf, start, stop));
          return;
        }
      }
      problem = builder.dateCell(column, row, value);
    } else {
      const interner = builder.interners[column]!;
      problem = builder.stringCell(column, row, stop > start ? interner.intern(buf, start, stop) : -1);
      if (interner.invalidUtf8 > 0) builder.encodingError(this.rowLine, column, interner.firstInvalid);
    }
    if (problem !== P_NONE) builder.flag(problem, column, decodeUtf8(buf, start, stop));
  }

  /**
   * Check the number field `buf[start, stop)` whose value is already in `floats[column][row]`
   * (`NaN`: empty, or not a number when the text is not empty).
   */
  private numberField(column: number, row: number, buf: Buffer, start: number, stop: number): void {
    const builder = this.builder;
    const values = builder.floats[column]!;
    const value = values[row]!;
    if (stop > start && value - value !== 0) {
      values[row] = Number.NaN;
      builder.unparsableNumber(column, decodeUtf8(buf, start, stop));
      return;
    }
    const problem = builder.checkNumber(column, row);
    if (problem !== P_NONE) builder.flag(problem, column, decodeUtf8(buf, start, stop));
  }

  /** Copy `buf[start, stop)` to the scratch buffer with each `""` made `"`. */
  private unescape(buf: Buffer, start: number, stop: number): Buffer {
    if (this.scratch.length < stop - start) this.scratch = Buffer.alloc((stop - start) * 2);
    const out = this.scratch;
    let n = 0;
    for (let i = start; i < stop; i++) {
      const c = buf[i]!;
      out[n++] = c;
      if (c === QUOTE) i++;
    }
    this.scratchLength = n;
    return out;
  }

  private countLines(buf: Buffer, start: number, stop: number): void {
    for (let p = buf.indexOf(LF, start); p >= 0 && p < stop; p = buf.indexOf(LF, p + 1)) this.line++;
  }
}
