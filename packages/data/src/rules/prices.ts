import { checkLengths, type Numbers, outArray } from '../pit/internal.js';

/**
 * The raw (unadjusted) price level and share counts, from what a back-adjusted dataset has.
 *
 * Adjusted prices (hfq: raw × cumulative factor) are right for returns but not for anything that
 * needs CNY per share: market cap, the 0.01 CNY tick of limit prices, lot sizes. When the dataset
 * has `adj_factor`, raw = adjusted / factor exactly. cn-csi300 has no factor, but `amount` (CNY)
 * and `volume` (shares) are unadjusted, so their ratio, the day's VWAP, is a raw price.
 */

/** The day's volume-weighted average price in CNY: `amount / volume`; `NaN` when volume is 0 or missing. */
export function vwap(amount: Numbers, volume: Numbers, out?: Float64Array): Float64Array {
  const T = checkLengths('vwap', { amount, volume });
  const result = outArray(out, T, 'vwap');
  for (let t = 0; t < T; t++) {
    const v = volume[t]!;
    const a = amount[t]!;
    result[t] = v > 0 && a >= 0 ? a / v : Number.NaN;
  }
  return result;
}

/**
 * Float shares implied by the source's turnover: `volume / (turnover_rate / 100)`, with
 * `turnover_rate` in percent; `NaN` unless both are > 0 (a suspended day has no turnover). The
 * turnover is rounded in the source (cn-csi300: 6 decimals), so the result is good to about
 * `1e-6 / turnover_rate` relative: fine at 1 %, about 1e-4 at 0.01 %.
 */
export function floatSharesFromTurnover(volume: Numbers, turnoverRate: Numbers, out?: Float64Array): Float64Array {
  const T = checkLengths('floatSharesFromTurnover', { volume, turnoverRate });
  const result = outArray(out, T, 'floatSharesFromTurnover');
  for (let t = 0; t < T; t++) {
    const v = volume[t]!;
    const r = turnoverRate[t]!;
    result[t] = v > 0 && r > 0 ? v / (r / 100) : Number.NaN;
  }
  return result;
}

/** Inputs of {@link rawClose}: one stock, aligned with the calendar, `NaN` where it has no row. */
export interface RawPriceInputs {
  /** Adjusted close (and high/low, same adjustment). */
  readonly close: Numbers;
  readonly high?: Numbers;
  readonly low?: Numbers;
  /** Cumulative adjustment factor, raw = adjusted / factor. Used wherever finite and > 0. */
  readonly adjFactor?: Numbers;
  /** Value traded (CNY) and volume (shares), unadjusted: for the VWAP approximation. */
  readonly amount?: Numbers;
  readonly volume?: Numbers;
}

/** Options of {@link rawClose}. */
export interface RawCloseOptions {
  readonly out?: Float64Array;
  /** When given, receives 1 on days whose value is the VWAP approximation, 0 where it is exact or `NaN`. */
  readonly approximated?: Uint8Array;
}

/**
 * The raw close in CNY.
 *
 * - **Exact** where `adjFactor` is finite and > 0: `close / adjFactor`.
 * - **Approximated** elsewhere (flagged in `approximated`): the day's adjustment factor is
 *   estimated as `typical_adj / VWAP_raw` with `typical_adj = (high + low + close) / 3`, so
 *   `raw close ≈ close_adj × VWAP_raw / typical_adj`. The factor is exact to the extent that the
 *   typical price matches the VWAP: equal on one-price (limit) days, typically within a few
 *   tenths of a percent on liquid stocks, a few percent on days with a wide range and skewed
 *   volume. Without `high`/`low` the close stands in for the typical price (rougher). On days
 *   with no VWAP (suspended, volume missing) the last estimated factor is carried forward (the
 *   factor only changes on ex-dates, when the stock trades); `NaN` before the first estimate.
 *   Good enough for market-cap ranks, sizes and tick-size tolerances; not for reconstructing a
 *   raw price series exactly.
 *
 * Uses the day's own VWAP: known at the close of the day.
 */
