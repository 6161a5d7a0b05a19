import { FIELD, type Panel } from '@factorkit/core';
import { correlation, rankInPlace, ranksInOrder } from '@factorkit/ops';
import { returnsByDate } from './forward.js';
import { groupsFromRanks } from './groups.js';
import { type EvaluateFactorOptions, type Resolved, resolveOptions } from './options.js';
import { type Row, RowPair, newRow, sortRow } from './rows.js';
import { icStats, seriesStats, yearRanges } from './stats.js';
import type { Coverage, FactorEvaluation, HorizonCoverage, IcDecay, IcSeries, IcSummary, QuantileSeries, QuantileSummary } from './types.js';

/**
 * Classic factor analytics for one factor, as alphalens / jqfactor_analyzer users know them,
 * with every drop counted:
 *
 * - forward returns per horizon (default 1, 5, 20 trading days; see `forwardReturns`), or
 *   the ones given as `forward` (`forwardReturnsByDate`, computed once for many calls);
 * - per date, IC (Pearson) and RankIC (Spearman, average ranks) with the count used, their
 *   mean, std, ICIR, t-statistic and share of positive dates overall and per calendar year;
 *   IC decay over lags `1 … decayLags`;
 * - quantile groups per date (`quantileGroups`: by average rank, ties in one group), each
 *   group's equal- and cap-weighted mean forward return, top group minus benchmark, top minus
 *   bottom, group turnover and the factor's rank autocorrelation;
 * - coverage: per date the members, and each stock left out under exactly one reason.
 *
 * Which stocks count on date `t`: members of the universe on `t` that have a row and trade on
 * `t` (not suspended) and have a finite factor value — the eligible stocks, which are ranked and
 * grouped; of those, the ones with a forward return are used for that horizon. Pure: nothing
 * is read but `options`, nothing written but the result. The universe's `members(t)` and the
 * benchmark's `weights(t)` are asked once per date.
 *
 * Cost: O(dates × horizons × members · log members) — the work of each date is over the
 * universe's members, not the whole market — plus, without `forward`, computing the forward
 * returns (O(calendar × assets × horizons), the larger part for an index universe).
 *
 * @throws ValidationError `FK_INVALID_PARAMS` listing every bad option; FactorkitError
 *   `FK_MISSING_INPUT` when a field asked for is not in the data, `FK_INVALID_DATA` when the
 *   universe's mask has the wrong length, `FK_INVALID_ARGUMENT` when `forward` does not fit the
 *   call (data, horizons or return definition).
 */
export function evaluateFactor(options: EvaluateFactorOptions): FactorEvaluation {
  const cfg = resolveOptions(options);
  const returns = cfg.given ?? returnsByDate(cfg.data, cfg.forward, 'evaluateFactor').returns;
  const oneDay = cfg.decayLags === 0 ? undefined : (returns[cfg.horizons.indexOf(1)] ?? cfg.givenOneDay ?? returnsByDate(cfg.data, { ...cfg.forward, horizons: [1] }, 'evaluateFactor').returns[0]!);
  const run = new Run(cfg, returns, oneDay);
  for (let i = 0; i < cfg.dates.length; i++) run.date(i);
  const source = cfg.forward.priceField === undefined ? 'returns' : 'prices';
  return run.result(source, cfg.forward.priceField ?? cfg.forward.returnField ?? FIELD.ret);
}

/** Per-horizon outputs while running. */
interface HorizonState {
  readonly h: number;
  /** Date-major: `fwd[t × assets + a]`. */
  readonly fwd: Float64Array;
  readonly ic: IcSeries;
  readonly quantiles: QuantileSeries;
  readonly coverage: HorizonCoverage;
}

/**
 * The evaluation of one factor, date by date, with all scratch allocated once. Each date's work
 * is over the universe's members only, held compactly (`Row`): a few hundred stocks of an index
 * rather than the whole market. Each row is sorted once (`sortOrder`); every correlation over a
 * subset of it ranks by walking that order (`ranksInOrder`), so IC decay and autocorrelation
 * cost no sorting per pair of dates. Sums run over the stocks in ascending asset order, as a
 * loop over every asset skipping the missing ones would add them.
 */
