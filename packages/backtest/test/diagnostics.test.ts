/** The `onClose` hook of `runBacktest`, the weight recorder and the per-stock contributions, against hand values and the NAV. */
import { type FactorkitError, isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { contributionTracker, runBacktest, weightRecorder } from '../src/index.js';
import { FREE } from './helpers.js';
import { makeMarket, randomMarket, repeat, weekdays, weightsOf } from './market.js';

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
 * Two stocks, fills at the close: 15,000 of B (000001.SZ) at 20 and 50,000 of A (600000.SH)
 * at 10 on day 1, out of 1,000,000; then A +5 %, −2 % and B −5 %, +5 %.
 */
function handMarket() {
  const dates = weekdays('2024-01-01', 4);
  const data = makeMarket(dates, [
    { code: '600000.SH', open: [10, 10, 10.5, 10.29], close: [10, 10, 10.5, 10.29] },
    { code: '000001.SZ', open: [20, 20, 19, 19.95], close: [20, 20, 19, 19.95] },
  ]);
  return { data, dates };
}

const CLOSE = { ...FREE, capital: 1_000_000, execution: { ...FREE.execution, price: 'close' as const } };

describe('runBacktest onClose', () => {
  it('gives the weights at every close, the first included, in one reused buffer', () => {
    const { data } = handMarket();
    const days: number[] = [];
    const seen: Float64Array[] = [];
    const buffers = new Set<Float64Array>();
    const recorder = weightRecorder(data);
    runBacktest(data, {
      ...CLOSE,
      targets: (t) => (t === 0 ? weightsOf(data, { '600000.SH': 0.5, '000001.SZ': 0.3 }) : undefined),
      onClose: (t, w) => {
        days.push(t);
        seen.push(w.slice());
        buffers.add(w);
        recorder.onClose(t, w);
      },
    });
    expect(days).toEqual([0, 1, 2, 3]);
    expect(buffers.size).toBe(1);
    expect(data.assets).toEqual(['000001.SZ', '600000.SH']);
    // By hand: the value is 1,000,000, then 1,010,000 and 1,013,750.
    const expected = [
      [0, 0],
      [0.3, 0.5],
      [285_000 / 1_010_000, 525_000 / 1_010_000],
      [(15_000 * 19.95) / 1_013_750, (50_000 * 10.29) / 1_013_750],
    ];
    seen.forEach((w, k) => {
      expect(w[0]).toBeCloseTo(expected[k]![0]!, 14);
      expect(w[1]).toBeCloseTo(expected[k]![1]!, 14);
    });
    // The recorder keeps them (sparse), and nothing for a day it did not see.
    expect(recorder.days()).toEqual([0, 1, 2, 3]);
    for (let t = 0; t < 4; t++) expect([...recorder.weights(t)!]).toEqual([...seen[t]!]);
    expect(recorder.weights(4)).toBeUndefined();
  });

  it('starts at the run start and changes nothing in the result', () => {
    const { data, benchmark, targets } = randomMarket(5, { days: 60 });
    const options = { benchmark, targets: (t: number) => targets.get(t), start: data.calendar.dates[3]!, end: data.calendar.dates[50]! };
    const plain = runBacktest(data, options);
    const days: number[] = [];
    const hooked = runBacktest(data, { ...options, onClose: (t) => days.push(t) });
    expect(days).toEqual(Array.from({ length: 48 }, (_, k) => 3 + k));
    expect([...hooked.nav]).toEqual([...plain.nav]);
    expect(hooked.trades).toEqual(plain.trades);
  });

  it('refuses an onClose that is not a function', () => {
    const { data } = handMarket();
    const error = thrown(() => runBacktest(data, { targets: () => undefined, onClose: 3 as never }));
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.message).toMatch(/options\.onClose: expected a function/);
  });
});

