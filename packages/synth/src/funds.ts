/**
 * Public funds run on the simulated market: index-enhanced funds (benchmark weights tilted
 * toward their own score of the planted characteristics plus a private view, scaled to a
 * tracking-error target), passive index funds and active equity funds. NAVs compound the
 * holdings' daily total returns, minus fees and trading costs; holdings drift between monthly
 * rebalances and are disclosed quarterly (top ten) and semi-annually (in full).
 */
import { K, PLANTED_FACTORS } from './model.js';
import { FUND_COMPANIES, FUND_THEMES } from './reference.js';
import { Rng, STREAM } from './rng.js';
import type { IndexResult } from './indexes.js';
import { INDEX_SPECS } from './indexes.js';
import type { SimResult } from './simulate.js';
import type { Universe } from './universe.js';
import { monthOf, round4, yearOf } from './util.js';

export type FundType = 'index_enhanced' | 'passive_index' | 'active_equity';

/** One simulated fund. */
export interface FundSpec {
  readonly code: string;
  readonly name: string;
  readonly type: FundType;
  /** Benchmark index position in `INDEX_SPECS`, −1 for active funds. */
  readonly benchmark: number;
  /** Data day of inception (the first NAV); 0 for funds older than the data. */
  readonly inceptionDay: number;
  /** Inception date, `yyyymmdd`. */
  readonly inceptionDate: number;
  /** Annual management + custody fee. */
  readonly fee: number;
  /** Stock share of net assets. */
  readonly equity: number;
  /** Ex-ante tracking-error target (enhanced funds), annualised. */
  readonly targetTrackingError: number;
  /** Net assets at inception, CNY. */
  readonly aum: number;
}

export interface FundResult {
  readonly specs: FundSpec[];
  readonly nav: { fund: number[]; day: number[]; nav: number[] };
  readonly holdings: { fund: number[]; annDay: number[]; endDate: number[]; stock: number[]; weight: number[]; shares: number[] };
  /** Realised annualised tracking error against the benchmark's price index (NaN for active funds). */
  readonly realizedTrackingError: number[];
}

const CASH_RATE = 0.015 / 252;
const TRADING_COST = 0.0015;

