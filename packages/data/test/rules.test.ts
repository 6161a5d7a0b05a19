import { FactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import {
  LISTED_BEFORE_CALENDAR,
  boardOfCode,
  canBuy,
  canSell,
  dailyReturns,
  estimateAdjFactor,
  estimateRawPreClose,
  findListing,
  floatSharesFromTurnover,
  limitDownAtClose,
  limitDownAtOpen,
  limitFlags,
  limitPrice,
  limitUpAtClose,
  limitUpAtOpen,
  listedAtLeast,
  listingAge,
  marketCap,
  priceBand,
  priceBandSeries,
  rawClose,
  stFlag,
  tradingDaysSinceListing,
  vwap,
  type LimitInputs,
} from '../src/index.js';

const N = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

function thrown(fn: () => unknown): FactorkitError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FactorkitError) return error;
    throw error;
  }
  throw new Error('expected a FactorkitError');
}

describe('dailyReturns', () => {
  it('uses pct_chg, falls back to close / pre_close, is 0 when suspended and NaN before the first trading row', () => {
    const r = dailyReturns({
      isTrading: [N, 0, 1, 1, 0, 1, N],
      pctChg: [N, 0, 1.5, N, 0, -2, N],
      close: [N, 10, 10.15, 10.5, 10.5, 10.29, N],
      preClose: [N, 10, 10, 10.15, 10.5, 10.5, N],
    });
    expect(r[0]).toBeNaN(); // no row
    expect(r[1]).toBeNaN(); // suspended before its first trading row
    expect(r[2]).toBe(0.015);
    expect(r[3]).toBeCloseTo(10.5 / 10.15 - 1, 15); // pct_chg missing
    expect(r[4]).toBe(0);
    expect(r[5]).toBe(-0.02);
    expect(r[6]).toBeNaN(); // delisted
  });

  it('gives NaN on the listing day unless asked for the source’s return over the IPO price', () => {
    const input = { isTrading: [N, 1, 1], pctChg: [N, 44, 10], close: [N, 14.4, 15.84], preClose: [N, 10, 14.4] };
    expect([...dailyReturns(input)]).toEqual([N, N, 0.1]);
    expect([...dailyReturns(input, { listingDay: 'source' })]).toEqual([N, 0.44, 0.1]);
    // Present on the calendar's first day: listed before, so its first return counts.
    expect([...dailyReturns({ isTrading: [1, 1], pctChg: [1, 2], close: [1, 1], preClose: [1, 1] })]).toEqual([0.01, 0.02]);
    // An explicit listing position wins over the inference.
    expect([...dailyReturns({ isTrading: [1, 1], pctChg: [1, 2], close: [1, 1], preClose: [1, 1] }, { listing: 0 })]).toEqual([N, 0.02]);
  });
});

describe('raw price level', () => {
  it('computes VWAP and float shares, NaN without volume or turnover', () => {
    expect([...vwap([100, 0, N, 50], [10, 0, 5, N])]).toEqual([10, N, N, N]);
    expect([...floatSharesFromTurnover([1000, 1000, 0], [2, 0, 1])]).toEqual([50_000, N, N]);
  });

  it('divides by the adjustment factor where there is one and approximates with VWAP elsewhere', () => {
    // Factor 3.7 on day 0 (given). Day 1: raw high 12, low 10, close 11 → typical_adj 40.7; VWAP 10.5.
    // Day 2: suspended (no volume): the day-1 factor carries.
    const input = {
      close: [37, 40.7, 40.7],
      high: [37, 44.4, 40.7],
      low: [37, 37, 40.7],
      adjFactor: [3.7, N, N],
      amount: [1000, 1050, 0],
      volume: [100, 100, 0],
    };
    const approximated = new Uint8Array(3);
    const raw = rawClose(input, { approximated });
    expect(raw[0]).toBe(10);
    expect(raw[1]).toBeCloseTo(10.5, 12); // 40.7 × 10.5 / 40.7
    expect(raw[2]).toBeCloseTo(10.5, 12);
    expect([...approximated]).toEqual([0, 1, 1]);
    expect(estimateAdjFactor(input)[1]).toBeCloseTo(40.7 / 10.5, 12);
    // The close stands in for the typical price without high/low.
    expect(rawClose({ close: [44], amount: [1100], volume: [100] })[0]).toBeCloseTo(11, 12);
  });

  it('estimates the raw previous close from the factor known before the day', () => {
    const input = { preClose: [40, 44, 44], close: [44, 44, 48.4], high: [44, 44, 48.4], low: [44, 44, 48.4], amount: [1100, 1100, 0], volume: [100, 100, 0] };
    const pre = estimateRawPreClose(input);
    expect(pre[0]).toBeNaN(); // nothing known before the first row
    expect(pre[1]).toBeCloseTo(11, 12); // 44 / (44 / 11)
    expect(pre[2]).toBeCloseTo(11, 12); // day 1's factor
    expect([...estimateRawPreClose({ ...input, adjFactor: [4, 4, 4] })]).toEqual([10, 11, 11]);
    // At the close the day's own VWAP may be read: day 0 gets an estimate too.
    const atClose = estimateRawPreClose(input, { at: 'close' });
    expect(atClose[0]).toBeCloseTo(10, 12); // 40 / (44 / 11)
    expect(atClose[2]).toBeCloseTo(11, 12); // no VWAP on day 2: day 1's factor carries
  });

  it('multiplies price by shares for market cap', () => {
    expect([...marketCap([1697.37, N], [1_256_197_800, 1])]).toEqual([1697.37 * 1_256_197_800, N]);
  });
});