describe('contributionTracker', () => {
  it('sums w(t − 1) · r(t) and (w − b)(t − 1) · r(t) per stock, by hand', () => {
    const { data } = handMarket();
    const bench = weightsOf(data, { '600000.SH': 0.4, '000001.SZ': 0.6 });
    const tracker = contributionTracker(data, { benchmarkWeights: () => bench });
    const result = runBacktest(data, { ...CLOSE, targets: (t) => (t === 0 ? weightsOf(data, { '600000.SH': 0.5, '000001.SZ': 0.3 }) : undefined), onClose: tracker.onClose });
    const wA2 = 525_000 / 1_010_000;
    const wB2 = 285_000 / 1_010_000;
    const rows = tracker.result();
    expect(rows.map((r) => r.code)).toEqual(['600000.SH', '000001.SZ']); // A: 0.025 − 0.0104…; B: −0.015 + 0.0141…
    const [a, b] = rows;
    expect(a!.contribution).toBeCloseTo(0.5 * 0.05 + wA2 * -0.02, 14);
    expect(b!.contribution).toBeCloseTo(0.3 * -0.05 + wB2 * 0.05, 14);
    expect(a!.activeContribution).toBeCloseTo(-0.4 * 0 + (0.5 - 0.4) * 0.05 + (wA2 - 0.4) * -0.02, 14);
    expect(b!.activeContribution).toBeCloseTo(-0.6 * 0 + (0.3 - 0.6) * -0.05 + (wB2 - 0.6) * 0.05, 14);
    expect([a!.daysHeld, b!.daysHeld]).toEqual([2, 2]);
    expect(a!.meanWeight).toBeCloseTo((0 + 0.5 + wA2) / 3, 14);
    expect(b!.meanActiveWeight).toBeCloseTo((-0.6 + (0.3 - 0.6) + (wB2 - 0.6)) / 3, 14);
    expect(a!.missingDays).toBe(0);
    // Each day's sum is the NAV's return (fills at the close, no costs).
    const daily = tracker.daily();
    expect(daily.dates).toEqual(result.dates.slice(1));
    for (let k = 1; k < 4; k++) expect(daily.portfolio[k - 1]).toBeCloseTo(result.nav[k]! / result.nav[k - 1]! - 1, 14);
    expect(daily.benchmark[1]).toBeCloseTo(0.4 * 0.05 + 0.6 * -0.05, 14);
    expect(daily.benchmarkMissing).toBe(0);
  });

  it('adds up to the NAV return every day of a random run with fills at the close and no costs (1e-12)', () => {
    for (const seed of [1, 2, 3]) {
      const { data, targets } = randomMarket(seed, { days: 160, every: 3 });
      const tracker = contributionTracker(data);
      const result = runBacktest(data, { ...FREE, execution: { participation: 1, price: 'close' }, targets: (t) => targets.get(t), onClose: tracker.onClose });
      const daily = tracker.daily();
      expect(daily.portfolio.length).toBe(result.nav.length - 1);
      let worst = 0;
      let moved = 0;
      for (let k = 1; k < result.nav.length; k++) {
        const gap = Math.abs(daily.portfolio[k - 1]! - (result.nav[k]! / result.nav[k - 1]! - 1));
        worst = Math.max(worst, gap);
        if (Math.abs(daily.portfolio[k - 1]!) > 1e-4) moved++;
      }
      expect(worst, `seed ${seed}`).toBeLessThan(1e-12);
      expect(moved).toBeGreaterThan(100);
      // Suspended days, limit days and missing rows happened on the way.
      expect(result.counts.refused).toBeGreaterThan(0);
      // The per-stock sums add up to the daily sums, summed over the run.
      const total = tracker.result().reduce((s, r) => s + r.contribution, 0);
      expect(total).toBeCloseTo(daily.portfolio.reduce((s, v) => s + v, 0), 12);
      expect(daily.benchmark.every(Number.isNaN)).toBe(true);
    }
  });

  it('differs from the NAV only on days with fills when fills are at the open with costs', () => {
    const { data, targets } = randomMarket(4, { days: 120, every: 5 });
    const tracker = contributionTracker(data);
    const result = runBacktest(data, { capital: 5_000_000, depositRate: 0, execution: { price: 'open', participation: 1 }, targets: (t) => targets.get(t), onClose: tracker.onClose });
    const daily = tracker.daily();
    let tradeDays = 0;
    let widest = 0;
    for (let k = 1; k < result.nav.length; k++) {
      const gap = Math.abs(daily.portfolio[k - 1]! - (result.nav[k]! / result.nav[k - 1]! - 1));
      if (result.turnover[k] === 0 && result.cost[k] === 0) expect(gap, result.dates[k]).toBeLessThan(1e-12);
      else {
        tradeDays++;
        widest = Math.max(widest, gap);
      }
    }
    expect(tradeDays).toBeGreaterThan(10);
    expect(widest).toBeGreaterThan(1e-6);
  });

  it('counts a weight without a return, and benchmark days without weights', () => {
    const dates = weekdays('2024-01-01', 3);
    // B has no row before day 2: its benchmark weight on day 0 meets no return on day 1.
    const data = makeMarket(dates, [
      { code: '600000.SH', open: repeat(10, 3), close: [10, 11, 11] },
      { code: '600001.SH', open: [Number.NaN, Number.NaN, 5], close: [Number.NaN, Number.NaN, 5] },
    ]);
    const tracker = contributionTracker(data, { benchmarkWeights: (t) => (t === 1 ? undefined : Float64Array.of(0.5, 0.5)) });
    tracker.onClose(0, Float64Array.of(1, 0));
    tracker.onClose(1, Float64Array.of(1, 0));
    tracker.onClose(2, Float64Array.of(1, 0));
    const [a, b] = tracker.result();
    expect(a!.code).toBe('600000.SH');
    expect(a!.contribution).toBeCloseTo(0.1, 14);
    expect(a!.activeContribution).toBeCloseTo(0.5 * 0.1 + 1 * 0, 14);
    expect(b!.missingDays).toBe(1);
    expect(b!.contribution).toBe(0);
    expect(tracker.daily().benchmarkMissing).toBe(1);
    expect(Number.isNaN(tracker.daily().benchmark[1]!)).toBe(true);
    expect(thrown(() => tracker.onClose(2, Float64Array.of(1, 0))).message).toMatch(/day `2` does not follow day 2/);
  });

  it('refuses bad options and arrays of the wrong length', () => {
    const { data } = handMarket();
    const error = thrown(() => contributionTracker(data, { benchmarkWeights: 1 as never, returns: 'open' as never }));
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.message).toMatch(/options\.benchmarkWeights/);
    expect(error.message).toMatch(/options\.returns: expected `close`/);
    const tracker = contributionTracker(data);
    expect(thrown(() => tracker.onClose(0, new Float64Array(3))).message).toMatch(/expected 2 values/);
  });
});
