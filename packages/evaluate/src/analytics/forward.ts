import { FIELD, type MarketData, Panel, ValidationError, type Issue, missingField, show } from '@factorkit/core';
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

/** Forward returns of every asset on every date of the data's calendar. */
export interface ForwardReturns {
  readonly horizons: readonly number[];
  /** One panel per horizon (calendar × assets): row `t` is the return from the close of `t` to the close of `t + h`; `NaN` = none. */
  readonly panels: readonly Panel[];
  readonly source: 'returns' | 'prices';
  readonly field: string;
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
 * @throws ValidationError `FK_INVALID_PARAMS` for bad horizons; FactorkitError `FK_MISSING_INPUT`
 *   when the field is not in the data.
 */
export function forwardReturns(data: MarketData, options: ForwardReturnOptions = {}): ForwardReturns {
  const horizons = options.horizons ?? DEFAULT_HORIZONS;
  const issues: Issue[] = [];
  checkHorizons(horizons, 'horizons', issues);
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', 'forwardReturns: invalid options', issues);
  const field = options.priceField ?? options.returnField ?? FIELD.ret;
  if (!data.hasField(field)) missingField(field, data);
  const source = options.priceField === undefined ? 'returns' : 'prices';
  const input = data.field(field);
  const panels = horizons.map((h) => (source === 'returns' ? compounded(input, h) : priceRatio(input, h)));
  return { horizons: [...horizons], panels, source, field };
}

/** `fwd[t] = rollingCompoundBlocks(ret, h)[t + h]`, with every return of the window required. */
function compounded(ret: Panel, h: number): Panel {
  const T = ret.dates;
  const out = new Panel(T, ret.assets);
  const window = new Float64Array(T);
  for (let a = 0; a < ret.assets; a++) {
    const column = out.column(a);
    if (h < T) {
      rollingCompoundBlocks(ret.column(a), h, { minObs: h }, window);
      column.set(window.subarray(h), 0);
    }
  }
  return out;
}

function priceRatio(price: Panel, h: number): Panel {
  const T = price.dates;
  const out = new Panel(T, price.assets);
  for (let a = 0; a < price.assets; a++) {
    const p = price.column(a);
    const column = out.column(a);
    for (let t = 0; t + h < T; t++) {
      const p0 = p[t]!;
      const v = p[t + h]! / p0 - 1;
      column[t] = p0 > 0 && v - v === 0 ? v : Number.NaN;
    }
  }
  return out;
}
