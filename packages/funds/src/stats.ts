import { FactorkitError, show } from '@factorkit/core';

/**
 * The `p`-quantile of ascending, `NaN`-free values by **linear interpolation between the closest
 * ranks** — Hyndman & Fan's type 7, numpy's and R's default: with `n` values and `h = (n − 1)·p`,
 * `sorted[⌊h⌋] + (h − ⌊h⌋)·(sorted[⌊h⌋ + 1] − sorted[⌊h⌋])`. So the median of an even count is
 * the mean of the two middle values, `p = 0` the minimum and `p = 1` the maximum. `NaN` for no
 * values.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` when `p` is outside [0, 1].
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new FactorkitError('FK_INVALID_ARGUMENT', `quantileSorted: p must be in [0, 1], got \`${show(p)}\``);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Five numbers of a distribution; every one `NaN` when there are no values. */
export interface Distribution {
  readonly count: number;
  readonly max: number;
  readonly min: number;
  readonly median: number;
  /** First quartile ({@link quantileSorted} at 0.25). */
  readonly q25: number;
  /** Third quartile ({@link quantileSorted} at 0.75). */
  readonly q75: number;
}

/** Count, max, min, median and quartiles ({@link quantileSorted}) of `values`, leaving out `NaN`s. */
export function distribution(values: Iterable<number>): Distribution {
  const sorted = Float64Array.from([...values].filter((v) => !Number.isNaN(v))).sort();
  const n = sorted.length;
  return {
    count: n,
    max: n > 0 ? sorted[n - 1]! : Number.NaN,
    min: n > 0 ? sorted[0]! : Number.NaN,
    median: quantileSorted(sorted, 0.5),
    q25: quantileSorted(sorted, 0.25),
    q75: quantileSorted(sorted, 0.75),
  };
}
