import type { DateString, MarketData, OptimizerInstance, Panel, Problem, UniverseInstance, UniversePlugin } from '@factorkit/core';
import type { PreprocessConfig } from '@factorkit/ops';
import type { RelaxationStep } from '@factorkit/portfolio';
import type { FactorInput, FactorReport } from '@factorkit/pipeline';
import type { ForwardReturnsByDate } from '../analytics/forward.js';
import type { BenchmarkInfo, Coverage, FactorEvaluation, IcSeries, IcSummary, QuantileSummary } from '../analytics/types.js';
import type { MfeAggregates } from '../mfe/aggregates.js';
import type { MfeCheckpoint, MfeConstraintsConfig, MfeExecution, MfeResult, MfeSettings } from '../mfe/types.js';
import type { TrackingConfig } from './config.js';
import type { SeriesExecutor } from './executor.js';

/** How often the MFE portfolios are re-optimised: the last trading day of each ISO week or calendar month. */
export type TrackingFrequency = 'weekly' | 'monthly';

/** A problem built for one rebalance of one (universe, factor) series, before it is solved. */
export interface TrackingProblemEntry {
  /** The universe's name as given (`csi300`). */
  readonly universe: string;
  readonly factor: string;
  readonly date: DateString;
  readonly problem: Problem;
}

/** What {@link runTracking} reports while it runs, in order: `start`, then per factor `factor` and one `series` per universe (or `skipped`). */
export type TrackingEvent =
  | {
      readonly kind: 'start';
      readonly universes: readonly TrackingUniverseInfo[];
      readonly factors: readonly string[];
      readonly skippedFactors: readonly SkippedFactor[];
      readonly notes: readonly string[];
      /** Series to run: universes × factors. */
      readonly total: number;
    }
  | {
      readonly kind: 'factor';
      /** 1-based position of the factor and the number of factors. */
      readonly index: number;
      readonly count: number;
      readonly factor: TrackingFactorInfo;
    }
  | {
      /** A factor left out while computing (with `missingInputs: 'skip'`): the plugin found the data lacks what it needs. */
      readonly kind: 'skipped';
      readonly factor: SkippedFactor;
    }
  | {
      readonly kind: 'series';
      /** Series finished so far, of `total`. */
      readonly done: number;
      readonly total: number;
      readonly series: TrackingSeries;
    };

