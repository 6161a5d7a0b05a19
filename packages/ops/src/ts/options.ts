/**
 * Running sums are recomputed exactly from the window every `max(window, MIN_RECOMPUTE)`
 * steps, so rounding error builds up over a bounded number of updates; recomputing a short
 * window at every window would double the work for no accuracy that matters.
 */
export const MIN_RECOMPUTE = 128;

/** Options of every rolling-window operator. */
export interface RollingOptions {
  /**
   * Least number of observations (finite values) the window must hold for an output; fewer
   * gives `NaN`. An integer in `1 … window`; default `window` (a full window).
   */
  readonly minObs?: number;
}

/** Options of the variance-type operators. */
export interface VarianceOptions extends RollingOptions {
  /** Delta degrees of freedom: the divisor is `count − ddof`. Default 1 (sample variance). */
  readonly ddof?: number;
}