class Run {
  private readonly N: number;
  private readonly T: number;
  private readonly R: number;
  private readonly G: number;
  /** Eligible factor values of the last `slots` dates, slot `i % slots`. */
  private readonly slots: number;
  private readonly factorRows: Row[];
  /** 1-day forward returns of calendar rows `t … t + decayLags − 1`, slot `t % decayLags`. */
  private readonly decayRows: Row[];
  private decayLoaded = -1;
  /** Finite factor values per evaluation date, over every asset (members or not). */
  private readonly finite: Int32Array;
  /** The members of the current date (ascending asset indices) and their mask values. */
  private readonly memberAssets: Int32Array;
  private readonly memberMask: Uint8Array;
  private memberCount = 0;
  /** The current date's benchmark: stocks with a positive finite weight and their weights. */
  private readonly benchAssets: Int32Array;
  private readonly benchWeights: Float64Array;
  private benchCount = 0;
  /** Per position of the current factor row: 1 when it has a forward return (`used`). */
  private readonly keep: Uint8Array;
  /** The used stocks' factor values, returns, factor ranks and row positions, in asset order. */
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly xr: Float64Array;
  private readonly usedAt: Int32Array;
  /** The cap of each stock of the current factor row, by position. */
  private readonly capAt: Float64Array;
  private readonly subsetRanks: Float64Array;
  private readonly sortScratch: Float64Array;
  private readonly rankScratch: { readonly scratch: Float64Array; readonly index: Int32Array };
  private readonly sums: Float64Array;
  private readonly capSums: Float64Array;
  private readonly capWeights: Float64Array;
  private readonly horizons: HorizonState[];
  private readonly coverage: Omit<Coverage, 'horizons' | 'totals' | 'dates'>;
  private readonly decayIc: Float64Array;
  private readonly decayRankIc: Float64Array;
  private weightedDates = 0;
  private equalDates = 0;
  private approximateDates = 0;
  private readonly pair: RowPair;

  constructor(
    private readonly cfg: Resolved,
    fwd: readonly Float64Array[],
    private readonly oneDay: Float64Array | undefined,
  ) {
    const N = cfg.data.assets.length;
    const R = cfg.dates.length;
    const G = cfg.groups;
    this.N = N;
    this.T = cfg.data.calendar.length;
    this.R = R;
    this.G = G;
    this.slots = Math.max(...cfg.horizons) + 1;
    this.factorRows = Array.from({ length: this.slots }, () => newRow(N));
    this.decayRows = Array.from({ length: cfg.decayLags }, () => newRow(N));
    this.finite = finiteCounts(cfg.values);
    this.memberAssets = new Int32Array(N);
    this.memberMask = new Uint8Array(N);
    this.benchAssets = new Int32Array(N);
    this.benchWeights = new Float64Array(N);
    this.keep = new Uint8Array(N);
    this.xs = new Float64Array(N);
    this.ys = new Float64Array(N);
    this.xr = new Float64Array(N);
    this.usedAt = new Int32Array(N);
    this.capAt = new Float64Array(N);
    this.subsetRanks = new Float64Array(N);
    this.sortScratch = new Float64Array(N);
    this.rankScratch = { scratch: this.sortScratch, index: new Int32Array(N) };
    this.pair = new RowPair(N);
    this.sums = new Float64Array(G + 1);
    this.capSums = new Float64Array(G + 1);
    this.capWeights = new Float64Array(G + 1);
    const counts = () => new Int32Array(R);
    const series = () => new Float64Array(R).fill(Number.NaN);
    this.coverage = { members: counts(), notInUniverse: counts(), noRow: counts(), suspended: counts(), missingValue: counts(), nonFinite: counts(), eligible: counts() };
    this.horizons = cfg.horizons.map((h, k) => ({
      h,
      fwd: fwd[k]!,
      ic: { horizon: h, dates: cfg.dates, n: counts(), ic: series(), rankIc: series() },
      quantiles: {
        horizon: h,
        groups: G,
        dates: cfg.dates,
        counts: new Int32Array(R * G),
        meanEqual: new Float64Array(R * G).fill(Number.NaN),
        meanCap: new Float64Array(R * G).fill(Number.NaN),
        top: new Uint16Array(R),
        bottom: new Uint16Array(R),
        benchmark: series(),
        topExcessEqual: series(),
        topExcessCap: series(),
        spreadEqual: series(),
        spreadCap: series(),
        turnoverTop: series(),
        turnoverBottom: series(),
        rankAutocorrelation: series(),
      },
      coverage: { horizon: h, endOfData: counts(), missingReturn: counts(), used: counts(), missingCap: counts() },
    }));
    this.decayIc = new Float64Array(cfg.decayLags * R).fill(Number.NaN);
    this.decayRankIc = new Float64Array(cfg.decayLags * R).fill(Number.NaN);
  }

