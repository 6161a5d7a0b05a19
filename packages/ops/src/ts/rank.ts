import { invalid, checkMinObs, checkWindow, prepare } from '../internal/check.js';
import type { RollingOptions } from './options.js';

/** Options of {@link rollingRank}. */
export interface RollingRankOptions extends RollingOptions {
  /**
   * `'fraction'` (default): `(r − 1) / (count − 1)` in `[0, 1]`, 0 for the window's smallest
   * observation and 1 for its largest (0.5 when the window holds one observation);
   * `'rank'`: `r` itself, in `1 … count`.
   */
  readonly scale?: 'fraction' | 'rank';
}

/**
 * Time-series rank: the rank `r` of the latest value `x[t]` among the observations in the
 * window (itself included), ties sharing the average rank, so `r = less + (equal + 1) / 2`
 * where `equal` counts `x[t]` too. `NaN` when `x[t]` is missing or fewer than `minObs`
 * observations are present. O(n · window): a rank needs the window's order, and windows are
 * short enough that counting beats maintaining a sorted structure.
 */
export function rollingRank(x: Float64Array, window: number, options: RollingRankOptions = {}, out?: Float64Array): Float64Array {
  const w = checkWindow('rollingRank', window);
  const minObs = checkMinObs('rollingRank', options.minObs, w);
  const scale = options.scale ?? 'fraction';
  if (scale !== 'fraction' && scale !== 'rank') invalid('rollingRank', `scale must be 'fraction' or 'rank', got \`${String(scale)}\``);
  const fraction = scale === 'fraction';
  const [src, dst] = prepare('rollingRank', x, out);
  const n = src.length;
  for (let t = 0; t < n; t++) {
    const v = src[t]!;
    if (v - v !== 0) {
      dst[t] = Number.NaN;
      continue;
    }
    let less = 0;
    let equal = 0;
    let cnt = 0;
    for (let i = t < w ? 0 : t - w + 1; i <= t; i++) {
      const y = src[i]!;
      if (y - y === 0) {
        cnt++;
        if (y < v) less++;
        else if (y === v) equal++;
      }
    }
    if (cnt < minObs) {
      dst[t] = Number.NaN;
      continue;
    }
    const r = less + (equal + 1) / 2;
    dst[t] = fraction ? (cnt === 1 ? 0.5 : (r - 1) / (cnt - 1)) : r;
  }
  return dst;
}
