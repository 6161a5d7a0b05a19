import { type CategoricalPanel, Panel } from '@factorkit/core';

/**
 * Rows `[start, end)` of `source` shifted down by `lag` (row t of the result = row
 * `start + t − lag` of the source, `NaN` before the source's first row), in one pass; `source`
 * itself when that is all of it (so the result is read-only, like every panel of the store).
 */
export function windowPanel(source: Panel, start: number, end: number, lag: number): Panel {
  // The whole panel without a lag is handed out as is: panels from the store are read-only.
  if (start === 0 && end === source.dates && lag === 0) return source;
  const rows = end - start;
  const out = new Float64Array(rows * source.assets);
  const from = start - lag;
  const lead = Math.min(rows, Math.max(0, -from));
  for (let a = 0; a < source.assets; a++) {
    const base = a * source.dates;
    const target = a * rows;
    if (lead > 0) out.fill(Number.NaN, target, target + lead);
    if (lead < rows) out.set(source.values.subarray(base + from + lead, base + from + rows), target + lead);
  }
  return new Panel(rows, source.assets, out);
}

/** The categorical counterpart of {@link windowPanel}; `-1` before the first row. */
export function windowCategorical(source: CategoricalPanel, start: number, end: number, lag: number): CategoricalPanel {
  if (start === 0 && end === source.dates && lag === 0) return source;
  const rows = end - start;
  const codes = new Int32Array(rows * source.assets);
  const from = start - lag;
  const lead = Math.min(rows, Math.max(0, -from));
  for (let a = 0; a < source.assets; a++) {
    const base = a * source.dates;
    const target = a * rows;
    if (lead > 0) codes.fill(-1, target, target + lead);
    if (lead < rows) codes.set(source.codes.subarray(base + from + lead, base + from + rows), target + lead);
  }
  return { dates: rows, assets: source.assets, codes, levels: source.levels };
}
