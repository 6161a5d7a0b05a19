import { type DateString, FIELD, FactorkitError, type Issue, type MarketData, Panel, ValidationError, missingField, parseDate, show } from '@factorkit/core';
import { rollingCompoundBlocks } from '@factorkit/ops';

/** Options of {@link forwardReturns}. */
export interface ForwardReturnOptions {
  /** Horizons in trading days, integers ≥ 1. Default `[1, 5, 20]`. */
  readonly horizons?: readonly number[];
  /**
   * The daily return field compounded over the window (default `ret`: the data layer's daily
   * return from adjusted prices, 0 on a suspended day, `NaN` without a row).
   */
  readonly returnField?: string;
  /**
   * Use a price ratio instead, alphalens' definition: `price[t + h] / price[t] − 1` on this
   * field (e.g. `close`, the adjusted close). It breaks where the adjusted series has a factor
   * break; the compounded `ret` does not.
   */
  readonly priceField?: string;
}

/** Options of {@link forwardReturnsByDate}. */
export interface ForwardReturnsByDateOptions extends ForwardReturnOptions {
  /**
   * Compute only the rows dated on or after this day (`YYYY-MM-DD`; the first trading day on or
   * after it when it is not one). The arrays keep their calendar × assets shape, but the rows
   * before are not computed and not written — they hold 0, not returns — and the result's
   * `from` says so, so that `evaluateFactor` refuses a call that would read them. Not writing
   * them is what makes the cost scale with the rows computed: filling 3 × 58 MB of a
   * 3,000-stock, 10-year calendar with `NaN` alone takes about 0.5 s, the rows of a week a
   * few ms. The rows computed are bit-identical to a computation over the whole calendar (the
   * block products start at an aligned row at or before `from`). For an incremental
   * evaluation, the `redoFrom` of `evaluationWindow`. Default: every row.
   */
  readonly from?: DateString;
}

/** Forward returns of every asset on every date of the data's calendar. */
export interface ForwardReturns {
  readonly horizons: readonly number[];
  /** One panel per horizon (calendar × assets): row `t` is the return from the close of `t` to the close of `t + h`; `NaN` = none. */
  readonly panels: readonly Panel[];
  readonly source: 'returns' | 'prices';
  readonly field: string;
}

/**
 * The same forward returns laid out date by date, for `evaluateFactor({ forward })`: computed
 * once ({@link forwardReturnsByDate}) and shared by every factor and universe evaluated on the
 * same data. Plain data — numbers, strings and `Float64Array`s, no class instance, no function
 * — so it can be posted to a worker thread (structured clone), and its arrays may live in a
 * `SharedArrayBuffer` (only their elements are read, never their `buffer`).
 */
export interface ForwardReturnsByDate {
  /** Horizons in trading days, in the order of `returns`. */
  readonly horizons: readonly number[];
  /** `returns`: `field` compounded (the default, `ret`); `prices`: the price ratio on `field`. */
  readonly source: 'returns' | 'prices';
  readonly field: string;
  /** The calendar they were computed on: its number of dates and its first and last date. */
  readonly calendar: { readonly length: number; readonly first: DateString | undefined; readonly last: DateString | undefined };
  /** Number of assets (the data's, in its order). */
  readonly assets: number;
  /**
   * The first date whose rows were computed (option `from`; the calendar's first date when it
   * was not given): the rows before it were not written (they hold 0, not returns) and must
   * not be read — `evaluateFactor({ forward })` refuses a call that would. `undefined` for an
   * empty calendar or when built elsewhere (then every row is taken as computed).
   */
  readonly from?: DateString | undefined;
  /**
   * One array per horizon, date-major: `returns[k][t × assets + a]` is asset `a`'s return from
   * the close of date `t` to the close of `t + horizons[k]` (as {@link forwardReturns} defines
   * it, bit for bit); `NaN` = none; the rows before `from` not computed. A date's
   * cross-section is contiguous, which is how the analytics read it.
   */
  readonly returns: readonly Float64Array[];
}

/** The default horizons: one day, one week, one month of trading days. */
export const DEFAULT_HORIZONS: readonly number[] = Object.freeze([1, 5, 20]);

/** Check horizons: a non-empty list of distinct integers ≥ 1. */
export function checkHorizons(horizons: unknown, path: string, issues: Issue[]): void {
  if (!Array.isArray(horizons) || horizons.length === 0) {
    issues.push({ path, message: `expected a non-empty list of trading-day horizons, got ${show(horizons)}` });
    return;
  }
  const seen = new Set<number>();
  horizons.forEach((h: unknown, i) => {
    if (typeof h !== 'number' || !Number.isInteger(h) || h < 1) issues.push({ path: `${path}[${i}]`, message: `expected an integer ≥ 1, got ${show(h)}` });
    else if (seen.has(h)) issues.push({ path: `${path}[${i}]`, message: `horizon \`${h}\` is listed twice` });
    else seen.add(h);
  });
}

