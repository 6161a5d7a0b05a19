import type { Panel } from '@factorkit/core';
import { correlation, rankInPlace, ranksInOrder, sortOrder } from '@factorkit/ops';
import { forwardReturns } from './forward.js';
import { groupsFromRanks } from './groups.js';
import { type EvaluateFactorOptions, type Resolved, resolveOptions } from './options.js';
import { icStats, seriesStats, yearRanges } from './stats.js';
import type { Coverage, FactorEvaluation, HorizonCoverage, IcDecay, IcSeries, IcSummary, QuantileSeries, QuantileSummary } from './types.js';

/**
 * Classic factor analytics for one factor, as alphalens / jqfactor_analyzer users know them,
 * with every drop counted:
 *
 * - forward returns per horizon (default 1, 5, 20 trading days; see {@link forwardReturns});
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
 * is read but `options`, nothing written but the result.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` listing every bad option; FactorkitError
 *   `FK_MISSING_INPUT` when a field asked for is not in the data, `FK_INVALID_DATA` when the
 *   universe's mask has the wrong length.
 */
export function evaluateFactor(options: EvaluateFactorOptions): FactorEvaluation {
  const cfg = resolveOptions(options);
  const forward = forwardReturns(cfg.data, cfg.forward);
  const oneDay = cfg.decayLags === 0 ? undefined : (forward.panels[cfg.horizons.indexOf(1)] ?? forwardReturns(cfg.data, { ...cfg.forward, horizons: [1] }).panels[0]!);
  const run = new Run(cfg, forward.panels, oneDay);
  for (let i = 0; i < cfg.dates.length; i++) run.date(i);
  return run.result(forward.source, forward.field);
}

/** Per-horizon outputs while running. */
interface HorizonState {
  readonly h: number;
  readonly fwd: Panel;
  readonly ic: IcSeries;
  readonly quantiles: QuantileSeries;
  readonly coverage: HorizonCoverage;
}

/**
 * One cross-section kept for later dates: its values (`NaN` = not included), their ascending
 * order (`order[0 … count)`, from `sortOrder`) and, for factor rows, the groups.
 */
interface Row {
  readonly values: Float64Array;
  readonly order: Int32Array;
  count: number;
  readonly groups: Uint16Array;
}

function newRow(assets: number): Row {
  return { values: new Float64Array(assets), order: new Int32Array(assets), count: 0, groups: new Uint16Array(assets) };
}

