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
import { floorIndex, monthOf, round4, yearOf } from './util.js';

export type FundType = 'index_enhanced' | 'passive_index' | 'active_equity';

/** One simulated fund. */
export interface FundSpec {
  readonly code: string;
  readonly name: string;
  readonly type: FundType;
  /** Benchmark index position in `INDEX_SPECS`, −1 for active funds. */
  readonly benchmark: number;
  /**
   * The benchmark as the fund contract states it, in the composite syntax of
   * `@factorkit/benchmark` (see {@link benchmarkText}).
   */
  readonly benchmarkText: string;
  /** The investment-type text a fund-data vendor gives (tushare `invest_type`). */
  readonly investType: string;
  /** Weight of equity indices in the benchmark, percent. */
  readonly benchEquityPct: number;
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
  readonly holdings: {
    fund: number[];
    annDay: number[];
    endDate: number[];
    stock: number[];
    weight: number[];
    shares: number[];
    /** Market value of the position at the period end, CNY. */
    mkv: number[];
    /** The fund's net assets at the period end, 1e8 CNY. */
    sizeBn: number[];
    /** The fund's total stock weight at the period end, percent of net assets. */
    stockPct: number[];
  };
  /** Realised annualised tracking error against the benchmark's price index (NaN for active funds). */
  readonly realizedTrackingError: number[];
}

const CASH_RATE = 0.015 / 252;

/** What a vendor's fund list calls each type (tushare `invest_type`); active funds are named `…混合`. */
const INVEST_TYPES: Readonly<Record<FundType, string>> = { index_enhanced: '增强指数型', passive_index: '被动指数型', active_equity: '混合型' };

/**
 * A fund's benchmark as its contract states it, in the composite syntax (weights in percent,
 * `deposit` = the after-tax demand-deposit rate): index funds, enhanced or passive, track their
 * index with 95 % and hold 5 % at the deposit rate (`95% 000905.SH + 5% deposit`), as the
 * contracts of Chinese index funds usually say; active funds have a blended equity benchmark,
 * alternately `80% 000300.SH + 20% deposit` and `50% 000300.SH + 30% 000905.SH + 20% deposit`
 * (the CSI 300 and CSI 500 are where they pick stocks). The equity weight is returned too.
 */
