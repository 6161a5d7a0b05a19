/**
 * The execution rules on hand-made markets: T+1, lots by board, suspension carry, the volume
 * participation cap (carried and cancelled), the stamp duty switch date and the transfer fee.
 */
import { describe, expect, it } from 'vitest';
import { Account, MarketView, checkSettings, runBacktest } from '../src/index.js';
import { makeMarket, repeat, weekdays, weightsOf } from './market.js';
import { FREE, rowsOf, run, tradeOf } from './helpers.js';

describe('T+1', () => {
  const dates = weekdays('2023-03-06', 4);
  const data = makeMarket(dates, [{ code: '600000.SH', open: repeat(10, 4), close: repeat(10.5, 4) }]);
  const settings = () => {
    const checked = checkSettings({ ...FREE, capital: 1_000_000 }, 'settings');
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    return checked.value;
  };

  it('refuses to sell at the close what was bought at the open of the same day, and sells it the next day', () => {
    const account = new Account(new MarketView(data, ['open', 'close'], true), settings());
    account.beginDay(1);
    const [buy] = account.execute([{ asset: 0, side: 'buy', shares: 1000 }], 'open');
    expect([buy!.status, buy!.filled, buy!.price]).toEqual(['filled', 1000, 10]);
    const [sell] = account.execute([{ asset: 0, side: 'sell', shares: 1000 }], 'close');
    expect([sell!.status, sell!.reason, sell!.filled]).toEqual(['refused', 't+1', 0]);
    expect(account.heldRaw(0)).toBe(1000);
    account.beginDay(2);
    const [next] = account.execute([{ asset: 0, side: 'sell', shares: 1000 }], 'close');
    expect([next!.status, next!.filled, next!.price]).toEqual(['filled', 1000, 10.5]);
    expect(account.heldRaw(0)).toBe(0);
    expect(account.cash).toBe(1_000_000 - 10_000 + 10_500);
  });

  it('sells yesterday’s shares but not today’s: a partial fill with the reason', () => {
    const account = new Account(new MarketView(data, ['open', 'close'], true), settings());
    account.beginDay(1);
    account.execute([{ asset: 0, side: 'buy', shares: 1000 }], 'open');
    account.beginDay(2);
    account.execute([{ asset: 0, side: 'buy', shares: 500 }], 'open');
    const [sell] = account.execute([{ asset: 0, side: 'sell', shares: 1500 }], 'close');
    expect([sell!.status, sell!.reason, sell!.ordered, sell!.filled]).toEqual(['partial', 't+1', 1500, 1000]);
    expect(account.heldRaw(0)).toBe(500);
  });

  it('never binds in runBacktest, which fills on the day after the decision: a buy is sold the next day', () => {
    const result = run(data, { 0: { '600000.SH': 0.5 }, 1: {} }, { capital: 1_000_000 });
    expect(rowsOf(result, '600000.SH').map((r) => r.slice(0, 3))).toEqual([
      [dates[1], 'buy', 'filled'],
      [dates[2], 'sell', 'filled'],
    ]);
  });
});

