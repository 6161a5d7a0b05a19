import { Panel } from '@factorkit/core';
import { checkDdof, checkPositive, checkSameShape, invalid } from '../internal/check.js';
import { applyMask, forEachRow, maskRow } from '../internal/rows.js';
import { winsorizeRow, zscoreRow } from './kernels.js';

/** Options of {@link combineZscores}. */
export interface CombineZscoresOptions {
  /** Clip each descriptor per date before standardising: MAD or σ bounds at `k`. Default: no clipping. */
  readonly winsorize?: { readonly method: 'mad' | 'sigma'; readonly k: number };
  /** Weights for each descriptor's z-score centre (market cap…), as in `zscore`. */
  readonly centreWeights?: Panel;
  /** Delta degrees of freedom of the std. Default 1. */
  readonly ddof?: number;
  /**
   * Where a value is produced: `'any'` (default) wherever at least one descriptor has a
   * z-score; `'first'` only where the first descriptor has one.
   */
  readonly require?: 'any' | 'first';
  /**
   * A date on which a descriptor cannot be standardised (fewer than 2 values, all equal, no
   * positive centre weight) gives that descriptor `NaN` there (default); with `0`, its finite
   * raw values count as exactly average (z = 0) instead.
   */
  readonly undefinedZ?: 'nan' | 0;
}

/**
 * The Barra-style composite of several descriptors: per date, each descriptor is (optionally)
 * winsorised, then z-scored across assets (`zscore`'s convention), and the z-scores are
 * combined as `Σ wₖ·zₖ / Σ wₖ` over the descriptors that have a value for the asset (weights
 * renormalised; a descriptor with weight 0 is dropped). `NaN` where none has.
 *
 * It is `zscore(winsorize(dₖ))` per descriptor followed by the weighted mean, computed in one
 * row-block pass: each descriptor is read once and one panel is written.
 */
export function combineZscores(descriptors: readonly Panel[], weights: readonly number[], options: CombineZscoresOptions = {}): Panel {
  const op = 'combineZscores';
  const first = descriptors[0];
  if (!first) invalid(op, 'needs at least one descriptor');
  if (weights.length !== descriptors.length) invalid(op, `got ${descriptors.length} descriptors and ${weights.length} weights`);
  weights.forEach((w, k) => {
    if (!(w >= 0 && w < Number.POSITIVE_INFINITY)) invalid(op, `weight ${k} must be a finite number ≥ 0, got \`${w}\``);
  });
  descriptors.forEach((d, k) => checkSameShape(op, `descriptor ${k}`, first, d));
  if (options.centreWeights) checkSameShape(op, 'centreWeights', first, options.centreWeights);
  const ddof = checkDdof(op, options.ddof, 1);
  const clip = options.winsorize;
  if (clip) checkPositive(op, 'winsorize.k', clip.k);
  const requireFirst = options.require === 'first';
  const zeroUndefined = options.undefinedZ === 0;
  const K = descriptors.length;
  const { assets } = first;
  const buf = new Float64Array(assets);
  const raw = new Float64Array(assets);
  const ones = maskRow(op, undefined, 0, assets);
  const [values] = forEachRow(
    { dates: first.dates, assets, numeric: [...descriptors.map((d) => d.values), options.centreWeights?.values], outputs: 1 },
    (_t, rows, _codes, outs) => {
      const out = outs[0]!;
      const centre = rows[K];
      for (let k = 0; k < K; k++) {
        const row = rows[k]!;
        applyMask(row, ones);
        if (zeroUndefined) raw.set(row);
        if (clip) winsorizeRow(row, clip.method, clip.k, buf);
        const status = zscoreRow(row, centre, ddof, buf).status;
        if (zeroUndefined && status !== 'ok') {
          for (let a = 0; a < assets; a++) row[a] = raw[a] === raw[a] ? 0 : Number.NaN;
        }
      }
      const z0 = rows[0]!;
      for (let a = 0; a < assets; a++) {
        if (requireFirst && z0[a] !== z0[a]) {
          out[a] = Number.NaN;
          continue;
        }
        let sum = 0;
        let total = 0;
        for (let k = 0; k < K; k++) {
          const w = weights[k]!;
          const z = rows[k]![a]!;
          if (w > 0 && z === z) {
            sum += w * z;
            total += w;
          }
        }
        out[a] = total > 0 ? sum / total : Number.NaN;
      }
    },
  );
  return new Panel(first.dates, assets, values);
}
