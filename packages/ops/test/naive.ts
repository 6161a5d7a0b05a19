/**
 * Naive reference implementations: obviously correct loops, O(n · window) or worse, written
 * independently of the code under test.
 */
import type { CategoricalPanel, Panel } from '@factorkit/core';

export const isObs = (v: number): boolean => Number.isFinite(v);

/** The finite values of x[t − w + 1 … t]. */
export function windowValues(x: ArrayLike<number>, t: number, w: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(0, t - w + 1); i <= t; i++) if (isObs(x[i]!)) out.push(x[i]!);
  return out;
}

export function windowPairs(x: ArrayLike<number>, y: ArrayLike<number>, t: number, w: number): [number[], number[]] {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = Math.max(0, t - w + 1); i <= t; i++) {
    if (isObs(x[i]!) && isObs(y[i]!)) {
      xs.push(x[i]!);
      ys.push(y[i]!);
    }
  }
  return [xs, ys];
}

export const sum = (v: readonly number[]): number => v.reduce((s, a) => s + a, 0);
export const mean = (v: readonly number[]): number => sum(v) / v.length;
export const allEqual = (v: readonly number[]): boolean => v.every((a) => a === v[0]);

export function variance(v: readonly number[], ddof = 1): number {
  if (v.length - ddof <= 0) return Number.NaN;
  if (allEqual(v)) return 0;
  const m = mean(v);
  return sum(v.map((a) => (a - m) ** 2)) / (v.length - ddof);
}

/** Apply `f` to every window; NaN when fewer than minObs observations. */
export function naiveRolling(x: ArrayLike<number>, w: number, minObs: number, f: (v: number[], t: number) => number): number[] {
  const out: number[] = [];
  for (let t = 0; t < x.length; t++) {
    const v = windowValues(x, t, w);
    out.push(v.length < minObs ? Number.NaN : f(v, t));
  }
  return out;
}

export function naivePairRolling(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  w: number,
  minObs: number,
  f: (xs: number[], ys: number[], t: number) => number,
): number[] {
  const out: number[] = [];
  for (let t = 0; t < x.length; t++) {
    const [xs, ys] = windowPairs(x, y, t, w);
    out.push(xs.length < minObs ? Number.NaN : f(xs, ys, t));
  }
  return out;
}

export function covariance(xs: readonly number[], ys: readonly number[], ddof = 1): number {
  if (xs.length - ddof <= 0) return Number.NaN;
  const mx = mean(xs);
  const my = mean(ys);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - mx) * (ys[i]! - my);
  return s / (xs.length - ddof);
}

/** OLS of y on x with intercept: [alpha, beta], or undefined when x is constant or n < 2. */
export function ols(xs: readonly number[], ys: readonly number[]): [number, number] | undefined {
  if (xs.length < 2 || allEqual(xs)) return undefined;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const beta = sxy / sxx;
  return [my - beta * mx, beta];
}

/** Median by sorting. */
export function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length;
  return m % 2 ? s[(m - 1) / 2]! : (s[m / 2 - 1]! + s[m / 2]!) / 2;
}

/** Average-tie rank of v among values (1-based). */
export function averageRank(v: number, values: readonly number[]): number {
  const less = values.filter((a) => a < v).length;
  const equal = values.filter((a) => a === v).length;
  return less + (equal + 1) / 2;
}

/** For each date, the eligible finite values and their asset indices. */
export function crossSection(x: Panel, t: number, mask?: (t: number) => Uint8Array): { assets: number[]; values: number[] } {
  const m = mask?.(t);
  const assets: number[] = [];
  const values: number[] = [];
  for (let a = 0; a < x.assets; a++) {
    const v = x.get(t, a);
    if ((m === undefined || m[a] !== 0) && isObs(v)) {
      assets.push(a);
      values.push(v);
    }
  }
  return { assets, values };
}

export function code(groups: CategoricalPanel, t: number, a: number): number {
  return groups.codes[a * groups.dates + t]!;
}

/** Approximate equality: both NaN, or |a − b| ≤ tol · scale. */
export function close(a: number, b: number, tol: number, scale = Math.max(1, Math.abs(b))): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= tol * scale;
}

/** The first index where `actual` and `expected` differ, with both values, or undefined. */
export function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, scale?: (i: number) => number): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    if (!close(actual[i]!, expected[i]!, tol, scale ? scale(i) : Math.max(1, Math.abs(expected[i]!)))) {
      return `at ${i}: got ${actual[i]}, expected ${expected[i]}`;
    }
  }
  return undefined;
}
