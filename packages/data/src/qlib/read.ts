import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FactorkitError } from '@factorkit/core';
import {
  type QlibData,
  type QlibFreq,
  type QlibInterval,
  QLIB_CALENDARS_DIR,
  QLIB_FEATURES_DIR,
  QLIB_INSTRUMENTS_DIR,
  dirNameToSymbol,
  intToDate,
  mapLimit,
  parseQlibDate,
} from './format.js';

/** Options of {@link readQlib}. */
export interface ReadQlibOptions {
  /** Fields to read (lower case, `close`); default every `<field>.day.bin` found. A symbol without one of them simply lacks it. */
  readonly fields?: readonly string[];
  /** Symbols to read (`SH600519`, any case); default `'all'`: every folder under `features/`. */
  readonly symbols?: readonly string[] | 'all';
  /** Only `day` is supported. */
  readonly freq?: QlibFreq;
  /** Files read at once; default 32. */
  readonly concurrency?: number;
}

/** What {@link readQlib} returns: the folder's content, features as `Float32Array`s aligned to the whole calendar. */
export interface QlibReadResult extends QlibData {
  readonly calendar: string[];
  readonly instruments: Map<string, QlibInterval[]>;
  readonly features: Map<string, Map<string, Float32Array>>;
  /** Symbols asked for in `options.symbols` that have no folder under `features/` (upper case). */
  readonly missingSymbols: string[];
}

/** One `.bin` file as stored: the calendar index of `values[0]`, and the values. */
export interface StoredSeries {
  readonly start: number;
  readonly values: Float32Array;
}

const isNotFound = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === 'ENOENT';

function invalid(message: string, cause?: unknown): FactorkitError {
  return new FactorkitError('FK_INVALID_DATA', message, cause === undefined ? {} : { cause });
}

export function checkFreq(freq: string | undefined): QlibFreq {
  if (freq === undefined || freq === 'day') return 'day';
  throw new FactorkitError('FK_INVALID_ARGUMENT', `qlib: freq \`${freq}\` is not supported; only \`day\` is`);
}

/**
 * `calendars/<freq>.txt` → ISO dates and their `yyyymmdd` integers.
 * @throws FK_INVALID_DATA when the file is missing, a line is not a date, or the dates do not rise.
 */
export async function readQlibCalendar(dir: string, freq: QlibFreq = 'day'): Promise<{ dates: string[]; ints: Int32Array }> {
  const path = join(dir, QLIB_CALENDARS_DIR, `${freq}.txt`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isNotFound(error)) throw invalid(`qlib folder \`${dir}\` has no ${QLIB_CALENDARS_DIR}/${freq}.txt (\`${path}\`)`, error);
    throw error;
  }
  const ints: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const value = parseQlibDate(line);
    if (Number.isNaN(value)) throw invalid(`${path}:${i + 1}: \`${line}\` is not a YYYY-MM-DD date`);
    const previous = ints[ints.length - 1];
    if (previous !== undefined && value <= previous) throw invalid(`${path}:${i + 1}: \`${line}\` is not after the previous day \`${intToDate(previous)}\``);
    ints.push(value);
  }
  return { dates: ints.map(intToDate), ints: Int32Array.from(ints) };
}

/**
 * Every `instruments/<market>.txt` → market (file name without `.txt`, lower case) → intervals.
 * A folder without `instruments/` has no markets.
 * @throws FK_INVALID_DATA on a line that is not `SYMBOL<TAB>START<TAB>END` with START ≤ END.
 */
