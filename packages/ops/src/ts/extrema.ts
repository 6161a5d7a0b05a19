import { checkMinObs, checkWindow, prepare } from '../internal/check.js';
import type { RollingOptions } from './options.js';

/** `2^k − 1` for the smallest power of two holding `min(n, window) + 1` indices. */
function ringMask(n: number, window: number): number {
  let size = 1;
  while (size < Math.min(n, window) + 1) size *= 2;
  return size - 1;
}

/**
 * Rolling maximum of the observations in the window; `NaN` while fewer than `minObs` are
 * present. O(n) with a monotonic deque of indices.
 */
export function rollingMax(x: Float64Array, window: number, options: RollingOptions = {}, out?: Float64Array): Float64Array {
  const w = checkWindow('rollingMax', window);
  const minObs = checkMinObs('rollingMax', options.minObs, w);
  const [src, dst] = prepare('rollingMax', x, out);
  const n = src.length;
  // A ring of indices; it never holds more than `window` of them.
  const mask = ringMask(n, w);
  const deque = new Int32Array(mask + 1);
  let head = 0;
  let tail = 0;
  let cnt = 0;
  for (let t = 0; t < n; t++) {
    if (t >= w) {
      const u = src[t - w]!;
      if (u - u === 0) {
        cnt--;
        if (head < tail && deque[head & mask] === t - w) head++;
      }
    }
    const v = src[t]!;
    if (v - v === 0) {
      cnt++;
      while (tail > head && src[deque[(tail - 1) & mask]!]! <= v) tail--;
      deque[tail++ & mask] = t;
    }
    dst[t] = cnt >= minObs ? src[deque[head & mask]!]! : Number.NaN;
  }
  return dst;
}

/** Rolling minimum of the observations in the window; see {@link rollingMax}. O(n). */
export function rollingMin(x: Float64Array, window: number, options: RollingOptions = {}, out?: Float64Array): Float64Array {
  const w = checkWindow('rollingMin', window);
  const minObs = checkMinObs('rollingMin', options.minObs, w);
  const [src, dst] = prepare('rollingMin', x, out);
  const n = src.length;
  const mask = ringMask(n, w);
  const deque = new Int32Array(mask + 1);
  let head = 0;
  let tail = 0;
  let cnt = 0;
  for (let t = 0; t < n; t++) {
    if (t >= w) {
      const u = src[t - w]!;
      if (u - u === 0) {
        cnt--;
        if (head < tail && deque[head & mask] === t - w) head++;
      }
    }
    const v = src[t]!;
    if (v - v === 0) {
      cnt++;
      while (tail > head && src[deque[(tail - 1) & mask]!]! >= v) tail--;
      deque[tail++ & mask] = t;
    }
    dst[t] = cnt >= minObs ? src[deque[head & mask]!]! : Number.NaN;
  }
  return dst;
}
