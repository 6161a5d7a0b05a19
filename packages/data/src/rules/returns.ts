import { checkLengths, type Numbers, outArray } from '../pit/internal.js';
import { findListing } from './listing.js';

/** Inputs of {@link dailyReturns}: one stock's daily rows aligned with the calendar, `NaN` where it has no row. */
export interface ReturnInputs {
  /** Adjusted close. */
  readonly close: Numbers;
  /** Adjusted previous close, as given by the source (ex-rights reference on ex-dates). */
  readonly preClose: Numbers;
  /** The source's change in percent (1.5 = +1.5 %), from unadjusted prices; `NaN` = missing. */
  readonly pctChg?: Numbers;
  /** 1 = trading, 0 = suspended, `NaN` = no row. */
  readonly isTrading: Numbers;
}

/** Options of {@link dailyReturns}. */
export interface ReturnOptions {
  /**
   * The calendar index of the listing day (see `findListing`); −1 = listed before the calendar.
   * Default: inferred by `findListing(isTrading)`.
   */
  readonly listing?: number;
  /**
   * The return on the listing day:
   * - `'nan'` (default): nobody could hold the stock at the previous close, and the source's
   *   `pct_chg` there is the gain over the IPO (or reference) price, earned only by IPO allottees
   *   (+44 % on a capped first day, several hundred percent on STAR/ChiNext debuts). Keeping it
   *   would pollute momentum, volatility and a backtest that buys at the first close;
   * - `'source'`: `pct_chg / 100` (or `close / pre_close − 1`) as for any other day, i.e. the
   *   return over the IPO price. In cn-csi300 the listing-day `pct_chg` of 001965.SZ (39.85) does
   *   not match its `close / pre_close − 1` (−9.8 %): with `'source'` the `pct_chg` is what counts.
   */
  readonly listingDay?: 'nan' | 'source';
  readonly out?: Float64Array;
}

/**
 * Daily simple returns of one stock (0.015 = +1.5 %):
 * - a trading day: `pct_chg / 100` when present, else `close / pre_close − 1` (the source's
 *   `pre_close` is the ex-rights reference, so both are total returns; never compound
 *   `close / previous row's close`, which breaks on adjustment-factor breaks);
 * - a suspended day (`is_trading = 0`): 0 (the position is held at an unchanged price);
 * - `NaN` before the stock's first trading row (including suspended rows before it), on days
 *   without a row (before listing, after delisting, gaps), and on the listing day unless
 *   `listingDay: 'source'`.
 *
 * A return on day t is known at the close of t.
 */
export function dailyReturns(input: ReturnInputs, options: ReturnOptions = {}): Float64Array {
  const where = 'dailyReturns';
  const T = checkLengths(where, { close: input.close, preClose: input.preClose, pctChg: input.pctChg, isTrading: input.isTrading });
  const out = outArray(options.out, T, where);
  const listing = options.listing ?? findListing(input.isTrading);
  const keepListingDay = options.listingDay === 'source';
  const { close, preClose, pctChg, isTrading } = input;
  let started = false;
  for (let t = 0; t < T; t++) {
    const status = isTrading[t]!;
    if (status === 1) {
      if (!started) started = true;
      if (t === listing && !keepListingDay) {
        out[t] = Number.NaN;
        continue;
      }
      const pct = pctChg ? pctChg[t]! : Number.NaN;
      if (Number.isFinite(pct)) out[t] = pct / 100;
      else {
        const c = close[t]!;
        const p = preClose[t]!;
        out[t] = p > 0 && c >= 0 ? c / p - 1 : Number.NaN;
      }
    } else if (status === 0) out[t] = started ? 0 : Number.NaN;
    else out[t] = Number.NaN;
  }
  return out;
}
