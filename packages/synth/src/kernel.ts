/**
 * The generator's hot loops, kept in small top-level functions over a plain state object so the
 * JIT compiles them well: one trading day of every listed stock, and the end-of-day exposures.
 */
import { type Board, CHINEXT_REFORM_DATE, priceBand } from '@factorkit/data';
import { F, K } from './model.js';
import type { Rng } from './rng.js';
import type { ReportRows, SimStats } from './simulate.js';
import { DELIST_DISTRESS, type Universe } from './universe.js';

/** Random numbers each alive stock consumes per day. */
export const NORMALS_PER_STOCK = 7;
export const UNIFORMS_PER_STOCK = 3;
/** Common daily drift of every stock: offsets the volatility drag of a typical stock. */
const DRIFT = 0.00018;
const JUMP_P = 0.004;
const JUMP_SIZE = 0.07;
/** News jumps lean positive (limit-ups are more common than limit-downs). */
const JUMP_MEAN = 0.012;
/** Smoothing of market cap into "fundamental scale" (half-life 120 trading days). */
export const M_SMOOTH = 1 - 2 ** (-1 / 120);
/** Ring depth 256 (> 250, the longest window). */
export const RING_MASK = 255;
/** Staging depth 64 days (one cache line of doubles per stock and column when flushed). */
export const STAGE_MASK = 63;

/** Everything the kernels read and write. */
export interface Kernel {
  readonly T: number;
  readonly u: Universe;
  readonly boards: readonly Board[];
  readonly alive: Int32Array;
  readonly rowStart: Int32Array;
  readonly rowOffset: Int32Array;
  readonly finalStart: Int32Array;
  /** Today's pre-drawn normals and uniforms, by alive position. */
  readonly zBuf: Float64Array;
  readonly uBuf: Float64Array;
  readonly arng: Rng;
  readonly stats: SimStats;
  readonly reports: ReportRows;
  readonly expiries: (number[] | undefined)[];
  readonly nInst: number;
  readonly X: Float64Array;
  readonly C: Float64Array;
  /** Cap-weighted mean exposure of each factor (at the last refresh). */
  readonly xbar: Float64Array;
  readonly f: Float64Array;
  readonly indRet: Float64Array;
  /** Daily columns: the 8-day date-major staging block (`(t & STAGE_MASK) × N + i`). */
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly pre_close: Float64Array;
  readonly pct_chg: Float64Array;
  readonly volume: Float64Array;
  readonly amount: Float64Array;
  readonly turnover_rate: Float64Array;
  readonly is_trading: Float64Array;
  readonly is_st: Float64Array;
  readonly pe_ttm: Float64Array;
  readonly pb_mrq: Float64Array;
  readonly ps_ttm: Float64Array;
  readonly adj_factor: Float64Array;
  readonly total_share: Float64Array;
  readonly float_share: Float64Array;
  readonly total_mv: Float64Array;
  readonly circ_mv: Float64Array;
  readonly N: number;
  /** Date-major rings (`(t & RING_MASK) × N + i`) of log return, return, turnover and Amihud term. */
  readonly ringLr: Float64Array;
  readonly ringR: Float64Array;
  readonly ringTv: Float64Array;
  readonly ringIl: Float64Array;
  readonly rawClose: Float64Array;
  readonly adj: Float64Array;
  readonly totalShare: Float64Array;
  readonly floatFrac: Float64Array;
  readonly floatShare: Float64Array;
  readonly carry: Float64Array;
  readonly mTilde: Float64Array;
  readonly aTurn: Float64Array;
  readonly annJump: Float64Array;
  readonly suspUntil: Int32Array;
  readonly stRule: Uint8Array;
  readonly stOther: Int32Array;
  readonly pendDps: Float64Array;
  readonly pendBonus: Float64Array;
  readonly divPaid: Float64Array;
  readonly firstTrade: Int32Array;
  readonly lastTrade: Int32Array;
  readonly bandKey: Int32Array;
  readonly bandUp: Float64Array;
  readonly bandDown: Float64Array;
  readonly s20: Float64Array;
  readonly n20: Int32Array;
  readonly s60: Float64Array;
  readonly a60: Float64Array;
  readonly q60: Float64Array;
  readonly n60: Int32Array;
  readonly sMom: Float64Array;
  readonly nMom: Int32Array;
  readonly tu20: Float64Array;
  readonly tn20: Int32Array;
  readonly il20: Float64Array;
  readonly in20: Int32Array;
  readonly il240: Float64Array;
  readonly in240: Int32Array;
  readonly ttmNp: Float64Array;
  readonly ttmRev: Float64Array;
  readonly eqLatest: Float64Array;
  readonly growth: Float64Array;
  readonly payKnown: Float64Array;
  readonly lambda: Float64Array;
  readonly boostUntil: Int32Array;
  readonly covCount: Int32Array;
  readonly lastRep: Int32Array;
  readonly instPerm: Uint8Array;
  readonly instUse: Int32Array;
  readonly consNp0: Float64Array;
  readonly revision: Float64Array;
}

