import type { DateString } from '@factorkit/core';

/**
 * Summary statistics of one per-date series (returns, spreads), over the dates where it has a
 * finite value.
 */
export interface SeriesStats {
  /** Dates with a finite value. */
  readonly count: number;
  readonly mean: number;
  /** Sample standard deviation (`ddof` = 1); `NaN` with fewer than 2 dates. */
  readonly std: number;
  /**
   * `mean / (std / √count)`. For horizons longer than one day consecutive dates overlap, so the
   * dates are not independent and this overstates significance (as alphalens' does).
   */
  readonly tStat: number;
  /** Share of the dates with a value `> 0`. */
  readonly positiveShare: number;
}

/** {@link SeriesStats} of an IC series, with its information ratio. */
export interface IcStats extends SeriesStats {
  /** `mean / std` (not annualised). */
  readonly icir: number;
}

/** IC and RankIC of one factor against one horizon's forward returns, per date. */
export interface IcSeries {
  readonly horizon: number;
  /** The evaluation dates (the rows of the factor panel). */
  readonly dates: readonly DateString[];
  /** Stocks used on each date: the pairs both correlations are computed over. */
  readonly n: Int32Array;
  /** Pearson correlation of factor and forward return; `NaN` when `n < minAssets` or a side is constant. */
  readonly ic: Float64Array;
  /** Spearman correlation: Pearson of the average-tie ranks of the same pairs. */
  readonly rankIc: Float64Array;
}

/** IC statistics of one horizon, overall and per calendar year. */
export interface IcSummary {
  readonly horizon: number;
  readonly ic: IcStats;
  readonly rankIc: IcStats;
  /** One entry per calendar year with at least one evaluation date, in order. */
  readonly years: readonly { readonly year: number; readonly ic: IcStats; readonly rankIc: IcStats }[];
}

/**
 * IC decay: for each lag `L = 1 … decayLags`, the IC of the factor at `t` against the one-day
 * return from the close of `t + L − 1` to the close of `t + L` (lag 1 is the 1-day IC).
 */
export interface IcDecay {
  readonly lags: readonly { readonly lag: number; readonly ic: IcStats; readonly rankIc: IcStats }[];
  /**
   * The per-date values the lag statistics are over, lag-major: `ic[(L − 1) × dates + i]` is
   * the IC of lag `L` on evaluation date `i` (`NaN` = none); empty without decay lags. Kept so
   * that an evaluation can be continued (`evaluateFactor({ previous })`).
   */
  readonly ic: Float64Array;
  readonly rankIc: Float64Array;
}

/**
 * Quantile (group) analysis of one horizon, per date. Per-group arrays are date-major:
 * `meanEqual[i × groups + (g − 1)]` is group `g` (1 = lowest factor values) on date `i`.
 */
export interface QuantileSeries {
  readonly horizon: number;
  readonly groups: number;
  readonly dates: readonly DateString[];
  /** Stocks of the group with a forward return (those the means are over). */
  readonly counts: Int32Array;
  /** Equal-weighted mean forward return of the group; `NaN` for a group without one. */
  readonly meanEqual: Float64Array;
  /** Cap-weighted mean forward return (weights: the cap field at `t`, stocks with a positive cap). */
  readonly meanCap: Float64Array;
  /** The top group of the date: the highest group with an eligible stock (`groups` unless ties or a small cross-section leave it empty); 0 = none. */
  readonly top: Uint16Array;
  /** The bottom group: the lowest group with an eligible stock (1 unless empty); 0 = none. */
  readonly bottom: Uint16Array;
  /** The benchmark's forward return over the same horizon (see `FactorEvaluation.benchmark`). */
  readonly benchmark: Float64Array;
  /** Long-only top group minus the benchmark: equal- and cap-weighted. */
  readonly topExcessEqual: Float64Array;
  readonly topExcessCap: Float64Array;
  /** Top minus bottom group; `NaN` when they are the same group (one distinct value). */
  readonly spreadEqual: Float64Array;
  readonly spreadCap: Float64Array;
  /**
   * Share of the top (bottom) group's stocks on date `i` that were not in the top (bottom)
   * group on date `i − horizon` (alphalens' quantile turnover); `NaN` for the first `horizon`
   * dates and when either group is empty.
   */
  readonly turnoverTop: Float64Array;
  readonly turnoverBottom: Float64Array;
  /** Spearman correlation of the factor on date `i` and on date `i − horizon`, over the stocks eligible on both. */
  readonly rankAutocorrelation: Float64Array;
}

/** Means over the dates of a {@link QuantileSeries}. */
export interface QuantileSummary {
  readonly horizon: number;
  readonly groups: number;
  /** Mean over dates of each group's equal-weighted (cap-weighted) mean return, group 1 first. */
  readonly meanEqual: Float64Array;
  readonly meanCap: Float64Array;
  readonly spreadEqual: SeriesStats;
  readonly spreadCap: SeriesStats;
  readonly topExcessEqual: SeriesStats;
  readonly topExcessCap: SeriesStats;
  readonly turnoverTop: SeriesStats;
  readonly turnoverBottom: SeriesStats;
  readonly rankAutocorrelation: SeriesStats;
}

