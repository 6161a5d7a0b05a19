/**
 * The stock universe: codes on realistic boards, listing (IPO) and delisting schedule,
 * industries and reclassifications, names, and each stock's static parameters.
 */
import { dateIntToEpochDay, epochDayToDateInt } from '@factorkit/data';
import { tradingDays } from './calendar.js';
import { INDUSTRIES, companyName } from './reference.js';
import { Rng, STREAM } from './rng.js';

/** Board ids, as in `stocks.board`. */
export const BOARDS = ['main', 'chinext', 'star', 'bse'] as const;
export type BoardName = (typeof BOARDS)[number];

/** How a delisted stock leaves: losses and ST, or absorbed in a merger. */
export const DELIST_DISTRESS = 1;
export const DELIST_MERGER = 2;

/** Everything static about the stocks, sorted by `ts_code`. Day indices are data-calendar indices. */
export interface Universe {
  readonly n: number;
  readonly codes: string[];
  readonly names: string[];
  readonly exchange: string[];
  readonly board: BoardName[];
  /** IPO date, `yyyymmdd`. */
  readonly listDate: Int32Array;
  /** Data-day index of the listing day; −1 when listed before the data starts. */
  readonly listDay: Int32Array;
  /** Data-day index of the delisting date (first day not listed), or T when not delisted. */
  readonly delistDay: Int32Array;
  /** `DELIST_DISTRESS`, `DELIST_MERGER` or 0. */
  readonly delistKind: Uint8Array;
  /** Length of the suspension that precedes delisting (days). */
  readonly finalSuspension: Int32Array;
  /** Industry index (into `INDUSTRIES`) before `reclassDay`, and after it. */
  readonly industry0: Int32Array;
  readonly industry1: Int32Array;
  /** Data-day index of the reclassification; T when never. */
  readonly reclassDay: Int32Array;
  /** Market-cap at the start (listed stocks) or the post-IPO fair value (IPOs), CNY. */
  readonly mcap0: Float64Array;
  /** Raw price at the start (listed stocks) or the IPO issue price. */
  readonly price0: Float64Array;
  /** Log gap between fair value and issue price (IPOs): realised through limit-ups. */
  readonly ipoGap: Float64Array;
  readonly totalShare0: Float64Array;
  /** Float fraction of total shares at the start / at listing. */
  readonly floatFrac0: Float64Array;
  /** Shares held by strategic holders as a fraction of the total (excluded from free float). */
  readonly strategicFrac: Float64Array;
  /** Cumulative hfq adjustment factor at the start (1 for IPOs). */
  readonly adj0: Float64Array;
  readonly beta: Float64Array;
  /** Daily specific volatility (normal times). */
  readonly sigma: Float64Array;
  /** Log of the baseline daily turnover in percent of float. */
  readonly turnoverBase: Float64Array;
  readonly margin: Float64Array;
  /** Quarterly margin shock volatility. */
  readonly marginVol: Float64Array;
  readonly salesYield: Float64Array;
  readonly bookYield: Float64Array;
  readonly leverage: Float64Array;
  readonly parentShare: Float64Array;
  readonly taxRate: Float64Array;
  readonly payout: Float64Array;
  /** Persistent analyst interest beyond size, N(0, 1). */
  readonly analystTaste: Float64Array;
  /** Persistent executive-pay level beyond size, N(0, 1). */
  readonly payLevel: Float64Array;
}

/** Relative number of IPOs by year (A-share history; other years 250). */
const IPOS_BY_YEAR: Readonly<Record<number, number>> = {
  1991: 8, 1992: 40, 1993: 120, 1994: 110, 1995: 30, 1996: 200, 1997: 200, 1998: 100, 1999: 95, 2000: 135,
  2001: 80, 2002: 70, 2003: 67, 2004: 100, 2005: 15, 2006: 65, 2007: 120, 2008: 77, 2009: 99, 2010: 347,
  2011: 277, 2012: 150, 2013: 2, 2014: 125, 2015: 223, 2016: 227, 2017: 438, 2018: 105, 2019: 203,
  2020: 437, 2021: 524, 2022: 428, 2023: 313, 2024: 100,
};
const ipoWeight = (year: number): number => IPOS_BY_YEAR[year] ?? 250;

