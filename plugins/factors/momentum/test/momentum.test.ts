import {
  type FactorValues,
  type MarketData,
  Panel,
  ValidationError,
  checkApiCompatibility,
  computeFactor,
  createMemoryData,
  createRegistry,
  factorLookback,
  isFactorkitError,
} from '@factorkit/core';
import { catchError } from '@factorkit/factor-testkit';
import { describe, expect, it } from 'vitest';
import * as pluginModule from '../src/index.js';
import defaultExport, { momentum } from '../src/index.js';

// ---------------------------------------------------------------------------------------------
// Helpers. The reference implementation below multiplies (1 + r) directly, day by day, with no
// rolling state and no logarithms: an independent method, not the plugin's code.
// ---------------------------------------------------------------------------------------------

/** `n` consecutive calendar days from 2024-01-01 (any strictly increasing dates will do). */
function dates(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
  return out;
}

/** Memory data with a `ret` field built from one series per asset. */
function retData(series: Record<string, readonly number[]>, field = 'ret'): MarketData {
  const assets = Object.keys(series);
  const n = series[assets[0]!]!.length;
  const values = new Float64Array(n * assets.length);
  assets.forEach((asset, a) => values.set(series[asset]!, a * n));
  return createMemoryData({ calendar: dates(n), assets, fields: { [field]: new Panel(n, assets.length, values) } });
}

/** Naive momentum: Π (1 + r) over rows t−window+1 … t−skip, counting the returns present. */
function naive(ret: readonly number[], window: number, skip: number, minCoverage: number): number[] {
  return ret.map((_, t) => {
    let product = 1;
    let present = 0;
    let invalid = false;
    for (let s = t - window + 1; s <= t - skip; s++) {
      if (s < 0) continue;
      const r = ret[s]!;
      if (Number.isNaN(r)) continue;
      if (!(1 + r > 0) || r === Infinity) invalid = true;
      product *= 1 + r;
      present++;
    }
    return !invalid && present >= minCoverage * (window - skip) - 1e-9 ? product - 1 : Number.NaN;
  });
}

/** Column `a` of the computed values as a plain array. */
function column(result: FactorValues, a: number): number[] {
  return Array.from(result.values.column(a));
}

/** Same NaN positions, and values within a relative 1e-10 (rolling log sums vs direct products). */
function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, t) => {
    const want = expected[t]!;
    if (Number.isNaN(want)) {
      expect(value, `row ${t}`).toBeNaN();
    } else {
      expect(Math.abs(value - want), `row ${t}: ${value} vs ${want}`).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(want)));
    }
  });
}

/** Indices of the NaN entries. */
const nanRows = (values: readonly number[]): number[] => values.flatMap((v, t) => (Number.isNaN(v) ? [t] : []));
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A deterministic PRNG (mulberry32), so the randomised comparison is reproducible. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// The hand-made panel: 5 assets × 45 days, used with window = 20 (the smallest allowed) and
// skip = 2. The value at t compounds rows t−19 … t−2 (18 returns); minCoverage 0.8 asks for
// ⌈14.4⌉ = 15 of them. Rows before the first date count as missing, so a full history gives
// a first value at t = 16 (rows 0 … 14).
// ---------------------------------------------------------------------------------------------

