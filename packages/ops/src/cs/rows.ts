import { Panel } from '@factorkit/core';
import { checkDdof, checkSameShape, invalid } from '../internal/check.js';
import { forEachRow } from '../internal/rows.js';
import { rankInto, zscoreRow } from './kernels.js';

/** What {@link mapRows} reads: panels of one shape (`undefined` entries give `undefined` rows). */
export interface RowBlockInputs {
  readonly panels: readonly (Panel | undefined)[];
  /** Number of output panels. Default 1. */
  readonly outputs?: number;
}

/**
 * Call `fn(t, rows, out)` for every date with each input's cross-section at `t` as a
 * contiguous `Float64Array` (`rows[i]`, a scratch copy the callback may modify) and the output
 * rows to fill (`out[j]`, starting as `NaN`); returns the output panels.
 *
 * Panels are column-major, so reading a date's row directly strides through memory by the
 * number of dates; this copies blocks of rows at a time instead, which is what makes
 * cross-sectional kernels (regressions per date, custom standardisations) fast.
 */
export function mapRows(inputs: RowBlockInputs, fn: (t: number, rows: readonly (Float64Array | undefined)[], out: readonly Float64Array[]) => void): Panel[] {
  const shape = inputs.panels.find((p) => p !== undefined);
  if (!shape) invalid('mapRows', 'needs at least one panel');
  inputs.panels.forEach((p, i) => p && checkSameShape('mapRows', `panel ${i}`, shape, p));
  const outputs = inputs.outputs ?? 1;
  if (!Number.isInteger(outputs) || outputs < 1) invalid('mapRows', `outputs must be a positive integer, got \`${outputs}\``);
  const results = forEachRow({ dates: shape.dates, assets: shape.assets, numeric: inputs.panels.map((p) => p?.values), outputs }, (t, rows, _codes, out) => fn(t, rows, out));
  return results.map((values) => new Panel(shape.dates, shape.assets, values));
}

/**
 * `zscore`'s per-date kernel, for use inside {@link mapRows}: standardise the finite values of
 * one cross-section in place (`(x − centre) / σ`, σ the equal-weighted std with `ddof`, the
 * centre the plain mean or, with `weights`, the mean weighted by the finite positive weights).
 * Non-finite values become `NaN`; a row with fewer than 2 values, all equal, or no positive
 * weight becomes all `NaN`. `scratch` (length ≥ the row's) avoids an allocation per call.
 */
export function zscoreInPlace(row: Float64Array, options: { readonly weights?: Float64Array; readonly ddof?: number; readonly scratch?: Float64Array } = {}): Float64Array {
  const ddof = checkDdof('zscoreInPlace', options.ddof, 1);
  if (options.weights && options.weights.length !== row.length) invalid('zscoreInPlace', `weights have ${options.weights.length} entries for a row of ${row.length}`);
  const buf = options.scratch && options.scratch.length >= row.length ? options.scratch : new Float64Array(row.length);
  for (let a = 0; a < row.length; a++) {
    const v = row[a]!;
    if (v - v !== 0) row[a] = Number.NaN;
  }
  zscoreRow(row, options.weights, ddof, buf);
  return row;
}

/**
 * `rank`'s per-date kernel, for use inside {@link mapRows} or any loop over dates: replace the
 * finite values of one cross-section in place by their ranks `1 … m`, ties sharing the average
 * rank (`r = less + (equal + 1) / 2`); non-finite values become `NaN`. Returns `m`, the number
 * of values ranked. `scratch` and `index` (lengths ≥ the row's) avoid allocations per call.
 */
export function rankInPlace(row: Float64Array, options: { readonly scratch?: Float64Array; readonly index?: Int32Array } = {}): number {
  const n = row.length;
  const buf = options.scratch && options.scratch.length >= n ? options.scratch : new Float64Array(n);
  const idx = options.index && options.index.length >= n ? options.index : new Int32Array(n);
  for (let a = 0; a < n; a++) {
    const v = row[a]!;
    if (v - v !== 0) row[a] = Number.NaN;
  }
  // rankInto reads each value before it writes that cell, so the row can be its own output.
  return rankInto(row, row, buf, idx, false);
}