  /** Everything for evaluation date `i` (calendar index `first + i`). */
  date(i: number): void {
    const t = this.cfg.first + i;
    this.loadMembers(t);
    const row = this.factorRows[i % this.slots]!;
    this.classify(i, t, row);
    sortRow(row, this.sortScratch);
    groupsFromRanks(row.ranks, row.count, row.count, this.G, row.groups);
    const [bottom, top] = extremes(row);
    this.loadBenchmark(t);
    for (const state of this.horizons) {
      state.quantiles.top[i] = top;
      state.quantiles.bottom[i] = bottom;
      this.horizonDate(state, i, t, row);
      if (i >= state.h) this.lagDate(state, i, row);
    }
    if (this.oneDay) this.decayDate(i, t, row);
  }

  /** The universe's members on calendar date `t` (its mask read once). */
  private loadMembers(t: number): void {
    const mask = this.cfg.members(t);
    const assets = this.memberAssets;
    const values = this.memberMask;
    let m = 0;
    for (let a = 0; a < this.N; a++) {
      const v = mask[a]!;
      if (v === 0) continue;
      assets[m] = a;
      values[m++] = v;
    }
    this.memberCount = m;
  }

  /** Sort each member into one reason or eligible; `row` gets the eligible stocks and their values. */
  private classify(i: number, t: number, row: Row): void {
    const { values, trading, cap } = this.cfg;
    const R = values.dates;
    const T = this.T;
    const x = values.values;
    const tradingValues = trading?.values;
    const capValues = cap?.values;
    const capDates = cap?.dates ?? 0;
    const capAt = this.capAt;
    const assets = this.memberAssets;
    let finite = 0;
    let noRow = 0;
    let suspended = 0;
    let missing = 0;
    let infinite = 0;
    let kept = 0;
    for (let k = 0; k < this.memberCount; k++) {
      const a = assets[k]!;
      const v = x[a * R + i]!;
      if (v - v === 0) finite++;
      const status = tradingValues ? tradingValues[a * T + t]! : 1;
      if (status !== status) noRow++;
      else if (status === 0) suspended++;
      else if (v !== v) missing++;
      else if (v - v !== 0) infinite++;
      else {
        capAt[kept] = capValues ? capValues[a * capDates + t]! : Number.NaN;
        row.assets[kept] = a;
        row.values[kept++] = v;
      }
    }
    row.count = kept;
    const c = this.coverage;
    c.members[i] = this.memberCount;
    // Stocks with a value outside the universe: all values less the members' (whatever their status).
    c.notInUniverse[i] = this.finite[i]! - finite;
    c.noRow[i] = noRow;
    c.suspended[i] = suspended;
    c.missingValue[i] = missing;
    c.nonFinite[i] = infinite;
    c.eligible[i] = kept;
  }

