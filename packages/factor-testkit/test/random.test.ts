import { FIELD, isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { SAMPLE_ASSETS, SAMPLE_ROLES, catchError, createRandom, randomMarketData, sampleDataFor, sampleLength } from '../src/index.js';
import { industryEp, retSum } from './factors.js';

const ALL = [
  'ret',
  'close',
  'open',
  'high',
  'low',
  'volume',
  'amount',
  'turnover',
  'market_cap',
  'float_market_cap',
  'total_share',
  'float_shares',
  'is_trading',
  'is_st',
  'listed_days',
  'pe_ttm',
  'net_profit_ttm',
  'revenue_ttm',
  'equity',
  'net_profit_ttm_yoy',
  'consensus_net_profit_fy1',
  'analyst_coverage_3m',
  'index_member:000300.SH',
  'index_weight:000300.SH',
  'industry',
  'board',
  'mystery',
];

const data = randomMarketData({ fields: [...ALL, { field: 'my_report', kind: 'fundamental' }, { field: 'style', kind: 'categorical' }], seed: 42 });
const n = data.calendar.length;
const col = (field: string, a: number) => Array.from(data.field(field).column(a));
const changes = (values: readonly number[]) => values.filter((v, t) => t > 0 && !Object.is(v, values[t - 1])).length;

describe('randomMarketData', () => {
  it('has 250 weekdays from 2021-01-04 and the ten sample assets by default', () => {
    expect(n).toBe(250);
    expect(data.calendar.dates[0]).toBe('2021-01-04');
    expect(data.calendar.dates[4]).toBe('2021-01-08');
    expect(data.calendar.dates[5]).toBe('2021-01-11'); // the weekend is skipped
    expect(data.assets).toEqual(SAMPLE_ASSETS);
  });

  it('is deterministic by seed, and adding a field changes no other', () => {
    const again = randomMarketData({ fields: ['ret', 'net_profit_ttm'], seed: 42 });
    expect(Array.from(again.field('ret').values)).toEqual(Array.from(data.field('ret').values));
    expect(Array.from(again.field('net_profit_ttm').values)).toEqual(Array.from(data.field('net_profit_ttm').values));
    const other = randomMarketData({ fields: ['ret'], seed: 43 });
    expect(Array.from(other.field('ret').values)).not.toEqual(Array.from(data.field('ret').values));
  });

  it('describes each field with the kind the data store gives it', () => {
    const kinds = Object.fromEntries(data.fieldInfo().map((f) => [f.name, f.kind]));
    expect(kinds).toMatchObject({
      ret: 'market',
      close: 'market',
      pe_ttm: 'market',
      listed_days: 'reference',
      net_profit_ttm: 'fundamental',
      consensus_net_profit_fy1: 'fundamental',
      my_report: 'fundamental',
      'index_member:000300.SH': 'reference',
      industry: 'categorical',
      board: 'categorical',
      style: 'categorical',
      mystery: 'market',
    });
  });

  it('simulates consistent daily bars within the price limits', () => {
    for (let a = 0; a < data.assets.length; a++) {
      const [ret, close, open, high, low] = ['ret', 'close', 'open', 'high', 'low'].map((f) => col(f, a)) as [number[], number[], number[], number[], number[]];
      const limit = a === 2 || a === 5 ? 0.2 : a === 9 ? 0.3 : 0.1;
      for (let t = 1; t < n; t++) {
        if (Number.isNaN(close[t]!)) continue;
        if (!Number.isNaN(ret[t]!)) {
          expect(Math.abs(ret[t]!)).toBeLessThanOrEqual(limit + 1e-12);
          expect(close[t]!).toBeCloseTo(close[t - 1]! * (1 + ret[t]!), 8);
        }
        expect(high[t]!).toBeGreaterThanOrEqual(Math.max(open[t]!, close[t]!));
        expect(low[t]!).toBeLessThanOrEqual(Math.min(open[t]!, close[t]!));
        expect(low[t]!).toBeGreaterThan(0);
      }
    }
    const volume = col('volume', 0);
    const amount = col('amount', 0);
    const turnover = col('turnover', 0);
    const floatShares = col('float_shares', 0)[0]!;
    expect(volume.every((v) => v >= 100 && v % 100 === 0)).toBe(true);
    turnover.forEach((x, t) => expect(x).toBeCloseTo(volume[t]! / floatShares, 15));
    expect(amount.every((x) => x > 0)).toBe(true);
    const cap = col('market_cap', 0);
    const close = col('close', 0);
    const shares = cap.map((c, t) => c / close[t]!);
    expect(Math.max(...shares) / Math.min(...shares)).toBeCloseTo(1, 12);
  });

  it('lists one asset late: NaN before, NaN return on the listing day, listed_days counting from 0', () => {
    const a = SAMPLE_ROLES.lateListing;
    const listing = Math.floor(0.4 * n);
    const ret = col('ret', a);
    expect(ret.slice(0, listing + 1).every(Number.isNaN)).toBe(true);
    expect(ret.slice(listing + 1).every(Number.isFinite)).toBe(true);
    expect(col('close', a).slice(0, listing).every(Number.isNaN)).toBe(true);
    expect(col('close', a)[listing]).toBeGreaterThan(0);
    expect(col('listed_days', a)[listing + 3]).toBe(3);
    expect(col('listed_days', 0)[0]).toBe(Number.POSITIVE_INFINITY);
    const industry = data.categorical('industry');
    expect(industry.codes[a * n + listing - 1]).toBe(-1);
    expect(industry.codes[a * n + listing]).toBeGreaterThanOrEqual(0);
  });

  it('suspends one asset for 15 days: not trading, zero return and volume, flat prices', () => {
    const a = SAMPLE_ROLES.suspended;
    const from = Math.floor(0.6 * n);
    const trading = col('is_trading', a);
    expect(trading.filter((x) => x === 0)).toHaveLength(15);
    for (let t = from; t < from + 15; t++) {
      expect(trading[t]).toBe(0);
      expect(col('ret', a)[t]).toBe(0);
      expect(col('volume', a)[t]).toBe(0);
      expect(col('close', a)[t]).toBe(col('close', a)[from - 1]);
    }
    expect(col('is_trading', 0).every((x) => x === 1)).toBe(true);
    expect(col('is_st', SAMPLE_ROLES.st).some((x) => x === 1)).toBe(true);
  });

  it('makes fundamentals step functions announced quarterly, with losses for one asset', () => {
    for (let a = 0; a < data.assets.length; a++) {
      const profit = col('net_profit_ttm', a);
      const first = profit.findIndex((v) => !Number.isNaN(v));
      expect(first).toBeGreaterThanOrEqual(a === SAMPLE_ROLES.lateListing ? Math.floor(0.4 * n) + 5 : 5);
      expect(changes(profit.slice(first))).toBeLessThanOrEqual(4);
      expect(changes(profit.slice(first))).toBeGreaterThanOrEqual(2);
    }
    const loss = col('net_profit_ttm', SAMPLE_ROLES.lossMaking);
    const pe = col('pe_ttm', SAMPLE_ROLES.lossMaking);
    loss.forEach((v, t) => {
      if (v < 0) expect(pe[t]).toBeNaN();
    });
    expect(loss.some((v) => v < 0)).toBe(true);
    expect(col('revenue_ttm', 0).filter(Number.isFinite).every((v) => v > 0)).toBe(true);
    expect(Math.abs(col('net_profit_ttm_yoy', 0).find(Number.isFinite)!)).toBeLessThan(3);
    expect(changes(col('my_report', 0).slice(40))).toBeLessThanOrEqual(4);
  });

  it('leaves one asset without analyst coverage', () => {
    expect(col('consensus_net_profit_fy1', SAMPLE_ROLES.uncovered).every(Number.isNaN)).toBe(true);
    expect(col('consensus_net_profit_fy1', 0).filter(Number.isFinite).length).toBeGreaterThan(200);
    expect(col('analyst_coverage_3m', SAMPLE_ROLES.uncovered).every((v) => v === 0)).toBe(true);
    expect(col('analyst_coverage_3m', 0).every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  });

  it('gives index membership and weights that sum to one over the members', () => {
    const weights = data.field('index_weight:000300.SH');
    for (const t of [0, 21, 100, 249]) expect(Array.from(weights.row(t)).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    expect(col('index_member:000300.SH', 1).every((v) => v === 0)).toBe(true);
  });

  it('classifies industries (one asset changes), boards from the ids and other categories', () => {
    const industry = data.categorical('industry');
    expect(industry.levels).toContain('银行');
    const a = SAMPLE_ROLES.industryChange;
    expect(industry.codes[a * n + Math.floor(n / 2) - 1]).not.toBe(industry.codes[a * n + Math.floor(n / 2)]);
    const board = data.categorical('board');
    const boardOf = (i: number) => board.levels[board.codes[i * n]!];
    expect(SAMPLE_ASSETS.map((_, i) => boardOf(i))).toEqual(['main', 'main', 'chinext', 'main', 'main', 'star', 'main', 'main', 'main', 'bse']);
    expect(data.categorical('style').levels).toEqual(['A', 'B', 'C', 'D']);
  });

  it('makes unknown names positive random walks', () => {
    const mystery = col('mystery', 0);
    expect(mystery.every((v) => v > 0)).toBe(true);
    expect(changes(mystery)).toBe(n - 1);
  });

  it('takes dates and assets as counts or lists, and rejects bad ones', () => {
    const custom = randomMarketData({ fields: [FIELD.ret], dates: ['2024-01-02', '2024-01-03'], assets: ['a', 'b', 'c'] });
    expect(custom.calendar.dates).toEqual(['2024-01-02', '2024-01-03']);
    expect(custom.assets).toEqual(['a', 'b', 'c']);
    const many = randomMarketData({ fields: [FIELD.ret], dates: 5, assets: 25 });
    expect(new Set(many.assets).size).toBe(25);
    expect(many.assets.every((id) => /^\d{6}\.(SH|SZ|BJ)$/.test(id))).toBe(true);
    for (const bad of [() => randomMarketData({ fields: [], dates: 0 }), () => randomMarketData({ fields: [], start: '2021-13-01' })]) {
      const error = catchError(bad);
      expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_ARGUMENT');
    }
  });
});

describe('sampleDataFor', () => {
  it('generates every declared input, long enough for the lookback', () => {
    expect(sampleLength(0)).toBe(120);
    expect(sampleLength(250)).toBe(560);
    const sample = sampleDataFor(industryEp, { seed: 5 });
    expect(sample.fieldInfo().map((f) => f.name).sort()).toEqual(['industry', 'market_cap', 'net_profit_ttm']);
    expect(sample.calendar.length).toBe(120);
    expect(sampleDataFor(retSum, { lookback: 100, assets: 4 }).calendar.length).toBe(260);
    expect(sampleDataFor(retSum, { dates: 30 }).calendar.length).toBe(30);
  });
});

describe('createRandom', () => {
  it('is deterministic per seed and label, uniform in [0, 1), normal around the mean', () => {
    const a = createRandom(7, 'x');
    const b = createRandom(7, 'x');
    const c = createRandom(7, 'y');
    const xs = Array.from({ length: 2000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 2000 }, () => b.next()));
    expect(xs).not.toEqual(Array.from({ length: 2000 }, () => c.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const normals = Array.from({ length: 4000 }, () => a.normal(2, 0.5));
    const mean = normals.reduce((x, y) => x + y, 0) / normals.length;
    expect(mean).toBeCloseTo(2, 1);
    expect(Array.from({ length: 100 }, () => a.int(3)).every((k) => k === 0 || k === 1 || k === 2)).toBe(true);
  });
});
