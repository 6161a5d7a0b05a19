import { Panel } from '@factorkit/core';
import { checkSameShape, invalid } from '../internal/check.js';
import { forEachRow } from '../internal/rows.js';

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
