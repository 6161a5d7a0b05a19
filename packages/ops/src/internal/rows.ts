import { FactorkitError } from '@factorkit/core';
import type { Mask } from '../cs/mask.js';

/**
 * Row-block access to column-major matrices. Cross-sectional work wants a date's row
 * contiguous; reading it with a stride of `dates` touches one cache line per asset. Copying
 * `ROW_BLOCK` rows at a time reads each column in short contiguous runs instead, with only
 * `ROW_BLOCK × assets` values of scratch. The copies go eight assets at a time, so each output
 * row is written eight contiguous values at once rather than one value per visit (≈ 2.5×
 * faster than asset by asset at 5,000 assets).
 */
export const ROW_BLOCK = 32;

/** Copy rows `[t0, t1)` of a column-major matrix into `dst`, row-major (row `t` at `(t − t0) × assets`). */
export function gatherRows(src: Float64Array, dates: number, assets: number, t0: number, t1: number, dst: Float64Array): void {
  const rows = t1 - t0;
  let a0 = 0;
  for (; a0 + 8 <= assets; a0 += 8) {
    for (let r = 0, o = a0, s = a0 * dates + t0; r < rows; r++, o += assets, s++) {
      dst[o] = src[s]!;
      dst[o + 1] = src[s + dates]!;
      dst[o + 2] = src[s + 2 * dates]!;
      dst[o + 3] = src[s + 3 * dates]!;
      dst[o + 4] = src[s + 4 * dates]!;
      dst[o + 5] = src[s + 5 * dates]!;
      dst[o + 6] = src[s + 6 * dates]!;
      dst[o + 7] = src[s + 7 * dates]!;
    }
  }
  for (let a = a0; a < assets; a++) {
    const base = a * dates + t0;
    for (let r = 0; r < rows; r++) dst[r * assets + a] = src[base + r]!;
  }
}

/** {@link gatherRows} for category codes (a separate function keeps each one monomorphic). */
export function gatherCodes(src: Int32Array, dates: number, assets: number, t0: number, t1: number, dst: Int32Array): void {
  const rows = t1 - t0;
  let a0 = 0;
  for (; a0 + 8 <= assets; a0 += 8) {
    for (let r = 0, o = a0, s = a0 * dates + t0; r < rows; r++, o += assets, s++) {
      dst[o] = src[s]!;
      dst[o + 1] = src[s + dates]!;
      dst[o + 2] = src[s + 2 * dates]!;
      dst[o + 3] = src[s + 3 * dates]!;
      dst[o + 4] = src[s + 4 * dates]!;
      dst[o + 5] = src[s + 5 * dates]!;
      dst[o + 6] = src[s + 6 * dates]!;
      dst[o + 7] = src[s + 7 * dates]!;
    }
  }
  for (let a = a0; a < assets; a++) {
    const base = a * dates + t0;
    for (let r = 0; r < rows; r++) dst[r * assets + a] = src[base + r]!;
  }
}

/** The inverse of {@link gatherRows}: write a row-major block back into a column-major matrix. */
export function scatterRows(src: Float64Array, dates: number, assets: number, t0: number, t1: number, dst: Float64Array): void {
  const rows = t1 - t0;
  let a0 = 0;
  for (; a0 + 8 <= assets; a0 += 8) {
    for (let r = 0, o = a0, s = a0 * dates + t0; r < rows; r++, o += assets, s++) {
      dst[s] = src[o]!;
      dst[s + dates] = src[o + 1]!;
      dst[s + 2 * dates] = src[o + 2]!;
      dst[s + 3 * dates] = src[o + 3]!;
      dst[s + 4 * dates] = src[o + 4]!;
      dst[s + 5 * dates] = src[o + 5]!;
      dst[s + 6 * dates] = src[o + 6]!;
      dst[s + 7 * dates] = src[o + 7]!;
    }
  }
  for (let a = a0; a < assets; a++) {
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