describe('boards and price bands', () => {
  it('infers the board from the code', () => {
    expect(boardOfCode('600519.SH')).toBe('main');
    expect(boardOfCode('000001.SZ')).toBe('main');
    expect(boardOfCode('002714.SZ')).toBe('main');
    expect(boardOfCode('300750.SZ')).toBe('chinext');
    expect(boardOfCode('301269.SZ')).toBe('chinext');
    expect(boardOfCode('688981.SH')).toBe('star');
    expect(boardOfCode('830799.BJ')).toBe('bse');
  });

  it('is ±10 % on the main board and ±5 % when ST', () => {
    expect(priceBand('main', 20200821)).toEqual({ up: 0.1, down: 0.1 });
    expect(priceBand('main', 20230630, { st: true })).toEqual({ up: 0.05, down: 0.05 });
  });

  it('moves ChiNext from ±10 % (ST ±5 %) to ±20 % (ST too) on 2020-08-24', () => {
    expect(priceBand('chinext', 20200821)).toEqual({ up: 0.1, down: 0.1 });
    expect(priceBand('chinext', 20200821, { st: true })).toEqual({ up: 0.05, down: 0.05 });
    expect(priceBand('chinext', 20200824)).toEqual({ up: 0.2, down: 0.2 });
    expect(priceBand('chinext', 20200824, { st: true })).toEqual({ up: 0.2, down: 0.2 });
  });

  it('is ±20 % on STAR and ±30 % on the BSE', () => {
    expect(priceBand('star', 20190729, { st: true })).toEqual({ up: 0.2, down: 0.2 });
    expect(priceBand('bse', 20221115)).toEqual({ up: 0.3, down: 0.3 });
  });

  it('has no limit on the first 5 trading days of registration listings', () => {
    for (let k = 0; k < 5; k++) {
      expect(priceBand('star', 20190722 + k, { tradingDaysListed: k, listDate: 20190722 }), `STAR day ${k}`).toEqual({ up: INF, down: INF });
      expect(priceBand('chinext', 20200824 + k, { tradingDaysListed: k, listDate: 20200824 })).toEqual({ up: INF, down: INF });
      expect(priceBand('main', 20230410 + k, { tradingDaysListed: k, listDate: 20230410 })).toEqual({ up: INF, down: INF });
    }
    expect(priceBand('star', 20190729, { tradingDaysListed: 5, listDate: 20190722 })).toEqual({ up: 0.2, down: 0.2 });
    expect(priceBand('main', 20230417, { tradingDaysListed: 5, listDate: 20230410 })).toEqual({ up: 0.1, down: 0.1 });
  });

  it('caps approval-system first days at +44 % / −36 % from 2014, then applies the normal band', () => {
    expect(priceBand('main', 20140128, { tradingDaysListed: 0, listDate: 20140128 })).toEqual({ up: 0.44, down: 0.36 });
    expect(priceBand('main', 20230407, { tradingDaysListed: 0, listDate: 20230407 })).toEqual({ up: 0.44, down: 0.36 });
    expect(priceBand('main', 20230410, { tradingDaysListed: 1, listDate: 20230407 })).toEqual({ up: 0.1, down: 0.1 });
    expect(priceBand('chinext', 20200601, { tradingDaysListed: 0, listDate: 20200601 })).toEqual({ up: 0.44, down: 0.36 });
    expect(priceBand('chinext', 20200602, { tradingDaysListed: 1, listDate: 20200601 })).toEqual({ up: 0.1, down: 0.1 });
    expect(priceBand('main', 20130601, { tradingDaysListed: 0, listDate: 20130601 })).toEqual({ up: INF, down: INF });
    expect(priceBand('bse', 20221115, { tradingDaysListed: 0 })).toEqual({ up: INF, down: INF });
    expect(priceBand('bse', 20221116, { tradingDaysListed: 1 })).toEqual({ up: 0.3, down: 0.3 });
  });

  it('rejects an unknown board', () => {
    expect(thrown(() => priceBand('nasdaq' as 'main', 20200101)).code).toBe('FK_INVALID_ARGUMENT');
  });

  it('builds a series counting the stock’s own trading days (suspensions do not count)', () => {
    // A STAR listing on day 1, suspended on its third calendar day.
    const calendar = Int32Array.from([20190719, 20190722, 20190723, 20190724, 20190725, 20190726, 20190729, 20190730]);
    const isTrading = [N, 1, 1, 0, 1, 1, 1, 1];
    const listing = findListing(isTrading);
    expect(listing).toBe(1);
    expect([...tradingDaysSinceListing(isTrading, listing)]).toEqual([N, 0, 1, 2, 2, 3, 4, 5]);
    const bands = priceBandSeries({ board: 'star', calendar, isTrading, listing });
    expect([...bands.up]).toEqual([N, INF, INF, INF, INF, INF, INF, 0.2]);
    // ChiNext across the reform, with an ST spell; long listed.
    const cal2 = Int32Array.from([20200820, 20200821, 20200824, 20200825]);
    const chinext = priceBandSeries({ board: 'chinext', calendar: cal2, isTrading: [1, 1, 1, 1], isSt: [0, 1, 1, 0], listing: LISTED_BEFORE_CALENDAR });
    expect([...chinext.up]).toEqual([0.1, 0.05, 0.2, 0.2]);
    expect([...chinext.down]).toEqual([0.1, 0.05, 0.2, 0.2]);
  });
});

