import { FactorkitError } from '@factorkit/core';
import { checkCalendar, checkLengths, type Numbers } from '../pit/internal.js';
import { LISTED_BEFORE_CALENDAR, tradingDaysSinceListing } from './listing.js';

/**
 * A-share daily price limits (涨跌停) by board and date, and limit flags without look-ahead.
 *
 * Rules (a band is the allowed move from the previous close; limit price =
 * `round(raw pre_close × (1 ± band), 0.01 CNY)`, rounded half up):
 *
 * | board | band | source |
 * | --- | --- | --- |
 * | main board (SSE/SZSE, incl. the former SME board) | ±10 %, ST/*ST ±5 % | [1] |
 * | ChiNext (300/301) before 2020-08-24 | ±10 %, ST ±5 % (main-board rules) | [1], [2] |
 * | ChiNext from 2020-08-24 | ±20 %, ST too | [2], [3] |
 * | STAR (688/689), trading since 2019-07-22 | ±20 %, ST too | [4], [5] |
 * | BSE (Beijing, since 2021-11-15) | ±30 % | [6] |
 *
 * New listings (the stock's own trading days, counted from the listing day):
 * - registration-system listings have **no limit on the first 5 trading days**: STAR (all),
 *   ChiNext listed from 2020-08-24, main board listed from 2023-04-10 (the main-board
 *   registration reform; its first 10 listings traded that day) [3], [4], [7], [8];
 * - approval-system main-board and ChiNext listings from 2014-01-01 to the reform: the first day
 *   is capped at +44 % / −36 % of the IPO price (valid orders within 144 % / 64 % of it) [9], [10].
 *   The band applies to `pre_close`, which the source sets to the IPO price on a listing day
 *   (002714.SZ 2014-01-28: 24.07 → 34.66 = round(24.07 × 1.44, 2));
 * - BSE: no limit on the first day [6];
 * - earlier approval-system listings (before 2014): first day treated as unlimited (simplification:
 *   the 2012–2013 rules used intraday halts rather than a hard cap).
 *
 * Sources found while writing this (public pages; retrieved through the project's search tool):
 * 1. SZSE price limits (asiaetrading.com/exchanges/china-exchanges/shenzhen-stock-exchange/price-limits):
 *    10 %, ST/*ST 5 %, "price limit = previous closing price × (1 ± price limit percentage) … rounded
 *    to the tick size"; no limit on the first trading day of an IPO listing or a listing resumption
 *    (the rule before the 2014 first-day cap).
 * 2. 中国结算 notice reported by 每日经济新闻, 2020-08-18: "2020年8月24日及之后创业板风险警示(ST或*ST)股票
 *    的价格涨跌幅限制比例为20%".
 * 3. Bloomberg, 2020-08-16 (bnnbloomberg.ca, "China traders ready for stock daily limits to double next
 *    week"): ChiNext 20 % limit effective Aug. 24 with the first registration listings, which have no
 *    limit in their first five sessions; China Daily 2020-08-18: "double the daily fluctuation limit
 *    of its over 800 listed stocks to 20 percent".
 * 4. China Knowledge, 2019-07-22 (chinaknowledge.com/News/DetailNews?id=87369): STAR launched with 25
 *    IPOs that day; "no price increment cap during the first five days of trading".
 * 5. rustdx-complete `limit.rs` (docs.rs): main ±10 %, ChiNext/STAR ±20 %, BSE ±30 %; main-board ST
 *    ±5 %, ChiNext/STAR ST keep ±20 %; limit prices "四舍五入到分".
 * 6. Xinhua via shine.cn, 2021-11-15: BSE opened that day and "doesn't limit the price change of
 *    the newly-listed companies on the first trading day"; NTB via abcnyheter.no the same day: prices
 *    may not move more than 30 % a day, the first day excepted; 30 % also in [5].
 * 7. 3spqzx.icu/lijiang/470725475.html: "上市前五个交易日不设涨跌幅限制 … 从2023年4月10日开始上市的股票全部
 *    都是注册制股票", main board still 10 % afterwards.
 * 8. paragon.net.cn 2023-04-11: 2023年4月10日 主板注册制首批10只新股上市交易.
 * 9. licai.jiantou8.com/ask/qa_4954528.html: SSE/SZSE first day, continuous auction valid prices
 *    "不得高于发行价格的 144% 且不得低于发行价格的 64%".
 * 10. china.xy178.com: the first-day limit "是在2014年1月1日后实行的,股价最高涨幅为发行价44%".
 *
 * A price beyond the band counts as at the limit (002709.SZ closed its 2014 listing day at +45.2 %).
 *
 * Simplifications (each one a known gap, none matters for the CSI 300 data set):
 * - ChiNext stocks listed before 2020-08-24 but within their first days on that date, ChiNext
 *   stocks in a delisting period on 2020-08-24 (which kept 10 % [2]), and delisting-period
 *   (退市整理期) bands in general are not modelled;
 * - a relisting's first day (恢复上市, e.g. 000792.SZ +306 % on 2021-08-10) has no limit [1]; it
 *   cannot be told from a long suspension in the data, so override the band for such days;
 * - the main-board ST band is ±5 % throughout; a later change of that band (reported by [5] for
 *   2026) is outside this code;
 * - B shares, funds and bonds are not covered.
 */