export async function readQlibInstruments(dir: string): Promise<Map<string, QlibInterval[]>> {
  const folder = join(dir, QLIB_INSTRUMENTS_DIR);
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true })).filter((d) => d.isFile() && d.name.toLowerCase().endsWith('.txt')).map((d) => d.name);
  } catch (error) {
    if (isNotFound(error)) return new Map();
    throw error;
  }
  names.sort();
  const out = new Map<string, QlibInterval[]>();
  for (const name of names) {
    const market = name.slice(0, -'.txt'.length).toLowerCase();
    const path = join(folder, name);
    if (out.has(market)) throw invalid(`${path}: a second instrument file for market \`${market}\` (file names differ only in case)`);
    out.set(market, parseInstruments(await readFile(path, 'utf8'), path));
  }
  return out;
}

function parseInstruments(text: string, path: string): QlibInterval[] {
  const out: QlibInterval[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const where = `${path}:${i + 1}`;
    const parts = line.split('\t');
    if (parts.length < 3) throw invalid(`${where}: expected SYMBOL<TAB>START<TAB>END, got \`${line}\``);
    const symbol = parts[0]!.trim().toUpperCase();
    if (symbol === '') throw invalid(`${where}: empty symbol in \`${line}\``);
    const start = parseQlibDate(parts[1]!);
    const end = parseQlibDate(parts[2]!);
    if (Number.isNaN(start)) throw invalid(`${where}: start \`${parts[1]}\` is not a YYYY-MM-DD date`);
    if (Number.isNaN(end)) throw invalid(`${where}: end \`${parts[2]}\` is not a YYYY-MM-DD date`);
    if (start > end) throw invalid(`${where}: start \`${intToDate(start)}\` is after end \`${intToDate(end)}\``);
    out.push({ symbol, start: intToDate(start), end: intToDate(end) });
  }
  return out;
}

/**
 * The folders under `features/`: symbol (upper case) → folder name. Folders are matched without
 * regard to case, as qlib itself now tries the symbol as given, upper and lower case.
 * @throws FK_INVALID_DATA when two folders name the same symbol.
 */
export async function listQlibSymbols(dir: string): Promise<Map<string, string>> {
  const folder = join(dir, QLIB_FEATURES_DIR);
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (isNotFound(error)) return new Map();
    throw error;
  }
  const out = new Map<string, string>();
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    const symbol = dirNameToSymbol(entry.name);
    const seen = out.get(symbol);
    if (seen !== undefined) throw invalid(`${folder}: folders \`${seen}\` and \`${entry.name}\` are the same symbol \`${symbol}\``);
    out.set(symbol, entry.name);
  }
  return out;
}

/**
 * Read one `.bin` file and check it against a calendar of `calendarLength` days.
 * @throws FK_INVALID_DATA naming the file: empty, length not a multiple of 4, start index not a
 * non-negative integer, or start index + number of values beyond the calendar.
 */
export async function readQlibBin(path: string, calendarLength: number): Promise<StoredSeries> {
  const bytes = await readFile(path);
  if (bytes.length === 0) throw invalid(`${path}: empty file (a qlib .bin starts with its start index)`);
  if (bytes.length % 4 !== 0) throw invalid(`${path}: length ${bytes.length} bytes is not a multiple of 4 (little-endian float32 values)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = view.getFloat32(0, true);
  if (!Number.isInteger(start) || start < 0) throw invalid(`${path}: start index \`${start}\` is not a non-negative integer`);
  const count = bytes.length / 4 - 1;
  if (start + count > calendarLength) {
    throw invalid(`${path}: start index ${start} + ${count} values = ${start + count} days, more than the calendar's ${calendarLength} days`);
  }
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = view.getFloat32(4 + 4 * i, true);
  return { start, values };
}

/** The `<field>.<freq>.bin` files of one symbol folder: field (lower case) → file name. */
export async function listQlibFields(symbolDir: string, freq: QlibFreq): Promise<Map<string, string>> {
  const suffix = `.${freq}.bin`;
  const out = new Map<string, string>();
  for (const entry of await readdir(symbolDir, { withFileTypes: true })) {
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    if (!entry.name.toLowerCase().endsWith(suffix) || entry.name.length === suffix.length) continue;
    const field = entry.name.slice(0, -suffix.length).toLowerCase();
    const seen = out.get(field);
    if (seen !== undefined) throw invalid(`${symbolDir}: files \`${seen}\` and \`${entry.name}\` are the same field \`${field}\``);
    out.set(field, entry.name);
  }
  return out;
}

