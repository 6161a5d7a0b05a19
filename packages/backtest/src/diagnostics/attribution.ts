import { FactorkitError, type Issue, type MarketData, ValidationError, show } from '@factorkit/core';
import { type Frequency, periodOf } from '../metrics.js';
import { CarriedCloses, checkLength } from './closes.js';

/** The group a risk-model factor belongs to. */
export type FactorGroup = 'country' | 'industry' | 'style';

/** One factor of the risk model, in the column order of `exposures` and `factorReturns`. */
export interface AttributionFactor {
  readonly name: string;
  readonly group: FactorGroup;
}

/** Options of {@link excessAttribution}. */
export interface AttributionOptions {
  readonly data: MarketData;
  /** The run's first day (a calendar index of `data`): the close the first return starts from. */
  readonly start: number;
  /** The run's last day (a calendar index, ≥ `start`). Days `start + 1 … end` are attributed. */
  readonly end: number;
  /** The portfolio's weights at the close of `t` over `data.assets` (e.g. `weightRecorder(data).weights`); needed for `start … end − 1`. */
  readonly weights: (t: number) => ArrayLike<number> | undefined;
  /** The benchmark's weights at the close of `t` (`NaN` = not in it); `undefined` = unknown that day (taken as 0, counted). */
  readonly benchmarkWeights: (t: number) => ArrayLike<number> | undefined;
  readonly factors: readonly AttributionFactor[];
  /**
   * The exposures known at the close of `t`, `assets × factors` row-major (entry `a × K + k`);
   * `NaN` = unknown (taken as 0, counted); `undefined` = none that day (the day is all specific, counted).
   */
  readonly exposures: (t: number) => ArrayLike<number> | undefined;
  /**
   * The factor returns of day `t` (close `t − 1` → close `t`), one per factor; `NaN` = not
   * estimated (taken as 0, counted); `undefined` = none that day (the day is all specific, counted).
   */
  readonly factorReturns: (t: number) => ArrayLike<number> | undefined;
}

/** Active return split by group; fractions of the portfolio value. */
export interface AttributionParts {
  /** Σ_a (w − b)_a(t − 1) · r_a(t). */
  readonly active: number;
  readonly country: number;
  readonly industry: number;
  readonly style: number;
  /** `active − country − industry − style`. */
  readonly specific: number;
}

/** One period of an attribution table: the sums of its days. */
export interface AttributionRow extends AttributionParts {
  /** `2023-W05`, `2023-01`, `2023-Q1`, `2023`. */
  readonly period: string;
  /** The close the period starts from (the previous period's last day, or the run's first). */
  readonly start: string;
  /** The period's last day. */
  readonly end: string;
  /** Days attributed. */
  readonly days: number;
}

/** One factor's part over the run. */
export interface FactorAttribution {
  readonly name: string;
  readonly group: FactorGroup;
  /** Σ_t x_active(t − 1) · f(t). */
  readonly contribution: number;
  /** Mean of the active exposure `x_active(t − 1)` over the days with exposures. */
  readonly meanExposure: number;
}

/** What {@link excessAttribution} returns. */
export interface AttributionResult {
  /** The factors, as given. */
  readonly factors: readonly AttributionFactor[];
  /** The days attributed (`start + 1 … end`), `YYYY-MM-DD`. */
  readonly dates: readonly string[];
  /** Day by day, one entry per date. */
  readonly daily: { readonly active: Float64Array; readonly country: Float64Array; readonly industry: Float64Array; readonly style: Float64Array; readonly specific: Float64Array };
  /** `dates × factors` row-major: `x_active,k(t − 1) · f_k(t)`. */
  readonly factorDaily: Float64Array;
  /** `dates × factors` row-major: the active exposure `x_active,k(t − 1)` each day's return used. */
  readonly activeExposures: Float64Array;
  /** Sums of the daily parts by calendar period (not compounded; see the README). */
  readonly periods: { readonly [F in Frequency]: readonly AttributionRow[] };
  /** Sums over the whole run. */
  readonly total: AttributionParts;
  readonly byFactor: readonly FactorAttribution[];
  /** What was missing and taken as 0 (each counted once per day). */
  readonly counts: {
    /** Asset-days with an active weight and no return (no close known yet). */
    readonly missingReturns: number;
    /** Asset-days with an active weight and a `NaN` exposure. */
    readonly missingExposures: number;
    /** Factor-days with an active exposure and a `NaN` factor return. */
    readonly missingFactorReturns: number;
    /** Days with no exposures or no factor returns at all (all specific). */
    readonly daysWithoutModel: number;
    /** Days whose previous close had no benchmark weights. */
    readonly daysWithoutBenchmark: number;
  };
  /** The counts above in words, for a report; empty when nothing was missing. */
  readonly notes: readonly string[];
}