/**
 * Forward returns per horizon `h`, from the close of day `t` to the close of day `t + h`:
 *
 * - default: `Π_{s = t+1}^{t+h} (1 + ret[s]) − 1`, compounding the daily return field. A
 *   suspended day has `ret = 0`, so a stock suspended at `t + h` gets its return up to its last
 *   trading close on or before `t + h` (the price it would be valued at); a missing `ret` in the
 *   window (no row: delisted, a gap) or a window past the calendar's end gives `NaN`;
 * - with `priceField`: `price[t + h] / price[t] − 1` (alphalens), `NaN` when either price is
 *   missing or `price[t] ≤ 0`.
 *
 * O(dates × assets) per horizon whatever `h` (`@factorkit/ops`' `rollingCompoundBlocks`: block
 * products, so a window of zero returns is exactly 0 and equal windows give equal bits — ties
 * that rank IC and quantile groups must see as ties). Pure: reads the fields, writes new panels.
 *
 * The same numbers date by date, to compute once and share between `evaluateFactor` calls:
 * {@link forwardReturnsByDate}.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` for bad horizons; FactorkitError `FK_MISSING_INPUT`
 *   when the field is not in the data.
 */
export function forwardReturns(data: MarketData, options: ForwardReturnOptions = {}): ForwardReturns {
  const { horizons, source, field, input } = forwardInput(data, options, 'forwardReturns');
  const T = input.dates;
  const window = new Float64Array(T);
  const panels = horizons.map((h) => {
    // Zero-filled, not NaN-filled: columnReturns writes every cell.
    const panel = new Panel(T, input.assets, new Float64Array(T * input.assets));
    for (let a = 0; a < input.assets; a++) columnReturns(input, source, a, h, panel.column(a), window);
    return panel;
  });
  return { horizons, panels, source, field };
}

/**
 * {@link forwardReturns} laid out date by date ({@link ForwardReturnsByDate}), the same numbers
 * bit for bit: what `evaluateFactor({ forward })` takes. They depend only on the data, the
 * field and the horizons — not on a factor or a universe — so a run evaluating many factors
 * computes them once and passes them to every call, in other threads too.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` for bad horizons; FactorkitError
 *   `FK_MISSING_INPUT` when the field is not in the data.
 */
export function forwardReturnsByDate(data: MarketData, options: ForwardReturnsByDateOptions = {}): ForwardReturnsByDate {
  const dates = data.calendar.dates;
  let start = 0;
  if (options.from !== undefined) {
    const from = parseDate(options.from, 'forwardReturnsByDate: option `from`');
    start = data.calendar.ceil(from);
    if (start >= dates.length) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `forwardReturnsByDate: option \`from\` \`${from}\` is after the data's last date \`${String(dates[dates.length - 1])}\``);
    }
  }
  const { horizons, source, field, returns } = returnsByDate(data, options, 'forwardReturnsByDate', start);
  return { horizons, source, field, calendar: { length: dates.length, first: dates[0], last: dates[dates.length - 1] }, assets: data.assets.length, from: dates[start], returns };
}

/** Assets computed together by {@link returnsByDate} before they are written date by date. */
const BLOCK = 32;

/**
 * The forward returns date-major: {@link forwardReturnsByDate}'s, and a call of `evaluateFactor`
 * without `forward`. Rows before calendar index `start` are not computed nor written (0): the
 * pages of a new array that are never written cost nothing.
 */
export function returnsByDate(
  data: MarketData,
  options: ForwardReturnOptions,
  op: string,
  start = 0,
): { horizons: number[]; source: 'returns' | 'prices'; field: string; returns: Float64Array[] } {
  const { horizons, source, field, input } = forwardInput(data, options, op);
  const T = input.dates;
  const N = input.assets;
  const window = new Float64Array(T);
  const block = new Float64Array(BLOCK * T);
  const returns = horizons.map((h) => {
    const out = new Float64Array(T * N);
    // rollingCompoundBlocks cuts the series into blocks of h values from its first one: starting
    // at a multiple of h keeps every block, so every bit, of the whole-calendar computation.
    const s = source === 'returns' ? start - (start % h) : start;
    const L = T - s;
    for (let first = 0; first < N; first += BLOCK) {
      const count = Math.min(BLOCK, N - first);
      for (let j = 0; j < count; j++) columnReturns(input, source, first + j, h, block.subarray(j * L, (j + 1) * L), window, s);
      // A few columns at a time, so that the reads stay within a few memory pages.
      for (let t = start; t < T; t++) {
        const row = t * N + first;
        const at = t - s;
        for (let j = 0; j < count; j++) out[row + j] = block[j * L + at]!;
      }
    }
    return out;
  });
  return { horizons, source, field, returns };
}

/** Options checked, and the field read. */
function forwardInput(data: MarketData, options: ForwardReturnOptions, op: string): { horizons: number[]; source: 'returns' | 'prices'; field: string; input: Panel } {
  const horizons = options.horizons ?? DEFAULT_HORIZONS;
  const issues: Issue[] = [];
  checkHorizons(horizons, 'horizons', issues);
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', `${op}: invalid options`, issues);
  const field = options.priceField ?? options.returnField ?? FIELD.ret;
  if (!data.hasField(field)) missingField(field, data);
  return { horizons: [...horizons], source: options.priceField === undefined ? 'returns' : 'prices', field, input: data.field(field) };
}

