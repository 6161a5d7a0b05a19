/**
 * Excess attribution on a market whose returns are exactly X·f (no specific return), by hand;
 * and the three diagnostics of a random run recomputed by numpy (reference_diagnostics.py).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FactorkitError, isFactorkitError } from '@factorkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type AttributionFactor, type AttributionOptions, contributionTracker, excessAttribution, runBacktest, stockHitRate, weightRecorder } from '../src/index.js';
import { makeMarket, randomMarket, rng } from './market.js';

function thrown(f: () => unknown): FactorkitError {
  try {
    f();
  } catch (error) {
    if (isFactorkitError(error)) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

const FACTORS: AttributionFactor[] = [
  { name: 'country', group: 'country' },
  { name: 'industry:bank', group: 'industry' },
  { name: 'industry:tech', group: 'industry' },
  { name: 'size', group: 'style' },
];
// Stocks 0, 1 banks, 2, 3 tech; sizes 1, −1, 0.5, −0.5.
const X = Float64Array.of(1, 1, 0, 1, 1, 1, 0, -1, 1, 0, 1, 0.5, 1, 0, 1, -0.5);
const F = [Float64Array.of(0.01, 0.02, -0.01, 0.005), Float64Array.of(-0.02, 0, 0.03, -0.01)];

/** Thu, Fri, Mon: the two returns fall in different ISO weeks and in one month. */
function exactMarket() {
  const dates = ['2024-01-04', '2024-01-05', '2024-01-08'];
  const closes = [0, 1, 2, 3].map((a) => {
    const path = [10];
    for (const f of F) {
      let r = 0;
      for (let k = 0; k < 4; k++) r += X[a * 4 + k]! * f[k]!;
      path.push(path[path.length - 1]! * (1 + r));
    }
    return path;
  });
  const data = makeMarket(
    dates,
    closes.map((close, a) => ({ code: `60000${a}.SH`, open: close, close })),
  );
  return { data, dates };
}