const T = 45;
const NAN = Number.NaN;
/** Trends in a 5-day cycle: −2 %, −1 %, 0, +1 %, +2 %. Full history. */
const A = range(0, T - 1).map((t) => 0.01 * ((t % 5) - 2));
/** Product of (1 + r) over any 5 consecutive days of A. */
const A_CYCLE = 0.98 * 0.99 * 1.0 * 1.01 * 1.02;
/** Listed mid-panel: no return before row 12, then a 7-day cycle. */
const B = range(0, T - 1).map((t) => (t < 12 ? NAN : [0.03, -0.01, 0.02, 0, -0.02, 0.01, 0.04][(t - 12) % 7]!));
const B_CYCLE = 1.03 * 0.99 * 1.02 * 1.0 * 0.98 * 1.01 * 1.04;
/** Missing returns on row 5 and rows 22–25; otherwise a 3-day cycle +0.5 %, +1 %, +1.5 %. */
const C = range(0, T - 1).map((t) => (t === 5 || (t >= 22 && t <= 25) ? NAN : 0.005 * (1 + (t % 3))));
const C_CYCLE = 1.005 * 1.01 * 1.015;
/** Suspended on rows 10–24 (ret = 0, a real observation); otherwise +2 % on even rows, −1.5 % on odd. */
const D = range(0, T - 1).map((t) => (t >= 10 && t <= 24 ? 0 : t % 2 === 0 ? 0.02 : -0.015));
/** Flat, with one +50 % day on row 30. */
const E = range(0, T - 1).map((t) => (t === 30 ? 0.5 : 0));

const SMALL = { window: 20, skip: 2 } as const;
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ', '600519.SH', '688981.SH'];
const panelData = (series: readonly (readonly number[])[] = [A, B, C, D, E]) =>
  retData(Object.fromEntries(ASSETS.map((asset, a) => [asset, series[a]!])));

describe('momentum_1y: golden values (window 20, skip 2)', () => {
  const result = computeFactor(momentum.with(SMALL), panelData());

  it('returns every date × asset of the data', () => {
    expect(result.factor).toBe('momentum_1y');
    expect(result.params).toEqual({ window: 20, skip: 2, minCoverage: 0.8 });
    expect(result.dates).toEqual(dates(T));
    expect(result.assets).toEqual(ASSETS);
    expect(result.values.dates).toBe(T);
    expect(result.values.assets).toBe(5);
  });

  it('matches a direct product of (1 + r) for every cell', () => {
    [A, B, C, D, E].forEach((series, a) => expectClose(column(result, a), naive(series, 20, 2, 0.8)));
  });

  it('compounds exactly rows t−19 … t−2 (hand values, full history)', () => {
    const a = column(result, 0);
    expect(nanRows(a)).toEqual(range(0, 15));
    expect(a[16]).toBeCloseTo(A_CYCLE ** 3 - 1, 14); // rows 0–14: 15 of 18, enough
    expect(a[19]).toBeCloseTo(A_CYCLE ** 3 * 0.98 * 0.99 * 1.0 - 1, 14); // rows 0–17
    expect(a[20]).toBeCloseTo(A_CYCLE ** 3 * 0.99 * 1.0 * 1.01 - 1, 14); // rows 1–18
    expect(a[44]).toBeCloseTo(A_CYCLE ** 3 * 0.98 * 0.99 * 1.0 - 1, 14); // rows 25–42
  });

  it('leaves out the latest `skip` days and drops a day once it is `window` days old', () => {
    const e = column(result, 4);
    // The +50 % of row 30 counts from t = 32 (= 30 + skip) until t = 49 (= 30 + window − 1).
    expect(nanRows(e)).toEqual(range(0, 15));
    range(16, 31).forEach((t) => expect(e[t], `row ${t}`).toBe(0));
    range(32, 44).forEach((t) => expect(e[t], `row ${t}`).toBeCloseTo(0.5, 14));
  });

  it('is NaN for a newly listed asset until 15 of the 18 returns exist', () => {
    const b = column(result, 1);
    expect(nanRows(b)).toEqual(range(0, 27));
    expect(b[28]).toBeCloseTo(B_CYCLE ** 2 * 1.03 - 1, 14); // rows 12–26: 15 returns
    expect(b[29]).toBeCloseTo(B_CYCLE ** 2 * 1.03 * 0.99 - 1, 14); // rows 12–27: 16 returns
  });

  it('skips missing returns and applies the coverage threshold on both sides', () => {
    const c = column(result, 2);
    // Windows holding all of rows 22–25 (t = 27 … 41) have 14 returns: NaN. Windows holding
    // three of them (t = 26: rows 7–24; t = 42: rows 23–40) have 15: a value. Early on, row 5
    // is missing too, so the first value waits one more day than for A.
    expect(nanRows(c)).toEqual([...range(0, 16), ...range(27, 41)]);
    expect(c[17]).toBeCloseTo((C_CYCLE ** 5 * 1.005) / 1.015 - 1, 14); // rows 0–15 without row 5
    expect(c[26]).toBeCloseTo(C_CYCLE ** 5 - 1, 14); // rows 7–21 (22–24 missing)
    expect(c[42]).toBeCloseTo(C_CYCLE ** 5 - 1, 14); // rows 26–40 (23–25 missing)
  });

  it('counts suspended days (ret = 0) as observations, unlike missing ones', () => {
    const d = column(result, 3);
    expect(nanRows(d)).toEqual(range(0, 15));
    expect(d[26]).toBeCloseTo(0.985 * 1.02 * 0.985 - 1, 14); // rows 7–24: three traded, fifteen suspended
    expect(d[30]).toBeCloseTo((0.985 * 1.02) ** 2 - 1, 14); // rows 11–28: suspended until 24, then 25–28
    // The same days as NaN instead of 0 leave 3 or 4 of 18 returns: no value.
    const asMissing = D.map((r, t) => (t >= 10 && t <= 24 ? NAN : r));
    const missing = column(computeFactor(momentum.with(SMALL), retData({ '600519.SH': asMissing })), 0);
    expect(missing[26]).toBeNaN();
    expect(missing[30]).toBeNaN();
  });
});

