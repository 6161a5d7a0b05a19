import { FactorkitError, show } from '@factorkit/core';

/** What {@link newHighRate} counts over its window. */
export interface NewHighRate {
  /** Days of the window with a value (`NaN` days left out). */
  readonly days: number;
  /** Days of the window on which the value closed at a new all-time high. */
  readonly newHighs: number;
  /** `newHighs / days`; `NaN` when `days` is 0. */
  readonly rate: number;
  /** Days of the window without a value (`NaN`): neither counted as days nor as new highs. */
  readonly missing: number;
}

/**
 * The new-high rate (创新高率) of a value series — a fund's NAV, a backtest's NAV, any wealth
 * curve — over the window of days `from` … `to` (indices into `values`, both included): the
 * share of the window's days on which the value closed at a **new all-time high**, strictly above
 * every earlier value **since the series' first value** (index 0), not only those inside the
 * window. A day that only equals the previous high is not a new high; the series' first value is
 * not one either (there is nothing before it to beat). `NaN` values are gaps: they never set
 * the high, and a `NaN` day inside the window is counted in `missing`, not in `days`.
 *
 * For a fund's return window that starts at the close of day `s` and ends at day `e`, pass
 * `{ from: s + 1, to: e }`: the window's days are those after the start close.
 *
 * Which NAV to use matters: an adjusted (dividends reinvested) or an accumulated NAV keeps
 * rising through a distribution, a plain unit NAV drops by the dividend and makes later new
 * highs rarer. Use the same series for every fund compared.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` when `from`/`to` are not whole indices with `0 ≤ from ≤ to + 1` and `to < values.length`.
 */
export function newHighRate(values: ArrayLike<number>, window: { readonly from: number; readonly to: number }): NewHighRate {
  const { from, to } = window;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to >= values.length || from > to + 1) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `newHighRate: window \`${show(window)}\` is not a range of indices within 0 … ${values.length - 1}`, { details: { from, to, length: values.length } });
  }
  let high = Number.NEGATIVE_INFINITY;
  let seen = false;
  for (let t = 0; t < from; t++) {
    const v = values[t]!;
    if (Number.isNaN(v)) continue;
    if (v > high) high = v;
    seen = true;
  }
  let days = 0;
  let newHighs = 0;
  let missing = 0;
  for (let t = from; t <= to; t++) {
    const v = values[t]!;
    if (Number.isNaN(v)) {
      missing++;
      continue;
    }
    days++;
    if (seen && v > high) newHighs++;
    if (v > high) high = v;
    seen = true;
  }
  return { days, newHighs, rate: days > 0 ? newHighs / days : Number.NaN, missing };
}
