import type { DateString, MarketData, OptimizerInstance, Panel, Problem, SolveStatus, UniverseInstance } from '@factorkit/core';
import type { DiagnoseOptions, InfeasibilityReport, RelaxationRecord, RelaxationStep } from '@factorkit/portfolio';

/**
 * Values by date and asset: a {@link Panel} whose rows are the dates of `data.calendar`, or a
 * panel over a contiguous run of those dates with the dates given (what `computeFactors` of
 * `@factorkit/pipeline` returns: `{ values: factor.values, dates: result.dates }`). Columns are
 * `data.assets`; `NaN` = missing.
 */
export type DatedPanel = Panel | { readonly values: Panel; readonly dates: readonly DateString[] };

/** When the MFE portfolio is re-optimised. */
export type MfeSchedule =
  /** The last trading day of each calendar month (the sell-side MFE test's default). */
  | 'monthly'
  /** The last trading day of each ISO week (Monday–Sunday). */
  | 'weekly'
  /** These dates (`YYYY-MM-DD`) or indices into `data.calendar`, strictly increasing. */
  | readonly (number | DateString)[];

/** A style exposure to neutralise: a panel, or `log-market-cap` (ln of `market_cap`, else of `float_market_cap`). */
export type MfeStyleSource = DatedPanel | 'log-market-cap';

/**
 * The constraints of the MFE portfolio, each through a plugin of `@factorkit/constraints` in a
 * group named after it. Every entry has a default; `false` drops a constraint.
 */
export interface MfeConstraintsConfig {
  /**
   * Industry neutrality (`industry-neutral`): each industry's weight equals the benchmark's
   * within ±`band`. Default `{ field: 'industry', band: 0 }` — the categorical field `industry`
   * (Shenwan level 1 in factorkit datasets), exactly neutral; unclassified stocks form one more
   * group.
   */
  readonly industry?: false | { readonly field?: string; readonly band?: number };
  /**
   * Style neutrality (`style-exposure`): the active exposure Σ(w − b)·x of each style within
   * ±`band` (or its entry of `bands`), in standard deviations. Each style is z-scored over the
   * date's candidates (equal-weighted mean and standard deviation); a missing value counts as 0
   * (the mean). Default `{ exposures: { size: 'log-market-cap' }, band: 0 }`: exactly size-neutral.
   */
  readonly styles?:
    | false
    | {
        readonly exposures?: Readonly<Record<string, MfeStyleSource>>;
        readonly band?: number;
        readonly bands?: Readonly<Record<string, number>>;
      };
  /**
   * Largest deviation from the benchmark weight per stock, `|w − b| ≤ deviation`
   * (`stock-deviation`, absolute); also the largest weight of a stock outside the benchmark.
   * Default 0.01 (1%); 0.005 is the tighter setting.
   */
  readonly deviation?: number;
  /** Smallest total weight in benchmark constituents (`constituent-share`). Default 0.8. */
  readonly constituentShare?: number | false;
  /**
   * Largest one-way turnover per rebalance against the weights held at the signal close,
   * ½ Σ|w − w₀| (`turnover-limit`). Default 0.3 (30%). Not applied when nothing is held (the
   * first rebalance builds the portfolio from cash).
   */
  readonly turnover?: number | false;
  /**
   * Tradability on the signal date as the universe reports it (`tradability`): a stock that
   * cannot be bought (suspended, limit-up) keeps w ≤ w₀, one that cannot be sold (suspended,
   * limit-down) w ≥ w₀. Default true.
   */
  readonly tradability?: boolean;
}

/** How trades are executed and charged. */
export interface MfeExecution {
  /**
   * The price trades fill at on the trading day after the signal: `vwap` (default; needs the
   * fields `vwap` and `raw_close`, else the run falls back to `close` and says so in `notes`) or
   * `close`.
   */
  readonly price?: 'vwap' | 'close';
  /** Cost of a round trip as a fraction of the value traded, default 0.003 (0.3%): half of it on every buy and every sell. */
  readonly cost?: number;
}

/** A problem built for one rebalance date, handed to {@link MfeOptions.onProblem} before it is solved. */
export interface MfeProblemEntry {
  readonly date: DateString;
  /** Index of `date` in `data.calendar`. */
  readonly index: number;
  readonly problem: Problem;
}

