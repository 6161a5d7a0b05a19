/**
 * expected_ep_ttm: golden values on a hand-made panel (worked out by hand), the factor test
 * kit, the missing-input error (also on real CSI 300 data, which has no consensus), and the
 * synthetic market: values against the dataset's fields and a rank correlation with the
 * planted consensus-EP exposure.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, computeFactor, createMemoryData } from '@factorkit/core';
import { createDataset, loadDataset } from '@factorkit/data';
import { rankCorrelation } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { generateMarket } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import { expectedEpTtm } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const DATES = ['2024-01-02', '2024-01-03', '2024-01-04'];
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ'];
const NAN = Number.NaN;

const np12m = Panel.fromRows([
  [2e9, -1e8, null], // 300750.SZ: no coverage yet
  [2e9, -1e8, 3e8],
  [2.2e9, 1e8, 3e8],
]);
const cap = Panel.fromRows([
  [4e10, 5e9, 6e9],
  [5e10, 0, 6e9],
  [4e10, 5e9, null],
]);
const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { consensus_net_profit_12m: np12m, market_cap: cap } });

runFactorTests(expectedEpTtm, {
  golden: [
    {
      name: 'consensus 12m profit / market cap, by hand',
      data,
      expected: [
        [0.05, -0.02, NAN],
        [0.04, NAN, 0.05],
        [0.055, 0.02, NAN],
      ],
    },
  ],
});

describe('expected_ep_ttm inputs', () => {
  it('throws FK_MISSING_INPUT naming consensus_net_profit_12m without it', () => {
    const noConsensus = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { market_cap: cap } });
    expect(() => computeFactor(expectedEpTtm, noConsensus)).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('`consensus_net_profit_12m`') }),
    );
  });

  it('throws FK_MISSING_INPUT on real CSI 300 data, which has no consensus', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    expect(() => computeFactor(expectedEpTtm, dataset, { start: '2023-06-29', end: '2023-06-29' })).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('`consensus_net_profit_12m`') }),
    );
  });
});

describe('expected_ep_ttm on the synthetic market', () => {
  it('equals consensus_net_profit_12m / market_cap and ranks like the planted consensus EP', { timeout: 120_000 }, () => {
    const market = generateMarket({ stocks: 200, years: 2, seed: 3 });
    const { dataset } = createDataset(market.tables);
    const { dates: snapshots, values: planted } = market.truth.exposures;
    const m = snapshots.length - 1;
    const day = String(snapshots[m]);
    const date = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
    const t = dataset.calendar.dates.indexOf(date);
    expect(t).toBeGreaterThan(0);
    const { values } = computeFactor(expectedEpTtm, dataset, { start: date, end: date });
    const np = dataset.field('consensus_net_profit_12m');
    const mv = dataset.field('market_cap');
    let finite = 0;
    for (let a = 0; a < dataset.assets.length; a++) {
      const expected = np.get(t, a) / mv.get(t, a);
      if (Number.isFinite(expected) && mv.get(t, a) > 0) {
        expect(values.get(0, a)).toBeCloseTo(expected, 12);
        finite++;
      } else expect(values.get(0, a)).toBeNaN();
    }
    expect(finite).toBeGreaterThan(100);
    // The planted factor uses the FY1 consensus alone; the 12-month blend should still rank alike.
    const exposure = planted.expected_ep!;
    const stocks = market.truth.codes.length;
    const ours = market.truth.codes.map((code) => values.get(0, dataset.assets.indexOf(code)));
    const truth = market.truth.codes.map((_, i) => exposure[m * stocks + i]!);
    expect(rankCorrelation(ours, truth)).toBeGreaterThan(0.7);
  });
});