describe('lots', () => {
  const dates = weekdays('2023-03-06', 5);
  const bonus = 1.05; // 0.5 bonus shares per 10 on day 2: raw price ÷ 1.05, factor × 1.05
  const data = makeMarket(dates, [
    { code: '600000.SH', open: repeat(10, 5), close: repeat(10, 5) },
    { code: '688001.SH', open: repeat(10, 5), close: repeat(10, 5) },
    { code: '688002.SH', open: repeat(10, 5), close: repeat(10, 5) },
    { code: '430001.BJ', open: repeat(10, 5), close: repeat(10, 5) },
    {
      code: '600003.SH',
      open: [10, 10, 10 / bonus, 10 / bonus, 10 / bonus],
      close: [10, 10, 10 / bonus, 10 / bonus, 10 / bonus],
      factor: [1, 1, bonus, bonus, bonus],
    },
  ]);

  it('buys round lots on the main board, 200 then 1-share steps on STAR, 100 then 1 on the BSE', () => {
    // Capital 1,000,000 at 10 CNY: weight w asks for w × 100,000 shares.
    const result = run(data, { 0: { '600000.SH': 0.012345, '688001.SH': 0.002347, '688002.SH': 0.0015, '430001.BJ': 0.001506 } }, { capital: 1_000_000 });
    const filled = (code: string) => tradeOf(result, code, dates[1]!).filled;
    expect(filled('600000.SH')).toBe(1200); // 1,234.5 → 1,200
    expect(filled('688001.SH')).toBe(234); // 234.7 → 234
    expect(filled('430001.BJ')).toBe(150); // 150.6 → 150
    // 150 STAR shares are below the 200-share minimum: no order at all, counted.
    expect(result.trades.filter((t) => t.code === '688002.SH')).toEqual([]);
    expect(result.counts.belowLot).toBe(1);
  });

  it('sells round lots out of a position the bonus shares made odd, and the whole odd position on exit', () => {
    const result = run(data, { 0: { '600003.SH': 0.012 }, 2: { '600003.SH': 0.006 }, 3: {} }, { capital: 1_000_000 });
    expect(tradeOf(result, '600003.SH', dates[1]!).filled).toBe(1200);
    // On day 2 the 1,200 shares became 1,260; half the value is 600 adjusted = 630 raw shares: 600 sold.
    const holdingAfterBonus = result.holdings.find((h) => h.code === '600003.SH' && h.date === dates[3]!);
    const partial = tradeOf(result, '600003.SH', dates[3]!);
    expect([partial.side, partial.filled, partial.status]).toEqual(['sell', 600, 'filled']);
    expect(holdingAfterBonus!.shares).toBeCloseTo(660, 9);
    const exit = tradeOf(result, '600003.SH', dates[4]!);
    expect(exit.side).toBe('sell');
    expect(exit.filled).toBeCloseTo(660, 9); // odd lot included
    expect(exit.price).toBeCloseTo(10 / bonus, 12);
    expect(result.holdings.find((h) => h.code === '600003.SH' && h.date === dates[4]!)).toBeUndefined();
  });

  it('keeps the NAV through a bonus issue: the adjusted price carries it', () => {
    const result = run(data, { 0: { '600003.SH': 0.5 } }, { capital: 1_000_000 });
    expect([...result.nav]).toEqual([1, 1, 1, 1, 1]);
    const before = result.holdings.find((h) => h.code === '600003.SH' && h.date === dates[1]!)!;
    const after = result.holdings.find((h) => h.code === '600003.SH' && h.date === dates[4]!)!;
    expect(after.shares).toBeCloseTo(before.shares * bonus, 9);
  });
});

describe('suspension', () => {
  const dates = weekdays('2023-03-06', 6);
  const data = makeMarket(dates, [
    { code: '600000.SH', open: repeat(10, 6), close: repeat(10, 6), suspended: [2, 3] },
    { code: '600001.SH', open: repeat(10, 6), close: repeat(10, 6) },
  ]);
  const schedule = { 0: { '600000.SH': 0.5 }, 1: { '600001.SH': 0.9 } };

  it('refuses trades of a suspended stock, carries its weight, and sells it on the day it resumes', () => {
    const result = run(data, schedule, { capital: 1_000_000, execution: { remainder: 'carry' } });
    expect(rowsOf(result, '600000.SH').map((r) => r.slice(0, 5))).toEqual([
      [dates[1], 'buy', 'filled', undefined, 50_000],
      [dates[2], 'sell', 'refused', 'suspended', 0],
      [dates[3], 'sell', 'refused', 'suspended', 0],
      [dates[4], 'sell', 'filled', undefined, 50_000],
    ]);
    // The weight stays while suspended: marked at its last close.
    const held = (d: number) => result.holdings.find((h) => h.code === '600000.SH' && h.date === dates[d]!);
    expect(held(2)!.weight).toBeCloseTo(0.5, 12);
    // The buy of 600001 could only use the cash there was (sells first, buys scaled down).
    expect(rowsOf(result, '600001.SH')).toEqual([[dates[2], 'buy', 'partial', 'cash', 49_900, 90_000]]);
    expect(result.cash[4]).toBeCloseTo(1_000_000 - 49_900 * 10, 6);
    expect([...result.nav]).toEqual(repeat(1, 6));
  });

  it('keeps a stock whose rows end at its last close, refuses its sale, and says so', () => {
    const gone = makeMarket(dates, [{ code: '600002.SH', open: [10, 10, 10, 11, NaN, NaN], close: [10, 10, 10, 11, NaN, NaN] }]);
    const result = run(gone, { 0: { '600002.SH': 0.5 }, 3: {} }, { capital: 1_000_000 });
    expect(rowsOf(result, '600002.SH').map((r) => r.slice(0, 4))).toEqual([
      [dates[1], 'buy', 'filled', undefined],
      [dates[4], 'sell', 'refused', 'no_row'],
      [dates[5], 'sell', 'refused', 'no_row'],
      [dates[5], 'sell', 'cancelled', 'end'],
    ]);
    expect(result.nav.at(-1)).toBeCloseTo(1.05, 12);
    expect(result.notes).toEqual(['1 position(s) have no daily row on the last day (delisted, or missing from the data) and are valued at their last close: `600002.SH`']);
  });

  it('lets a buy scaled down for cash lapse when no sell is waiting to pay for it', () => {
    // Sized at 10.00 for the whole capital, it opens at 10.50: only 95,200 shares fit.
    const gap = makeMarket(dates, [{ code: '600001.SH', open: [10, 10.5, 10.5, 10.5, 10.5, 10.5], close: repeat(10.5, 6).map((v, t) => (t === 0 ? 10 : v)) }]);
    const result = run(gap, { 0: { '600001.SH': 1 } }, { capital: 1_000_000, execution: { remainder: 'carry' } });
    expect(rowsOf(result, '600001.SH')).toEqual([[dates[1], 'buy', 'partial', 'cash', 95_200, 100_000]]);
    expect(result.cash.at(-1)).toBeCloseTo(1_000_000 - 95_200 * 10.5, 6);
  });

  it('with `cancel`, drops the refused sell: the stock stays in the portfolio', () => {
    const result = run(data, schedule, { capital: 1_000_000, execution: { remainder: 'cancel' } });
    expect(rowsOf(result, '600000.SH').map((r) => r.slice(0, 4))).toEqual([
      [dates[1], 'buy', 'filled', undefined],
      [dates[2], 'sell', 'refused', 'suspended'],
    ]);
    expect(result.holdings.find((h) => h.code === '600000.SH' && h.date === dates[5]!)!.shares).toBe(50_000);
  });
});

