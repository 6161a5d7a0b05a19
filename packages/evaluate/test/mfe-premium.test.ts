import type { OptimizerInstance, Panel } from '@factorkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MfeResult, mfeAggregates, runMfe } from '../src/index.js';
import { type Market, highs, makeMarket, noiseFactor, truthFactor } from './mfe-fixture.js';

let m: Market;
let solver: OptimizerInstance;

beforeAll(async () => {
  m = makeMarket({ seed: 3, stocks: 600, years: 3 });
  solver = await highs();
}, 180_000);

async function run(factor: Panel, direction: 1 | -1): Promise<MfeResult> {
  return runMfe({ data: m.data, factor, direction, universe: m.universe, investable: m.market, optimizer: solver, range: { start: '2014-02-01' } });
}

/** t-statistic of the mean monthly excess return (holding periods with a return). */
function tStat(result: MfeResult): number {
  const x = result.rebalances.map((r) => r.excessReturn).filter(Number.isFinite);
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const sd = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / (x.length - 1));
  return (mean / sd) * Math.sqrt(x.length);
}

describe('the MFE test against the synthetic market’s planted premia (600 stocks, 3 years, csi1000, monthly)', () => {
  // One-month turnover earns −0.75% a month per standard deviation (truth.factors); its MFE
  // portfolio, ~1σ of active exposure under the constraints, should earn several percent a year
  // over the benchmark after costs. Noise earns nothing and pays the costs of its turnover.
  let planted: MfeResult;
  let noise: MfeResult;

  beforeAll(async () => {
    const premium = m.truth.factors.find((f) => f.id === 'turnover_1m')!.premiumMonthly;
    expect(premium).toBeLessThan(-0.005);
    const factor = truthFactor(m, 'turnover_1m');
    planted = await run(factor, -1);
    noise = await run(noiseFactor(factor, 99), 1);
  }, 120_000);

  it('a factor with a planted premium shows a positive, significant excess', () => {
    const a = mfeAggregates(planted.daily, planted.daily.dates.at(-1)!);
    expect(planted.counts.optimal).toBeGreaterThanOrEqual(30);
    expect(a.annualisedExcess).toBeGreaterThan(0.02);
    expect(a.informationRatio).toBeGreaterThan(0.8);
    expect(tStat(planted)).toBeGreaterThan(2);
    // Its active exposure is large and positive on every solved date.
    for (const r of planted.rebalances.filter((x) => x.status === 'optimal')) expect(r.activeExposure).toBeGreaterThan(0.5);
  });

  it('a factor with no premium shows none', () => {
    const a = mfeAggregates(noise.daily, noise.daily.dates.at(-1)!);
    expect(tStat(noise)).toBeLessThan(1);
    expect(a.annualisedExcess).toBeLessThan(0.01);
    const p = mfeAggregates(planted.daily, planted.daily.dates.at(-1)!);
    expect(p.annualisedExcess - a.annualisedExcess).toBeGreaterThan(0.03);
  });

  it('the direction matters: maximising the wrong end loses', async () => {
    const wrong = await run(truthFactor(m, 'turnover_1m'), 1);
    expect(tStat(wrong)).toBeLessThan(-2);
    expect(mfeAggregates(wrong.daily, wrong.daily.dates.at(-1)!).annualisedExcess).toBeLessThan(-0.02);
  });
});
