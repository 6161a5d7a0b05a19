import { type Calendar, type DateString, FactorkitError, show } from '@factorkit/core';
import type { Resolved } from './options.js';
import type { FactorEvaluation, IcSeries, QuantileSeries } from './types.js';

/**
 * Which dates a continued evaluation (`evaluateFactor({ previous })`) recomputes and reads,
 * from {@link evaluationWindow}.
 */
export interface EvaluationWindow {
  /**
   * The first date computed anew: the rows of `previous` before it are kept. Its forward
   * returns, or those of a later date, may have been cut off by the end of the data at the
   * last date `P` of `previous` (`t + h > P` for the longest horizon `h`, or `t + decayLags > P`
   * with decay lags). Give `forwardReturnsByDate(data, { from: redoFrom })` as `forward`.
   */
  readonly redoFrom: DateString;
  /**
   * The first date the `values` / `dates` of the call must cover: `redoFrom` less the longest
   * horizon, because group turnover and rank autocorrelation at a date read the factor at
   * `h` dates before (the first date of `previous` when that is later).
   */
  readonly windowStart: DateString;
}

/** The output rows of an evaluation, and which of them are computed. */
export interface Layout {
  /** Calendar index of output row 0. */
  readonly first: number;
  readonly rows: number;
  readonly dates: readonly DateString[];
  /** Rows `redo … rows)` are computed; the rows before are the previous evaluation's. */
  readonly redo: number;
  /** Rows `prime … redo)` are read again only for the factor rows the lags of later rows need. */
  readonly prime: number;
}

/** Every row computed: an evaluation from scratch. */
export function wholeLayout(cfg: Resolved): Layout {
  return { first: cfg.first, rows: cfg.dates.length, dates: cfg.dates, redo: 0, prime: 0 };
}

/** Rows of a previous evaluation of `rows` dates: the first recomputed, and the first whose factor row is read. */
function offsets(rows: number, horizons: readonly number[], decayLags: number): { redo: number; prime: number } {
  const longest = Math.max(...horizons);
  const redo = Math.max(0, rows - Math.max(longest, decayLags));
  return { redo, prime: Math.max(0, redo - longest) };
}

/**
 * The dates a continued evaluation needs: `previous` is an evaluation computed when the data
 * ended at its last date `P`; `calendar` is the calendar of the later data (`data.calendar`).
 * The call `evaluateFactor({ ...options, previous, values, dates, forward })` then needs `values`
 * / `dates` from `windowStart` (or earlier) to the new last date, and forward returns from
 * `redoFrom` on.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming `previous` when it is not an evaluation of
 *   this version or its dates are not consecutive trading days of `calendar`.
 */
export function evaluationWindow(previous: FactorEvaluation, calendar: Calendar): EvaluationWindow {
  const problems = shapeProblems(previous);
  const first = problems.length === 0 ? placeDates(previous.dates, calendar, problems) : -1;
  if (problems.length > 0) refuse('evaluationWindow', problems, 'argument');
  const { redo, prime } = offsets(previous.dates.length, previous.horizons, previous.settings.decayLags);
  return { redoFrom: calendar.dates[first + redo]!, windowStart: calendar.dates[first + prime]! };
}

/**
 * The layout of a call continuing `previous`: its first date to the last of the call's dates,
 * after checking that `previous` fits the call (every problem named at once).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming `previous`.
 */
export function continuationLayout(cfg: Resolved, previous: FactorEvaluation): Layout {
  const problems = shapeProblems(previous);
  if (problems.length > 0) refuse('evaluateFactor', problems);
  const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(previous.horizons, cfg.horizons)) problems.push(`its horizons are ${list(previous.horizons)}, this call's ${list(cfg.horizons)}`);
  if (previous.groups !== cfg.groups) problems.push(`it has \`${previous.groups}\` groups, this call \`${cfg.groups}\``);
  const { source, field } = cfg.definition;
  if (previous.forward.source !== source || previous.forward.field !== field) {
    problems.push(`its forward returns are ${definition(previous.forward.source, previous.forward.field)}, this call's ${definition(source, field)}`);
  }
  const settings = previous.settings;
  const now = { minAssets: cfg.minAssets, decayLags: cfg.decayLags, tradingField: cfg.tradingField, capField: cfg.capField };
  for (const key of ['minAssets', 'decayLags', 'tradingField', 'capField'] as const) {
    if (settings[key] !== now[key]) problems.push(`its \`${key}\` is ${show(settings[key])}, this call's ${show(now[key])}`);
  }
  const calendar = cfg.data.calendar;
  const first = placeDates(previous.dates, calendar, problems);
  if (problems.length > 0) refuse('evaluateFactor', problems);
  const before = previous.dates.length;
  const { redo, prime } = offsets(before, cfg.horizons, cfg.decayLags);
  const last = cfg.first + cfg.dates.length - 1;
  const previousLast = first + before - 1;
  if (cfg.first > first + prime) {
    problems.push(
      `\`dates\` starts on \`${cfg.dates[0]}\`, after \`${calendar.dates[first + prime]}\`: the rows from \`${calendar.dates[first + redo]}\` on are computed again and their turnover and rank autocorrelation read the factor ${Math.max(...cfg.horizons)} dates before (see evaluationWindow)`,
    );
  }
  if (last < previousLast) problems.push(`\`dates\` ends on \`${cfg.dates[cfg.dates.length - 1]}\`, before its last date \`${previous.dates[before - 1]}\``);
  if (problems.length > 0) refuse('evaluateFactor', problems);
  const rows = last - first + 1;
  return { first, rows, dates: calendar.dates.slice(first, first + rows), redo, prime };
}