/**
 * Asset `a`'s forward returns over `h` days of the dates `s … T − 1` into `out` (`out[t − s]`,
 * every cell written): `fwd[t] = rollingCompoundBlocks(ret, h)[t + h]` with every return of the
 * window required, or the price ratio; `NaN` past the end. For compounded returns `s` must be a
 * multiple of `h` (the blocks of the whole series), and the row `s − 1`, whose window would
 * start before `s`, is not asked for.
 */
function columnReturns(input: Panel, source: 'returns' | 'prices', a: number, h: number, out: Float64Array, window: Float64Array, s = 0): void {
  const T = input.dates;
  const L = T - s;
  const end = Math.max(0, L - h);
  if (source === 'returns') {
    if (h < L) {
      const local = window.subarray(0, L);
      rollingCompoundBlocks(input.column(a).subarray(s), h, { minObs: h }, local);
      out.set(local.subarray(h), 0);
    }
  } else {
    const p = input.column(a);
    for (let j = 0; j < end; j++) {
      const p0 = p[s + j]!;
      const v = p[s + j + h]! / p0 - 1;
      out[j] = p0 > 0 && v - v === 0 ? v : Number.NaN;
    }
  }
  out.fill(Number.NaN, end, L);
}

/**
 * The arrays of `forward` for `horizons`, in that order, and its 1-day array if any, after
 * checking that `forward` was computed on this data (calendar length, first and last dates,
 * assets) with these horizons (more are fine) and the same return definition (source, field),
 * and that its rows are computed from calendar index `readFrom` on (the first row the call reads).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming the option `forward` and every mismatch.
 */
export function forwardArraysFor(
  forward: ForwardReturnsByDate,
  data: MarketData,
  horizons: readonly number[],
  expected: { readonly source: 'returns' | 'prices'; readonly field: string },
  readFrom = 0,
): { readonly byHorizon: Float64Array[]; readonly oneDay: Float64Array | undefined } {
  const dates = data.calendar.dates;
  const T = dates.length;
  const N = data.assets.length;
  const calendar = forward?.calendar;
  if (typeof forward !== 'object' || forward === null || !Array.isArray(forward.horizons) || !Array.isArray(forward.returns) || typeof calendar !== 'object' || calendar === null) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `evaluateFactor: option \`forward\` must be what \`forwardReturnsByDate(data, options)\` returns, got ${describe(forward)}`);
  }
  const problems: string[] = [];
  if (calendar.length !== T || calendar.first !== dates[0] || calendar.last !== dates[T - 1]) {
    problems.push(`it covers ${show(calendar.length)} dates (\`${String(calendar.first)}\` … \`${String(calendar.last)}\`), the data ${T} (\`${String(dates[0])}\` … \`${String(dates[T - 1])}\`)`);
  }
  if (forward.assets !== N) problems.push(`it has ${show(forward.assets)} assets, the data ${N}`);
  if (forward.from !== undefined && problems.length === 0) {
    const from = data.calendar.indexOf(forward.from);
    if (from < 0) problems.push(`its rows are computed from ${show(forward.from)}, not a trading day of the data`);
    else if (from > readFrom) {
      problems.push(`its rows are computed from \`${forward.from}\` on (option \`from\` of forwardReturnsByDate), this call reads rows from \`${String(dates[readFrom])}\``);
    }
  }
  if (forward.source !== expected.source || forward.field !== expected.field) {
    const what = (source: unknown, field: unknown): string => (source === 'prices' ? `the price ratio on \`${String(field)}\`` : `\`${String(field)}\` compounded`);
    problems.push(`it holds ${what(forward.source, forward.field)}, this call asks for ${what(expected.source, expected.field)}`);
  }
  const missing = horizons.filter((h) => !forward.horizons.includes(h));
  if (missing.length > 0) problems.push(`it has no horizon ${missing.map((h) => `\`${h}\``).join(', ')} (it has ${forward.horizons.join(', ')})`);
  if (forward.returns.length !== forward.horizons.length) problems.push(`it has ${forward.returns.length} arrays for ${forward.horizons.length} horizons`);
  forward.horizons.forEach((h, k) => {
    const values = forward.returns[k];
    if (values !== undefined && !(values instanceof Float64Array && values.length === T * N)) {
      problems.push(`its ${show(h)}-day returns are ${describe(values)}, expected a Float64Array of ${T} dates × ${N} assets = ${T * N} values`);
    }
  });
  if (problems.length > 0) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `evaluateFactor: option \`forward\` does not match this call: ${problems.join('; ')}`, { details: { problems } });
  }
  const at = (h: number): Float64Array | undefined => {
    const k = forward.horizons.indexOf(h);
    return k < 0 ? undefined : forward.returns[k];
  };
  return { byHorizon: horizons.map((h) => at(h)!), oneDay: at(1) };
}

/** A value for a message without serialising a large one (`show` would stringify every element). */
function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    return `an object with keys ${Object.keys(value).map((k) => `\`${k}\``).join(', ') || 'none'}`;
  }
  return show(value);
}
