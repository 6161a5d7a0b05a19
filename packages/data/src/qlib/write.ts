import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FactorkitError } from '@factorkit/core';
import { atomicDirectory } from '@factorkit/core/node';
import { dateToInt } from '../table.js';
import {
  type QlibData,
  type QlibFreq,
  type QlibInterval,
  QLIB_CALENDARS_DIR,
  QLIB_FEATURES_DIR,
  QLIB_INSTRUMENTS_DIR,
  calendarToInts,
  mapLimit,
  symbolToDirName,
} from './format.js';
import { checkFreq } from './read.js';

/** Options of {@link writeQlib}. */
export interface WriteQlibOptions {
  /**
   * Replace `dir` when it exists and is not empty. The whole folder is replaced, not merged: the
   * start indices of any `.bin` left from an older calendar would silently point at wrong days.
   * Default `false`: a non-empty `dir` is an error.
   */
  readonly overwrite?: boolean;
  /** Only `day` is supported. */
  readonly freq?: QlibFreq;
  /** Files written at once; default 16. */
  readonly concurrency?: number;
}

/** What {@link writeQlib} wrote. */
export interface QlibWriteSummary {
  /** The folder, resolved. */
  readonly dir: string;
  /** Symbols with a `features/` folder. */
  readonly symbols: number;
  /** `.bin` files written. */
  readonly files: number;
  /** Symbols whose fields are all `NaN` on every day: no folder is written for them (qlib's dump_bin skips empty data too). */
  readonly emptySymbols: string[];
}

/** One symbol's fields, each aligned to the whole calendar (`NaN` = missing). */
export type QlibSymbolFields = ReadonlyMap<string, ArrayLike<number>>;

const SYMBOL_NAME = /^[A-Za-z0-9_^][A-Za-z0-9_.^&-]*$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MARKET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function invalid(message: string): FactorkitError {
  return new FactorkitError('FK_INVALID_DATA', message);
}

function checkInstruments(instruments: ReadonlyMap<string, readonly QlibInterval[]>): void {
  const files = new Set<string>();
  for (const [market, intervals] of instruments) {
    if (!MARKET_NAME.test(market)) throw invalid(`writeQlib: market name \`${market}\` cannot be a file name (letters, digits, _ . - only)`);
    const file = market.toLowerCase();
    if (files.has(file)) throw invalid(`writeQlib: two markets are written to instruments/${file}.txt (names differ only in case)`);
    files.add(file);
    intervals.forEach((interval, i) => {
      const where = `writeQlib: instruments \`${market}\`[${i}]`;
      if (!SYMBOL_NAME.test(interval.symbol)) throw invalid(`${where}: symbol \`${interval.symbol}\` is not a valid qlib symbol`);
      const start = dateToInt(interval.start);
      const end = dateToInt(interval.end);
      if (Number.isNaN(start)) throw invalid(`${where}: start \`${interval.start}\` is not a YYYY-MM-DD date`);
      if (Number.isNaN(end)) throw invalid(`${where}: end \`${interval.end}\` is not a YYYY-MM-DD date`);
      if (start > end) throw invalid(`${where}: start \`${interval.start}\` is after end \`${interval.end}\``);
    });
  }
}

/** Check one symbol's fields; returns them as [file name, values] with the symbol's folder name. */
function checkSymbol(symbol: string, fields: QlibSymbolFields, calendarLength: number): { dirName: string; files: [string, ArrayLike<number>][] } {
  if (!SYMBOL_NAME.test(symbol)) throw invalid(`writeQlib: symbol \`${symbol}\` is not a valid qlib symbol (letters, digits, _ . ^ & - only)`);
  const files: [string, ArrayLike<number>][] = [];
  const seen = new Set<string>();
  for (const [field, values] of fields) {
    if (!FIELD_NAME.test(field)) throw invalid(`writeQlib: \`${symbol}\`: field name \`${field}\` is not a valid qlib field (letters, digits, _)`);
    const lower = field.toLowerCase();
    if (seen.has(lower)) throw invalid(`writeQlib: \`${symbol}\`: two fields are written to ${lower}.day.bin (names differ only in case)`);
    seen.add(lower);
    if (values.length !== calendarLength) {
      throw invalid(`writeQlib: \`${symbol}\`.\`${field}\` has ${values.length} values; the calendar has ${calendarLength} days`);
    }
    files.push([lower, values]);
  }
  return { dirName: symbolToDirName(symbol), files };
}

/** First and last calendar index where any field has a value; `undefined` when none has. */
function storedRange(files: readonly [string, ArrayLike<number>][]): [number, number] | undefined {
  let lo = Number.POSITIVE_INFINITY;
  let hi = -1;
  for (const [, values] of files) {
    for (let i = 0; i < values.length && i < lo; i++) {
      if (!Number.isNaN(values[i]!)) {
        lo = i;
        break;
      }
    }
    for (let i = values.length - 1; i > hi; i--) {
      if (!Number.isNaN(values[i]!)) {
        hi = i;
        break;
      }
    }
  }
  return hi < 0 ? undefined : [lo, hi];
}

/** The bytes of a `.bin`: the start index, then `values[lo..hi]`, all little-endian float32. */
export function encodeQlibBin(values: ArrayLike<number>, lo: number, hi: number): Buffer {
  const count = hi - lo + 1;
  const bytes = Buffer.allocUnsafe(4 * (count + 1));
  bytes.writeFloatLE(lo, 0);
  for (let i = 0; i < count; i++) bytes.writeFloatLE(values[lo + i]!, 4 + 4 * i);
  return bytes;
}