/** What {@link runTracking} takes. */
export interface TrackingOptions {
  /** The whole dataset. The run reads it only up to `asOf`: a view cut there is all it hands on. */
  readonly data: MarketData;
  /** The last date used (`YYYY-MM-DD` or `YYYYMMDD`): the last trading day on or before it ends the run. */
  readonly asOf: string;
  /** The first rebalance date (snapped to the next trading day). Default: the data's first day (dates before a factor has values are skipped, counted). */
  readonly start?: string;
  /** Default `monthly` (the sell-side MFE test's rebalancing). */
  readonly frequency?: TrackingFrequency;
  /** The benchmarks, by the name the benchmark plugin takes as `index` (`csi300`, `000905.SH`), in output order. */
  readonly universes: readonly string[];
  /**
   * The benchmark universe plugin: resolved once per name with `{ index: name, ...config.universe }`;
   * it must give benchmark weights (the `index` plugin of `@factorkit/universe-index`).
   */
  readonly benchmark: UniversePlugin<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Benchmarks another universe plugin makes, by the name `universes` lists them under
   * (`{ 'fund-holdings': fundHoldingsUniverse }` of `@factorkit/universe-fund-holdings`): such a
   * name is resolved by its plugin instead of `benchmark`, with the settings of `config.universe`
   * that plugin declares (the investability filters, for example) and its own defaults otherwise.
   * Each must give benchmark weights.
   */
  readonly namedBenchmarks?: Readonly<Record<string, UniversePlugin<any>>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * The investable universe plugin (the `market` plugin), resolved with `config.investable`:
   * where the MFE portfolio may go outside the benchmark and where the factor is preprocessed.
   * Omitted (or `config.investable: false`): every stock with a factor value.
   */
  readonly investable?: UniversePlugin<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The factors (a `resolveFactorSpecs` result, or `defaultTrackingFactors`), in output order. */
  readonly factors: readonly FactorInput[];
  /**
   * A factor whose required inputs the dataset lacks: `error` (default, `FK_MISSING_INPUT` listing
   * all) or `skip` (left out, named in `skippedFactors` with the fields it needs — for the default list).
   */
  readonly missingInputs?: 'error' | 'skip';
  /**
   * The optimizer of the run (used in this thread; its id is recorded). A parallel
   * {@link TrackingOptions.executor} solves with optimizers of its own, made the same way.
   */
  readonly optimizer: OptimizerInstance;
  /**
   * Where the (universe, factor) series run: default {@link inProcessExecutor} (this thread, one
   * at a time); `workerExecutor` of `@factorkit/evaluate/node` for worker threads. The result is
   * the same either way.
   */
  readonly executor?: SeriesExecutor;
  /** Checked with {@link parseTrackingConfig} when read from a file; checked again here. */
  readonly config?: TrackingConfig;
  /** Receives each MFE problem before it is solved (`--save-problems`). */
  readonly onProblem?: (entry: TrackingProblemEntry) => void | Promise<void>;
  readonly onEvent?: (event: TrackingEvent) => void;
  /**
   * The series states of a previous run (`readTrackingState` of `@factorkit/evaluate/node`):
   * a series whose key and data hashes match goes on from its state and solves only the dates
   * after it — the result is the one a run from scratch gives. Anything that differs (a
   * parameter, the code version, data before the previous last day) recomputes that series.
   */
  readonly previous?: readonly TrackingSeriesState[];
  /**
   * The previous run's run-level state (`readTrackingState(dir).run`, written from
   * `TrackingResult.runState`): with it, and a state for every series of this run, the factors
   * are preprocessed and the series evaluated only over the last weeks (a window), the rest
   * taken from the states — the result is the same as a run from scratch. When anything does
   * not fit (another factor list, revised data…) the run is computed in full (series states
   * still resumed where they fit) and a note says why.
   */
  readonly previousRun?: unknown;
  /** Versions of the code that made the results, part of each series' key (the CLI passes its own and its packages'). */
  readonly codeVersion?: string;
  /**
   * How the caller names the options in messages (the CLI passes its flags: `{ asOf: '--as-of' }`).
   * Defaults: the option names.
   */
  readonly optionNames?: Partial<Record<'asOf' | 'start' | 'universes' | 'factors' | 'config', string>>;
}

/** The configuration a run used, every default filled in. */
export interface ResolvedTrackingConfig {
  readonly frequency: TrackingFrequency;
  /** The MFE constraints and execution as configured (what `runMfe` is given). */
  readonly constraints: MfeConstraintsConfig;
  readonly execution: MfeExecution;
  /** The same with every default filled in, as `runMfe` resolved them. */
  readonly mfe: Omit<MfeSettings, 'direction' | 'start' | 'end' | 'schedule'>;
  readonly preprocess: false | true | PreprocessConfig;
  readonly horizons: readonly number[];
  readonly groups: number;
  readonly universe: Readonly<Record<string, unknown>>;
  readonly investable: Readonly<Record<string, unknown>> | false;
  readonly timeLimitMs?: number;
  /** How infeasible dates are explained (see {@link TrackingConfig.diagnose}). */
  readonly diagnose: { readonly elastic: boolean; readonly maxConflicts: number; readonly maxSolves: number };
  /** Relaxation steps for infeasible dates (see {@link TrackingConfig.relaxation}); `[]`: none. */
  readonly relaxation: readonly RelaxationStep[];
}

/** A benchmark of the run and where its weights came from. */
export interface TrackingUniverseInfo {
  /** The name given (`csi300`). */
  readonly name: string;
  /** The resolved universe's id (`index:000300.SH`). */
  readonly id: string;
  /** The parameters it was resolved with. */
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * The benchmark weights on the rebalance dates: `published` (all published snapshots),
   * `proxy` (approximate on every date that has weights: the dataset has no published weights
   * for the index), `mixed`, or `none` (no date has weights).
   */
  readonly weights: 'published' | 'proxy' | 'mixed' | 'none';
  readonly rebalanceDates: number;
  /** Rebalance dates whose weights are a proxy (flagged `approximate` by the universe). */
  readonly approximateDates: number;
  /** Rebalance dates without benchmark weights (skipped by every factor). */
  readonly missingDates: number;
  /** Constituent-days of the benchmark's daily series with a missing return (counted as 0). */
  readonly missingReturns: number;
  /** Sentences for a user: the proxy used and why, dates without weights. */
  readonly notes: readonly string[];
}