/** The board a stock trades on (the dataset's `stocks.board` values). */
export type Board = 'main' | 'chinext' | 'star' | 'bse';

/** First day of ChiNext's 20 % band (the registration reform). */
export const CHINEXT_REFORM_DATE = 20200824;
/** First trading day of the STAR market. */
export const STAR_LAUNCH_DATE = 20190722;
/** First trading day of the Beijing Stock Exchange. */
export const BSE_LAUNCH_DATE = 20211115;
/** Main-board registration reform: listings from this day have no limit for 5 days. */
export const MAIN_REGISTRATION_DATE = 20230410;
/** From this day, approval-system first days are capped at +44 % / −36 %. */
export const FIRST_DAY_CAP_DATE = 20140101;

/**
 * The board from a tushare-style code, as cn-csi300 infers it: `300`/`301` ChiNext, `688`/`689`
 * STAR, a `.BJ` code (or `43`/`83`/`87`/`88`/`92` prefixes) BSE, otherwise the main board.
 */
export function boardOfCode(tsCode: string): Board {
  const prefix = tsCode.slice(0, 3);
  if (prefix === '300' || prefix === '301') return 'chinext';
  if (prefix === '688' || prefix === '689') return 'star';
  if (tsCode.endsWith('.BJ') || ['43', '83', '87', '88', '92'].includes(tsCode.slice(0, 2))) return 'bse';
  return 'main';
}

/**
 * A price band: the allowed rise (`up`) and fall (`down`) from the reference price as fractions
 * (0.1 = 10 %; limit-down price = pre_close × (1 − down)). `Infinity` = no limit on that side.
 */
export interface PriceBand {
  readonly up: number;
  readonly down: number;
}

/** Options of {@link priceBand}. */
export interface PriceBandOptions {
  /** ST or *ST that day. */
  readonly st?: boolean;
  /**
   * The stock's own trading days since listing before this day (0 on the listing day; see
   * `tradingDaysSinceListing`). Omitted or `Infinity`: a long-listed stock.
   */
  readonly tradingDaysListed?: number;
  /** The listing day, `yyyymmdd`: decides registration vs approval rules. Default: `date`. */
  readonly listDate?: number;
}

const NO_LIMIT: PriceBand = Object.freeze({ up: Number.POSITIVE_INFINITY, down: Number.POSITIVE_INFINITY });
const BANDS = new Map<number, PriceBand>();
function symmetric(fraction: number): PriceBand {
  let band = BANDS.get(fraction);
  if (!band) BANDS.set(fraction, (band = Object.freeze({ up: fraction, down: fraction })));
  return band;
}
const FIRST_DAY_CAP: PriceBand = Object.freeze({ up: 0.44, down: 0.36 });

/**
 * The price band of a stock of `board` on `date` (see the module docs for the rules and sources).
 *
 * @param date `yyyymmdd`
 */
export function priceBand(board: Board, date: number, options: PriceBandOptions = {}): PriceBand {
  const age = options.tradingDaysListed ?? Number.POSITIVE_INFINITY;
  const st = options.st === true;
  if (age < 5) {
    const listDate = options.listDate ?? date;
    switch (board) {
      case 'star':
        return NO_LIMIT;
      case 'bse':
        if (age < 1) return NO_LIMIT;
        break;
      case 'chinext':
      case 'main': {
        const registration = listDate >= (board === 'chinext' ? CHINEXT_REFORM_DATE : MAIN_REGISTRATION_DATE);
        if (registration) return NO_LIMIT;
        if (age < 1) return listDate >= FIRST_DAY_CAP_DATE ? FIRST_DAY_CAP : NO_LIMIT;
        break;
      }
      default:
        return unknownBoard(board);
    }
  }
  switch (board) {
    case 'main':
      return symmetric(st ? 0.05 : 0.1);
    case 'chinext':
      return date >= CHINEXT_REFORM_DATE ? symmetric(0.2) : symmetric(st ? 0.05 : 0.1);
    case 'star':
      return symmetric(0.2);
    case 'bse':
      return symmetric(0.3);
    default:
      return unknownBoard(board);
  }
}