/** What {@link runMfe} takes. */
export interface MfeOptions {
  readonly data: MarketData;
  /**
   * The factor's values, already preprocessed as wanted (winsorised, neutralised, standardised).
   * Each rebalance maximises Σ wᵢ·direction·valueᵢ.
   */
  readonly factor: DatedPanel;
  /** `-1` for a factor whose low values are the good ones. Default 1. */
  readonly direction?: 1 | -1;
  /** The benchmark: its `weights(t)` are the benchmark weights, its `tradability(t)` what can be traded. */
  readonly universe: UniverseInstance;
  /**
   * Stocks outside the benchmark that may be bought: the members of this universe on the date
   * that have a factor value. Default: every stock with a factor value (so the factor panel's
   * own universe decides). Benchmark constituents are always candidates.
   */
  readonly investable?: Pick<UniverseInstance, 'members'>;
  readonly optimizer: OptimizerInstance;
  /** Default `monthly`. */
  readonly schedule?: MfeSchedule;
  /**
   * Rebalance dates from `start` to `end` (inclusive, snapped inwards to trading days); daily
   * returns until `end`. Default: the factor's first date to the data's last date. A `start`
   * before the factor's first date starts the schedule there: those dates are skipped (`the
   * factor has no values on this date`), counted — a continued tracking run gives the factor's
   * last weeks only with the start of its earlier runs.
   */
  readonly range?: { readonly start?: DateString; readonly end?: DateString };
  readonly constraints?: MfeConstraintsConfig;
  readonly execution?: MfeExecution;
  /**
   * Daily benchmark returns over `data.calendar` from {@link benchmarkReturns}, to share one
   * computation between the factors of a universe; computed when omitted.
   */
  readonly benchmarkReturns?: Float64Array;
  /** Relaxation order for infeasible dates (`@factorkit/portfolio`); default none: an infeasible date is reported and skipped. */
  readonly relaxation?: readonly RelaxationStep[];
  /** Time limit per solve, milliseconds (the optimizer's own default when omitted). */
  readonly timeLimitMs?: number;
  /**
   * Offer each solve the previous rebalance's optimum as a warm start (`SolveOptions.warmStart`)
   * when the two problems have the same numbers of variables and rows. Default false: on the
   * MFE LPs measured (see the README, Performance) the shapes rarely match — the candidates
   * change from one date to the next — and a matching one saved nothing; an optimizer that
   * cannot use a point ignores it.
   */
  readonly warmStart?: boolean;
  /** Options of the infeasibility diagnosis. */
  readonly diagnose?: DiagnoseOptions;
  /** Receives each problem before it is solved, e.g. to save it with `problemToJSON`. */
  readonly onProblem?: (entry: MfeProblemEntry) => void | Promise<void>;
  /** Progress: called after each rebalance date is decided (`done` of `total` dates). */
  readonly onProgress?: (done: number, total: number, date: DateString) => void;
  /**
   * Continue the run of this checkpoint (a previous result's `checkpoint`, or one read back with
   * `mfeCheckpointFromJSON`) instead of starting from the first date: the data now extends past
   * the checkpoint's last day. Only the rebalance dates after that day are solved, the holding
   * period open at the checkpoint goes on, and the result equals a run from scratch on this data
   * in every field but the wall-clock timings (`buildMs`, `solveMs`). Refused with
   * `FK_INVALID_ARGUMENT` when the checkpoint does not fit these options and data (see
   * {@link checkMfeResume} for what is checked).
   */
  readonly resume?: MfeCheckpoint;
}

/** How a rebalance date ended: the optimizer's status, or `skipped` when no problem could be built (see `messages`). */
export type MfeStatus = SolveStatus | 'skipped';

/** Counts of one rebalance date. */
export interface MfeRebalanceCounts {
  /** Candidates whose factor value was missing (benchmark constituents and held stocks), filled with the candidates' mean. */
  readonly missingFactor: number;
  /** Missing style values counted as 0 (the mean), per style. */
  readonly missingStyle: Readonly<Record<string, number>>;
  /**
   * Stocks that cannot be traded on the date in the direction their deviation band asks (held
   * above b + d and unsellable, or below b − d and unbuyable): they keep their weight, the band
   * moved to end at it.
   */
  readonly pinned: number;
  /** Held stocks without a price on the date (delisted, no daily row), turned into cash at their last value before optimising. */
  readonly cashedOut: number;
  /** On the trade day: stocks whose buy was blocked (the universe says they cannot be bought) and so kept their weight. */
  readonly blockedBuys: number;
  /** On the trade day: stocks whose sell was blocked and so kept their weight. */
  readonly blockedSells: number;
  /** On the trade day: the fraction of the wanted buys that could be paid for (1 unless a blocked sell left too little cash). */
  readonly buyFill: number;
}