  /**
   * The benchmark of calendar date `t`: the weights given (`weights(t)`, asked once) or, without
   * them, the members weighted by their mask value (1) — kept where positive and finite.
   */
  private loadBenchmark(t: number): void {
    const weights = this.benchmarkWeights(t);
    const assets = this.benchAssets;
    const out = this.benchWeights;
    let n = 0;
    if (weights === undefined) {
      for (let k = 0; k < this.memberCount; k++) {
        assets[n] = this.memberAssets[k]!;
        out[n++] = this.memberMask[k]!;
      }
    } else {
      for (let a = 0; a < this.N; a++) {
        const w = weights[a]!;
        if (w > 0 && w < Number.POSITIVE_INFINITY) {
          assets[n] = a;
          out[n++] = w;
        }
      }
    }
    this.benchCount = n;
  }

  /** The benchmark weights of calendar date `t`, or `undefined` for the equal-weighted universe. */
  private benchmarkWeights(t: number): ArrayLike<number> | undefined {
    const given = this.cfg.weights?.(t);
    if (given === undefined) {
      this.equalDates++;
      return undefined;
    }
    this.weightedDates++;
    if ('weights' in given) {
      if (given.approximate) this.approximateDates++;
      return given.weights;
    }
    return given;
  }

  /** Coverage, IC and quantile returns of one horizon on date `i`. */
  private horizonDate(state: HorizonState, i: number, t: number, row: Row): void {
    const { h, ic, quantiles: q, coverage } = state;
    const fwd = state.fwd;
    const T = this.T;
    const at = t * this.N;
    const { keep, xs, ys, xr, usedAt, capAt } = this;
    const G = this.G;
    const sums = this.sums.fill(0);
    const capSums = this.capSums.fill(0);
    const capWeights = this.capWeights.fill(0);
    const counts = q.counts.subarray(i * G, (i + 1) * G);
    const pastEnd = t + h > T - 1;
    let endOfData = 0;
    let missingReturn = 0;
    let used = 0;
    let missingCap = 0;
    for (let k = 0; k < row.count; k++) {
      const f = fwd[at + row.assets[k]!]!;
      keep[k] = 0;
      if (f - f !== 0) {
        if (pastEnd) endOfData++;
        else missingReturn++;
        continue;
      }
      keep[k] = 1;
      xs[used] = row.values[k]!;
      ys[used] = f;
      xr[used] = row.ranks[k]!;
      usedAt[used++] = k;
      const g = row.groups[k]!;
      sums[g] = sums[g]! + f;
      counts[g - 1] = counts[g - 1]! + 1;
      const c = capAt[k]!;
      if (c > 0 && c < Number.POSITIVE_INFINITY) {
        capSums[g] = capSums[g]! + c * f;
        capWeights[g] = capWeights[g]! + c;
      } else missingCap++;
    }
    coverage.endOfData[i] = endOfData;
    coverage.missingReturn[i] = missingReturn;
    coverage.used[i] = used;
    coverage.missingCap[i] = missingCap;
    ic.n[i] = used;
    if (used >= this.cfg.minAssets) {
      ic.ic[i] = correlation(xs.subarray(0, used), ys.subarray(0, used));
      if (used < row.count) {
        // The factor's ranks among the used stocks only, from the row's order.
        ranksInOrder(row.values.subarray(0, row.count), row.order, row.count, keep, this.subsetRanks.subarray(0, row.count));
        for (let j = 0; j < used; j++) xr[j] = this.subsetRanks[usedAt[j]!]!;
      }
      const yr = ys.subarray(0, used);
      rankInPlace(yr, this.rankScratch);
      ic.rankIc[i] = correlation(xr.subarray(0, used), yr);
    }
    for (let g = 1; g <= G; g++) {
      const n = counts[g - 1]!;
      if (n > 0) q.meanEqual[i * G + g - 1] = sums[g]! / n;
      if (capWeights[g]! > 0) q.meanCap[i * G + g - 1] = capSums[g]! / capWeights[g]!;
    }
    const benchmark = this.benchmarkReturn(fwd, t);
    q.benchmark[i] = benchmark;
    const top = q.top[i]!;
    const bottom = q.bottom[i]!;
    if (top > 0) {
      const topEqual = q.meanEqual[i * G + top - 1]!;
      const topCap = q.meanCap[i * G + top - 1]!;
      q.topExcessEqual[i] = topEqual - benchmark;
      q.topExcessCap[i] = topCap - benchmark;
      if (bottom < top) {
        q.spreadEqual[i] = topEqual - q.meanEqual[i * G + bottom - 1]!;
        q.spreadCap[i] = topCap - q.meanCap[i * G + bottom - 1]!;
      }
    }
  }