describe('limitPrice', () => {
  it('rounds raw pre_close × (1 ± band) half up to the cent, in exact integer arithmetic', () => {
    expect(limitPrice(9.99, 0.1, 'up')).toBe(10.99); // 10.989
    expect(limitPrice(3.33, 0.1, 'up')).toBe(3.66); // 3.663
    expect(limitPrice(3.35, 0.1, 'up')).toBe(3.69); // 3.685, half up
    expect(limitPrice(1.15, 0.1, 'up')).toBe(1.27); // 1.265; a float product rounds to 1.26
    expect(limitPrice(3.33, 0.1, 'down')).toBe(3); // 2.997
    expect(limitPrice(3.35, 0.1, 'down')).toBe(3.02); // 3.015
    expect(limitPrice(11.12, 0.05, 'up')).toBe(11.68); // 11.676
    expect(limitPrice(24.07, 0.44, 'up')).toBe(34.66); // 34.6608: 002714.SZ's listing day
    expect(limitPrice(24.07, 0.36, 'down')).toBe(15.4); // 15.4048
    expect(limitPrice(N, 0.1, 'up')).toBeNaN();
    expect(limitPrice(10, INF, 'up')).toBeNaN();
  });
});

describe('limit flags', () => {
  // hfq factor 3.7: adjusted = raw × 3.7. Each day is its own case: [raw pre_close, raw price].
  const F = 3.7;
  const cases: readonly (readonly [pre: number, price: number, up: 0 | 1, down: 0 | 1])[] = [
    [9.99, 10.99, 1, 0], // limit 10.99: +10.01 %
    [3.33, 3.66, 1, 0], // limit 3.66: +9.9099 %, below 10 % yet at the limit
    [3.33, 3.65, 0, 0], // a tick below
    [3.35, 3.69, 1, 0], // limit 3.69 (3.685 rounded up): +10.149 %
    [3.35, 3.68, 0, 0],
    [3.33, 3.0, 0, 1], // limit-down 3.00 (2.997): −9.9099 %
    [3.33, 3.01, 0, 0],
    [3.35, 3.02, 0, 1], // limit-down 3.02 (3.015 rounded up): −9.851 %
    [3.35, 3.03, 0, 0],
    [1.15, 1.27, 1, 0], // limit 1.27 (1.265): +10.43 %
    [1.15, 1.26, 0, 0],
    [10, 10.5, 0, 0], // an ordinary day
  ];
  const T = cases.length;
  const adjusted = (i: 0 | 1) => Float64Array.from(cases, (c) => c[i] * F);
  const base: LimitInputs = {
    preClose: adjusted(0),
    open: adjusted(1),
    close: adjusted(1),
    high: adjusted(1),
    low: adjusted(1),
    band: { up: new Float64Array(T).fill(0.1), down: new Float64Array(T).fill(0.1) },
  };
  const expectedUp = cases.map((c) => c[2]);
  const expectedDown = cases.map((c) => c[3]);

  it('flags limits from price ratios, sizing the rounding tolerance with the raw price level', () => {
    const input = { ...base, rawPreClose: Float64Array.from(cases, (c) => c[0]) };
    expect([...limitUpAtOpen(input)]).toEqual(expectedUp);
    expect([...limitUpAtClose(input)]).toEqual(expectedUp);
    expect([...limitDownAtOpen(input)]).toEqual(expectedDown);
    expect([...limitDownAtClose(input)]).toEqual(expectedDown);
  });

  it('tolerates an error of several percent in the raw level estimate', () => {
    for (const error of [0.93, 1.07]) {
      const input = { ...base, rawPreClose: Float64Array.from(cases, (c) => c[0] * error) };
      expect([...limitUpAtOpen(input)], String(error)).toEqual(expectedUp);
      expect([...limitDownAtOpen(input)], String(error)).toEqual(expectedDown);
    }
  });

  it('misses rounded-down limits when the adjusted price is taken as raw (why the raw level is needed)', () => {
    const flags = limitUpAtOpen(base); // tolerance sized for a price of 12.32 instead of 3.33
    expect(flags[1]).toBe(0);
    expect(flags[0]).toBe(1);
  });

  it('sizes the close flags with the at-close estimate when given', () => {
    const rawPreClose = new Float64Array(T).fill(N);
    const rawPreCloseAtClose = Float64Array.from(cases, (c) => c[0]);
    const flags = limitFlags({ ...base, rawPreClose, rawPreCloseAtClose });
    expect([...flags.upAtClose]).toEqual(expectedUp);
    expect([...flags.onePriceUp]).toEqual(expectedUp);
    expect(flags.upAtOpen[1]).toBe(0); // the open had no raw level to go by
    expect([...limitUpAtClose({ ...base, rawPreClose, rawPreCloseAtClose })]).toEqual(expectedUp);
    expect(limitUpAtOpen({ ...base, rawPreClose, rawPreCloseAtClose })[1]).toBe(0);
  });

  it('compares exact raw cents when the adjustment factor is known', () => {
    const input = { ...base, adjFactor: new Float64Array(T).fill(F) };
    expect([...limitUpAtOpen(input)]).toEqual(expectedUp);
    expect([...limitDownAtClose(input)]).toEqual(expectedDown);
  });

  it('uses published limit prices with the factor', () => {
    const input = { ...base, adjFactor: new Float64Array(T).fill(F), upLimit: new Float64Array(T).fill(N) };
    input.upLimit[1] = 3.67; // a hypothetical published limit above the price: not at the limit
    input.upLimit[2] = 3.65; // and one equal to it
    const flags = limitUpAtOpen(input);
    expect(flags[1]).toBe(0);
    expect(flags[2]).toBe(1);
    expect(flags[0]).toBe(1);
  });

  it('uses the band of the day: ST 5 %, ChiNext 10 % then 20 %, none for new STAR listings', () => {
    const pre = [11.12, 11.12, 11.12, 11.12, 10, 10, 10, 10];
    const price = [11.68, 11.67, 10.56, 10.57, 11, 11, 12, 13];
    const up = [0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.2, INF];
    const input: LimitInputs = {
      preClose: pre,
      open: price,
      close: price,
      high: price,
      low: price,
      band: { up: Float64Array.from(up), down: Float64Array.from(up) },
      rawPreClose: pre,
    };
    expect([...limitUpAtClose(input)]).toEqual([1, 0, 0, 0, 1, 0, 1, 0]);
    expect([...limitDownAtClose(input)]).toEqual([0, 0, 1, 0, 0, 0, 0, 0]);
  });

  it('separates the open from the close and marks one-price days', () => {
    // Day 0 opens at the limit and closes below; day 1 opens flat and closes at the limit;
    // day 2 trades at one price at the limit all day; day 3 has no row.
    const input: LimitInputs = {
      preClose: [10, 10, 10, N],
      open: [11, 10, 11, N],
      high: [11, 11, 11, N],
      low: [10.5, 9.9, 11, N],
      close: [10.6, 11, 11, N],
      band: { up: Float64Array.from([0.1, 0.1, 0.1, N]), down: Float64Array.from([0.1, 0.1, 0.1, N]) },
      rawPreClose: [10, 10, 10, N],
    };
    const flags = limitFlags(input);
    expect([...flags.upAtOpen]).toEqual([1, 0, 1, 0]);
    expect([...flags.upAtClose]).toEqual([0, 1, 1, 0]);
    expect([...flags.onePriceUp]).toEqual([0, 0, 1, 0]);
    expect([...flags.downAtOpen, ...flags.downAtClose, ...flags.onePriceDown]).toEqual(new Array(12).fill(0));
    expect([...canBuy([1, 1, 1, N], flags, 'open')]).toEqual([0, 1, 0, 0]);
    expect([...canBuy([1, 1, 1, N], flags, 'close')]).toEqual([1, 0, 0, 0]);
    expect([...canSell([1, 1, 1, N], flags, 'open')]).toEqual([1, 1, 1, 0]);
  });

  it('says which input is missing', () => {
    expect(thrown(() => limitUpAtOpen({ preClose: [1], band: { up: new Float64Array(1), down: new Float64Array(1) } })).message).toContain('`open`');
    expect(thrown(() => limitFlags({ ...base, high: undefined as unknown as number[] })).message).toContain('`high`');
    expect(thrown(() => limitUpAtOpen({ ...base, open: [1] })).code).toBe('FK_INVALID_ARGUMENT');
  });
});