/**
 * One rebalance date. The holding period runs over the trading days after `date` up to the next
 * rebalance date (inclusive), or to the end of the run: its first day is the trade day.
 */
export interface MfeRebalance {
  /** The signal date: factor values, benchmark weights and holdings as of its close. */
  readonly date: DateString;
  /** Index of `date` in `data.calendar`. */
  readonly index: number;
  /** The trading day after `date`, when the trades fill; `undefined` when the run ends at `date`. */
  readonly tradeDate: DateString | undefined;
  /** The last day of the holding period; `undefined` when the run ends at `date`. */
  readonly periodEnd: DateString | undefined;
  /** Trading days in the holding period. */
  readonly days: number;
  readonly status: MfeStatus;
  /**
   * Why a date was skipped or not solved: for an infeasible date, the explanation of
   * `@factorkit/portfolio` (which constraint groups conflict, with the problem's own numbers);
   * for other statuses, the optimizer's messages.
   */
  readonly messages: readonly string[];
  readonly infeasibility?: InfeasibilityReport;
  /** Declared relaxation steps applied (only with {@link MfeOptions.relaxation}). */
  readonly relaxations?: readonly RelaxationRecord[];
  /** The optimum: the portfolio's factor exposure Σ wᵢ·αᵢ (α = direction × value, missing filled); `NaN` unless optimal. */
  readonly objective: number;
  /** The benchmark's exposure Σ bᵢ·αᵢ over the same values; `NaN` when skipped. */
  readonly benchmarkExposure: number;
  /** `objective − benchmarkExposure`. */
  readonly activeExposure: number;
  /**
   * Compounded portfolio return over the holding period, after costs, of what was held — the new
   * weights, or after an unsolved date the previous ones drifting; `NaN` when nothing was held.
   */
  readonly portfolioReturn: number;
  /** Compounded benchmark return over the same days. */
  readonly benchmarkReturn: number;
  /** `(1 + portfolioReturn) / (1 + benchmarkReturn) − 1`. */
  readonly excessReturn: number;
  /** One-way turnover executed on the trade day, ½ Σ|h′ − h| (0 when nothing traded). */
  readonly turnover: number;
  /** Cost charged on the trade day, as a fraction of the portfolio's value. */
  readonly cost: number;
  /** Constraint groups with a non-zero dual (rows) or reduced cost (bounds they own) at the optimum. */
  readonly binding: readonly string[];
  /** `duals` when the optimizer returned row duals; `active` when the groups are those with a row or owned bound at its limit. */
  readonly bindingFrom: 'duals' | 'active' | 'none';
  /** Stocks with a positive target weight (optimal), or held (otherwise). */
  readonly nAssets: number;
  /** Stocks in the problem: benchmark constituents, investable stocks with a factor value, stocks held. */
  readonly candidates: number;
  readonly counts: MfeRebalanceCounts;
  /**
   * Wall-clock time of building the problem — the universe's benchmark weights, candidates,
   * constraint context, the constraints' rows and bounds — in milliseconds (`onProblem` not
   * included; 0 when skipped).
   */
  readonly buildMs: number;
  /** Wall-clock time of `@factorkit/portfolio`'s `solvePortfolio`: the solve, and for an infeasible date the diagnosis and any relaxation, in milliseconds. */
  readonly solveMs: number;
}

/**
 * The weights of one solved rebalance, columnar: one entry per stock with a non-zero target
 * weight or held going into the rebalance (a stock sold out shows with weight 0; one whose sale
 * was blocked, with its executed weight). Filter on `weight !== 0` for the portfolio alone.
 */
export interface MfeWeights {
  readonly date: DateString;
  /** Column indices into `data.assets`. */
  readonly assets: Int32Array;
  /** The stock codes, `data.assets[assets[k]]`. */
  readonly codes: readonly string[];
  /** The optimizer's weights (they satisfy every constraint). Entries below 1e-12 in size are 0. */
  readonly weight: Float64Array;
  /** Benchmark weights on `date`. */
  readonly benchmark: Float64Array;
  /**
   * The weights after the trades on the trade day, as fractions of the portfolio's value at the
   * execution price: `weight`, except for a stock whose trade was blocked (it keeps its weight),
   * with buys scaled down when blocked sells leave too little cash; what is not invested is cash.
   * `NaN` when the run ends before the trade day.
   */
  readonly executed: Float64Array;
}

