import { checkLag, prepare } from '../internal/check.js';

/**
 * `x[t − k]`: the series `k` steps back (`k` ≥ 0; a negative lag would read the future and is
 * refused). The first `k` outputs are `NaN`; a non-finite value comes out as `NaN`.
 */
export function delay(x: Float64Array, k: number, out?: Float64Array): Float64Array {
  checkLag('delay', k);
  const [src, dst] = prepare('delay', x, out);
  const n = src.length;
  for (let t = 0; t < n; t++) {
    const v = t >= k ? src[t - k]! : Number.NaN;
    dst[t] = v - v === 0 ? v : Number.NaN;
  }
  return dst;
}

/** `x[t] − x[t − k]`; `NaN` when either is missing or `t < k`. */
export function delta(x: Float64Array, k: number, out?: Float64Array): Float64Array {
  checkLag('delta', k);
  const [src, dst] = prepare('delta', x, out);
  const n = src.length;
  for (let t = 0; t < n; t++) {
    const v = t >= k ? src[t]! - src[t - k]! : Number.NaN;
    dst[t] = v - v === 0 ? v : Number.NaN;
  }
  return dst;
}

/**
 * `x[t] / x[t − k] − 1`; `NaN` when either is missing, `t < k`, or the result is not finite
 * (a zero base).
 */
export function pctChange(x: Float64Array, k: number, out?: Float64Array): Float64Array {
  checkLag('pctChange', k);
  const [src, dst] = prepare('pctChange', x, out);
  const n = src.length;
  for (let t = 0; t < n; t++) {
    const a = src[t]!;
    const b = t >= k ? src[t - k]! : Number.NaN;
    const v = a - a === 0 && b - b === 0 ? a / b - 1 : Number.NaN;
    dst[t] = v - v === 0 ? v : Number.NaN;
  }
  return dst;
}