describe('momentum_1y: coverage and invalid returns', () => {
  it('minCoverage 1 needs every return of the window', () => {
    const series = range(0, T - 1).map((t) => (t === 30 ? NAN : 0.01));
    const v = column(computeFactor(momentum.with({ ...SMALL, minCoverage: 1 }), retData({ x: series })), 0);
    // t < 19 reaches before the data; row 30 is in the windows of t = 32 … 49.
    expect(nanRows(v)).toEqual([...range(0, 18), ...range(32, 44)]);
    range(19, 31).forEach((t) => expect(v[t], `row ${t}`).toBeCloseTo(1.01 ** 18 - 1, 14));
    expectClose(v, naive(series, 20, 2, 1));
  });

  it('asks for ⌈minCoverage × (window − skip)⌉ returns without binary rounding surprises', () => {
    // 0.28 × 25 is 7.000000000000001 in floating point; 7 returns must still be enough.
    expect(0.28 * 25).toBeGreaterThan(7);
    const seven = range(0, 29).map((t) => (t >= 10 && t <= 16 ? 0.01 : NAN));
    const six = range(0, 29).map((t) => (t >= 10 && t <= 15 ? 0.01 : NAN));
    const result = computeFactor(momentum.with({ window: 30, skip: 5, minCoverage: 0.28 }), retData({ seven, six }));
    const [v7, v6] = [column(result, 0), column(result, 1)];
    // Rows t−29 … t−5: the seven returns are all in the window from t = 21 on.
    expect(nanRows(v7)).toEqual(range(0, 20));
    range(21, 29).forEach((t) => expect(v7[t], `row ${t}`).toBeCloseTo(1.01 ** 7 - 1, 14));
    expect(nanRows(v6)).toEqual(range(0, 29));
  });

  it('treats 1 + ret ≤ 0 and ret = +∞ as invalid: NaN while the window holds them, then recovers', () => {
    for (const bad of [-1, -1.5, Number.NEGATIVE_INFINITY]) {
      const series = range(0, T - 1).map((t) => (t === 5 ? bad : t === 35 ? Number.POSITIVE_INFINITY : 0.01));
      const v = column(computeFactor(momentum.with(SMALL), retData({ x: series })), 0);
      // Row 5 sits in the windows of t = 7 … 24, row 35 in those of t = 37 … 54.
      expect(nanRows(v), `ret ${bad}`).toEqual([...range(0, 24), ...range(37, 44)]);
      range(25, 36).forEach((t) => expect(v[t], `ret ${bad}, row ${t}`).toBeCloseTo(1.01 ** 18 - 1, 14));
      expectClose(v, naive(series, 20, 2, 0.8));
    }
  });

  it('counts a NaN return as missing, not invalid', () => {
    const series = range(0, T - 1).map((t) => (t === 5 ? NAN : 0.01));
    const v = column(computeFactor(momentum.with(SMALL), retData({ x: series })), 0);
    expect(nanRows(v)).toEqual(range(0, 16));
    expect(v[17]).toBeCloseTo(1.01 ** 15 - 1, 14); // rows 0–15 without row 5
    expect(v[24]).toBeCloseTo(1.01 ** 17 - 1, 14); // rows 5–22 without row 5
    expect(v[25]).toBeCloseTo(1.01 ** 18 - 1, 14); // rows 6–23
  });
});

