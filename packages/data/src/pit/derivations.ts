import { periodQuarter } from './period.js';

/**
 * What a report row's value means and how a point-in-time series is derived from it.
 *
 * A derivation reads reported values by period through a {@link PeriodLookup} that only sees the
 * versions visible on the day being computed, and returns the value for `period`: the most
 * recent period (largest `end_date`) visible that day. It must read nothing else.
 */

/** The value of `period` as visible on the day being computed; `NaN` when not (yet) reported. */
export type PeriodLookup = (period: number) => number;

/**
 * A custom derivation: the value for `period` (the latest visible period) given the visible
 * values. Return `NaN` when a needed term is missing.
 */
export type PitDerivationFn = (value: PeriodLookup, period: number) => number;

/**
 * Built-in derivations, for columns that hold **year-to-date cumulative** values (`*_ytd`) except
 * `latest`, which suits any column:
 * - `latest`: the latest period's value as reported (point-in-time "most recent quarter");
 * - `ttm`: trailing twelve months, `YTD(P) + FY(P.year − 1) − YTD(P − 4)`; `FY(P)` for an annual period;
 * - `singleQuarter`: `YTD(Qk) − YTD(Qk−1)`, `YTD(Q1)` for Q1;
 * - `yoySingleQuarter`: year-over-year growth of the single quarter (see {@link yoyGrowthRate});
 * - `yoyTtm`: year-over-year growth of the TTM value.
 */
export type PitDerivationName = 'latest' | 'ttm' | 'singleQuarter' | 'yoySingleQuarter' | 'yoyTtm';

/** A built-in derivation by name, or a custom one. */
export type PitDerivation = PitDerivationName | PitDerivationFn;

/** `TTM(P)` from year-to-date values; `NaN` when a term is missing. */
export function ttmAt(value: PeriodLookup, period: number): number {
  const q = periodQuarter(period);
  if (q === 4) return value(period);
  // period − q is the previous fiscal year's annual report.
  return value(period) + value(period - q) - value(period - 4);
}

/** The single-quarter value of `P` from year-to-date values; `NaN` when a term is missing. */
export function singleQuarterAt(value: PeriodLookup, period: number): number {
  return periodQuarter(period) === 1 ? value(period) : value(period) - value(period - 1);
}

/**
 * Year-over-year growth `(x − base) / |base|`; `NaN` when either is missing or `base` is 0.
 *
 * The denominator is `|base|`, the common sell-side convention for 单季营利同比增速: growth keeps
 * the sign of the improvement, so a loss that narrows (−100 → −50) is +50 % and a swing from a
 * loss to a profit (−100 → +20) is +120 %, where a plain `x / base − 1` would report −50 % and
 * −120 %. Near-zero bases still give huge values: winsorise before ranking.
 */
export function yoyGrowthRate(x: number, base: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(base) || base === 0) return Number.NaN;
  return (x - base) / Math.abs(base);
}

/** The built-in derivations as functions. */
export const PIT_DERIVATIONS: Readonly<Record<PitDerivationName, PitDerivationFn>> = Object.freeze({
  latest: (value: PeriodLookup, period: number) => value(period),
  ttm: ttmAt,
  singleQuarter: singleQuarterAt,
  yoySingleQuarter: (value: PeriodLookup, period: number) => yoyGrowthRate(singleQuarterAt(value, period), singleQuarterAt(value, period - 4)),
  yoyTtm: (value: PeriodLookup, period: number) => yoyGrowthRate(ttmAt(value, period), ttmAt(value, period - 4)),
});
