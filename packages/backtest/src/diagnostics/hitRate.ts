import { type Issue, type MarketData, ValidationError, show } from '@factorkit/core';
import { CarriedCloses, checkLength } from './closes.js';

/** Options of {@link stockHitRate}. */
export interface HitRateOptions {
  readonly data: MarketData;
  /** The decision days (calendar indices of `data`), increasing: each opens a period. */
  readonly rebalances: readonly number[];
  /**
   * The active weights `w − b` over `data.assets` decided at the close of `t` (the targets of the
   * rebalance less the benchmark's weights), or `undefined` to skip the period (counted).
   */
  readonly active: (t: number) => ArrayLike<number> | undefined;
  /**
   * 1 for the stocks ranked in the period opened at `t` (any non-zero value counts). Default:
   * the stocks with a non-zero active weight or a positive benchmark weight (when
   * `benchmarkWeights` is given), i.e. those with a positive weight in the portfolio or the
   * benchmark.
   */
  readonly candidates?: (t: number) => ArrayLike<number>;
  /** The benchmark's weights at the close of `t` (`NaN` = not in it), for the default candidates. */
  readonly benchmarkWeights?: (t: number) => ArrayLike<number> | undefined;
  /** The last period's last day (a calendar index). Default: the calendar's last day. */
  readonly end?: number;
  /** The share of the ranked stocks that makes the top group (default 0.1, a decile). */
  readonly decile?: number;
}

/** One rebalance period of {@link stockHitRate}. */
export interface HitRatePeriod {
  /** The decision day (`YYYY-MM-DD`): the period's returns run from its close. */
  readonly date: string;
  /** The period's last day: the next decision day, or the end. */
  readonly end: string;
  /** `activeWeightTop / activeWeightTotal`; `NaN` when no ranked stock has a positive active weight. */
  readonly hitRate: number;
  /** Σ of the positive active weights of the ranked stocks in the top group. */
  readonly activeWeightTop: number;
  /** Σ of the positive active weights of the ranked stocks. */
  readonly activeWeightTotal: number;
  /** Stocks ranked: candidates with a return over the period. */
  readonly stocks: number;
  /** Stocks in the top group (more than `ceil(decile × stocks)` when returns tie at the edge). */
  readonly top: number;
  /** Ranked stocks with a positive active weight. */
  readonly overweight: number;
  /** Positive active weight left out of the ranking (not a candidate, or no return): in no total. */
  readonly unrankedWeight: number;
}

/** What {@link stockHitRate} returns. */
export interface HitRateResult {
  readonly periods: readonly HitRatePeriod[];
  /** Mean of the periods' hit rates (periods with a `NaN` hit rate left out); `NaN` without any. */
  readonly mean: number;
  /**
   * What weights spread without skill would score: the mean over the same periods of
   * `top / stocks` (about `decile`).
   */
  readonly random: number;
  readonly decile: number;
  /** Periods skipped because `active` gave `undefined`, or the decision day was the end. */
  readonly skipped: number;
}

/**
 * The stock-level hit rate: for each rebalance period (from the close of a decision day to the
 * close of the next one, or of the end), the share of the positive active weight that sat in
 * stocks that ended in the top decile of the period's returns — what fund managers who
 * optimise "at the stock level" look at.
 *
 * A stock's period return is its adjusted close at the period's end over the one at its start,
 * the last known close carried over days without one (as the backtest values positions). The
 * stocks ranked are the candidates with both closes; the top group is every ranked stock whose
 * return is at least the `ceil(decile × stocks)`-th largest, so ties at the edge all count as
 * top (and `random` rises with them). Positive active weight in stocks not ranked is reported as
 * `unrankedWeight` and left out of both sums.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` for bad options; FactorkitError
 *   `FK_INVALID_ARGUMENT` when a callback returns an array of the wrong length.
 */
