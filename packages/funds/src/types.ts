import type { DateString } from '@factorkit/core';
import type { ReturnWindow, WindowName } from './windows.js';

/**
 * How the excess return of a fund over its benchmark is expressed, from the fund's return `R_f`
 * and the benchmark's `R_b` over the same window (both compounded, geometric):
 * - `difference` (default, as the sell-side tables print it): `R_f − R_b`;
 * - `ratio`: `(1 + R_f) / (1 + R_b) − 1`, the return of the fund measured in units of the
 *   benchmark (it compounds across windows; the difference does not).
 */
export type ExcessForm = 'difference' | 'ratio';

/**
 * Why a fund, or a fund in one window, is left out. Every one is counted and listed, never
 * dropped silently:
 * - `nav_problem`: its `fund_nav` rows have a gap, a duplicated date, a date off the calendar or
 *   a NAV that is not positive (only with `navProblems: 'exclude'`; by default that is an error);
 * - `no_nav`: no NAV row up to the as-of date;
 * - `not_in_funds`: NAV rows for a code the `funds` table does not list (its type is unknown);
 * - `no_benchmark`: an empty `benchmark` cell (excess only: the new-high rate needs no benchmark);
 * - `invalid_benchmark`: a benchmark text the parser refuses (the text and the position are in the detail);
 * - `no_index_in_benchmark`: a benchmark without an index term (a deposit rate only): no index family;
 * - `missing_index`: a benchmark naming an index the data has no levels of;
 * - `no_window_start`: the calendar begins inside the window's period, so the window has no start;
 * - `too_young`: no NAV at the window's start close (the fund started later);
 * - `no_nav_at_end`: the fund's last NAV is before the window's end (closed or not updated);
 * - `benchmark_gap`: an index of the benchmark has no level on a day of the window.
 */
export type ExclusionReason =
  | 'nav_problem'
  | 'no_nav'
  | 'not_in_funds'
  | 'no_benchmark'
  | 'invalid_benchmark'
  | 'no_index_in_benchmark'
  | 'missing_index'
  | 'no_window_start'
  | 'too_young'
  | 'no_nav_at_end'
  | 'benchmark_gap';

/** Every reason, in the order summaries list them. */
export const EXCLUSION_REASONS: readonly ExclusionReason[] = [
  'nav_problem',
  'no_nav',
  'not_in_funds',
  'no_benchmark',
  'invalid_benchmark',
  'no_index_in_benchmark',
  'missing_index',
  'no_window_start',
  'too_young',
  'no_nav_at_end',
  'benchmark_gap',
];

/** One fund (or one fund in one window) left out, and why. */
export interface FundExclusion {
  readonly fund: string;
  readonly name: string | undefined;
  readonly reason: ExclusionReason;
  /** The window it is left out of; `undefined`: every window. */
  readonly window: WindowName | undefined;
  /** What it is left out of: everything, or the excess return only (its new-high rate is still computed). */
  readonly from: 'all' | 'excess';
  /** A sentence with the specifics: the benchmark text and the position, the missing index, the dates. */
  readonly detail: string;
}

/** A fund the analysis covers (its type selected, its NAV sound). */
export interface FundInfo {
  readonly fund: string;
  readonly name: string | undefined;
  readonly fundType: string | undefined;
  /** The benchmark as the `funds` table gives it. */
  readonly benchmarkText: string | undefined;
  /** The benchmark in the composite syntax (`95% 000905.SH + 5% deposit`), when it parsed. */
  readonly benchmark: string | undefined;
  /** The main index of the benchmark (its largest index term): the fund's index family. */
  readonly benchmarkIndex: string | undefined;
  /** First and last NAV dates used (up to the as-of date). */
  readonly firstNav: DateString;
  readonly lastNav: DateString;
}

/** A fund's return, its benchmark's and the excess over one window. */
export interface FundExcess {
  readonly fund: string;
  readonly name: string | undefined;
  /** The index family: the main index of the benchmark. */
  readonly benchmarkIndex: string;
  /** The benchmark in the composite syntax. */
  readonly benchmark: string;
  readonly window: WindowName;
  /** The start close and the end close of the window. */
  readonly start: DateString;
  readonly end: DateString;
  /** `NAV_end / NAV_start − 1`. */
  readonly fundReturn: number;
  /** The composite benchmark's daily returns compounded over the window's trading days. */
  readonly benchmarkReturn: number;
  /** In the chosen form ({@link ExcessForm}). */
  readonly excess: number;
  readonly excessDifference: number;
  readonly excessRatio: number;
  /** 1 for the highest excess of its family and window. */
  readonly rank: number;
}

/** The excess returns of one index family's funds over one window: the sell-side table's row. */
export interface ExcessDistribution {
  readonly benchmarkIndex: string;
  /** A display name of the index (`CSI 500`), or the code when none is known. */
  readonly indexName: string;
  readonly window: WindowName;
  readonly start: DateString | undefined;
  readonly end: DateString;
  readonly funds: number;
  readonly max: number;
  readonly min: number;
  readonly median: number;
  readonly q25: number;
  readonly q75: number;
}

/** A fund's new-high rate over one window (see `newHighRate`). */
export interface FundNewHigh {
  readonly fund: string;
  readonly name: string | undefined;
  readonly window: WindowName;
  readonly start: DateString;
  readonly end: DateString;
  /** Trading days after the start close up to the end. */
  readonly tradingDays: number;
  readonly newHighs: number;
  readonly rate: number;
}

/** The windows, as {@link ReturnWindow}. */
export type { ReturnWindow, WindowName };
