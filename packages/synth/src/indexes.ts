/**
 * Index families built from the simulated market, by rules like the real ones:
 *
 * - CSI 300 / 500 / 1000: ranked by average daily float market cap over the past year (up to
 *   the cutoff: the last trading day of April / October); CSI 300 takes the top, CSI 500 the
 *   next tier after removing CSI 300 members and the top 300, CSI 1000 the tier after that.
 *   Buffers: a new stock ranked within 0.8·S of its tier enters first, a member ranked within
 *   1.2·S stays first, the rest is filled by rank.
 * - CSI A500: S stocks chosen within industries: each level-1 industry gets a quota in
 *   proportion to its float cap (largest remainder), filled by size with the same buffers.
 * - CNI 2000: ranks after the first 1000 (same buffers).
 *
 * Semi-annual reviews take effect on the first trading day after the second Friday of June and
 * December. A member that is about to be delisted leaves five trading days before its final
 * suspension and the best-ranked eligible non-member takes its place (cascading down the CSI
 * tiers), so every index has exactly its size on every day. Weights are free-float market cap
 * (free-float ratio rounded up to CSI's bands) with a 10 % cap per stock set at each review;
 * levels are chain-linked price indices (cash dividends lower them, bonus shares do not).
 */
import { INDUSTRIES } from './reference.js';
import type { SimResult } from './simulate.js';
import type { Universe } from './universe.js';
import { monthOf, round4, yearOf } from './util.js';

/** One index of the family. */
export interface IndexSpec {
  readonly code: string;
  readonly name: string;
  /** Nominal number of constituents. */
  readonly size: number;
  /** Level on the day before the data starts. */
  readonly base: number;
}

/** The indices, in order: CSI 300, CSI 500, CSI 1000, CSI A500, CNI 2000. */
export const INDEX_SPECS: readonly IndexSpec[] = [
  { code: '000300.SH', name: '沪深300', size: 300, base: 2300 },
  { code: '000905.SH', name: '中证500', size: 500, base: 4000 },
  { code: '000852.SH', name: '中证1000', size: 1000, base: 4500 },
  { code: '000510.SH', name: '中证A500', size: 500, base: 3000 },
  { code: '399303.SZ', name: '国证2000', size: 2000, base: 5000 },
];
const CSI_TIERS = 3;
const A500 = 3;
const CNI = 4;
const WEIGHT_CAP = 0.1;

export interface IndexResult {
  /** Constituent count of each index (constant over time). */
  readonly sizes: number[];
  /** CNI 2000: how many top-ranked stocks are skipped. */
  readonly cniOffset: number;
  /** Data-day indices of the review effective days. */
  readonly reviewDays: number[];
  readonly members: { index: number[]; stock: number[]; inDay: number[]; outDay: number[] };
  readonly weights: { index: number[]; day: number[]; stock: number[]; weight: number[] };
  readonly levels: {
    open: Float64Array;
    high: Float64Array;
    low: Float64Array;
    close: Float64Array;
    volume: Float64Array;
    amount: Float64Array;
  };
  /** Daily price return of each index (`x × T + t`). */
  readonly returns: Float64Array;
  /** Benchmark weights (fractions) of index `x` at the close of day `t`: the first day and month ends only. */
  weightsAt(x: number, t: number): { stocks: Int32Array; weights: Float64Array };
}

/** CSI free-float bands: the free-float ratio is rounded up to these inclusion factors (≤ 15 %: to a whole percent). */
export function freeFloatBand(ratio: number): number {
  if (ratio <= 0.15) return Math.max(0.01, Math.ceil(ratio * 100 - 1e-9) / 100);
  if (ratio > 0.8) return 1;
  return Math.ceil(ratio * 10 - 1e-9) / 10;
}

