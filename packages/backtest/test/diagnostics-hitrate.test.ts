/** The stock-level hit rate on a hand-made market: top deciles, ties at the edge, stocks without a return, candidates. */
import { type FactorkitError, isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { stockHitRate } from '../src/index.js';
import { type StockDays, makeMarket, weekdays } from './market.js';

function thrown(f: () => unknown): FactorkitError {
  try {
    f();
  } catch (error) {
    if (isFactorkitError(error)) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

/**
 * 20 stocks `600000.SH … 600019.SH` over 6 days, all at 10 on day 0. Period 1 (day 0 → day 3):
 * stock i returns i %. Period 2 (day 3 → day 5): stocks 17, 18, 19 return 30 % (a tie at the
 * edge of the top two), the others 1 %. A 21st stock, `600099.SH`, lists on day 4.
 */
function market() {
  const dates = weekdays('2024-03-04', 6);
  const stocks: StockDays[] = Array.from({ length: 20 }, (_, i) => {
    const p3 = 10 * (1 + i / 100);
    const p5 = p3 * (i >= 17 ? 1.3 : 1.01);
    const close = [10, 10, 10, p3, p3, p5];
    return { code: `6000${String(i).padStart(2, '0')}.SH`, open: close, close };
  });
  stocks.push({ code: '600099.SH', open: [Number.NaN, Number.NaN, Number.NaN, Number.NaN, 8, 9], close: [Number.NaN, Number.NaN, Number.NaN, Number.NaN, 8, 9] });
  return makeMarket(dates, stocks);
}

const data = market();
const N = data.assets.length;
const at = (entries: Record<number, number>) => {
  const out = new Float64Array(N);
  for (const [a, v] of Object.entries(entries)) out[Number(a)] = v;
  return out;
};
// Columns: 0 … 19 are 600000 … 600019, 20 is 600099.
const ACTIVE = new Map<number, Float64Array>([
  [0, at({ 19: 0.02, 5: 0.02, 0: 0.02, 3: -0.01, 20: 0.04 })],
  [3, at({ 17: 0.03, 2: 0.01, 19: -0.02 })],
]);
const BENCH = new Float64Array(N).fill(0.05);
BENCH[20] = Number.NaN;

describe('stockHitRate', () => {
  it('takes the share of positive active weight in the top decile of each period, by hand', () => {
    expect(data.assets[20]).toBe('600099.SH');
    const result = stockHitRate({ data, rebalances: [0, 3], active: (t) => ACTIVE.get(t), benchmarkWeights: () => BENCH });
    const [p1, p2] = result.periods;
    // Period 1: top two = 19 and 18; +0.02 of +0.06 ranked sits there; 600099 has no close on day 0.
    expect(p1).toEqual({ date: '2024-03-04', end: '2024-03-07', hitRate: expect.closeTo(1 / 3, 15) as number, activeWeightTop: 0.02, activeWeightTotal: expect.closeTo(0.06, 15) as number, stocks: 20, top: 2, overweight: 3, unrankedWeight: 0.04 });
    // Period 2: the tie puts three stocks in the top; +0.03 of +0.04.
    expect(p2).toMatchObject({ date: '2024-03-07', end: '2024-03-11', stocks: 20, top: 3, overweight: 2, unrankedWeight: 0 });
    expect(p2!.hitRate).toBeCloseTo(0.75, 15);
    expect(result.mean).toBeCloseTo((1 / 3 + 0.75) / 2, 15);
    expect(result.random).toBeCloseTo((2 / 20 + 3 / 20) / 2, 15);
    expect([result.decile, result.skipped]).toEqual([0.1, 0]);
  });

  it('ranks the stocks with an active weight by default, and given candidates or a decile', () => {
    // Without benchmark weights: 19, 5, 0 and 3 are ranked; the top one is 19.
    const own = stockHitRate({ data, rebalances: [0], end: 3, active: (t) => ACTIVE.get(t) });
    expect(own.periods[0]).toMatchObject({ stocks: 4, top: 1, overweight: 3 });
    expect(own.periods[0]!.hitRate).toBeCloseTo(1 / 3, 15);
    // A fifth (4 of 20) puts 16 … 19 on top: still only 19 held.
    const fifth = stockHitRate({ data, rebalances: [0], end: 3, active: (t) => ACTIVE.get(t), benchmarkWeights: () => BENCH, decile: 0.2 });
    expect(fifth.periods[0]).toMatchObject({ top: 4, stocks: 20 });
    // Candidates 0 … 9 only: 19 is not ranked (its weight goes unranked), the top is 9.
    const firstTen = Uint8Array.from({ length: N }, (_, a) => (a < 10 ? 1 : 0));
    const chosen = stockHitRate({ data, rebalances: [0], end: 3, active: (t) => ACTIVE.get(t), candidates: () => firstTen });
    expect(chosen.periods[0]).toMatchObject({ stocks: 10, top: 1, activeWeightTop: 0, unrankedWeight: expect.closeTo(0.06, 15) as number });
    expect(chosen.periods[0]!.hitRate).toBe(0);
  });

  it('skips periods without weights or that start at the end, and refuses bad options', () => {
    const result = stockHitRate({ data, rebalances: [0, 1, 5], active: (t) => (t === 1 ? undefined : ACTIVE.get(0)) });
    // Day 0 → day 1 (all flat: every ranked stock ties on top), day 1 skipped, day 5 is the end.
    expect(result.skipped).toBe(2);
    expect(result.periods.map((p) => [p.date, p.end, p.top, p.stocks])).toEqual([['2024-03-04', '2024-03-05', 4, 4]]);
    expect(result.periods[0]!.hitRate).toBe(1);
    const error = thrown(() => stockHitRate({ data, rebalances: [3, 2], active: 1 as never, decile: 0 }));
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.message).toMatch(/options\.rebalances\[1\]: expected an increasing calendar index/);
    expect(error.message).toMatch(/options\.active: expected a function/);
    expect(error.message).toMatch(/options\.decile: expected a share in \(0, 1\], got `0`/);
    expect(thrown(() => stockHitRate({ data, rebalances: [0], active: () => new Float64Array(2) })).message).toMatch(/active\(2024-03-04\): expected 21 values/);
  });
});