/** A valuation ratio rounded to about seven significant digits, cheaply. */
function roundRatio(x: number): number {
  const a = x < 0 ? -x : x;
  const scale = a >= 1000 ? 100 : a >= 1 ? 10_000 : 1e6;
  return Math.round(x * scale) / scale;
}

const LN2 = Math.LN2;
const POW2 = Float64Array.from({ length: 129 }, (_, k) => 2 ** (k - 64));
/** e^x to about 1e-6 relative for |x| < 40 (the volume model needs no more, and Math.exp is slow). */
export function fastExp(x: number): number {
  const k = Math.round(x / LN2);
  const r = x - k * LN2;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r / 720)))));
  return p * POW2[Math.max(-64, Math.min(64, k)) + 64]!;
}

/**
 * One trading day of every listed stock: corporate actions, the model return, price limits,
 * OHLC, volume, valuation, research reports and the rolling windows of the characteristics.
 */
export function stepStocks(S: Kernel, t: number, date: number, m: number, styleShift: number, specScale: number, sentiment: number, nAlive: number): void {
  const { N, T, X, aTurn, adj, alive, amount, annJump, arng, bandDown, bandKey, bandUp, boards, boostUntil, carry, close, covCount, divPaid, expiries, f, finalStart, firstTrade, floatFrac, floatShare, high, indRet, instPerm, instUse, is_st, is_trading, lambda, lastRep, lastTrade, low, nInst, open, pct_chg, pendBonus, pendDps, pre_close, rawClose, reports, stOther, stRule, suspUntil, totalShare, turnover_rate, u, uBuf, volume, zBuf } = S;
  const { reclassDay, industry0, industry1, sigma, beta, delistKind, listDay, listDate, turnoverBase } = u;
  const stats = S.stats;
  let bonusIssues = 0;
  let dividends = 0;
  let suspendedRows = 0;
  let onePriceDays = 0;
  let limitUpCloses = 0;
  let limitDownCloses = 0;
  let stRows = 0;
  // Today's factor returns as locals (the dot product below is unrolled: K = 14).
  const f0 = f[0]!;
  const f1 = f[1]!;
  const f2 = f[2]!;
  const f3 = f[3]!;
  const f4 = f[4]!;
  const f5 = f[5]!;
  const f6 = f[6]!;
  const f7 = f[7]!;
  const f8 = f[8]!;
  const f9 = f[9]!;
  const f10 = f[10]!;
  const f11 = f[11]!;
  const f12 = f[12]!;
  const f13 = f[13]!;
  if (K !== 14) throw new Error('synth: kernel unrolled for 14 factors');
  for (let a = 0; a < nAlive; a++) {
    const i = alive[a]!;
    // Today's values go to the date-major staging block; flushStage moves them to the rows.
    const k = (t & STAGE_MASK) * N + i;
    const ind = t < reclassDay[i]! ? industry0[i]! : industry1[i]!;
    const stNow = stRule[i]! === 1 || stOther[i]! > 0 ? 1 : 0;
    const suspended = t < suspUntil[i]!;
    const prev = rawClose[i]!;
    let ref = prev;
    if (!suspended && !Number.isNaN(pendDps[i]!)) {
      const dps = pendDps[i]!;
      const bonus = pendBonus[i]!;
      ref = Math.max(0.01, Math.round(((prev - dps) / (1 + bonus)) * 100) / 100);
      adj[i] = Math.round(((adj[i]! * prev) / ref) * 1e6) / 1e6;
      divPaid[i] = divPaid[i]! + dps * totalShare[i]!;
      if (bonus > 0) {
        totalShare[i] = Math.round(totalShare[i]! * (1 + bonus));
        floatShare[i] = Math.round(totalShare[i] * floatFrac[i]!);
        bonusIssues++;
      }
      dividends++;
      pendDps[i] = Number.NaN;
    }
    // The model return.
    const xb = i * K;
    const xf =
      X[xb]! * f0 +
      X[xb + 1]! * f1 +
      X[xb + 2]! * f2 +
      X[xb + 3]! * f3 +
      X[xb + 4]! * f4 +
      X[xb + 5]! * f5 +
      X[xb + 6]! * f6 +
      X[xb + 7]! * f7 +
      X[xb + 8]! * f8 +
      X[xb + 9]! * f9 +
      X[xb + 10]! * f10 +
      X[xb + 11]! * f11 +
      X[xb + 12]! * f12 +
      X[xb + 13]! * f13;
    const sig = sigma[i]! * specScale;
    // Pre-drawn random numbers: a fixed count per stock-day, whatever branch is taken.
    const zb = a * NORMALS_PER_STOCK;
    const ub = a * UNIFORMS_PER_STOCK;
    let eps = sig * zBuf[zb]!;
    if (uBuf[ub]! < JUMP_P) eps += JUMP_MEAN + JUMP_SIZE * zBuf[zb + 1]!;
    let rm = DRIFT + beta[i]! * m + indRet[ind]! + xf - styleShift + eps + annJump[i]!;
    annJump[i] = 0;
    if (t >= finalStart[i]! - 250 && delistKind[i] === DELIST_DISTRESS) rm -= 0.003;
    const a0 = adj[i]!;
    if (suspended) {
      carry[i] = Math.max(-0.9, (1 + carry[i]!) * (1 + rm) - 1);
      const p = Math.round((prev * a0) * 1e6) / 1e6;
      open[k] = high[k] = low[k] = close[k] = pre_close[k] = p;
      pct_chg[k] = 0;
      volume[k] = 0;
      amount[k] = 0;
      turnover_rate[k] = Number.NaN;
      is_trading[k] = 0;
      suspendedRows++;
    } else {
      const R = Math.max(-0.95, (1 + carry[i]!) * (1 + rm) - 1);
      const age = listDay[i]! < 0 ? Number.POSITIVE_INFINITY : t - listDay[i]!;
      // The band only changes with ST, the ChiNext reform and in the first days: cache it.
      const key = stNow + (date >= CHINEXT_REFORM_DATE ? 2 : 0);
      let bandUpNow: number;
      let bandDownNow: number;
      if (age < 6 || bandKey[i] !== key) {
        const band = priceBand(boards[i]!, date, { st: stNow === 1, tradingDaysListed: age, listDate: listDate[i]! });
        bandUpNow = band.up;
        bandDownNow = band.down;
        bandKey[i] = age < 6 ? -1 : key;
        bandUp[i] = bandUpNow;
        bandDown[i] = bandDownNow;
      } else {
        bandUpNow = bandUp[i]!;
        bandDownNow = bandDown[i]!;
      }
      const limited = bandDownNow < 1;
      // limitPrice of @factorkit/data, inlined: round(pre_close × (1 ± band)) to the cent, half up.
      const preCents = Math.round(ref * 100);
      const upP = bandUpNow < 10 ? Math.floor((preCents * (10_000 + Math.round(bandUpNow * 10_000)) + 5000) / 10_000) / 100 : Number.POSITIVE_INFINITY;
      const dnP = limited ? Math.max(0.01, Math.floor((preCents * (10_000 - Math.round(bandDownNow * 10_000)) + 5000) / 10_000) / 100) : 0.01;
      const target = ref * (1 + R);
      let c: number;
      let hit = 0;
      if (target >= upP - 0.005) {
        c = upP;
        hit = 1;
      } else if (target <= dnP + 0.005 && limited) {
        c = dnP;
        hit = -1;
      } else c = Math.max(0.01, Math.round((target) * 100) / 100);
      carry[i] = hit === 0 ? 0 : target / c - 1;
      const onePrice = hit !== 0 && Math.abs(Math.log(target / c)) > 0.05;
      let o: number;
      let hi: number;
      let lo: number;
      const ret = c / ref - 1;
      if (onePrice) {
        o = hi = lo = c;
        onePriceDays++;
      } else {
        o = Math.min(upP, Math.max(dnP, Math.round((ref * (1 + 0.35 * ret + 0.45 * sig * zBuf[zb + 2]!)) * 100) / 100));
        hi = Math.min(upP, Math.round((Math.max(o, c) * (1 + 0.6 * sig * Math.abs(zBuf[zb + 3]!))) * 100) / 100);
        lo = Math.max(dnP, Math.round((Math.min(o, c) * (1 - 0.6 * sig * Math.abs(zBuf[zb + 4]!))) * 100) / 100);
      }
      if (hit === 1) limitUpCloses++;
      else if (hit === -1) limitDownCloses++;
      // Volume: baseline × market sentiment × persistent stock liquidity × size of the move.
      const at = 0.93 * aTurn[i]! + 0.12 * zBuf[zb + 5]!;
      aTurn[i] = at;
      let tau = fastExp(turnoverBase[i]! + sentiment + at + 0.3 * Math.min(3, Math.abs(ret) / sig) - 0.35);
      if (age === 0 && !(bandUpNow < 10)) tau = 45 + 35 * uBuf[ub + 2]!;
      else if (onePrice) tau *= 0.06;
      else if (hit !== 0) tau *= 0.8;
      tau = Math.min(tau, 90);
      const fl = floatShare[i]!;
      const vol = Math.max(100, Math.round((tau / 100) * (fl / 100)) * 100);
      const vwap = onePrice ? c : Math.min(hi, Math.max(lo, ((o + hi + lo + 2 * c) / 5) * (1 + 0.002 * zBuf[zb + 6]!)));
      open[k] = Math.round((o * a0) * 1e6) / 1e6;
      high[k] = Math.round((hi * a0) * 1e6) / 1e6;
      low[k] = Math.round((lo * a0) * 1e6) / 1e6;
      close[k] = Math.round((c * a0) * 1e6) / 1e6;
      pre_close[k] = Math.round((ref * a0) * 1e6) / 1e6;
      pct_chg[k] = Math.round((ret * 100) * 10_000) / 10_000;
      volume[k] = vol;
      amount[k] = Math.round((vol * vwap) * 100) / 100;
      turnover_rate[k] = Math.round(((vol / fl) * 100) * 1e6) / 1e6;
      is_trading[k] = 1;
      rawClose[i] = c;
      if (firstTrade[i]! < 0) firstTrade[i] = t;
      lastTrade[i] = t;
      // Research reports (not on suspended days).
      const lam = lambda[i]!;
      if (lam > 0 && uBuf[ub + 1]! < (t <= boostUntil[i]! ? Math.min(0.9, lam * 4) : lam)) {
        const kk = instPerm[i * nInst + arng.int(instUse[i]!)]!;
        reports.stock.push(i);
        reports.day.push(t);
        reports.institution.push(kk);
        const code = i * nInst + kk;
        if (lastRep[code]! < t - 62) covCount[i] = covCount[i]! + 1;
        lastRep[code] = t;
        if (t + 63 < T) (expiries[t + 63] ??= []).push(code);
      }
    }
    is_st[k] = stNow;
    if (stNow) stRows++;
  }
  stats.bonusIssues += bonusIssues;
  stats.dividends += dividends;
  stats.suspendedRows += suspendedRows;
  stats.onePriceDays += onePriceDays;
  stats.limitUpCloses += limitUpCloses;
  stats.limitDownCloses += limitDownCloses;
  stats.stRows += stRows;
}