/**
 * Daily returns from the first trade day to the end of the run. Day `d`'s return runs from the
 * close of the previous trading day to the close of `d`; the first day runs from the execution
 * price (VWAP or close) for the portfolio and the benchmark alike, because the portfolio held
 * cash before.
 */
export interface MfeDaily {
  /** The signal date before the first day (the series' start, value 1); `undefined` when empty. */
  readonly inception: DateString | undefined;
  readonly dates: readonly DateString[];
  /** Portfolio returns after costs. */
  readonly portfolio: Float64Array;
  /** Benchmark returns: Σ bᵢ(d − 1)·retᵢ(d), the benchmark weights as of the previous close. */
  readonly benchmark: Float64Array;
  /** Geometric excess, `(1 + portfolio) / (1 + benchmark) − 1`, so excess compounds like the ratio of the two curves. */
  readonly excess: Float64Array;
  /** The weight in cash at each close (left by blocked buys). */
  readonly cash: Float64Array;
}

/** Counts of a whole run. */
export interface MfeCounts {
  readonly rebalances: number;
  readonly optimal: number;
  readonly infeasible: number;
  /** Solves that ended with another status (time or iteration limit, numerical error, error). */
  readonly failed: number;
  readonly skipped: number;
  /**
   * Held stock-days whose return was missing (`NaN`) or impossible (≤ −100%), counted as 0; plus the
   * benchmark's constituent-days with a missing return when the run computed the benchmark
   * series itself (with {@link MfeOptions.benchmarkReturns} given, those are the caller's count).
   */
  readonly missingReturns: number;
  /** Stock-days on trade days without a VWAP (no trade that day: suspended), valued and traded at the close. */
  readonly vwapFallbacks: number;
}

/** The settings a run used, defaults filled in. */
export interface MfeSettings {
  readonly schedule: 'monthly' | 'weekly' | 'explicit';
  readonly direction: 1 | -1;
  readonly start: DateString;
  readonly end: DateString;
  /** The execution price actually used (`close` when `vwap` was asked for and the data lacks it). */
  readonly price: 'vwap' | 'close';
  readonly costRoundTrip: number;
  readonly constraints: {
    readonly industry: false | { readonly field: string; readonly band: number };
    readonly styles: false | { readonly names: readonly string[]; readonly band: number; readonly bands: Readonly<Record<string, number>> };
    readonly deviation: number;
    readonly constituentShare: number | false;
    readonly turnover: number | false;
    readonly tradability: boolean;
  };
}

/** What {@link runMfe} returns. */
export interface MfeResult extends MfeRunResult {
  /**
   * Everything needed to continue this run when the data grows (`runMfe({ …, resume:
   * result.checkpoint })`). Always present: it shares the result's arrays and copies only the
   * holdings, the pending trade and the calendar's dates.
   */
  readonly checkpoint: MfeCheckpoint;
}

/** The fields of an {@link MfeResult} other than its checkpoint: what a checkpoint keeps of the run so far. */
export interface MfeRunResult {
  /** The universe's id. */
  readonly universe: string;
  /** The optimizer's id. */
  readonly optimizer: string;
  readonly settings: MfeSettings;
  readonly rebalances: readonly MfeRebalance[];
  /** One entry per optimal rebalance. */
  readonly weights: readonly MfeWeights[];
  readonly daily: MfeDaily;
  readonly counts: MfeCounts;
  /** Things the caller should know: fallbacks used, fields missing. */
  readonly notes: readonly string[];
}

/** The portfolio at the close of a checkpoint's last day (see {@link MfeCheckpointState}). */
export interface MfeHoldingsState {
  /** Weight of each asset (columns of `data.assets`) as a fraction of the portfolio's value at that close; 0 when not held. */
  readonly weight: Float64Array;
  /** The weight in cash. */
  readonly cash: number;
  /** Whether the portfolio has traded yet (before its first trade it is all cash and earns no return). */
  readonly invested: boolean;
  /** The assets with a non-zero weight, in the order the run keeps them (it sums their values in this order). */
  readonly held: Int32Array;
}

/** A rebalance solved on a checkpoint's last day, whose trade day is not yet in the data. */
export interface MfePendingTrade {
  /** Its entry in `result.rebalances`. */
  readonly record: number;
  /** The calendar index of the trade day: the day after the rebalance date. */
  readonly tradeIndex: number;
  /** Target weight of every asset. */
  readonly target: Float64Array;
  /** Benchmark weight of every asset on the rebalance date. */
  readonly benchmark: Float64Array;
  /** Its entry in `result.weights`. */
  readonly weights: number;
  /** The assets of that weights entry. */
  readonly rows: Int32Array;
}