describe('tradability', () => {
  it('blocks buys at limit-up and sells at limit-down, and everything when suspended', () => {
    const flags = {
      upAtOpen: Uint8Array.from([0, 1, 0, 0, 0]),
      upAtClose: Uint8Array.from([0, 0, 1, 0, 0]),
      downAtOpen: Uint8Array.from([0, 0, 0, 1, 0]),
      downAtClose: Uint8Array.from([1, 0, 0, 0, 0]),
    };
    const isTrading = [1, 1, 1, 1, 0];
    expect([...canBuy(isTrading, flags, 'open')]).toEqual([1, 0, 1, 1, 0]);
    expect([...canBuy(isTrading, flags, 'close')]).toEqual([1, 1, 0, 1, 0]);
    expect([...canSell(isTrading, flags, 'open')]).toEqual([1, 1, 1, 0, 0]);
    expect([...canSell(isTrading, flags, 'close')]).toEqual([0, 1, 1, 1, 0]);
    expect(thrown(() => canBuy([1], flags, 'open')).code).toBe('FK_INVALID_ARGUMENT');
  });
});

describe('listing', () => {
  const calendar = Int32Array.from([20230104, 20230105, 20230106, 20230109]);

  it('finds the listing day from list_date or infers it from the first row', () => {
    expect(findListing([N, 1, 1, 1], { calendar, listDate: 20230105 })).toBe(1);
    expect(findListing([N, N, 1, 1], { calendar, listDate: 20230107 })).toBe(3); // a Saturday: next trading day
    expect(findListing([1, 1, 1, 1], { calendar, listDate: 20010827 })).toBe(LISTED_BEFORE_CALENDAR);
    expect(findListing([N, 1, 1, 1])).toBe(1);
    expect(findListing([1, 1, 1, 1])).toBe(LISTED_BEFORE_CALENDAR);
    expect(findListing([N, 0, 1, 1])).toBe(LISTED_BEFORE_CALENDAR); // a suspension first: it existed already
    expect(findListing([N, N, N, N])).toBe(4);
    expect(thrown(() => findListing([1], { listDate: 20230105 })).code).toBe('FK_INVALID_ARGUMENT');
  });

  it('measures listing age in market days and tests “listed at least N days”', () => {
    expect([...listingAge([N, 1, 0, 1], 1)]).toEqual([N, 0, 1, 2]); // the suspended day counts
    expect([...listingAge([1, 1, N], LISTED_BEFORE_CALENDAR)]).toEqual([INF, INF, N]); // no row: NaN
    expect([...listingAge([N, N, N, N], 4)]).toEqual([N, N, N, N]);
    expect([...listedAtLeast([N, 1, 0, 1], 1, 2)]).toEqual([0, 0, 0, 1]);
    expect([...listedAtLeast([1, 1, N], LISTED_BEFORE_CALENDAR, 250)]).toEqual([1, 1, 0]);
    expect([...tradingDaysSinceListing([1, 1, N], LISTED_BEFORE_CALENDAR)]).toEqual([INF, INF, N]);
    expect([...tradingDaysSinceListing([N, 1, 0, 1, 1], 1)]).toEqual([N, 0, 1, 1, 2]);
  });

  it('passes the ST flag through as a mask', () => {
    expect([...stFlag([0, 1, N, 1])]).toEqual([0, 1, 0, 1]);
  });
});
