import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Panel,
  ValidationError,
  checkApiCompatibility,
  computeFactor,
  createMemoryData,
  createRegistry,
  factorLookback,
  isFactorkitError,
} from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { catchError } from '@factorkit/factor-testkit';
import { describe, expect, it } from 'vitest';
import * as pluginModule from '../src/index.js';
import { weightedMean as capWeightedMarketReturn } from '@factorkit/ops';
import defaultExport, { beta } from '../src/index.js';

const NAN = Number.NaN;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

function dates(n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
}

/** Memory data from per-asset series of returns and float caps. */
function makeData(ret: readonly (readonly number[])[], cap: readonly (readonly number[])[], capField = 'float_market_cap') {
  const n = ret[0]!.length;
  const assets = ret.map((_, a) => `A${a}`);
  return createMemoryData({
    calendar: dates(n),
    assets,
    fields: {
      ret: new Panel(n, assets.length, Float64Array.from(ret.flat())),
      [capField]: new Panel(n, assets.length, Float64Array.from(cap.flat())),
    },
  });
}

/** mulberry32. */
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

/** Weighted slope from the normal equations (Cramer's rule), over pairs where both are finite. */
function normalEquationsSlope(y: readonly number[], x: readonly number[], halfLife: number): { beta: number; n: number } {
  const t = y.length - 1;
  let [n, s0, s1, s2, sy, sxy] = [0, 0, 0, 0, 0, 0];
  for (let s = 0; s <= t; s++) {
    if (!Number.isFinite(x[s]!) || !Number.isFinite(y[s]!)) continue;
    const w = 0.5 ** ((t - s) / halfLife);
    n++;
    s0 += w;
    s1 += w * x[s]!;
    s2 += w * x[s]! ** 2;
    sy += w * y[s]!;
    sxy += w * x[s]! * y[s]!;
  }
  return { beta: (s0 * sxy - s1 * sy) / (s0 * s2 - s1 * s1), n };
}

describe('beta: hand values', () => {
  const n = 40;
  const rand = prng(11);
  const m = Array.from({ length: n }, () => (rand() - 0.5) * 0.04);
  // A0 carries all the float cap, so the market return is A0's own return (from row 1 on).
  const a1 = m.map((r) => 2 * r + 0.001); // exactly β = 2
  const a2 = m.map((r, t) => (t % 2 === 0 ? -0.5 * r : NAN)); // β = −0.5 on the even rows
  const data = makeData([m, a1, a2], [m.map(() => 1e10), m.map(() => NAN), m.map(() => 0)]);

  it('gives 1 for the market itself and the exact slope of a linear function of it', () => {
    const v = computeFactor(beta.with({ window: 20, halfLife: 5, minObs: 10 }), data).values;
    for (let t = 0; t < n; t++) {
      // Row 0 has no previous cap, hence no market return: rows 1 … t are the observations.
      if (t < 10) {
        expect(v.get(t, 0), `row ${t}`).toBeNaN();
        continue;
      }
      expect(v.get(t, 0)).toBeCloseTo(1, 12);
      expect(v.get(t, 1)).toBeCloseTo(2, 12);
    }
    // A2 has about half the rows: 10 of them first on row 20 (rows 2, 4, … 20).
    expect(v.get(19, 2)).toBeNaN();
    expect(v.get(20, 2)).toBeCloseTo(-0.5, 12);
  });

  it('is NaN when the market return does not vary', () => {
    const flat = Array.from({ length: 30 }, () => 0.01);
    const y = flat.map((_, t) => 0.01 * Math.sin(t));
    const v = computeFactor(beta.with({ window: 20, minObs: 10 }), makeData([flat, y], [flat.map(() => 1), flat.map(() => NAN)])).values;
    for (let t = 0; t < 30; t++) expect(v.get(t, 1)).toBeNaN();
  });
});