/** Create and run `count` funds. */
export function buildFunds(
  seed: number,
  count: number,
  u: Universe,
  sim: SimResult,
  idx: IndexResult,
  dates: Int32Array,
  ext: Int32Array,
  off: number,
): FundResult {
  const rng = new Rng(seed, STREAM.funds);
  const N = u.n;
  const T = dates.length;
  const { rowStart, rowEnd, rowOffset } = sim.layout;
  const { pct_chg, close, adj_factor } = sim.daily;
  const row = (i: number, t: number): number => (t >= rowStart[i]! && t < rowEnd[i]! ? rowOffset[i]! + t - rowStart[i]! : -1);
  const monthEnds: number[] = [];
  for (let t = 0; t < T; t++) if (monthOf(ext[off + t + 1]!) !== monthOf(dates[t]!)) monthEnds.push(t);

  // ---------- fund specs ----------
  const specs: FundSpec[] = [];
  const usedCodes = new Set<string>();
  const usedNames = new Set<string>();
  const plan: { type: FundType; benchmark: number }[] = [];
  const enhanced = [0, 0, 1, 1, 2];
  for (let f = 0; f < count; f++) {
    const u01 = (f + 0.5) / count;
    if (u01 < 0.52) plan.push({ type: 'index_enhanced', benchmark: enhanced[f % enhanced.length]! });
    else if (u01 < 0.62) plan.push({ type: 'passive_index', benchmark: f % INDEX_SPECS.length });
    else plan.push({ type: 'active_equity', benchmark: -1 });
  }
  for (const p of plan) {
    let code = '';
    while (code === '' || usedCodes.has(code)) code = `${String(1 + rng.int(19_999)).padStart(6, '0')}.OF`;
    usedCodes.add(code);
    let name = '';
    while (name === '' || usedNames.has(name)) {
      const company = FUND_COMPANIES[rng.int(FUND_COMPANIES.length)]!;
      const share = rng.chance(0.7) ? 'A' : 'C';
      if (p.type === 'active_equity') name = `${company}${FUND_THEMES[rng.int(FUND_THEMES.length)]!}混合${share}`;
      else name = `${company}${INDEX_SPECS[p.benchmark]!.name}${p.type === 'index_enhanced' ? '指数增强' : 'ETF联接'}${share}`;
    }
    usedNames.add(name);
    const old = rng.chance(0.4) || monthEnds.length < 3;
    const inceptionDay = old ? 0 : monthEnds[rng.int(Math.max(1, Math.floor(monthEnds.length * 0.8)))]!;
    const inceptionDate = old ? yearOf(dates[0]!) * 10_000 - (1 + rng.int(8)) * 10_000 + 100 * (1 + rng.int(12)) + 1 + rng.int(28) : dates[inceptionDay]!;
    specs.push({
      code,
      name,
      type: p.type,
      benchmark: p.benchmark,
      inceptionDay,
      inceptionDate,
      fee: p.type === 'passive_index' ? 0.006 : p.type === 'index_enhanced' ? 0.012 : 0.0175,
      equity: p.type === 'active_equity' ? rng.uniform(0.8, 0.92) : p.type === 'passive_index' ? 0.95 : rng.uniform(0.92, 0.95),
      targetTrackingError: p.type === 'index_enhanced' ? rng.uniform(0.03, 0.07) : p.type === 'passive_index' ? 0.002 : Number.NaN,
      aum: Math.exp(Math.log(2e9) + 0.8 * rng.normal()),
    });
  }
  specs.sort((a, b) => (a.code < b.code ? -1 : 1));

  // ---------- run ----------
  const nav = { fund: [] as number[], day: [] as number[], nav: [] as number[] };
  const holdings = { fund: [] as number[], annDay: [] as number[], endDate: [] as number[], stock: [] as number[], weight: [] as number[], shares: [] as number[] };
  const realizedTrackingError: number[] = [];
  const snapIndex = new Map<number, number>();
  sim.snapshotDays.forEach((t, s) => snapIndex.set(t, s));
  const signs = PLANTED_FACTORS.map((p) => Math.sign(p.premiumMonthly));

  for (let f = 0; f < specs.length; f++) {
    const spec = specs[f]!;
    // The fund's model: positive weights on a few planted characteristics, plus a private view.
    const omega = new Float64Array(K);
    for (let j = 0; j < K; j++) if (rng.chance(0.5)) omega[j] = rng.uniform(0.2, 1) * signs[j]!;
    const view = new Float64Array(N);
    for (let i = 0; i < N; i++) view[i] = rng.normal();
    const stocks: number[] = [];
    const w: number[] = [];
    let navValue = spec.inceptionDay === 0 && spec.inceptionDate < dates[0]! ? Math.round(Math.exp(0.25 + 0.3 * rng.normal()) * 1e4) / 1e4 : 1;
    const nav0 = navValue;
    let sumDiff = 0;
    let sumDiff2 = 0;
    let nDiff = 0;
    const bench = spec.benchmark;

    const rebalance = (t: number): void => {
      const s = snapIndex.get(t);
      let target: Map<number, number>;
      if (spec.type === 'active_equity') target = activeTarget(t, s);
      else target = indexTarget(t, s);
      let turnover = 0;
      const old = new Map<number, number>();
      for (let j = 0; j < stocks.length; j++) old.set(stocks[j]!, w[j]!);
      for (const [i, v] of target) turnover += Math.abs(v - (old.get(i) ?? 0));
      for (const [i, v] of old) if (!target.has(i)) turnover += v;
      navValue *= 1 - (TRADING_COST * turnover) / 2;
      stocks.length = 0;
      w.length = 0;
      for (const [i, v] of target) {
        stocks.push(i);
        w.push(v);
      }
    };

    /** Benchmark weights tilted toward the fund's score (enhanced) or as they are (passive). */
    const indexTarget = (t: number, s: number | undefined): Map<number, number> => {
      const { stocks: bs, weights: bw } = idx.weightsAt(bench, t);
      const out = new Map<number, number>();
      if (spec.type === 'passive_index' || s === undefined) {
        for (let j = 0; j < bs.length; j++) out.set(bs[j]!, bw[j]! * spec.equity);
        return out;
      }
      const score = scores(bs, s);
      // Ex-ante tracking error of a unit tilt from specific risk; scale to the target.
      let te1 = 0;
      for (let j = 0; j < bs.length; j++) {
        const a = bw[j]! * score[j]!;
        te1 += a * a * u.sigma[bs[j]!]! ** 2;
      }
      te1 = Math.sqrt(te1 * 252);
      const kappa = te1 > 0 ? Math.min(30, (0.8 * spec.targetTrackingError) / te1) : 0;
      let total = 0;
      const raw = new Float64Array(bs.length);
      for (let j = 0; j < bs.length; j++) {
        raw[j] = Math.max(0, bw[j]! * (1 + kappa * score[j]!));
        total += raw[j]!;
      }
      for (let j = 0; j < bs.length; j++) if (raw[j]! > 0) out.set(bs[j]!, (raw[j]! / total) * spec.equity);
      return out;
    };

    /** 40–80 names among the CSI 300 and CSI 500 with the best fund score, rank-weighted, ≤ 9 % each. */
    const activeTarget = (t: number, s: number | undefined): Map<number, number> => {
      const a = idx.weightsAt(0, t);
      const b = idx.weightsAt(1, t);
      const pool = Int32Array.from([...a.stocks, ...b.stocks]);
      const score = s === undefined ? Float64Array.from(pool, (_, j) => -j) : scores(pool, s, 1.5);
      const order = [...pool.keys()].sort((x, y) => score[y]! - score[x]!);
      const n = Math.min(order.length, 40 + (f % 41));
      const out = new Map<number, number>();
      let total = 0;
      for (let r = 0; r < n; r++) total += 1 / (r + 8);
      for (let r = 0; r < n; r++) out.set(pool[order[r]!]!, Math.min(0.09, 1 / (r + 8) / total) * spec.equity);
      return out;
    };

    /** Standardised fund score of stocks `ids` at exposure snapshot `s`. */
    const scores = (ids: Int32Array, s: number, viewWeight = 1): Float64Array => {
      const out = new Float64Array(ids.length);
      let sum = 0;
      let sum2 = 0;
      for (let j = 0; j < ids.length; j++) {
        const i = ids[j]!;
        let v = viewWeight * view[i]! * 0.8;
        for (let q = 0; q < K; q++) {
          const x = sim.snapshotValues[q]![s * N + i]!;
          if (omega[q] !== 0 && x === x) v += omega[q]! * x;
        }
        out[j] = v;
        sum += v;
        sum2 += v * v;
      }
      const mean = sum / Math.max(1, ids.length);
      const sd = Math.sqrt(Math.max(1e-12, sum2 / Math.max(1, ids.length) - mean * mean));
      for (let j = 0; j < ids.length; j++) out[j] = Math.max(-3, Math.min(3, (out[j]! - mean) / sd));
      return out;
    };

    const start = spec.inceptionDay;
    for (let t = start; t < T; t++) {
      if (t > start) {
        // Daily return of yesterday's holdings.
        let gross = 0;
        let stockShare = 0;
        for (let j = 0; j < stocks.length; j++) {
          const k = row(stocks[j]!, t);
          const r = k >= 0 ? pct_chg[k]! / 100 : 0;
          gross += w[j]! * r;
          stockShare += w[j]!;
        }
        gross += (1 - stockShare) * CASH_RATE;
        const net = gross - spec.fee / 252;
        navValue *= 1 + net;
        let newTotal = 0;
        for (let j = 0; j < stocks.length; j++) {
          const k = row(stocks[j]!, t);
          const r = k >= 0 ? pct_chg[k]! / 100 : 0;
          w[j] = w[j]! * (1 + r);
          newTotal += w[j]!;
        }
        const cash = (1 - stockShare) * (1 + CASH_RATE);
        const scale = 1 / (newTotal + cash);
        for (let j = 0; j < w.length; j++) w[j] = w[j]! * scale;
        // Stocks that left the market: their weight becomes cash.
        for (let j = stocks.length - 1; j >= 0; j--) {
          if (row(stocks[j]!, t + 1) < 0 && t + 1 < T) {
            stocks.splice(j, 1);
            w.splice(j, 1);
          }
        }
        if (bench >= 0) {
          const d = net - idx.returns[bench * T + t]!;
          sumDiff += d;
          sumDiff2 += d * d;
          nDiff++;
        }
      }
      if (t === start || monthOf(ext[off + t + 1]!) !== monthOf(dates[t]!)) rebalance(t);
      nav.fund.push(f);
      nav.day.push(t);
      nav.nav.push(round4(navValue));

      // Quarter-end disclosure.
      const month = monthOf(dates[t]!);
      if (monthOf(ext[off + t + 1]!) !== month && month % 3 === 0) {
        const year = yearOf(dates[t]!);
        const endDate = year * 10_000 + [331, 630, 930, 1231][month / 3 - 1]!;
        const quarterAnn = t + 15 + rng.int(6);
        const fullAnn = month === 6 ? lastTradingDayOnOrBefore(year * 10_000 + 831 - rng.int(6)) : month === 12 ? lastTradingDayOnOrBefore((year + 1) * 10_000 + 331 - rng.int(6)) : -1;
        const aum = (spec.aum * navValue) / nav0;
        const order = [...stocks.keys()].sort((x, y) => w[y]! - w[x]! || stocks[x]! - stocks[y]!);
        for (let r = 0; r < order.length; r++) {
          const ann = r < 10 ? quarterAnn : fullAnn;
          if (ann < 0 || ann >= T) continue;
          const i = stocks[order[r]!]!;
          const weight = w[order[r]!]!;
          const k = row(i, t);
          const raw = k >= 0 ? close[k]! / adj_factor[k]! : Number.NaN;
          holdings.fund.push(f);
          holdings.annDay.push(ann);
          holdings.endDate.push(endDate);
          holdings.stock.push(i);
          holdings.weight.push(round4(weight * 100));
          holdings.shares.push(raw > 0 ? Math.round((weight * aum) / raw / 100) * 100 : Number.NaN);
        }
      }
    }
    if (nDiff > 20) {
      const mean = sumDiff / nDiff;
      realizedTrackingError.push(Math.sqrt(Math.max(0, sumDiff2 / nDiff - mean * mean) * 252));
    } else realizedTrackingError.push(Number.NaN);
  }
  return { specs, nav, holdings, realizedTrackingError };

  function lastTradingDayOnOrBefore(date: number): number {
    let lo = 0;
    let hi = T;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (dates[mid]! <= date) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1 < 0 ? -1 : lo - 1 === T - 1 && dates[T - 1]! < date && ext[off + T]! <= date ? T : lo - 1;
  }
}
