/**
 * What two tracking runs must agree on: every table's rows and the summary, without wall-clock
 * timings (`seconds`, `buildMs`, `solveMs`), where the series ran (`executor`) and how they were
 * reached (`reuse`).
 */
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
