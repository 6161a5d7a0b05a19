import type { BacktestResult } from '@factorkit/backtest';

/**
 * What a rebalance came to: solved (`optimal`), solved after relaxing constraints (`relaxed`),
 * holdings kept because the problem had no solution (`held`), not attempted (`skipped`), or the
 * run stopped there (`stopped`).
 */
export type ReportRebalanceStatus = 'optimal' | 'relaxed' | 'held' | 'skipped' | 'stopped';

/** One rebalance as {@link strategyReport} reads it (a subset of the runner's record). */
export interface ReportRebalance {
  readonly date: string;
  readonly status: ReportRebalanceStatus;
  /** Stocks the optimiser could choose from. */
  readonly candidates: number;
  /** The objective's value at the solution; `NaN` without one. */
  readonly objective: number;
  /** Ex-ante annualised tracking error of the target weights; `NaN` without a risk model. */
  readonly exAnteTrackingError: number;
  /** Planned one-way turnover of the rebalance. */
  readonly turnover: number;
  /** The relaxation steps applied, in order (empty unless `relaxed`). */
  readonly relaxations: readonly string[];
  /** Why it was held, relaxed, skipped or stopped, in words. */
  readonly messages: readonly string[];
  readonly solveMs: number;
}

/** One factor's weight (or a tree model's importance) at one retrain date. */
export interface ReportFactorWeight {
  readonly date: string;
  readonly factor: string;
  readonly value: number;
  readonly kind: 'weight' | 'importance';
}

/** The portfolio's and the benchmark's exposure to one style factor or industry at one date. */
export interface ReportExposure {
  readonly date: string;
  readonly kind: 'style' | 'industry';
  readonly name: string;
  readonly portfolio: number;
  readonly benchmark: number;
  /** `portfolio − benchmark`. */
  readonly active: number;
}

/** One stock's share of the return over the run (the per-stock contribution). */
export interface ReportContribution {
  readonly code: string;
  /** Σ w(t−1)·r(t): the stock's contribution to the portfolio's return. */
  readonly contribution: number;
  /** Σ (w − b)(t−1)·r(t): its contribution to the excess return. */
  readonly activeContribution: number;
  readonly daysHeld: number;
  readonly meanWeight: number;
  readonly meanActiveWeight: number;
}

/** The stock-level hit rate of one rebalance period. */
export interface ReportHitRatePeriod {
  /** The decision date. */
  readonly date: string;
  /** The period's last day (the next decision date or the run's end). */
  readonly end: string;
  /** Share of the positive active weight in stocks that ended in the period's top return group; `NaN` without any. */
  readonly hitRate: number;
  readonly activeWeightTop: number;
  readonly activeWeightTotal: number;
  /** Stocks ranked in the period. */
  readonly stocks: number;
  /** Stocks in the top group: `top / stocks` is what random picks would hit. */
  readonly top: number;
}

/** The stock-level hit rate over the run. */
export interface ReportHitRate {
  readonly periods: readonly ReportHitRatePeriod[];
  /** Mean of the periods' hit rates (`NaN` ones left out). */
  readonly mean: number;
  /** What random picks would hit: the mean of `top / stocks`, about `decile`. */
  readonly random: number;
  /** The top group's share of the ranked stocks (0.1: the top decile). */
  readonly decile: number;
}

/** The active return split by the risk model's factor groups (fractions of the portfolio value). */
export interface ReportAttributionParts {
  /** The active return: Σ (w − b)(t − 1) · r(t). */
  readonly active: number;
  readonly country: number;
  readonly industry: number;
  readonly style: number;
  /** The rest, stock selection the factors do not explain: `active − country − industry − style`. */
  readonly specific: number;
}

/** One period of the attribution tables: the sums of its days. */
export interface ReportAttributionPeriod extends ReportAttributionParts {
  /** `2023-W05`, `2023-01`, `2023-Q1`, `2023`. */
  readonly period: string;
  readonly start: string;
  readonly end: string;
  readonly days: number;
}

/** One risk-model factor's part of the active return over the run. */
export interface ReportFactorAttribution {
  readonly name: string;
  readonly group: 'country' | 'industry' | 'style';
  /** Σ active exposure(t − 1) · factor return(t). */
  readonly contribution: number;
  readonly meanExposure: number;
}

/** The excess attribution through a factor risk model (`AttributionResult` of `@factorkit/backtest` is one). */
export interface ReportAttribution {
  /** The days of {@link ReportAttribution.daily}. */
  readonly dates: readonly string[];
  /** Each day's parts, aligned to `dates`. */
  readonly daily: { readonly [P in keyof ReportAttributionParts]: ArrayLike<number> };
  readonly periods: { readonly month: readonly ReportAttributionPeriod[]; readonly year: readonly ReportAttributionPeriod[] };
  /** Sums over the run. */
  readonly total: ReportAttributionParts;
  readonly byFactor: readonly ReportFactorAttribution[];
  /** What was missing and taken as 0, in words. */
  readonly notes: readonly string[];
}

/**
 * What {@link strategyReport} needs of a strategy run: a structural subset of `StrategyResult`
 * (a `StrategyResult` is one). Missing numbers are `NaN` throughout; dates are `YYYY-MM-DD`.
 */
export interface StrategyReportInput {
  readonly name: string;
  /** The strategy as written, defaults filled: shown as key/values under "Settings". */
  readonly definition: object;
  /** The benchmark as composite text (`95% 000852.SH + 5% deposit`). */
  readonly benchmark: string;
  readonly backtest: BacktestResult;
  readonly rebalances: readonly ReportRebalance[];
  readonly factorWeights: readonly ReportFactorWeight[];
  readonly exposures: readonly ReportExposure[];
  /** Present when a risk model was configured. */
  readonly attribution?: ReportAttribution | undefined;
  readonly contributions: readonly ReportContribution[];
  readonly hitRate: ReportHitRate;
  /** Everything rejected, approximated or relaxed, in words. */
  readonly notes: readonly string[];
  /** Milliseconds per stage (`factors`, `model`, `optimize`, `simulate`, `total`, …). */
  readonly timings: Readonly<Record<string, number>>;
}

/** Options of {@link strategyReport}. */
export interface StrategyReportOptions {
  /** When the run was made, shown as given (the page never reads the clock). */
  readonly generatedAt: string;
  /** Default: `Strategy <name> — <start> → <end>`. */
  readonly title?: string;
  /** What the data was (a folder name), shown under the title. */
  readonly data?: string;
}