export function stockHitRate(options: HitRateOptions): HitRateResult {
  const { data, rebalances } = options;
  const T = data.calendar.length;
  const N = data.assets.length;
  const decile = options.decile ?? 0.1;
  const end = options.end ?? T - 1;
  const issues: Issue[] = [];
  const list: unknown = rebalances;
  if (!Array.isArray(list)) issues.push({ path: 'options.rebalances', message: `expected increasing calendar indices, got ${show(rebalances)}` });
  else {
    rebalances.forEach((t, i) => {
      if (!Number.isInteger(t) || t < 0 || t >= T || (i > 0 && t <= rebalances[i - 1]!)) {
        issues.push({ path: `options.rebalances[${i}]`, message: `expected an increasing calendar index in 0 … ${T - 1}, got ${show(t)}` });
      }
    });
  }
  if (typeof options.active !== 'function') issues.push({ path: 'options.active', message: `expected a function (t) → active weights | undefined, got ${show(options.active)}` });
  for (const key of ['candidates', 'benchmarkWeights'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') issues.push({ path: `options.${key}`, message: `expected a function of the day, got ${show(options[key])}` });
  }
  if (!(typeof decile === 'number' && decile > 0 && decile <= 1)) issues.push({ path: 'options.decile', message: `expected a share in (0, 1], got ${show(decile)}` });
  if (!Number.isInteger(end) || end < 0 || end >= T) issues.push({ path: 'options.end', message: `expected a calendar index in 0 … ${T - 1}, got ${show(end)}` });
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', 'invalid hit-rate options', issues, { details: { owner: 'stockHitRate' } });

  // The carried closes at every period's ends, in one sweep.
  const starts = rebalances.filter((t) => t < end);
  const bounds = [...new Set([...starts, end])].sort((x, y) => x - y);
  const closes = new CarriedCloses(data);
  const at = new Map<number, Float64Array>();
  for (const t of bounds) {
    closes.advance(t);
    at.set(t, closes.values.slice());
  }

  const periods: HitRatePeriod[] = [];
  let skipped = rebalances.length - starts.length;
  const ret = new Float64Array(N);
  const ranked: number[] = [];
  starts.forEach((t, i) => {
    const stop = i + 1 < starts.length ? starts[i + 1]! : end;
    const active = options.active(t);
    if (active === undefined) {
      skipped++;
      return;
    }
    const where = (what: string) => `stockHitRate: ${what}(${data.calendar.dates[t]})`;
    checkLength(active, data, where('active'));
    const chosen = options.candidates?.(t);
    if (chosen !== undefined) checkLength(chosen, data, where('candidates'));
    const benchmark = chosen === undefined ? options.benchmarkWeights?.(t) : undefined;
    if (benchmark !== undefined) checkLength(benchmark, data, where('benchmarkWeights'));
    const c0 = at.get(t)!;
    const c1 = at.get(stop)!;
    ranked.length = 0;
    let unranked = 0;
    for (let a = 0; a < N; a++) {
      const x = active[a]!;
      const candidate = chosen !== undefined ? chosen[a] !== 0 && !Number.isNaN(chosen[a]!) : (x !== 0 && Number.isFinite(x)) || (benchmark !== undefined && benchmark[a]! > 0);
      const r = c1[a]! / c0[a]! - 1;
      if (candidate && Number.isFinite(r)) {
        ret[a] = r;
        ranked.push(a);
      } else if (x > 0) unranked += x;
    }
    const n = ranked.length;
    let threshold = Number.POSITIVE_INFINITY;
    if (n > 0) {
      const sorted = Float64Array.from(ranked, (a) => ret[a]!).sort();
      // The k-th largest; the tolerance keeps 0.1 × 30 from rounding up to 4.
      const k = Math.max(1, Math.ceil(decile * n - 1e-9));
      threshold = sorted[n - k]!;
    }
    let top = 0;
    let weightTop = 0;
    let weightTotal = 0;
    let overweight = 0;
    for (const a of ranked) {
      const isTop = ret[a]! >= threshold;
      if (isTop) top++;
      const x = active[a]!;
      if (!(x > 0)) continue;
      overweight++;
      weightTotal += x;
      if (isTop) weightTop += x;
    }
    periods.push({
      date: data.calendar.dates[t]!,
      end: data.calendar.dates[stop]!,
      hitRate: weightTotal > 0 ? weightTop / weightTotal : Number.NaN,
      activeWeightTop: weightTop,
      activeWeightTotal: weightTotal,
      stocks: n,
      top,
      overweight,
      unrankedWeight: unranked,
    });
  });
  let sum = 0;
  let base = 0;
  let count = 0;
  for (const p of periods) {
    if (Number.isNaN(p.hitRate)) continue;
    sum += p.hitRate;
    base += p.top / p.stocks;
    count++;
  }
  return { periods, mean: count > 0 ? sum / count : Number.NaN, random: count > 0 ? base / count : Number.NaN, decile, skipped };
}
