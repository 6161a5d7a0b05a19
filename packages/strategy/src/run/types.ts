import type { AttributionResult, BacktestResult, HitRateResult, StockContribution } from '@factorkit/backtest';
import type { DateString, MarketData } from '@factorkit/core';
import type { FactorReport } from '@factorkit/pipeline';
import type { StrategyDefinition } from '../spec/types.js';
import type { WalkForwardTraining } from '../walk-forward/types.js';

/** What became of one rebalance date. */
export type RebalanceStatus =
  /** Solved as declared. */
  | 'optimal'
  /** Solved after the declared relaxation steps in `relaxations` (policy `relax`). */
  | 'relaxed'
  /** Not solved (infeasible, or another solver status): the holdings were kept and drift (`messages` says why). */
  | 'held'
  /** Nothing to optimise on the date (no benchmark weights, no scores at all): no trade. */
  | 'skipped'
  /** Infeasible under policy `stop`: the run ended here with `FK_INFEASIBLE`. */
  | 'stopped';

/** One rebalance date of a strategy run. */
export interface RebalanceRecord {
  /** The decision date: targets are decided at its close and fill on the next trading day. */
  readonly date: DateString;
  readonly status: RebalanceStatus;
  /** Candidates of the problem (benchmark constituents ∪ held ∪ investable with a score). */
  readonly candidates: number;
  /** Candidates without a score (their alpha was set to 0). */
  readonly missingScores: number;
  /** The objective's value as the optimizer reports it (`NaN` without a solution). */
  readonly objective: number;
  /** Ex-ante annualised tracking error of the targets under the risk model (`NaN` without a risk model or a solution). */
  readonly exAnteTrackingError: number;
  /** Planned one-way turnover: Σ |target − held| / 2 over the candidates (0 without a solution). */
  readonly turnover: number;
  /** Stocks with a positive target weight. */
  readonly holdings: number;
  /**
   * The target weights decided at the close of `date` (fractions of the portfolio value), the
   * stocks with a positive target, with their benchmark weights; empty when no targets were
   * decided (held, skipped).
   */
  readonly targets: readonly { readonly code: string; readonly weight: number; readonly benchmark: number }[];
  /** The declared relaxation steps applied, in words (`turnover: widen by 0.1 (0.3 → 0.4)`). */
  readonly relaxations: readonly string[];
  /** The solver's and the diagnosis' messages (why a date was held or skipped). */
  readonly messages: readonly string[];
  /** Milliseconds to build the problem and solve it. */
  readonly solveMs: number;
}

/** A factor's weight (or importance) in one training of the model. */
export interface FactorWeightRecord {
  /** The training (retrain) date. */
  readonly date: DateString;
  readonly factor: string;
  readonly value: number;
  readonly kind: 'weight' | 'importance';
}

/** The portfolio's, the benchmark's and the active exposure to one style or industry at a rebalance, from the targets. */
export interface ExposureRecord {
  readonly date: DateString;
  readonly kind: 'style' | 'industry';
  readonly name: string;
  readonly portfolio: number;
  readonly benchmark: number;
  readonly active: number;
}

/** The stages a run reports progress of. */
export type StrategyStage = 'universe' | 'factors' | 'model' | 'risk' | 'backtest' | 'diagnostics';

/** A progress event: `done` of `total` units of `stage` (rebalance dates for `backtest`). */
export interface StrategyProgress {
  readonly stage: StrategyStage;
  readonly done: number;
  readonly total: number;
  /** The date reached, when the stage walks dates. */
  readonly date?: DateString;
}

/** Options of {@link runStrategy}. */
export interface RunStrategyOptions {
  /** Called as the run advances (a progress bar); must be cheap. */
  readonly progress?: (event: StrategyProgress) => void;
  /**
   * Supplementary data whose index levels (`index_daily`) the composite benchmark may read when
   * `data` lacks a series (an HSI, an index from `cn-index`), matched by date.
   */
  readonly benchmarkData?: MarketData;
}

/** What {@link runStrategy} returns. Plain data apart from typed arrays. */
export interface StrategyResult {
  readonly name: string;
  /** The strategy as written, defaults filled in (JSON-able). */
  readonly definition: StrategyDefinition;
  /** The benchmark, formatted in composite syntax (`95% 000852.SH + 5% deposit`). */
  readonly benchmark: string;
  readonly backtest: BacktestResult;
  readonly rebalances: readonly RebalanceRecord[];
  readonly factorWeights: readonly FactorWeightRecord[];
  readonly trainings: readonly WalkForwardTraining[];
  readonly exposures: readonly ExposureRecord[];
  /** Excess attribution through the risk model (industry, style, specific), when one was estimated. */
  readonly attribution?: AttributionResult;
  /** Per-stock contributions to the return and to the excess. */
  readonly contributions: readonly StockContribution[];
  /** The stock-level hit rate of the active weights. */
  readonly hitRate: HitRateResult;
  readonly factorReports: readonly FactorReport[];
  /** Everything rejected, approximated or relaxed, in words. */
  readonly notes: readonly string[];
  /** Milliseconds per stage: `universe`, `factors`, `model`, `risk`, `optimize`, `simulate`, `diagnostics`, `total`. */
  readonly timings: Readonly<Record<string, number>>;
}