  /** `Σ w·r / Σ w` over the benchmark's stocks with a return (see {@link loadBenchmark}). */
  private benchmarkReturn(fwd: Float64Array, t: number): number {
    const at = t * this.N;
    let sw = 0;
    let swr = 0;
    for (let k = 0; k < this.benchCount; k++) {
      const r = fwd[at + this.benchAssets[k]!]!;
      if (r - r !== 0) continue;
      const w = this.benchWeights[k]!;
      sw += w;
      swr += w * r;
    }
    return sw > 0 ? swr / sw : Number.NaN;
  }

  /** Group turnover and rank autocorrelation of date `i` against date `i − h`. */
  private lagDate(state: HorizonState, i: number, row: Row): void {
    const { h, quantiles: q } = state;
    const pair = this.pair;
    pair.match(row, this.factorRows[(i - h) % this.slots]!);
    q.turnoverTop[i] = pair.turnover(q.top[i]!, q.top[i - h]!);
    q.turnoverBottom[i] = pair.turnover(q.bottom[i]!, q.bottom[i - h]!);
    pair.correlate(this.cfg.minAssets, false);
    q.rankAutocorrelation[i] = pair.rankIc;
  }

  /** IC of date `i`'s factor against the 1-day return from `t + L − 1` to `t + L`, every lag `L`. */
  private decayDate(i: number, t: number, row: Row): void {
    const lags = this.cfg.decayLags;
    const last = Math.min(t + lags - 1, this.T - 1);
    const oneDay = this.oneDay!;
    for (let s = Math.max(this.decayLoaded + 1, t); s <= last; s++) {
      const one = this.decayRows[s % lags]!;
      let n = 0;
      for (let a = 0, at = s * this.N; a < this.N; a++) {
        const r = oneDay[at + a]!;
        if (r - r !== 0) continue;
        one.assets[n] = a;
        one.values[n++] = r;
      }
      one.count = n;
      sortRow(one, this.sortScratch);
      this.decayLoaded = s;
    }
    for (let lag = 1; lag <= lags && t + lag - 1 <= last; lag++) {
      this.pair.match(row, this.decayRows[(t + lag - 1) % lags]!);
      this.pair.correlate(this.cfg.minAssets);
      this.decayIc[(lag - 1) * this.R + i] = this.pair.ic;
      this.decayRankIc[(lag - 1) * this.R + i] = this.pair.rankIc;
    }
  }

