import { FactorkitError, show } from '@factorkit/core';
import { CostSchedule } from './costs.js';
import { roundOrder, roundSell } from './lots.js';
import type { FillPrice, MarketView } from './market.js';
import type { BacktestSettings } from './settings.js';
import type { Side, TradeReason, TradeRecord, TradeStatus } from './types.js';

/** One order handed to {@link Account.execute}. */
export interface OrderRequest {
  /** Column of the asset in the data. */
  readonly asset: number;
  readonly side: Side;
  /** Raw shares wanted (as on the day of execution); ignored for an `exit`. */
  readonly shares: number;
  /** A sell of the whole position (odd lot and fraction included). */
  readonly exit?: boolean;
}

/** Share counts within this of each other are equal (they come from products of floats). */
const EPSILON = 1e-6;

/** A buy that passed the per-order checks, before the cash check. */
interface BuyCandidate {
  /** Position in the session's orders. */
  readonly index: number;
  readonly asset: number;
  readonly ordered: number;
  /** Shares after the volume cap and lot rounding. */
  readonly shares: number;
  readonly reason: TradeReason | undefined;
  /** Raw price without slippage. */
  readonly mid: number;
  readonly factor: number;
}

/**
 * Cash and positions under A-share rules, one trading day at a time: {@link beginDay} (deposit
 * interest, a new T+1 and volume day), any number of {@link execute} sessions (sells first, then
 * buys scaled to the cash), {@link markToMarket} at the close.
 *
 * Positions are kept in **adjusted shares** (raw shares / factor), valued at adjusted closes:
 * cash dividends and bonus shares are reinvested through the adjusted prices (see the README).
 * Orders and trade records are in raw shares and CNY.
 *
 * `runBacktest` runs one session per day, so a stock is never bought and sold on the same day
 * there; the T+1 rule below matters for callers that run several sessions a day.
 */
export class Account {
  /** Cash, CNY; never negative. */
  cash: number;
  /** Adjusted shares held, per asset. */
  readonly shares: Float64Array;
  readonly #market: MarketView;
  readonly #settings: BacktestSettings;
  readonly #costs: CostSchedule;
  /** Adjusted shares bought today: not sellable until tomorrow (T+1). */
  readonly #boughtToday: Float64Array;
  /** Raw shares traded today, against the participation cap. */
  readonly #traded: Float64Array;
  /** The last adjusted close and factor seen per asset (marks positions across missing days). */
  readonly #lastClose: Float64Array;
  readonly #lastFactor: Float64Array;
  #day = -1;

  constructor(market: MarketView, settings: BacktestSettings) {
    this.#market = market;
    this.#settings = settings;
    this.#costs = new CostSchedule(settings.costs.stampDuty, settings.costs.transferFee);
    this.cash = settings.capital;
    this.shares = new Float64Array(market.N);
    this.#boughtToday = new Float64Array(market.N);
    this.#traded = new Float64Array(market.N);
    this.#lastClose = new Float64Array(market.N).fill(Number.NaN);
    this.#lastFactor = new Float64Array(market.N).fill(Number.NaN);
  }

  /** The current day's calendar index (−1 before the first {@link beginDay}). */
  get day(): number {
    return this.#day;
  }

