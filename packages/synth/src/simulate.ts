/**
 * The day-by-day simulation of the stock market: the factor model of returns, price limits,
 * suspensions, ST, corporate actions, trading volume, quarterly fundamentals with
 * point-in-time announcements, analyst reports and consensus, executive pay, and the planted
 * characteristics that drive expected returns. Everything is column-wise on typed arrays. The
 * per-stock work of a day runs in the kernels of `kernel.ts`; each day's `daily` values are
 * staged date-major and moved into stock-major rows (each stock's rows contiguous) every 64 days.
 */
import type { Board } from '@factorkit/data';
import { DAILY_COLUMNS, NORMALS_PER_STOCK, STAGE_MASK, UNIFORMS_PER_STOCK, computeExposures, flushStage, type Kernel, RING_MASK, stepRolling, stepStocks, stepValuation } from './kernel.js';
import { K, PLANTED_FACTORS } from './model.js';
import { INDUSTRIES, INSTITUTIONS } from './reference.js';
import { Rng, STREAM } from './rng.js';
import { DELIST_DISTRESS, type Universe } from './universe.js';
import { ceilIndex, floorIndex, monthOf, quarterOfDate, round2, round4, round6, yearOf } from './util.js';

/** Inputs of {@link simulate}. */
export interface SimConfig {
  readonly seed: number;
  readonly u: Universe;
  /** The data calendar. */
  readonly dates: Int32Array;
  /** An extended calendar: `baseYear`-01-01 … two years after the data (report dates live there). */
  readonly ext: Int32Array;
  /** `ext` index of `dates[0]`. */
  readonly off: number;
  /** Quarter 0 is Q1 of this year. */
  readonly baseYear: number;
  /** Keep month-end exposure snapshots in the truth. */
  readonly snapshots: boolean;
}

/** The `daily` table's numeric columns, stock-major. */
export interface DailyColumns {
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
}

/** Row layout of the daily table: stock `i` owns rows `rowOffset[i] + (t − rowStart[i])` for `rowStart[i] ≤ t < rowEnd[i]`. */
export interface RowLayout {
  readonly rows: number;
  readonly rowStart: Int32Array;
  readonly rowEnd: Int32Array;
  readonly rowOffset: Int32Array;
}

/** Quarterly reports (fina rows), one entry per published version. */
export interface FinaRows {
  stock: number[];
  quarter: number[];
  annExt: number[];
  kind: number[];
  netProfit: number[];
  npParent: number[];
  opProfit: number[];
  revenue: number[];
  equity: number[];
  assets: number[];
  liab: number[];
  epsTtm: number[];
  roe: number[];
  totalShare: number[];
  floatShare: number[];
}

export interface ConsensusRows {
  stock: number[];
  day: number[];
  fiscalYear: number[];
  netProfit: number[];
  eps: number[];
  bps: number[];
  equity: number[];
  analysts: number[];
}

export interface ExecPayRows {
  stock: number[];
  annExt: number[];
  fiscalYear: number[];
  pay: number[];
}

export interface ReportRows {
  stock: number[];
  day: number[];
  institution: number[];
}

/** Counts of notable events, for the truth and the README. */
export interface SimStats {
  limitUpCloses: number;
  limitDownCloses: number;
  onePriceDays: number;
  suspendedRows: number;
  stRows: number;
  dividends: number;
  bonusIssues: number;
  lateReports: number;
  restatements: number;
}

export interface SimResult {
  readonly layout: RowLayout;
  readonly daily: DailyColumns;
  /** First / last data day with a trading row (−1 when none). */
  readonly firstTrade: Int32Array;
  readonly lastTrade: Int32Array;
  readonly fina: FinaRows;
  readonly consensus: ConsensusRows;
  readonly execPay: ExecPayRows;
  readonly reports: ReportRows;
  /** Market factor return per day. */
  readonly market: Float64Array;
  /** Industry factor returns, day-major (`t × industries + k`). */
  readonly industryReturns: Float64Array;
  /** Planted factor returns, factor-major (`j × T + t`). */
  readonly factorReturns: Float64Array;
  /** Month-end exposure snapshots: data days, and per factor a day-major `M × N` array (NaN = not listed). */
  readonly snapshotDays: number[];
  readonly snapshotValues: Float64Array[];
  readonly stats: SimStats;
}

// Market: GARCH(1,1) with Student-t(5) shocks around a small drift.
const MU_M = 0.0003;
const SIGMA_M = 0.014;
const GARCH_A = 0.08;
const GARCH_B = 0.9;
const GARCH_W = SIGMA_M * SIGMA_M * (1 - GARCH_A - GARCH_B);
const SIGMA_IND = 0.0075;
/** Revenue seasonality by fiscal quarter (sums to 1). */
const SEASON = [0.22, 0.245, 0.25, 0.285] as const;
/** Quarterly persistence of margin shocks. */
const PHI = 0.7;
const CONS_BIAS = 0.05;

const BOARD_OF: Readonly<Record<string, Board>> = { main: 'main', chinext: 'chinext', star: 'star', bse: 'bse' };