/**
 * The evaluation of one factor, date by date, with all scratch allocated once. Each row is
 * sorted once (`sortOrder`); every correlation over a subset of it ranks by walking that order
 * (`ranksInOrder`), so IC decay and autocorrelation cost no sorting per pair of dates.
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
  private readonly members: Uint8Array;
  private readonly fwdRow: Float64Array;
  private readonly capRow: Float64Array;
  private readonly ranks: Float64Array;
  private readonly keep: Uint8Array;
  private readonly rx: Float64Array;
  private readonly ry: Float64Array;
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
  private readonly pair = { n: 0, ic: Number.NaN, rankIc: Number.NaN };

  constructor(
    private readonly cfg: Resolved,
    fwd: readonly Panel[],
    private readonly oneDay: Panel | undefined,
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
    this.members = new Uint8Array(N);
    this.fwdRow = new Float64Array(N);
    this.capRow = new Float64Array(N);
    this.ranks = new Float64Array(N);
    this.keep = new Uint8Array(N);
    this.rx = new Float64Array(N);
    this.ry = new Float64Array(N);
    this.sortScratch = new Float64Array(N);
    this.rankScratch = { scratch: this.sortScratch, index: new Int32Array(N) };
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
    this.members.set(this.cfg.members(t));
    const row = this.factorRows[i % this.slots]!;
    this.classify(i, t, row.values);
    row.count = sortOrder(row.values, row.order, this.sortScratch);
    ranksInOrder(row.values, row.order, row.count, undefined, this.ranks);
    groupsFromRanks(this.ranks, this.N, row.count, this.G, row.groups);
    const [bottom, top] = this.extremes(row.groups);
    if (this.cfg.cap) this.cfg.cap.row(t, this.capRow);
    else this.capRow.fill(Number.NaN);
    const weights = this.benchmarkWeights(t);
    for (const state of this.horizons) {
      state.quantiles.top[i] = top;
      state.quantiles.bottom[i] = bottom;
      this.horizonDate(state, i, t, row, weights);
      if (i >= state.h) this.lagDate(state, i, row);
    }
    if (this.oneDay) this.decayDate(i, t, row);
  }

  /** Sort each member into one reason or eligible; `eligible` gets the factor value or `NaN`. */
  private classify(i: number, t: number, eligible: Float64Array): void {
    const { values, trading } = this.cfg;
    const R = this.R;
    const T = this.T;
    const tradingValues = trading?.values;
    const member = this.members;
    let members = 0;
    let outside = 0;
    let noRow = 0;
    let suspended = 0;
    let missing = 0;
    let infinite = 0;
    let kept = 0;
    for (let a = 0; a < this.N; a++) {
      const x = values.values[a * R + i]!;
      eligible[a] = Number.NaN;
      if (member[a] === 0) {
        if (x - x === 0) outside++;
        continue;
      }
      members++;
      const status = tradingValues ? tradingValues[a * T + t]! : 1;
      if (status !== status) noRow++;
      else if (status === 0) suspended++;
      else if (x !== x) missing++;
      else if (x - x !== 0) infinite++;
      else {
        kept++;
        eligible[a] = x;
      }
    }
    const c = this.coverage;
    c.members[i] = members;
    c.notInUniverse[i] = outside;
    c.noRow[i] = noRow;
    c.suspended[i] = suspended;
    c.missingValue[i] = missing;
    c.nonFinite[i] = infinite;
    c.eligible[i] = kept;
  }

  /** The lowest and highest groups holding an eligible stock (0, 0 when none). */
  private extremes(groups: Uint16Array): [number, number] {
    let bottom = 0;
    let top = 0;
    for (let a = 0; a < this.N; a++) {
      const g = groups[a]!;
      if (g === 0) continue;
      if (bottom === 0 || g < bottom) bottom = g;
      if (g > top) top = g;
    }
    return [bottom, top];
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
  private horizonDate(state: HorizonState, i: number, t: number, row: Row, weights: ArrayLike<number> | undefined): void {
    const { h, ic, quantiles: q, coverage } = state;
    const fwd = state.fwd.row(t, this.fwdRow);
    const eligible = row.values;
    const groups = row.groups;
    const keep = this.keep;
    const y = this.ry;
    const cap = this.capRow;
    const G = this.G;
    const sums = this.sums.fill(0);
    const capSums = this.capSums.fill(0);
    const capWeights = this.capWeights.fill(0);
    const counts = q.counts.subarray(i * G, (i + 1) * G);
    const pastEnd = t + h > this.T - 1;
    let endOfData = 0;
    let missingReturn = 0;
    let used = 0;
    let missingCap = 0;
    for (let a = 0; a < this.N; a++) {
      const v = eligible[a]!;
      const f = fwd[a]!;
      keep[a] = 0;
      y[a] = Number.NaN;
      if (v !== v) continue;
      if (f - f !== 0) {
        if (pastEnd) endOfData++;
        else missingReturn++;
        continue;
      }
      used++;
      keep[a] = 1;
      y[a] = f;
      const g = groups[a]!;
      sums[g] = sums[g]! + f;
      counts[g - 1] = counts[g - 1]! + 1;
      const c = cap[a]!;
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
      // Pearson over the cells finite in both: exactly the used stocks.
      ic.ic[i] = correlation(eligible, fwd);
      const x = used === row.count ? this.ranks : this.rx;
      if (used < row.count) ranksInOrder(eligible, row.order, row.count, keep, x);
      rankInPlace(y, this.rankScratch);
      ic.rankIc[i] = correlation(x, y);
    }
    for (let g = 1; g <= G; g++) {
      const n = counts[g - 1]!;
      if (n > 0) q.meanEqual[i * G + g - 1] = sums[g]! / n;
      if (capWeights[g]! > 0) q.meanCap[i * G + g - 1] = capSums[g]! / capWeights[g]!;
    }
    const benchmark = this.benchmarkReturn(fwd, weights);
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

  /** `Σ w·r / Σ w` over the stocks with a weight > 0 and a return; without weights the members' mean. */
  private benchmarkReturn(fwd: Float64Array, weights: ArrayLike<number> | undefined): number {
    let sw = 0;
    let swr = 0;
    for (let a = 0; a < this.N; a++) {
      const r = fwd[a]!;
      if (r - r !== 0) continue;
      const w = weights ? weights[a]! : this.members[a]!;
      if (w > 0 && w < Number.POSITIVE_INFINITY) {
        sw += w;
        swr += w * r;
      }
    }
    return sw > 0 ? swr / sw : Number.NaN;
  }

  /** IC and RankIC of two sorted rows over the cells finite in both, into `pair`. */
  private correlateRows(a: Row, b: Row): void {
    const keep = this.keep;
    const x = a.values;
    const y = b.values;
    let n = 0;
    for (let k = 0; k < this.N; k++) {
      const u = x[k]!;
      const v = y[k]!;
      const both = u - u === 0 && v - v === 0 ? 1 : 0;
      keep[k] = both;
      n += both;
    }
    const out = this.pair;
    out.n = n;
    out.ic = Number.NaN;
    out.rankIc = Number.NaN;
    if (n < this.cfg.minAssets) return;
    out.ic = correlation(x, y);
    ranksInOrder(x, a.order, a.count, keep, this.rx);
    ranksInOrder(y, b.order, b.count, keep, this.ry);
    out.rankIc = correlation(this.rx, this.ry);
  }

  /** Group turnover and rank autocorrelation of date `i` against date `i − h`. */
  private lagDate(state: HorizonState, i: number, row: Row): void {
    const { h, quantiles: q } = state;
    const past = this.factorRows[(i - h) % this.slots]!;
    q.turnoverTop[i] = turnover(row.groups, q.top[i]!, past.groups, q.top[i - h]!);
    q.turnoverBottom[i] = turnover(row.groups, q.bottom[i]!, past.groups, q.bottom[i - h]!);
    this.correlateRows(row, past);
    q.rankAutocorrelation[i] = this.pair.rankIc;
  }

  /** IC of date `i`'s factor against the 1-day return from `t + L − 1` to `t + L`, every lag `L`. */
  private decayDate(i: number, t: number, row: Row): void {
    const lags = this.cfg.decayLags;
    const last = Math.min(t + lags - 1, this.T - 1);
    for (let s = Math.max(this.decayLoaded + 1, t); s <= last; s++) {
      const one = this.decayRows[s % lags]!;
      this.oneDay!.row(s, one.values);
      one.count = sortOrder(one.values, one.order, this.sortScratch);
      this.decayLoaded = s;
    }
    for (let lag = 1; lag <= lags && t + lag - 1 <= last; lag++) {
      this.correlateRows(row, this.decayRows[(t + lag - 1) % lags]!);
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

/** Share of the stocks in group `group` now that were not in group `pastGroup` then. */
function turnover(assigned: Uint16Array, group: number, pastAssigned: Uint16Array, pastGroup: number): number {
  if (group === 0 || pastGroup === 0) return Number.NaN;
  let now = 0;
  let stayed = 0;
  for (let a = 0; a < assigned.length; a++) {
    if (assigned[a] !== group) continue;
    now++;
    if (pastAssigned[a] === pastGroup) stayed++;
  }
  return (now - stayed) / now;
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
