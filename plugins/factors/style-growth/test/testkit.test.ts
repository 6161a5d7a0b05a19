/** growth through the factor test kit; golden values from ./naive.ts and by hand. */
import { Panel, createMemoryData } from '@factorkit/core';
import { sampleDataFor } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { growth } from '../src/index.js';
import { naiveGrowth } from './naive.js';

const NAN = Number.NaN;
const DATES = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'];
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ', '688981.SH', '600519.SH', '601318.SH'];
// rows[t][a]: a new report on 2024-01-04 for some stocks; one huge growth rate from a tiny base.
const PROFIT = [
  [0.1, 0.25, -0.3, NAN, 0.05, 12],
  [0.1, 0.25, -0.3, NAN, 0.05, 12],
  [0.15, 0.25, -0.1, 0.4, 0.05, 12],
  [0.15, 0.25, -0.1, 0.4, NAN, Number.POSITIVE_INFINITY],
];
const REVENUE = [
  [0.08, 0.1, NAN, 0.2, 0.12, 0.5],
  [0.08, 0.1, NAN, 0.2, 0.12, 0.5],
  [0.09, 0.1, 0.02, 0.2, 0.12, 0.5],
  [0.09, 0.1, 0.02, 0.2, 0.12, 0.5],
];
const fromRows = (rows: number[][]) => Panel.fromRows(rows);
const data = createMemoryData({
  calendar: DATES,
  assets: ASSETS,
  fields: { net_profit_ttm_yoy: fromRows(PROFIT), revenue_ttm_yoy: fromRows(REVENUE) },
});
const profitOnly = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { net_profit_ttm_yoy: fromRows(PROFIT) } });
const pair = createMemoryData({
  calendar: DATES.slice(0, 1),
  assets: ASSETS.slice(0, 2),
  fields: { net_profit_ttm_yoy: Panel.fromRows([[0.1, 0.3]]), revenue_ttm_yoy: Panel.fromRows([[0.2, 0.1]]) },
});

runFactorTests(growth, {
  golden: [
    { name: 'naive, MAD k = 5', data, expected: PROFIT.map((p, t) => naiveGrowth(p, REVENUE[t], 5)) },
    { name: 'naive, no clipping', params: { winsorizeK: 0 }, data, expected: PROFIT.map((p, t) => naiveGrowth(p, REVENUE[t], 0)) },
    { name: 'naive, profit only', data: profitOnly, expected: PROFIT.map((p) => naiveGrowth(p, undefined, 5)) },
    { name: 'naive, revenue switched off', params: { useRevenue: false }, data, expected: PROFIT.map((p) => naiveGrowth(p, undefined, 5)) },
    {
      // Two stocks: every z-score is ±1/√2; the first leads on revenue, the second on profit.
      name: 'hand values, two stocks',
      data: pair,
      expected: [[0, 0]],
    },
  ],
  params: [{}, { winsorizeK: 0 }, { winsorizeK: 3, useRevenue: false }],
  // The sample's first reports come out 5–40 days in, so its first weeks have one or two
  // stocks with a growth rate: a z-score of two values turns NaN when one goes missing, which
  // is what a cross-sectional standardisation must do, not leakage. Start after day 45, when
  // every stock has reported.
  data: (_params, lookback) => {
    const sample = sampleDataFor(growth, { lookback });
    return sample.window(45, sample.calendar.length);
  },
});
