/** A synthetic market and the pieces the MFE tests share: truth exposures as factors, universes, an independent replay. */
import { type MarketData, type OptimizerInstance, Panel, type UniverseInstance, createMemoryData, intToDate } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { type MarketTruth, generateMarket } from '@factorkit/synth';
import { indexUniverse, marketUniverse } from '@factorkit/universe-index';
import type { MfeResult } from '../src/index.js';

export interface Market {
  readonly data: MarketData;
  readonly truth: MarketTruth;
  /** csi1000 (`000852.SH`): published weights, default filters. */
  readonly universe: UniverseInstance;
  /** Every listed stock, ST / suspended filtered: what may be bought outside the benchmark. */
  readonly market: UniverseInstance;
}

export function makeMarket(options: { seed: number; stocks: number; years: number }): Market {
  const { tables, truth } = generateMarket({ ...options, funds: 0 });
  const data = createDataset(tables).dataset;
  return {
    data,
    truth,
    universe: indexUniverse.resolve({ data, params: indexUniverse.with({ index: 'csi1000' }).params }),
    market: marketUniverse.resolve({ data, params: marketUniverse.with({}).params }),
  };
}

export async function highs(): Promise<OptimizerInstance> {
  return highsOptimizer.create(highsOptimizer.with({}).params);
}

/**
 * A planted characteristic as the generator computed it (`truth.exposures`, standardised, at each
 * month end), as a factor panel over the data: `NaN` on every other day.
 */
export function truthFactor(market: Market, id: string): Panel {
  const { data, truth } = market;
  const panel = new Panel(data.calendar.length, data.assets.length);
  const values = truth.exposures.values[id as keyof typeof truth.exposures.values];
  if (!values) throw new Error(`no truth exposures for ${id}`);
  const column = new Map(data.assets.map((code, a) => [code, a]));
  const S = truth.codes.length;
  truth.exposures.dates.forEach((date, m) => {
    const t = data.calendar.indexOf(intToDate(date));
    truth.codes.forEach((code, i) => {
      const a = column.get(code);
      if (a !== undefined && t >= 0) panel.set(t, a, values[m * S + i]!);
    });
  });
  return panel;
}

/** Seeded standard normals where `like` has values: a factor with no premium. */
export function noiseFactor(like: Panel, seed: number): Panel {
  let state = seed >>> 0 || 1;
  const uniform = (): number => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state + 0.5) / 4294967296;
  };
  const out = new Panel(like.dates, like.assets);
  for (let i = 0; i < like.values.length; i++) {
    if (Number.isFinite(like.values[i]!)) out.values[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  }
  return out;
}

/** What the replay found, day by day and per rebalance. */
export interface Replay {
  /** Portfolio return per calendar index (`NaN` before the first trade). */
  readonly daily: Float64Array;
  /** Holdings in money at the close of each rebalance date, before it trades (after cashing out unpriced stocks), and the cash. */
  readonly before: Map<number, { readonly value: Float64Array; readonly cash: number }>;
  /** Executed weights (money after the trades / value at the execution price), per trade date index. */
  readonly executed: Map<number, Float64Array>;
  readonly turnover: Map<number, number>;
  readonly cost: Map<number, number>;
}

/**
 * Replays a run from its written target weights and the data alone, in money rather than weights:
 * each stock's money grows with `1 + ret` (a missing return counts as 0); at a rebalance date
 * the money in a stock without a return that day becomes cash; on the day after an optimal
 * rebalance, money moves to the execution price (VWAP on the adjusted scale, `ret` and
 * `vwap / raw_close`), each stock's money is brought to target × value unless the universe says it
 * cannot be bought (or sold) that day, the cash from sells plus the cash held pays for the buys
 * (scaled down pro rata when short), the cost is half the round trip on the money traded,
 * taken from the value, and the money moves on to the close.
 */
