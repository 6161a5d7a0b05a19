import { isFactorkitError } from '@factorkit/core';

/**
 * How close two numbers must be to count as equal: `|actual − expected| ≤ abs + rel × |expected|`
 * (numpy's `isclose`). `NaN` equals only `NaN`; `±Infinity` equals only itself.
 */
export interface Tolerance {
  /** Absolute part; default `1e-12`. */
  readonly abs?: number;
  /** Relative part, a fraction of `|expected|`; default `1e-9`. */
  readonly rel?: number;
}

/** The default {@link Tolerance}: `{ abs: 1e-12, rel: 1e-9 }`. */
export const DEFAULT_TOLERANCE: Required<Tolerance> = Object.freeze({ abs: 1e-12, rel: 1e-9 });

/** `tolerance` with defaults filled in. */
export function resolveTolerance(tolerance: Tolerance | undefined): Required<Tolerance> {
  return { abs: tolerance?.abs ?? DEFAULT_TOLERANCE.abs, rel: tolerance?.rel ?? DEFAULT_TOLERANCE.rel };
}

/** Whether `actual` is within `tolerance` of `expected` (see {@link Tolerance}). */
export function isClose(actual: number, expected: number, tolerance: Required<Tolerance>): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return actual === expected;
  return Math.abs(actual - expected) <= tolerance.abs + tolerance.rel * Math.abs(expected);
}

/** A number as messages show it: shortest round-trip form, so two different values never look alike. */
export function num(value: number | undefined): string {
  if (value === undefined) return 'undefined';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/** `factor \`id\``, with the parameters when they are not the defaults. */
export function factorLabel(id: string, params: Readonly<Record<string, unknown>> | undefined): string {
  const text = params && Object.keys(params).length > 0 ? ` (params \`${JSON.stringify(params)}\`)` : '';
  return `factor \`${id}\`${text}`;
}

/** The message of an unknown thrown value. */
export function errorText(error: unknown): string {
  // Core wraps what a plugin's own code throws as FK_PLUGIN_FAILED naming the factor; the kit's
  // messages name the factor already, so they show what the plugin threw.
  if (isFactorkitError(error) && error.code === 'FK_PLUGIN_FAILED' && error.cause !== undefined) return errorText(error.cause);
  return error instanceof Error ? error.message : String(error);
}

/**
 * Spearman's rank correlation of `x` and `y` over the positions where both are finite: the
 * Pearson correlation of their ranks, tied values sharing their average rank. `NaN` with fewer
 * than two such pairs or when either side has no spread. For checking that a factor tracks a
 * signal planted in test data (`randomMarketData`'s exposures, a consensus field, …).
 */
export function rankCorrelation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`rankCorrelation: x has ${x.length} values, y has ${y.length}`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
      xs.push(x[i]!);
      ys.push(y[i]!);
    }
  }
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const rx = averageRanks(xs);
  const ry = averageRanks(ys);
  const mean = (n - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i]! - mean) * (ry[i]! - mean);
    sxx += (rx[i]! - mean) ** 2;
    syy += (ry[i]! - mean) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** 0-based ranks, ties sharing the mean of the ranks they span. */
function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]!] = (i + j) / 2;
    i = j + 1;
  }
  return ranks;
}
