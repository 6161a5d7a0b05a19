import { type MarketData, type OptimizerInstance, Panel } from '@factorkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MfeResult, mfeAggregates, runMfe } from '../src/index.js';
import { type Market, copyData, highs, makeMarket, truthFactor, universesOver } from './mfe-fixture.js';

let m: Market;
let solver: OptimizerInstance;
let factor: Panel;
let base: MfeResult;

/** The factor with every row after `cut` shuffled across assets. */
function garbledFactor(cut: number, seed: number): Panel {
  const out = new Panel(factor.dates, factor.assets, factor.values.slice());
  let state = seed;
  for (let t = cut + 1; t < out.dates; t++) {
    const row = out.row(t);
    for (let i = row.length - 1; i > 0; i--) {
      state = (state * 1664525 + 1013904223) >>> 0;
      const j = state % (i + 1);
      [row[i], row[j]] = [row[j]!, row[i]!];
    }
    out.setRow(t, row);
  }
  return out;
}

async function run(data: MarketData, values: Panel): Promise<MfeResult> {
  const { universe, market } = universesOver(data);
  return runMfe({ data, factor: values, direction: -1, universe, investable: market, optimizer: solver, range: { start: '2014-02-01' } });
}

beforeAll(async () => {
  m = makeMarket({ seed: 33, stocks: 400, years: 2 });
  solver = await highs();
  factor = truthFactor(m, 'turnover_1m');
  base = await run(copyData(m.data), factor);
}, 180_000);

/** Everything dated ≤ the cut must be bit-identical; the holding period that spans the cut is left out. */
function expectUnchangedThrough(cut: number, other: MfeResult): void {
  const cutDate = m.data.calendar.at(cut);
  const same = (a: unknown, b: unknown, what: string): void => {
    if (typeof a === 'number') expect(Object.is(a, b), `${what}: ${a} vs ${String(b)}`).toBe(true);
    else expect(b, what).toEqual(a);
  };
  let rows = 0;
  base.daily.dates.forEach((date, k) => {
    if (date > cutDate) return;
    rows++;
    same(date, other.daily.dates[k], 'date');
    same(base.daily.portfolio[k], other.daily.portfolio[k], `portfolio ${date}`);
    same(base.daily.benchmark[k], other.daily.benchmark[k], `benchmark ${date}`);
    same(base.daily.excess[k], other.daily.excess[k], `excess ${date}`);
    same(base.daily.cash[k], other.daily.cash[k], `cash ${date}`);
  });
  expect(rows).toBeGreaterThan(100);
  let decided = 0;
  let closed = 0;
  base.rebalances.forEach((r, k) => {
    if (r.date > cutDate) return;
    decided++;
    const o = other.rebalances[k]!;
    for (const key of ['date', 'status', 'messages', 'objective', 'benchmarkExposure', 'activeExposure', 'binding', 'bindingFrom', 'nAssets', 'candidates'] as const) same(r[key], o[key], `${r.date} ${key}`);
    for (const key of ['missingFactor', 'missingStyle', 'pinned', 'cashedOut'] as const) same(r.counts[key], o.counts[key], `${r.date} counts.${key}`);
    const w = base.weights.find((x) => x.date === r.date);
    const v = other.weights.find((x) => x.date === r.date);
    if (w) {
      same(Array.from(w.assets), Array.from(v!.assets), `${r.date} weight assets`);
      same(Array.from(w.weight), Array.from(v!.weight), `${r.date} weights`);
      same(Array.from(w.benchmark), Array.from(v!.benchmark), `${r.date} benchmark weights`);
    }
    if (r.tradeDate !== undefined && r.tradeDate <= cutDate) {
      for (const key of ['turnover', 'cost'] as const) same(r[key], o[key], `${r.date} ${key}`);
      for (const key of ['blockedBuys', 'blockedSells', 'buyFill'] as const) same(r.counts[key], o.counts[key], `${r.date} counts.${key}`);
      if (w) same(Array.from(w.executed), Array.from(v!.executed), `${r.date} executed`);
    }
    if (r.periodEnd !== undefined && r.periodEnd <= cutDate) {
      closed++;
      for (const key of ['portfolioReturn', 'benchmarkReturn', 'excessReturn', 'days', 'periodEnd'] as const) same(r[key], o[key], `${r.date} ${key}`);
    }
  });
  expect(decided).toBeGreaterThan(4);
  expect(closed).toBe(decided - 1);
  expect(mfeAggregates(other.daily, cutDate)).toEqual(mfeAggregates(base.daily, cutDate));
  // The garbage did reach the results after the cut, so the comparison above could have failed.
  const k = base.daily.dates.findIndex((d) => d > cutDate);
  expect(Array.from(other.daily.portfolio.subarray(k))).not.toEqual(Array.from(base.daily.portfolio.subarray(k)));
}

describe('look-ahead: garbage after date t leaves every result dated ≤ t unchanged', () => {
  const cuts: [string, (r: MfeResult) => number][] = [
    ['a day inside a holding period', (r) => r.rebalances[8]!.index + 7],
    ['a rebalance date', (r) => r.rebalances[10]!.index],
    ['the trade day after a rebalance', (r) => r.rebalances[12]!.index + 1],
  ];
  cuts.forEach(([name, at], i) => {
    it(`cut on ${name}`, { timeout: 60_000 }, async () => {
      const cut = at(base);
      const garbled = await run(copyData(m.data, { garbleAfter: { cut, seed: 7 + i } }), garbledFactor(cut, 11 + i));
      expectUnchangedThrough(cut, garbled);
    });
  });
});
