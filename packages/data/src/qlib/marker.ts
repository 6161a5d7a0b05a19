/**
 * The marker `tablesToQlib` leaves in the qlib folders it writes: `factorkit.json` beside
 * `calendars/`, `instruments/` and `features/`. qlib reads only those three folders, so the file
 * is invisible to it; `qlibToTables` reads it to know how the folder was written, above all in
 * which unit `volume` is, so that converting factorkit's own export back neither multiplies a
 * volume that is already in shares nor reports it as "not restored", and how suspended rows were
 * written (their prices are NaN for qlib) so they come back as they were.
 *
 * Version 2 added `suspended` and `notRestored`; a version-1 marker (no suspended rows blanked)
 * is still read.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FactorkitError } from '@factorkit/core';

/** File name of the marker, in the qlib folder's root. */
export const QLIB_MARKER_FILE = 'factorkit.json';

/** Value of {@link QlibExportMarker.format}. */
export const QLIB_MARKER_FORMAT = 'factorkit-qlib';

/** The marker version this package writes (it reads 1 and 2). */
export const QLIB_MARKER_VERSION = 2;

/**
 * How suspended stock rows were written, and what the way back gives them (see `suspended.ts`).
 * A suspended row is one with `is_trading` 0; its {@link blanked} fields are NaN in the files.
 */
export interface QlibSuspendedMarker {
  /** The rule that made a row suspended, in words. */
  readonly rule: string;
  /** qlib fields written as NaN on suspended rows. */
  readonly blanked: readonly string[];
  /**
   * `daily` column → the value the way back gives suspended rows (`null` = empty), besides open,
   * high, low and close, which get the close of the symbol's previous row.
   */
  readonly values: Readonly<Record<string, number | null>>;
  /** Symbol → `[date, column, value]` for each value of a suspended row those rules would not give back. */
  readonly exceptions: Readonly<Record<string, readonly (readonly [string, string, number | null])[]>>;
}

/**
 * What `factorkit.json` records about a qlib folder written by `tablesToQlib`.
 *
 * `volume`:
 * - `'divided-by-factor'`: qlib's convention (`volume = shares / factor`) on every row that has a
 *   factor; rows without a factor (no `factor` value that day) hold shares;
 * - `'shares'`: shares on every row (written with `rawVolume: false`).
 */
export interface QlibExportMarker {
  readonly format: typeof QLIB_MARKER_FORMAT;
  readonly version: 1 | 2;
  /** The function that wrote the folder. */
  readonly writer: string;
  readonly volume: 'divided-by-factor' | 'shares';
  /** For `daily` (stock symbols) and `index_daily` (index symbols): qlib field → how it was written. */
  readonly fields: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Suspended `daily` rows, when the table tells them (version 2). */
  readonly suspended?: QlibSuspendedMarker;
  /** Table → qlib field → why the way back makes no column of it (fields derived for qlib only; version 2). */
  readonly notRestored?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * Read the marker of a qlib folder; `undefined` when the folder has none (a folder written by qlib
 * or anyone else).
 * @throws FK_INVALID_DATA when `factorkit.json` exists but is not a marker this version can read.
 */
export async function readQlibMarker(dir: string): Promise<QlibExportMarker | undefined> {
  const path = join(dir, QLIB_MARKER_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new FactorkitError('FK_INVALID_DATA', `${path}: not valid JSON (${(cause as Error).message})`, { cause });
  }
  const marker = value as Partial<QlibExportMarker> | null;
  if (marker === null || typeof marker !== 'object' || marker.format !== QLIB_MARKER_FORMAT) {
    throw new FactorkitError('FK_INVALID_DATA', `${path}: \`format\` is not \`${QLIB_MARKER_FORMAT}\`; remove the file if the folder was not written by factorkit`);
  }
  if (marker.version !== 1 && marker.version !== 2) {
    throw new FactorkitError('FK_INVALID_DATA', `${path}: marker version \`${String(marker.version)}\` is not supported (this version reads 1 and 2)`);
  }
  if (marker.volume !== 'divided-by-factor' && marker.volume !== 'shares') {
    throw new FactorkitError('FK_INVALID_DATA', `${path}: \`volume\` must be \`divided-by-factor\` or \`shares\`, got \`${String(marker.volume)}\``);
  }
  const fields = typeof marker.fields === 'object' && marker.fields !== null ? marker.fields : {};
  const notRestored = typeof marker.notRestored === 'object' && marker.notRestored !== null ? marker.notRestored : {};
  const suspended = marker.version === 2 && marker.suspended !== undefined ? checkSuspended(marker.suspended, path) : undefined;
  return { format: QLIB_MARKER_FORMAT, version: marker.version, writer: String(marker.writer ?? ''), volume: marker.volume, fields, notRestored, ...(suspended ? { suspended } : {}) };
}

/** The `suspended` entry, checked enough that applying it cannot go wrong silently. */
function checkSuspended(value: unknown, path: string): QlibSuspendedMarker {
  const bad = (what: string): FactorkitError => new FactorkitError('FK_INVALID_DATA', `${path}: \`suspended.${what}\` is malformed`);
  if (typeof value !== 'object' || value === null) throw bad('');
  const s = value as Partial<QlibSuspendedMarker>;
  const isNumber = (x: unknown): x is number | null => x === null || typeof x === 'number';
  if (!Array.isArray(s.blanked) || !s.blanked.every((f) => typeof f === 'string')) throw bad('blanked');
  if (typeof s.values !== 'object' || s.values === null || !Object.values(s.values).every(isNumber)) throw bad('values');
  if (typeof s.exceptions !== 'object' || s.exceptions === null) throw bad('exceptions');
  for (const [symbol, list] of Object.entries(s.exceptions)) {
    const ok = Array.isArray(list) && list.every((e) => Array.isArray(e) && e.length === 3 && typeof e[0] === 'string' && typeof e[1] === 'string' && isNumber(e[2]));
    if (!ok) throw bad(`exceptions.${symbol}`);
  }
  return { rule: String(s.rule ?? ''), blanked: s.blanked, values: s.values, exceptions: s.exceptions };
}

/** The text of a marker file. */
export function formatQlibMarker(marker: QlibExportMarker): string {
  return `${JSON.stringify(marker, null, 2)}\n`;
}
