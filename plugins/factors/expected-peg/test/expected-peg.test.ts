/**
 * expected_peg: golden values on a hand-made panel (worked out by hand), the factor test kit,
 * the missing-input error (also on real CSI 300 data, which has no consensus), and the
 * synthetic market against a naive loop over the dataset's own fields.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, computeFactor, createMemoryData } from '@factorkit/core';
import { createDataset, loadDataset } from '@factorkit/data';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { generateMarket } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import { expectedPeg } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const DATES = ['2024-01-02', '2024-01-03', '2024-01-04'];
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ', '688981.SH'];
const NAN = Number.NaN;

const fy1 = Panel.fromRows([
  [1e9, 1e9, -1e8, 2e8],
  [1e9, 1e9, -1e8, null],
  [1e9, 2e9, 1e8, 2e8],
]);
const fy2 = Panel.fromRows([
  [1.25e9, 0.9e9, -2e8, 2e8],
  [1.25e9, 1.1e9, -2e8, 3e8],
  [1.5e9, 2.5e9, 1.5e8, 3e8],
]);
const cap = Panel.fromRows([
  [2e10, 1e10, 3e9, 1e10],
  [2.5e10, 1.1e10, 3e9, 1e10],
  [3e10, null, 6e9, 1e10],
]);
const data = createMemoryData({
  calendar: DATES,
  assets: ASSETS,
  fields: { consensus_net_profit_fy1: fy1, consensus_net_profit_fy2: fy2, market_cap: cap },
});

// By hand. Row 0: 600000.SH PE 20, growth 25 % → 20 / 25 = 0.8; 000001.SZ growth −10 % → NaN;
// 300750.SZ FY1 loss → NaN (although −2e8 / −1e8 − 1 = +100 % looks like growth);
// 688981.SH growth 0 → NaN.
runFactorTests(expectedPeg, {
  golden: [
    {
      name: 'PE / (100 × growth), by hand',
      data,
      expected: [
        [0.8, NAN, NAN, NAN],
        [1, 11 / 10, NAN, NAN], // 25 / 25; PE 11, growth 10 % → 11 / 10
        [30 / 50, NAN, 60 / 50, 50 / 50], // PE 30, growth 50 %; cap missing; PE 60, growth 50 %; PE 50, growth 50 %
      ],
    },
  ],
});

describe('expected_peg inputs', () => {
  it('throws FK_MISSING_INPUT naming consensus_net_profit_fy2 without it', () => {
    const partial = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { consensus_net_profit_fy1: fy1, market_cap: cap } });
    expect(() => computeFactor(expectedPeg, partial)).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('`consensus_net_profit_fy2`') }),
    );
  });
  it('throws FK_MISSING_INPUT on real CSI 300 data, which has no consensus', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    expect(() => computeFactor(expectedPeg, dataset, { start: '2023-06-29', end: '2023-06-29' })).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('`consensus_net_profit_fy1`') }),
    );
  });
});

describe('expected_peg on the synthetic market', () => {
  it('matches a naive computation from the consensus fields', { timeout: 120_000 }, () => {
    const { dataset } = createDataset(generateMarket({ stocks: 200, years: 2, seed: 3 }).tables);
    const t = dataset.calendar.length - 1;
    const date = dataset.calendar.dates[t]!;
    const { values } = computeFactor(expectedPeg, dataset, { start: date, end: date });
    const np1 = dataset.field('consensus_net_profit_fy1');
    const np2 = dataset.field('consensus_net_profit_fy2');
    const mv = dataset.field('market_cap');
    let finite = 0;
    for (let a = 0; a < dataset.assets.length; a++) {
      const pe = mv.get(t, a) / np1.get(t, a);
      const growth = np2.get(t, a) / np1.get(t, a) - 1;
      const ok = mv.get(t, a) > 0 && np1.get(t, a) > 0 && growth > 0;
      if (ok) {
        expect(values.get(0, a)).toBeCloseTo(pe / (100 * growth), 10);
        finite++;
      } else expect(values.get(0, a)).toBeNaN();
    }
    expect(finite).toBeGreaterThan(50);
  });
});