/** Read the fields of one symbol folder, as stored. `fields` (lower case) filters; absent files are skipped. */
export async function readQlibSymbol(
  dir: string,
  dirName: string,
  calendarLength: number,
  fields: readonly string[] | undefined,
  freq: QlibFreq,
  concurrency: number,
): Promise<Map<string, StoredSeries>> {
  const symbolDir = join(dir, QLIB_FEATURES_DIR, dirName);
  const files = await listQlibFields(symbolDir, freq);
  const wanted = fields === undefined ? [...files.keys()].sort() : fields.filter((f) => files.has(f));
  const series = await mapLimit(wanted, concurrency, (field) => readQlibBin(join(symbolDir, files.get(field)!), calendarLength));
  return new Map(wanted.map((field, i) => [field, series[i]!]));
}

/** A stored series spread over the whole calendar, `NaN` outside the stored range. */
export function alignStored(series: StoredSeries, calendarLength: number): Float32Array {
  const out = new Float32Array(calendarLength).fill(Number.NaN);
  out.set(series.values, series.start);
  return out;
}

/**
 * Read a qlib folder: its day calendar, every instrument file, and the features of the chosen
 * symbols and fields as `Float32Array`s aligned to the whole calendar (`NaN` = missing, also
 * before the first and after the last stored day).
 *
 * Memory is symbols × calendar days × fields × 4 bytes (5,000 × 2,500 × 6 ≈ 300 MB); use
 * `symbols` and `fields` to read less. Symbols are returned upper case, fields lower case.
 *
 * @throws FK_INVALID_DATA naming the file: missing `calendars/day.txt`, a calendar line that is
 * not a date or not after its predecessor, a bad instrument line (`file:line`), a `.bin` whose
 * length is not a multiple of 4, whose start index is not a non-negative integer, or whose start
 * index + length exceeds the calendar.
 */
export async function readQlib(dir: string, options: ReadQlibOptions = {}): Promise<QlibReadResult> {
  const freq = checkFreq(options.freq);
  const concurrency = Math.max(1, options.concurrency ?? 32);
  const calendar = await readQlibCalendar(dir, freq);
  const instruments = await readQlibInstruments(dir);
  const folders = await listQlibSymbols(dir);
  const fields = options.fields?.map((f) => f.toLowerCase());
  const missingSymbols: string[] = [];
  let symbols: string[];
  if (options.symbols === undefined || options.symbols === 'all') symbols = [...folders.keys()];
  else {
    symbols = [];
    for (const s of new Set(options.symbols.map((x) => x.toUpperCase()))) (folders.has(s) ? symbols : missingSymbols).push(s);
  }
  const length = calendar.dates.length;
  const features = new Map<string, Map<string, Float32Array>>();
  // Symbols one after another, each symbol's files in parallel: memory stays at the aligned result.
  const perSymbol = Math.max(1, Math.min(concurrency, 8));
  await mapLimit(symbols, Math.max(1, Math.floor(concurrency / perSymbol)), async (symbol) => {
    const stored = await readQlibSymbol(dir, folders.get(symbol)!, length, fields, freq, perSymbol);
    const aligned = new Map<string, Float32Array>();
    for (const [field, series] of stored) aligned.set(field, alignStored(series, length));
    features.set(symbol, aligned);
  });
  // Insertion order above depends on timing; return symbols in folder order.
  const ordered = new Map<string, Map<string, Float32Array>>();
  for (const symbol of symbols) ordered.set(symbol, features.get(symbol)!);
  return { calendar: calendar.dates, instruments, features: ordered, missingSymbols };
}