export function benchmarkText(type: FundType, index: number, ordinal: number): { text: string; equityPct: number } {
  if (type !== 'active_equity') return { text: `95% ${INDEX_SPECS[index]!.code} + 5% deposit`, equityPct: 95 };
  const [csi300, csi500] = [INDEX_SPECS[0]!.code, INDEX_SPECS[1]!.code];
  return { text: ordinal % 2 === 0 ? `80% ${csi300} + 20% deposit` : `50% ${csi300} + 30% ${csi500} + 20% deposit`, equityPct: 80 };
}
/** Ex-ante specific tracking error → tilt strength (calibrated so realised tracking errors land in 3–7 %). */
const KAPPA_SCALE = 0.45;
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
  const { close, adj_factor } = sim.daily;
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
  for (const [ordinal, p] of plan.entries()) {
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
    const bench = benchmarkText(p.type, p.benchmark, ordinal);
    specs.push({
      code,
      name,
      type: p.type,
      benchmark: p.benchmark,
      benchmarkText: bench.text,
      investType: INVEST_TYPES[p.type],
      benchEquityPct: bench.equityPct,
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
  const holdings: FundResult['holdings'] = { fund: [], annDay: [], endDate: [], stock: [], weight: [], shares: [], mkv: [], sizeBn: [], stockPct: [] };
  const realizedTrackingError: number[] = [];
  const snapIndex = new Map<number, number>();
  sim.snapshotDays.forEach((t, s) => snapIndex.set(t, s));
  const signs = PLANTED_FACTORS.map((p) => Math.sign(p.premiumMonthly));

  // Total-return prices (hfq close) date-major, forward-filled after a delisting, so that each
  // day's lookups for all funds hit one cache-resident row. Holdings are units of these.
  const price = new Float64Array(T * N);
  for (let i = 0; i < N; i++) {
    let k = rowOffset[i]!;
    for (let t = rowStart[i]!; t < rowEnd[i]!; t++, k++) price[t * N + i] = close[k]!;
    const last = rowEnd[i]! > rowStart[i]! ? close[k - 1]! : 0;
    for (let t = rowEnd[i]!; t < T; t++) price[t * N + i] = last;
  }

  interface FundState {
    readonly spec: FundSpec;
    readonly omega: Float64Array;
    readonly view: Float64Array;
    stocks: Int32Array;
    units: Float64Array;
    cash: number;
    /** Net asset value per unit of the fund's own money (1 at inception, `nav0` for old funds). */
    nav: number;
    readonly nav0: number;
    lastValue: number;
    sumDiff: number;
    sumDiff2: number;
    nDiff: number;
  }
  const state: FundState[] = specs.map((spec) => {
    // The fund's model: positive weights on a few planted characteristics, plus a private view.
    const omega = new Float64Array(K);
    for (let j = 0; j < K; j++) if (rng.chance(0.5)) omega[j] = rng.uniform(0.2, 1) * signs[j]!;
    const view = new Float64Array(N);
    for (let i = 0; i < N; i++) view[i] = rng.normal();
    const nav0 = spec.inceptionDay === 0 && spec.inceptionDate < dates[0]! ? Math.round(Math.exp(0.25 + 0.3 * rng.normal()) * 1e4) / 1e4 : 1;
    return { spec, omega, view, stocks: new Int32Array(0), units: new Float64Array(0), cash: nav0, nav: nav0, nav0, lastValue: nav0, sumDiff: 0, sumDiff2: 0, nDiff: 0 };
  });

  /** Standardised fund score of stocks `ids` at exposure snapshot `s`. */
  const scores = (fs: FundState, ids: Int32Array, s: number, viewWeight: number): Float64Array => {
    const out = new Float64Array(ids.length);
    let sum = 0;
    let sum2 = 0;
    for (let j = 0; j < ids.length; j++) {
      const i = ids[j]!;
      let v = viewWeight * fs.view[i]! * 0.8;
      for (let q = 0; q < K; q++) {
        const x = sim.snapshotValues[q]![s * N + i]!;
        if (fs.omega[q] !== 0 && x === x) v += fs.omega[q]! * x;
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

  /** Target weights (fractions of net assets): benchmark tilted toward the fund's score (enhanced) or as it is (passive). */
  const indexTarget = (fs: FundState, t: number, s: number | undefined): { stocks: Int32Array; weights: Float64Array } => {
    const spec = fs.spec;
    const { stocks: bs, weights: bw } = idx.weightsAt(spec.benchmark, t);
    const weights = new Float64Array(bs.length);
    if (spec.type === 'passive_index' || s === undefined) {
      for (let j = 0; j < bs.length; j++) weights[j] = bw[j]! * spec.equity;
      return { stocks: bs, weights };
    }
    const score = scores(fs, bs, s, 1);
    // Ex-ante tracking error of a unit tilt from specific risk; scale to the target.
    let te1 = 0;
    for (let j = 0; j < bs.length; j++) {
      const a = bw[j]! * score[j]!;
      te1 += a * a * u.sigma[bs[j]!]! ** 2;
    }
    te1 = Math.sqrt(te1 * 252);
    // w ∝ b·exp(κ·score): for small κ the active weights are κ·b·score, whose specific-risk
    // tracking error is κ·te1; the realised one adds style exposures and cash.
    const kappa = te1 > 0 ? Math.min(4, (KAPPA_SCALE * spec.targetTrackingError) / te1) : 0;
    let total = 0;
    for (let j = 0; j < bs.length; j++) {
      weights[j] = bw[j]! * Math.exp(kappa * score[j]!);
      total += weights[j]!;
    }
    for (let j = 0; j < bs.length; j++) weights[j] = (weights[j]! / total) * spec.equity;
    return { stocks: bs, weights };
  };

  /** 40–80 names among the CSI 300 and CSI 500 with the best fund score, rank-weighted, ≤ 9 % each. */
  const activeTarget = (fs: FundState, f: number, t: number, s: number | undefined): { stocks: Int32Array; weights: Float64Array } => {
    const a = idx.weightsAt(0, t);
    const b = idx.weightsAt(1, t);
    const pool = new Int32Array(a.stocks.length + b.stocks.length);
    pool.set(a.stocks);
    pool.set(b.stocks, a.stocks.length);
    const score = s === undefined ? Float64Array.from(pool, (_, j) => -j) : scores(fs, pool, s, 1.5);
    const n = Math.min(pool.length, 40 + (f % 41));
    const threshold = Float64Array.from(score).sort()[pool.length - n]!;
    const top = [...pool.keys()].filter((j) => score[j]! >= threshold).sort((x, y) => score[y]! - score[x]! || x - y).slice(0, n);
    let total = 0;
    for (let r = 0; r < n; r++) total += 1 / (r + 8);
    return {
      stocks: Int32Array.from(top, (j) => pool[j]!),
      weights: Float64Array.from(top, (_, r) => Math.min(0.09, 1 / (r + 8) / total) * fs.spec.equity),
    };
  };

  const scratch = new Float64Array(N);
  /** Trade to the target at the close of day t (costs come out of the fund). */
  const rebalance = (fs: FundState, f: number, t: number, value: number): void => {
    const s = snapIndex.get(t);
    const target = fs.spec.type === 'active_equity' ? activeTarget(fs, f, t, s) : indexTarget(fs, t, s);
    const base = t * N;
    // Turnover = Σ |target − current| over the union of names (`scratch` holds current weights by stock).
    for (let j = 0; j < fs.stocks.length; j++) scratch[fs.stocks[j]!] = (fs.units[j]! * price[base + fs.stocks[j]!]!) / value;
    let turnover = 0;
    for (let j = 0; j < target.stocks.length; j++) {
      const i = target.stocks[j]!;
      turnover += Math.abs(target.weights[j]! - scratch[i]!);
      scratch[i] = 0;
    }
    for (let j = 0; j < fs.stocks.length; j++) {
      turnover += scratch[fs.stocks[j]!]!;
      scratch[fs.stocks[j]!] = 0;
    }
    const after = value * (1 - (TRADING_COST * turnover) / 2);
    const n = target.stocks.length;
    const units = new Float64Array(n);
    let invested = 0;
    for (let j = 0; j < n; j++) {
      units[j] = (target.weights[j]! * after) / price[base + target.stocks[j]!]!;
      invested += target.weights[j]!;
    }
    fs.stocks = target.stocks;
    fs.units = units;
    fs.cash = (1 - invested) * after;
    fs.lastValue = after;
  };

  for (let t = 0; t < T; t++) {
    const base = t * N;
    const monthEnd = monthOf(ext[off + t + 1]!) !== monthOf(dates[t]!);
    const month = monthOf(dates[t]!);
    for (let f = 0; f < state.length; f++) {
      const fs = state[f]!;
      const spec = fs.spec;
      const start = spec.inceptionDay;
      if (t < start) continue;
      let value = fs.lastValue;
      if (t > start) {
        const { stocks, units } = fs;
        fs.cash *= 1 + CASH_RATE;
        let v = fs.cash;
        for (let j = 0; j < stocks.length; j++) v += units[j]! * price[base + stocks[j]!]!;
        // Fees accrue daily out of cash.
        const fee = (v * spec.fee) / 252;
        fs.cash -= fee;
        value = v - fee;
        const net = value / fs.lastValue - 1;
        fs.lastValue = value;
        if (spec.benchmark >= 0) {
          const d = net - idx.returns[spec.benchmark * T + t]!;
          fs.sumDiff += d;
          fs.sumDiff2 += d * d;
          fs.nDiff++;
        }
      }
      if (t === start || monthEnd) {
        rebalance(fs, f, t, value);
        value = fs.lastValue;
      }
      fs.nav = value;
      nav.fund.push(f);
      nav.day.push(t);
      nav.nav.push(round4(value));

      // Quarter-end disclosure: top ten in the quarterly report, the rest in the (semi-)annual report.
      if (monthEnd && month % 3 === 0) {
        const year = yearOf(dates[t]!);
        const endDate = year * 10_000 + [331, 630, 930, 1231][month / 3 - 1]!;
        const quarterAnn = t + 15 + rng.int(6);
        const fullAnn = month === 6 ? tradingDayOnOrBefore(year * 10_000 + 831 - rng.int(6)) : month === 12 ? tradingDayOnOrBefore((year + 1) * 10_000 + 331 - rng.int(6)) : -1;
        const aum = (spec.aum * value) / fs.nav0;
        const { stocks, units } = fs;
        const weights = new Float64Array(stocks.length);
        for (let j = 0; j < stocks.length; j++) weights[j] = (units[j]! * price[base + stocks[j]!]!) / value;
        const tenth = stocks.length > 10 ? Float64Array.from(weights).sort()[stocks.length - 10]! : -1;
        let stockWeight = 0;
        for (let j = 0; j < stocks.length; j++) stockWeight += weights[j]!;
        const sizeBn = round4(aum / 1e8);
        const stockPct = round4(stockWeight * 100);
        let topCount = 0;
        for (let j = 0; j < stocks.length; j++) {
          const top = weights[j]! >= tenth && topCount < 10;
          if (top) topCount++;
          const ann = top ? quarterAnn : fullAnn;
          if (ann < 0 || ann >= T) continue;
          const i = stocks[j]!;
          const k = row(i, t);
          const raw = k >= 0 ? close[k]! / adj_factor[k]! : Number.NaN;
          holdings.fund.push(f);
          holdings.annDay.push(ann);
          holdings.endDate.push(endDate);
          holdings.stock.push(i);
          holdings.weight.push(round4(weights[j]! * 100));
          holdings.shares.push(raw > 0 ? Math.round((weights[j]! * aum) / raw / 100) * 100 : Number.NaN);
          holdings.mkv.push(Math.round(weights[j]! * aum));
          holdings.sizeBn.push(sizeBn);
          holdings.stockPct.push(stockPct);
        }
      }
    }
  }
  for (const fs of state) {
    if (fs.nDiff > 20) {
      const mean = fs.sumDiff / fs.nDiff;
      realizedTrackingError.push(Math.sqrt(Math.max(0, fs.sumDiff2 / fs.nDiff - mean * mean) * 252));
    } else realizedTrackingError.push(Number.NaN);
  }
  return { specs, nav, holdings, realizedTrackingError };

  /** The data day of the last trading day on or before `date`; T when that day is after the data. */
  function tradingDayOnOrBefore(date: number): number {
    const e = floorIndex(ext, date) - off;
    return e >= T ? T : e;
  }
}
