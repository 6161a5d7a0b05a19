import { describe, expect, it } from 'vitest';
import { catchError, rankCorrelation } from '../src/index.js';

describe('rankCorrelation', () => {
  it('is 1 for any increasing relation and −1 for any decreasing one', () => {
    const x = [3, -1, 7, 0.5, 12];
    expect(rankCorrelation(x, x.map((v) => Math.exp(v)))).toBeCloseTo(1, 15);
    expect(rankCorrelation(x, x.map((v) => -(v ** 3)))).toBeCloseTo(-1, 15);
  });

  it('gives ties their average rank (worked by hand)', () => {
    // ranks x: 0, 1.5, 1.5, 3; ranks y: 0, 2, 1, 3 → Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5.
    expect(rankCorrelation([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 15);
  });

  it('uses only the pairs where both values are finite', () => {
    expect(rankCorrelation([1, Number.NaN, 2, 3, Number.POSITIVE_INFINITY], [5, 1, 6, 7, -3])).toBeCloseTo(1, 15);
  });

  it('is NaN with fewer than two pairs or no spread, and rejects arrays of different lengths', () => {
    expect(rankCorrelation([1], [2])).toBeNaN();
    expect(rankCorrelation([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => rankCorrelation([1, 2], [1])).toThrow(/rankCorrelation: x has 2 values, y has 1/);
  });
});

describe('catchError', () => {
  it('returns what the function throws', () => {
    const thrown = new RangeError('boom');
    expect(catchError(() => {
      throw thrown;
    })).toBe(thrown);
  });

  it('fails when the function returns', () => {
    expect(() => catchError(() => 1)).toThrow(/expected the function to throw, but it returned/);
  });
});