/** One trading day, second pass: share counts, market values, valuation ratios, fundamental scale. */
export function stepValuation(S: Kernel, t: number, nAlive: number): void {
  const { N, adj, adj_factor, alive, circ_mv, eqLatest, floatShare, float_share, mTilde, pb_mrq, pe_ttm, ps_ttm, rawClose, totalShare, total_mv, total_share, ttmNp, ttmRev } = S;
  const base = (t & STAGE_MASK) * N;
  for (let a = 0; a < nAlive; a++) {
    const i = alive[a]!;
    const k = base + i;
    const mcap = rawClose[i]! * totalShare[i]!;
    adj_factor[k] = adj[i]!;
    total_share[k] = totalShare[i]!;
    float_share[k] = floatShare[i]!;
    total_mv[k] = Math.round((mcap) * 100) / 100;
    circ_mv[k] = Math.round((rawClose[i]! * floatShare[i]!) * 100) / 100;
    const tn = ttmNp[i]!;
    pe_ttm[k] = tn !== 0 && Number.isFinite(tn) ? roundRatio(mcap / tn) : Number.NaN;
    const eq = eqLatest[i]!;
    pb_mrq[k] = eq !== 0 && Number.isFinite(eq) ? roundRatio(mcap / eq) : Number.NaN;
    const tr = ttmRev[i]!;
    ps_ttm[k] = tr > 0 ? roundRatio(mcap / tr) : Number.NaN;
    mTilde[i] = mTilde[i]! + M_SMOOTH * (mcap - mTilde[i]!);
  }
}