export function rawClose(input: RawPriceInputs, options: RawCloseOptions = {}): Float64Array {
  const where = 'rawClose';
  const T = checkLengths(where, { close: input.close, high: input.high, low: input.low, adjFactor: input.adjFactor, amount: input.amount, volume: input.volume });
  const out = outArray(options.out, T, where);
  const flags = options.approximated;
  if (flags) flags.fill(0);
  const factor = estimateAdjFactor(input);
  for (let t = 0; t < T; t++) {
    const exact = input.adjFactor ? input.adjFactor[t]! : Number.NaN;
    const c = input.close[t]!;
    if (exact > 0 && Number.isFinite(exact)) out[t] = c / exact;
    else {
      out[t] = c / factor[t]!;
      if (flags && Number.isFinite(out[t]!)) flags[t] = 1;
    }
  }
  return out;
}

/**
 * The adjustment factor (adjusted / raw) estimated from the VWAP as in {@link rawClose}, carried
 * forward over days without a VWAP; `NaN` before the first estimate. Exact where `adjFactor` is given.
 */
export function estimateAdjFactor(input: RawPriceInputs, out?: Float64Array): Float64Array {
  const where = 'estimateAdjFactor';
  const T = checkLengths(where, { close: input.close, high: input.high, low: input.low, adjFactor: input.adjFactor, amount: input.amount, volume: input.volume });
  const result = outArray(out, T, where);
  const { close, high, low, adjFactor, amount, volume } = input;
  let last = Number.NaN;
  for (let t = 0; t < T; t++) {
    const exact = adjFactor ? adjFactor[t]! : Number.NaN;
    if (exact > 0 && Number.isFinite(exact)) last = exact;
    else if (amount && volume) {
      const v = volume[t]!;
      const a = amount[t]!;
      const c = close[t]!;
      const typical = high && low ? (high[t]! + low[t]! + c) / 3 : c;
      if (v > 0 && a > 0 && typical > 0) last = typical / (a / v);
    }
    result[t] = last;
  }
  return result;
}

/** Options of {@link estimateRawPreClose}. */
export interface RawPreCloseOptions {
  /**
   * What the estimate may read of day t itself:
   * - `'open'` (default): nothing but `pre_close` (and the day's `adjFactor`, published before the
   *   open); the factor is the last VWAP estimate of an earlier day. For the at-open flags.
   * - `'close'`: also the day's own trading (its VWAP), which fixes the estimate on days where
   *   the earlier one is stale: the first trading day of a stock suspended since the data begins,
   *   a resumption after a corporate action during the suspension. For the at-close flags.
   */
  readonly at?: 'open' | 'close';
  readonly out?: Float64Array;
}

/**
 * A raw previous-close estimate per day, in CNY, for sizing the 0.01 CNY rounding tolerance of
 * limit prices (`limitFlags`): the adjusted `pre_close` divided by an adjustment factor estimate
 * (see `options.at` for which one). `NaN` while there is no estimate yet (a stock's first row
 * at the open). With `at: 'open'` the estimate on an ex-date is the previous raw close rather
 * than the ex-rights reference: off by the dividend, a second-order change of the tolerance.
 */
export function estimateRawPreClose(input: RawPriceInputs & { readonly preClose: Numbers }, options: RawPreCloseOptions = {}): Float64Array {
  const where = 'estimateRawPreClose';
  const T = checkLengths(where, { preClose: input.preClose, close: input.close });
  const result = outArray(options.out, T, where);
  const factor = estimateAdjFactor(input);
  const sameDay = options.at === 'close';
  for (let t = 0; t < T; t++) {
    const exact = input.adjFactor ? input.adjFactor[t]! : Number.NaN;
    const f = exact > 0 && Number.isFinite(exact) ? exact : sameDay ? factor[t]! : t > 0 ? factor[t - 1]! : Number.NaN;
    result[t] = input.preClose[t]! / f;
  }
  return result;
}

/** Market capitalisation in CNY: raw price × shares (`total_share` for total, float shares for float cap); `NaN` when either is missing. */
export function marketCap(rawPrice: Numbers, shares: Numbers, out?: Float64Array): Float64Array {
  const T = checkLengths('marketCap', { rawPrice, shares });
  const result = outArray(out, T, 'marketCap');
  for (let t = 0; t < T; t++) result[t] = rawPrice[t]! * shares[t]!;
  return result;
}
