/** Hand-made markets for the backtest tests, built through the data layer (its limit flags, VWAP and raw prices). */
import type { MarketData } from '@factorkit/core';
import { type Table, createDataset, tableFromColumns } from '@factorkit/data';

/** One stock's days, raw prices; `undefined` entries = no row that day. */
export interface StockDays {
  readonly code: string;
  /** Raw open and close per calendar day (`NaN` or missing = no row). */
  readonly open: readonly number[];
  readonly close: readonly number[];
  readonly high?: readonly number[];
  readonly low?: readonly number[];
  /** Shares traded; default 1,000,000 (0 on suspended days). */
  readonly volume?: readonly number[];
  /** Raw VWAP; default (open + close) / 2. */
  readonly vwap?: readonly number[];
  /** Days suspended (calendar indices): one row with volume 0 and `is_trading = 0`. */
  readonly suspended?: readonly number[];
  /** Cumulative adjustment factor per day (hfq: adjusted = raw × factor); default 1. */
  readonly factor?: readonly number[];
  readonly st?: readonly number[];
}

/**
 * A dataset of `stocks` over `dates` (`YYYY-MM-DD`). Adjusted prices are raw × factor; the
 * adjusted `pre_close` is the previous day's adjusted close (the ex-rights reference).
 */
export function makeMarket(dates: readonly string[], stocks: readonly StockDays[]): MarketData {
  const rows: Record<string, (number | string)[]> = {
    ts_code: [],
    trade_date: [],
    open: [],
    high: [],
    low: [],
    close: [],
    pre_close: [],
    volume: [],
    amount: [],
    is_trading: [],
    is_st: [],
    adj_factor: [],
  };
  const sorted = [...stocks].sort((x, y) => (x.code < y.code ? -1 : 1));
  for (const stock of sorted) {
    let previous = Number.NaN;
    dates.forEach((date, t) => {
      const open = stock.open[t];
      const close = stock.close[t];
      if (open === undefined || close === undefined || Number.isNaN(open) || Number.isNaN(close)) return;
      const f = stock.factor?.[t] ?? 1;
      const suspended = stock.suspended?.includes(t) === true;
      const high = stock.high?.[t] ?? Math.max(open, close);
      const low = stock.low?.[t] ?? Math.min(open, close);
      const volume = suspended ? 0 : (stock.volume?.[t] ?? 1_000_000);
      const vwap = stock.vwap?.[t] ?? (open + close) / 2;
      rows.ts_code!.push(stock.code);
      rows.trade_date!.push(date);
      rows.open!.push(open * f);
      rows.high!.push(high * f);
      rows.low!.push(low * f);
      rows.close!.push(close * f);
      rows.pre_close!.push(Number.isNaN(previous) ? close * f : previous);
      rows.volume!.push(volume);
      rows.amount!.push(volume * vwap);
      rows.is_trading!.push(suspended ? 0 : 1);
      rows.is_st!.push(stock.st?.[t] ?? 0);
      rows.adj_factor!.push(f);
      previous = close * f;
    });
  }
  const numbers = (name: string) => ({ type: 'number' as const, values: rows[name] as number[] });
  const tables = new Map<string, Table>([
    ['calendar', tableFromColumns('calendar', { trade_date: { type: 'date', values: [...dates] } })],
    ['stocks', tableFromColumns('stocks', { ts_code: { type: 'string', values: sorted.map((s) => s.code) } })],
    [
      'daily',
      tableFromColumns('daily', {
        ts_code: { type: 'string', values: rows.ts_code as string[] },
        trade_date: { type: 'date', values: rows.trade_date as string[] },
        ...Object.fromEntries(['open', 'high', 'low', 'close', 'pre_close', 'volume', 'amount', 'is_trading', 'is_st', 'adj_factor'].map((n) => [n, numbers(n)])),
      }),
    ],
  ]);
  return createDataset(tables).dataset;
}