/**
 * The calendar index of `dates[0]`, after checking that `dates` are consecutive trading days of
 * `calendar` (else a problem, and -1).
 */
function placeDates(dates: readonly DateString[], calendar: Calendar, problems: string[]): number {
  const first = calendar.indexOf(dates[0]!);
  if (first < 0) {
    problems.push(`its first date ${show(dates[0])} is not a trading day of the data`);
    return -1;
  }
  for (let i = 0; i < dates.length; i++) {
    if (calendar.dates[first + i] !== dates[i]) {
      const expected = calendar.dates[first + i];
      problems.push(`its dates are not the data's trading days from \`${dates[0]}\`: date ${i} is ${show(dates[i])}, the data's ${expected === undefined ? 'calendar has ended' : `\`${expected}\``}`);
      return -1;
    }
  }
  return first;
}

type Typed = Int32Array | Float64Array | Uint16Array | Uint8Array;

/** What is wrong with `previous` as an evaluation of this version (each per-date array's type and length). */
function shapeProblems(previous: unknown): string[] {
  const p = previous as FactorEvaluation;
  if (typeof p !== 'object' || p === null || !Array.isArray(p.dates) || !Array.isArray(p.horizons) || typeof p.groups !== 'number') {
    return [`it must be what \`evaluateFactor\` returns, got ${show(typeof previous === 'object' && previous !== null ? `an object with keys ${Object.keys(previous).join(', ')}` : previous)}`];
  }
  if (p.dates.length === 0) return ['it has no dates'];
  if (typeof p.settings !== 'object' || p.settings === null || !(p.decay?.ic instanceof Float64Array) || !(p.coverage?.benchmarkSource instanceof Uint8Array)) {
    return ['it has no per-date decay, benchmark sources or settings: computed by an earlier version of @factorkit/evaluate, evaluate from scratch once'];
  }
  const R = p.dates.length;
  const G = p.groups;
  const H = p.horizons.length;
  const problems: string[] = [];
  const expect = (name: string, array: unknown, type: new (n: number) => Typed, length: number): void => {
    if (!(array instanceof type) || array.length !== length) problems.push(`its \`${name}\` is not a ${type.name} of ${length} values`);
  };
  if (!Array.isArray(p.ic) || p.ic.length !== H || !Array.isArray(p.quantiles?.series) || p.quantiles.series.length !== H || p.coverage.horizons?.length !== H) {
    return [`it does not hold one IC, quantile and coverage series per horizon (${H})`];
  }
  const c = p.coverage;
  // Typed again: Array.isArray above widened them.
  const ics: readonly IcSeries[] = (previous as FactorEvaluation).ic;
  const quantiles: readonly QuantileSeries[] = (previous as FactorEvaluation).quantiles.series;
  for (const key of ['members', 'notInUniverse', 'noRow', 'suspended', 'missingValue', 'nonFinite', 'eligible'] as const) expect(`coverage.${key}`, c[key], Int32Array, R);
  expect('coverage.benchmarkSource', c.benchmarkSource, Uint8Array, R);
  const lags = p.settings.decayLags;
  expect('decay.ic', p.decay.ic, Float64Array, lags * R);
  expect('decay.rankIc', p.decay.rankIc, Float64Array, lags * R);
  for (let k = 0; k < H; k++) {
    const at = `[${k}]`;
    const ic = ics[k]!;
    expect(`ic${at}.n`, ic.n, Int32Array, R);
    expect(`ic${at}.ic`, ic.ic, Float64Array, R);
    expect(`ic${at}.rankIc`, ic.rankIc, Float64Array, R);
    const q = quantiles[k]!;
    expect(`quantiles.series${at}.counts`, q.counts, Int32Array, R * G);
    expect(`quantiles.series${at}.meanEqual`, q.meanEqual, Float64Array, R * G);
    expect(`quantiles.series${at}.meanCap`, q.meanCap, Float64Array, R * G);
    expect(`quantiles.series${at}.top`, q.top, Uint16Array, R);
    expect(`quantiles.series${at}.bottom`, q.bottom, Uint16Array, R);
    for (const key of ['benchmark', 'topExcessEqual', 'topExcessCap', 'spreadEqual', 'spreadCap', 'turnoverTop', 'turnoverBottom', 'rankAutocorrelation'] as const) {
      expect(`quantiles.series${at}.${key}`, q[key], Float64Array, R);
    }
    for (const key of ['endOfData', 'missingReturn', 'used', 'missingCap'] as const) expect(`coverage.horizons${at}.${key}`, c.horizons[k]![key], Int32Array, R);
  }
  return problems;
}

function list(values: readonly number[]): string {
  return values.map((v) => `\`${v}\``).join(', ');
}

function definition(source: string, field: string): string {
  return source === 'prices' ? `the price ratio on \`${field}\`` : `\`${field}\` compounded`;
}

function refuse(op: string, problems: string[], what = 'option'): never {
  throw new FactorkitError('FK_INVALID_ARGUMENT', `${op}: ${what} \`previous\` does not fit this call: ${problems.join('; ')}`, { details: { problems } });
}
