/** Cash never goes negative, and the books balance, on random markets with real costs. */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../src/index.js';
import { randomMarket } from './market.js';

describe('cash', () => {
  for (const seed of [1, 2, 3]) {
    it(`never goes negative; the holdings and the cash add up to the value (seed ${seed})`, () => {
      const { data, benchmark, targets } = randomMarket(seed, { days: 160, every: 3 });
      const result = runBacktest(data, {
        capital: 2_000_000,
        benchmark,
        holdings: 'daily',
        costs: { slippageBps: 10 },
        execution: { price: seed === 2 ? 'vwap' : 'open', participation: 0.05 },
        targets: (t) => targets.get(t),
      });
      for (let k = 0; k < result.dates.length; k++) expect(result.cash[k]).toBeGreaterThanOrEqual(0);
      // Buys outran the cash on some days and were scaled down; limits and suspensions refused some.
      expect(result.counts.reasons.cash ?? 0).toBeGreaterThan(0);
      expect((result.counts.reasons.limit_up ?? 0) + (result.counts.reasons.limit_down ?? 0)).toBeGreaterThan(0);
      expect(result.counts.reasons.suspended ?? 0).toBeGreaterThan(0);
      // Weights of the holdings plus the cash share make 1 at every close.
      const weights = new Map<string, number>();
      for (const h of result.holdings) weights.set(h.date, (weights.get(h.date) ?? 0) + h.weight);
      result.dates.forEach((date, k) => expect((weights.get(date) ?? 0) + result.cash[k]! / result.value[k]!).toBeCloseTo(1, 12));
    });
  }

  it('charges every fill by the rules of its date', () => {
    const { data, targets } = randomMarket(4, { days: 160 });
    const result = runBacktest(data, { capital: 5_000_000, costs: { commission: 0.0003, minCommission: 5 }, targets: (t) => targets.get(t) });
    let fills = 0;
    for (const trade of result.trades) {
      if (trade.filled === 0) {
        expect([trade.amount, trade.commission, trade.stampDuty, trade.transferFee]).toEqual([0, 0, 0, 0]);
        continue;
      }
      fills++;
      expect(trade.amount).toBeCloseTo(trade.filled * trade.price, 6);
      expect(trade.commission).toBeCloseTo(Math.max(5, 0.0003 * trade.amount), 9);
      const stamp = trade.side === 'buy' ? 0 : trade.date < '2023-08-28' ? 0.001 : 0.0005;
      expect(trade.stampDuty).toBeCloseTo(stamp * trade.amount, 9);
      expect(trade.transferFee).toBeCloseTo(0.00001 * trade.amount, 9);
    }
    expect(fills).toBeGreaterThan(100);
  });
});
