import { checkDdof, checkMinObs, checkWindow, prepare } from '../internal/check.js';
import { MIN_RECOMPUTE, type RollingOptions, type VarianceOptions } from './options.js';

const SUM = 0;
const MEAN = 1;
const VAR = 2;
const STD = 3;


/**
 * Rolling sum / mean in O(n): a running sum, recomputed from the window every
 * `max(window, 128)` steps so that rounding error cannot build up along the series.
 */
function sums(op: string, kind: number, x: Float64Array, window: number, options: RollingOptions, out: Float64Array | undefined): Float64Array {
  const w = checkWindow(op, window);
  const minObs = checkMinObs(op, options.minObs, w);
  const [src, dst] = prepare(op, x, out);
  const n = src.length;
  const every = Math.max(w, MIN_RECOMPUTE);
  let cnt = 0;
  let s = 0;
  let untilRecompute = every;
  for (let t = 0; t < n; t++) {
    if (t >= w) {
      const u = src[t - w]!;
      if (u - u === 0) {
        s -= u;
        if (--cnt === 0) s = 0;
      }
    }
    const v = src[t]!;
    if (v - v === 0) {
      s += v;
      cnt++;
    }
    if (--untilRecompute === 0) {
      untilRecompute = every;
      s = 0;
      for (let i = t - w + 1; i <= t; i++) {
        const y = src[i]!;
        if (y - y === 0) s += y;
      }
    }
    dst[t] = cnt < minObs ? Number.NaN : kind === SUM ? s : s / cnt;
  }
  return dst;
}

/**
 * Rolling variance / std in O(n).
 *
 * Running sums are kept of `x − c` for a shift `c`, and recomputed exactly (two passes) from
 * the window every `max(window, 128)` steps, with `c` reset to the window's mean. So rounding
 * error builds up over a bounded number of updates, and a large offset (prices around 1e4,
 * volumes around 1e9) does not cancel the variance away. A window whose observations are all
 * equal gets a variance of exactly 0: a run of equal values is tracked, as pandas does.
 */
function moments(op: string, kind: number, x: Float64Array, window: number, options: VarianceOptions, out: Float64Array | undefined): Float64Array {
  const w = checkWindow(op, window);
  const minObs = checkMinObs(op, options.minObs, w);
  const ddof = checkDdof(op, options.ddof, 1);
  const [src, dst] = prepare(op, x, out);
  const n = src.length;
  const every = Math.max(w, MIN_RECOMPUTE);
  let cnt = 0;
  let c = 0;
  let s1 = 0;
  let s2 = 0;
  let runValue = Number.NaN;
  let runLength = 0;
  let untilRecompute = every;
  for (let t = 0; t < n; t++) {
    if (t >= w) {
      const u = src[t - w]!;
      if (u - u === 0) {
        const d = u - c;
        s1 -= d;
        s2 -= d * d;
        if (--cnt === 0) {
          s1 = 0;
          s2 = 0;
        }
      }
    }
    const v = src[t]!;
    if (v - v === 0) {
      if (cnt === 0) c = v;
      const d = v - c;
      s1 += d;
      s2 += d * d;
      cnt++;
      if (v === runValue) runLength++;
      else {
        runValue = v;
        runLength = 1;
      }
    }
    if (--untilRecompute === 0) {
      untilRecompute = every;
      if (cnt > 0) {
        // The window is [t − w + 1, t] (t ≥ w − 1 here): recompute its sums from scratch.
        let sum = 0;
        for (let i = t - w + 1; i <= t; i++) {
          const y = src[i]!;
          if (y - y === 0) sum += y;
        }
        c = sum / cnt;
        s1 = 0;
        s2 = 0;
        for (let i = t - w + 1; i <= t; i++) {
          const y = src[i]!;
          if (y - y === 0) {
            const d = y - c;
            s1 += d;
            s2 += d * d;
          }
        }
      }
    }
    if (cnt < minObs || cnt <= ddof) {
      dst[t] = Number.NaN;
      continue;
    }
    let m2 = runLength >= cnt ? 0 : s2 - (s1 * s1) / cnt;
    if (m2 < 0) m2 = 0;
    const variance = m2 / (cnt - ddof);
    dst[t] = kind === VAR ? variance : Math.sqrt(variance);
  }
  return dst;
}

/**
 * Rolling sum over the last `window` values (`x[t − window + 1 … t]`) of the observations
 * present (missing values add nothing; the sum is not rescaled). `NaN` while fewer than
 * `minObs` observations are in the window. O(n).
 */
export function rollingSum(x: Float64Array, window: number, options: RollingOptions = {}, out?: Float64Array): Float64Array {
  return sums('rollingSum', SUM, x, window, options, out);
}

/** Rolling mean of the observations in the window: their sum over their count. O(n). */
export function rollingMean(x: Float64Array, window: number, options: RollingOptions = {}, out?: Float64Array): Float64Array {
  return sums('rollingMean', MEAN, x, window, options, out);
}

/**
 * Rolling variance of the observations in the window, `Σ (x − mean)² / (count − ddof)`;
 * `ddof` defaults to 1 (sample variance). `NaN` when `count ≤ ddof` or `count < minObs`;
 * exactly 0 when every observation in the window is equal. O(n).
 */
export function rollingVar(x: Float64Array, window: number, options: VarianceOptions = {}, out?: Float64Array): Float64Array {
  return moments('rollingVar', VAR, x, window, options, out);
}

/** Rolling standard deviation: the square root of {@link rollingVar} (sample, `ddof` = 1 by default). O(n). */
export function rollingStd(x: Float64Array, window: number, options: VarianceOptions = {}, out?: Float64Array): Float64Array {
  return moments('rollingStd', STD, x, window, options, out);
}
