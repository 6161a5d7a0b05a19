import { checkMinObs, checkWindow, prepare } from '../internal/check.js';
import { MIN_RECOMPUTE, type RollingOptions } from './options.js';

/**
 * Shared O(n) engine: a running sum of `log|g(v)|` with counts of zero and negative factors,
 * recomputed from the window every `max(window, 128)` steps (so rounding drift stays bounded).
 */
function logProduct(op: string, compound: boolean, x: Float64Array, window: number, options: RollingOptions, out: Float64Array | undefined): Float64Array {
  const w = checkWindow(op, window);
  const minObs = checkMinObs(op, options.minObs, w);
  const [src, dst] = prepare(op, x, out);
  const n = src.length;
  // For compounding the factor is 1 + r and log1p keeps small returns exact.
  const logAbs = compound ? (r: number) => (r > -1 ? Math.log1p(r) : Math.log(-1 - r)) : (v: number) => Math.log(Math.abs(v));
  const isZero = compound ? (r: number) => r === -1 : (v: number) => v === 0;
  const isNegative = compound ? (r: number) => r < -1 : (v: number) => v < 0;
  let cnt = 0;
  let zeros = 0;
  let negatives = 0;
  let logSum = 0;
  const every = Math.max(w, MIN_RECOMPUTE);
  let untilRecompute = every;
  for (let t = 0; t < n; t++) {
    if (t >= w) {
      const u = src[t - w]!;
      if (u - u === 0) {
        cnt--;
        if (isZero(u)) zeros--;
        else {
          if (isNegative(u)) negatives--;
          logSum -= logAbs(u);
        }
        if (cnt === 0) logSum = 0;
      }
    }
    const v = src[t]!;
    if (v - v === 0) {
      cnt++;
      if (isZero(v)) zeros++;
      else {
        if (isNegative(v)) negatives++;
        logSum += logAbs(v);
      }
    }
    if (--untilRecompute === 0) {
      untilRecompute = every;
      logSum = 0;
      for (let i = t - w + 1; i <= t; i++) {
        const y = src[i]!;
        if (y - y === 0 && !isZero(y)) logSum += logAbs(y);
      }
    }
    if (cnt < minObs) {
      dst[t] = Number.NaN;
    } else if (compound) {
      dst[t] = zeros > 0 ? -1 : negatives % 2 === 1 ? -Math.exp(logSum) - 1 : Math.expm1(logSum);
    } else {
      dst[t] = zeros > 0 ? 0 : negatives % 2 === 1 ? -Math.exp(logSum) : Math.exp(logSum);
    }
  }
  return dst;
}

/**
 * Rolling product of the observations in the window, computed as `±exp(Σ log|x|)` with zeros
 * and signs counted apart, so it is O(n) and any finite value (negative, zero) is allowed.
 * Missing values are skipped (they count as a factor of 1). Relative error grows with
 * `|Σ log|x||`, about `1e-16 × window` for values near 1.
 */
export function rollingProduct(x: Float64Array, window: number, options: RollingOptions = {}, out?: Float64Array): Float64Array {
  return logProduct('rollingProduct', false, x, window, options, out);
}

/**
 * Compounded return over the window: `Π (1 + r) − 1` over the returns present, computed as
 * `expm1(Σ log1p(r))` so small returns keep full precision. A missing return counts as 0 %
 * (a factor of 1) but not as an observation for `minObs`. A return of exactly −100 % makes
 * the result −1; a return below −100 % is a negative factor and is carried through
 * arithmetically.
 */
export function rollingCompound(ret: Float64Array, window: number, options: RollingOptions = {}, out?: Float64Array): Float64Array {
  return logProduct('rollingCompound', true, ret, window, options, out);
}
