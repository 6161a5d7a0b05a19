import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  canBuy,
  canSell,
  dailyReturns,
  epochDayToDateInt,
  dateIntToEpochDay,
  estimateRawPreClose,
  findListing,
  limitFlags,
  listingAge,
  priceBandSeries,
  rawClose,
  type Board,
} from '../src/index.js';

/**
 * No look-ahead in the market rules, on random daily series:
 * - garbling every day after t never changes any output at or before t;
 * - garbling what day t only reveals after its open (close, high, low, amount, volume, pct_chg)
 *   never changes the at-open flags, the open-execution masks, the band or the raw-level
 *   estimate of day t.
 */

interface Day {
  present: boolean;
  trading: 0 | 1;
  st: 0 | 1;
  pre: number;
  open: number;
  close: number;
  high: number;
  low: number;
  pct: number;
  amount: number;
  volume: number;
}

const ratio = fc.double({ min: 0.75, max: 1.35, noNaN: true });
const dayArb: fc.Arbitrary<Day> = fc
  .record({
    present: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    trading: fc.oneof({ weight: 8, arbitrary: fc.constant(1 as const) }, { weight: 1, arbitrary: fc.constant(0 as const) }),
    st: fc.oneof({ weight: 6, arbitrary: fc.constant(0 as const) }, { weight: 1, arbitrary: fc.constant(1 as const) }),
    pre: fc.double({ min: 1, max: 3000, noNaN: true }),
    o: ratio,
    c: ratio,
    // Limit-like moves are frequent so that flags are exercised.
    snap: fc.constantFrom(0, 0.05, -0.05, 0.1, -0.1, 0.2, -0.2, 0.44),
    amount: fc.double({ min: 0, max: 1e9, noNaN: true }),
    volume: fc.integer({ min: 0, max: 1e7 }),
  })
  .map((r) => {
    const open = r.pre * (r.snap ? 1 + r.snap : r.o);
    const close = r.pre * (r.snap ? 1 + r.snap : r.c);
    return {
      present: r.present,
      trading: r.trading,
      st: r.st,
      pre: r.pre,
      open,
      close,
      high: Math.max(open, close) * 1.01,
      low: Math.min(open, close) * 0.99,
      pct: (close / r.pre - 1) * 100,
      amount: r.amount,
      volume: r.volume,
    };
  });

const boardArb = fc.constantFrom<Board>('main', 'chinext', 'star', 'bse');
const BASE = dateIntToEpochDay(20190715);

function run(days: readonly Day[], board: Board) {
  const T = days.length;
  const calendar = Int32Array.from(days, (_, t) => epochDayToDateInt(BASE + t * 2));
  const col = (f: (d: Day) => number) => Float64Array.from(days, (d) => (d.present ? f(d) : Number.NaN));
  const isTrading = col((d) => d.trading);
  const cols = {
    preClose: col((d) => d.pre),
    open: col((d) => d.open),
    close: col((d) => d.close),
    high: col((d) => d.high),
    low: col((d) => d.low),
    pctChg: col((d) => d.pct),
    amount: col((d) => d.amount),
    volume: col((d) => d.volume),
  };
  const listing = findListing(isTrading);
  const band = priceBandSeries({ board, calendar, isTrading, isSt: col((d) => d.st), listing });
  const rawPreClose = estimateRawPreClose(cols);
  const rawPreCloseAtClose = estimateRawPreClose(cols, { at: 'close' });
  const flags = limitFlags({ ...cols, band, rawPreClose, rawPreCloseAtClose });
  return {
    T,
    ret: dailyReturns({ ...cols, isTrading }),
    age: listingAge(isTrading, listing),
    rawClose: rawClose(cols),
    bandUp: band.up,
    bandDown: band.down,
    rawPreClose,
    rawPreCloseAtClose,
    ...flags,
    buyOpen: canBuy(isTrading, flags, 'open'),
    sellOpen: canSell(isTrading, flags, 'open'),
    buyClose: canBuy(isTrading, flags, 'close'),
    sellClose: canSell(isTrading, flags, 'close'),
  };
}

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe('market rules, property-based', () => {
  it('never change the past when the future is garbled', () => {
    fc.assert(
      fc.property(fc.array(dayArb, { minLength: 1, maxLength: 40 }), fc.array(dayArb, { minLength: 40, maxLength: 40 }), fc.nat(), boardArb, (days, garbage, pick, board) => {
        const k = pick % days.length;
        const garbled = days.map((d, t) => (t <= k ? d : garbage[t]!));
        const a = run(days, board);
        const b = run(garbled, board);
        for (const [name, series] of Object.entries(a)) {
          if (typeof series === 'number') continue;
          const other = b[name as keyof typeof b] as ArrayLike<number>;
          for (let t = 0; t <= k; t++) if (!same(series[t]!, other[t]!)) throw new Error(`${name}[${t}] changed: ${series[t]} → ${other[t]} (k = ${k})`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('decide at-open flags and open-execution masks from what is known at the open', () => {
    fc.assert(
      fc.property(fc.array(dayArb, { minLength: 1, maxLength: 40 }), dayArb, fc.nat(), boardArb, (days, noise, pick, board) => {
        const t = pick % days.length;
        const day = days[t]!;
        const garbled = days.map((d, i) =>
          i === t ? { ...day, close: noise.close, high: Math.max(noise.high, day.open), low: Math.min(noise.low, day.open), pct: noise.pct, amount: noise.amount, volume: noise.volume } : d,
        );
        const a = run(days, board);
        const b = run(garbled, board);
        for (const name of ['upAtOpen', 'downAtOpen', 'buyOpen', 'sellOpen', 'bandUp', 'bandDown', 'rawPreClose'] as const) {
          if (!same(a[name][t]!, b[name][t]!)) throw new Error(`${name}[${t}] read the day's later prices: ${a[name][t]} → ${b[name][t]}`);
        }
      }),
      { numRuns: 400 },
    );
  });
});
