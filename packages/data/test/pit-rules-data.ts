/**
 * Test-only reader for the real cn-csi300 dataset beside the repository
 * (`../shared/data/cn-csi300`). Deliberately naive (gunzip + split): the package's fast reader is
 * developed separately, and these tests must not depend on it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DATA_DIR = path.resolve(repoRoot, '../shared/data/cn-csi300');

/** `2023-06-30` → 20230630; 0 for an empty cell. */
export function isoToInt(text: string): number {
  return text === '' ? 0 : Number(text.slice(0, 4)) * 10_000 + Number(text.slice(5, 7)) * 100 + Number(text.slice(8, 10));
}

/** An empty cell → NaN. */
export function num(text: string | undefined): number {
  return text === undefined || text === '' ? Number.NaN : Number(text);
}

/** Header and rows of a `.csv` or `.csv.gz` file of the dataset. */
export function readCsv(name: string): { header: string[]; rows: string[][] } {
  const file = path.join(DATA_DIR, name);
  const raw = readFileSync(file);
  // A large output chunk makes gunzip several times faster on the 235 MB daily table.
  const text = name.endsWith('.gz') ? gunzipSync(raw, { chunkSize: 1 << 24 }).toString('utf8') : raw.toString('utf8');
  const lines = text.split('\n');
  const header = lines[0]!.split(',');
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line !== '') rows.push(line.split(','));
  }
  return { header, rows };
}

export function readCalendar(): Int32Array {
  return Int32Array.from(readCsv('calendar.csv').rows, (r) => isoToInt(r[0]!));
}
