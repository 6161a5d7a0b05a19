/**
 * qlib's binary data format (a qlib `provider_uri` folder such as `~/.qlib/qlib_data/cn_data`),
 * as written by qlib's `scripts/dump_bin.py` and read by `qlib/data/storage/file_storage.py`:
 *
 * - `calendars/day.txt`: one trading day per line, `YYYY-MM-DD`, ascending;
 * - `instruments/<market>.txt`: `SYMBOL<TAB>START<TAB>END` per line, both dates inclusive; a
 *   symbol may have several lines (several intervals). qlib reads only the first three columns;
 * - `features/<symbol, lower case>/<field, lower case>.day.bin`: little-endian float32; the first
 *   value is the index into the day calendar of the second value (an integer stored as float32),
 *   then one value per calendar day from there on, NaN = missing.
 *
 * Everything in this module is about that format; the mapping to factorkit tables is in
 * `convert.ts`.
 */
import { FactorkitError } from '@factorkit/core';
import { dateToInt, intToDate } from '../table.js';

/** One membership interval of an instrument file; dates ISO `YYYY-MM-DD`, both inclusive. */
export interface QlibInterval {
  /** The qlib symbol, upper case: `SH600519`. */
  readonly symbol: string;
  readonly start: string;
  readonly end: string;
}

/**
 * The content of a qlib folder (day frequency).
 *
 * `features` maps a symbol (upper case, `SH600519`) to its fields (lower case, `close`), each an
 * array aligned to the whole `calendar` with `NaN` outside the stored range and on missing days.
 */
export interface QlibData {
  /** Trading days, ISO `YYYY-MM-DD`, strictly ascending. */
  readonly calendar: readonly string[];
  /** Market (`all`, `csi300`, …; the file name without `.txt`, lower case) → its intervals. */
  readonly instruments: ReadonlyMap<string, readonly QlibInterval[]>;
  readonly features: ReadonlyMap<string, ReadonlyMap<string, Float32Array | Float64Array>>;
}

/** Data frequencies this module handles. qlib also has `1min`; it is not supported here. */
export type QlibFreq = 'day';

export const QLIB_CALENDARS_DIR = 'calendars';
export const QLIB_INSTRUMENTS_DIR = 'instruments';
export const QLIB_FEATURES_DIR = 'features';
/** The instrument file of every symbol (dump_bin writes it; markets such as csi300 are subsets). */
export const QLIB_ALL_MARKET = 'all';

/** qlib's price/volume fields in its cn_data (prices and vwap adjusted; volume divided by factor). */
export const QLIB_STANDARD_FIELDS = ['open', 'close', 'high', 'low', 'volume', 'factor', 'change', 'vwap', 'amount'] as const;

/**
 * qlib instrument files (`instruments/<market>.txt`) → the index code used in factorkit tables.
 * The codes are those of the indices the markets track (qlib's `scripts/data_collector/cn_index`
 * uses 000300 for CSI300, 000903 for CSI100, 000905 for CSI500). Markets not listed here keep
 * their name as `index_code` (and are named in the conversion report).
 */
export const QLIB_MARKET_INDEX_CODES: Readonly<Record<string, string>> = {
  csi100: '000903.SH',
  csi300: '000300.SH',
  csi500: '000905.SH',
  csi800: '000906.SH',
  csi1000: '000852.SH',
  csi2000: '932000.CSI',
  sse50: '000016.SH',
  sse180: '000010.SH',
  cni2000: '399303.SZ',
};

const SYMBOL = /^([A-Z]+)(\d{6})$/;
const TS_CODE = /^(\d{6})\.([A-Z]+)$/;

/**
 * `SH600519` → `600519.SH` (also `SZ…`, `BJ…`, and `CSI932000` → `932000.CSI`); `undefined` when
 * the symbol is not an exchange prefix followed by six digits.
 */
export function qlibSymbolToTsCode(symbol: string): string | undefined {
  const match = SYMBOL.exec(symbol.toUpperCase());
  if (!match) return undefined;
  const [, exchange, code] = match;
  if (exchange !== 'SH' && exchange !== 'SZ' && exchange !== 'BJ' && exchange !== 'CSI') return undefined;
  return `${code}.${exchange}`;
}