/** One trading day, third pass: the rolling windows of the characteristics, over the stock's own rows. */
export function stepRolling(S: Kernel, t: number, nAlive: number): void {
  const { N, a60, alive, amount, il20, il240, in20, in240, is_trading, n20, n60, nMom, pct_chg, q60, ringIl, ringLr, ringR, ringTv, rowStart, s20, s60, sMom, tn20, tu20, turnover_rate } = S;
  const base = (t & STAGE_MASK) * N;
  for (let a = 0; a < nAlive; a++) {
    const i = alive[a]!;
    const k = base + i;
    const pos = t - rowStart[i]!;
    // From date-major rings (sequential across stocks).
    const r = pct_chg[k]! / 100;
    const lr = Math.log1p(r);
    const tv = turnover_rate[k]!;
    const il = is_trading[k] === 1 && amount[k]! > 0 ? Math.abs(r) / amount[k]! : Number.NaN;
    const slot = (t & RING_MASK) * N + i;
    ringLr[slot] = lr;
    ringR[slot] = r;
    ringTv[slot] = tv;
    ringIl[slot] = il;
    s20[i] = s20[i]! + lr;
    n20[i] = n20[i]! + 1;
    s60[i] = s60[i]! + lr;
    a60[i] = a60[i]! + r;
    q60[i] = q60[i]! + r * r;
    n60[i] = n60[i]! + 1;
    if (tv === tv) {
      tu20[i] = tu20[i]! + tv;
      tn20[i] = tn20[i]! + 1;
    }
    if (il === il) {
      il20[i] = il20[i]! + il;
      in20[i] = in20[i]! + 1;
      il240[i] = il240[i]! + il;
      in240[i] = in240[i]! + 1;
    }
    if (pos >= 20) {
      const o = ((t - 20) & RING_MASK) * N + i;
      const lrOld = ringLr[o]!;
      s20[i] = s20[i] - lrOld;
      n20[i] = n20[i] - 1;
      sMom[i] = sMom[i]! + lrOld;
      nMom[i] = nMom[i]! + 1;
      const tvo = ringTv[o]!;
      if (tvo === tvo) {
        tu20[i] = tu20[i]! - tvo;
        tn20[i] = tn20[i]! - 1;
      }
      const ilo = ringIl[o]!;
      if (ilo === ilo) {
        il20[i] = il20[i]! - ilo;
        in20[i] = in20[i]! - 1;
      }
    }
    if (pos >= 60) {
      const o = ((t - 60) & RING_MASK) * N + i;
      const old = ringR[o]!;
      s60[i] = s60[i] - ringLr[o]!;
      a60[i] = a60[i] - old;
      q60[i] = q60[i] - old * old;
      n60[i] = n60[i] - 1;
    }
    if (pos >= 240) {
      const ilo = ringIl[((t - 240) & RING_MASK) * N + i]!;
      if (ilo === ilo) {
        il240[i] = il240[i]! - ilo;
        in240[i] = in240[i]! - 1;
      }
    }
    if (pos >= 250) {
      sMom[i] = sMom[i]! - ringLr[((t - 250) & RING_MASK) * N + i]!;
      nMom[i] = nMom[i]! - 1;
    }
  }
}