/** Run the simulation. */
export function simulate(config: SimConfig): SimResult {
  const { u, dates, ext, off, baseYear, seed } = config;
  const N = u.n;
  const T = dates.length;
  const nInd = INDUSTRIES.length;
  const nInst = INSTITUTIONS.length;
  const Qn = (yearOf(ext[ext.length - 1]!) - baseYear + 1) * 4;

  const mrng = new Rng(seed, STREAM.market);
  const drng = new Rng(seed, STREAM.daily);
  const frng = new Rng(seed, STREAM.fundamentals);
  const erng = new Rng(seed, STREAM.events);
  const arng = new Rng(seed, STREAM.analysts);
  const crng = new Rng(seed, STREAM.consensus);
  const irng = new Rng(seed, STREAM.ipo);

  // ---------- row layout ----------
  const rowStart = new Int32Array(N);
  const rowEnd = new Int32Array(N);
  const rowOffset = new Int32Array(N);
  let rows = 0;
  for (let i = 0; i < N; i++) {
    rowStart[i] = Math.max(0, u.listDay[i]!);
    rowEnd[i] = Math.max(rowStart[i]!, u.delistDay[i]!);
    rowOffset[i] = rows;
    rows += rowEnd[i]! - rowStart[i]!;
  }
  const col = (): Float64Array => new Float64Array(rows);
  const daily: DailyColumns = {
    open: col(),
    high: col(),
    low: col(),
    close: col(),
    pre_close: col(),
    pct_chg: col(),
    volume: col(),
    amount: col(),
    turnover_rate: col(),
    is_trading: col(),
    is_st: col(),
    pe_ttm: col(),
    pb_mrq: col(),
    ps_ttm: col(),
    adj_factor: col(),
    total_share: col(),
    float_share: col(),
    total_mv: col(),
    circ_mv: col(),
  };

  // ---------- per-stock state ----------
  const f64 = (fill = 0): Float64Array => new Float64Array(N).fill(fill);
  const rawClose = f64();
  const adj = f64(1);
  const totalShare = f64();
  const floatFrac = f64();
  const floatShare = f64();
  const carry = f64();
  const mTilde = f64();
  const aTurn = f64();
  const annJump = f64();
  const suspUntil = new Int32Array(N);
  const stRule = new Uint8Array(N);
  const stOther = new Int32Array(N);
  const pendDps = f64(Number.NaN);
  const pendBonus = f64();
  const divPaid = f64();
  const raised = f64();
  const firstTrade = new Int32Array(N).fill(-1);
  const lastTrade = new Int32Array(N).fill(-1);
  const boards: Board[] = u.board.map((b) => BOARD_OF[b]!);
  // rolling windows
  const s20 = f64();
  const n20 = new Int32Array(N);
  const s60 = f64();
  const a60 = f64();
  const q60 = f64();
  const n60 = new Int32Array(N);
  const sMom = f64();
  const nMom = new Int32Array(N);
  const tu20 = f64();
  const tn20 = new Int32Array(N);
  const il20 = f64();
  const in20 = new Int32Array(N);
  const il240 = f64();
  const in240 = new Int32Array(N);
  // fundamentals known point in time
  const ttmNp = f64(Number.NaN);
  const ttmRev = f64(Number.NaN);
  const eqLatest = f64(Number.NaN);
  const growth = f64(Number.NaN);
  const payKnown = f64(Number.NaN);
  const latestQ = new Int32Array(N).fill(-1);
  const pendingQ1Ann = new Int32Array(N).fill(-1);
  // analysts
  const lambda = f64();
  const boostUntil = new Int32Array(N).fill(-1);
  const covCount = new Int32Array(N);
  const lastRep = new Int32Array(N * nInst).fill(-1_000_000);
  const instPerm = new Uint8Array(N * nInst);
  const instUse = new Int32Array(N).fill(1);
  const consNp0 = f64(Number.NaN);
  const revision = f64(Number.NaN);
  const consErr = new Float64Array(N * 2);

  // ---------- quarterly fundamentals ----------
  const QN = N * Qn;
  const nan = (): Float64Array => new Float64Array(QN).fill(Number.NaN);
  const mShock = new Float64Array(QN);
  const mEta = new Float64Array(QN);
  const npQ = nan();
  const revQ = nan();
  const opQ = nan();
  const eqEnd = nan();
  const knownNp = nan();
  const knownRev = nan();
  const knownEq = nan();
  for (let i = 0; i < N; i++) {
    const s = u.marginVol[i]!;
    let x = (s / Math.sqrt(1 - PHI * PHI)) * frng.normal();
    for (let q = 0; q < Qn; q++) {
      const eta = frng.normal();
      x = q === 0 ? x : PHI * x + s * eta;
      mShock[i * Qn + q] = x;
      mEta[i * Qn + q] = eta;
    }
  }
  // Distressed delisters: a negative margin regime from about 2.4 years before their last trade.
  const finalStart = new Int32Array(N);
  const distressQ = new Int32Array(N).fill(Qn);
  for (let i = 0; i < N; i++) {
    finalStart[i] = u.delistDay[i]! < T ? rowEnd[i]! - u.finalSuspension[i]! : T;
    if (u.delistKind[i] === DELIST_DISTRESS) distressQ[i] = quarterOfDate(ext[Math.max(0, off + finalStart[i]! - 600)]!, baseYear);
  }
  const marginBase = (i: number, q: number): number => (q >= distressQ[i]! ? -0.5 * Math.abs(u.margin[i]!) - 0.04 : u.margin[i]!);

  const fina: FinaRows = {
    stock: [],
    quarter: [],
    annExt: [],
    kind: [],
    netProfit: [],
    npParent: [],
    opProfit: [],
    revenue: [],
    equity: [],
    assets: [],
    liab: [],
    epsTtm: [],
    roe: [],
    totalShare: [],
    floatShare: [],
  };
  const consensus: ConsensusRows = { stock: [], day: [], fiscalYear: [], netProfit: [], eps: [], bps: [], equity: [], analysts: [] };
  const execPay: ExecPayRows = { stock: [], annExt: [], fiscalYear: [], pay: [] };
  const reports: ReportRows = { stock: [], day: [], institution: [] };
  const stats: SimStats = {
    limitUpCloses: 0,
    limitDownCloses: 0,
    onePriceDays: 0,
    suspendedRows: 0,
    stRows: 0,
    dividends: 0,
    bonusIssues: 0,
    lateReports: 0,
    restatements: 0,
  };

  // ---------- event buckets (per data day) ----------
  const bucket = (): (number[] | undefined)[] => new Array<number[] | undefined>(T);
  const push = (b: (number[] | undefined)[], day: number, ...values: number[]): void => {
    if (day < 0 || day >= T) return;
    const list = b[day] ?? (b[day] = []);
    for (const v of values) list.push(v);
  };
  const annEvents = bucket();
  const exEvents = bucket();
  const exDps: number[] = [];
  const exBonus: number[] = [];
  const exStock: number[] = [];
  const stEvents = bucket();
  const suspEvents = bucket();
  const unlockEvents = bucket();
  const unlockFrac: number[] = [];
  const listEvents = bucket();
  const expiries = bucket();
  const preStart: number[] = [];

  const ST_RULE_ON = 0;
  const ST_RULE_OFF = 1;
  const ST_OTHER_ON = 2;
  const ST_OTHER_OFF = 3;

  // ---------- report dates ----------
  const dateAdd = (date: number, days: number): number => {
    const d = new Date(Date.UTC(yearOf(date), monthOf(date) - 1, date % 100 + days));
    return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
  };
  /** ext index of the announcement of stock i's report for quarter q. */
  const drawAnnExt = (i: number, q: number): number => {
    const year = baseYear + Math.floor(q / 4);
    const qq = q % 4;
    const deadline = qq === 0 ? year * 10_000 + 430 : qq === 1 ? year * 10_000 + 831 : qq === 2 ? year * 10_000 + 1031 : (year + 1) * 10_000 + 430;
    if (qq === 0 && pendingQ1Ann[i]! >= 0) {
      const e = pendingQ1Ann[i]!;
      pendingQ1Ann[i] = -1;
      if (yearOf(ext[e]!) === year) return e;
    }
    const v = frng.float();
    if (frng.chance(0.01)) {
      stats.lateReports++;
      return Math.min(ext.length - 1, ceilIndex(ext, dateAdd(deadline, 1 + frng.int(45))));
    }
    let back: number;
    if (qq === 3 && frng.chance(0.35)) {
      // Published together with next year's Q1 report.
      const e = floorIndex(ext, dateAdd(deadline, -Math.floor(10 * v * v)));
      pendingQ1Ann[i] = e;
      return e;
    }
    if (qq === 0) back = Math.floor(22 * v * v);
    else if (qq === 1) back = Math.floor(48 * v ** 1.5);
    else if (qq === 2) back = Math.floor(20 * v * v);
    else back = Math.floor(100 * v ** 1.3);
    return floorIndex(ext, dateAdd(deadline, -back));
  };

  const addReport = (
    i: number,
    q: number,
    annExt: number,
    kind: number,
    np: number,
    npPar: number,
    op: number,
    rev: number,
    eq: number,
    assets: number,
    liab: number,
    eps: number,
    roe: number,
    shares: number,
    floatSh: number,
  ): void => {
    const id = fina.stock.length;
    fina.stock.push(i);
    fina.quarter.push(q);
    fina.annExt.push(annExt);
    fina.kind.push(kind);
    fina.netProfit.push(round2(np));
    fina.npParent.push(round2(npPar));
    fina.opProfit.push(round2(op));
    fina.revenue.push(round2(rev));
    fina.equity.push(round2(eq));
    fina.assets.push(round2(assets));
    fina.liab.push(round2(liab));
    fina.epsTtm.push(Number.isFinite(eps) ? round4(eps) : Number.NaN);
    fina.roe.push(Number.isFinite(roe) ? round6(roe) : Number.NaN);
    fina.totalShare.push(shares);
    fina.floatShare.push(floatSh);
    const day = annExt - off;
    if (day < 0) preStart.push(id);
    else if (day < T) push(annEvents, day, id);
  };

  /** Generate stock i's report for quarter q (true values, first version, maybe a restatement). */
  const makeQuarter = (i: number, q: number, Mt: number, kind: number, annOverride: number): void => {
    const idx = i * Qn + q;
    const revenue = Mt * u.salesYield[i]! * SEASON[q % 4]! * Math.exp(0.04 * frng.normal());
    const margin = marginBase(i, q) + mShock[idx]!;
    const np = revenue * margin;
    const npPar = np * u.parentShare[i]!;
    const op = np > 0 ? np / (1 - u.taxRate[i]!) : np * 1.05;
    const prevEq = q > 0 && !Number.isNaN(eqEnd[idx - 1]!) ? eqEnd[idx - 1]! : Mt * u.bookYield[i]!;
    const eq = prevEq + npPar - divPaid[i]! + raised[i]!;
    divPaid[i] = 0;
    raised[i] = 0;
    npQ[idx] = npPar;
    revQ[idx] = revenue;
    eqEnd[idx] = eq;
    // Histories start on a Q1, so every year-to-date sum has all its quarters.
    const first = q - (q % 4);
    let npYtd = 0;
    let revYtd = 0;
    let opYtd = 0;
    for (let j = first; j < q; j++) {
      npYtd += npQ[i * Qn + j]!;
      revYtd += revQ[i * Qn + j]!;
      opYtd += opQ[i * Qn + j]!;
    }
    npYtd += npPar;
    revYtd += revenue;
    opYtd += op;
    opQ[idx] = op;
    const npTotYtd = npYtd / u.parentShare[i]!;
    let ttm = 0;
    for (let j = q - 3; j <= q; j++) ttm += j >= 0 ? npQ[i * Qn + j]! : Number.NaN;
    const shares = totalShare[i]! > 0 ? totalShare[i]! : u.totalShare0[i]!;
    const floatSh = floatShare[i]! > 0 ? floatShare[i]! : Math.round(u.totalShare0[i]! * u.floatFrac0[i]!);
    const prevQ4 = first - 1;
    const eq0 = prevQ4 >= 0 ? eqEnd[i * Qn + prevQ4]! : Number.NaN;
    const roe = eq0 > 0 && eq > 0 ? npYtd / ((eq0 + eq) / 2) : Number.NaN;
    const totalEq = eq / u.parentShare[i]!;
    const assets = Math.max(totalEq, 0) / (1 - u.leverage[i]!) + Math.max(0, -totalEq) * 2;
    const liab = assets - totalEq;
    const annExt = annOverride >= 0 ? annOverride : drawAnnExt(i, q);
    addReport(i, q, annExt, kind, npTotYtd, npYtd, opYtd, revYtd, eq, assets, liab, ttm / shares, roe, shares, floatSh);
    if (kind === 0 && frng.chance(0.015)) {
      // A restatement: same period, published later, revised figures.
      const k = 1 + 0.08 * frng.normal();
      const kr = 1 + 0.03 * frng.normal();
      const later = Math.min(ext.length - 1, ceilIndex(ext, dateAdd(ext[annExt]!, 40 + frng.int(360))));
      const dEq = npYtd * (k - 1);
      stats.restatements++;
      addReport(
        i,
        q,
        later,
        1,
        npTotYtd * k,
        npYtd * k,
        opYtd * k,
        revYtd * kr,
        eq + dEq,
        assets + dEq,
        liab,
        (ttm + dEq) / shares,
        eq0 > 0 ? (npYtd * k) / ((eq0 + eq + dEq) / 2) : Number.NaN,
        shares,
        floatSh,
      );
    }
  };

  /** Recompute stock i's point-in-time TTM profit, TTM revenue, equity and growth from its known reports. */
  const refreshFundamentals = (i: number): void => {
    const q = latestQ[i]!;
    const base = i * Qn;
    const ytd = (a: Float64Array, j: number): number => (j >= 0 ? a[base + j]! : Number.NaN);
    const qq = q % 4;
    const ttm = (a: Float64Array): number => (qq === 3 ? ytd(a, q) : ytd(a, q) + ytd(a, q - qq - 1) - ytd(a, q - 4));
    ttmNp[i] = ttm(knownNp);
    ttmRev[i] = ttm(knownRev);
    eqLatest[i] = ytd(knownEq, q);
    const single = (j: number): number => (j % 4 === 0 ? ytd(knownNp, j) : ytd(knownNp, j) - ytd(knownNp, j - 1));
    const now = single(q);
    const before = q >= 4 ? single(q - 4) : Number.NaN;
    growth[i] = before !== 0 ? (now - before) / Math.abs(before) : Number.NaN;
  };

  /** Apply a published report (t: data day, negative before the data). */
  const publish = (id: number, t: number): void => {
    const i = fina.stock[id]!;
    const q = fina.quarter[id]!;
    const kind = fina.kind[id]!;
    const idx = i * Qn + q;
    knownNp[idx] = fina.npParent[id]!;
    knownRev[idx] = fina.revenue[id]!;
    knownEq[idx] = fina.equity[id]!;
    if (q > latestQ[i]!) latestQ[i] = q;
    refreshFundamentals(i);
    if (kind !== 0) return;
    if (t >= 0) {
      annJump[i] = annJump[i]! + 0.02 * mEta[idx]!;
      boostUntil[i] = t + 5;
    }
    if (q % 4 !== 3) return;
    const annual = fina.npParent[id]!;
    const before = q >= 4 ? knownNp[idx - 4]! : Number.NaN;
    if (annual < 0 && before < 0 && stRule[i] === 0) {
      if (t < 0) stRule[i] = 1;
      else push(stEvents, t + 1, i * 4 + ST_RULE_ON);
    } else if (annual >= 0 && stRule[i] === 1) {
      if (t < 0) stRule[i] = 0;
      else push(stEvents, t + 5 + erng.int(25), i * 4 + ST_RULE_OFF);
    }
    // Executive pay, published in the annual report.
    const scale = Math.log(Math.max(mTilde[i]!, 1e8) / 5e9);
    const pay = Math.round(Math.exp(Math.log(3.2e6) + 0.22 * scale + 0.45 * u.payLevel[i]! + 0.15 * erng.normal()) / 100) * 100;
    execPay.stock.push(i);
    execPay.annExt.push(fina.annExt[id]!);
    execPay.fiscalYear.push(baseYear + Math.floor(q / 4));
    execPay.pay.push(pay);
    payKnown[i] = pay;
    // Cash dividend (and sometimes bonus shares) out of a profitable year.
    if (t >= 0 && annual > 0 && u.payout[i]! > 0) {
      const dps = Math.floor(((u.payout[i]! * annual) / totalShare[i]!) * 1000) / 1000;
      const exDay = t + 20 + erng.int(40);
      if (dps >= 0.001 && exDay < finalStart[i]! - 5) {
        const bonus = rawClose[i]! > 12 && erng.chance(0.07) ? [0.2, 0.3, 0.5, 0.8, 1][erng.int(5)]! : 0;
        const exId = exDps.length;
        exDps.push(Math.min(dps, rawClose[i]! * 0.2));
        exBonus.push(bonus);
        push(exEvents, exDay, exId);
        exStock.push(i);
      }
    }
  };

  // ---------- listing state ----------
  const initStock = (i: number, t: number): void => {
    rawClose[i] = u.price0[i]!;
    adj[i] = u.adj0[i]!;
    totalShare[i] = u.totalShare0[i]!;
    floatFrac[i] = u.floatFrac0[i]!;
    floatShare[i] = Math.round(totalShare[i] * floatFrac[i]);
    mTilde[i] = u.mcap0[i]!;
    aTurn[i] = (0.12 / Math.sqrt(1 - 0.93 * 0.93)) * irng.normal();
    const list = u.listDay[i]!;
    if (list >= 0) {
      carry[i] = Math.exp(u.ipoGap[i]!) - 1;
      raised[i] = u.price0[i]! * totalShare[i] * 0.25;
      // Prospectus: eight quarters of history, published on the listing day.
      const qL = quarterOfDate(dates[list]!, baseYear);
      const firstQ = Math.max(0, qL - 8 - (qL % 4));
      for (let q = firstQ; q < qL; q++) makeQuarter(i, q, u.mcap0[i]! * 0.5 * Math.exp(-0.04 * (qL - q)), 2, off + t);
    }
    // Covering institutions: a popularity-weighted order of its own.
    const weights = INSTITUTIONS.map((_, k) => 1 / (k + 4) ** 0.7);
    let total = weights.reduce((a, b) => a + b, 0);
    for (let r = 0; r < nInst; r++) {
      const k = arng.weighted(weights, total);
      instPerm[i * nInst + r] = k;
      total -= weights[k]!;
      weights[k] = 0;
    }
  };

  // ---------- pre-draw suspensions, ST episodes, unlocks, listings ----------
  for (let i = 0; i < N; i++) {
    const start = rowStart[i]!;
    const end = finalStart[i]!;
    if (u.listDay[i]! >= 0) push(listEvents, u.listDay[i]!, i);
    let d = u.listDay[i]! < 0 && erng.chance(0.01) ? 0 : start + 10 + Math.floor(erng.exponential() * 2000);
    while (d < end) {
      const v = erng.float();
      const len = v < 0.65 ? 1 : v < 0.9 ? 2 + erng.int(8) : 10 + erng.int(110);
      push(suspEvents, d, i, Math.min(len, end - d));
      d += len + 5 + Math.floor(erng.exponential() * 2000);
    }
    if (u.delistDay[i]! < T) push(suspEvents, end, i, rowEnd[i]! - end);
    if (u.delistKind[i] === DELIST_DISTRESS) push(stEvents, Math.max(start, end - 280), i * 4 + ST_OTHER_ON);
    let s = start + Math.floor(erng.exponential() * 60_000);
    while (s < end) {
      const len = 120 + erng.int(280);
      push(stEvents, s, i * 4 + ST_OTHER_ON);
      push(stEvents, s + len, i * 4 + ST_OTHER_OFF);
      s += len + Math.floor(erng.exponential() * 60_000);
    }
    if (u.listDay[i]! >= 0) {
      const f0 = u.floatFrac0[i]!;
      const f1 = f0 + (1 - f0) * erng.uniform(0.3, 0.6);
      unlockFrac.push(f1);
      push(unlockEvents, u.listDay[i]! + 250, i, unlockFrac.length - 1);
      unlockFrac.push(erng.uniform(0.9, 1));
      push(unlockEvents, u.listDay[i]! + 750, i, unlockFrac.length - 1);
    } else if (u.floatFrac0[i]! < 1 && erng.chance(0.3)) {
      unlockFrac.push(Math.min(1, u.floatFrac0[i]! + erng.uniform(0.05, 0.25)));
      push(unlockEvents, erng.int(T), i, unlockFrac.length - 1);
    }
  }

  // ---------- history before the data ----------
  const qStart = quarterOfDate(dates[0]!, baseYear);
  for (let i = 0; i < N; i++) {
    if (u.listDay[i]! >= 0) continue;
    initStock(i, 0);
    const path = new Float64Array(qStart);
    let w = 0;
    for (let q = qStart - 1; q >= 0; q--) {
      w += 0.1 * frng.normal();
      path[q] = u.mcap0[i]! * Math.exp(-0.02 * (qStart - q) + w);
    }
    mTilde[i] = path[Math.max(0, qStart - 1)]!;
    // Reports dated before the IPO are moved to the listing date (a prospectus).
    const listedExt = ceilIndex(ext, u.listDate[i]!);
    for (let q = 0; q < qStart; q++) {
      mTilde[i] = path[q]!;
      const ann = drawAnnExt(i, q);
      makeQuarter(i, q, path[q]!, ann < listedExt ? 2 : 0, Math.max(ann, listedExt));
    }
    mTilde[i] = u.mcap0[i]!;
  }
  preStart.sort((a, b) => fina.annExt[a]! - fina.annExt[b]! || a - b);
  for (const id of preStart) publish(id, fina.annExt[id]! - off);

  // ---------- the daily loop ----------
  const market = new Float64Array(T);
  const industryReturns = new Float64Array(T * nInd);
  const factorReturns = new Float64Array(K * T);
  const mu = PLANTED_FACTORS.map((p) => p.premiumMonthly / 21);
  const fvol = PLANTED_FACTORS.map((p) => p.volDaily);
  const f = new Float64Array(K);
  const indRet = new Float64Array(nInd);
  const X = new Float64Array(N * K);
  const C = new Float64Array(N * K);
  const alive = new Int32Array(N);
  const monthEnd = new Uint8Array(T);
  let nMonths = 0;
  for (let t = 0; t < T; t++) {
    if (monthOf(ext[off + t + 1]!) !== monthOf(dates[t]!)) {
      monthEnd[t] = 1;
      nMonths++;
    }
  }
  const snapshotDays: number[] = [];
  const snapshotValues = config.snapshots ? PLANTED_FACTORS.map(() => new Float64Array(nMonths * N)) : [];
  const consSnaps: Float64Array[] = [];
  const consYears: number[] = [];
  let h = SIGMA_M * SIGMA_M;
  let sentiment = 0;
  const stage = Object.fromEntries(DAILY_COLUMNS.map((name) => [name, new Float64Array((STAGE_MASK + 1) * N)])) as unknown as DailyColumns;
  const kernel: Kernel = {
    T,
    u,
    boards,
    alive,
    rowStart,
    rowOffset,
    finalStart,
    zBuf: new Float64Array(N * NORMALS_PER_STOCK),
    uBuf: new Float64Array(N * UNIFORMS_PER_STOCK),
    arng,
    stats,
    reports,
    expiries,
    nInst,
    X,
    C,
    xbar: new Float64Array(K),
    f,
    indRet,
    ...stage,
    N,
    ringLr: new Float64Array((RING_MASK + 1) * N),
    ringR: new Float64Array((RING_MASK + 1) * N),
    ringTv: new Float64Array((RING_MASK + 1) * N),
    ringIl: new Float64Array((RING_MASK + 1) * N),
    rawClose,
    adj,
    totalShare,
    floatFrac,
    floatShare,
    carry,
    mTilde,
    aTurn,
    annJump,
    suspUntil,
    stRule,
    stOther,
    pendDps,
    pendBonus,
    divPaid,
    firstTrade,
    lastTrade,
    bandKey: new Int32Array(N).fill(-1),
    bandUp: f64(),
    bandDown: f64(),
    s20,
    n20,
    s60,
    a60,
    q60,
    n60,
    sMom,
    nMom,
    tu20,
    tn20,
    il20,
    in20,
    il240,
    in240,
    ttmNp,
    ttmRev,
    eqLatest,
    growth,
    payKnown,
    lambda,
    boostUntil,
    covCount,
    lastRep,
    instPerm,
    instUse,
    consNp0,
    revision,
  };

  for (let t = 0; t < T; t++) {
    const date = dates[t]!;
    // Market, industry and factor returns of the day.
    const hScale = h / (SIGMA_M * SIGMA_M);
    const m = MU_M + Math.sqrt(h) * mrng.studentT(5);
    h = GARCH_W + GARCH_A * (m - MU_M) * (m - MU_M) + GARCH_B * h;
    market[t] = m;
    const indVol = SIGMA_IND * Math.sqrt(Math.sqrt(hScale));
    for (let k = 0; k < nInd; k++) industryReturns[t * nInd + k] = indRet[k] = indVol * mrng.normal();
    for (let j = 0; j < K; j++) factorReturns[j * T + t] = f[j] = mu[j]! + fvol[j]! * mrng.normal();
    sentiment = Math.max(-1.2, Math.min(1.2, 0.985 * sentiment + 0.6 * (m - MU_M) + 0.02 * mrng.normal()));
    const specScale = hScale ** 0.3;

    // Events of the day.
    for (const i of listEvents[t] ?? []) initStock(i, t);
    const ex = expiries[t];
    if (ex) for (const code of ex) if (lastRep[code] === t - 63) covCount[Math.floor(code / nInst)] = covCount[Math.floor(code / nInst)]! - 1;
    const st = stEvents[t];
    if (st) {
      for (const code of st) {
        const i = code >> 2;
        const kind = code & 3;
        if (kind === ST_RULE_ON) stRule[i] = 1;
        else if (kind === ST_RULE_OFF) stRule[i] = 0;
        else if (kind === ST_OTHER_ON) stOther[i] = stOther[i]! + 1;
        else stOther[i] = Math.max(0, stOther[i]! - 1);
      }
    }
    const un = unlockEvents[t];
    if (un) {
      for (let e = 0; e < un.length; e += 2) {
        const i = un[e]!;
        floatFrac[i] = Math.max(floatFrac[i]!, unlockFrac[un[e + 1]!]!);
        floatShare[i] = Math.round(totalShare[i]! * floatFrac[i]);
      }
    }
    const su = suspEvents[t];
    if (su) {
      for (let e = 0; e < su.length; e += 2) {
        const i = su[e]!;
        const len = su[e + 1]!;
        if (t === u.listDay[i]) continue;
        suspUntil[i] = Math.max(suspUntil[i]!, t + len);
        if (len >= 10) carry[i] = Math.max(-0.5, carry[i]! + 0.12 * erng.normal());
      }
    }
    const exd = exEvents[t];
    if (exd) {
      for (const id of exd) {
        const i = exStock[id]!;
        pendDps[i] = exDps[id]!;
        pendBonus[i] = exBonus[id]!;
      }
    }
    const an = annEvents[t];
    if (an) for (const id of an) publish(id, t);

    let nAlive = 0;
    for (let i = 0; i < N; i++) if (t >= rowStart[i]! && t < rowEnd[i]!) alive[nAlive++] = i;
    if (t === 0 || monthOf(dates[t - 1]!) !== monthOf(date)) updateAnalysts(t, nAlive);

    // ---------- stocks ----------
    drng.fillNormal(kernel.zBuf, nAlive * NORMALS_PER_STOCK);
    drng.fillUniform(kernel.uBuf, nAlive * UNIFORMS_PER_STOCK);
    let styleShift = 0;
    for (let j = 0; j < K; j++) styleShift += kernel.xbar[j]! * f[j]!;
    stepStocks(kernel, t, date, m, styleShift, specScale, sentiment, nAlive);
    stepValuation(kernel, t, nAlive);
    stepRolling(kernel, t, nAlive);
    if ((t & STAGE_MASK) === STAGE_MASK || t === T - 1) flushStage(stage, daily, N, rowStart, rowEnd, rowOffset, t - (t & STAGE_MASK), t);

    // ---------- quarter end: fundamentals of the quarter ----------
    if (monthEnd[t] === 1 && monthOf(date) % 3 === 0) {
      const q = quarterOfDate(date, baseYear);
      for (let a = 0; a < nAlive; a++) {
        const i = alive[a]!;
        if (u.listDay[i]! > t) continue;
        makeQuarter(i, q, mTilde[i]!, 0, -1);
      }
    }
    // ---------- month end: consensus snapshot ----------
    if (monthEnd[t] === 1) consensusSnapshot(t, nAlive);

    // Exposures are refreshed every fifth trading day and at each month end.
    if (t % 5 === 4 || monthEnd[t] === 1) computeExposures(kernel, nAlive);
    if (monthEnd[t] === 1 && config.snapshots) {
      const s = snapshotDays.length;
      snapshotDays.push(t);
      for (let j = 0; j < K; j++) {
        const out = snapshotValues[j]!;
        out.fill(Number.NaN, s * N, (s + 1) * N);
        for (let a = 0; a < nAlive; a++) {
          const i = alive[a]!;
          out[s * N + i] = X[i * K + j]!;
        }
      }
    } else if (monthEnd[t] === 1) snapshotDays.push(t);
  }

  return {
    layout: { rows, rowStart, rowEnd, rowOffset },
    daily,
    firstTrade,
    lastTrade,
    fina,
    consensus,
    execPay,
    reports,
    market,
    industryReturns,
    factorReturns,
    snapshotDays,
    snapshotValues,
    stats,
  };

  // ---------- helpers that need the loop's state ----------

  /** Monthly: each stock's report intensity from its size rank and analyst taste. */
  function updateAnalysts(t: number, nAlive: number): void {
    let s = 0;
    let ss = 0;
    for (let a = 0; a < nAlive; a++) {
      const i = alive[a]!;
      const x = Math.log(Math.max(1, rawClose[i]! * totalShare[i]!));
      s += x;
      ss += x * x;
    }
    const mean = s / Math.max(1, nAlive);
    const sd = Math.sqrt(Math.max(1e-12, ss / Math.max(1, nAlive) - mean * mean));
    for (let a = 0; a < nAlive; a++) {
      const i = alive[a]!;
      const z = (Math.log(Math.max(1, rawClose[i]! * totalShare[i]!)) - mean) / sd;
      let lam = 0.02 * Math.exp(1.0 * z + 0.6 * u.analystTaste[i]!);
      if (lam < 0.008) lam = 0;
      lam = Math.min(lam, 0.5);
      if (stRule[i] === 1 || stOther[i]! > 0) lam *= 0.2;
      if (u.listDay[i]! >= 0 && t - u.listDay[i]! < 20) lam = 0;
      lambda[i] = lam;
      instUse[i] = Math.max(2, Math.min(nInst, Math.round(3 + 120 * lam)));
    }
  }

  /** Month end: consensus forecasts for FY = this year and next year of every covered stock. */
  function consensusSnapshot(t: number, nAlive: number): void {
    const Y = yearOf(dates[t]!);
    const s = consSnaps.length;
    const snap = new Float64Array(N * 2).fill(Number.NaN);
    consSnaps.push(snap);
    consYears.push(Y);
    const back = s >= 3 ? consSnaps[s - 3]! : undefined;
    const backYear = s >= 3 ? consYears[s - 3]! : 0;
    for (let a = 0; a < nAlive; a++) {
      const i = alive[a]!;
      const cover = covCount[i]!;
      if (cover < 1) {
        consNp0[i] = Number.NaN;
        revision[i] = Number.NaN;
        continue;
      }
      const qStar = latestQ[i]!;
      const uLast = qStar >= 0 ? mShock[i * Qn + qStar]! : 0;
      const shares = totalShare[i]!;
      let eqBase = qStar >= 0 ? knownEq[i * Qn + qStar]! : Number.NaN;
      for (let d = 0; d < 2; d++) {
        const fy = Y + d;
        const q1 = (fy - baseYear) * 4;
        let kq = q1 - 1;
        for (let q = q1; q <= q1 + 3; q++) if (!Number.isNaN(knownNp[i * Qn + q]!)) kq = q;
        const known = kq >= q1 ? knownNp[i * Qn + kq]! : 0;
        let rest = 0;
        for (let q = kq + 1; q <= q1 + 3; q++) {
          const hq = Math.max(1, q - qStar);
          const phiH = PHI ** hq;
          const lam = 0.6 * 0.75 ** (hq - 1);
          const mBase = u.margin[i]! + lam * (marginBase(i, q) - u.margin[i]!);
          const mF = mBase + phiH * uLast + lam * (mShock[i * Qn + q]! - phiH * uLast);
          rest += mTilde[i]! * (1 + 0.02 * hq) * u.salesYield[i]! * SEASON[q % 4]! * mF * u.parentShare[i]!;
        }
        const e = 0.85 * consErr[i * 2 + (fy % 2)]! + ((d === 0 ? 0.05 : 0.08) * crng.normal()) / Math.sqrt(cover);
        consErr[i * 2 + (fy % 2)] = e;
        const np = known + rest + Math.abs(rest) * (CONS_BIAS + e);
        const eq = (Number.isFinite(eqBase) ? eqBase : mTilde[i]! * u.bookYield[i]!) + (np - known) * (1 - u.payout[i]!);
        eqBase = eq;
        snap[i * 2 + d] = np;
        consensus.stock.push(i);
        consensus.day.push(t);
        consensus.fiscalYear.push(fy);
        consensus.netProfit.push(Math.round(np));
        consensus.eps.push(round4(np / shares));
        consensus.bps.push(round4(eq / shares));
        consensus.equity.push(Math.round(eq));
        consensus.analysts.push(cover);
      }
      consNp0[i] = Math.round(snap[i * 2]!);
      let before = Number.NaN;
      if (back) before = backYear === Y ? back[i * 2]! : backYear === Y - 1 ? back[i * 2 + 1]! : Number.NaN;
      before = Math.round(before);
      revision[i] = before !== 0 && Number.isFinite(before) ? (consNp0[i] - before) / Math.abs(before) : Number.NaN;
    }
  }

}
