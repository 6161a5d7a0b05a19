/**
 * The four strategy files written for any dataset with their index run end to end on a small
 * synthetic market (the generator's CSI 500, CSI 1000, CNI 2000, CSI A500 and Hang Seng series),
 * over its last months; the composite benchmarks checked against the index levels with a loop
 * written here (CNI 2000's includes the HSI).
 */
import type { MarketData } from '@factorkit/core';
import { type Dataset, createDataset } from '@factorkit/data';
import { type StrategyResult, createStrategy, runStrategy } from '@factorkit/strategy';
import { readStrategyFile } from '@factorkit/strategy/node';
import { generateMarket } from '@factorkit/synth';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYNTHETIC_FILES, cliRegistry, strategyPath } from './helpers.js';

/** Three years: a year of factor lookback and a year of training labels before the run. */
const MARKET = { seed: 11, stocks: 700, years: 3, start: '2020-01-02', funds: 0 } as const;
const RANGE = { start: '2022-07-01', end: '2022-12-30' } as const;

let data: Dataset;
beforeAll(() => {
  data = createDataset(generateMarket(MARKET).tables).dataset;
});

/** Calendar days between two `YYYY-MM-DD` dates. */
const days = (a: string, b: string): number => (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

/** The benchmark's daily returns over the run's dates from the index levels: Σ w·(L_t / L_t−1 − 1) + w_deposit · 0.35% · days / 365. */
function compositeReturns(market: MarketData & Dataset, dates: readonly string[], terms: readonly { code: string; weight: number }[]): number[] {
  const closes = new Map<string, (date: string) => number>();
  for (const term of terms) {
    if (term.code === 'deposit') continue;
    const levels = market.indexLevels(term.code);
    if (!levels) throw new Error(`no levels for ${term.code}`);
    const close = levels.close;
    closes.set(term.code, (date) => close[market.calendar.indexOf(date)]!);
  }
  const out: number[] = [];
  for (let k = 1; k < dates.length; k++) {
    let r = 0;
    for (const term of terms) {
      if (term.code === 'deposit') r += term.weight * 0.0035 * (days(dates[k - 1]!, dates[k]!) / 365);
      else r += term.weight * (closes.get(term.code)!(dates[k]!) / closes.get(term.code)!(dates[k - 1]!) - 1);
    }
    out.push(r);
  }
  return out;
}

const results = new Map<string, StrategyResult>();
async function run(file: string): Promise<StrategyResult> {
  const cached = results.get(file);
  if (cached) return cached;
  const definition = { ...(await readStrategyFile(strategyPath(file))), ...RANGE };
  const result = await runStrategy(data, createStrategy(definition, { registry: await cliRegistry() }));
  results.set(file, result);
  return result;
}

describe('the synthetic-market strategies (slow)', () => {
  for (const file of SYNTHETIC_FILES) {
    it(`${file} runs: rebalances solved, the model trained, a NAV over the range`, async () => {
      const result = await run(file);
      const { dates, nav } = result.backtest;
      expect(dates[0]! >= RANGE.start && dates[dates.length - 1]! <= RANGE.end).toBe(true);
      expect(dates.length).toBeGreaterThan(100);
      expect(Array.from(nav).every((x) => Number.isFinite(x) && x > 0)).toBe(true);
      const solved = result.rebalances.filter((r) => r.status === 'optimal' || r.status === 'relaxed').length;
      // Weekly over half a year: about 26 decisions, nearly all solved.
      expect(result.rebalances.length).toBeGreaterThanOrEqual(20);
      expect(solved / result.rebalances.length).toBeGreaterThan(0.8);
      expect(result.factorWeights.length).toBeGreaterThan(0);
      expect(new Set(result.factorWeights.map((w) => w.factor)).size).toBe(result.definition.factors.length);
      expect(Number.isFinite(result.backtest.metrics.trackingError)).toBe(true);
    }, 600_000);
  }

  it('benchmarks CNI 2000 enhanced against 90% CNI 2000 + 5% HSI + 5% deposit, the HSI levels included', async () => {
    const result = await run('cni2000-enhanced.yaml');
    const { dates, benchmarkNav } = result.backtest;
    const want = compositeReturns(data, dates, [
      { code: '399303.SZ', weight: 0.9 },
      { code: 'HSI', weight: 0.05 },
      { code: 'deposit', weight: 0.05 },
    ]);
    const without = compositeReturns(data, dates, [
      { code: '399303.SZ', weight: 0.95 },
      { code: 'deposit', weight: 0.05 },
    ]);
    let worst = 0;
    let apart = 0;
    for (let k = 1; k < dates.length; k++) {
      const got = benchmarkNav[k]! / benchmarkNav[k - 1]! - 1;
      worst = Math.max(worst, Math.abs(got - want[k - 1]!));
      apart = Math.max(apart, Math.abs(got - without[k - 1]!));
    }
    expect(worst).toBeLessThan(1e-9);
    // The HSI term matters: without it the series differs by more than rounding.
    expect(apart).toBeGreaterThan(1e-4);
  }, 600_000);

  it('benchmarks CSI 1000 enhanced against 95% CSI 1000 + 5% deposit', async () => {
    const result = await run('csi1000-enhanced.yaml');
    const { dates, benchmarkNav } = result.backtest;
    const want = compositeReturns(data, dates, [
      { code: '000852.SH', weight: 0.95 },
      { code: 'deposit', weight: 0.05 },
    ]);
    for (let k = 1; k < dates.length; k++) expect(benchmarkNav[k]! / benchmarkNav[k - 1]! - 1).toBeCloseTo(want[k - 1]!, 9);
  }, 600_000);
});