describe('excessAttribution', () => {
  const { data } = exactMarket();
  const W = [Float64Array.of(0.4, 0.2, 0.3, 0.1), Float64Array.of(0.1, 0.3, 0.2, 0.3)];
  const B = [Float64Array.of(0.25, 0.25, 0.25, 0.25), Float64Array.of(0.2, 0.2, 0.3, 0.3)];
  const base: AttributionOptions = {
    data,
    start: 0,
    end: 2,
    weights: (t) => W[t],
    benchmarkWeights: (t) => B[t],
    factors: FACTORS,
    exposures: () => X,
    factorReturns: (t) => F[t - 1],
  };

  it('splits returns that are exactly X·f into factor parts by hand, with no specific', () => {
    const result = excessAttribution(base);
    expect(result.dates).toEqual(['2024-01-05', '2024-01-08']);
    // Day 1: w − b = (0.15, −0.05, 0.05, −0.15): x = (0, 0.1, −0.1, 0.3).
    // Day 2: w − b = (−0.1, 0.1, −0.1, 0): x = (−0.1, 0, −0.1, −0.25) (the portfolio is 90 % invested).
    const hand = {
      active: [0.0045, 0.0015],
      country: [0, 0.002],
      industry: [0.003, -0.003],
      style: [0.0015, 0.0025],
      specific: [0, 0],
    };
    for (const [part, values] of Object.entries(hand)) {
      values.forEach((v, i) => expect(result.daily[part as keyof typeof hand][i], `${part}[${i}]`).toBeCloseTo(v, 15));
    }
    expect([...result.activeExposures].map((v) => Math.round(v * 1e12) / 1e12 + 0)).toEqual([0, 0.1, -0.1, 0.3, -0.1, 0, -0.1, -0.25]);
    expect(result.byFactor.map((f) => [f.name, Math.round(f.contribution * 1e15) / 1e15])).toEqual([
      ['country', 0.002],
      ['industry:bank', 0.002],
      ['industry:tech', -0.002],
      ['size', 0.004],
    ]);
    expect(result.byFactor[3]!.meanExposure).toBeCloseTo(0.025, 15);
    expect(result.total.active).toBeCloseTo(0.006, 15);
    expect(result.total.style).toBeCloseTo(0.004, 15);
    expect(Math.abs(result.total.specific)).toBeLessThan(1e-15);
    // Weeks: one return each; the month sums both.
    expect(result.periods.week.map((r) => [r.period, r.start, r.end, r.days])).toEqual([
      ['2024-W01', '2024-01-04', '2024-01-05', 1],
      ['2024-W02', '2024-01-05', '2024-01-08', 1],
    ]);
    expect(result.periods.week[1]!.industry).toBeCloseTo(-0.003, 15);
    expect(result.periods.month).toHaveLength(1);
    expect(result.periods.month[0]!.active).toBeCloseTo(0.006, 15);
    expect(result.periods.year[0]!.country).toBeCloseTo(0.002, 15);
    expect(result.notes).toEqual([]);
  });

  it('counts what is missing and leaves it to the specific part', () => {
    const gappy = Float64Array.from(X);
    gappy[1 * 4 + 3] = Number.NaN; // stock 1's size
    const result = excessAttribution({
      ...base,
      benchmarkWeights: (t) => (t === 1 ? undefined : B[t]),
      exposures: () => gappy,
      factorReturns: (t) => (t === 2 ? undefined : Float64Array.of(0.01, Number.NaN, -0.01, 0.005)),
    });
    // Day 1: stock 1 (active −0.05) lacks its size exposure: x_size = 0.15 + 0.025 + 0.075; bank has no return.
    expect(result.daily.style[0]).toBeCloseTo(0.25 * 0.005, 15);
    expect(result.daily.industry[0]).toBeCloseTo(-0.1 * -0.01, 15);
    expect(result.daily.specific[0]).toBeCloseTo(0.0045 - 0.00125 - 0.001, 15);
    // Day 2: no benchmark at day 1 (active = portfolio) and no factor returns: all specific.
    const r2 = [-0.03, -0.01, 0.005, 0.015];
    expect(result.daily.active[1]).toBeCloseTo(W[1]!.reduce((s, w, a) => s + w * r2[a]!, 0), 15);
    expect(result.daily.specific[1]).toBe(result.daily.active[1]);
    expect(result.counts).toEqual({ missingReturns: 0, missingExposures: 1, missingFactorReturns: 1, daysWithoutModel: 1, daysWithoutBenchmark: 1 });
    expect(result.notes).toHaveLength(4);
  });

  it('refuses bad options and inputs of the wrong shape', () => {
    const error = thrown(() => excessAttribution({ ...base, start: 2, end: 1, factors: [{ name: 'size', group: 'styles' as never }, { name: 'size', group: 'style' }], exposures: undefined as never }));
    expect(error.code).toBe('FK_INVALID_PARAMS');
    for (const text of ['options.end: expected a calendar index in `2` … 2, got `1`', 'options.exposures: expected a function', 'options.factors[0].group', 'options.factors[1].name: `size` appears twice']) {
      expect(error.message).toContain(text);
    }
    expect(thrown(() => excessAttribution({ ...base, exposures: () => new Float64Array(15) })).message).toMatch(/exposures\(2024-01-04\): expected 4 assets × 4 factors = 16 values, got 15/);
    expect(thrown(() => excessAttribution({ ...base, weights: () => undefined })).message).toMatch(/no weights at the close of 2024-01-04/);
  });
});

