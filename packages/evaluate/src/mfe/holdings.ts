import type { Panel, Tradability } from '@factorkit/core';
import type { MfeHoldingsState } from './types.js';

/** Weights below this in size are zero (solver noise). */
export const ZERO_WEIGHT = 1e-12;

/**
 * How one stock's value moves on a trade day: `before` from the previous close to the execution
 * price, `after` from the execution price to the close (`before · after = 1 + ret`).
 */
export interface Legs {
  readonly before: number;
  readonly after: number;
}

/** The prices a run reads, and how a missing or invalid value was handled (counted). */
export class Prices {
  missingReturns = 0;
  vwapFallbacks = 0;

  constructor(
    private readonly ret: Panel,
    private readonly vwap: { readonly price: Panel; readonly close: Panel } | undefined,
  ) {}

  /** Whether asset `a` has a price (a return) on day `d`. */
  priced(d: number, a: number): boolean {
    return Number.isFinite(this.ret.get(d, a));
  }

  /** `1 + ret` on day `d`; a missing or impossible (≤ −100%) return counts as 0. */
  growth(d: number, a: number, count = true): number {
    const r = this.ret.get(d, a);
    if (Number.isFinite(r) && r > -1) return 1 + r;
    if (count) this.missingReturns++;
    return 1;
  }

  /**
   * The two legs of day `d` around the execution price (VWAP, or the close). Without a usable
   * VWAP (none that day), the stock is valued at the close, counted when `count`.
   */
  legs(d: number, a: number, count = true): Legs {
    const growth = this.growth(d, a, count);
    if (!this.vwap) return { before: growth, after: 1 };
    const v = this.vwap.price.get(d, a);
    const c = this.vwap.close.get(d, a);
    const after = c / v;
    if (v > 0 && c > 0 && Number.isFinite(after)) return { before: growth / after, after };
    if (count) this.vwapFallbacks++;
    return { before: growth, after: 1 };
  }
}

/** What one trade day did. */
export interface Execution {
  /** The day's portfolio return after costs. */
  readonly ret: number;
  /** ½ Σ|h′ − h|. */
  readonly turnover: number;
  readonly cost: number;
  /** Weights right after the trades (fractions of the value at the execution price), by asset. */
  readonly executed: ReadonlyMap<number, number>;
  readonly blockedBuys: number;
  readonly blockedSells: number;
  readonly buyFill: number;
}

/**
 * The portfolio between rebalances: weights as fractions of its value at the last close, the rest
 * in cash (earning nothing). `held` lists the assets with a non-zero weight.
 */
export class Holdings {
  readonly weight: Float64Array;
  cash = 1;
  invested = false;
  held: number[] = [];

  constructor(assets: number) {
    this.weight = new Float64Array(assets);
  }

  /** Holdings in the state `state` (copied). */
  static restore(state: MfeHoldingsState): Holdings {
    const holdings = new Holdings(state.weight.length);
    holdings.weight.set(state.weight);
    holdings.cash = state.cash;
    holdings.invested = state.invested;
    holdings.held = Array.from(state.held);
    return holdings;
  }

  /** A copy of the state, for a checkpoint. */
  snapshot(): MfeHoldingsState {
    return { weight: this.weight.slice(), cash: this.cash, invested: this.invested, held: Int32Array.from(this.held) };
  }

  /** Turn every held stock without a price on day `d` (delisted, no daily row) into cash at its last value; how many. */
  cashOutUnpriced(d: number, prices: Prices): number {
    const gone = this.held.filter((a) => !prices.priced(d, a));
    for (const a of gone) {
      this.cash += this.weight[a]!;
      this.weight[a] = 0;
    }
    if (gone.length > 0) this.held = this.held.filter((a) => this.weight[a] !== 0);
    return gone.length;
  }

  /** Hold through day `d`: the day's return; weights drift with prices. */
  drift(d: number, prices: Prices): number {
    let value = this.cash;
    const grown: number[] = [];
    for (const a of this.held) {
      const v = this.weight[a]! * prices.growth(d, a);
      grown.push(v);
      value += v;
    }
    this.held.forEach((a, k) => (this.weight[a] = grown[k]! / value));
    this.cash /= value;
    return value - 1;
  }

  /**
   * Day `d` with trades toward `target` (weights summing to 1) at the execution price: the old
   * weights move to the execution price, each stock is traded to its target unless the trade is
   * blocked (`canBuy` / `canSell` = 0: it keeps its weight), sells fund the buys (scaled down if
   * blocked sells leave too little cash; what is left stays in cash), `costPerSide` is charged on
   * everything traded, and the new weights move to the close.
   */
  execute(d: number, target: Float64Array, prices: Prices, tradable: Tradability | undefined, costPerSide: number): Execution {
    const touched = new Set<number>(this.held);
    for (let a = 0; a < target.length; a++) if (target[a] !== 0) touched.add(a);
    const assets = [...touched].sort((x, y) => x - y);
    const legs = assets.map((a) => prices.legs(d, a));

    let atExecution = this.cash;
    assets.forEach((a, k) => (atExecution += this.weight[a]! * legs[k]!.before));
    const h = assets.map((a, k) => (this.weight[a]! * legs[k]!.before) / atExecution);
    const cashBefore = this.cash / atExecution;

    const buy = new Float64Array(assets.length);
    const sell = new Float64Array(assets.length);
    let blockedBuys = 0;
    let blockedSells = 0;
    assets.forEach((a, k) => {
      const delta = target[a]! - h[k]!;
      if (delta > 0) {
        if (tradable && tradable.canBuy[a] === 0) blockedBuys++;
        else buy[k] = delta;
      } else if (delta < 0) {
        if (tradable && tradable.canSell[a] === 0) blockedSells++;
        else sell[k] = -delta;
      }
    });
    let sells = 0;
    let buys = 0;
    for (let k = 0; k < assets.length; k++) {
      sells += sell[k]!;
      buys += buy[k]!;
    }
    const available = cashBefore + sells;
    // Equal up to rounding in the usual case (buys = sells + cash): no partial fill then.
    const buyFill = buys > available * (1 + ZERO_WEIGHT) ? available / buys : 1;
    let cash = available - buyFill * buys;
    if (Math.abs(cash) < ZERO_WEIGHT) cash = 0;
    const traded = sells + buyFill * buys;
    const cost = costPerSide * traded;

    const executed = new Map<number, number>();
    let atClose = cash;
    const after = assets.map((a, k) => {
      let w = h[k]! - sell[k]! + buyFill * buy[k]!;
      if (Math.abs(w) < ZERO_WEIGHT) w = 0;
      if (w !== 0) executed.set(a, w);
      const v = w * legs[k]!.after;
      atClose += v;
      return v;
    });
    this.held = [];
    assets.forEach((a, k) => {
      const w = after[k]! / atClose;
      this.weight[a] = w;
      if (w !== 0) this.held.push(a);
    });
    this.cash = cash / atClose;
    this.invested = true;
    return {
      ret: atExecution * (1 - cost) * atClose - 1,
      turnover: traded / 2,
      cost,
      executed,
      blockedBuys,
      blockedSells,
      buyFill,
    };
  }
}
