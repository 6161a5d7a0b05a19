import type { DateString, FactorWeight, ModelDiagnostics, ModelPlugin, ModelSpec, Panel, PluginSource } from '@factorkit/core';

/**
 * Values over dates × assets: a core `Panel` (column-major, `values[a × dates + t]`) or a
 * date-major `Float64Array` (`values[t × assets + a]`, as `@factorkit/evaluate`'s
 * `forwardReturnsByDate` lays returns out). `NaN` = missing.
 */
export type DateAssetValues = Panel | Float64Array;

/** One factor's preprocessed exposures. */
export interface WalkForwardFactor {
  /** The name its weight is reported under. */
  readonly name: string;
  /**
   * Row `t` is the exposure known at the close of `dates[t]` (as `computeFactor` and the
   * pipeline give it), preprocessed (standardised, direction applied) the way the model expects.
   */
  readonly values: DateAssetValues;
}

/** What {@link walkForward} learns from and scores. */
export interface WalkForwardInput {
  /** Consecutive trading days, ascending: the rows of every array. */
  readonly dates: readonly DateString[];
  /** The columns of every array. */
  readonly assets: readonly string[];
  readonly factors: readonly WalkForwardFactor[];
  /**
   * Forward returns: row `s` is the return from the close of `dates[s]` to the close of
   * `dates[s + horizon]` (what `forwardReturns` of `@factorkit/evaluate` gives for this
   * horizon); `NaN` = none. A label of date `s` is known at the close of `s + horizon`.
   */
  readonly labels: DateAssetValues;
  /** `h`, the labels' horizon in rows of `dates` (trading days), an integer ≥ 1. */
  readonly horizon: number;
  /**
   * Assets that may enter training and be scored on date `t`, as of `t` (1 = yes): a universe's
   * `members`. Default: every asset.
   */
  readonly members?: (t: number) => Uint8Array;
}

/** How labels are normalised across each training date's rows. */
export type LabelTransform = 'rank-normal' | 'zscore';

/** Options of {@link walkForward}. */
export interface WalkForwardOptions {
  /** The combination model, bare (default parameters) or with parameters (`plugin.with({ … })`). */
  readonly model: ModelPlugin<any> | ModelSpec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Retrain every `N` dates (e.g. 20 trading days), counted from the first prediction date. */
  readonly retrainEvery: number;
  /** `W`: the training window holds the label dates `trainTo − W + 1 … trainTo`. */
  readonly window: number;
  /**
   * `rank-normal` (default): `Φ⁻¹((rank − ½) / m)` of each date's labels; `zscore`: minus the
   * date's mean, over its standard deviation.
   */
  readonly labelTransform?: LabelTransform;
  /** Least label dates with rows a training needs; fewer skips it. Default: `window` (a full window). */
  readonly minDates?: number;
  /** Least rows a label date needs to enter training (fewer: the date is left out, counted). Default 10, at least 2. */
  readonly minAssets?: number;
  /**
   * First prediction date (a date, snapped forward to one of `dates`, or an index). Default:
   * the first date with `minDates` label dates known, index `horizon + minDates − 1`.
   */
  readonly start?: DateString | number;
  /** Last prediction date (snapped back), default the last date. */
  readonly end?: DateString | number;
  /** Where the model plugin came from, named if its code fails. */
  readonly source?: PluginSource;
}

/** Rows left out of one training, by reason. */
export interface TrainingDrops {
  /** Eligible asset-dates with an exposure but no label (suspended, delisted before `s + h`, …). */
  readonly labelMissing: number;
  /** Eligible asset-dates without any exposure (with or without a label). */
  readonly noExposure: number;
  /** Label dates with fewer than `minAssets` rows (none at all included), and the rows they had. */
  readonly smallDates: number;
  readonly smallDateRows: number;
  /** Label dates whose labels were all equal (nothing to learn from), and their rows. */
  readonly constantDates: number;
  readonly constantDateRows: number;
}

/** One (re)training of the walk-forward, and the dates its model scored. */
export interface WalkForwardTraining {
  /** The retrain date: at its close the model is trained, and it scores this date first. */
  readonly date: DateString;
  /** `skipped`: no model (too few label dates, or the model refused: `reason`); its dates are not scored. */
  readonly status: 'trained' | 'skipped';
  readonly reason?: string;
  /** First label date of the window (`undefined` when no label is known yet). */
  readonly trainFrom: DateString | undefined;
  /**
   * Last label date used: `horizon` trading days before `date`, so its label (close of
   * `trainTo` → close of `trainTo + horizon` = `date`) is known at the close of `date`;
   * no label used ends after `date`.
   */
  readonly trainTo: DateString | undefined;
  /** The dates this model scores: `date` up to the day before the next retrain (or the end). */
  readonly predictFrom: DateString;
  readonly predictTo: DateString;
  /** Label dates that contributed rows, and the rows. */
  readonly dates: number;
  readonly rows: number;
  readonly dropped: TrainingDrops;
  /** Per factor, in input order (empty when skipped). */
  readonly weights: readonly FactorWeight[];
  readonly diagnostics?: ModelDiagnostics;
}

/** What {@link walkForward} returns. */
export interface WalkForwardResult {
  readonly dates: readonly DateString[];
  readonly assets: readonly string[];
  readonly factors: readonly string[];
  readonly horizon: number;
  readonly labelTransform: LabelTransform;
  /** Indices of the first and last prediction dates. */
  readonly first: number;
  readonly last: number;
  /**
   * Out-of-sample scores, `dates × assets` (every input date; rows outside `first … last`
   * are `NaN`): the model in force on `t` applied to the exposures of `t`. `NaN` for an asset
   * that is not a member, has no exposure, or on a date without a model.
   */
  readonly scores: Panel;
  readonly trainings: readonly WalkForwardTraining[];
  /** Asset-dates of the prediction range among members: scored, without exposure, without a model. */
  readonly predictions: { readonly scored: number; readonly noExposure: number; readonly noModel: number };
}
