import { isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MARKET_OPTIONS, generateMarket, resolveMarketOptions } from '../src/index.js';
import { hashTables } from './helpers.js';

describe('determinism', () => {
  const options = { seed: 5, stocks: 150, years: 1.5, funds: 6 } as const;

  it('gives identical tables (every column hashed) and truth for the same options', () => {
    const a = generateMarket(options);
    const b = generateMarket(options);
    expect(hashTables(a.tables)).toEqual(hashTables(b.tables));
    expect(Array.from(a.truth.factorReturns.momentum_1y)).toEqual(Array.from(b.truth.factorReturns.momentum_1y));
    expect(a.truth.stats).toEqual(b.truth.stats);
    expect(Object.keys(a.truth.timings)).toEqual(["universe", "simulate", "indexes", "funds", "tables"]);
  });

  it('gives different data for a different seed', () => {
    const a = hashTables(generateMarket(options).tables);
    const b = hashTables(generateMarket({ ...options, seed: 6 }).tables);
    const differing = Object.keys(a).filter((k) => a[k] !== b[k]);
    expect(differing).toContain('daily.close');
    expect(differing).toContain('fina.np_parent_ytd');
    expect(differing).toContain('stocks.ts_code');
    // The calendar does not depend on the seed.
    expect(a['calendar.trade_date']).toBe(b['calendar.trade_date']);
  });

  it('does not use Math.random', () => {
    const original = Math.random;
    Math.random = () => {
      throw new Error('Math.random called');
    };
    try {
      expect(() => generateMarket({ seed: 1, stocks: 60, years: 0.5, funds: 2 })).not.toThrow();
    } finally {
      Math.random = original;
    }
  });
});

describe('options', () => {
  it('has documented defaults', () => {
    expect(resolveMarketOptions()).toEqual(DEFAULT_MARKET_OPTIONS);
    expect(DEFAULT_MARKET_OPTIONS).toMatchObject({ seed: 1, stocks: 3000, years: 10, start: '2014-01-02' });
  });

  it('reports every invalid option at once, with paths and the offending values', () => {
    let caught: unknown;
    try {
      // @ts-expect-error: an unknown option on purpose
      generateMarket({ seed: 1.5, stocks: 10, years: 0, start: '2014-13-01', listedAtStart: 0, funds: -1, colour: 'red' });
    } catch (error) {
      caught = error;
    }
    expect(isFactorkitError(caught)).toBe(true);
    const error = caught as Error & { code: string; issues: { path: string }[] };
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.issues.map((i) => i.path).sort()).toEqual(['colour', 'funds', 'listedAtStart', 'seed', 'start', 'stocks', 'years']);
    expect(error.message).toContain('`10`');
    expect(error.message).toContain('"2014-13-01"');
  });

  it('honours start and years', () => {
    const { truth } = generateMarket({ seed: 2, stocks: 80, years: 1, start: '2019-03-01', funds: 0 });
    expect(truth.dates[0]).toBe(20190301);
    expect(truth.dates[truth.dates.length - 1]!).toBeLessThan(20200301);
    expect(truth.dates[truth.dates.length - 1]!).toBeGreaterThan(20200220);
  });
});
