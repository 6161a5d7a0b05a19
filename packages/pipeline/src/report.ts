import type { DateString, Panel, PluginSource } from '@factorkit/core';
import type { PreprocessReport } from '@factorkit/ops';

/**
 * Where a factor's values can be lost, in order: `compute` (the factor had no value), `universe`
 * (the stock was outside the universe that day), then the preprocessing stages.
 */
export type FactorStage = 'compute' | 'universe' | 'winsorize' | 'neutralize' | 'standardize' | 'fill';

/** One stage of the funnel: values in, values out, and why the others went. */
export interface StageCount {
  readonly stage: FactorStage;
  /** Values entering the stage (for `compute`: the cells, dates × assets). */
  readonly input: number;
  /** Values leaving it (a `fill` stage adds values: `output > input`). */
  readonly output: number;
  /**
   * Values lost here, by reason: `compute` — `noValue` (the factor is `NaN`: too little history,
   * missing inputs) and `infinite` (treated as missing); `universe` — `outsideUniverse`; the
   * preprocessing stages — the reasons of `@factorkit/ops` (`noIndustry`, `noSize`,
   * `tooFewObservations`, `zeroDispersion`, …). Zeros included.
   */
  readonly removed: Readonly<Record<string, number>>;
}

/** How many values a factor has at each stage. */
export interface FactorCoverage {
  /** Dates in the range. */
  readonly dates: number;
  readonly assets: number;
  /** Stock-days inside the universe (`dates × assets` without one). */
  readonly eligible: number;
  /** The funnel, stage by stage: `compute`, `universe`, then each preprocessing stage that ran. */
  readonly stages: readonly StageCount[];
  /** Values in the result (the last stage's output). */
  readonly values: number;
  /** The first and last dates with a value in the result; absent when there is none. */
  readonly firstValue?: DateString;
  readonly lastValue?: DateString;
}

/** How much history the factor needs and what the data gave it. */
export interface LookbackReport {
  /** Trading days of history the factor needs before a date (its `meta.lookback` for these params). */
  readonly needed: number;
  /** Trading days of history before the first date of the range that the data holds (capped at `needed`). */
  readonly history: number;
  /** The first date of the data. */
  readonly dataStart: DateString;
  /** The first date with `needed` days of history before it; absent when the data is shorter than that. */
  readonly fullHistoryFrom?: DateString;
  /** Dates of the range, from its start, with less history than `needed`. */
  readonly shortDates: number;
  /** The first date of the range on which the factor computed a value; absent when none. */
  readonly firstComputed?: DateString;
}

/** A regressor of the neutralising stage. */
export type Regressor = 'industry' | 'size';

/** Which regressors a factor was neutralised against, and why any asked for were not used. */
export interface NeutralizeDecision {
  /** The regressors the preprocessing config asks for. */
  readonly requested: readonly Regressor[];
  /** The regressors used for this factor. */
  readonly used: readonly Regressor[];
  /**
   * Regressors asked for but not used: `unavailable` — the dataset lacks the field (`industry`,
   * `market_cap`); `spanned` — the factor is (a linear function of) the regressor itself, so
   * neutralising would leave only rounding noise (the size factor against size).
   */
  readonly skipped: readonly { readonly regressor: Regressor; readonly reason: 'unavailable' | 'spanned'; readonly message: string }[];
}

/** What preprocessing did to one factor. */
export interface FactorPreprocessReport {
  readonly neutralize: NeutralizeDecision;
  /** The report of `@factorkit/ops` `preprocess`: counts per stage, with reasons. */
  readonly stages: PreprocessReport;
}

/**
 * How a factor ended: `ok` with values, or `empty` — no value at all — naming the stage that
 * removed the last of them and why (an error for the caller: the CLI exits with 3).
 */
export type FactorOutcome =
  | { readonly status: 'ok' }
  | { readonly status: 'empty'; readonly stage: FactorStage; readonly message: string };

/** Everything that happened to one factor. Plain data: `JSON.stringify` prints it whole. */
export interface FactorReport {
  /** The name its values go under (see `factorNames`). */
  readonly name: string;
  readonly id: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The package it came from, when known. */
  readonly package?: string;
  readonly version?: string;
  /** The range computed: its first and last trading day and how many. */
  readonly range: { readonly first: DateString; readonly last: DateString; readonly dates: number };
  readonly lookback: LookbackReport;
  readonly coverage: FactorCoverage;
  /** Present when preprocessing ran. */
  readonly preprocess?: FactorPreprocessReport;
  /** Things a user should know although the factor has values (a short lookback, a skipped regressor, infinities). */
  readonly notes: readonly string[];
  readonly outcome: FactorOutcome;
  /** Wall-clock seconds spent on the factor. */
  readonly seconds: number;
}

/** One computed factor: its values and its report. */
export interface ComputedFactor {
  readonly name: string;
  readonly id: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly source?: PluginSource;
  /** The dates of the range (the rows of `values`). */
  readonly dates: readonly DateString[];
  /**
   * Dates × assets, `NaN` where there is no value (including outside the universe). May be the
   * factor's own output or a cached data panel when nothing had to change: treat it as read-only.
   */
  readonly values: Panel;
  readonly report: FactorReport;
  /**
   * With `keepRaw`: the values over the whole market before preprocessing, and their report, as
   * computing without `universe` and `preprocess` gives them (the same object when there were none).
   */
  readonly raw?: ComputedFactor;
}

/**
 * A factor's funnel in one line for a terminal: the values computed, then each stage that
 * changed the count (removed, or for a fill added) with its reasons; every stage with `verbose`.
 * `computed 54,324 of 71,850 stock-days; −46,484 universe (outsideUniverse 46,484)`.
 */
export function formatFunnel(report: FactorReport, verbose = false): string {
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const [compute, ...rest] = report.coverage.stages;
  const parts = [`computed ${fmt(compute?.output ?? 0)} of ${fmt(compute?.input ?? 0)} stock-days`];
  for (const stage of rest) {
    const change = stage.output - stage.input;
    if (change === 0 && !verbose) continue;
    const reasons = Object.entries(stage.removed)
      .filter(([, n]) => n > 0 || verbose)
      .map(([reason, n]) => `${reason} ${fmt(n)}`);
    parts.push(`${change > 0 ? '+' : change < 0 ? '−' : '±'}${fmt(Math.abs(change))} ${stage.stage}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`);
  }
  return parts.join('; ');
}
