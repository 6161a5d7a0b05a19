/** Small numeric and date helpers shared by the generator's modules. */
import { lowerBound, upperBound } from '@factorkit/core';

export const round2 = (x: number): number => Math.round(x * 100) / 100;
export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
export const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;
export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Round to `digits` significant digits (keeps ratios short in CSV). */
export function roundSig(x: number, digits: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return Math.round(x * scale) / scale;
}

export const yearOf = (date: number): number => Math.floor(date / 10_000);
export const monthOf = (date: number): number => Math.floor(date / 100) % 100;

/** Index of the last element ≤ `value` in an ascending array (−1 when none). */
export const floorIndex = (sorted: Int32Array, value: number): number => upperBound(sorted, value) - 1;

/** Index of the first element ≥ `value` in an ascending array (`length` when none). */
export const ceilIndex = (sorted: Int32Array, value: number): number => lowerBound(sorted, value);

/** Quarter numbering: quarter `q` of the generator is `(year − baseYear) × 4 + (quarter − 1)`. */
export function quarterOfDate(date: number, baseYear: number): number {
  return (yearOf(date) - baseYear) * 4 + Math.floor((monthOf(date) - 1) / 3);
}

/** The report-period end (`yyyymmdd`) of quarter `q`. */
export function quarterEnd(q: number, baseYear: number): number {
  const year = baseYear + Math.floor(q / 4);
  return year * 10_000 + [331, 630, 930, 1231][q % 4]!;
}

/**
 * Sort row indices by up to three integer keys (each ≥ 0), returning the permutation. Keys are
 * packed into one double with the row index so a native typed-array sort does the work.
 */
export function sortRows(count: number, key: (row: number) => number, keyBound: number): Int32Array {
  const bits = Math.ceil(Math.log2(Math.max(2, count)));
  if (Math.log2(Math.max(2, keyBound)) + bits > 52) throw new Error('synth: sort key too wide');
  const scale = 2 ** bits;
  const packed = new Float64Array(count);
  for (let r = 0; r < count; r++) packed[r] = key(r) * scale + r;
  packed.sort();
  const out = new Int32Array(count);
  for (let r = 0; r < count; r++) out[r] = packed[r]! % scale;
  return out;
}

/** A stable counting sort of rows by a small integer group (`0 ≤ group < groups`): the permutation. */
export function groupRows(group: readonly number[], groups: number): Int32Array {
  const counts = new Int32Array(groups + 1);
  for (const g of group) counts[g + 1] = counts[g + 1]! + 1;
  for (let g = 0; g < groups; g++) counts[g + 1] = counts[g + 1]! + counts[g]!;
  const out = new Int32Array(group.length);
  for (let r = 0; r < group.length; r++) {
    const g = group[r]!;
    out[counts[g]!] = r;
    counts[g] = counts[g]! + 1;
  }
  return out;
}
