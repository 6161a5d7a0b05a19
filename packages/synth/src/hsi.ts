/**
 * A Hang Seng Index series (`HSI`, the alias `@factorkit/benchmark` resolves in texts such as
 * `90% 399303.SZ + 5% HSI + 5% deposit`): correlated with the simulated A-share market but not
 * built from its stocks. Daily return `r = HSI_DRIFT + HSI_BETA·(m − mean m) + HSI_VOL·z`, with `m`
 * the market factor return of the day and `z` standard normals from its own random stream (so
 * adding the series changed no other table). Levels are on the A-share calendar (the format's
 * `index_daily` dates are trading days of `calendar`); Hong Kong holidays are not modelled.
 */
import { Rng, STREAM } from './rng.js';
import { round4 } from './util.js';

/** The Hang Seng series as written in `index_daily`. */
export const HSI_SPEC = { code: 'HSI', name: '恒生指数', base: 22_000 } as const;

/** Loading of the series on the A-share market factor return. */
export const HSI_BETA = 0.45;
/** Daily standard deviation of the series' own part. */
export const HSI_VOL = 0.0095;
/** Daily drift of the series' own part. */
export const HSI_DRIFT = 0.0001;

/** OHLC levels, volume (shares) and amount of the series, one value per data day. */
export interface HsiSeries {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly amount: Float64Array;
  /** Daily close-to-close return (the first day's against `HSI_SPEC.base`). */
  readonly returns: Float64Array;
}

/** The Hang Seng series of a market whose daily market factor returns are `market`. Deterministic in `seed`. */
export function buildHsi(seed: number, market: Float64Array): HsiSeries {
  const T = market.length;
  const rng = new Rng(seed, STREAM.hsi);
  let mean = 0;
  for (let t = 0; t < T; t++) mean += market[t]!;
  mean = T > 0 ? mean / T : 0;
  const out = {
    open: new Float64Array(T),
    high: new Float64Array(T),
    low: new Float64Array(T),
    close: new Float64Array(T),
    volume: new Float64Array(T),
    amount: new Float64Array(T),
    returns: new Float64Array(T),
  };
  let prev: number = HSI_SPEC.base;
  for (let t = 0; t < T; t++) {
    const r = HSI_DRIFT + HSI_BETA * (market[t]! - mean) + HSI_VOL * rng.normal();
    const close = prev * (1 + r);
    // The open carries part of the day's move (overnight news), the range a little more than the body.
    const open = prev * (1 + 0.3 * r + 0.002 * rng.normal());
    const top = Math.max(open, close);
    const bottom = Math.min(open, close);
    const volume = Math.round(1.5e9 * Math.exp(0.25 * rng.normal()));
    out.returns[t] = r;
    out.close[t] = round4(close);
    out.open[t] = round4(open);
    out.high[t] = round4(top * (1 + 0.004 * Math.abs(rng.normal())));
    out.low[t] = round4(bottom * (1 - 0.004 * Math.abs(rng.normal())));
    out.volume[t] = volume;
    // Turnover in HKD at an average price of about 8 per share (a documented convention, not a model).
    out.amount[t] = Math.round(volume * 8 * (close / HSI_SPEC.base) * 100) / 100;
    prev = close;
  }
  return out;
}