const GROUPS: readonly FactorGroup[] = ['country', 'industry', 'style'];

function check(options: AttributionOptions): void {
  const issues: Issue[] = [];
  const T = options.data?.calendar?.length ?? 0;
  const { start, end, factors } = options;
  if (!Number.isInteger(start) || start < 0 || start >= T) issues.push({ path: 'options.start', message: `expected a calendar index in 0 … ${T - 1}, got ${show(start)}` });
  if (!Number.isInteger(end) || end < 0 || end >= T || !(end >= start)) issues.push({ path: 'options.end', message: `expected a calendar index in ${show(start)} … ${T - 1}, got ${show(end)}` });
  for (const key of ['weights', 'benchmarkWeights', 'exposures', 'factorReturns'] as const) {
    if (typeof options[key] !== 'function') issues.push({ path: `options.${key}`, message: `expected a function of the day, got ${show(options[key])}` });
  }
  if (!Array.isArray(factors)) issues.push({ path: 'options.factors', message: `expected a list of { name, group }, got ${show(factors)}` });
  else {
    const names = new Set<string>();
    factors.forEach((f: AttributionFactor, k) => {
      if (typeof f?.name !== 'string' || f.name === '') issues.push({ path: `options.factors[${k}].name`, message: `expected a name, got ${show(f?.name)}` });
      else if (names.has(f.name)) issues.push({ path: `options.factors[${k}].name`, message: `\`${f.name}\` appears twice` });
      else names.add(f.name);
      if (!GROUPS.includes(f?.group)) issues.push({ path: `options.factors[${k}].group`, message: `expected \`country\`, \`industry\` or \`style\`, got ${show(f?.group)}` });
    });
  }
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', 'invalid attribution options', issues, { details: { owner: 'excessAttribution' } });
}

/**
 * Excess attribution through a factor risk model. The active return of day `t` is
 * `Σ_a (w − b)_a(t − 1) · r_a(t)` (`r`: the adjusted close-to-close return, the last known
 * close carried over days without one); its factor part is `Σ_k x_k(t − 1) · f_k(t)` with the
 * active exposures `x = Xᵀ (w − b)` at the previous close, grouped into country (≈ 0 when the
 * portfolio and the benchmark are both fully invested), industry and style; the specific part
 * is the rest. Periods (ISO week, month, quarter, year) hold the **sums** of their days, so
 * groups add up to the active return and periods add up to the run exactly; they are not
 * compounded (see the README for how they differ from the period tables' excess).
 *
 * Like the per-stock contributions, this explains the active return of the weights held at each
 * close, before costs and the intraday timing of fills, not the NAV's excess to the last bit.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` for bad options; FactorkitError
 *   `FK_INVALID_ARGUMENT` when `weights` has no weights for a day or a callback returns an
 *   array of the wrong length.
 */