function unknownBoard(board: never): never {
  throw new FactorkitError('FK_INVALID_ARGUMENT', `unknown board \`${String(board)}\`; expected \`main\`, \`chinext\`, \`star\` or \`bse\``);
}

/** Daily price bands of one stock, aligned with the calendar. */
export interface PriceBands {
  /** Allowed rise per day as a fraction; `Infinity` = no limit; `NaN` = no row that day. */
  readonly up: Float64Array;
  /** Allowed fall per day as a fraction; `Infinity` = no limit; `NaN` = no row that day. */
  readonly down: Float64Array;
}

/** Inputs of {@link priceBandSeries}. */
export interface PriceBandInputs {
  readonly board: Board;
  readonly calendar: Int32Array;
  /** 1 = trading, 0 = suspended, `NaN` = no row. */
  readonly isTrading: Numbers;
  /** 1 = ST/*ST that day. Omitted: never ST. */
  readonly isSt?: Numbers;
  /** The listing position (see `findListing`): a calendar index, or −1 when listed before the calendar. */
  readonly listing: number;
}

/**
 * The price band of each day for one stock. Everything it reads is known before the day's open
 * (board, date, ST status, listing day, trading days so far), so it may be used at the open.
 * To override days the rules cannot see (a relisting's first day), edit the returned arrays.
 */
export function priceBandSeries(input: PriceBandInputs): PriceBands {
  const where = 'priceBandSeries';
  checkCalendar(input.calendar, where);
  const T = checkLengths(where, { calendar: input.calendar, isTrading: input.isTrading, isSt: input.isSt });
  const age = tradingDaysSinceListing(input.isTrading, input.listing);
  const listDate = input.listing >= 0 && input.listing < T ? input.calendar[input.listing]! : undefined;
  const up = new Float64Array(T);
  const down = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    const status = input.isTrading[t]!;
    if (status !== 0 && status !== 1) {
      up[t] = down[t] = Number.NaN;
      continue;
    }
    const band = priceBand(input.board, input.calendar[t]!, {
      st: input.isSt?.[t] === 1,
      tradingDaysListed: input.listing === LISTED_BEFORE_CALENDAR ? Number.POSITIVE_INFINITY : age[t]!,
      ...(listDate === undefined ? {} : { listDate }),
    });
    up[t] = band.up;
    down[t] = band.down;
  }
  return { up, down };
}

/**
 * The exchange's limit price in CNY: `raw pre_close × (1 ± band)` rounded half up to 0.01 CNY,
 * computed in integer cents so that 3.35 × 1.1 = 3.685 rounds to 3.69 as the exchange does (a
 * float product may land on 3.68499…). `NaN` for a missing price or an unlimited band.
 *
 * @param band a fraction (0.1 = 10 %), at most 4 decimals (basis points)
 */
export function limitPrice(rawPreClose: number, band: number, side: 'up' | 'down'): number {
  if (!(rawPreClose > 0) || !Number.isFinite(band) || !(band >= 0)) return Number.NaN;
  return limitCents(Math.round(rawPreClose * 100), band, side) / 100;
}

/** The limit price in cents of a previous close in cents. */
function limitCents(preCents: number, band: number, side: 'up' | 'down'): number {
  const bp = Math.round(band * 10_000);
  const scaled = preCents * (side === 'up' ? 10_000 + bp : 10_000 - bp); // cents × 10⁴, an exact integer
  return Math.floor((scaled + 5_000) / 10_000);
}

/**
 * The ratio tolerances (in cents, to be divided by the raw previous close in cents) that decide
 * "at the limit" when only price ratios are known.
 *
 * With P the raw previous close, `P × band` lives on a grid of `g` cents (`g = gcd(bp, 10⁴) / 10⁴`
 * for a band of `bp` basis points: 0.1 ¢ for 10 %, 0.05 ¢ for 5 %, 0.04 ¢ for 44 %). Rounding half up
 * puts the limit-up price at most `fMax` cents below `P(1 + up)` (`fMax` = the largest grid point
 * below 0.5) and the tick under it at least 0.5 ¢ below, so the threshold sits halfway: flag when
 * `ratio ≥ 1 + up − (fMax + 0.5) / 2 / P`. Likewise for limit-down, the limit is at most `0.5` (or
 * `1 − fMin`) cents above `P(1 − down)` and the tick above it at least `1 − fMax` cents above.
 * The halfway margins absorb an error of the raw-price estimate of up to 11 % for 10 % and 20 %
 * bands, 5 % for ST's 5 %, 2 % for the first-day 44 %.
 */