/** Build the index family from the simulated daily table. */
export function buildIndexes(u: Universe, sim: SimResult, dates: Int32Array, ext: Int32Array, off: number): IndexResult {
  const N = u.n;
  const T = dates.length;
  const nX = INDEX_SPECS.length;
  const { rowStart, rowEnd, rowOffset } = sim.layout;
  const { circ_mv, total_mv, is_st, total_share, float_share, pct_chg, open, high, low, pre_close, volume, amount, is_trading } = sim.daily;
  const row = (i: number, t: number): number => (t >= rowStart[i]! && t < rowEnd[i]! ? rowOffset[i]! + t - rowStart[i]! : -1);
  const finalStart = new Int32Array(N);
  for (let i = 0; i < N; i++) finalStart[i] = u.delistDay[i]! < T ? rowEnd[i]! - u.finalSuspension[i]! : T + 1000;
  const industryAt = (i: number, t: number): number => (t < u.reclassDay[i]! ? u.industry0[i]! : u.industry1[i]!);
  /** Weight base of row k of stock i: total cap × banded free-float ratio. */
  const baseOfRow = (i: number, k: number): number => total_mv[k]! * freeFloatBand(Math.max(0.02, float_share[k]! / total_share[k]! - u.strategicFrac[i]!));
  const weightBase = (i: number, t: number): number => {
    const k = row(i, t);
    return k < 0 ? 0 : baseOfRow(i, k);
  };

  // ---------- review calendar ----------
  const reviewDays: number[] = [];
  const cutoffDays: number[] = [];
  for (let t = 1; t < T; t++) {
    const month = monthOf(dates[t]!);
    if (month !== 6 && month !== 12) continue;
    // Effective: the first trading day after the second Friday of the month.
    const y = yearOf(dates[t]!);
    const firstDow = new Date(Date.UTC(y, month - 1, 1)).getUTCDay();
    const secondFriday = y * 10_000 + month * 100 + 1 + ((5 - firstDow + 7) % 7) + 7;
    if (dates[t]! > secondFriday && dates[t - 1]! <= secondFriday) {
      const cutMonth = month === 6 ? 4 : 10;
      let c = t;
      while (c >= 0 && (yearOf(dates[c]!) !== y || monthOf(dates[c]!) > cutMonth)) c--;
      if (c >= 0 && monthOf(dates[c]!) === cutMonth) {
        reviewDays.push(t);
        cutoffDays.push(c);
      }
    }
  }

  // ---------- phase 1: membership and cap factors, as segments ----------
  const member = INDEX_SPECS.map(() => new Uint8Array(N));
  const inDay = INDEX_SPECS.map(() => new Int32Array(N).fill(-1));
  const capFactor = INDEX_SPECS.map(() => new Float64Array(N).fill(1));
  const segOpen = INDEX_SPECS.map(() => new Int32Array(N).fill(-1));
  const reserve: Int32Array[] = INDEX_SPECS.map(() => new Int32Array(0));
  const members = { index: [] as number[], stock: [] as number[], inDay: [] as number[], outDay: [] as number[] };
  /** Constant-weight-factor stretches of membership: index, stock, [from, to), cap factor. */
  const seg = { index: [] as number[], stock: [] as number[], from: [] as number[], to: [] as number[], cap: [] as number[] };
  const closeSegment = (x: number, i: number, t: number): void => {
    const from = segOpen[x]![i]!;
    if (from >= 0 && t > from) {
      seg.index.push(x);
      seg.stock.push(i);
      seg.from.push(from);
      seg.to.push(t);
      seg.cap.push(capFactor[x]![i]!);
    }
    segOpen[x]![i] = -1;
  };
  const add = (x: number, i: number, t: number): void => {
    member[x]![i] = 1;
    inDay[x]![i] = t;
    capFactor[x]![i] = 1;
    segOpen[x]![i] = t;
  };
  const remove = (x: number, i: number, t: number): void => {
    closeSegment(x, i, t);
    member[x]![i] = 0;
    members.index.push(x);
    members.stock.push(i);
    members.inDay.push(inDay[x]![i]!);
    members.outDay.push(t);
    inDay[x]![i] = -1;
  };

  /** Eligible stocks at cutoff c for an effective day e, best first, then the ineligible-but-alive as a last resort. */
  const ranking = (c: number, e: number, minAge: number): { ranked: Int32Array; eligible: number } => {
    const score = new Float64Array(N).fill(Number.NaN);
    const good: number[] = [];
    const fallback: number[] = [];
    for (let i = 0; i < N; i++) {
      const k = row(i, c);
      if (k < 0 || row(i, e) < 0 || finalStart[i]! <= e + 10) continue;
      let sum = 0;
      const first = Math.max(rowStart[i]!, c - 249);
      for (let d = first; d <= c; d++) sum += circ_mv[rowOffset[i]! + d - rowStart[i]!]!;
      score[i] = sum / (c - first + 1);
      const age = u.listDay[i]! < 0 ? Number.POSITIVE_INFINITY : c - u.listDay[i]!;
      if (age >= minAge && is_st[k] === 0) good.push(i);
      else fallback.push(i);
    }
    const byScore = (a: number, b: number): number => score[b]! - score[a]! || a - b;
    good.sort(byScore);
    fallback.sort(byScore);
    return { ranked: Int32Array.from([...good, ...fallback]), eligible: good.length };
  };

  /** Buffered selection of `size` stocks from `ranked` (best first) given current members. */
  const select = (ranked: ArrayLike<number>, current: Uint8Array, size: number): number[] => {
    const inBuf = Math.floor(0.8 * size);
    const outBuf = Math.ceil(1.2 * size);
    const chosen: number[] = [];
    const taken = new Set<number>();
    for (let r = 0; r < ranked.length && chosen.length < size; r++) {
      const i = ranked[r]!;
      if (r < inBuf || (current[i] === 1 && r < outBuf)) {
        chosen.push(i);
        taken.add(i);
      }
    }
    for (let r = 0; r < ranked.length && chosen.length < size; r++) {
      const i = ranked[r]!;
      if (!taken.has(i)) {
        chosen.push(i);
        taken.add(i);
      }
    }
    return chosen;
  };

  let sizes: number[] = [];
  let cniOffset = 0;

  /** Apply a new constituent list for index x effective on day t, with new cap factors for everyone. */
  const apply = (x: number, chosen: number[], t: number): void => {
    const next = new Uint8Array(N);
    for (const i of chosen) next[i] = 1;
    for (let i = 0; i < N; i++) if (member[x]![i] === 1 && next[i] === 0) remove(x, i, t);
    for (const i of chosen) if (member[x]![i] === 0) add(x, i, t);
    // Cap factors so that no weight exceeds 10 % at the previous close.
    const ids: number[] = [];
    const w: number[] = [];
    for (let i = 0; i < N; i++) {
      if (member[x]![i] !== 1) continue;
      ids.push(i);
      w.push(weightBase(i, Math.max(0, t - 1)) || weightBase(i, t));
    }
    const capped = capWeights(w, WEIGHT_CAP);
    const total = w.reduce((sum, v) => sum + v, 0);
    for (let j = 0; j < ids.length; j++) {
      const i = ids[j]!;
      closeSegment(x, i, t);
      // A ratio: 1 for a stock under the cap (so a later replacement, factor 1, fits in).
      capFactor[x]![i] = w[j]! > 0 ? (capped[j]! * total) / w[j]! : 1;
      segOpen[x]![i] = t;
    }
  };

  const review = (c: number, e: number, initial: boolean): void => {
    const { ranked, eligible } = ranking(c, e, initial ? 0 : 63);
    if (initial) {
      const scale = Math.min(1, (eligible * 0.9) / 1800);
      sizes = [300, 500, 1000].map((n) => Math.max(10, Math.round(n * scale)));
      sizes.push(Math.max(10, Math.min(500, Math.round(500 * scale), Math.floor(eligible * 0.25))));
      cniOffset = Math.round(1000 * scale);
      sizes.push(Math.max(10, Math.floor(Math.min(2000 * scale, 0.9 * (eligible - cniOffset)) / 5) * 5));
    }
    // CSI tiers: each takes the next tier after removing the higher tiers' members and top ranks.
    const excluded = new Uint8Array(N);
    let skipTop = 0;
    for (let x = 0; x < CSI_TIERS; x++) {
      const pool: number[] = [];
      for (let r = 0; r < ranked.length; r++) {
        const i = ranked[r]!;
        if (r >= skipTop && excluded[i] === 0) pool.push(i);
      }
      const chosen = select(pool, member[x]!, sizes[x]!);
      apply(x, chosen, e);
      for (const i of chosen) excluded[i] = 1;
      skipTop += sizes[x]!;
      reserve[x] = ranked;
    }
    // CSI A500: industry quotas.
    {
      const byInd: number[][] = INDUSTRIES.map(() => []);
      const capSum = new Float64Array(INDUSTRIES.length);
      for (let r = 0; r < eligible; r++) {
        const i = ranked[r]!;
        const k = industryAt(i, c);
        byInd[k]!.push(i);
        capSum[k] = capSum[k]! + circ_mv[row(i, c)]!;
      }
      const quotas = allocateQuotas(capSum, byInd.map((l) => l.length), sizes[A500]!);
      const chosen: number[] = [];
      for (let k = 0; k < INDUSTRIES.length; k++) if (quotas[k]! > 0) chosen.push(...select(byInd[k]!, member[A500]!, quotas[k]!));
      if (chosen.length < sizes[A500]!) {
        const taken = new Set(chosen);
        for (let r = 0; r < ranked.length && chosen.length < sizes[A500]!; r++) if (!taken.has(ranked[r]!)) chosen.push(ranked[r]!);
      }
      apply(A500, chosen, e);
      reserve[A500] = ranked;
    }
    // CNI 2000: ranks after the first `cniOffset`.
    {
      const cniRanked = initial ? ranked : ranking(c, e, 126).ranked;
      const pool = Array.from(cniRanked.subarray(Math.min(cniOffset, cniRanked.length)));
      apply(CNI, select(pool, member[CNI]!, sizes[CNI]!), e);
      reserve[CNI] = Int32Array.from(pool);
    }
  };

  /** Replace stock i (leaving index x on day t) with the best eligible non-member, cascading down CSI tiers. */
  const replace = (x: number, i: number, t: number): void => {
    remove(x, i, t);
    const list = reserve[x]!;
    for (let r = 0; r < list.length; r++) {
      const j = list[r]!;
      if (member[x]![j] === 1 || row(j, t) < 0 || finalStart[j]! <= t + 20) continue;
      let higher = false;
      if (x < CSI_TIERS) for (let y = 0; y < x; y++) if (member[y]![j] === 1) higher = true;
      if (higher) continue;
      add(x, j, t);
      if (x < CSI_TIERS) for (let y = x + 1; y < CSI_TIERS; y++) if (member[y]![j] === 1) replace(y, j, t);
      return;
    }
    throw new Error(`synth: no replacement for ${INDEX_SPECS[x]!.code} on day ${t}`);
  };

  const leaving = new Map<number, number[]>();
  for (let i = 0; i < N; i++) {
    if (finalStart[i]! >= T) continue;
    const d = Math.max(1, finalStart[i]! - 5);
    (leaving.get(d) ?? leaving.set(d, []).get(d)!).push(i);
  }
  const events = [...new Set([0, ...reviewDays, ...leaving.keys()])].sort((a, b) => a - b);
  let nextReview = 0;
  for (const t of events) {
    if (t === 0) review(0, 0, true);
    if (nextReview < reviewDays.length && reviewDays[nextReview] === t) {
      review(cutoffDays[nextReview]!, t, false);
      nextReview++;
    }
    for (const i of leaving.get(t) ?? []) for (let x = 0; x < nX; x++) if (member[x]![i] === 1) replace(x, i, t);
  }
  for (let x = 0; x < nX; x++) {
    for (let i = 0; i < N; i++) {
      if (member[x]![i] !== 1) continue;
      closeSegment(x, i, T);
      members.index.push(x);
      members.stock.push(i);
      members.inDay.push(inDay[x]![i]!);
      members.outDay.push(-1);
    }
  }

  // ---------- phase 2: stock by stock, sums per index and day ----------
  const isSnapshot = new Uint8Array(T);
  isSnapshot[0] = 1;
  for (let t = 0; t < T; t++) if (monthOf(ext[off + t + 1]!) !== monthOf(dates[t]!)) isSnapshot[t] = 1;
  const snapshotOf = new Int32Array(T).fill(-1);
  let nSnap = 0;
  for (let t = 0; t < T; t++) if (isSnapshot[t] === 1) snapshotOf[t] = nSnap++;
  const snapStocks: number[][] = Array.from({ length: nX * nSnap }, () => []);
  const snapWeights: number[][] = Array.from({ length: nX * nSnap }, () => []);
  const sums = { w: new Float64Array(nX * T), r: new Float64Array(nX * T), o: new Float64Array(nX * T), h: new Float64Array(nX * T), l: new Float64Array(nX * T) };
  const levels = {
    open: new Float64Array(nX * T),
    high: new Float64Array(nX * T),
    low: new Float64Array(nX * T),
    close: new Float64Array(nX * T),
    volume: new Float64Array(nX * T),
    amount: new Float64Array(nX * T),
  };
  const order = [...seg.stock.keys()].sort((a, b) => seg.stock[a]! - seg.stock[b]! || seg.from[a]! - seg.from[b]!);
  for (const s of order) {
    const x = seg.index[s]!;
    const i = seg.stock[s]!;
    const cap = seg.cap[s]!;
    const from = Math.max(seg.from[s]!, rowStart[i]!);
    const to = Math.min(seg.to[s]!, rowEnd[i]!);
    let k = rowOffset[i]! + from - rowStart[i]!;
    let prevBase = from > rowStart[i]! ? baseOfRow(i, k - 1) * cap : 0;
    for (let t = from; t < to; t++, k++) {
      const p = x * T + t;
      levels.volume[p] = levels.volume[p]! + volume[k]!;
      levels.amount[p] = levels.amount[p]! + amount[k]!;
      const base = baseOfRow(i, k) * cap;
      if (prevBase > 0) {
        const pr = total_mv[k]! / total_mv[k - 1]! - 1;
        const div = (1 + pr) / (1 + pct_chg[k]! / 100);
        const w = prevBase;
        sums.w[p] = sums.w[p]! + w;
        sums.r[p] = sums.r[p]! + w * pr;
        if (is_trading[k] === 1) {
          const wd = (w * div) / pre_close[k]!;
          sums.o[p] = sums.o[p]! + wd * open[k]!;
          sums.h[p] = sums.h[p]! + wd * high[k]!;
          sums.l[p] = sums.l[p]! + wd * low[k]!;
        } else {
          sums.o[p] = sums.o[p]! + w * div;
          sums.h[p] = sums.h[p]! + w * div;
          sums.l[p] = sums.l[p]! + w * div;
        }
      }
      const sn = snapshotOf[t]!;
      if (sn >= 0) {
        snapStocks[x * nSnap + sn]!.push(i);
        snapWeights[x * nSnap + sn]!.push(base);
      }
      prevBase = base;
    }
  }

  // ---------- phase 3: chain-linked levels and weight snapshots ----------
  const returns = new Float64Array(nX * T);
  for (let x = 0; x < nX; x++) {
    let prev = INDEX_SPECS[x]!.base;
    for (let t = 0; t < T; t++) {
      const p = x * T + t;
      const wSum = sums.w[p]!;
      const ret = wSum > 0 ? sums.r[p]! / wSum : 0;
      const c = prev * (1 + ret);
      const o = wSum > 0 ? (prev * sums.o[p]!) / wSum : prev;
      const hAgg = wSum > 0 ? (prev * sums.h[p]!) / wSum : prev;
      const lAgg = wSum > 0 ? (prev * sums.l[p]!) / wSum : prev;
      const top = Math.max(o, c);
      const bottom = Math.min(o, c);
      returns[p] = ret;
      levels.close[p] = round4(c);
      levels.open[p] = round4(o);
      // Constituents do not all peak at once: the index range is about half the weighted average range.
      levels.high[p] = round4(Math.max(top, top + 0.5 * (hAgg - top)));
      levels.low[p] = round4(Math.min(bottom, bottom - 0.5 * (bottom - lAgg)));
      levels.amount[p] = Math.round(levels.amount[p]! * 100) / 100;
      prev = c;
    }
  }
  const weights = { index: [] as number[], day: [] as number[], stock: [] as number[], weight: [] as number[] };
  const cached = new Map<number, { stocks: Int32Array; weights: Float64Array }>();
  for (let x = 0; x < nX; x++) {
    for (let t = 0; t < T; t++) {
      const sn = snapshotOf[t]!;
      if (sn < 0) continue;
      const stocks = Int32Array.from(snapStocks[x * nSnap + sn]!);
      const raw = snapWeights[x * nSnap + sn]!;
      const total = raw.reduce((a, b) => a + b, 0);
      const w = Float64Array.from(raw, (v) => v / total);
      cached.set(x * T + t, { stocks, weights: w });
      if (t === 0 && !(monthOf(ext[off + 1]!) !== monthOf(dates[0]!))) continue;
      for (let j = 0; j < stocks.length; j++) {
        weights.index.push(x);
        weights.day.push(t);
        weights.stock.push(stocks[j]!);
        weights.weight.push(round4(w[j]! * 100));
      }
    }
  }

  const weightsAt = (x: number, t: number): { stocks: Int32Array; weights: Float64Array } => {
    const found = cached.get(x * T + t);
    if (!found) throw new Error(`synth: no weight snapshot of ${INDEX_SPECS[x]!.code} on day ${t}`);
    return found;
  };
  return { sizes, cniOffset, reviewDays, members, weights, levels, returns, weightsAt };
}

