import { FactorkitError, type Panel, show } from '@factorkit/core';

/** Throw `FK_INVALID_ARGUMENT` with `op: message`. */
export function invalid(op: string, message: string): never {
  throw new FactorkitError('FK_INVALID_ARGUMENT', `${op}: ${message}`);
}

/** A window length: an integer ≥ 1. */
export function checkWindow(op: string, window: number): number {
  if (!Number.isInteger(window) || window < 1) invalid(op, `window must be an integer ≥ 1, got ${show(window)}`);
  return window;
}

/** `minObs` in `1 … window`, defaulting to `window`. */
export function checkMinObs(op: string, minObs: number | undefined, window: number): number {
  if (minObs === undefined) return window;
  if (!Number.isInteger(minObs) || minObs < 1 || minObs > window) {
    invalid(op, `minObs must be an integer in 1..${window} (the window), got ${show(minObs)}`);
  }
  return minObs;
}

/** A lag: an integer ≥ 0 (a negative lag would read the future). */
export function checkLag(op: string, k: number): number {
  if (!Number.isInteger(k) || k < 0) invalid(op, `lag must be an integer ≥ 0 (a negative lag reads the future), got ${show(k)}`);
  return k;
}

/** Delta degrees of freedom: an integer ≥ 0. */
export function checkDdof(op: string, ddof: number | undefined, fallback: number): number {
  if (ddof === undefined) return fallback;
  if (!Number.isInteger(ddof) || ddof < 0) invalid(op, `ddof must be an integer ≥ 0, got ${show(ddof)}`);
  return ddof;
}

/** A positive finite multiplier (winsorising `k`). */
export function checkPositive(op: string, name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) invalid(op, `${name} must be a finite number > 0, got ${show(value)}`);
  return value;
}

/**
 * The output array: `out` when given (its length must be `n`), else a new one. When `out`
 * overlaps `x` in memory the input is copied first, so every op may run in place.
 */
export function prepare(op: string, x: Float64Array, out: Float64Array | undefined): [Float64Array, Float64Array] {
  if (!(x instanceof Float64Array)) invalid(op, `expected a Float64Array series, got ${show(x)}`);
  if (out === undefined) return [x, new Float64Array(x.length)];
  if (!(out instanceof Float64Array) || out.length !== x.length) {
    invalid(op, `out must be a Float64Array of length ${x.length}, got ${show(out)}`);
  }
  return [overlaps(x, out) ? x.slice() : x, out];
}

/** Like {@link prepare} for two input series of equal length. */
export function prepare2(op: string, x: Float64Array, y: Float64Array, out: Float64Array | undefined): [Float64Array, Float64Array, Float64Array] {
  if (!(y instanceof Float64Array)) invalid(op, `expected a Float64Array series, got ${show(y)}`);
  if (x.length !== y.length) invalid(op, `the two series differ in length: ${x.length} and ${y.length}`);
  const [xs, o] = prepare(op, x, out);
  return [xs, overlaps(y, o) ? y.slice() : y, o];
}

function overlaps(a: Float64Array, b: Float64Array): boolean {
  if (a.buffer !== b.buffer) return false;
  const a0 = a.byteOffset;
  const b0 = b.byteOffset;
  return a0 < b0 + b.byteLength && b0 < a0 + a.byteLength;
}

/** Throw unless `other` has the shape of `panel`. */
export function checkSameShape(op: string, name: string, panel: Panel, other: { dates: number; assets: number }): void {
  if (other.dates !== panel.dates || other.assets !== panel.assets) {
    throw new FactorkitError(
      'FK_INVALID_DATA',
      `${op}: \`${name}\` is ${other.dates} dates × ${other.assets} assets, the values are ${panel.dates} × ${panel.assets}`,
    );
  }
}
