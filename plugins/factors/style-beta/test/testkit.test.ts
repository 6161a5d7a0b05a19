/**
 * beta through the factor test kit. Golden values come from a naive loop that solves the
 * weighted normal equations (Cramer's rule), not from the plugin's centred two-pass sums.
 */
import { Panel, createMemoryData } from '@factorkit/core';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { beta } from '../src/index.js';

const NAN = Number.NaN;
const T = 20;
const DATES = Array.from({ length: 40 }, (_, i) => new Date(Date.UTC(2024, 0, 2 + i)))
  .filter((d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6)
  .slice(0, T)
  .map((d) => d.toISOString().slice(0, 10));
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ'];
const rows = (f: (t: number) => number) => Array.from({ length: T }, (_, t) => f(t));

/** The market leader (its cap dominates): a zig-zag. */
const A = rows((t) => 0.01 * Math.sin(1.3 * t) + 0.002 * (t % 3));
/** Twice A plus noise; no float cap (NaN), so it is not part of the market. */
const B = rows((t) => (t === 7 ? NAN : 2 * A[t]! + 0.001 * Math.cos(t)));
/** Listed on row 6. */
const C = rows((t) => (t < 6 ? NAN : -0.5 * A[t]! + 0.003 * ((t * 7) % 5) - 0.006));
const RET = [A, B, C];
const CAP = [rows(() => 3e11), rows(() => NAN), rows((t) => (t < 6 ? NAN : 1e11 + 1e9 * t))];

const data = createMemoryData({
  calendar: DATES,
  assets: ASSETS,
  fields: {
    ret: new Panel(T, 3, Float64Array.from(RET.flat())),
    float_market_cap: new Panel(T, 3, Float64Array.from(CAP.flat())),
  },
});

/** Market return with yesterday's caps, by a plain loop. */
const MARKET = rows((t) => {
  if (t === 0) return NAN;
  let sw = 0;
  let swr = 0;
  for (let a = 0; a < 3; a++) {
    const w = CAP[a]![t - 1]!;
    const r = RET[a]![t]!;
    if (w > 0 && Number.isFinite(r)) {
      sw += w;
      swr += w * r;
    }
  }
  return sw > 0 ? swr / sw : NAN;
});

function naiveBeta(y: readonly number[], window: number, halfLife: number, minObs: number): number[] {
  return y.map((_, t) => {
    let [n, s0, s1, s2, sy, sxy] = [0, 0, 0, 0, 0, 0];
    for (let s = Math.max(0, t - window + 1); s <= t; s++) {
      const x = MARKET[s]!;
      const v = y[s]!;
      if (Number.isNaN(x) || Number.isNaN(v)) continue;
      const w = halfLife > 0 ? 0.5 ** ((t - s) / halfLife) : 1;
      n++;
      s0 += w;
      s1 += w * x;
      s2 += w * x * x;
      sy += w * v;
      sxy += w * x * v;
    }
    return n >= minObs ? (s0 * sxy - s1 * sy) / (s0 * s2 - s1 * s1) : NAN;
  });
}

const P1 = { window: 8, halfLife: 4, minObs: 5 } as const;
const P2 = { window: 20, halfLife: 0, minObs: 3 } as const;
const expected = (p: { window: number; halfLife: number; minObs: number }) => {
  const cols = RET.map((y) => naiveBeta(y, p.window, p.halfLife, p.minObs));
  return Array.from({ length: T }, (_, t) => cols.map((c) => c[t]!));
};

runFactorTests(beta, {
  golden: [
    { name: 'normal equations, window 8 half-life 4', params: P1, data, expected: expected(P1) },
    { name: 'normal equations, unweighted window 20', params: P2, data, expected: expected(P2) },
    {
      name: 'hand values',
      params: P1,
      data,
      expected: [
        { date: DATES[4]!, asset: '600000.SH', value: null }, // rows 1–4: 4 market returns < 5
        { date: DATES[5]!, asset: '600000.SH', value: 1 }, // A is the whole market until row 6
        { date: DATES[6]!, asset: '300750.SZ', value: null }, // listed on row 6
      ],
    },
  ],
  params: [{}, P1, P2],
});