/** Code blocks: first and last number, and the next block a full block spills into. */
interface Block {
  readonly prefix: string;
  readonly first: number;
  readonly last: number;
  readonly next: string | null;
  readonly suffix: 'SH' | 'SZ' | 'BJ';
  readonly step: number;
}
const BLOCKS: Readonly<Record<string, Block>> = {
  '600': { prefix: '600', first: 600_000, last: 600_999, next: '601', suffix: 'SH', step: 1 },
  '601': { prefix: '601', first: 601_000, last: 601_999, next: '603', suffix: 'SH', step: 1 },
  '603': { prefix: '603', first: 603_000, last: 603_999, next: '605', suffix: 'SH', step: 1 },
  '605': { prefix: '605', first: 605_000, last: 605_999, next: null, suffix: 'SH', step: 1 },
  '000': { prefix: '000', first: 1, last: 999, next: '001', suffix: 'SZ', step: 1 },
  '001': { prefix: '001', first: 1_200, last: 1_999, next: '003', suffix: 'SZ', step: 1 },
  '002': { prefix: '002', first: 2_001, last: 2_999, next: '003', suffix: 'SZ', step: 1 },
  '003': { prefix: '003', first: 3_000, last: 3_999, next: '001', suffix: 'SZ', step: 1 },
  '300': { prefix: '300', first: 300_001, last: 300_999, next: '301', suffix: 'SZ', step: 1 },
  '301': { prefix: '301', first: 301_001, last: 301_999, next: null, suffix: 'SZ', step: 1 },
  '688': { prefix: '688', first: 688_001, last: 688_999, next: '689', suffix: 'SH', step: 1 },
  '689': { prefix: '689', first: 689_009, last: 689_999, next: null, suffix: 'SH', step: 1 },
  '83': { prefix: '83', first: 830_000, last: 839_999, next: '87', suffix: 'BJ', step: 9 },
  '87': { prefix: '87', first: 870_000, last: 873_999, next: '920', suffix: 'BJ', step: 5 },
  '920': { prefix: '920', first: 920_000, last: 920_999, next: null, suffix: 'BJ', step: 1 },
};

interface Draft {
  listDate: number;
  listDay: number;
  board: BoardName;
  block: string;
  code: string;
  industry: number;
  big: boolean;
}

/** Board and preferred code block of a listing on `date`. */
function boardOf(rng: Rng, date: number, big: boolean): { board: BoardName; block: string } {
  const u = rng.float();
  if (date < 20040625) return u < 0.55 ? sh(rng, date, big) : { board: 'main', block: '000' };
  if (date < 20091030) return u < 0.45 ? sh(rng, date, big) : { board: 'main', block: '002' };
  if (date < 20190722) {
    if (u < 0.4) return sh(rng, date, big);
    if (u < 0.75) return { board: 'main', block: sme(rng, date) };
    return { board: 'chinext', block: date < 20200824 ? '300' : '301' };
  }
  const bse = date >= 20211115 ? 0.1 : 0;
  if (u < 0.3 - bse / 2) return sh(rng, date, big);
  if (u < 0.55 - bse) return { board: 'main', block: sme(rng, date) };
  if (u < 0.8 - bse) return { board: 'chinext', block: date < 20200824 ? '300' : '301' };
  if (u < 1 - bse) return { board: 'star', block: '688' };
  return { board: 'bse', block: date < 20240101 ? (rng.chance(0.6) ? '83' : '87') : '920' };
}

