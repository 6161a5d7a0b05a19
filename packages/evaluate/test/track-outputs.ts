/**
 * What two tracking runs must agree on: every table's rows and the summary, without wall-clock
 * timings (`seconds`, `buildMs`, `solveMs`), where the series ran (`executor`) and how they were
 * reached (`reuse`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type TrackingResult, trackingSummary, trackingTables } from '../src/index.js';

const LEFT_OUT = new Set(['seconds', 'buildMs', 'solveMs', 'executor', 'reuse']);

export function comparableOutputs(result: TrackingResult): unknown {
  const tables = Object.fromEntries(trackingTables(result).map((t) => [t.file, [...t.rows()]]));
  return strip({ tables, summary: trackingSummary(result) });
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !LEFT_OUT.has(key))
        .map(([key, v]) => [key, strip(v)]),
    );
  }
  return value;
}

/** The CSV files of an output folder, by name. */
export function csvFiles(dir: string): Map<string, Buffer> {
  return new Map(
    readdirSync(dir)
      .filter((file) => file.endsWith('.csv'))
      .sort()
      .map((file) => [file, readFileSync(join(dir, file))]),
  );
}

/** The date-major CSV files (their rows start with `trade_date`). */
export const DATED_FILES = ['mfe.csv', 'weights.csv', 'daily.csv', 'ic.csv'] as const;

/**
 * The first date on which the rows of two outputs' date-major files differ, read from the files'
 * text alone: in each file the first line that differs, and the earlier of its two dates; the
 * earliest over the files. Every row dated before it is the same in both outputs.
 */
export function firstChangedDate(oldDir: string, newDir: string): string | undefined {
  let first: string | undefined;
  for (const file of DATED_FILES) {
    const before = readFileSync(join(oldDir, file), 'utf8').split('\n');
    const after = readFileSync(join(newDir, file), 'utf8').split('\n');
    let k = 0;
    while (k < before.length && k < after.length && before[k] === after[k]) k++;
    const dates = [before[k], after[k]].filter((line): line is string => line !== undefined && line !== '').map((line) => line.slice(0, 10));
    for (const date of dates) if (first === undefined || date < first) first = date;
  }
  return first;
}