  /**
   * Start day `t`: credit deposit interest on the cash over the calendar days since the previous
   * day (`cash × rate × days / dayBasis`), and start a new day for T+1 and the volume cap.
   * Returns the interest credited.
   */
  beginDay(t: number): number {
    if (!Number.isInteger(t) || t <= this.#day || t >= this.#market.T) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `account: day ${show(t)} does not follow day ${this.#day} within the calendar (0 … ${this.#market.T - 1})`);
    }
    let interest = 0;
    if (this.#day >= 0) {
      const days = this.#market.epochDays[t]! - this.#market.epochDays[this.#day]!;
      interest = (this.cash * this.#settings.depositRate * days) / this.#settings.dayBasis;
      this.cash += interest;
    }
    this.#day = t;
    this.#boughtToday.fill(0);
    this.#traded.fill(0);
    return interest;
  }

  /** Raw shares of asset `a` held, at the day's factor (the last known one when the day has none). */
  heldRaw(a: number): number {
    const held = this.shares[a]!;
    if (held === 0) return 0;
    return held * this.factorOf(a);
  }

  /** The factor of asset `a` today, else the last one seen. */
  factorOf(a: number): number {
    const f = this.#day >= 0 ? this.#market.factor(this.#day, a) : Number.NaN;
    return f > 0 ? f : this.#lastFactor[a]!;
  }

  /** The adjusted close of asset `a` at the last {@link markToMarket} (the last one known), `NaN` before any. */
  lastClose(a: number): number {
    return this.#lastClose[a]!;
  }

  /**
   * Execute `orders` at `at` on the current day: every sell first (its proceeds pay for the
   * buys), then the buys, scaled down together when they cost more than the cash (see the
   * README). Returns one record per order, in the order of `orders`.
   */
  execute(orders: readonly OrderRequest[], at: FillPrice): TradeRecord[] {
    if (this.#day < 0) throw new FactorkitError('FK_INVALID_ARGUMENT', 'account: call `beginDay` before `execute`');
    const records: TradeRecord[] = new Array<TradeRecord>(orders.length);
    orders.forEach((order, i) => {
      if (order.side === 'sell') records[i] = this.#sell(order, at);
    });
    const buys: BuyCandidate[] = [];
    orders.forEach((order, i) => {
      if (order.side !== 'buy') return;
      const checked = this.#checkBuy(order, at, i);
      if ('status' in checked) records[i] = checked;
      else buys.push(checked);
    });
    for (const record of this.#fillBuys(buys)) records[record.index] = record.record;
    return records;
  }

  /** Mark to market at the close of the current day; returns the portfolio value (CNY). */
  markToMarket(): number {
    const t = this.#day;
    const market = this.#market;
    let value = this.cash;
    for (let a = 0; a < market.N; a++) {
      const close = market.close(t, a);
      if (close > 0) this.#lastClose[a] = close;
      const factor = market.factor(t, a);
      if (factor > 0) this.#lastFactor[a] = factor;
      const held = this.shares[a]!;
      if (held !== 0) value += held * this.#lastClose[a]!;
    }
    return value;
  }

  #record(a: number, side: Side, ordered: number, filled: number, mid: number, status: TradeStatus, reason: TradeReason | undefined): TradeRecord {
    const t = this.#day;
    const market = this.#market;
    const slip = this.#settings.costs.slippageBps / 10_000;
    const price = mid * (side === 'buy' ? 1 + slip : 1 - slip);
    const fees = filled > 0 ? this.#fees(a, side, filled, price) : { commission: 0, stampDuty: 0, transferFee: 0 };
    return {
      t,
      date: market.dates[t]!,
      asset: a,
      code: market.assets[a]!,
      side,
      ordered,
      filled,
      price,
      amount: filled > 0 ? filled * price : 0,
      ...fees,
      slippage: filled > 0 ? filled * mid * slip : 0,
      status,
      reason,
    };
  }

  #fees(a: number, side: Side, shares: number, price: number): { commission: number; stampDuty: number; transferFee: number } {
    const { commission, minCommission } = this.#settings.costs;
    const date = this.#market.dateInts[this.#day]!;
    const amount = shares * price;
    const transfer = this.#costs.transferFee(date, this.#market.exchanges[a]!);
    return {
      commission: Math.max(minCommission, commission * amount),
      stampDuty: amount * this.#costs.stampDuty(date, side),
      transferFee: transfer.rate * amount + transfer.perShare * shares,
    };
  }

  /** Cash a buy of `shares` at `mid` takes, fees included. */
  #buyCost(a: number, shares: number, mid: number): number {
    if (shares <= 0) return 0;
    const price = mid * (1 + this.#settings.costs.slippageBps / 10_000);
    const fees = this.#fees(a, 'buy', shares, price);
    return shares * price + fees.commission + fees.stampDuty + fees.transferFee;
  }

  /** The volume the participation cap still allows today (raw shares), or a refusal. */
  #capacity(a: number): number | 'no_volume' {
    const participation = this.#settings.execution.participation;
    const volume = this.#market.volume(this.#day, a);
    if (!(volume > 0)) return 'no_volume';
    return Math.max(0, participation * volume - this.#traded[a]!);
  }

  #sell(order: OrderRequest, at: FillPrice): TradeRecord {
    const t = this.#day;
    const a = order.asset;
    const market = this.#market;
    const lot = market.lots[a]!;
    const held = this.heldRaw(a);
    const requested = order.exit ? held : order.shares;
    const blocked = market.blocked(t, a, 'sell', at);
    const mid = blocked === 'no_row' || blocked === 'suspended' ? Number.NaN : market.rawPrice(t, a, at);
    if (!(held > EPSILON)) return this.#record(a, 'sell', requested, 0, mid, 'refused', 'no_position');
    const ordered = order.exit || requested >= held - EPSILON ? held : roundSell(requested, held, lot);
    if (blocked) return this.#record(a, 'sell', ordered || requested, 0, mid, 'refused', blocked);
    if (ordered === 0) return this.#record(a, 'sell', requested, 0, mid, 'refused', 'lot');
    const factor = market.factor(t, a);
    let want = ordered;
    let reason: TradeReason | undefined;
    const sellable = Math.max(0, (this.shares[a]! - this.#boughtToday[a]!) * factor);
    if (want > sellable + EPSILON) {
      want = sellable;
      reason = 't+1';
    }
    const capacity = this.#capacity(a);
    if (capacity === 'no_volume') return this.#record(a, 'sell', ordered, 0, mid, 'refused', 'no_volume');
    if (want > capacity + EPSILON) {
      want = capacity;
      reason = 'volume_cap';
    }
    const shares = want >= held - EPSILON ? held : roundSell(want, held, lot);
    if (shares === 0) return this.#record(a, 'sell', ordered, 0, mid, 'refused', reason ?? 'lot');
    const status: TradeStatus = shares >= ordered - EPSILON ? 'filled' : 'partial';
    const record = this.#record(a, 'sell', ordered, shares, mid, status, status === 'filled' ? undefined : (reason ?? 'lot'));
    this.shares[a] = shares === held ? 0 : this.shares[a]! - shares / factor;
    this.#traded[a] = this.#traded[a]! + shares;
    this.cash += record.amount - record.commission - record.stampDuty - record.transferFee;
    return record;
  }

  #checkBuy(order: OrderRequest, at: FillPrice, index: number): BuyCandidate | TradeRecord {
    const t = this.#day;
    const a = order.asset;
    const market = this.#market;
    const lot = market.lots[a]!;
    const blocked = market.blocked(t, a, 'buy', at);
    const mid = blocked === 'no_row' || blocked === 'suspended' ? Number.NaN : market.rawPrice(t, a, at);
    const ordered = roundOrder(order.shares, lot);
    if (blocked) return this.#record(a, 'buy', ordered || order.shares, 0, mid, 'refused', blocked);
    if (ordered === 0) return this.#record(a, 'buy', order.shares, 0, mid, 'refused', 'lot');
    const capacity = this.#capacity(a);
    if (capacity === 'no_volume') return this.#record(a, 'buy', ordered, 0, mid, 'refused', 'no_volume');
    let reason: TradeReason | undefined;
    let shares = ordered;
    if (shares > capacity + EPSILON) {
      shares = roundOrder(capacity, lot);
      reason = 'volume_cap';
    }
    if (shares === 0) return this.#record(a, 'buy', ordered, 0, mid, 'refused', reason);
    return { index, asset: a, ordered, shares, reason, mid, factor: market.factor(t, a) };
  }

  /** Scale the buys to the cash, fill them. */
  #fillBuys(buys: readonly BuyCandidate[]): { index: number; record: TradeRecord }[] {
    const lots = this.#market.lots;
    const shares = buys.map((b) => b.shares);
    const cost = (i: number) => this.#buyCost(buys[i]!.asset, shares[i]!, buys[i]!.mid);
    // Leave a hair of the cash for the rounding of the sums below.
    const budget = this.cash * (1 - 1e-12) - 1e-6;
    let total = 0;
    for (let i = 0; i < buys.length; i++) total += cost(i);
    if (total > budget) {
      // Scale every buy by one factor, round each down to its lot, repeat until it fits.
      let scale = Math.max(0, budget) / total;
      for (let round = 0; round < 100 && total > budget; round++) {
        total = 0;
        for (let i = 0; i < buys.length; i++) {
          shares[i] = roundOrder(buys[i]!.shares * scale, lots[buys[i]!.asset]!);
          total += cost(i);
        }
        if (total > budget) scale *= Math.min(Math.max(0, budget) / total, 1 - 1e-6);
      }
      // Minimum commissions can keep it over: drop the smallest buys until it fits.
      const order = buys.map((_, i) => i).sort((x, y) => shares[x]! * buys[x]!.mid - shares[y]! * buys[y]!.mid);
      for (const i of order) {
        if (total <= budget) break;
        if (shares[i]! === 0) continue;
        total -= cost(i);
        shares[i] = 0;
      }
    }
    const records: { index: number; record: TradeRecord }[] = [];
    buys.forEach((buy, i) => {
      const a = buy.asset;
      const filled = shares[i]!;
      const short = filled < buy.shares - EPSILON;
      const reason = short ? 'cash' : buy.reason;
      const status: TradeStatus = filled === 0 ? 'refused' : filled >= buy.ordered - EPSILON ? 'filled' : 'partial';
      const record = this.#record(a, 'buy', buy.ordered, filled, buy.mid, status, status === 'filled' ? undefined : reason);
      records.push({ index: buy.index, record });
      if (filled === 0) return;
      const adjusted = filled / buy.factor;
      this.shares[a] = this.shares[a]! + adjusted;
      this.#boughtToday[a] = this.#boughtToday[a]! + adjusted;
      this.#traded[a] = this.#traded[a]! + filled;
      this.cash -= record.amount + record.commission + record.stampDuty + record.transferFee;
    });
    // The budget keeps a margin far above the rounding of these sums; this never fires.
    if (this.cash < 0) throw new FactorkitError('FK_INVALID_OUTPUT', `account: cash went negative (${this.cash}) on ${this.#market.dates[this.#day]}`);
    return records;
  }
}