describe('beta: market return', () => {
  it('weights by the float cap of the previous close only', () => {
    const ret = [
      [0.01, 0.02, NAN, 0.04],
      [0.03, -0.01, 0.02, 0.0],
    ];
    const cap = [
      [1, 3, 1, 1],
      [1, 1, 2, NAN],
    ];
    const lagged = makeData(ret, cap).field('float_market_cap', { lag: 1 });
    const r = makeData(ret, cap).field('ret');
    const m = capWeightedMarketReturn(r, lagged);
    expect(m[0]).toBeNaN(); // no cap before the first row
    expect(m[1]).toBeCloseTo((1 * 0.02 + 1 * -0.01) / 2, 15);
    expect(m[2]).toBeCloseTo(0.02, 15); // A0's return is missing
    expect(m[3]).toBeCloseTo((1 * 0.04 + 2 * 0.0) / 3, 15);
  });

  it("ignores today's cap: changing it does not move today's value", () => {
    const n = 30;
    const rand = prng(5);
    const ret = [0, 1, 2].map(() => Array.from({ length: n }, () => (rand() - 0.5) * 0.05));
    const cap = [0, 1, 2].map((a) => Array.from({ length: n }, () => 1e9 * (a + 1)));
    const p = beta.with({ window: 20, halfLife: 10, minObs: 10 });
    const clean = computeFactor(p, makeData(ret, cap)).values;
    const bumped = cap.map((c) => c.map((v, t) => (t === n - 1 ? v * (t % 7) * 100 : v)));
    const dirty = computeFactor(p, makeData(ret, bumped)).values;
    for (let a = 0; a < 3; a++) expect(dirty.get(n - 1, a)).toBe(clean.get(n - 1, a));
  });
});

describe('beta: parameters and errors', () => {
  it('defaults to the CNE5 convention: 252 days, half-life 63, 126 observations', () => {
    const spec = beta.with();
    expect(spec.params).toEqual({ window: 252, halfLife: 63, minObs: 126 });
    expect(factorLookback(beta, spec.params)).toBe(252);
  });

  it('rejects minObs > window with FK_INVALID_PARAMS naming params.minObs', () => {
    const d = makeData([[0.01, 0.02]], [[1, 1]]);
    const error = catchError(() => computeFactor(beta.with({ window: 20, minObs: 21 }), d));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: 'params.minObs', message: 'expected an integer ≤ window (20), got `21`' }]);
  });

  it('needs float_market_cap: FK_MISSING_INPUT', () => {
    const error = catchError(() => computeFactor(beta, makeData([[0.01, 0.02]], [[1, 1]], 'market_cap')));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`float_market_cap`');
  });

  it('is a style factor plugin with direction +1', () => {
    expect(defaultExport).toBe(beta);
    expect(beta.id).toBe('beta');
    expect(beta.meta.category).toBe('style');
    expect(beta.meta.direction).toBe(1);
    expect(beta.meta.inputs.map((i) => [i.field, i.lag])).toEqual([
      ['ret', 0],
      ['float_market_cap', 1],
    ]);
    expect(checkApiCompatibility(beta.apiVersion)).toEqual({ compatible: true });
    expect(createRegistry().registerModule(pluginModule)).toEqual([beta]);
  });
});

describe('beta: real data (cn-csi300)', () => {
  it('matches an independent computation for 600519.SH and 000001.SZ on 2023-06-29', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    const date = '2023-06-29';
    const t = dataset.calendar.indexOf(date);
    expect(t).toBeGreaterThan(300);
    const result = computeFactor(beta, dataset, { start: date, end: date });
    const ret = dataset.field('ret');
    const cap = dataset.field('float_market_cap');
    // Market returns of rows t−251 … t from the raw fields, yesterday's cap as weight.
    const market: number[] = [];
    for (let s = t - 251; s <= t; s++) {
      let sw = 0;
      let swr = 0;
      for (let a = 0; a < dataset.assets.length; a++) {
        const w = cap.get(s - 1, a);
        const r = ret.get(s, a);
        if (w > 0 && Number.isFinite(w) && Number.isFinite(r)) {
          sw += w;
          swr += w * r;
        }
      }
      market.push(swr / sw);
    }
    for (const code of ['600519.SH', '000001.SZ']) {
      const a = dataset.assets.indexOf(code);
      const y = market.map((_, k) => ret.get(t - 251 + k, a));
      const want = normalEquationsSlope(y, market, 63);
      expect(want.n).toBeGreaterThan(200);
      expect(result.values.get(0, a)).toBeCloseTo(want.beta, 8);
    }
    // Sanity over the index members of the day.
    const member = dataset.field('index_member:000300.SH');
    const values: number[] = [];
    let members = 0;
    for (let a = 0; a < dataset.assets.length; a++) {
      if (member.get(t, a) !== 1) continue;
      members++;
      const v = result.values.get(0, a);
      if (Number.isFinite(v)) values.push(v);
    }
    expect(members).toBeGreaterThan(280);
    expect(values.length / members).toBeGreaterThan(0.9);
    values.sort((p, q) => p - q);
    const median = values[Math.floor(values.length / 2)]!;
    expect(median).toBeGreaterThan(0.6);
    expect(median).toBeLessThan(1.4);
  });
});