/** Proportional weights capped at `cap` (iteratively redistributing the excess). */
export function capWeights(w: readonly number[], cap: number): number[] {
  const total = w.reduce((a, b) => a + b, 0);
  const out = w.map((v) => (total > 0 ? v / total : 0));
  if (out.length * cap < 1) return out;
  for (let iter = 0; iter < 50; iter++) {
    let excess = 0;
    let freeSum = 0;
    for (const v of out) {
      if (v > cap) excess += v - cap;
      else if (v < cap) freeSum += v;
    }
    if (excess <= 1e-12) break;
    for (let j = 0; j < out.length; j++) {
      if (out[j]! >= cap) out[j] = cap;
      else out[j] = out[j]! + (excess * out[j]!) / freeSum;
    }
  }
  return out;
}

/** Largest-remainder quotas summing to `total`, proportional to `mass`, at most `capacity` each and ≥ 1 where possible. */
export function allocateQuotas(mass: Float64Array, capacity: readonly number[], total: number): number[] {
  const n = mass.length;
  const quotas = new Array<number>(n).fill(0);
  let remaining = Math.min(total, capacity.reduce((a, b) => a + b, 0));
  // One per industry with candidates first, when the total allows it.
  const withStocks = capacity.filter((c) => c > 0).length;
  if (withStocks <= remaining) {
    for (let k = 0; k < n; k++) if (capacity[k]! > 0) quotas[k] = 1;
    remaining -= withStocks;
  }
  while (remaining > 0) {
    let massSum = 0;
    for (let k = 0; k < n; k++) if (quotas[k]! < capacity[k]!) massSum += mass[k]!;
    if (massSum <= 0) break;
    const ideal = mass.map((m, k) => (quotas[k]! < capacity[k]! ? (m / massSum) * remaining : 0));
    let given = 0;
    for (let k = 0; k < n; k++) {
      const g = Math.min(capacity[k]! - quotas[k]!, Math.floor(ideal[k]!));
      quotas[k] = quotas[k]! + g;
      given += g;
    }
    remaining -= given;
    if (given === 0) {
      // Hand out single slots by largest remainder.
      const order = [...ideal.keys()].sort((a, b) => ideal[b]! - Math.floor(ideal[b]!) - (ideal[a]! - Math.floor(ideal[a]!)) || ideal[b]! - ideal[a]!);
      for (const k of order) {
        if (remaining === 0) break;
        if (quotas[k]! < capacity[k]!) {
          quotas[k] = quotas[k]! + 1;
          remaining--;
        }
      }
    }
  }
  return quotas;
}
