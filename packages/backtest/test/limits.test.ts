/**
 * Price limits judged at the fill price and time, per board: buys refused at limit-up, sells at
 * limit-down, at the open, the close or (either of them) for the VWAP.
 */
import { describe, expect, it } from 'vitest';
import { makeMarket, weekdays } from './market.js';
import { rowsOf, run, tradeOf } from './helpers.js';

const dates = weekdays('2023-03-06', 5);
const D1 = dates[1]!;
const D2 = dates[2]!;
const D3 = dates[3]!;

// Day 0 closes at 10.00 everywhere; day 1 opens (and closes) as below.
const market = makeMarket(dates, [
  // Main board, opens at +10 % (limit-up 11.00), closes at 10.50.
  { code: '600000.SH', open: [10, 11, 10.6, 10.6, 10.6], close: [10, 10.5, 10.6, 10.6, 10.6] },
  // Main board ST (±5 %): opens at 10.50 = its limit-up.
  { code: '600001.SH', open: [10, 10.5, 10.5, 10.5, 10.5], close: [10, 10.4, 10.5, 10.5, 10.5], st: [1, 1, 1, 1, 1] },
  // Main board, opens normally and closes at limit-up.
  { code: '600002.SH', open: [10, 10.2, 11, 11, 11], close: [10, 11, 11, 11, 11] },
  // STAR (±20 %): +10 % at the open is no limit; +20 % is.
  { code: '688001.SH', open: [10, 11, 11, 11, 11], close: [10, 11, 11, 11, 11] },
  { code: '688002.SH', open: [10, 12, 12, 12, 12], close: [10, 12, 12, 12, 12] },
  // ChiNext after 2020-08-24 (±20 %): +15 % is no limit.
  { code: '300001.SZ', open: [10, 11.5, 11.5, 11.5, 11.5], close: [10, 11.5, 11.5, 11.5, 11.5] },
]);

const everything = { '600000.SH': 0.15, '600001.SH': 0.15, '600002.SH': 0.15, '688001.SH': 0.15, '688002.SH': 0.15, '300001.SZ': 0.15 };

describe('limit-up buys', () => {
  it('at the open: refused where the open is at the board’s limit-up, filled elsewhere', () => {
    const result = run(market, { 0: everything }, { execution: { price: 'open', remainder: 'cancel' } });
    const status = (code: string) => [tradeOf(result, code, D1).status, tradeOf(result, code, D1).reason];
    expect(status('600000.SH')).toEqual(['refused', 'limit_up']); // 11.00 = 10.00 × 1.1
    expect(status('600001.SH')).toEqual(['refused', 'limit_up']); // ST: 10.50 = 10.00 × 1.05
    expect(status('600002.SH')).toEqual(['filled', undefined]); // at limit-up only at the close
    expect(status('688001.SH')).toEqual(['filled', undefined]); // STAR +10 % is within ±20 %
    expect(status('688002.SH')).toEqual(['refused', 'limit_up']); // STAR +20 %
    expect(status('300001.SZ')).toEqual(['filled', undefined]); // ChiNext +15 % is within ±20 %
    // The refused buys left their cash in cash: nothing bought, nothing spent.
    const refused = ['600000.SH', '600001.SH', '688002.SH'].map((c) => result.trades.find((t) => t.code === c)!);
    for (const r of refused) expect([r.filled, r.amount]).toEqual([0, 0]);
  });

  it('at the close: judged by the close, not the open', () => {
    const result = run(market, { 0: everything }, { execution: { price: 'close', remainder: 'cancel' } });
    expect(tradeOf(result, '600000.SH', D1).status).toBe('filled');
    expect(tradeOf(result, '600000.SH', D1).price).toBe(10.5);
    expect([tradeOf(result, '600002.SH', D1).status, tradeOf(result, '600002.SH', D1).reason]).toEqual(['refused', 'limit_up']);
  });

  it('at the VWAP: refused when the book was locked at the limit at the open or at the close', () => {
    const result = run(market, { 0: everything }, { execution: { price: 'vwap', remainder: 'cancel' } });
    expect(tradeOf(result, '600000.SH', D1).reason).toBe('limit_up');
    expect(tradeOf(result, '600002.SH', D1).reason).toBe('limit_up');
    const filled = tradeOf(result, '688001.SH', D1);
    expect(filled.status).toBe('filled');
    expect(filled.price).toBe(11); // the raw VWAP, (11 + 11) / 2
  });

  it('carries a refused buy to the next day and fills it once the limit opens', () => {
    const result = run(market, { 0: { '600000.SH': 0.5 } }, { execution: { price: 'open', remainder: 'carry' } });
    expect(rowsOf(result, '600000.SH').map((r) => r.slice(0, 4))).toEqual([
      [D1, 'buy', 'refused', 'limit_up'],
      [D2, 'buy', 'filled', undefined],
    ]);
    expect(tradeOf(result, '600000.SH', D2).price).toBe(10.6);
  });
});