function sh(rng: Rng, date: number, big: boolean): { board: BoardName; block: string } {
  if (date < 20060101) return { board: 'main', block: '600' };
  if (date < 20110701 || big) return { board: 'main', block: '601' };
  return { board: 'main', block: date >= 20200101 && rng.chance(0.5) ? '605' : '603' };
}

function sme(rng: Rng, date: number): string {
  if (date < 20200601) return '002';
  if (date < 20210406) return '003';
  return rng.chance(0.5) ? '001' : '003';
}

/** A random trading day of `year` on or before `before` (a `yyyymmdd`), or undefined. */
function tradingDayIn(rng: Rng, year: number, before: number, cache: Map<number, Int32Array>): number | undefined {
  let days = cache.get(year);
  if (!days) cache.set(year, (days = tradingDays(year * 10_000 + 101, Math.min(year * 10_000 + 1231, before))));
  return days.length === 0 ? undefined : days[rng.int(days.length)];
}

/**
 * Draw the universe. `dates` is the data calendar (`T` days); `listedAtStart` the fraction of
 * stocks listed before it starts.
 */
export function buildUniverse(seed: number, n: number, listedAtStart: number, dates: Int32Array): Universe {
  const rng = new Rng(seed, STREAM.universe);
  const nameRng = new Rng(seed, STREAM.names);
  const T = dates.length;
  const startDate = dates[0]!;
  const nPre = Math.round(n * listedAtStart);

  // Listing dates: history before the data for nPre stocks, IPOs inside the data for the rest.
  const lastPre = epochDayToDateInt(dateIntToEpochDay(startDate) - 60);
  const preYears: number[] = [];
  for (let y = 1991; y <= Math.floor(lastPre / 10_000); y++) preYears.push(y);
  const preWeights = preYears.map(ipoWeight);
  const preTotal = preWeights.reduce((a, b) => a + b, 0);
  const yearDays = new Map<number, Int32Array>();
  // Data days by year, for IPOs (not in the first 5 days, not in the last 5).
  const ipoYears: number[] = [];
  const ipoYearWeights: number[] = [];
  const daysOfYear = new Map<number, number[]>();
  for (let t = 5; t < T - 5; t++) {
    const y = Math.floor(dates[t]! / 10_000);
    let list = daysOfYear.get(y);
    if (!list) {
      daysOfYear.set(y, (list = []));
      ipoYears.push(y);
    }
    list.push(t);
  }
  for (const y of ipoYears) ipoYearWeights.push(ipoWeight(y) * (daysOfYear.get(y)!.length / 243));
  const ipoTotal = ipoYearWeights.reduce((a, b) => a + b, 0);

  const drafts: Draft[] = [];
  for (let s = 0; s < n; s++) {
    let listDate: number;
    let listDay: number;
    if (s < nPre || ipoYears.length === 0) {
      let date: number | undefined;
      while (date === undefined) date = tradingDayIn(rng, preYears[rng.weighted(preWeights, preTotal)]!, lastPre, yearDays);
      listDate = date;
      listDay = -1;
    } else {
      const days = daysOfYear.get(ipoYears[rng.weighted(ipoYearWeights, ipoTotal)]!)!;
      listDay = days[rng.int(days.length)]!;
      listDate = dates[listDay]!;
    }
    const big = rng.chance(0.06);
    const { board, block } = boardOf(rng, listDate, big);
    drafts.push({ listDate, listDay, board, block, code: '', industry: 0, big });
  }

  // Codes: ascending with listing date inside each block, with occasional gaps.
  const order = drafts.map((_, s) => s).sort((a, b) => drafts[a]!.listDate - drafts[b]!.listDate || a - b);
  const nextNumber = new Map<string, number>();
  for (const s of order) {
    const draft = drafts[s]!;
    let blockId: string | null = draft.block;
    for (;;) {
      if (blockId === null) throw new Error(`synth: code blocks exhausted; use fewer stocks`);
      const block: Block = BLOCKS[blockId]!;
      const current = nextNumber.get(blockId) ?? block.first + (block.step > 1 ? rng.int(block.step * 20) : 0);
      if (current <= block.last) {
        draft.code = `${String(current).padStart(6, '0')}.${block.suffix}`;
        draft.block = blockId;
        nextNumber.set(blockId, current + (block.step > 1 ? 1 + rng.int(block.step) : rng.chance(0.12) ? 2 : 1));
        break;
      }
      blockId = block.next;
    }
  }

  // Industries.
  const indWeights = INDUSTRIES.map((x) => x.weight);
  const indTotal = indWeights.reduce((a, b) => a + b, 0);
  for (const draft of drafts) draft.industry = rng.weighted(indWeights, indTotal);

  drafts.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

  const u = allocate(n);
  const taken = new Set<string>();
  const logMid = Math.log(3.2e9);
  for (let i = 0; i < n; i++) {
    const d = drafts[i]!;
    const spec = INDUSTRIES[d.industry]!;
    u.codes.push(d.code);
    u.names.push(companyName(nameRng, spec, taken));
    u.exchange.push(d.code.slice(-2));
    u.board.push(d.board);
    u.listDate[i] = d.listDate;
    u.listDay[i] = d.listDay;
    u.delistDay[i] = T;
    u.industry0[i] = d.industry;
    u.industry1[i] = d.industry;
    u.reclassDay[i] = T;

    const ipo = d.listDay >= 0;
    const tail = rng.chance(ipo ? 0.02 : 0.05) ? 1.4 * rng.exponential() : 0;
    let logMcap = ipo
      ? Math.log(2.8e9) + 0.45 * spec.size + 0.8 * rng.normal() + tail + (d.big ? 1.2 : 0)
      : logMid + 0.6 * spec.size + 1.0 * rng.normal() + tail + (d.listDate < 20050101 ? 0.2 : 0);
    logMcap = Math.min(Math.log(2.5e12), Math.max(Math.log(6e8), logMcap));
    const mcap = Math.exp(logMcap);
    u.mcap0[i] = mcap;
    const rel = logMcap - logMid;
    if (ipo) {
      const date = d.listDate;
      const registration = d.board === 'star' || (d.board === 'chinext' && date >= 20200824) || date >= 20230410;
      const gap = d.board === 'bse' ? 0.3 + 0.5 * rng.normal() : registration ? 0.55 + 0.45 * rng.normal() : 1.15 + 0.45 * rng.normal();
      u.ipoGap[i] = Math.min(2.5, Math.max(registration ? -0.3 : 0.1, gap));
      const issue = Math.min(120, Math.max(3, Math.exp(Math.log(14) + 0.45 * rng.normal() + 0.1 * rel)));
      u.price0[i] = Math.round(issue * 100) / 100;
      u.totalShare0[i] = Math.max(2e7, Math.round(mcap / (u.price0[i]! * Math.exp(u.ipoGap[i]!)) / 1e4) * 1e4);
      u.floatFrac0[i] = d.board === 'star' ? rng.uniform(0.12, 0.25) : rng.uniform(0.18, 0.3);
      u.adj0[i] = 1;
    } else {
      const price = Math.min(1500, Math.max(1.5, Math.exp(Math.log(9) + 0.5 * rng.normal() + 0.18 * rel)));
      u.price0[i] = Math.round(price * 100) / 100;
      u.totalShare0[i] = Math.max(2e7, Math.round(mcap / u.price0[i]! / 100) * 100);
      u.floatFrac0[i] = rng.chance(0.35) ? 1 : rng.uniform(0.45, 1);
      const age = (dateIntToEpochDay(startDate) - dateIntToEpochDay(d.listDate)) / 365.25;
      u.adj0[i] = Math.round(Math.exp(age * rng.uniform(0.01, 0.1)) * 1e6) / 1e6;
    }
    u.strategicFrac[i] = Math.min(u.floatFrac0[i]! * 0.8, rng.uniform(0, 0.45) * (spec.code === '480000' ? 1.3 : 1));
    u.beta[i] = Math.min(2, Math.max(0.3, spec.beta + 0.18 * rng.normal()));
    u.sigma[i] = Math.min(0.05, Math.max(0.007, 0.02 * spec.vol * Math.exp(-0.08 * rel + 0.22 * rng.normal()) * (ipo ? 1.15 : 1)));
    u.turnoverBase[i] = Math.log(Math.min(12, Math.max(0.08, Math.exp(Math.log(1.6) - 0.2 * rel + 0.5 * rng.normal()))));
    const bank = spec.code === '480000';
    u.margin[i] = spec.margin * Math.exp((bank ? 0.15 : 0.35) * rng.normal());
    u.marginVol[i] = u.margin[i]! * (bank ? 0.08 : rng.uniform(0.3, 0.75));
    u.salesYield[i] = spec.salesYield * Math.exp(0.35 * rng.normal());
    u.bookYield[i] = spec.bookYield * Math.exp(0.35 * rng.normal());
    u.leverage[i] = Math.min(0.95, Math.max(0.05, spec.leverage + 0.08 * rng.normal()));
    u.parentShare[i] = bank ? 0.99 : rng.uniform(0.8, 1);
    u.taxRate[i] = rng.uniform(0.15, 0.25);
    u.payout[i] = bank ? 0.3 : rng.chance(0.2) ? 0 : rng.uniform(0.15, 0.55);
    u.analystTaste[i] = rng.normal();
    u.payLevel[i] = rng.normal();
  }

  // Reclassifications: about 4 % of stocks move to another industry once.
  for (let i = 0; i < n; i++) {
    if (T < 200 || !rng.chance(0.04)) continue;
    const from = Math.max(60, u.listDay[i]! + 60);
    if (from >= T - 60) continue;
    u.reclassDay[i] = from + rng.int(T - 60 - from);
    let to = u.industry0[i]!;
    while (to === u.industry0[i]) to = rng.weighted(indWeights, indTotal);
    u.industry1[i] = to;
  }

  // Delistings: about 3 % of stocks over ten years, after at least two years of data.
  const nDelist = Math.round(n * 0.03 * Math.min(1, T / 2430));
  const earliest = Math.max(260, Math.floor(T * 0.25));
  if (T > earliest + 20) {
    const candidates: number[] = [];
    for (let i = 0; i < n; i++) if (u.listDay[i]! < 0 || u.listDay[i]! < earliest - 500) candidates.push(i);
    rng.shuffle(candidates);
    for (const i of candidates.slice(0, nDelist)) {
      u.delistDay[i] = earliest + rng.int(T - earliest);
      const distress = rng.chance(0.75);
      u.delistKind[i] = distress ? DELIST_DISTRESS : DELIST_MERGER;
      u.finalSuspension[i] = distress ? 3 + rng.int(23) : 10 + rng.int(50);
    }
  }
  return u;
}

function allocate(n: number): Universe & { codes: string[]; names: string[]; exchange: string[]; board: BoardName[] } {
  const f = (): Float64Array => new Float64Array(n);
  const i32 = (): Int32Array => new Int32Array(n);
  return {
    n,
    codes: [],
    names: [],
    exchange: [],
    board: [],
    listDate: i32(),
    listDay: i32(),
    delistDay: i32(),
    delistKind: new Uint8Array(n),
    finalSuspension: i32(),
    industry0: i32(),
    industry1: i32(),
    reclassDay: i32(),
    mcap0: f(),
    price0: f(),
    ipoGap: f(),
    totalShare0: f(),
    floatFrac0: f(),
    strategicFrac: f(),
    adj0: f(),
    beta: f(),
    sigma: f(),
    turnoverBase: f(),
    margin: f(),
    marginVol: f(),
    salesYield: f(),
    bookYield: f(),
    leverage: f(),
    parentShare: f(),
    taxRate: f(),
    payout: f(),
    analystTaste: f(),
    payLevel: f(),
  };
}