/**
 * The open holding period (that of the last rebalance) compounded through the checkpoint's last
 * day, so that the resumed run compounds the same products in the same order as a run from scratch.
 */
export interface MfePeriodState {
  /** Π(1 + portfolio return) over the period's days so far (`NaN` once a day had no portfolio return). */
  readonly portfolio: number;
  /** Π(1 + benchmark return as the daily series has it: from the execution price on the first trade day). */
  readonly benchmark: number;
  /** Π(1 + the benchmark series' return), used instead when the portfolio was not invested on some day of the period. */
  readonly benchmarkSeries: number;
  /** Whether the portfolio was invested on every day of the period so far. */
  readonly invested: boolean;
}

/** The state of a run at the close of its last day, besides its results. */
export interface MfeCheckpointState {
  readonly holdings: MfeHoldingsState;
  /** The trade of a rebalance solved on the last day; `undefined` when none waits. */
  readonly pending: MfePendingTrade | undefined;
  /** Calendar index of the signal date before the first trade day (`daily.inception`); `undefined` before the first trade. */
  readonly inception: number | undefined;
  /** The open holding period; `undefined` before the first rebalance. */
  readonly period: MfePeriodState | undefined;
  /** With `warmStart`: the last optimal solve's point and its problem's number of rows; otherwise `undefined`. */
  readonly warmStart: { readonly x: Float64Array; readonly rows: number } | undefined;
  /** Held stock-days with a missing or impossible return so far (`counts.missingReturns` without the benchmark's). */
  readonly missingReturns: number;
  /** The benchmark's constituent-days with a missing return so far (0 when `benchmarkReturns` was given). */
  readonly benchmarkMissing: number;
  /** `counts.vwapFallbacks` so far. */
  readonly vwapFallbacks: number;
}

/**
 * Everything needed to continue an MFE run after the last day of its data (`runMfe`'s
 * `resume`). A plain object of arrays, typed arrays and numbers: it survives `structuredClone`
 * (worker threads) as it is; for a file, write `mfeCheckpointToJSON(checkpoint)` with
 * `JSON.stringify` and read it back with `mfeCheckpointFromJSON`.
 */
export interface MfeCheckpoint {
  readonly format: 'factorkit-mfe-checkpoint';
  readonly version: 1;
  /**
   * The resolved settings, as canonical JSON: universe and optimizer ids, schedule kind,
   * direction, start date, execution price (asked for and used), cost, every constraint, the
   * style sources, whether `investable` and `benchmarkReturns` were given, `relaxation`,
   * `warmStart` and `diagnose`. Not the end date (it moves) nor `timeLimitMs`. A resume must
   * have the same key (see {@link mfeSettingsKey}).
   */
  readonly settingsKey: string;
  /**
   * A hash (16 hex digits) of data the run read near its end: the factor's row, each style
   * panel's row and the benchmark weights on the last rebalance date, and the `ret` row of every
   * day from that date to the last day. Checked on resume; it catches a changed factor or
   * benchmark and a revised last week, not every change to older data.
   */
  readonly fingerprint: string;
  /** The data's calendar from its first day through the run's last day. */
  readonly dates: readonly DateString[];
  /** The data's assets (`data.assets`): column `a` of every array here is `assets[a]`. */
  readonly assets: readonly string[];
  readonly state: MfeCheckpointState;
  /** The result of the run so far (what `runMfe` returned, without the checkpoint). */
  readonly result: MfeRunResult;
}

/** Why a checkpoint cannot continue a run (see {@link checkMfeResume}). */
export type MfeResumeRefusal = 'checkpoint' | 'assets' | 'calendar' | 'settings' | 'range' | 'schedule' | 'data';

/** Whether a checkpoint can continue a run: `ok`, or why not. */
export type MfeResumeCheck = { readonly ok: true } | { readonly ok: false; readonly reason: MfeResumeRefusal; readonly message: string };

/**
 * A checkpoint as JSON (`mfeCheckpointToJSON`): its fields, with typed arrays as
 * `{ "$float64": base64 }` / `{ "$int32": base64 }` (little-endian bytes) and `NaN`, ±Infinity,
 * −0 and `undefined` as `{ "$number": "NaN" }`… / `{ "$undefined": true }`.
 */
export interface MfeCheckpointJSON {
  readonly format: 'factorkit-mfe-checkpoint';
  readonly version: 1;
  readonly [field: string]: unknown;
}
