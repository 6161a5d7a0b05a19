/**
 * Forward returns computed once and shared: `forwardReturnsByDate` holds the returns of the
 * definition (checked by hand), `evaluateFactor({ forward })` gives exactly the result of a call
 * computing its own (every number, on markets with ties, discrete factors, missing values,
 * suspensions, published and proxy weights, several horizons, groups, decay lags and return
 * definitions; also from a structured clone and from arrays over a `SharedArrayBuffer`), it
 * really uses the returns given, refuses ones that do not fit the call, and the universe's
 * members and weights are asked once per date.
 */
import { type MarketData, Panel, type UniverseInstance, createMemoryData } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { momentum } from '@factorkit/factor-momentum';
import { computeFactors } from '@factorkit/pipeline';
import { generateMarket } from '@factorkit/synth';
import { indexUniverse } from '@factorkit/universe-index';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EvaluateFactorOptions, type ForwardReturnsByDate, evaluateFactor, forwardReturnsByDate } from '../src/index.js';
import { pearson, calendar, rng, thrown } from './analytics-helpers.js';

const NaN_ = Number.NaN;

/** Forward return by the definition: Π (1 + ret) over t + 1 … t + h, NaN if any is missing or past the end. */
function compounded(ret: Panel, t: number, a: number, h: number): number {
  if (t + h >= ret.dates) return NaN_;
  let p = 1;
  for (let s = t + 1; s <= t + h; s++) p *= 1 + ret.get(s, a);
  return p - 1;
}

/** The same forward returns with every array copied into a `SharedArrayBuffer`, as worker threads get them. */
function overSharedMemory(forward: ForwardReturnsByDate): ForwardReturnsByDate {
  return {
    ...forward,
    returns: forward.returns.map((values) => {
      const shared = new Float64Array(new SharedArrayBuffer(values.byteLength));
      shared.set(values);
      return shared;
    }),
  };
}

/**
 * A small market: missing rows, suspensions (`ret` 0), a delisting, caps with gaps; a factor
 * with ties, missing and infinite values; members drawn per date; prices from the returns.
 */
function smallMarket(seed: number, options: { discrete?: boolean } = {}) {
  const T = 70;
  const N = 30;
  const random = rng(seed);
  const ret = new Panel(T, N);
  const close = new Panel(T, N);
  const isTrading = new Panel(T, N);
  const cap = new Panel(T, N);
  const factor = new Panel(T, N);
  const member: Uint8Array[] = Array.from({ length: T }, () => new Uint8Array(N));
  for (let a = 0; a < N; a++) {
    const listed = a % 7 === 0 ? 10 : 0;
    const delisted = a % 11 === 5 ? 50 : T;
    let price = 10 + a;
    for (let t = 0; t < T; t++) {
      const row = t >= listed && t < delisted;
      const suspended = row && random() < 0.1;
      isTrading.set(t, a, row ? (suspended ? 0 : 1) : NaN_);
      // A return of exactly 0 now and then (limit days, suspensions): ties in the forward returns.
      const r = !row || t === listed ? NaN_ : suspended || random() < 0.1 ? 0 : (random() - 0.5) / 10;
      ret.set(t, a, r);
      if (row && r === r) price *= 1 + r;
      close.set(t, a, row ? price : NaN_);
      cap.set(t, a, row && random() > 0.05 ? 1e9 * (1 + a) : NaN_);
      const u = random();
      factor.set(t, a, u < 0.08 ? NaN_ : u > 0.97 ? Number.NEGATIVE_INFINITY : options.discrete ? Math.floor(random() * 3) : Math.round(random() * 20) / 20);
      member[t]![a] = random() < 0.75 ? 1 : 0;
    }
  }
  const data = createMemoryData({ calendar: calendar(T), assets: Array.from({ length: N }, (_, a) => `S${a}`), fields: { ret, close, is_trading: isTrading, float_market_cap: cap } });
  return { data, factor, member, ret, close, T, N };
}

describe('forwardReturnsByDate', () => {
  const m = smallMarket(3);

  it('holds, date by date, the compounded returns of the definition and the price ratios', () => {
    const forward = forwardReturnsByDate(m.data, { horizons: [1, 5] });
    expect(forward).toMatchObject({ horizons: [1, 5], source: 'returns', field: 'ret', assets: m.N, calendar: { length: m.T, first: '2021-12-27', last: m.data.calendar.dates[m.T - 1] } });
    let finite = 0;
    [1, 5].forEach((h, k) => {
      for (let t = 0; t < m.T; t++) {
        for (let a = 0; a < m.N; a++) {
          const got = forward.returns[k]![t * m.N + a]!;
          const want = compounded(m.ret, t, a, h);
          if (Number.isNaN(want)) expect(got, `h=${h} t=${t} a=${a}`).toBeNaN();
          else {
            expect(Math.abs(got - want), `h=${h} t=${t} a=${a}`).toBeLessThan(1e-15);
            finite++;
          }
        }
      }
    });
    expect(finite).toBeGreaterThan(2000);
    const prices = forwardReturnsByDate(m.data, { horizons: [3], priceField: 'close' });
    expect(prices).toMatchObject({ source: 'prices', field: 'close' });
    expect(prices.returns[0]![2 * m.N + 1]).toBeCloseTo(m.close.get(5, 1) / m.close.get(2, 1) - 1, 14);
    expect(prices.returns[0]![(m.T - 3) * m.N + 1]).toBeNaN();
  });

  it('is plain data: a structured clone holds the same numbers', () => {
    const forward = forwardReturnsByDate(m.data, { horizons: [1, 5] });
    expect(structuredClone(forward)).toStrictEqual(forward);
  });
});