const root = mkdtempSync(join(tmpdir(), 'factorkit-diagnostics-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the diagnostics of a random run against numpy', () => {
  it('agree on contributions, attribution (daily, periods, factors) and hit rates to 1e-12', () => {
    const { data, targets } = randomMarket(21, { days: 260, every: 5 });
    const N = data.assets.length;
    const T = data.calendar.length;
    const random = rng(77);
    // Benchmark weights that move every 20 days; one stock out of the benchmark.
    const benchAt = (t: number) => {
      const r = rng(1000 + Math.floor(t / 20));
      const w = Float64Array.from({ length: N }, () => 0.2 + r());
      w[4] = Number.NaN;
      const sum = w.reduce((s, v) => s + (Number.isNaN(v) ? 0 : v), 0);
      return w.map((v) => v / sum);
    };
    // Country, three industries (stocks switch industry at day 130), two styles with gaps.
    const K = 6;
    const factors: AttributionFactor[] = [
      { name: 'country', group: 'country' },
      { name: 'industry:a', group: 'industry' },
      { name: 'industry:b', group: 'industry' },
      { name: 'industry:c', group: 'industry' },
      { name: 'size', group: 'style' },
      { name: 'value', group: 'style' },
    ];
    const exposures = Array.from({ length: T }, (_, t) => {
      const x = new Float64Array(N * K);
      for (let a = 0; a < N; a++) {
        x[a * K] = 1;
        x[a * K + 1 + ((a + (t >= 130 ? 1 : 0)) % 3)] = 1;
        x[a * K + 4] = random() * 4 - 2;
        x[a * K + 5] = a === 7 && t % 9 === 0 ? Number.NaN : random() * 2 - 1;
      }
      return x;
    });
    const factorReturns = Array.from({ length: T }, (_, t) => Float64Array.from({ length: K }, (_, k) => (k === 5 && t === 40 ? Number.NaN : (random() - 0.5) * 0.02)));

    const recorder = weightRecorder(data);
    const tracker = contributionTracker(data, { benchmarkWeights: benchAt });
    const start = 2;
    const end = T - 3;
    const result = runBacktest(data, {
      capital: 4_000_000,
      start: data.calendar.dates[start]!,
      end: data.calendar.dates[end]!,
      execution: { price: 'vwap', participation: 0.1 },
      targets: (t) => targets.get(t),
      onClose: (t, w) => {
        recorder.onClose(t, w);
        tracker.onClose(t, w);
      },
    });
    expect(result.startIndex).toBe(start);
    const attribution = excessAttribution({ data, start, end, weights: (t) => recorder.weights(t), benchmarkWeights: benchAt, factors, exposures: (t) => exposures[t], factorReturns: (t) => factorReturns[t] });
    const rebalances = [...targets.keys()].filter((t) => t >= start && t < end);
    const activeAt = (t: number) => {
      const b = benchAt(t);
      return targets.get(t)!.map((w, a) => w - (Number.isNaN(b[a]!) ? 0 : b[a]!));
    };
    const hits = stockHitRate({ data, rebalances, end, active: activeAt, benchmarkWeights: benchAt });

    const close = data.field('close').values;
    const plain = (v: number) => (Number.isFinite(v) ? v : null);
    const days = Array.from({ length: end - start + 1 }, (_, i) => start + i);
    const input = {
      dates: data.calendar.dates,
      closes: Array.from({ length: N }, (_, a) => Array.from(close.subarray(a * T, (a + 1) * T), plain)),
      start,
      end,
      weights: days.map((t) => Array.from(recorder.weights(t)!)),
      bench: days.map((t) => Array.from(benchAt(t), plain)),
      exposures: days.map((t) => Array.from({ length: N }, (_, a) => Array.from(exposures[t]!.subarray(a * K, (a + 1) * K), plain))),
      factor_returns: days.map((t) => Array.from(factorReturns[t]!, plain)),
      groups: factors.map((f) => f.group),
      rebalances,
      active: rebalances.map((t) => Array.from(activeAt(t))),
      hit_bench: rebalances.map((t) => Array.from(benchAt(t), plain)),
      decile: 0.1,
    };
    const inFile = join(root, 'in.json');
    const outFile = join(root, 'out.json');
    writeFileSync(inFile, JSON.stringify(input));
    execFileSync('python3', [join(import.meta.dirname, 'reference_diagnostics.py'), inFile, outFile], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 });
    const ref = JSON.parse(readFileSync(outFile, 'utf8')) as {
      contribution: number[];
      active_contribution: number[];
      days_held: number[];
      mean_weight: number[];
      mean_active_weight: number[];
      portfolio_daily: number[];
      daily: Record<'active' | 'country' | 'industry' | 'style' | 'specific', number[]>;
      periods: Record<'week' | 'month' | 'quarter' | 'year', ({ period: string; days: number } & Record<'active' | 'country' | 'industry' | 'style' | 'specific', number>)[]>;
      factor_total: number[];
      hits: { hit_rate: number; top: number; stocks: number; total: number }[];
      hit_mean: number;
    };
    const close12 = (x: number, y: number, what: string) => expect(Math.abs(x - y), `${what}: ${x} vs ${y}`).toBeLessThan(1e-12);

    // Contributions.
    const rows = tracker.result();
    expect(rows.length).toBe(N);
    for (const row of rows) {
      close12(row.contribution, ref.contribution[row.asset]!, `contribution ${row.code}`);
      close12(row.activeContribution, ref.active_contribution[row.asset]!, `active ${row.code}`);
      close12(row.meanWeight, ref.mean_weight[row.asset]!, `mean weight ${row.code}`);
      close12(row.meanActiveWeight, ref.mean_active_weight[row.asset]!, `mean active ${row.code}`);
      expect(row.daysHeld).toBe(ref.days_held[row.asset]);
    }
    tracker.daily().portfolio.forEach((v, i) => close12(v, ref.portfolio_daily[i]!, `portfolio day ${i}`));

    // Attribution: every part of every day, the period sums and the factor totals.
    const parts = ['active', 'country', 'industry', 'style', 'specific'] as const;
    expect(attribution.dates.length).toBe(ref.daily.active.length);
    let moved = 0;
    for (const part of parts) {
      attribution.daily[part].forEach((v, i) => close12(v, ref.daily[part][i]!, `${part} day ${i}`));
      if (part !== 'specific') moved += attribution.daily[part].filter((v) => Math.abs(v) > 1e-5).length;
    }
    expect(moved).toBeGreaterThan(300);
    for (const frequency of ['week', 'month', 'quarter', 'year'] as const) {
      const mine = attribution.periods[frequency];
      expect(mine.map((r) => [r.period, r.days])).toEqual(ref.periods[frequency].map((r) => [r.period, r.days]));
      mine.forEach((row, i) => {
        for (const part of parts) close12(row[part], ref.periods[frequency][i]![part], `${frequency} ${row.period} ${part}`);
        // The groups add up to the active return of the period.
        close12(row.country + row.industry + row.style + row.specific, ref.periods[frequency][i]!.active, `${frequency} ${row.period} sum`);
      });
    }
    attribution.byFactor.forEach((f, k) => close12(f.contribution, ref.factor_total[k]!, `factor ${f.name}`));
    expect(attribution.counts.missingExposures).toBeGreaterThan(0);
    expect(attribution.counts.missingFactorReturns).toBe(1);

    // Hit rates.
    expect(hits.periods.length).toBe(ref.hits.length);
    hits.periods.forEach((p, i) => {
      close12(p.hitRate, ref.hits[i]!.hit_rate, `hit rate ${p.date}`);
      close12(p.activeWeightTotal, ref.hits[i]!.total, `total ${p.date}`);
      expect([p.top, p.stocks]).toEqual([ref.hits[i]!.top, ref.hits[i]!.stocks]);
    });
    close12(hits.mean, ref.hit_mean, 'mean hit rate');
    expect(new Set(hits.periods.map((p) => p.hitRate)).size).toBeGreaterThan(3);
  });
});