/** End of day: characteristics → standardised exposures X for tomorrow's returns. */
export function computeExposures(S: Kernel, nAlive: number): void {
const { alive, rawClose, totalShare, ttmNp, eqLatest, consNp0, growth, nMom, sMom, n60, s60, q60, a60, n20, s20, tn20, tu20, in20, il20, in240, il240, covCount, payKnown, revision, C } = S;
  for (let a = 0; a < nAlive; a++) {
    const i = alive[a]!;
    const b = i * K;
    const mcap = rawClose[i]! * totalShare[i]!;
    C[b + F.ep] = ttmNp[i]! / mcap;
    C[b + F.bp] = eqLatest[i]! / mcap;
    C[b + F.eep] = consNp0[i]! / mcap;
    C[b + F.growth] = growth[i]!;
    C[b + F.mom] = nMom[i]! >= 184 ? Math.expm1(sMom[i]!) : Number.NaN;
    C[b + F.rev3] = n60[i]! >= 48 ? Math.expm1(s60[i]!) : Number.NaN;
    C[b + F.rev1] = n20[i]! >= 16 ? Math.expm1(s20[i]!) : Number.NaN;
    const n = n60[i]!;
    const variance = n >= 48 ? (q60[i]! - (a60[i]! * a60[i]!) / n) / (n - 1) : Number.NaN;
    C[b + F.vol] = variance > 0 ? 0.5 * Math.log(variance) : Number.NaN;
    C[b + F.turn] = tn20[i]! >= 10 && tu20[i]! > 0 ? Math.log(tu20[i]! / tn20[i]!) : Number.NaN;
    C[b + F.illiq] =
      in20[i]! >= 10 && in240[i]! >= 120 && il20[i]! > 0 && il240[i]! > 0 ? Math.log(il20[i]! / in20[i]! / (il240[i]! / in240[i]!)) : Number.NaN;
    C[b + F.size] = Math.log(mcap);
    C[b + F.coverage] = Math.log1p(covCount[i]!);
    C[b + F.pay] = Math.log(payKnown[i]!);
    C[b + F.revision] = revision[i]!;
  }
  neutralise(S, F.coverage, nAlive);
  neutralise(S, F.pay, nAlive);
  for (let j = 0; j < K; j++) standardise(S, j, nAlive);
  // Cap-weighted mean exposures: the style returns are made neutral for the market portfolio.
  const { X, xbar } = S;
  xbar.fill(0);
  let capSum = 0;
  for (let a = 0; a < nAlive; a++) {
    const i = alive[a]!;
    const cap = rawClose[i]! * totalShare[i]!;
    capSum += cap;
    for (let j = 0; j < K; j++) xbar[j] = xbar[j]! + cap * X[i * K + j]!;
  }
  for (let j = 0; j < K; j++) xbar[j] = capSum > 0 ? xbar[j]! / capSum : 0;
}

