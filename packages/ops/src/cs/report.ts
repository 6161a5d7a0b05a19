/** Per-date counts of a stage (one entry per date of the panel), when asked for. */
export interface StagePerDate {
  /** Finite eligible values entering the stage. */
  readonly input: Int32Array;
  /** Values the stage changed and kept finite. */
  readonly changed: Int32Array;
  /** Values the stage turned into `NaN` (all reasons). */
  readonly dropped: Int32Array;
}

/**
 * What one stage did, over all dates. Counts are of (date, asset) cells inside the mask.
 * `input − dropped = output`, where `dropped` sums the reasons; `changed ≤ output`.
 */
export interface StageReportBase<S extends string, R extends string> {
  readonly stage: S;
  /** Finite eligible values entering the stage. */
  readonly input: number;
  /** Values the stage changed and kept finite (clipped, residualised, standardised, filled). */
  readonly changed: number;
  /** Values the stage turned into `NaN`, by reason (every reason listed, zeros included). */
  readonly dropped: Readonly<Record<R, number>>;
  /** Finite eligible values leaving the stage (a fill stage adds the filled values). */
  readonly output: number;
  /** The same counts per date, when `perDate` was asked for. */
  readonly perDate?: StagePerDate;
}

/** What a winsorising stage did. It never drops a value. */
export interface WinsorizeReport extends StageReportBase<'winsorize', never> {
  readonly method: 'mad' | 'sigma';
  readonly k: number;
  /** Values raised to the lower bound. */
  readonly clippedLow: number;
  /** Values lowered to the upper bound. */
  readonly clippedHigh: number;
  /**
   * Dates left unclipped because their scale was 0 (MAD = 0: over half the values equal the
   * median; σ = 0: all equal) or they had fewer than 2 values.
   */
  readonly zeroScaleDates: number;
}

/** Why neutralisation turned a value into `NaN`. */
export type NeutralizeDropReason =
  /** The asset has no industry on that date (code −1). */
  | 'noIndustry'
  /** The size regressor is missing (e.g. no market cap, or cap ≤ 0 before the log). */
  | 'noSize'
  /** One of the extra regressors is missing. */
  | 'noExtra'
  /** The date had no more observations than fitted parameters: nothing would be left. */
  | 'tooFewObservations';

/** What a neutralising stage did. */
export interface NeutralizeReport extends StageReportBase<'neutralize', NeutralizeDropReason> {
  /** The regressors asked for: `industry`, `size`, `extra[i]`. */
  readonly regressors: readonly string[];
  /** Values that are alone in their industry on their date: their residual is exactly 0. */
  readonly singletons: number;
  /**
   * Dates on which a continuous regressor was left out because, within industries, it has no
   * variation or is collinear with the others (R² > 1 − 1e-10); by regressor name.
   */
  readonly droppedRegressorDates: Readonly<Record<string, number>>;
  /** Dates whose every value was dropped for `tooFewObservations`. */
  readonly tooFewObservationsDates: number;
}

/** Why standardising turned a value into `NaN`. */
export type StandardizeDropReason =
  /** Fewer than 2 values on the date, or all equal: the z-score is undefined. */
  | 'zeroDispersion'
  /** Cap-weighted mean asked for, but no value on the date has a positive market cap. */
  | 'noWeights';

/** What a standardising stage did. */
export interface StandardizeReport extends StageReportBase<'standardize', StandardizeDropReason> {
  readonly weights: 'equal' | 'cap';
  /** With cap weights: values standardised but left out of the weighted mean (no market cap). */
  readonly unweighted: number;
}

/** Why a fill stage left an eligible value missing. */
export type FillSkipReason =
  /** `industry-median`: the asset has no industry on that date. */
  | 'noIndustry'
  /** `industry-median`: no value in the asset's industry on that date to take a median of. */
  | 'emptyIndustry';

/** What a fill stage did: `changed` counts the filled values. It never drops a value. */
export interface FillReport extends StageReportBase<'fill', never> {
  readonly method: 'industry-median' | 'zero';
  /** Eligible values still missing after the fill, by reason. */
  readonly unfilled: Readonly<Record<FillSkipReason, number>>;
}

/** Accumulates a stage's counts; the stage-specific fields are added by the caller. */
export class StageCounter<R extends string> {
  input = 0;
  changed = 0;
  output = 0;
  readonly dropped: Record<R, number>;
  readonly perDate: StagePerDate | undefined;

  constructor(reasons: readonly R[], dates: number, perDate: boolean) {
    this.dropped = Object.fromEntries(reasons.map((r) => [r, 0])) as Record<R, number>;
    this.perDate = perDate ? { input: new Int32Array(dates), changed: new Int32Array(dates), dropped: new Int32Array(dates) } : undefined;
  }

  /** Record one date's counts. */
  add(t: number, input: number, changed: number, dropped: number, added = 0): void {
    this.input += input;
    this.changed += changed;
    this.output += input - dropped + added;
    if (this.perDate) {
      this.perDate.input[t] = input;
      this.perDate.changed[t] = changed;
      this.perDate.dropped[t] = dropped;
    }
  }

  drop(reason: R, count = 1): void {
    this.dropped[reason] += count;
  }

  base<S extends string>(stage: S): StageReportBase<S, R> {
    return {
      stage,
      input: this.input,
      changed: this.changed,
      dropped: { ...this.dropped },
      output: this.output,
      ...(this.perDate ? { perDate: this.perDate } : {}),
    };
  }
}