describe('volume participation cap', () => {
  const dates = weekdays('2023-03-06', 6);
  const data = makeMarket(dates, [{ code: '600000.SH', open: repeat(10, 6), close: repeat(10, 6), volume: repeat(10_000, 6) }]);
  const schedule = { 0: { '600000.SH': 0.025 } }; // 2,500 shares at 10 CNY of 1,000,000

  it('fills at most the participation share of the day’s volume and carries the rest', () => {
    const result = run(data, schedule, { capital: 1_000_000, execution: { participation: 0.1, remainder: 'carry' } });
    expect(rowsOf(result, '600000.SH')).toEqual([
      [dates[1], 'buy', 'partial', 'volume_cap', 1000, 2500],
      [dates[2], 'buy', 'partial', 'volume_cap', 1000, 1500],
      [dates[3], 'buy', 'filled', undefined, 500, 500],
    ]);
  });

  it('or cancels it', () => {
    const result = run(data, schedule, { capital: 1_000_000, execution: { participation: 0.1, remainder: 'cancel' } });
    expect(rowsOf(result, '600000.SH')).toEqual([[dates[1], 'buy', 'partial', 'volume_cap', 1000, 2500]]);
    expect(result.holdings.at(-1)!.shares).toBe(1000);
  });

  it('carries each order’s own remainder when a day holds buys and sells', () => {
    // Asset 0 (600000) trades 10,000 shares a day, asset 1 (600001) 5,000: caps of 1,000 and 500.
    const two = makeMarket(dates, [
      { code: '600000.SH', open: repeat(10, 6), close: repeat(10, 6), volume: repeat(10_000, 6) },
      { code: '600001.SH', open: repeat(10, 6), close: repeat(10, 6), volume: repeat(5_000, 6) },
    ]);
    const result = run(two, { 0: { '600001.SH': 0.01 }, 2: { '600000.SH': 0.025 } }, { capital: 1_000_000, execution: { participation: 0.1 } });
    expect(rowsOf(result, '600000.SH')).toEqual([
      [dates[3], 'buy', 'partial', 'volume_cap', 1000, 2500],
      [dates[4], 'buy', 'partial', 'volume_cap', 1000, 1500],
      [dates[5], 'buy', 'filled', undefined, 500, 500],
    ]);
    expect(rowsOf(result, '600001.SH')).toEqual([
      [dates[1], 'buy', 'partial', 'volume_cap', 500, 1000],
      [dates[2], 'buy', 'filled', undefined, 500, 500],
      [dates[3], 'sell', 'partial', 'volume_cap', 500, 1000],
      [dates[4], 'sell', 'filled', undefined, 500, 500],
    ]);
  });

  it('reports a carried remainder that a new rebalance replaces, and one still open at the end', () => {
    const result = run(data, { 0: { '600000.SH': 0.025 }, 1: { '600000.SH': 0.025 } }, { capital: 1_000_000, execution: { participation: 0.1 } });
    const rows = rowsOf(result, '600000.SH');
    expect(rows[1]).toEqual([dates[1], 'buy', 'cancelled', 'superseded', 0, 1500]);
    // The new order asks for the difference from the 1,000 shares held: 1,500, again capped.
    expect(rows.slice(2)).toEqual([
      [dates[2], 'buy', 'partial', 'volume_cap', 1000, 1500],
      [dates[3], 'buy', 'filled', undefined, 500, 500],
    ]);
    const late = run(data, { 3: { '600000.SH': 0.025 } }, { capital: 1_000_000, execution: { participation: 0.1 } });
    expect(rowsOf(late, '600000.SH').at(-1)).toEqual([dates[5], 'buy', 'cancelled', 'end', 0, 500]);
  });
});

