/**
 * liquidity through the factor test kit; golden values from the naive loops in ./naive.ts and
 * by hand.
 */
import { Panel, createMemoryData } from '@factorkit/core';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { liquidity } from '../src/index.js';
import { naiveLiquidity } from './naive.js';

const NAN = Number.NaN;
const T = 30;
const DATES = Array.from({ length: 50 }, (_, i) => new Date(Date.UTC(2024, 0, 2 + i)))
  .filter((d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6)
  .slice(0, T)
  .map((d) => d.toISOString().slice(0, 10));
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ', '688981.SH'];
const rows = (f: (t: number) => number) => Array.from({ length: T }, (_, t) => f(t));

const A = rows((t) => 0.01 + 0.002 * Math.sin(t));
/** Exactly twice A. */
const B = rows((t) => 2 * A[t]!);
/** Listed on row 10, suspended (0) on rows 15–20. */
const C = rows((t) => (t < 10 ? NAN : t >= 15 && t <= 20 ? 0 : 0.03 + 0.001 * (t % 4)));
/** Gaps every fifth day. */
const D = rows((t) => (t % 5 === 0 ? NAN : 0.005 * (1 + (t % 3))));
const SERIES = [A, B, C, D];
const data = createMemoryData({
  calendar: DATES,
  assets: ASSETS,
  fields: { turnover: new Panel(T, 4, Float64Array.from(SERIES.flat())) },
});
const pair = createMemoryData({
  calendar: DATES,
  assets: ASSETS.slice(0, 2),
  fields: { turnover: new Panel(T, 2, Float64Array.from([A, B].flat())) },
});

const asRows = (cols: number[][]) => Array.from({ length: T }, (_, t) => cols.map((c) => c[t]!));

runFactorTests(liquidity, {
  golden: [
    { name: 'naive loops, month 2', params: { month: 2 }, data, expected: asRows(naiveLiquidity(SERIES, 2)) },
    { name: 'naive loops, month 3, coverage 0.5', params: { month: 3, minCoverage: 0.5 }, data, expected: asRows(naiveLiquidity(SERIES, 3, 0.5)) },
    {
      // Two stocks, one trading exactly twice the other: every descriptor z-scores to ±1/√2.
      name: 'hand values, two stocks',
      params: { month: 2 },
      data: pair,
      expected: [
        { date: DATES[0]!, asset: '600000.SH', value: null }, // 1 of 2 days < ⌈0.8 × 2⌉
        { date: DATES[1]!, asset: '600000.SH', value: -Math.SQRT1_2 },
        { date: DATES[1]!, asset: '000001.SZ', value: Math.SQRT1_2 },
        { date: DATES[29]!, asset: '000001.SZ', value: Math.SQRT1_2 },
      ],
    },
  ],
  params: [{}, { month: 2 }, { month: 5, minCoverage: 0.5 }],
});