/** The quantile analysis of every horizon. */
export interface QuantileAnalysis {
  readonly series: readonly QuantileSeries[];
  readonly summary: readonly QuantileSummary[];
}

/** Per-date counts of one horizon: what became of the eligible stocks. */
export interface HorizonCoverage {
  readonly horizon: number;
  /** Eligible stocks whose window runs past the last date of the data (`t + horizon` beyond the calendar). */
  readonly endOfData: Int32Array;
  /** Eligible stocks with a missing return inside the window (no row: delisted, a gap in the data). */
  readonly missingReturn: Int32Array;
  /** Eligible stocks with a forward return: the `n` of the IC and of the group means. */
  readonly used: Int32Array;
  /** Used stocks without a finite positive cap on `t`: left out of the cap-weighted means only. */
  readonly missingCap: Int32Array;
}

/** Totals over all dates of {@link HorizonCoverage}. */
export interface HorizonCoverageTotals {
  readonly horizon: number;
  readonly endOfData: number;
  readonly missingReturn: number;
  readonly used: number;
  readonly missingCap: number;
}

/**
 * What happened to every stock on every date, by reason. Each member falls under exactly one
 * reason, checked in this order: `noRow`, `suspended`, `missingValue`, `nonFinite`, else
 * `eligible`; each eligible stock under exactly one of `endOfData`, `missingReturn`, `used`
 * per horizon. So `members = noRow + suspended + missingValue + nonFinite + eligible` and
 * `eligible = endOfData + missingReturn + used`.
 */
export interface Coverage {
  readonly dates: readonly DateString[];
  /** Universe members on the date. */
  readonly members: Int32Array;
  /** Stocks outside the universe that had a finite factor value (dropped by the universe). */
  readonly notInUniverse: Int32Array;
  /** Members without a market row on the date (`is_trading` missing: not listed yet, delisted, a gap). */
  readonly noRow: Int32Array;
  /** Members suspended on the date (`is_trading` = 0). */
  readonly suspended: Int32Array;
  /** Members trading with no factor value (`NaN`: too little history, a missing input, removed by preprocessing). */
  readonly missingValue: Int32Array;
  /** Members trading with an infinite factor value. */
  readonly nonFinite: Int32Array;
  /** Members kept: ranked, grouped and, with a forward return, used. */
  readonly eligible: Int32Array;
  /**
   * Where the date's benchmark return came from ({@link BenchmarkInfo} counts these): 0 the
   * equal-weighted universe (no weights that day), 1 the weights, 2 weights flagged
   * `approximate`.
   */
  readonly benchmarkSource: Uint8Array;
  readonly horizons: readonly HorizonCoverage[];
  readonly totals: {
    readonly dates: number;
    readonly members: number;
    readonly notInUniverse: number;
    readonly noRow: number;
    readonly suspended: number;
    readonly missingValue: number;
    readonly nonFinite: number;
    readonly eligible: number;
    readonly horizons: readonly HorizonCoverageTotals[];
  };
}

/** Where the benchmark returns came from, counted over the evaluation dates. */
export interface BenchmarkInfo {
  /**
   * Dates whose benchmark is the weights given (or the universe's): `Σ w·r / Σ w` over the
   * stocks with a weight > 0 and a forward return.
   */
  readonly weightedDates: number;
  /** Dates whose benchmark is the equal-weighted universe (no weights given, or none that day): the mean over the members with a forward return. */
  readonly equalDates: number;
  /** Weighted dates whose weights were flagged `approximate` (a proxy, not published weights). */
  readonly approximateDates: number;
}

/**
 * The settings of an evaluation that its numbers depend on besides the data, the values, the
 * universe and the weights: a continued evaluation (`evaluateFactor({ previous })`) must use the
 * same.
 */
export interface EvaluationSettings {
  readonly minAssets: number;
  readonly decayLags: number;
  /** The trading status field read, `undefined` when the data had none (every stock trading). */
  readonly tradingField: string | undefined;
  /** The cap field read, `undefined` when the data had none (cap-weighted means `NaN`). */
  readonly capField: string | undefined;
}

/**
 * Everything {@link evaluateFactor} computes for one factor. Plain data (numbers, strings,
 * arrays and typed arrays): it survives a structured clone and `v8.serialize`, so it can be kept
 * and given back as `previous` to continue the evaluation on later data.
 */
export interface FactorEvaluation {
  readonly dates: readonly DateString[];
  readonly horizons: readonly number[];
  readonly groups: number;
  /** One per horizon, in `horizons` order. */
  readonly ic: readonly IcSeries[];
  /** One per horizon. */
  readonly summary: readonly IcSummary[];
  readonly decay: IcDecay;
  readonly quantiles: QuantileAnalysis;
  readonly coverage: Coverage;
  readonly benchmark: BenchmarkInfo;
  /** How the forward returns were defined (`ret` compounded, or a price ratio). */
  readonly forward: { readonly source: 'returns' | 'prices'; readonly field: string };
  /** Sentences for a user: substitutions made (no trading field, no cap field, equal-weight benchmark dates…). */
  readonly notes: readonly string[];
  readonly settings: EvaluationSettings;
}