/** Replace characteristic j by its residual of an OLS on size (log total market cap). */
export function neutralise(S: Kernel, j: number, nAlive: number): void {
const { alive, C } = S;
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let a = 0; a < nAlive; a++) {
    const b = alive[a]! * K;
    const y = C[b + j]!;
    const x = C[b + F.size]!;
    if (!Number.isFinite(y) || !Number.isFinite(x)) continue;
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  if (n < 3) return;
  const vx = sxx - (sx * sx) / n;
  const slope = vx > 0 ? (sxy - (sx * sy) / n) / vx : 0;
  const intercept = (sy - slope * sx) / n;
  for (let a = 0; a < nAlive; a++) {
    const b = alive[a]! * K;
    C[b + j] = C[b + j]! - intercept - slope * C[b + F.size]!;
  }
}

/** Winsorised z-score of characteristic j into X (missing → 0). */
export function standardise(S: Kernel, j: number, nAlive: number): void {
const { alive, C, X } = S;
  let n = 0;
  let s = 0;
  let ss = 0;
  for (let a = 0; a < nAlive; a++) {
    const v = C[alive[a]! * K + j]!;
    if (v - v === 0) {
      n++;
      s += v;
      ss += v * v;
    }
  }
  if (n < 3) {
    for (let a = 0; a < nAlive; a++) X[alive[a]! * K + j] = 0;
    return;
  }
  let mean = s / n;
  let sd = Math.sqrt(Math.max(0, ss / n - mean * mean));
  const lo = mean - 3 * sd;
  const hi = mean + 3 * sd;
  s = 0;
  ss = 0;
  for (let a = 0; a < nAlive; a++) {
    const v = C[alive[a]! * K + j]!;
    if (v - v === 0) {
      const c = v < lo ? lo : v > hi ? hi : v;
      s += c;
      ss += c * c;
    }
  }
  mean = s / n;
  sd = Math.sqrt(Math.max(0, ss / n - mean * mean));
  const inv = sd > 0 ? 1 / sd : 0;
  for (let a = 0; a < nAlive; a++) {
    const b = alive[a]! * K + j;
    const v = C[b]!;
    X[b] = v - v === 0 ? ((v < lo ? lo : v > hi ? hi : v) - mean) * inv : 0;
  }
}

