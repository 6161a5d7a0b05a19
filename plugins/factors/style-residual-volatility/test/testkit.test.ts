/**
 * residual_volatility through the factor test kit; golden values from the naive loops in
 * ./naive.ts.
 */
import { Panel, createMemoryData } from '@factorkit/core';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { residualVolatility } from '../src/index.js';
import { naiveResvol } from './naive.js';

const NAN = Number.NaN;
const T = 40;
const DATES = Array.from({ length: 70 }, (_, i) => new Date(Date.UTC(2024, 0, 2 + i)))
  .filter((d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6)
  .slice(0, T)
  .map((d) => d.toISOString().slice(0, 10));
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ', '688981.SH'];
const rows = (f: (t: number) => number) => Array.from({ length: T }, (_, t) => f(t));

const RET = [
  rows((t) => 0.01 * Math.sin(1.7 * t) + 0.003),
  rows((t) => (t === 9 ? NAN : 0.02 * Math.cos(0.9 * t) - 0.002)),
  rows((t) => (t < 12 ? NAN : t >= 20 && t <= 23 ? 0 : 0.015 * Math.sin(2.3 * t + 1))),
  rows((t) => (t === 30 ? -1 : 0.005 * ((t * 7) % 5) - 0.01)),
];
const CAP = [rows(() => 2e11), rows(() => 5e10), rows((t) => (t < 12 ? NAN : 8e10)), rows(() => NAN)];
const data = createMemoryData({
  calendar: DATES,
  assets: ASSETS,
  fields: {
    ret: new Panel(T, 4, Float64Array.from(RET.flat())),
    float_market_cap: new Panel(T, 4, Float64Array.from(CAP.flat())),
  },
});
const asRows = (cols: number[][]) => Array.from({ length: T }, (_, t) => cols.map((c) => c[t]!));
const P1 = { window: 12, minObs: 8, halfLife: 5, month: 2 } as const;
const P2 = { window: 30, minObs: 10, halfLife: 0, month: 3 } as const;

runFactorTests(residualVolatility, {
  golden: [
    { name: 'naive loops, window 12, month 2', params: P1, data, expected: asRows(naiveResvol(RET, CAP, P1)) },
    { name: 'naive loops, unweighted window 30, month 3', params: P2, data, expected: asRows(naiveResvol(RET, CAP, P2)) },
  ],
  params: [{}, P1, P2],
});