describe('costs', () => {
  // 2023-08-25 is the last day of the 0.1 % stamp duty, 2023-08-28 the first of 0.05 %.
  const dates = ['2023-08-23', '2023-08-24', '2023-08-25', '2023-08-28', '2023-08-29'];
  const data = makeMarket(dates, [{ code: '600000.SH', open: repeat(10, 5), close: repeat(10, 5) }]);

  it('charges stamp duty on sells only, 0.1 % before 2023-08-28 and 0.05 % from then; commission with its minimum; the transfer fee', () => {
    const result = runBacktest(data, {
      capital: 1_000_000,
      depositRate: 0,
      execution: { participation: 1 },
      costs: { commission: 0.00025, minCommission: 5, slippageBps: 0 },
      targets: (t) => (t === 0 ? weightsOf(data, { '600000.SH': 0.5 }) : t === 1 ? weightsOf(data, { '600000.SH': 0.25 }) : t === 2 ? weightsOf(data, {}) : undefined),
    });
    const [buy, sellOld, sellNew] = result.trades;
    expect([buy!.date, buy!.side, buy!.filled]).toEqual(['2023-08-24', 'buy', 50_000]);
    expect(buy!.stampDuty).toBe(0);
    expect(buy!.commission).toBeCloseTo(500_000 * 0.00025, 9);
    expect(buy!.transferFee).toBeCloseTo(500_000 * 0.00001, 12); // 0.01‰ since 2022-04-29
    expect([sellOld!.date, sellOld!.side, sellOld!.filled]).toEqual(['2023-08-25', 'sell', 25_000]);
    expect(sellOld!.stampDuty).toBeCloseTo(250_000 * 0.001, 9);
    expect([sellNew!.date, sellNew!.side, sellNew!.filled]).toEqual(['2023-08-28', 'sell', 25_000]);
    expect(sellNew!.stampDuty).toBeCloseTo(250_000 * 0.0005, 9);
    // The day's cost column sums the fees.
    const k = result.dates.indexOf('2023-08-28');
    expect(result.cost[k]).toBeCloseTo(sellNew!.commission + sellNew!.stampDuty + sellNew!.transferFee, 9);
    const spent = [buy!, sellOld!, sellNew!].reduce((s, t) => s + t.commission + t.stampDuty + t.transferFee, 0);
    expect(result.cash.at(-1)).toBeCloseTo(1_000_000 - spent, 6);
  });

  it('applies the minimum commission to a small order, and slippage to the price', () => {
    const result = runBacktest(data, {
      capital: 100_000,
      depositRate: 0,
      execution: { participation: 1 },
      costs: { commission: 0.00025, minCommission: 5, slippageBps: 10 },
      targets: (t) => (t === 0 ? weightsOf(data, { '600000.SH': 0.1 }) : undefined),
    });
    const [buy] = result.trades;
    expect(buy!.filled).toBe(1000);
    expect(buy!.price).toBeCloseTo(10 * 1.001, 12);
    expect(buy!.commission).toBe(5); // 0.025 % of 10,010 is 2.50
    expect(buy!.slippage).toBeCloseTo(1000 * 10 * 0.001, 9);
    expect(result.cost[1]).toBeCloseTo(5 + buy!.transferFee + 10, 9);
  });

  it('accrues the deposit rate on cash over calendar days', () => {
    const result = runBacktest(data, { capital: 1_000_000, depositRate: 0.0365, targets: () => undefined });
    // 2023-08-25 → 2023-08-28 is 3 calendar days.
    expect(result.interest[3]).toBeCloseTo(result.cash[2]! * 0.0365 * 3 / 365, 9);
    expect(result.cash.at(-1)).toBeCloseTo(1_000_000 * (1 + 0.0001) ** 3 * (1 + 0.0003), 6);
  });
});