/** The daily columns, by name (the staging block and the final rows share these names). */
export const DAILY_COLUMNS = [
  'open',
  'high',
  'low',
  'close',
  'pre_close',
  'pct_chg',
  'volume',
  'amount',
  'turnover_rate',
  'is_trading',
  'is_st',
  'pe_ttm',
  'pb_mrq',
  'ps_ttm',
  'adj_factor',
  'total_share',
  'float_share',
  'total_mv',
  'circ_mv',
] as const;

/** Move staged days `t0 … t1` (within one staging block) into the stock-major rows. */
export function flushStage(
  stage: Readonly<Record<(typeof DAILY_COLUMNS)[number], Float64Array>>,
  out: Readonly<Record<(typeof DAILY_COLUMNS)[number], Float64Array>>,
  N: number,
  rowStart: Int32Array,
  rowEnd: Int32Array,
  rowOffset: Int32Array,
  t0: number,
  t1: number,
): void {
  for (const name of DAILY_COLUMNS) {
    const s = stage[name];
    const o = out[name];
    for (let i = 0; i < N; i++) {
      const a = Math.max(t0, rowStart[i]!);
      const b = Math.min(t1, rowEnd[i]! - 1);
      let k = rowOffset[i]! + a - rowStart[i]!;
      for (let d = a; d <= b; d++) o[k++] = s[(d & STAGE_MASK) * N + i]!;
    }
  }
}
