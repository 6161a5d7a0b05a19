import { describe, expect, it } from 'vitest';
import { biasStatistic } from '../src/index.js';
import { normals } from './helpers.js';

describe('biasStatistic', () => {
  it('hand values: std of r/σ̂, rolling windows, non-finite and zero forecasts left out', () => {
    const b = biasStatistic([1, -2, Number.NaN, 6, 7, -4], [1, 1, 1, 2, 0, 1], { window: 2 });
    // z = 1, −2, 3, −4: mean −0.5, Σ(z − z̄)² = 29, sample std √(29/3).
    expect(b.count).toBe(4);
    expect(Array.from(b.z)).toEqual([1, -2, 3, -4]);
    expect(b.bias).toBeCloseTo(Math.sqrt(29 / 3), 14);
    // Pairs: std of two values = |difference| / √2.
    [3, 5, 7].forEach((d, i) => expect(b.rolling[i]).toBeCloseTo(d / Math.SQRT2, 14));
    expect(b.rolling.length).toBe(3);
    expect(b.rollingMean).toBeCloseTo(5 / Math.SQRT2, 14);
    expect(b.rollingMin).toBeCloseTo(3 / Math.SQRT2, 14);
    // Kurtosis here is 1.48 (< 1.5): the floor (κ − 1 ≥ 0.5) gives se = √(0.5 / 16).
    expect(b.standardError).toBeCloseTo(Math.sqrt(0.5 / 16), 14);
  });

  it('a calibrated forecast has bias ≈ 1, and the standard error matches the spread of the bias across samples', () => {
    const z = normals(42);
    const biases: number[] = [];
    const ses: number[] = [];
    for (let rep = 0; rep < 400; rep++) {
      const sigma = Array.from({ length: 60 }, (_, i) => 0.01 * (1 + (i % 7)));
      const r = sigma.map((s) => s * z());
      const b = biasStatistic(r, sigma, { window: 20 });
      biases.push(b.bias);
      ses.push(b.standardError);
    }
    const mean = biases.reduce((x, y) => x + y) / biases.length;
    const sd = Math.sqrt(biases.reduce((x, y) => x + (y - mean) ** 2, 0) / (biases.length - 1));
    const se = ses.reduce((x, y) => x + y) / ses.length;
    expect(mean).toBeGreaterThan(0.97);
    expect(mean).toBeLessThan(1.01);
    // 1/√(2·60) = 0.091 for normal z.
    expect(sd).toBeGreaterThan(0.075);
    expect(sd).toBeLessThan(0.105);
    expect(se / sd).toBeGreaterThan(0.8);
    expect(se / sd).toBeLessThan(1.25);
  });

  it('rejects mismatched lengths and bad windows', () => {
    expect(() => biasStatistic([1, 2], [1])).toThrow(/realised has 2 values, predicted 1/);
    expect(() => biasStatistic([1, 2], [1, 1], { window: 1 })).toThrow(/window/);
  });
});