/** A factor of the run: what the pipeline made of it. */
export interface TrackingFactorInfo {
  readonly name: string;
  readonly id: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly direction: 1 | -1;
  readonly package?: string;
  readonly version?: string;
  /** The pipeline's report of the raw values (whole market, no preprocessing). */
  readonly raw: FactorReport;
  /** The pipeline's report of the preprocessed values the MFE test uses (absent without preprocessing). */
  readonly processed?: FactorReport;
  /** `empty`: no value was left (the message names the stage); the factor has no series. */
  readonly outcome: { readonly status: 'ok' } | { readonly status: 'empty'; readonly message: string };
}

/** A factor of the default list left out because the dataset lacks a required input. */
export interface SkippedFactor {
  readonly name: string;
  readonly id: string;
  readonly missing: readonly string[];
  readonly message: string;
}

/** The classic analytics of one factor stage in one universe, without the per-date quantile tables. */
export interface TrackingAnalytics {
  /** `raw`: the plugin's values, direction not applied; `processed`: preprocessed and multiplied by the direction (the MFE's signal). */
  readonly stage: 'raw' | 'processed';
  readonly horizons: readonly number[];
  readonly groups: number;
  /** Per horizon: IC, RankIC and the stocks used on each date. */
  readonly ic: readonly IcSeries[];
  readonly summary: readonly IcSummary[];
  readonly quantiles: readonly QuantileSummary[];
  readonly coverage: Coverage['totals'];
  readonly benchmark: BenchmarkInfo;
  readonly notes: readonly string[];
}

/** The result of one (universe, factor) series: the unit of work of a tracking run. */
export interface TrackingSeries {
  readonly universe: string;
  readonly factor: string;
  readonly direction: 1 | -1;
  readonly mfe: MfeResult;
  /** `mfeAggregates(mfe.daily, asOf)`. */
  readonly aggregates: MfeAggregates;
  readonly analytics: { readonly raw: TrackingAnalytics; readonly processed?: TrackingAnalytics };
  /**
   * `empty` when no rebalance date could be tested (every date skipped: no factor value, no
   * benchmark weights) — a data problem; infeasible dates are not.
   */
  readonly outcome: 'ok' | 'empty';
  /** Whether the MFE test went on from a previous run's state (`TrackingOptions.previous`). */
  readonly reuse: SeriesReuse;
  /**
   * What the series' state is valid for, for the next run to compare: the key of its inputs and
   * settings ({@link TrackingSeriesState.key}) and hashes of the data it read up to its last day.
   * Set by {@link runTracking}; absent from a bare `trackSeries`.
   */
  readonly state?: Omit<TrackingSeriesState, 'checkpoint'>;
  /** The whole evaluations behind `analytics` (every per-date array), for the series' state. */
  readonly evaluations?: { readonly raw: FactorEvaluation; readonly processed?: FactorEvaluation };
  /** Wall-clock seconds. */
  readonly seconds: number;
}

/** How a series used a previous run's state. */
export type SeriesReuse =
  /** No state of a previous run for this series. */
  | { readonly status: 'new' }
  /** Went on from the state as of `from`: only the rebalance dates after it were solved (`newRebalances`). */
  | { readonly status: 'resumed'; readonly from: DateString; readonly newRebalances: number }
  /** A state was there but could not be used (`reason`: `key`, `data`, or `runMfe`'s refusal — `calendar`, `settings`, …): computed from the start. */
  | { readonly status: 'recomputed'; readonly reason: string; readonly message: string };

/**
 * What a tracking run keeps of a series so that the next run, as of a later date, solves only
 * the new dates: the MFE checkpoint and what it is valid for.
 */