function tolerances(band: number): { readonly upCents: number; readonly downCents: number } {
  const bp = Math.round(band * 10_000);
  const g = gcd(bp, 10_000) / 10_000;
  const steps = Math.ceil(0.5 / g - 1e-9);
  const fMax = (steps - 1) * g;
  const fMin = steps * g;
  return { upCents: (fMax + 0.5) / 2, downCents: (Math.min(0.5, 1 - fMin) + (1 - fMax)) / 2 };
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x || 1;
}

const TOLERANCE_CACHE = new Map<number, { readonly upCents: number; readonly downCents: number }>();
function toleranceOf(band: number): { readonly upCents: number; readonly downCents: number } {
  let found = TOLERANCE_CACHE.get(band);
  if (!found) TOLERANCE_CACHE.set(band, (found = tolerances(band)));
  return found;
}

/** Inputs of the limit flags: one stock, aligned with the calendar, `NaN` where it has no row. */
export interface LimitInputs {
  /** Adjusted previous close (the source's `pre_close`: the ex-rights reference). */
  readonly preClose: Numbers;
  /** Adjusted open; needed for the at-open flags. */
  readonly open?: Numbers;
  /** Adjusted close; needed for the at-close flags. */
  readonly close?: Numbers;
  /** Adjusted high and low; needed for the one-price flags. */
  readonly high?: Numbers;
  readonly low?: Numbers;
  /** The day's bands (`priceBandSeries`). */
  readonly band: PriceBands;
  /**
   * Cumulative adjustment factor (raw = adjusted / factor). Where finite, the limit price is
   * computed exactly in raw cents (or taken from `upLimit`/`downLimit`) and compared with the
   * raw price rounded to the cent.
   */
  readonly adjFactor?: Numbers;
  /** The exchange's published limit prices, raw CNY (tushare `stk_limit`); used where `adjFactor` is finite. */
  readonly upLimit?: Numbers;
  readonly downLimit?: Numbers;
  /**
   * Where there is no factor: an estimate of the raw previous close in CNY known at the open
   * (`estimateRawPreClose(…, { at: 'open' })`), which sizes the rounding tolerance. Missing or
   * `NaN`: the adjusted `pre_close` is taken as raw (right for unadjusted data and for hfq data on
   * a stock's listing day; too small a tolerance otherwise, so a limit whose price was rounded
   * towards the previous close can be missed).
   */
  readonly rawPreClose?: Numbers;
  /**
   * The same estimate allowed to read the day's own trading (`estimateRawPreClose(…, { at:
   * 'close' })`), for the at-close and one-price flags. Default: `rawPreClose`.
   */
  readonly rawPreCloseAtClose?: Numbers;
}

/** The four limit flags plus the one-price cases, each 1/0 per day. */
export interface LimitFlags {
  /** The open is at limit-up: known at the open (open vs pre_close). */
  readonly upAtOpen: Uint8Array;
  /** The open is at limit-down: known at the open. */
  readonly downAtOpen: Uint8Array;
  /** The close is at limit-up: known only at the close. */
  readonly upAtClose: Uint8Array;
  /** The close is at limit-down: known only at the close. */
  readonly downAtClose: Uint8Array;
  /** A one-price day (high = low) at limit-up (一字涨停): nothing could be bought all day. Known at the close. */
  readonly onePriceUp: Uint8Array;
  /** A one-price day at limit-down (一字跌停): nothing could be sold all day. Known at the close. */
  readonly onePriceDown: Uint8Array;
}

type Side = 'up' | 'down';

/** Whether `price` is at the `side` limit on day `t`, sizing the tolerance with `rawPre` when there is no factor. */
function atLimit(input: LimitInputs, rawPre: Numbers | undefined, price: number, t: number, side: Side): boolean {
  const band = side === 'up' ? input.band.up[t]! : input.band.down[t]!;
  const pre = input.preClose[t]!;
  if (!Number.isFinite(band) || !(price > 0) || !(pre > 0)) return false;
  const factor = input.adjFactor ? input.adjFactor[t]! : Number.NaN;
  if (factor > 0 && Number.isFinite(factor)) {
    const published = side === 'up' ? input.upLimit?.[t] : input.downLimit?.[t];
    const preCents = Math.round((pre / factor) * 100);
    const limit = published !== undefined && published > 0 ? Math.round(published * 100) : limitCents(preCents, band, side);
    const cents = Math.round((price / factor) * 100);
    return side === 'up' ? cents >= limit : cents <= limit;
  }
  const estimate = rawPre ? rawPre[t]! : Number.NaN;
  const rawPreCents = (estimate > 0 ? estimate : pre) * 100;
  const ratio = price / pre;
  const tolerance = toleranceOf(band);
  return side === 'up' ? ratio >= 1 + band - tolerance.upCents / rawPreCents : ratio <= 1 - band + tolerance.downCents / rawPreCents;
}

