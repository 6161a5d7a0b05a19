import { FactorkitError, type Issue, type MarketData, ValidationError, show } from '@factorkit/core';
import { CarriedCloses, checkLength } from './closes.js';

/** Options of {@link contributionTracker}. */
export interface ContributionOptions {
  /**
   * The benchmark's weights at the close of day `t` over `data.assets` (`NaN` or 0 = not in
   * it), or `undefined` when unknown that day (then the day's active figures take a benchmark
   * weight of 0 and the day is counted in `daily().benchmarkMissing`). Omitted: no benchmark,
   * active = portfolio contribution.
   */
  readonly benchmarkWeights?: (t: number) => ArrayLike<number> | undefined;
  /** The return of a day: `'close'` (the only one): adjusted close to adjusted close. */
  readonly returns?: 'close';
}

/** What one stock added to the portfolio over a run (fractions of the portfolio value, summed over days). */
export interface StockContribution {
  /** Column of the asset in the data. */
  readonly asset: number;
  readonly code: string;
  /** Σ over the run's days of `w(t − 1) · r(t)`: its part of the invested return, before costs. */
  readonly contribution: number;
  /** Σ of `(w − b)(t − 1) · r(t)`: its part of the active return. */
  readonly activeContribution: number;
  /** Days with a return on which it was held (a positive weight at the previous close). */
  readonly daysHeld: number;
  /** Mean of `w(t − 1)` over the run's days with a return (0 on the days not held). */
  readonly meanWeight: number;
  /** Mean of `(w − b)(t − 1)` over the run's days with a return. */
  readonly meanActiveWeight: number;
  /** Days it had a weight (portfolio or benchmark) but no return (no close known yet): counted as 0. */
  readonly missingDays: number;
}

/** The day-by-day sums of a {@link contributionTracker}, one entry per day with a return. */
export interface ContributionDaily {
  /** Calendar index of each day (its return runs from the previous close seen). */
  readonly t: Int32Array;
  readonly dates: readonly string[];
  /** Σ_a w_a(t − 1) · r_a(t): the invested return of the day before costs, cash earning nothing. */
  readonly portfolio: Float64Array;
  /** Σ_a (w − b)_a(t − 1) · r_a(t). */
  readonly active: Float64Array;
  /** Σ_a b_a(t − 1) · r_a(t); `NaN` without benchmark weights at `t − 1` (or no `benchmarkWeights` at all). */
  readonly benchmark: Float64Array;
  /** Days whose previous close had no benchmark weights (`benchmarkWeights` gave `undefined`). */
  readonly benchmarkMissing: number;
}

/** The accumulator {@link contributionTracker} returns. */
export interface ContributionTracker {
  /** Pass as (or call from) `runBacktest`'s `onClose`; days must come in increasing order. */
  readonly onClose: (t: number, weights: Float64Array) => void;
  /**
   * One row per stock held at some close of the run or in the benchmark, by contribution (the
   * largest first; equal ones by code).
   */
  result(): StockContribution[];
  /** The sums of each day, to set against the NAV's daily returns. */
  daily(): ContributionDaily;
}

/**
 * Per-stock contribution over a backtest, fed by `runBacktest`'s `onClose`: each day `t` adds
 * `w_a(t − 1) · r_a(t)` to stock `a`'s contribution and `(w_a − b_a)(t − 1) · r_a(t)` to its
 * active contribution, where `w` are the portfolio's weights and `b` the benchmark's at the
 * previous close, and `r_a(t)` the adjusted close-to-close return of the day (the last known
 * close carried over days without one, as the backtest values positions).
 *
 * The approximation: a day's contributions add up to the invested return of the day from the
 * previous close's weights, before costs and with cash earning nothing. The NAV's return
 * differs by the day's trades (filled at the open or the VWAP, not at the close: the move from
 * the previous close to the fill price of what was bought or sold goes to the NAV only), the
 * costs and the deposit interest. With fills at the close, no costs and no interest the two are
 * equal to rounding. Contributions are summed, not compounded: over a run they add up to Σ of
 * the daily invested returns, not to the total return.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` for bad options; FactorkitError
 *   `FK_INVALID_ARGUMENT` when `onClose` gets days out of order or a callback returns an array
 *   of the wrong length.
 */