/** Weekdays from `from` (`YYYY-MM-DD`), `count` of them. */
export function weekdays(from: string, count: number): string[] {
  const out: string[] = [];
  const day = new Date(`${from}T00:00:00Z`);
  while (out.length < count) {
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return out;
}

/** `n` copies of `value`. */
export function repeat(value: number, n: number): number[] {
  return Array.from({ length: n }, () => value);
}

/** Target weights over `data.assets` from a `code → weight` map. */
export function weightsOf(data: MarketData, weights: Readonly<Record<string, number>>): Float64Array {
  const out = new Float64Array(data.assets.length);
  for (const [code, w] of Object.entries(weights)) {
    const a = data.assets.indexOf(code);
    if (a < 0) throw new Error(`no asset ${code}`);
    out[a] = w;
  }
  return out;
}

/** A deterministic uniform generator in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Codes of every board for the random markets. */
export const RANDOM_CODES = ['000001.SZ', '000002.SZ', '300001.SZ', '300002.SZ', '600000.SH', '600001.SH', '600002.SH', '601000.SH', '688001.SH', '688002.SH', '002001.SZ', '603001.SH'];

/**
 * A random market over `days` weekdays from `from`: random walks in cents with gaps to the
 * limits, suspensions, dividends (factor steps), thin days. Also a benchmark return series and
 * random target weights every `every` days.
 */
export function randomMarket(seed: number, options: { from?: string; days?: number; every?: number } = {}) {
  const random = rng(seed);
  const dates = weekdays(options.from ?? '2022-10-03', options.days ?? 300);
  const T = dates.length;
  const stocks: StockDays[] = RANDOM_CODES.map((code) => {
    const band = code.startsWith('688') || code.startsWith('300') ? 0.2 : 0.1;
    const open: number[] = [];
    const close: number[] = [];
    const volume: number[] = [];
    const factor: number[] = [];
    const suspended: number[] = [];
    let price = Math.round((5 + random() * 45) * 100) / 100;
    let f = 1;
    for (let t = 0; t < T; t++) {
      if (t > 0 && random() < 0.01) {
        // A cash dividend of 1–3 %: the raw price drops, the factor rises by the same ratio.
        const ratio = 1 + 0.01 + random() * 0.02;
        f *= ratio;
        price = Math.round((price / ratio) * 100) / 100;
      }
      const pre = price;
      const roll = random();
      const gap = roll < 0.03 ? band : roll < 0.06 ? -band : (random() - 0.5) * 0.04;
      const o = Math.max(0.01, Math.round(pre * (1 + gap) * 100) / 100);
      const c = Math.max(0.01, Math.round(pre * (1 + Math.max(-band, Math.min(band, gap + (random() - 0.5) * 0.03))) * 100) / 100);
      open.push(Math.min(o, Math.round(pre * (1 + band) * 100) / 100));
      close.push(Math.min(c, Math.round(pre * (1 + band) * 100) / 100));
      volume.push(random() < 0.05 ? 2_000 : Math.round(20_000 + random() * 2_000_000));
      factor.push(f);
      if (t > 0 && random() < 0.02) suspended.push(t);
      price = close[t]!;
    }
    for (const t of suspended) {
      open[t] = close[t - 1]!;
      close[t] = close[t - 1]!;
    }
    return { code, open, close, volume, factor, suspended };
  });
  const data = makeMarket(dates, stocks);
  const benchmark = Float64Array.from({ length: T }, (_, t) => (t === 0 ? Number.NaN : 0.0003 + (random() - 0.5) * 0.03));
  const every = options.every ?? 5;
  const targets = new Map<number, Float64Array>();
  for (let t = 0; t < T - 1; t += every) {
    const w = new Float64Array(data.assets.length);
    let sum = 0;
    for (let a = 0; a < w.length; a++) {
      w[a] = random() < 0.7 ? random() : 0;
      sum += w[a]!;
    }
    const invested = 0.95 + random() * 0.05;
    for (let a = 0; a < w.length; a++) w[a] = sum > 0 ? (w[a]! / sum) * invested : 0;
    targets.set(t, w);
  }
  return { data, dates, benchmark, targets };
}