function checkLimitInputs(where: string, input: LimitInputs, needs: readonly ('open' | 'close' | 'high' | 'low')[]): number {
  for (const name of needs) {
    if (input[name] === undefined) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: needs \`${name}\``);
  }
  return checkLengths(where, {
    preClose: input.preClose,
    open: input.open,
    close: input.close,
    high: input.high,
    low: input.low,
    'band.up': input.band.up,
    'band.down': input.band.down,
    adjFactor: input.adjFactor,
    upLimit: input.upLimit,
    downLimit: input.downLimit,
    rawPreClose: input.rawPreClose,
    rawPreCloseAtClose: input.rawPreCloseAtClose,
  });
}

function flagSeries(where: string, input: LimitInputs, at: 'open' | 'close', side: Side): Uint8Array {
  const T = checkLimitInputs(where, input, [at]);
  const prices = input[at]!;
  const rawPre = at === 'open' ? input.rawPreClose : (input.rawPreCloseAtClose ?? input.rawPreClose);
  const out = new Uint8Array(T);
  for (let t = 0; t < T; t++) out[t] = atLimit(input, rawPre, prices[t]!, t, side) ? 1 : 0;
  return out;
}

/** 1 where the day opens at limit-up (open vs pre_close): known at the open, so usable for an order executed at that open. */
export function limitUpAtOpen(input: LimitInputs): Uint8Array {
  return flagSeries('limitUpAtOpen', input, 'open', 'up');
}

/** 1 where the day opens at limit-down: known at the open. */
export function limitDownAtOpen(input: LimitInputs): Uint8Array {
  return flagSeries('limitDownAtOpen', input, 'open', 'down');
}

/** 1 where the day closes at limit-up (close vs pre_close): known only at the close. */
export function limitUpAtClose(input: LimitInputs): Uint8Array {
  return flagSeries('limitUpAtClose', input, 'close', 'up');
}

/** 1 where the day closes at limit-down: known only at the close. */
export function limitDownAtClose(input: LimitInputs): Uint8Array {
  return flagSeries('limitDownAtClose', input, 'close', 'down');
}

/**
 * All limit flags of one stock in one pass (needs open, close, high and low).
 *
 * Each flag on day t reads only day t's `pre_close` and band (both known before the open), a
 * raw-level estimate and the one price the flag is about: the at-open flags read the open and
 * `rawPreClose` (from earlier days) and nothing later; the at-close flags the close and
 * `rawPreCloseAtClose`; the one-price flags also the high and low.
 */
export function limitFlags(input: LimitInputs): LimitFlags {
  const T = checkLimitInputs('limitFlags', input, ['open', 'close', 'high', 'low']);
  const flags: LimitFlags = {
    upAtOpen: new Uint8Array(T),
    downAtOpen: new Uint8Array(T),
    upAtClose: new Uint8Array(T),
    downAtClose: new Uint8Array(T),
    onePriceUp: new Uint8Array(T),
    onePriceDown: new Uint8Array(T),
  };
  const { open, close, high, low } = input as Required<Pick<LimitInputs, 'open' | 'close' | 'high' | 'low'>>;
  const atOpen = input.rawPreClose;
  const atClose = input.rawPreCloseAtClose ?? input.rawPreClose;
  for (let t = 0; t < T; t++) {
    flags.upAtOpen[t] = atLimit(input, atOpen, open[t]!, t, 'up') ? 1 : 0;
    flags.downAtOpen[t] = atLimit(input, atOpen, open[t]!, t, 'down') ? 1 : 0;
    const up = atLimit(input, atClose, close[t]!, t, 'up');
    const down = atLimit(input, atClose, close[t]!, t, 'down');
    flags.upAtClose[t] = up ? 1 : 0;
    flags.downAtClose[t] = down ? 1 : 0;
    const h = high[t]!;
    const onePrice = Math.abs(h - low[t]!) <= 1e-9 * Math.abs(h);
    flags.onePriceUp[t] = up && onePrice ? 1 : 0;
    flags.onePriceDown[t] = down && onePrice ? 1 : 0;
  }
  return flags;
}
