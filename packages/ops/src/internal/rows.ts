import { FactorkitError } from '@factorkit/core';
import type { Mask } from '../cs/mask.js';

/**
 * Row-block access to column-major matrices. Cross-sectional work wants a date's row
 * contiguous; reading it with a stride of `dates` touches one cache line per asset. Copying
 * `ROW_BLOCK` rows at a time reads each column in short contiguous runs instead, with only
 * `ROW_BLOCK × assets` values of scratch.
 */
export const ROW_BLOCK = 64;

/** Copy rows `[t0, t1)` of a column-major matrix into `dst`, row-major (row `t` at `(t − t0) × assets`). */
export function gatherRows(src: Float64Array, dates: number, assets: number, t0: number, t1: number, dst: Float64Array): void {
  const rows = t1 - t0;
  for (let a = 0; a < assets; a++) {
    const base = a * dates + t0;
    for (let r = 0; r < rows; r++) dst[r * assets + a] = src[base + r]!;
  }
}

/** {@link gatherRows} for category codes (a separate function keeps each one monomorphic). */
export function gatherCodes(src: Int32Array, dates: number, assets: number, t0: number, t1: number, dst: Int32Array): void {
  const rows = t1 - t0;
  for (let a = 0; a < assets; a++) {
    const base = a * dates + t0;
    for (let r = 0; r < rows; r++) dst[r * assets + a] = src[base + r]!;
  }
}

/** The inverse of {@link gatherRows}: write a row-major block back into a column-major matrix. */
export function scatterRows(src: Float64Array, dates: number, assets: number, t0: number, t1: number, dst: Float64Array): void {
  const rows = t1 - t0;
  for (let a = 0; a < assets; a++) {
    const base = a * dates + t0;
    for (let r = 0; r < rows; r++) dst[base + r] = src[r * assets + a]!;
  }
}

const allOnes = new Map<number, Uint8Array>();

/** The mask's row `t`, checked; all ones when there is no mask. */
export function maskRow(op: string, mask: Mask | undefined, t: number, assets: number): Uint8Array {
  if (mask === undefined) {
    let ones = allOnes.get(assets);
    if (!ones) {
      ones = new Uint8Array(assets).fill(1);
      if (allOnes.size > 16) allOnes.clear();
      allOnes.set(assets, ones);
    }
    return ones;
  }
  const row = mask(t);
  if (!(row instanceof Uint8Array) || row.length !== assets) {
    throw new FactorkitError(
      'FK_INVALID_DATA',
      `${op}: mask(${t}) must return a Uint8Array of ${assets} entries (one per asset), got ${row instanceof Uint8Array ? `${row.length} entries` : typeof row}`,
    );
  }
  return row;
}

/**
 * Set ineligible cells of `row` to `NaN`. Returns how many finite values were removed that way
 * (values outside the mask) and how many eligible cells were missing.
 */
export function applyMask(row: Float64Array, eligible: Uint8Array): { outside: number; missing: number; eligible: number } {
  let outside = 0;
  let missing = 0;
  let count = 0;
  for (let a = 0; a < row.length; a++) {
    const v = row[a]!;
    const finite = v - v === 0;
    if (eligible[a] === 0) {
      if (finite) outside++;
      row[a] = Number.NaN;
    } else {
      count++;
      if (!finite) {
        missing++;
        row[a] = Number.NaN;
      }
    }
  }
  return { outside, missing, eligible: count };
}

/** Inputs of {@link forEachRow}: column-major numeric and categorical matrices of one shape. */
export interface RowInputs {
  readonly dates: number;
  readonly assets: number;
  /** Numeric inputs; `undefined` entries give `undefined` rows. */
  readonly numeric: readonly (Float64Array | undefined)[];
  readonly codes?: readonly (Int32Array | undefined)[];
  /** Number of numeric outputs to produce (column-major, NaN-initialised). */
  readonly outputs: number;
}

/**
 * Call `fn(t, numericRows, codeRows, outputRows)` for every date with contiguous rows, and
 * return the outputs column-major. Output rows start as `NaN`.
 */
export function forEachRow(
  inputs: RowInputs,
  fn: (t: number, rows: readonly (Float64Array | undefined)[], codes: readonly (Int32Array | undefined)[], out: readonly Float64Array[]) => void,
): Float64Array[] {
  const { dates, assets, numeric, outputs } = inputs;
  const codes = inputs.codes ?? [];
  const block = Math.max(1, Math.min(ROW_BLOCK, dates));
  const nBuf = numeric.map((v) => (v ? new Float64Array(block * assets) : undefined));
  const cBuf = codes.map((v) => (v ? new Int32Array(block * assets) : undefined));
  const oBuf = Array.from({ length: outputs }, () => new Float64Array(block * assets));
  const result = Array.from({ length: outputs }, () => new Float64Array(dates * assets));
  for (let t0 = 0; t0 < dates; t0 += block) {
    const t1 = Math.min(dates, t0 + block);
    numeric.forEach((src, i) => src && gatherRows(src, dates, assets, t0, t1, nBuf[i]!));
    codes.forEach((src, i) => src && gatherCodes(src, dates, assets, t0, t1, cBuf[i]!));
    for (const o of oBuf) o.fill(Number.NaN);
    for (let t = t0; t < t1; t++) {
      const lo = (t - t0) * assets;
      const hi = lo + assets;
      fn(
        t,
        nBuf.map((b) => b?.subarray(lo, hi)),
        cBuf.map((b) => b?.subarray(lo, hi)),
        oBuf.map((b) => b.subarray(lo, hi)),
      );
    }
    oBuf.forEach((o, i) => scatterRows(o, dates, assets, t0, t1, result[i]!));
  }
  return result;
}