/**
 * Build the folder through core's `atomicDirectory` (a temporary sibling renamed into place, removed
 * on failure and on interrupts). Checked here first for messages that name the option to use.
 */
async function commitFolder(dir: string, overwrite: boolean, build: (tmp: string) => Promise<void>): Promise<string> {
  const target = resolve(dir);
  const info = await stat(target).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  });
  if (info && !info.isDirectory()) throw new FactorkitError('FK_INVALID_ARGUMENT', `writeQlib: \`${target}\` exists and is not a folder`);
  if (info && !overwrite && (await readdir(target)).length > 0) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `writeQlib: \`${target}\` exists and is not empty; pass \`overwrite: true\` to replace it`);
  }
  await mkdir(dirname(target), { recursive: true });
  await atomicDirectory(
    target,
    async (tmp) => {
      await mkdir(tmp);
      await build(tmp);
    },
    { replace: overwrite, owner: 'writeQlib' },
  );
  return target;
}

/**
 * The writer behind {@link writeQlib} and `tablesToQlib`: `symbols` may be a generator that
 * builds one symbol's arrays at a time, so a whole dataset need not be held aligned in memory.
 * `extraFiles` (file name → text) are written in the folder's root (`tablesToQlib`'s marker).
 */
export async function writeQlibFolder(
  dir: string,
  calendar: readonly string[],
  instruments: ReadonlyMap<string, readonly QlibInterval[]>,
  symbols: Iterable<readonly [string, QlibSymbolFields]>,
  options: WriteQlibOptions = {},
  extraFiles: ReadonlyMap<string, string> = new Map(),
): Promise<QlibWriteSummary> {
  const freq = checkFreq(options.freq);
  const concurrency = Math.max(1, options.concurrency ?? 16);
  calendarToInts(calendar, 'writeQlib');
  checkInstruments(instruments);
  let symbolCount = 0;
  let fileCount = 0;
  const emptySymbols: string[] = [];
  const target = await commitFolder(dir, options.overwrite ?? false, async (tmp) => {
    await mkdir(join(tmp, QLIB_CALENDARS_DIR));
    await writeFile(join(tmp, QLIB_CALENDARS_DIR, `${freq}.txt`), calendar.map((d) => `${d}\n`).join(''));
    await mkdir(join(tmp, QLIB_INSTRUMENTS_DIR));
    for (const [market, intervals] of instruments) {
      const text = intervals.map((x) => `${x.symbol}\t${x.start}\t${x.end}\n`).join('');
      await writeFile(join(tmp, QLIB_INSTRUMENTS_DIR, `${market.toLowerCase()}.txt`), text);
    }
    for (const [name, text] of extraFiles) await writeFile(join(tmp, name), text);
    await mkdir(join(tmp, QLIB_FEATURES_DIR));
    const dirs = new Map<string, string>();
    for (const [symbol, fields] of symbols) {
      const { dirName, files } = checkSymbol(symbol, fields, calendar.length);
      const other = dirs.get(dirName);
      if (other !== undefined) throw invalid(`writeQlib: symbols \`${other}\` and \`${symbol}\` both go to features/${dirName}`);
      dirs.set(dirName, symbol);
      const range = storedRange(files);
      if (range === undefined) {
        emptySymbols.push(symbol);
        continue;
      }
      const folder = join(tmp, QLIB_FEATURES_DIR, dirName);
      await mkdir(folder);
      await mapLimit(files, concurrency, ([field, values]) => writeFile(join(folder, `${field}.${freq}.bin`), encodeQlibBin(values, range[0], range[1])));
      symbolCount++;
      fileCount += files.length;
    }
  });
  return { dir: target, symbols: symbolCount, files: fileCount, emptySymbols };
}

/**
 * Write a qlib folder that qlib can load with `qlib.init(provider_uri=dir)`: `calendars/day.txt`,
 * `instruments/<market>.txt` and `features/<symbol lower case>/<field lower case>.day.bin`.
 *
 * Each symbol's files cover the same range, from its first to its last day on which any field has
 * a value (as qlib's dump_bin writes them); the start index is the first float32. Values are
 * stored as float32 (about 7 significant digits). Everything is checked before the folder
 * appears, and the folder appears at once (written to a temporary sibling, then renamed).
 *
 * @throws FK_INVALID_DATA on a calendar that is not strictly rising ISO dates, a feature array
 * whose length is not the calendar's, symbol/field/market names that cannot be file names or
 * collide when lower-cased, or an interval with bad dates.
 * @throws FK_INVALID_ARGUMENT when `dir` exists and is not empty, unless `overwrite`.
 */
export async function writeQlib(dir: string, data: QlibData, options: WriteQlibOptions = {}): Promise<QlibWriteSummary> {
  calendarToInts(data.calendar, 'writeQlib');
  // Check every symbol before anything touches the disk.
  const dirs = new Map<string, string>();
  for (const [symbol, fields] of data.features) {
    const { dirName } = checkSymbol(symbol, fields, data.calendar.length);
    const other = dirs.get(dirName);
    if (other !== undefined) throw invalid(`writeQlib: symbols \`${other}\` and \`${symbol}\` both go to features/${dirName}`);
    dirs.set(dirName, symbol);
  }
  return writeQlibFolder(dir, data.calendar, data.instruments, data.features, options);
}