  result(source: 'returns' | 'prices', field: string): FactorEvaluation {
    const { dates } = this.cfg;
    const years = yearRanges(dates);
    const summary: IcSummary[] = this.horizons.map(({ h, ic }) => ({
      horizon: h,
      ic: icStats(ic.ic),
      rankIc: icStats(ic.rankIc),
      years: years.map(({ year, start, end }) => ({ year, ic: icStats(ic.ic.subarray(start, end)), rankIc: icStats(ic.rankIc.subarray(start, end)) })),
    }));
    const R = this.R;
    const decay: IcDecay = {
      lags: Array.from({ length: this.cfg.decayLags }, (_, k) => ({
        lag: k + 1,
        ic: icStats(this.decayIc.subarray(k * R, (k + 1) * R)),
        rankIc: icStats(this.decayRankIc.subarray(k * R, (k + 1) * R)),
      })),
    };
    const quantileSummary = this.horizons.map(({ quantiles }) => summarizeQuantiles(quantiles));
    const coverage = this.coverageResult();
    const notes = [...this.cfg.notes];
    if (this.cfg.weights !== undefined && this.equalDates > 0) {
      notes.push(`no benchmark weights on ${this.equalDates} of ${R} dates: the equal-weighted universe is the benchmark there`);
    }
    if (this.approximateDates > 0) notes.push(`the benchmark weights of ${this.approximateDates} dates are a proxy (flagged approximate), not published weights`);
    for (const h of coverage.totals.horizons) {
      if (h.endOfData > 0) notes.push(`${h.endOfData} stock-dates have no ${h.horizon}-day forward return: their window runs past the data's last date ${this.cfg.data.calendar.dates[this.T - 1]}`);
    }
    return {
      dates,
      horizons: this.cfg.horizons,
      groups: this.G,
      ic: this.horizons.map((s) => s.ic),
      summary,
      decay,
      quantiles: { series: this.horizons.map((s) => s.quantiles), summary: quantileSummary },
      coverage,
      benchmark: { weightedDates: this.weightedDates, equalDates: this.equalDates, approximateDates: this.approximateDates },
      forward: { source, field },
      notes,
    };
  }

  private coverageResult(): Coverage {
    const sum = (a: Int32Array) => a.reduce((s, v) => s + v, 0);
    const c = this.coverage;
    return {
      dates: this.cfg.dates,
      ...c,
      horizons: this.horizons.map((s) => s.coverage),
      totals: {
        dates: this.R,
        members: sum(c.members),
        notInUniverse: sum(c.notInUniverse),
        noRow: sum(c.noRow),
        suspended: sum(c.suspended),
        missingValue: sum(c.missingValue),
        nonFinite: sum(c.nonFinite),
        eligible: sum(c.eligible),
        horizons: this.horizons.map(({ h, coverage: hc }) => ({
          horizon: h,
          endOfData: sum(hc.endOfData),
          missingReturn: sum(hc.missingReturn),
          used: sum(hc.used),
          missingCap: sum(hc.missingCap),
        })),
      },
    };
  }
}

/** The lowest and highest groups holding an eligible stock (0, 0 when none). */
function extremes(row: Row): [number, number] {
  let bottom = 0;
  let top = 0;
  for (let k = 0; k < row.count; k++) {
    const g = row.groups[k]!;
    if (bottom === 0 || g < bottom) bottom = g;
    if (g > top) top = g;
  }
  return [bottom, top];
}

/** Finite values per row of `values`, over every asset. */
function finiteCounts(values: Panel): Int32Array {
  const R = values.dates;
  const out = new Int32Array(R);
  const x = values.values;
  for (let a = 0; a < values.assets; a++) {
    const base = a * R;
    for (let i = 0; i < R; i++) {
      const v = x[base + i]!;
      if (v - v === 0) out[i] = out[i]! + 1;
    }
  }
  return out;
}

function summarizeQuantiles(q: QuantileSeries): QuantileSummary {
  const G = q.groups;
  const R = q.dates.length;
  const meanEqual = new Float64Array(G);
  const meanCap = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    meanEqual[g] = seriesStats(strided(q.meanEqual, g, G, R)).mean;
    meanCap[g] = seriesStats(strided(q.meanCap, g, G, R)).mean;
  }
  return {
    horizon: q.horizon,
    groups: G,
    meanEqual,
    meanCap,
    spreadEqual: seriesStats(q.spreadEqual),
    spreadCap: seriesStats(q.spreadCap),
    topExcessEqual: seriesStats(q.topExcessEqual),
    topExcessCap: seriesStats(q.topExcessCap),
    turnoverTop: seriesStats(q.turnoverTop),
    turnoverBottom: seriesStats(q.turnoverBottom),
    rankAutocorrelation: seriesStats(q.rankAutocorrelation),
  };
}

function strided(values: Float64Array, offset: number, stride: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = values[i * stride + offset]!;
  return out;
}
