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
  // One pass classifies each value and takes its log once: kind 0 = missing, 1 = a zero
  // factor, 2 = a negative factor, 3 = a positive one. For compounding the factor is 1 + r
  // and log1p keeps small returns exact.
  if (scratchLog.length < n) {
    scratchLog = new Float64Array(n);
    scratchKind = new Uint8Array(n);
  }
  const logs = scratchLog;
  const kinds = scratchKind;
  for (let t = 0; t < n; t++) {
    const v = src[t]!;
    if (v - v !== 0) {
      kinds[t] = 0;
      logs[t] = 0;
    } else if (compound ? v === -1 : v === 0) {
      kinds[t] = 1;
      logs[t] = 0;
    } else if (compound) {
      kinds[t] = v < -1 ? 2 : 3;
      logs[t] = v > -1 ? Math.log1p(v) : Math.log(-1 - v);
    } else {
      kinds[t] = v < 0 ? 2 : 3;
      logs[t] = Math.log(Math.abs(v));
    }
  }
  let cnt = 0;
  let zeros = 0;
  let negatives = 0;
  let logSum = 0;
  const every = Math.max(w, MIN_RECOMPUTE);
  let untilRecompute = every;
  for (let t = 0; t < n; t++) {
    if (t >= w) {
      const k = kinds[t - w]!;
      if (k !== 0) {
        cnt--;
        if (k === 1) zeros--;
        else if (k === 2) negatives--;
        logSum -= logs[t - w]!;
        if (cnt === 0) logSum = 0;
      }
    }
    const k = kinds[t]!;
    if (k !== 0) {
      cnt++;
      if (k === 1) zeros++;
      else if (k === 2) negatives++;
      logSum += logs[t]!;
    }
    if (--untilRecompute === 0) {
      untilRecompute = every;
      logSum = 0;
      for (let i = Math.max(0, t - w + 1); i <= t; i++) logSum += logs[i]!;
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

// Per-call scratch, reused (the operators are synchronous).
let scratchLog = new Float64Array(0);
let scratchKind = new Uint8Array(0);

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

// Scratch of rollingCompoundBlocks, reused (the operators are synchronous).
let scratchPrefix = new Float64Array(0);
let scratchSuffix = new Float64Array(0);
let scratchCount = new Int32Array(0);

/**
 * Compounded return over the window, `Π (1 + r) − 1` over the returns present, by block
 * products (van Herk / Gil-Werman): the series is cut into blocks of `window` values, and each
 * window is the product of a suffix of one block and a prefix of the next. Only
 * multiplications, about three per value, O(n) whatever the window.
 *
 * Unlike {@link rollingCompound}, no running sum carries rounding from one window to the next:
 * a window's result depends only on its own returns and position, so a window of zero returns
 * (a stock suspended throughout) gives exactly 0 and equal return sequences on the same dates
 * give bit-identical results — what ranking the results (a rank IC) needs, where a tie broken
 * by rounding noise changes the ranks. Relative error about `window` ulps of `1 + r`, so a
 * return far below 1e-16 in magnitude is lost (use `rollingCompound` for those). A missing
 * return counts as 0 % (a factor of 1) but not as an observation for `minObs`.
 */
export function rollingCompoundBlocks(ret: Float64Array, window: number, options: RollingOptions = {}, out?: Float64Array): Float64Array {
  const w = checkWindow('rollingCompoundBlocks', window);
  const minObs = checkMinObs('rollingCompoundBlocks', options.minObs, w);
  const [src, dst] = prepare('rollingCompoundBlocks', ret, out);
  const n = src.length;
  if (scratchPrefix.length < n) {
    scratchPrefix = new Float64Array(n);
    scratchSuffix = new Float64Array(n);
    scratchCount = new Int32Array(n + 1);
  }
  const prefix = scratchPrefix;
  const suffix = scratchSuffix;
  const count = scratchCount;
  count[0] = 0;
  for (let t = 0; t < n; t++) {
    const r = src[t]!;
    const present = r - r === 0;
    const f = present ? 1 + r : 1;
    prefix[t] = t % w === 0 ? f : prefix[t - 1]! * f;
    count[t + 1] = count[t]! + (present ? 1 : 0);
  }
  for (let t = n - 1; t >= 0; t--) {
    const r = src[t]!;
    const f = r - r === 0 ? 1 + r : 1;
    suffix[t] = t % w === w - 1 || t === n - 1 ? f : f * suffix[t + 1]!;
  }
  for (let t = 0; t < n; t++) {
    const start = t - w + 1;
    const obs = count[t + 1]! - count[Math.max(0, start)]!;
    if (obs < minObs) {
      dst[t] = Number.NaN;
      continue;
    }
    // The window [start, t] is one whole block, a prefix of block 0, or a suffix and a prefix.
    const product = start <= 0 || start % w === 0 ? prefix[t]! : suffix[start]! * prefix[t]!;
    dst[t] = product - 1;
  }
  return dst;
}
