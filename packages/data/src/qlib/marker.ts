/**
 * The marker `tablesToQlib` leaves in the qlib folders it writes: `factorkit.json` beside
 * `calendars/`, `instruments/` and `features/`. qlib reads only those three folders, so the file
 * is invisible to it; `qlibToTables` reads it to know how the folder was written, above all in
 * which unit `volume` is, so that converting factorkit's own export back neither multiplies a
 * volume that is already in shares nor reports it as "not restored".
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FactorkitError } from '@factorkit/core';

/** File name of the marker, in the qlib folder's root. */
export const QLIB_MARKER_FILE = 'factorkit.json';

/** Value of {@link QlibExportMarker.format}. */
export const QLIB_MARKER_FORMAT = 'factorkit-qlib';

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
  readonly version: 1;
  /** The function that wrote the folder. */
  readonly writer: string;
  readonly volume: 'divided-by-factor' | 'shares';
  /** For `daily` (stock symbols) and `index_daily` (index symbols): qlib field → how it was written. */
  readonly fields: Readonly<Record<string, Readonly<Record<string, string>>>>;
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
  if (marker.version !== 1) throw new FactorkitError('FK_INVALID_DATA', `${path}: marker version \`${String(marker.version)}\` is not supported (this version reads 1)`);
  if (marker.volume !== 'divided-by-factor' && marker.volume !== 'shares') {
    throw new FactorkitError('FK_INVALID_DATA', `${path}: \`volume\` must be \`divided-by-factor\` or \`shares\`, got \`${String(marker.volume)}\``);
  }
  const fields = typeof marker.fields === 'object' && marker.fields !== null ? marker.fields : {};
  return { format: QLIB_MARKER_FORMAT, version: 1, writer: String(marker.writer ?? ''), volume: marker.volume, fields };
}

/** The text of a marker file. */
export function formatQlibMarker(marker: QlibExportMarker): string {
  return `${JSON.stringify(marker, null, 2)}\n`;
}