export function excessAttribution(options: AttributionOptions): AttributionResult {
  check(options);
  const { data, start, end, factors } = options;
  const N = data.assets.length;
  const K = factors.length;
  const D = end - start;
  const closes = new CarriedCloses(data);
  const previous = new Float64Array(N);
  const d = new Float64Array(N);
  const x = new Float64Array(K);
  const group = factors.map((f) => GROUPS.indexOf(f.group));
  const daily = { active: new Float64Array(D), country: new Float64Array(D), industry: new Float64Array(D), style: new Float64Array(D), specific: new Float64Array(D) };
  const factorDaily = new Float64Array(D * K);
  const activeExposures = new Float64Array(D * K).fill(Number.NaN);
  const counts = { missingReturns: 0, missingExposures: 0, missingFactorReturns: 0, daysWithoutModel: 0, daysWithoutBenchmark: 0 };
  const exposureSum = new Float64Array(K);
  let exposureDays = 0;
  const dates = data.calendar.dates.slice(start + 1, end + 1);
  closes.advance(start);

  for (let i = 0; i < D; i++) {
    const t = start + 1 + i;
    const day = data.calendar.dates[t - 1]!;
    const w = options.weights(t - 1);
    if (w === undefined) throw new FactorkitError('FK_INVALID_ARGUMENT', `excessAttribution: \`weights\` has no weights at the close of ${day}`, { details: { t: t - 1 } });
    checkLength(w, data, `excessAttribution: weights(${day})`);
    const b = options.benchmarkWeights(t - 1);
    if (b === undefined) counts.daysWithoutBenchmark++;
    else checkLength(b, data, `excessAttribution: benchmarkWeights(${day})`);
    previous.set(closes.values);
    closes.advance(t);
    let active = 0;
    for (let a = 0; a < N; a++) {
      const bw = b === undefined ? 0 : b[a]!;
      const v = (Number.isFinite(w[a]!) ? w[a]! : 0) - (Number.isFinite(bw) ? bw : 0);
      d[a] = v;
      if (v === 0) continue;
      const r = closes.values[a]! / previous[a]! - 1;
      if (Number.isNaN(r)) counts.missingReturns++;
      else active += v * r;
    }
    daily.active[i] = active;
    const X = options.exposures(t - 1);
    const f = options.factorReturns(t);
    if (X === undefined || f === undefined) counts.daysWithoutModel++;
    else {
      if (X.length !== N * K) throw new FactorkitError('FK_INVALID_ARGUMENT', `excessAttribution: exposures(${day}): expected ${N} assets × ${K} factors = ${N * K} values, got ${X.length}`, { details: { t: t - 1 } });
      if (f.length !== K) throw new FactorkitError('FK_INVALID_ARGUMENT', `excessAttribution: factorReturns(${data.calendar.dates[t]}): expected ${K} factor returns, got ${f.length}`, { details: { t } });
      x.fill(0);
      for (let a = 0; a < N; a++) {
        const v = d[a]!;
        if (v === 0) continue;
        let missing = false;
        for (let k = 0; k < K; k++) {
          const e = X[a * K + k]!;
          if (Number.isNaN(e)) missing = true;
          else x[k] = x[k]! + v * e;
        }
        if (missing) counts.missingExposures++;
      }
      const parts = [0, 0, 0];
      for (let k = 0; k < K; k++) {
        activeExposures[i * K + k] = x[k]!;
        exposureSum[k] = exposureSum[k]! + x[k]!;
        const fk = f[k]!;
        if (Number.isNaN(fk)) {
          if (x[k] !== 0) counts.missingFactorReturns++;
          continue;
        }
        const c = x[k]! * fk;
        factorDaily[i * K + k] = c;
        parts[group[k]!] = parts[group[k]!]! + c;
      }
      exposureDays++;
      daily.country[i] = parts[0]!;
      daily.industry[i] = parts[1]!;
      daily.style[i] = parts[2]!;
    }
    daily.specific[i] = active - daily.country[i]! - daily.industry[i]! - daily.style[i]!;
  }

  const sum = (from: number, to: number) => {
    const out = { active: 0, country: 0, industry: 0, style: 0, specific: 0 };
    for (let i = from; i < to; i++) {
      out.active += daily.active[i]!;
      out.country += daily.country[i]!;
      out.industry += daily.industry[i]!;
      out.style += daily.style[i]!;
      out.specific += daily.specific[i]!;
    }
    return out;
  };
  const table = (frequency: Frequency): AttributionRow[] => {
    const rows: AttributionRow[] = [];
    for (let i = 0; i < D; ) {
      const period = periodOf(dates[i]!, frequency);
      let last = i;
      while (last + 1 < D && periodOf(dates[last + 1]!, frequency) === period) last++;
      rows.push({ period, start: data.calendar.dates[start + i]!, end: dates[last]!, days: last - i + 1, ...sum(i, last + 1) });
      i = last + 1;
    }
    return rows;
  };
  const byFactor = factors.map((factor, k) => {
    let contribution = 0;
    for (let i = 0; i < D; i++) contribution += factorDaily[i * K + k]!;
    return { name: factor.name, group: factor.group, contribution, meanExposure: exposureDays > 0 ? exposureSum[k]! / exposureDays : Number.NaN };
  });
  return {
    factors: factors.map((f) => ({ name: f.name, group: f.group })),
    dates,
    daily,
    factorDaily,
    activeExposures,
    periods: { week: table('week'), month: table('month'), quarter: table('quarter'), year: table('year') },
    total: sum(0, D),
    byFactor,
    counts,
    notes: notesOf(counts),
  };
}

function notesOf(counts: AttributionResult['counts']): string[] {
  const notes: string[] = [];
  if (counts.missingReturns > 0) notes.push(`attribution: ${counts.missingReturns} asset-day(s) with an active weight had no return (no close known yet) and count as 0`);
  if (counts.missingExposures > 0) notes.push(`attribution: ${counts.missingExposures} asset-day(s) with an active weight had a missing exposure; the missing exposures count as 0, so that part of the return is specific`);
  if (counts.missingFactorReturns > 0) notes.push(`attribution: ${counts.missingFactorReturns} factor-day(s) with an active exposure had no factor return; that part of the return is specific`);
  if (counts.daysWithoutModel > 0) notes.push(`attribution: ${counts.daysWithoutModel} day(s) had no exposures or no factor returns; their active return is all specific`);
  if (counts.daysWithoutBenchmark > 0) notes.push(`attribution: ${counts.daysWithoutBenchmark} day(s) had no benchmark weights at the previous close; the benchmark counts as empty (active = portfolio)`);
  return notes;
}