describe('new listings', () => {
  it('has no limit in a registration-system listing’s first days: a +25 % open on the second day fills', () => {
    // Listed on day 1 (its first row), after the main board's 2023-04-10 registration reform.
    const days = weekdays('2023-06-05', 4);
    const listing = makeMarket(days, [
      { code: '600000.SH', open: [10, 10, 10, 10], close: [10, 10, 10, 10] },
      { code: '603999.SH', open: [NaN, 20, 25, 25], close: [NaN, 20, 25, 25] },
    ]);
    const result = run(listing, { 1: { '603999.SH': 0.5 } }, { execution: { price: 'open' } });
    const fill = tradeOf(result, '603999.SH', days[2]!);
    expect([fill.status, fill.price]).toEqual(['filled', 25]);
    // Before its first close there is no price to size an order with.
    const early = run(listing, { 0: { '603999.SH': 0.5 } }, { execution: { price: 'open' } });
    expect(rowsOf(early, '603999.SH')).toEqual([[days[1], 'buy', 'refused', 'no_price', 0, NaN]]);
  });
});

describe('limit-down sells', () => {
  const down = makeMarket(dates, [
    // Opens at −10 % (limit-down 9.00) on day 2, recovers on day 3.
    { code: '600000.SH', open: [10, 10, 9, 9.5, 9.5], close: [10, 10, 9.2, 9.5, 9.5] },
    // Opens normally on day 2, closes at limit-down.
    { code: '600003.SH', open: [10, 10, 9.8, 9.5, 9.5], close: [10, 10, 9, 9.5, 9.5] },
  ]);
  const schedule = { 0: { '600000.SH': 0.4, '600003.SH': 0.4 }, 1: {} };

  it('at the open: refused at limit-down, carried, sold when it opens above', () => {
    const result = run(down, schedule, { execution: { price: 'open', remainder: 'carry' } });
    expect(rowsOf(result, '600000.SH').map((r) => r.slice(0, 4))).toEqual([
      [D1, 'buy', 'filled', undefined],
      [D2, 'sell', 'refused', 'limit_down'],
      [D3, 'sell', 'filled', undefined],
    ]);
    expect(tradeOf(result, '600003.SH', D2).status).toBe('filled'); // at limit-down only at the close
    expect(tradeOf(result, '600000.SH', D3).price).toBe(9.5);
  });

  it('at the close: judged by the close', () => {
    const result = run(down, schedule, { execution: { price: 'close', remainder: 'cancel' } });
    expect(tradeOf(result, '600000.SH', D2).status).toBe('filled');
    expect([tradeOf(result, '600003.SH', D2).status, tradeOf(result, '600003.SH', D2).reason]).toEqual(['refused', 'limit_down']);
    // Cancelled, not carried: still held at the end.
    expect(result.holdings.filter((h) => h.date === dates[4] && h.code === '600003.SH')[0]!.shares).toBeGreaterThan(0);
  });
});
