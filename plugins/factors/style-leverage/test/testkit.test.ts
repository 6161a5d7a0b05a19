/** leverage through the factor test kit; golden values from ./naive.ts and by hand. */
import { Panel, createMemoryData } from '@factorkit/core';
import { sampleDataFor } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { leverage } from '../src/index.js';
import { type Balance, naiveLeverage } from './naive.js';

const NAN = Number.NaN;
const DATES = ['2024-01-02', '2024-01-03', '2024-01-04'];
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ', '688981.SH', '600519.SH', '601318.SH'];
// rows[t][a], CNY. A bank (high leverage), a negative-equity stock, a missing report, a new
// report on the third day.
const LIAB = [
  [9e12, 5e9, 2e10, NAN, 1e10, 3e9],
  [9e12, 5e9, 2e10, NAN, 1e10, 3e9],
  [9.2e12, 5e9, 2.5e10, 1e9, 1e10, 3e9],
];
const ASSETS_ = [
  [1e13, 4e9, 8e10, NAN, 2.5e11, 2e10],
  [1e13, 4e9, 8e10, NAN, 2.5e11, 2e10],
  [1.02e13, 4e9, 9e10, 6e9, 2.5e11, 2e10],
];
const EQUITY = [
  [1e12, -1e9, 6e10, NAN, 2.4e11, 1.7e10],
  [1e12, -1e9, 6e10, NAN, 2.4e11, 1.7e10],
  [1e12, -1e9, 6.5e10, 5e9, 2.4e11, 1.7e10],
];
const CAP = [
  [8e11, 2e9, 9e11, 3e10, 2.2e12, 4e10],
  [8.2e11, 2.1e9, 8.8e11, 3.1e10, 2.1e12, NAN],
  [8.1e11, 2.2e9, 9e11, 3e10, 2.2e12, 4.1e10],
];
const data = createMemoryData({
  calendar: DATES,
  assets: ASSETS,
  fields: {
    total_liab: Panel.fromRows(LIAB),
    total_assets: Panel.fromRows(ASSETS_),
    equity: Panel.fromRows(EQUITY),
    market_cap: Panel.fromRows(CAP),
  },
});
const balances = (t: number): Balance[] => ASSETS.map((_, a) => ({ liab: LIAB[t]![a]!, assets: ASSETS_[t]![a]!, equity: EQUITY[t]![a]!, cap: CAP[t]![a]! }));
const pair = createMemoryData({
  calendar: DATES.slice(0, 1),
  assets: ASSETS.slice(0, 2),
  fields: {
    total_liab: Panel.fromRows([[1, 3]]),
    total_assets: Panel.fromRows([[4, 4]]),
    equity: Panel.fromRows([[3, 1]]),
    market_cap: Panel.fromRows([[10, 10]]),
  },
});

runFactorTests(leverage, {
  golden: [
    { name: 'naive, MAD k = 5', data, expected: [0, 1, 2].map((t) => naiveLeverage(balances(t), 5)) },
    { name: 'naive, no clipping', params: { winsorizeK: 0 }, data, expected: [0, 1, 2].map((t) => naiveLeverage(balances(t), 0)) },
    // Two stocks, the second more levered on all three: every z-score is ±1/√2.
    { name: 'hand values, two stocks', data: pair, expected: [[-Math.SQRT1_2, Math.SQRT1_2]] },
  ],
  params: [{}, { winsorizeK: 0 }, { winsorizeK: 3 }],
  // The sample's first reports come out 5–40 days in, so its first weeks have one or two
  // stocks with a balance sheet: a z-score of two values turns NaN when one goes missing, as a
  // cross-sectional standardisation must. Start after day 45, when every stock has reported.
  data: (_params, lookback) => {
    const sample = sampleDataFor(leverage, { lookback });
    return sample.window(45, sample.calendar.length);
  },
});
