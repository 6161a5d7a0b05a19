import type { Panel } from '@factorkit/core';
import { correlation, rankInPlace, ranksInOrder } from '@factorkit/ops';
import { type Layout, continuationLayout, wholeLayout } from './continue.js';
import { forwardArraysFor, returnsByDate } from './forward.js';
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
 * returns (O(calendar × assets × horizons) from the first date on, the larger part for an index
 * universe).
 *
 * Incremental: with `previous` (an earlier result, when the data ended at its last date) only
 * the dates from `evaluationWindow(previous, calendar).redoFrom` on are computed, over a window
 * of `values`; the result is the evaluation of every date, bit for bit (see the option).
 *
 * @throws ValidationError `FK_INVALID_PARAMS` listing every bad option; FactorkitError
 *   `FK_MISSING_INPUT` when a field asked for is not in the data, `FK_INVALID_DATA` when the
 *   universe's mask has the wrong length, `FK_INVALID_ARGUMENT` when `forward` does not fit the
 *   call (data, horizons, return definition, rows computed) or `previous` does not.
 */
export function evaluateFactor(options: EvaluateFactorOptions): FactorEvaluation {
  const cfg = resolveOptions(options);
  const previous = options.previous;
  const layout = previous === undefined ? wholeLayout(cfg) : continuationLayout(cfg, previous);
  // The first calendar row whose forward returns are read: rows before it are never computed.
  const readFrom = layout.first + layout.redo;
  const given = cfg.given === undefined ? undefined : forwardArraysFor(cfg.given, cfg.data, cfg.horizons, cfg.definition, readFrom);
  const returns = given?.byHorizon ?? returnsByDate(cfg.data, cfg.forward, 'evaluateFactor', readFrom).returns;
  const oneDay =
    cfg.decayLags === 0
      ? undefined
      : (returns[cfg.horizons.indexOf(1)] ?? given?.oneDay ?? returnsByDate(cfg.data, { ...cfg.forward, horizons: [1] }, 'evaluateFactor', readFrom).returns[0]!);
  const run = new Run(cfg, layout, returns, oneDay, previous);
  for (let i = layout.prime; i < layout.redo; i++) run.lagRow(i);
  for (let i = layout.redo; i < layout.rows; i++) run.date(i);
  return run.result();
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
  /** Calendar index of output row 0, and of row 0 of the values. */
  private readonly first: number;
  private readonly valuesFirst: number;
  private readonly dates: Layout['dates'];
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
  private readonly pair: RowPair;

  /**
   * Outputs for the rows of `layout`; with `previous`, its rows before `layout.redo` copied
   * in (checked by `continuationLayout` to fit).
   */
  constructor(
    private readonly cfg: Resolved,
    layout: Layout,
    fwd: readonly Float64Array[],
    private readonly oneDay: Float64Array | undefined,
    previous: FactorEvaluation | undefined,
  ) {
    const N = cfg.data.assets.length;
    const R = layout.rows;
    const G = cfg.groups;
    this.N = N;
    this.first = layout.first;
    this.valuesFirst = cfg.first;
    this.dates = layout.dates;
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
    this.coverage = {
      members: counts(),
      notInUniverse: counts(),
      noRow: counts(),
      suspended: counts(),
      missingValue: counts(),
      nonFinite: counts(),
      eligible: counts(),
      benchmarkSource: new Uint8Array(R),
    };
    this.horizons = cfg.horizons.map((h, k) => ({
      h,
      fwd: fwd[k]!,
      ic: { horizon: h, dates: layout.dates, n: counts(), ic: series(), rankIc: series() },
      quantiles: {
        horizon: h,
        groups: G,
        dates: layout.dates,
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
    if (previous !== undefined) this.restore(previous, layout.redo);
  }

  /** Copy the rows `0 … redo)` of `previous` into the outputs. */
  private restore(previous: FactorEvaluation, redo: number): void {
    const G = this.G;
    const copy = (to: Int32Array | Float64Array | Uint16Array | Uint8Array, from: Int32Array | Float64Array | Uint16Array | Uint8Array, stride = 1): void =>
      to.set(from.subarray(0, redo * stride));
    const c = this.coverage;
    const p = previous.coverage;
    for (const key of ['members', 'notInUniverse', 'noRow', 'suspended', 'missingValue', 'nonFinite', 'eligible', 'benchmarkSource'] as const) copy(c[key], p[key]);
    this.horizons.forEach((state, k) => {
      const ic = previous.ic[k]!;
      copy(state.ic.n, ic.n);
      copy(state.ic.ic, ic.ic);
      copy(state.ic.rankIc, ic.rankIc);
      const q = previous.quantiles.series[k]!;
      const to = state.quantiles;
      copy(to.counts, q.counts, G);
      copy(to.meanEqual, q.meanEqual, G);
      copy(to.meanCap, q.meanCap, G);
      for (const key of ['top', 'bottom', 'benchmark', 'topExcessEqual', 'topExcessCap', 'spreadEqual', 'spreadCap', 'turnoverTop', 'turnoverBottom', 'rankAutocorrelation'] as const) {
        copy(to[key], q[key]);
      }
      const hc = previous.coverage.horizons[k]!;
      for (const key of ['endOfData', 'missingReturn', 'used', 'missingCap'] as const) copy(state.coverage[key], hc[key]);
    });
    const before = previous.dates.length;
    for (let lag = 0; lag < this.cfg.decayLags; lag++) {
      this.decayIc.set(previous.decay.ic.subarray(lag * before, lag * before + redo), lag * this.R);
      this.decayRankIc.set(previous.decay.rankIc.subarray(lag * before, lag * before + redo), lag * this.R);
    }
  }

  /**
   * The factor row of output row `i` (eligible stocks, ranks, groups) for the lags of the rows
   * after it, whose own outputs are kept from `previous`.
   */
  lagRow(i: number): void {
    this.factorRow(i, false);
  }

  /** The factor row of output row `i` into its slot; its coverage recorded when `record`. */
  private factorRow(i: number, record: boolean): Row {
    const t = this.first + i;
    this.loadMembers(t);
    const row = this.factorRows[i % this.slots]!;
    this.classify(i, t, row, record);
    sortRow(row, this.sortScratch);
    groupsFromRanks(row.ranks, row.count, row.count, this.G, row.groups);
    return row;
  }

  /** Everything for output row `i` (calendar index `first + i`). */
  date(i: number): void {
    const t = this.first + i;
    const row = this.factorRow(i, true);
    const [bottom, top] = extremes(row);
    this.loadBenchmark(i, t);
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

  /**
   * Sort each member into one reason or eligible; `row` gets the eligible stocks and their
   * values; the counts go to output row `i` when `record`.
   */
  private classify(i: number, t: number, row: Row, record: boolean): void {
    const { values, trading, cap } = this.cfg;
    const R = values.dates;
    const r = t - this.valuesFirst;
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
      const v = x[a * R + r]!;
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
    if (!record) return;
    const c = this.coverage;
    c.members[i] = this.memberCount;
    // Stocks with a value outside the universe: all values less the members' (whatever their status).
    c.notInUniverse[i] = this.finite[r]! - finite;
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
  private loadBenchmark(i: number, t: number): void {
    const weights = this.benchmarkWeights(i, t);
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

  /**
   * The benchmark weights of calendar date `t`, or `undefined` for the equal-weighted universe;
   * where they came from recorded for output row `i`.
   */
  private benchmarkWeights(i: number, t: number): ArrayLike<number> | undefined {
    const given = this.cfg.weights?.(t);
    const source = this.coverage.benchmarkSource;
    if (given === undefined) {
      source[i] = 0;
      return undefined;
    }
    source[i] = 1;
    if ('weights' in given) {
      if (given.approximate) source[i] = 2;
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

  /** The outputs, with every summary computed from the per-date rows. */
  result(): FactorEvaluation {
    const { dates } = this;
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
      ic: this.decayIc,
      rankIc: this.decayRankIc,
    };
    const quantileSummary = this.horizons.map(({ quantiles }) => summarizeQuantiles(quantiles));
    const coverage = this.coverageResult();
    const notes = [...this.cfg.notes];
    let equalDates = 0;
    let approximateDates = 0;
    for (const kind of this.coverage.benchmarkSource) {
      if (kind === 0) equalDates++;
      else if (kind === 2) approximateDates++;
    }
    if (this.cfg.weights !== undefined && equalDates > 0) {
      notes.push(`no benchmark weights on ${equalDates} of ${R} dates: the equal-weighted universe is the benchmark there`);
    }
    if (approximateDates > 0) notes.push(`the benchmark weights of ${approximateDates} dates are a proxy (flagged approximate), not published weights`);
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
      benchmark: { weightedDates: R - equalDates, equalDates, approximateDates },
      forward: { ...this.cfg.definition },
      notes,
      settings: { minAssets: this.cfg.minAssets, decayLags: this.cfg.decayLags, tradingField: this.cfg.tradingField, capField: this.cfg.capField },
    };
  }

  private coverageResult(): Coverage {
    const sum = (a: Int32Array) => a.reduce((s, v) => s + v, 0);
    const c = this.coverage;
    return {
      dates: this.dates,
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
