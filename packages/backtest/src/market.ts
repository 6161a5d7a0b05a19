import { FactorkitError, type MarketData, dateIntToEpochDay, dateToInt } from '@factorkit/core';
import { type Board, boardOfCode } from '@factorkit/data';
import { type Exchange, exchangeOf } from './costs.js';
import { type LotRule, lotRule } from './lots.js';

/** The price a day's orders fill at. */
export type FillPrice = 'open' | 'vwap' | 'close';

/** Why an order (or part of it) did not fill. */
export type BlockReason =
  /** The stock has no daily row that day (not listed yet, delisted, a gap in the data). */
  | 'no_row'
  /** Suspended that day (`is_trading = 0`). */
  | 'suspended'
  /** No fill price (or no raw-price factor) although the stock trades. */
  | 'no_price'
  /** At limit-up at the fill time: nobody sells. */
  | 'limit_up'
  /** At limit-down at the fill time: nobody buys. */
  | 'limit_down';

const BOARDS: readonly Board[] = ['main', 'chinext', 'star', 'bse'];

/** The fields a run reads for each fill price (see the README's table). */
export function requiredFields(at: FillPrice, participation: boolean): string[] {
  const flags = at === 'open' ? ['limit_up_open', 'limit_down_open'] : at === 'close' ? ['limit_up_close', 'limit_down_close'] : ['limit_up_open', 'limit_down_open', 'limit_up_close', 'limit_down_close'];
  return ['close', 'is_trading', at === 'vwap' ? 'vwap' : at, ...flags, ...(participation ? ['volume'] : [])].filter((v, i, all) => all.indexOf(v) === i);
}

/**
 * What a run reads of {@link MarketData}, read once: adjusted prices, the raw-price factor, volume,
 * suspension and the limit flags of the fill times used, board and exchange per asset.
 *
 * Prices: `open` and `close` are back-adjusted (hfq); `vwap` is raw (`amount / volume`). The
 * factor `F = adjusted / raw` comes from `adj_factor` where it is finite and > 0, else from
 * `close / raw_close` (the data layer's estimate), else it is 1 (the prices are taken as raw,
 * noted once in `notes`).
 */
export class MarketView {
  readonly T: number;
  readonly N: number;
  readonly dates: readonly string[];
  /** `yyyymmdd` of each calendar day. */
  readonly dateInts: Int32Array;
  /** Days since 1970-01-01 of each calendar day. */
  readonly epochDays: Int32Array;
  readonly assets: readonly string[];
  readonly boards: readonly Board[];
  readonly lots: readonly LotRule[];
  readonly exchanges: readonly Exchange[];
  /** Notes on how the data was read (approximations). */
  readonly notes: string[] = [];

  readonly #close: Float64Array;
  readonly #isTrading: Float64Array;
  readonly #volume: Float64Array | undefined;
  readonly #adjFactor: Float64Array | undefined;
  readonly #rawClose: Float64Array | undefined;
  readonly #fill = new Map<FillPrice, { readonly price: Float64Array; readonly up: readonly Float64Array[]; readonly down: readonly Float64Array[] }>();