export function replay(data: MarketData, universe: UniverseInstance, result: MfeResult, price: 'vwap' | 'close', roundTrip = 0.003): Replay {
  const T = data.calendar.length;
  const N = data.assets.length;
  const ret = data.field('ret');
  const vwap = price === 'vwap' ? data.field('vwap') : undefined;
  const rawClose = price === 'vwap' ? data.field('raw_close') : undefined;
  const grow = (d: number, a: number): number => {
    const r = ret.get(d, a);
    return Number.isFinite(r) && r > -1 ? 1 + r : 1;
  };
  const split = (d: number, a: number): [number, number] => {
    const g = grow(d, a);
    if (!vwap) return [g, 1];
    const after = rawClose!.get(d, a) / vwap.get(d, a);
    return Number.isFinite(after) && after > 0 ? [g / after, after] : [g, 1];
  };
  const targets = new Map<string, Float64Array>();
  for (const w of result.weights) {
    const full = new Float64Array(N);
    w.assets.forEach((a, k) => (full[a] = w.weight[k]!));
    targets.set(w.date, full);
  }
  const rebalanceAt = new Map(result.rebalances.map((r) => [r.index, r]));
  const money = new Float64Array(N);
  let cash = 0;
  let invested = false;
  let pending: Float64Array | undefined;
  const out: Replay = { daily: new Float64Array(T).fill(Number.NaN), before: new Map(), executed: new Map(), turnover: new Map(), cost: new Map() };
  const start = result.rebalances[0]?.index ?? T;
  const last = data.calendar.indexOf(result.settings.end);
  for (let d = start; d <= last; d++) {
    if (d > start && (invested || pending)) {
      let prior = cash;
      for (let a = 0; a < N; a++) prior += money[a]!;
      if (pending) {
        const target = pending;
        pending = undefined;
        const flags = universe.tradability!(d);
        let atExecution = cash;
        for (let a = 0; a < N; a++) {
          money[a] = money[a]! * split(d, a)[0];
          atExecution += money[a]!;
        }
        const buy = new Float64Array(N);
        const sell = new Float64Array(N);
        let buys = 0;
        let sells = 0;
        for (let a = 0; a < N; a++) {
          const gap = target[a]! * atExecution - money[a]!;
          if (gap > 0 && flags.canBuy[a] === 1) buys += buy[a] = gap;
          if (gap < 0 && flags.canSell[a] === 1) sells += sell[a] = -gap;
        }
        const budget = cash + sells;
        const fill = buys > budget * (1 + 1e-12) ? budget / buys : 1;
        const executed = new Float64Array(N);
        for (let a = 0; a < N; a++) {
          money[a] = money[a]! - sell[a]! + fill * buy[a]!;
          executed[a] = money[a]! / atExecution;
        }
        cash = budget - fill * buys;
        const traded = (sells + fill * buys) / atExecution;
        const cost = (roundTrip / 2) * traded;
        out.executed.set(d, executed);
        out.turnover.set(d, traded / 2);
        out.cost.set(d, cost);
        cash *= 1 - cost;
        let atClose = cash;
        for (let a = 0; a < N; a++) {
          money[a] = money[a]! * (1 - cost) * split(d, a)[1];
          atClose += money[a]!;
        }
        out.daily[d] = atClose / prior - 1;
        invested = true;
      } else {
        let now = cash;
        for (let a = 0; a < N; a++) {
          if (money[a] === 0) continue;
          money[a] = money[a]! * grow(d, a);
          now += money[a]!;
        }
        out.daily[d] = now / prior - 1;
      }
    }
    const rebalance = rebalanceAt.get(d);
    if (rebalance) {
      for (let a = 0; a < N; a++) {
        if (money[a] !== 0 && !Number.isFinite(ret.get(d, a))) {
          cash += money[a]!;
          money[a] = 0;
        }
      }
      out.before.set(d, { value: money.slice(), cash });
      const target = targets.get(rebalance.date);
      if (rebalance.status === 'optimal' && target && d < last) {
        pending = target;
        if (!invested) cash = 1;
      }
    }
  }
  return out;
}

/** The fields an MFE run over csi1000 with the market universe reads. */
const NUMERIC_FIELDS = [
  'ret',
  'vwap',
  'raw_close',
  'market_cap',
  'float_market_cap',
  'is_trading',
  'is_st',
  'listed_days',
  'can_buy_close',
  'can_sell_close',
  'index_member:000852.SH',
  'index_weight:000852.SH',
  'index_weight_date:000852.SH',
];

/**
 * An in-memory copy of the fields an MFE run reads, without `omit`; with `garbleAfter`, every
 * value on the dates after `cut` is shuffled across the assets of its row (seeded), numeric and
 * categorical alike, so each row holds plausible values of the wrong stocks.
 */
export function copyData(data: MarketData, options: { omit?: readonly string[]; garbleAfter?: { cut: number; seed: number } } = {}): MarketData {
  const T = data.calendar.length;
  const N = data.assets.length;
  let state = (options.garbleAfter?.seed ?? 1) >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const permutation = (): Int32Array => {
    const p = Int32Array.from({ length: N }, (_, i) => i);
    for (let i = N - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  };
  const garble = <A extends Float64Array | Int32Array>(values: A): A => {
    const cut = options.garbleAfter?.cut;
    if (cut === undefined) return values;
    for (let t = cut + 1; t < T; t++) {
      const p = permutation();
      const row = Array.from({ length: N }, (_, a) => values[a * T + t]!);
      for (let a = 0; a < N; a++) values[a * T + t] = row[p[a]!]!;
    }
    return values;
  };
  const fields: Record<string, Panel> = {};
  for (const name of NUMERIC_FIELDS) {
    if (options.omit?.includes(name) || !data.hasField(name)) continue;
    fields[name] = new Panel(T, N, garble(data.field(name).values.slice()));
  }
  const industry = data.categorical('industry');
  return createMemoryData({
    calendar: data.calendar,
    assets: data.assets,
    fields,
    categorical: { industry: { ...industry, codes: garble(industry.codes.slice()) } },
  });
}

/** The same universes over another copy of the data. */
export function universesOver(data: MarketData): { universe: UniverseInstance; market: UniverseInstance } {
  return {
    universe: indexUniverse.resolve({ data, params: indexUniverse.with({ index: 'csi1000' }).params }),
    market: marketUniverse.resolve({ data, params: marketUniverse.with({}).params }),
  };
}