export function contributionTracker(data: MarketData, options: ContributionOptions = {}): ContributionTracker {
  const issues: Issue[] = [];
  if (options.benchmarkWeights !== undefined && typeof options.benchmarkWeights !== 'function') {
    issues.push({ path: 'options.benchmarkWeights', message: `expected a function (t) → weights | undefined, got ${show(options.benchmarkWeights)}` });
  }
  if (options.returns !== undefined && options.returns !== 'close') issues.push({ path: 'options.returns', message: `expected \`close\`, got ${show(options.returns)}` });
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', 'invalid contribution options', issues, { details: { owner: 'contributionTracker' } });

  const N = data.assets.length;
  const closes = new CarriedCloses(data);
  const previousClose = new Float64Array(N);
  const w0 = new Float64Array(N);
  const b0 = new Float64Array(N);
  let benchmarkKnown = false;
  const contribution = new Float64Array(N);
  const active = new Float64Array(N);
  const held = new Int32Array(N);
  const missing = new Int32Array(N);
  const weightSum = new Float64Array(N);
  const activeSum = new Float64Array(N);
  const seen = new Uint8Array(N);
  const days: number[] = [];
  const portfolioDaily: number[] = [];
  const activeDaily: number[] = [];
  const benchmarkDaily: number[] = [];
  let benchmarkMissing = 0;
  let last = -1;

  const benchmarkAt = (t: number): boolean => {
    const b = options.benchmarkWeights?.(t);
    if (b === undefined) {
      b0.fill(0);
      return false;
    }
    checkLength(b, data, `contributionTracker: benchmarkWeights(${data.calendar.dates[t]})`);
    for (let a = 0; a < N; a++) {
      const v = b[a]!;
      b0[a] = Number.isFinite(v) ? v : 0;
      if (b0[a] !== 0) seen[a] = 1;
    }
    return true;
  };

  const onClose = (t: number, weights: Float64Array): void => {
    if (!(Number.isInteger(t) && t > last)) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `contributionTracker.onClose: day ${show(t)} does not follow day ${last}`);
    }
    checkLength(weights, data, `contributionTracker.onClose(${data.calendar.dates[t] ?? t})`);
    closes.advance(t);
    const close = closes.values;
    if (last >= 0) {
      let p = 0;
      let x = 0;
      let bench = 0;
      for (let a = 0; a < N; a++) {
        const w = w0[a]!;
        const b = b0[a]!;
        if (w === 0 && b === 0) continue;
        weightSum[a] = weightSum[a]! + w;
        activeSum[a] = activeSum[a]! + (w - b);
        if (w > 0) held[a] = held[a]! + 1;
        const r = close[a]! / previousClose[a]! - 1;
        if (Number.isNaN(r)) {
          missing[a] = missing[a]! + 1;
          continue;
        }
        contribution[a] = contribution[a]! + w * r;
        active[a] = active[a]! + (w - b) * r;
        p += w * r;
        x += (w - b) * r;
        bench += b * r;
      }
      days.push(t);
      portfolioDaily.push(p);
      activeDaily.push(x);
      benchmarkDaily.push(benchmarkKnown ? bench : Number.NaN);
      if (!benchmarkKnown && options.benchmarkWeights !== undefined) benchmarkMissing++;
    }
    previousClose.set(close);
    for (let a = 0; a < N; a++) {
      const w = weights[a]!;
      w0[a] = w;
      if (w !== 0) seen[a] = 1;
    }
    benchmarkKnown = benchmarkAt(t);
    last = t;
  };

  return {
    onClose,
    result() {
      const D = days.length;
      const rows: StockContribution[] = [];
      for (let a = 0; a < N; a++) {
        if (!seen[a]) continue;
        rows.push({
          asset: a,
          code: data.assets[a]!,
          contribution: contribution[a]!,
          activeContribution: active[a]!,
          daysHeld: held[a]!,
          meanWeight: D > 0 ? weightSum[a]! / D : Number.NaN,
          meanActiveWeight: D > 0 ? activeSum[a]! / D : Number.NaN,
          missingDays: missing[a]!,
        });
      }
      return rows.sort((x, y) => y.contribution - x.contribution || (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
    },
    daily() {
      return {
        t: Int32Array.from(days),
        dates: days.map((t) => data.calendar.dates[t]!),
        portfolio: Float64Array.from(portfolioDaily),
        active: Float64Array.from(activeDaily),
        benchmark: Float64Array.from(benchmarkDaily),
        benchmarkMissing,
      };
    },
  };
}