describe('momentum_1y: default parameters', () => {
  it('defaults to window 250, skip 20, minCoverage 0.8 and a 250-day lookback', () => {
    const spec = momentum.with();
    expect(spec.params).toEqual({ window: 250, skip: 20, minCoverage: 0.8 });
    expect(factorLookback(momentum, spec.params)).toBe(250);
    expect(factorLookback(momentum, momentum.with({ window: 120 }).params)).toBe(120);
  });

  it('compounds days t−249 … t−20 and needs 184 of those 230 returns', () => {
    const n = 400;
    const rand = prng(7);
    const steady = range(0, n - 1).map(() => (rand() - 0.5) * 0.06);
    // Listed on row 100: the first value needs 184 returns before t − 20, so t = 100 + 183 + 20.
    const listed = range(0, n - 1).map((t) => (t < 100 ? NAN : (rand() - 0.5) * 0.06));
    const result = computeFactor(momentum.with(), retData({ steady, listed }));
    expectClose(column(result, 0), naive(steady, 250, 20, 0.8));
    expectClose(column(result, 1), naive(listed, 250, 20, 0.8));
    expect(nanRows(column(result, 1))).toEqual(range(0, 302));
    // Hand check of one cell: rows 50 … 279 for t = 299.
    let product = 1;
    for (let s = 50; s <= 279; s++) product *= 1 + steady[s]!;
    expect(result.values.get(299, 0)).toBeCloseTo(product - 1, 12);
    // computeFactor without params is momentum.with().
    expect(Array.from(computeFactor(momentum, retData({ steady, listed })).values.values)).toEqual(Array.from(result.values.values));
  });

  it('agrees with the direct product on long random series with gaps, listings, suspensions and extreme days', () => {
    const n = 1500;
    const rand = prng(20240101);
    const series = range(0, 3).map((k) =>
      range(0, n - 1).map((t) => {
        if (k === 1 && t < 300) return NAN; // listed late
        if (k === 2 && t >= 600 && t < 700) return 0; // long suspension
        if (k === 3 && t % 97 === 0) return 0.2 * (rand() - 0.5) + (rand() < 0.5 ? 9 : -0.95); // extreme days
        return rand() < 0.03 ? NAN : (rand() - 0.5) * 0.08;
      }),
    );
    const data = retData({ a: series[0]!, b: series[1]!, c: series[2]!, d: series[3]! });
    for (const p of [{}, { window: 60, skip: 5, minCoverage: 0.9 }, { window: 1000, skip: 0, minCoverage: 0.5 }]) {
      const spec = momentum.with(p);
      const result = computeFactor(spec, data);
      series.forEach((s, a) => expectClose(column(result, a), naive(s, spec.params.window, spec.params.skip, spec.params.minCoverage)));
    }
  });
});

