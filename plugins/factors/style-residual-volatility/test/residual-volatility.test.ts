import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, ValidationError, checkApiCompatibility, computeFactor, createMemoryData, createRegistry, factorLookback, isFactorkitError } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { catchError } from '@factorkit/factor-testkit';
import { describe, expect, it } from 'vitest';
import * as pluginModule from '../src/index.js';
import defaultExport, { RESVOL_WEIGHTS, residualVolatility } from '../src/index.js';
import { naiveCmra, naiveDastd, naiveResvol } from './naive.js';

const NAN = Number.NaN;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

function makeData(ret: readonly (readonly number[])[], cap: readonly (readonly number[])[], capField = 'float_market_cap') {
  const n = ret[0]!.length;
  return createMemoryData({
    calendar: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2022, 0, 1 + i)).toISOString().slice(0, 10)),
    assets: ret.map((_, a) => `A${a}`),
    fields: {
      ret: new Panel(n, ret.length, Float64Array.from(ret.flat())),
      [capField]: new Panel(n, ret.length, Float64Array.from(cap.flat())),
    },
  });
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('residual_volatility: descriptors by hand', () => {
  const p = { window: 4, minObs: 4, halfLife: 0, month: 2 };
  it('DASTD: the population std of ±1 % is 1 %', () => {
    expect(naiveDastd([0.01, -0.01, 0.01, -0.01], 3, p)).toBeCloseTo(0.01, 15);
  });
  it('CMRA: ln(1 + max Z) − ln(1 + min Z) over the monthly log returns', () => {
    // month 2, 12 months = 24 days: +10 % then −10 % then flat; Z runs over months back from t.
    const r = Array.from({ length: 24 }, (_, s) => (s === 23 ? 0.1 : s === 21 ? -0.1 : 0));
    const z1 = Math.log(1.1);
    const z2 = z1 + Math.log(0.9);
    expect(naiveCmra(r, 23, { ...p, window: 24, minObs: 24 })).toBeCloseTo(Math.log(1 + z1) - Math.log(1 + z2), 15);
  });
});

describe('residual_volatility: values', () => {
  it('ranks a calm, a normal and a wild stock in order', () => {
    const n = 300;
    const rand = prng(3);
    const m = Array.from({ length: n }, () => (rand() - 0.5) * 0.03);
    const noise = () => Array.from({ length: n }, () => rand() - 0.5);
    const [e1, e2, e3] = [noise(), noise(), noise()];
    const ret = [m.map((v, t) => v + 0.002 * e1[t]!), m.map((v, t) => 1.2 * v + 0.02 * e2[t]!), m.map((v, t) => 1.5 * v + 0.06 * e3[t]!)];
    const cap = ret.map(() => Array.from({ length: n }, () => 1e10));
    const v = computeFactor(residualVolatility, makeData(ret, cap)).values;
    expect(v.get(124, 0)).toBeNaN(); // rows 0–124: 125 returns < 126, so no DASTD
    for (const t of [200, 299]) {
      expect(v.get(t, 0)).toBeLessThan(v.get(t, 1));
      expect(v.get(t, 1)).toBeLessThan(v.get(t, 2));
    }
  });

  it('agrees with the naive loops with the default parameters on long random data', () => {
    const n = 400;
    const rand = prng(17);
    const ret = [0, 1, 2, 3, 4].map((k) =>
      Array.from({ length: n }, (_, t) => {
        if (k === 1 && t < 150) return NAN; // listed late
        if (k === 2 && t >= 200 && t < 230) return 0; // suspended
        return rand() < 0.03 ? NAN : (rand() - 0.5) * 0.04 * (1 + k / 2);
      }),
    );
    const cap = ret.map((_, k) => Array.from({ length: n }, () => 1e9 * (k + 1)));
    const spec = residualVolatility.with();
    const v = computeFactor(spec, makeData(ret, cap)).values;
    const want = naiveResvol(ret, cap, spec.params);
    for (let a = 0; a < 5; a++) {
      for (let t = 0; t < n; t++) {
        const w = want[a]![t]!;
        if (Number.isNaN(w)) expect(v.get(t, a), `row ${t}, asset ${a}`).toBeNaN();
        else expect(v.get(t, a), `row ${t}, asset ${a}`).toBeCloseTo(w, 9);
      }
    }
  });
});

describe('residual_volatility: metadata and errors', () => {
  it('uses the CNE5 weights, half-life 42 and a 252-day window', () => {
    expect(RESVOL_WEIGHTS).toEqual({ dastd: 0.74, cmra: 0.16, hsigma: 0.1 });
    expect(residualVolatility.with().params).toEqual({ window: 252, minObs: 126, halfLife: 42, month: 21 });
    expect(factorLookback(residualVolatility, residualVolatility.with().params)).toBe(252);
    expect(factorLookback(residualVolatility, residualVolatility.with({ window: 100, minObs: 50 }).params)).toBe(252);
    expect(defaultExport).toBe(residualVolatility);
    expect(residualVolatility.id).toBe('residual_volatility');
    expect(residualVolatility.meta.category).toBe('style');
    expect(residualVolatility.meta.direction).toBe(-1);
    expect(checkApiCompatibility(residualVolatility.apiVersion)).toEqual({ compatible: true });
    expect(createRegistry().registerModule(pluginModule)).toEqual([residualVolatility]);
  });

  it('rejects minObs > window and a missing float cap', () => {
    const d = makeData([[0.01, 0.02]], [[1, 1]]);
    expect(() => computeFactor(residualVolatility.with({ window: 20, minObs: 30 }), d)).toThrow(ValidationError);
    const error = catchError(() => computeFactor(residualVolatility, makeData([[0.01, 0.02]], [[1, 1]], 'market_cap')));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`float_market_cap`');
  });
});

describe('residual_volatility: real data (cn-csi300)', () => {
  it('matches the naive loops on 2023-06-29 and covers the index', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    const date = '2023-06-29';
    const t = dataset.calendar.indexOf(date);
    const result = computeFactor(residualVolatility, dataset, { start: date, end: date });
    // The naive computation over the 253 rows the factor may see (the extra one for yesterday's cap).
    const retP = dataset.field('ret');
    const capP = dataset.field('float_market_cap');
    const from = t - 252;
    const cut = (p: Panel) => dataset.assets.map((_, a) => Array.from({ length: 253 }, (__, k) => p.get(from + k, a)));
    const want = naiveResvol(cut(retP), cut(capP), residualVolatility.with().params);
    for (const code of ['600519.SH', '000001.SZ']) {
      const a = dataset.assets.indexOf(code);
      expect(Number.isFinite(want[a]![252]!)).toBe(true);
      expect(result.values.get(0, a)).toBeCloseTo(want[a]![252]!, 8);
    }
    const member = dataset.field('index_member:000300.SH');
    let members = 0;
    let finite = 0;
    for (let a = 0; a < dataset.assets.length; a++) {
      if (member.get(t, a) !== 1) continue;
      members++;
      if (Number.isFinite(result.values.get(0, a))) finite++;
    }
    expect(members).toBeGreaterThan(280);
    expect(finite / members).toBeGreaterThan(0.9);
  });
});