/** `600519.SH` → `SH600519`; `undefined` when the code is not six digits, a dot and a suffix. */
export function tsCodeToQlibSymbol(tsCode: string): string | undefined {
  const match = TS_CODE.exec(tsCode.toUpperCase());
  if (!match) return undefined;
  return `${match[2]}${match[1]}`;
}

/**
 * The default rule for "this qlib symbol is an index, not a stock": Shanghai codes `000xxx`
 * (SSE and CSI indices such as SH000300, SH000905, SH000852; no SSE stock code starts with 0),
 * Shenzhen codes `399xxx` (SZSE/CNI indices such as SZ399303, SZ399006), Beijing `899xxx`
 * (BSE indices) and `CSI` + six digits (CSI-only indices such as CSI932000).
 *
 * Membership in `instruments/all.txt` is NOT a usable rule: qlib's own cn_data lists SH000300 and
 * SH000903 in all.txt, because its Yahoo collector saves the benchmark index files next to the
 * stock files before `dump_bin.py dump_all` writes all.txt.
 */
export function isQlibIndexSymbol(symbol: string): boolean {
  return /^(SH000\d{3}|SZ399\d{3}|BJ899\d{3}|CSI\d{6})$/.test(symbol.toUpperCase());
}

// Windows device names cannot be folder names; qlib's `code_to_fname` prefixes them with `_qlib_`.
const RESERVED = new Set(['CON', 'PRN', 'AUX', 'NUL', ...Array.from({ length: 10 }, (_, i) => `COM${i}`), ...Array.from({ length: 10 }, (_, i) => `LPT${i}`)]);
const RESERVED_PREFIX = '_qlib_';

/** The folder name of a symbol under `features/` (qlib: `code_to_fname(code).lower()`). */
export function symbolToDirName(symbol: string): string {
  return (RESERVED.has(symbol.toUpperCase()) ? RESERVED_PREFIX + symbol : symbol).toLowerCase();
}

/** The symbol of a folder under `features/` (upper case; qlib's `fname_to_code`, then upper). */
export function dirNameToSymbol(name: string): string {
  return (name.startsWith(RESERVED_PREFIX) ? name.slice(RESERVED_PREFIX.length) : name).toUpperCase();
}

/**
 * A qlib date (`YYYY-MM-DD`, or `YYYYMMDD` as some third-party dumps write, optionally followed by
 * a time of day, which is ignored for day data) → `yyyymmdd` integer; `NaN` when malformed.
 */
export function parseQlibDate(text: string): number {
  const trimmed = text.trim();
  const day = /^(\d{4}-\d{2}-\d{2}|\d{8})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$/.exec(trimmed);
  if (!day) return Number.NaN;
  const part = day[1]!;
  return dateToInt(part);
}

/**
 * Check a calendar given as ISO strings and return it as `yyyymmdd` integers.
 * @throws FK_INVALID_DATA on a malformed date or one not after its predecessor.
 */
export function calendarToInts(calendar: readonly string[], where: string): Int32Array {
  const out = new Int32Array(calendar.length);
  for (let i = 0; i < calendar.length; i++) {
    const value = dateToInt(calendar[i]!);
    if (Number.isNaN(value)) throw new FactorkitError('FK_INVALID_DATA', `${where}: calendar[${i}] \`${calendar[i]}\` is not a YYYY-MM-DD date`);
    if (i > 0 && value <= out[i - 1]!) {
      throw new FactorkitError('FK_INVALID_DATA', `${where}: calendar[${i}] \`${calendar[i]}\` is not after calendar[${i - 1}] \`${calendar[i - 1]}\``);
    }
    out[i] = value;
  }
  return out;
}

export { intToDate };

/**
 * Run `fn` over `items` with at most `limit` calls in flight; results in input order. After a
 * failure no new call starts, and the returned promise settles only once the calls in flight
 * have (so a caller that cleans up on error does not race with late writes).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
  return results;
}
