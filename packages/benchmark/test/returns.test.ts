import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEPOSIT_RATE,
  type BenchmarkReturnsInput,
  benchmarkReturns,
  compoundReturn,
  cumulativeIndex,
  parseBenchmark,
} from '../src/index.js';
import { thrown } from './helpers.js';

/**
 * Three days: Friday 2024-01-05, Monday 2024-01-08 (3 calendar days later), Tuesday 2024-01-09.
 * A: 100 → 102 (+2%) → 100.98 (−1%); B: 50 → 49 (−2%) → 49.49 (+1%).
 */
const DATES = ['2024-01-05', '2024-01-08', '2024-01-09'];
const LEVELS: Record<string, number[]> = { '000300.SH': [100, 102, 100.98], '000905.SH': [50, 49, 49.49] };
const level = (code: string): number[] | undefined => LEVELS[code];
const input: BenchmarkReturnsInput = { dates: DATES, level };

describe('benchmarkReturns', () => {
  it('is the daily rebalanced sum of weighted index returns and the deposit accrual (by hand)', () => {
    const { returns, missingDays, missing, codes } = benchmarkReturns(parseBenchmark('60% 000300.SH + 35% 000905.SH + 5% deposit'), input);
    expect(returns[0]).toBeNaN();
    // Day 1: 0.6 × 2% + 0.35 × (−2%) + 0.05 × 0.35% × 3 / 365 = 0.005 + 0.000525 / 365.
    expect(returns[1]).toBeCloseTo(0.005001438356164384, 16);
    // Day 2: 0.6 × (−1%) + 0.35 × 1% + 0.05 × 0.35% × 1 / 365 = −0.0025 + 0.000175 / 365.
    expect(returns[2]).toBeCloseTo(-0.0024995205479452056, 16);
    expect(missingDays).toBe(0);
    expect(missing).toEqual({});
    expect(codes).toEqual(['000300.SH', '000905.SH']);
    expect(DEFAULT_DEPOSIT_RATE).toBe(0.0035);
  });

  it('chains the returns geometrically', () => {
    const { returns } = benchmarkReturns(parseBenchmark('60% 000300.SH + 35% 000905.SH + 5% deposit'), input);
    const index = cumulativeIndex(returns);
    expect(index[0]).toBe(1);
    expect(index[1]).toBeCloseTo(1.0050014383561643, 15);
    expect(index[2]).toBeCloseTo(1.0024894166102787, 15);
    expect(cumulativeIndex(returns, { base: 1000 })[2]).toBeCloseTo(1002.4894166102787, 12);
    expect(compoundReturn(returns, 0, 2)).toBeCloseTo(0.002489416610278664, 15);
    expect(compoundReturn(returns, 1, 2)).toBeCloseTo(-0.0024995205479452056, 16);
    expect(compoundReturn(returns, 2, 2)).toBe(0);
    for (const [from, to] of [[-1, 1], [2, 1], [0, 3], [0.5, 1]] as const) {
      expect(thrown(() => compoundReturn(returns, from, to)).code).toBe('FK_INVALID_ARGUMENT');
    }
    expect(cumulativeIndex(new Float64Array(0))).toHaveLength(0);
  });

  it('a single index at 100% telescopes to the ratio of closes', () => {
    const { returns } = benchmarkReturns(parseBenchmark('000300.SH'), input);
    expect(returns[1]).toBeCloseTo(0.02, 16);
    expect(returns[2]).toBeCloseTo(-0.01, 16);
    expect(compoundReturn(returns, 0, 2)).toBeCloseTo(100.98 / 100 - 1, 15);
  });

  it('accrues constants and deposit by calendar days over the basis; takes a rate per date', () => {
    const constant = benchmarkReturns(parseBenchmark('95% 000300.SH + 1.5% p.a.'), input).returns;
    expect(constant[1]).toBeCloseTo(0.019123287671232878, 16); // 0.95 × 2% + 1.5% × 3/365
    expect(constant[2]).toBeCloseTo(-0.009458904109589042, 16); // 0.95 × (−1%) + 1.5% / 365
    const deposit = parseBenchmark('100% deposit');
    expect(benchmarkReturns(deposit, { ...input, dayBasis: 360 }).returns[1]).toBeCloseTo(0.0035 * 3 / 360, 18);
    const series = benchmarkReturns(deposit, { ...input, depositRate: [Number.NaN, 0.01, Number.NaN] });
    expect(series.returns[1]).toBeCloseTo(0.01 * 3 / 365, 18);
    expect(series.returns[2]).toBeNaN();
    expect(series.missingDays).toBe(1);
    expect(series.missing).toEqual({ deposit: 1 });
    expect(benchmarkReturns(deposit, { ...input, depositRate: 0.003 }).returns[2]).toBeCloseTo(0.003 / 365, 18);
    // A benchmark without indices never asks for levels.
    expect(benchmarkReturns(deposit, { dates: DATES, level: () => undefined }).returns[1]).toBeCloseTo(0.0035 * 3 / 365, 18);
  });

  it('a missing level spoils the returns into and out of its day, counted per series', () => {
    const levels: Record<string, number[]> = { '000300.SH': [100, 102, 100.98, 101, 102], '000905.SH': [50, Number.NaN, 49.49, 0, 50] };
    const dates = [...DATES, '2024-01-10', '2024-01-11'];
    const { returns, missingDays, missing } = benchmarkReturns(parseBenchmark('50% 000300.SH + 50% 000905.SH'), {
      dates,
      level: (code) => levels[code],
    });
    expect([...returns].map(Number.isNaN)).toEqual([true, true, true, true, true]);
    expect(missingDays).toBe(4);
    expect(missing).toEqual({ '000905.SH': 4 });
    const partial = benchmarkReturns(parseBenchmark('000300.SH'), { dates, level: (code) => levels[code] });
    expect(partial.missingDays).toBe(0);
    expect(partial.returns[4]).toBeCloseTo(102 / 101 - 1, 16);
  });

  it('names an unknown code, a series without code, and the benchmark text', () => {
    const unknown = thrown(() => benchmarkReturns(parseBenchmark('90% 000300.SH + 10% HSI'), input));
    expect(unknown.code).toBe('FK_MISSING_INPUT');
    expect(unknown.message).toBe('benchmark `90% 000300.SH + 10% HSI`: no levels for the series `HSI`');
    expect(unknown.details).toEqual({ text: '90% 000300.SH + 10% HSI', code: 'HSI' });
    const unnamed = thrown(() => benchmarkReturns(parseBenchmark('沪深300指数收益率*80%+中债综合指数收益率*20%'), input));
    expect(unnamed.code).toBe('FK_MISSING_INPUT');
    expect(unnamed.message).toContain('`"中债综合指数"` has no code');
    expect(unnamed.message).toContain('沪深300指数收益率*80%+中债综合指数收益率*20%');
  });

  it('refuses bad inputs', () => {
    const b = parseBenchmark('000300.SH');
    expect(thrown(() => benchmarkReturns(b, { dates: DATES, level: () => [1, 2] })).code).toBe('FK_INVALID_DATA');
    expect(thrown(() => benchmarkReturns(b, { dates: ['2024-01-05', '2024-01-05', '2024-01-09'], level })).message).toContain('dates[1]');
    expect(thrown(() => benchmarkReturns(b, { dates: ['2024-01-05', '20240108', '2024-01-09'], level })).message).toContain('dates[1]');
    expect(thrown(() => benchmarkReturns(b, { ...input, depositRate: Number.NaN })).code).toBe('FK_INVALID_ARGUMENT');
    expect(thrown(() => benchmarkReturns(b, { ...input, depositRate: [0.1] })).code).toBe('FK_INVALID_ARGUMENT');
    expect(thrown(() => benchmarkReturns(b, { ...input, dayBasis: 0 })).code).toBe('FK_INVALID_ARGUMENT');
  });

  it('handles no dates and one date', () => {
    const b = parseBenchmark('000300.SH');
    expect(benchmarkReturns(b, { dates: [], level: () => [] }).returns).toHaveLength(0);
    const one = benchmarkReturns(b, { dates: ['2024-01-05'], level: () => [100] });
    expect(one.returns[0]).toBeNaN();
    expect(one.missingDays).toBe(0);
  });
});