  /**
   * @param at the fill times the run uses (each one's price and limit flags are read).
   * @param participation whether a volume cap applies (then `volume` is read).
   * @throws FactorkitError `FK_MISSING_INPUT` naming every field the run needs and the data lacks.
   */
  constructor(data: MarketData, at: readonly FillPrice[], participation: boolean) {
    const needed = [...new Set(at.flatMap((time) => requiredFields(time, participation)))];
    const missing = needed.filter((name) => !data.hasField(name));
    if (missing.length > 0) {
      throw new FactorkitError(
        'FK_MISSING_INPUT',
        `backtest: the data lacks ${missing.map((m) => `\`${m}\``).join(', ')} (fills at ${at.map((time) => `the ${time === 'vwap' ? 'VWAP' : time}`).join(' and ')} read them; \`@factorkit/data\` derives the limit flags and \`vwap\` from the daily bars)`,
        { details: { missing } },
      );
    }
    this.T = data.calendar.length;
    this.N = data.assets.length;
    this.dates = data.calendar.dates;
    this.dateInts = Int32Array.from(this.dates, (d) => dateToInt(d));
    this.epochDays = Int32Array.from(this.dateInts, (d) => dateIntToEpochDay(d));
    this.assets = data.assets;
    this.boards = readBoards(data);
    this.lots = this.boards.map(lotRule);
    this.exchanges = this.assets.map(exchangeOf);
    const values = (name: string) => data.field(name).values;
    this.#close = values('close');
    this.#isTrading = values('is_trading');
    this.#volume = participation ? values('volume') : undefined;
    this.#adjFactor = data.hasField('adj_factor') ? values('adj_factor') : undefined;
    this.#rawClose = data.hasField('raw_close') ? values('raw_close') : undefined;
    if (!this.#adjFactor && !this.#rawClose) this.notes.push('the data has neither `adj_factor` nor `raw_close`: prices are taken as raw (shares, lots and fees in CNY are exact only if they are)');
    for (const time of at) {
      const times: readonly ('open' | 'close')[] = time === 'vwap' ? ['open', 'close'] : [time];
      this.#fill.set(time, {
        price: values(time),
        up: times.map((x) => values(`limit_up_${x}`)),
        down: times.map((x) => values(`limit_down_${x}`)),
      });
    }
  }

  #time(at: FillPrice) {
    const found = this.#fill.get(at);
    if (!found) throw new FactorkitError('FK_INVALID_ARGUMENT', `backtest: fills at \`${at}\` were not prepared (the market view reads ${[...this.#fill.keys()].map((k) => `\`${k}\``).join(', ')})`);
    return found;
  }

  /** Adjusted close, `NaN` without one. */
  close(t: number, a: number): number {
    return this.#close[a * this.T + t]!;
  }

  /**
   * The factor `adjusted / raw` on day t; `NaN` when unknown (no row, no estimate yet).
   * Raw shares = adjusted shares × F; raw price = adjusted price / F.
   */
  factor(t: number, a: number): number {
    const i = a * this.T + t;
    const given = this.#adjFactor ? this.#adjFactor[i]! : Number.NaN;
    if (given > 0 && Number.isFinite(given)) return given;
    if (this.#rawClose) {
      const raw = this.#rawClose[i]!;
      const close = this.#close[i]!;
      return raw > 0 && close > 0 ? close / raw : Number.NaN;
    }
    return this.#adjFactor ? Number.NaN : 1;
  }

  /** The raw fill price (CNY) at `at` on day t, `NaN` when missing. */
  rawPrice(t: number, a: number, at: FillPrice): number {
    const price = this.#time(at).price[a * this.T + t]!;
    // The VWAP is raw already; open and close are adjusted.
    return at === 'vwap' ? price : price / this.factor(t, a);
  }

  /** Shares traded on day t (raw), `NaN` when unknown; only with a participation cap. */
  volume(t: number, a: number): number {
    return this.#volume ? this.#volume[a * this.T + t]! : Number.NaN;
  }

  /** 1 trading, 0 suspended, `NaN` no row. */
  isTrading(t: number, a: number): number {
    return this.#isTrading[a * this.T + t]!;
  }

  /**
   * Why a `side` order of asset `a` cannot fill on day t at `at`, or `undefined`. At the open:
   * the open-limit flags; at the close: the close-limit flags; at the VWAP: either (see the
   * README: a VWAP order works through the session, and a book locked at the limit at the open
   * or at the close puts part of the day's volume out of reach).
   */
  blocked(t: number, a: number, side: 'buy' | 'sell', at: FillPrice): BlockReason | undefined {
    const trading = this.isTrading(t, a);
    if (trading !== 1) return trading === 0 ? 'suspended' : 'no_row';
    const i = a * this.T + t;
    const time = this.#time(at);
    for (const flags of side === 'buy' ? time.up : time.down) {
      if (flags[i] === 1) return side === 'buy' ? 'limit_up' : 'limit_down';
    }
    // Shares convert between raw and adjusted terms with the factor: a trade needs both.
    if (!(this.rawPrice(t, a, at) > 0) || !(this.factor(t, a) > 0)) return 'no_price';
    return undefined;
  }
}
function readBoards(data: MarketData): Board[] {
  if (data.hasField('board')) {
    const panel = data.categorical('board');
    const T = panel.dates;
    return data.assets.map((code, a) => {
      // The board is static; the first known value of the asset's column.
      for (let t = 0; t < T; t++) {
        const c = panel.codes[a * T + t]!;
        const level = c >= 0 ? panel.levels[c] : undefined;
        if (level !== undefined && (BOARDS as readonly string[]).includes(level)) return level as Board;
      }
      return boardOfCode(code);
    });
  }
  return data.assets.map((code) => boardOfCode(code));
}