describe('evaluateFactor({ forward })', () => {
  let synth: { data: MarketData; values: Panel; dates: readonly string[]; csi300: UniverseInstance };

  beforeAll(() => {
    const market = generateMarket({ seed: 5, stocks: 200, years: 2, funds: 0 });
    const data = createDataset(market.tables).dataset;
    const csi300 = indexUniverse.resolve({ data, params: indexUniverse.with({ index: 'csi300' }).params });
    const computed = computeFactors({ data, factors: [{ plugin: momentum }], preprocess: true });
    synth = { data, values: computed.factors[0]!.values, dates: computed.dates, csi300 };
  }, 120_000);

  /** The call with and without the precomputed returns, also handed over as workers get them. */
  function expectSame(options: EvaluateFactorOptions, forward: ForwardReturnsByDate): void {
    const own = evaluateFactor(options);
    expect(own.ic[0]!.n.some((n) => n > 0)).toBe(true);
    expect(evaluateFactor({ ...options, forward })).toStrictEqual(own);
    expect(evaluateFactor({ ...options, forward: structuredClone(forward) })).toStrictEqual(own);
    expect(evaluateFactor({ ...options, forward: overSharedMemory(forward) })).toStrictEqual(own);
  }

  it('gives exactly the result of computing them, on tied and discrete factors with missing values and suspensions', () => {
    for (const discrete of [false, true]) {
      const m = smallMarket(discrete ? 11 : 7, { discrete });
      const forward = forwardReturnsByDate(m.data, { horizons: [1, 5, 20] });
      const base = { data: m.data, values: m.factor, universe: (t: number) => m.member[t]! };
      expectSame({ ...base, horizons: [1, 5, 20], groups: 10, decayLags: 0 }, forward);
      expectSame({ ...base, horizons: [1, 5, 20], groups: 5, decayLags: 5 }, forward);
      // Fewer horizons than the precomputed ones, and decay from its 1-day returns though the call has no 1-day horizon.
      expectSame({ ...base, horizons: [5], groups: 5, decayLags: 5 }, forward);
      // A range of the calendar, equal-weighted over every asset.
      expectSame({ data: m.data, values: m.factor.sliceDates(20, 50), dates: m.data.calendar.dates.slice(20, 50), horizons: [1, 5, 20], groups: 10, decayLags: 0 }, forward);
    }
  });

  it('gives exactly the result of computing them for other return definitions', () => {
    const m = smallMarket(13);
    const base = { data: m.data, values: m.factor, universe: (t: number) => m.member[t]!, groups: 5 };
    expectSame({ ...base, horizons: [1, 5], decayLags: 3, priceField: 'close' }, forwardReturnsByDate(m.data, { horizons: [1, 5], priceField: 'close' }));
    expectSame({ ...base, horizons: [2, 7], decayLags: 0, returnField: 'ret' }, forwardReturnsByDate(m.data, { horizons: [2, 7], returnField: 'ret' }));
  });

  it('gives exactly the result of computing them on the synthetic market against an index and its weights', () => {
    const { data, values, dates, csi300 } = synth;
    const forward = forwardReturnsByDate(data, { horizons: [1, 5, 20] });
    expectSame({ data, values, dates, universe: csi300, horizons: [1, 5, 20], groups: 10, decayLags: 0 }, forward);
    expectSame({ data, values, dates, universe: csi300, horizons: [1, 5, 20], groups: 5, decayLags: 5 }, forward);
    // Equal-weighted: the members as the benchmark.
    expectSame({ data, values, dates, universe: (t) => csi300.members(t), horizons: [1, 5, 20], groups: 10, decayLags: 0 }, forward);
  });

  it('uses the returns given instead of computing them', () => {
    // Two markets on the same dates and stocks with different returns: evaluated on the second
    // with the first's forward returns, the IC is the first's, computed here by the definition.
    const first = smallMarket(17);
    const second = smallMarket(19);
    const forward = forwardReturnsByDate(first.data, { horizons: [1] });
    const result = evaluateFactor({ data: second.data, values: second.factor, horizons: [1], groups: 5, decayLags: 0, forward });
    let compared = 0;
    for (let t = 5; t < 60; t++) {
      const x: number[] = [];
      const y: number[] = [];
      for (let a = 0; a < second.N; a++) {
        const status = second.data.field('is_trading').get(t, a);
        const v = second.factor.get(t, a);
        const r = compounded(first.ret, t, a, 1);
        if (status === 1 && Number.isFinite(v) && !Number.isNaN(r)) {
          x.push(v);
          y.push(r);
        }
      }
      expect(result.ic[0]!.n[t]).toBe(x.length);
      expect(result.ic[0]!.ic[t]).toBeCloseTo(pearson(x, y), 12);
      compared++;
    }
    expect(compared).toBe(55);
    expect(evaluateFactor({ data: second.data, values: second.factor, horizons: [1], groups: 5, decayLags: 0 }).ic[0]!.ic).not.toStrictEqual(result.ic[0]!.ic);
  });

  it('refuses forward returns that do not fit the call, naming the option and every mismatch', () => {
    const m = smallMarket(23);
    const forward = forwardReturnsByDate(m.data, { horizons: [1, 5] });
    const options = { data: m.data, values: m.factor, horizons: [1, 5], decayLags: 0 };
    const refusal = (given: unknown): { code: string; message: string } => thrown(() => evaluateFactor({ ...options, forward: given as ForwardReturnsByDate }));

    const shorter = smallMarket(23);
    const cut = createMemoryData({ calendar: shorter.data.calendar.dates.slice(0, 60), assets: shorter.data.assets, fields: { ret: shorter.ret.sliceDates(0, 60) } });
    let error = refusal(forwardReturnsByDate(cut, { horizons: [1, 5] }));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toContain('option `forward` does not match this call');
    expect(error.message).toContain('it covers `60` dates (`2021-12-27` … `2022-02-24`), the data 70');
    expect(error.message).toContain('its `1`-day returns are `Float64Array(1800)`, expected a Float64Array of 70 dates × 30 assets = 2100 values');

    const shifted = createMemoryData({ calendar: calendar(70, Date.UTC(2020, 0, 6)), assets: m.data.assets, fields: { ret: m.ret } });
    expect(refusal(forwardReturnsByDate(shifted, { horizons: [1, 5] })).message).toContain('(`2020-01-06` … `2020-03-15`), the data 70 (`2021-12-27` … `2022-03-06`)');

    const fewer = createMemoryData({ calendar: m.data.calendar.dates, assets: m.data.assets.slice(0, 20), fields: { ret: m.ret.selectAssets(Array.from({ length: 20 }, (_, a) => a)) } });
    expect(refusal(forwardReturnsByDate(fewer, { horizons: [1, 5] })).message).toContain('it has `20` assets, the data 30');

    error = refusal(forwardReturnsByDate(m.data, { horizons: [1, 20] }));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toContain('it has no horizon `5` (it has 1, 20)');

    expect(refusal(forwardReturnsByDate(m.data, { horizons: [1, 5], priceField: 'close' })).message).toContain('it holds the price ratio on `close`, this call asks for `ret` compounded');
    expect(thrown(() => evaluateFactor({ ...options, priceField: 'close', forward })).message).toContain('it holds `ret` compounded, this call asks for the price ratio on `close`');

    expect(refusal({ ...forward, returns: [forward.returns[0], new Float64Array(10)] }).message).toContain('its `5`-day returns are `Float64Array(10)`, expected a Float64Array of 70 dates × 30 assets = 2100 values');
    expect(refusal({ ...forward, returns: [forward.returns[0], Array.from(forward.returns[1]!)] }).message).toContain('its `5`-day returns are an array of 2100');
    // forwardReturns' panels are not the date-by-date form.
    error = refusal({ horizons: [1, 5], panels: [], source: 'returns', field: 'ret' });
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toContain('option `forward` must be what `forwardReturnsByDate(data, options)` returns, got an object with keys `horizons`, `panels`, `source`, `field`');
    expect(refusal(42).message).toContain('got `42`');
  });

  it('asks the universe for its members and weights once per date', () => {
    const { data, values, dates, csi300 } = synth;
    const members = new Map<number, number>();
    const weights = new Map<number, number>();
    const counted: UniverseInstance = {
      ...csi300,
      members(t) {
        members.set(t, (members.get(t) ?? 0) + 1);
        return csi300.members(t);
      },
      weights(t) {
        weights.set(t, (weights.get(t) ?? 0) + 1);
        return csi300.weights!(t);
      },
    };
    evaluateFactor({ data, values, dates, universe: counted, horizons: [1, 5, 20], groups: 10, decayLags: 5, forward: forwardReturnsByDate(data, { horizons: [1, 5, 20] }) });
    expect(members.size).toBe(dates.length);
    expect(weights.size).toBe(dates.length);
    expect(Math.max(...members.values(), ...weights.values())).toBe(1);
  });
});
