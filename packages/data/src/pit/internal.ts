import { FactorkitError } from '@factorkit/core';

/**
 * Helpers shared by the point-in-time and market-rule modules. Not exported from the package.
 */

/** Anything indexable by row: `Float64Array`, `Int32Array`, a plain array. */
export type Numbers = ArrayLike<number>;

/** @throws FK_INVALID_ARGUMENT unless `calendar` is strictly increasing `yyyymmdd` integers. */
export function checkCalendar(calendar: Int32Array, where: string): void {
  if (!(calendar instanceof Int32Array)) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: the calendar must be an Int32Array of yyyymmdd dates`);
  }
  for (let t = 0; t < calendar.length; t++) {
    const d = calendar[t]!;
    if (d < 1_000_01_01 || d > 9999_12_31 || (t > 0 && d <= calendar[t - 1]!)) {
      throw new FactorkitError(
        'FK_INVALID_ARGUMENT',
        `${where}: the calendar must be strictly increasing yyyymmdd dates; index ${t} holds \`${d}\`${t > 0 ? ` after \`${calendar[t - 1]}\`` : ''}`,
      );
    }
  }
}

/** First index `i` with `calendar[i] >= date` (`calendar.length` when none): core's calendar search. */
export { lowerBound } from '@factorkit/core';

/** Row indices `0..n-1` ordered by `key` ascending, ties by row index (so input order decides). */
export function rowsSortedBy(key: Numbers, n: number): Int32Array {
  const rows = new Int32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    rows[i] = i;
    if (i > 0 && key[i]! < key[i - 1]!) sorted = false;
  }
  if (!sorted) rows.sort((a, b) => key[a]! - key[b]! || a - b);
  return rows;
}

/** @throws FK_INVALID_ARGUMENT when `out` is given with the wrong length. */
export function outArray(out: Float64Array | undefined, length: number, where: string): Float64Array {
  if (out === undefined) return new Float64Array(length);
  if (out.length !== length) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: \`out\` has length ${out.length}, expected ${length}`);
  return out;
}

/** @throws FK_INVALID_ARGUMENT when the named input columns differ in length. */
export function checkLengths(where: string, columns: Readonly<Record<string, { readonly length: number } | undefined>>): number {
  let length = -1;
  let first = '';
  for (const [name, column] of Object.entries(columns)) {
    if (column === undefined) continue;
    if (length < 0) {
      length = column.length;
      first = name;
    } else if (column.length !== length) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: \`${name}\` has length ${column.length}, but \`${first}\` has ${length}`);
    }
  }
  return Math.max(length, 0);
}
