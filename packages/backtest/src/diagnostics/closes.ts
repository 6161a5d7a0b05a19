import { FactorkitError, type MarketData, show } from '@factorkit/core';

/**
 * The adjusted close of every asset carried over the days without one, swept forward one day at
 * a time: `values[a]` is the last finite, positive adjusted close on or before the current day
 * (`NaN` before the first). It is how the backtest values a position on a day without a row, so
 * `C(t) / C(t − 1) − 1` is the day-`t` return the NAV sees for a position held from `t − 1`.
 */
export class CarriedCloses {
  /** The carried closes at the current day. */
  readonly values: Float64Array;
  readonly #close: Float64Array;
  readonly #T: number;
  #day = -1;

  /** @throws FactorkitError `FK_MISSING_INPUT` when the data has no `close`. */
  constructor(data: MarketData) {
    this.#T = data.calendar.length;
    this.#close = data.field('close').values;
    this.values = new Float64Array(data.assets.length).fill(Number.NaN);
  }

  /** The day the values are at (−1 before the first {@link advance}). */
  get day(): number {
    return this.#day;
  }

  /** Sweep forward to day `t` (≥ the current day, < the calendar's length). */
  advance(t: number): void {
    if (!Number.isInteger(t) || t < this.#day || t >= this.#T) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `diagnostics: day ${show(t)} is before the last day seen (${this.#day}) or outside the calendar (0 … ${this.#T - 1})`);
    }
    const T = this.#T;
    const N = this.values.length;
    for (let d = this.#day + 1; d <= t; d++) {
      for (let a = 0; a < N; a++) {
        const c = this.#close[a * T + d]!;
        if (c > 0 && c < Number.POSITIVE_INFINITY) this.values[a] = c;
      }
    }
    this.#day = t;
  }
}

/** Check a per-asset array a callback returned: one entry per asset of the data. */
export function checkLength(values: ArrayLike<number>, data: MarketData, where: string): void {
  if (values === null || typeof values !== 'object' || values.length !== data.assets.length) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: expected ${data.assets.length} values (one per asset of the data), got ${show(values === null || typeof values !== 'object' ? values : values.length)}`);
  }
}