describe('momentum_1y: no look-ahead', () => {
  const data = panelData();
  const clean = computeFactor(momentum.with(SMALL), data);
  const all = [A, B, C, D, E];

  for (const garbage of [1e6, NAN, -5, Number.POSITIVE_INFINITY, 0]) {
    it(`values at or before t ignore every return after t (garbage ${garbage})`, () => {
      for (const t of [0, 15, 16, 20, 28, 33, 41, 43]) {
        const dirty = computeFactor(momentum.with(SMALL), panelData(all.map((s) => s.map((r, row) => (row > t ? garbage : r)))));
        for (let a = 0; a < all.length; a++) {
          for (let row = 0; row <= t; row++) {
            expect(Object.is(dirty.values.get(row, a), clean.values.get(row, a)), `t ${t}, row ${row}, asset ${a}`).toBe(true);
          }
        }
      }
    });
  }

  it('gives the same values whatever range is asked for', () => {
    const tail = computeFactor(momentum.with(SMALL), data, { start: 30 });
    const middle = computeFactor(momentum.with(SMALL), data, { start: dates(T)[22]!, end: dates(T)[35]! });
    expect(tail.dates).toEqual(dates(T).slice(30));
    expect(middle.dates).toEqual(dates(T).slice(22, 36));
    for (let a = 0; a < all.length; a++) {
      expectClose(column(tail, a), column(clean, a).slice(30));
      expectClose(column(middle, a), column(clean, a).slice(22, 36));
    }
  });
});

describe('momentum_1y: errors', () => {
  it('rejects a window below 20 with FK_INVALID_PARAMS naming params.window', () => {
    const error = catchError(() => momentum.with({ window: 5 }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_PARAMS');
    expect((error as ValidationError).issues).toEqual([{ path: 'params.window', message: 'expected an integer ≥ 20 and ≤ 1000, got `5`' }]);
    expect((error as Error).message).toContain('momentum_1y');
  });

  it('reports every bad parameter at once', () => {
    const error = catchError(() => momentum.with({ window: 1001, skip: -1, minCoverage: 0 })) as ValidationError;
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.issues.map((i) => i.path)).toEqual(['params.window', 'params.skip', 'params.minCoverage']);
    const more = catchError(() => momentum.with({ window: 20.5, minCoverage: 1.2 })) as ValidationError;
    expect(more.issues.map((i) => i.path)).toEqual(['params.window', 'params.minCoverage']);
    expect(() => momentum.with({ window: 1000, skip: 0, minCoverage: 1 })).not.toThrow();
    expect(() => momentum.with({ lookback: 3 } as never)).toThrow(/params\.lookback: unknown parameter/);
  });

  it('rejects skip ≥ window with FK_INVALID_PARAMS naming params.skip', () => {
    for (const [window, skip] of [
      [20, 20],
      [20, 35],
    ] as const) {
      const error = catchError(() => computeFactor(momentum.with({ window, skip }), panelData()));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('FK_INVALID_PARAMS');
      expect((error as ValidationError).issues).toEqual([{ path: 'params.skip', message: `expected an integer < window (${window}), got \`${skip}\`` }]);
    }
    expect(() => computeFactor(momentum.with({ window: 20, skip: 19 }), panelData())).not.toThrow();
  });

  it('needs the `ret` field: FK_MISSING_INPUT', () => {
    const error = catchError(() => computeFactor(momentum.with(SMALL), retData({ x: A }, 'close')));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`ret`');
    expect((error as Error).message).toContain('momentum_1y');
  });
});

describe('momentum_1y: plugin shape', () => {
  it('is a factor plugin with the documented metadata', () => {
    expect(defaultExport).toBe(momentum);
    expect(momentum.kind).toBe('factor');
    expect(momentum.id).toBe('momentum_1y');
    expect(momentum.apiVersion).toBe('1.0');
    expect(momentum.meta.title).toBe('一年动量 (one-year momentum)');
    expect(momentum.meta.category).toBe('momentum');
    expect(momentum.meta.direction).toBe(1);
    expect(momentum.meta.inputs.map((i) => [i.field, i.lag])).toEqual([['ret', 0]]);
    expect(Object.isFrozen(momentum)).toBe(true);
  });

  it('runs on this core and registers once from its module', () => {
    expect(checkApiCompatibility(momentum.apiVersion)).toEqual({ compatible: true });
    const registry = createRegistry();
    expect(registry.registerModule(pluginModule)).toEqual([momentum]);
    expect(registry.get('factor', 'momentum_1y')).toBe(momentum);
  });
});