export interface TrackingSeriesState {
  readonly universe: string;
  readonly factor: string;
  /**
   * Hash of everything that decides the series besides the data: format and code versions, the
   * factor (id, parameters, package and version), the universe (name, id, parameters), the
   * frequency, the first date, the configuration (every default filled in) and the optimizer.
   */
  readonly key: string;
  /** The last trading day the state covers. */
  readonly lastDate: DateString;
  /**
   * Hashes of the factor's signal — its raw values and the preprocessing's inputs (industry,
   * market cap, investable members) — and of the benchmark's daily returns over the calendar
   * up to `lastDate`: the next run recomputes them over the same dates of its own data and
   * starts over when either differs (revised data, another factor).
   */
  readonly data: { readonly signal: string; readonly benchmark: string };
  readonly checkpoint: MfeCheckpoint;
  /** The series' evaluations (raw and processed), for the next run to continue (`TrackSeriesInput.continued`). */
  readonly analytics?: { readonly raw: FactorEvaluation; readonly processed?: FactorEvaluation };
}

/** What {@link runTracking} returns. */
export interface TrackingResult {
  /** The date asked for. */
  readonly asOf: DateString;
  /** The last trading day used (on or before `asOf`). */
  readonly lastDate: DateString;
  /** The first trading day of the run (factor values and rebalances start here). */
  readonly start: DateString;
  /** The data's first trading day (history before `start` is read for lookbacks). */
  readonly dataStart: DateString;
  readonly config: ResolvedTrackingConfig;
  readonly optimizer: string;
  /** Where the series ran (the executor's label: `in-process`, `2 worker threads`). */
  readonly executor: string;
  readonly universes: readonly TrackingUniverseInfo[];
  readonly factors: readonly TrackingFactorInfo[];
  readonly skippedFactors: readonly SkippedFactor[];
  /** Universe-major: every factor of the first universe, then the next. */
  readonly series: readonly TrackingSeries[];
  readonly notes: readonly string[];
  readonly seconds: number;
  /**
   * Set when the run went on from a previous run's states (`previous`) for every series: each
   * row of the date-ordered tables (`mfe.csv`, `weights.csv`, `daily.csv`, `ic.csv`) dated
   * before this day is identical to the row the previous run wrote, so
   * `writeTrackingOutputs` may keep those rows of the previous output and write only the rest.
   */
  readonly unchangedBefore?: DateString;
  /**
   * Set when the run continued the previous run (`previousRun`): the factors were preprocessed
   * and the series evaluated only from this day on, the earlier rows taken from the states.
   */
  readonly continuedFrom?: DateString;
  /** Run-level state for the next run (plain data, written to `state/` with the series states). */
  readonly runState?: unknown;
}

/** One (universe, factor) series to run: see {@link trackSeries}. */
export interface TrackSeriesInput {
  /** The data as the run sees it (ending at the last date used). */
  readonly data: MarketData;
  readonly asOf: DateString;
  readonly frequency: TrackingFrequency;
  readonly universe: {
    readonly name: string;
    readonly instance: UniverseInstance;
    /** Daily benchmark returns over `data.calendar` (`benchmarkReturns`), shared by the universe's series. */
    readonly benchmarkReturns?: Float64Array;
  };
  readonly investable?: Pick<UniverseInstance, 'members'>;
  readonly factor: {
    readonly name: string;
    readonly direction: 1 | -1;
    /** Raw values, direction not applied, over `dates` (consecutive trading days of `data`). */
    readonly raw: Panel;
    /** Preprocessed values, direction not applied; the MFE test uses them when present, else `raw`. */
    readonly processed?: Panel;
    readonly dates: readonly DateString[];
  };
  readonly optimizer: OptimizerInstance;
  readonly config: ResolvedTrackingConfig;
  /** Forward returns of `data` for `config.horizons` computed beforehand (shared by the series of a run); computed per call when absent. */
  readonly forward?: ForwardReturnsByDate;
  readonly onProblem?: (entry: TrackingProblemEntry) => void | Promise<void>;
  /** A previous run's MFE state to go on from, when `runMfe` accepts it (else the series starts over, `reuse` says why). */
  readonly resume?: MfeCheckpoint;
  /** The previous state was refused before the series (key or data hashes): recorded in `reuse`. */
  readonly resumeRefused?: { readonly reason: string; readonly message: string };
  /**
   * With `resume`: the previous run's evaluations of this series, continued instead of evaluated
   * again (`evaluateFactor({ previous })`) on the factor's rows from `from` (an index into
   * `factor.dates`, at or before the evaluations' `windowStart`). `factor.processed` may then
   * hold only the rows from `from` on (the run processed only the window).
   */
  readonly continued?: { readonly from: number; readonly raw: FactorEvaluation; readonly processed?: FactorEvaluation };
}
