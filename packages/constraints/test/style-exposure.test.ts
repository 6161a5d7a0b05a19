import { describe, expect, it } from 'vitest';
import { styleExposure } from '../src/index.js';
import { buildProblem, residual, rowsOf, smallContext, thrown } from './helpers.js';

const ctx = smallContext();
// size x = [1.5, 1.0, 0.2, −0.5, −1.0, −2.0], b = [0.3, 0.25, 0.2, 0.15, 0.1, 0]
// bᵀx(size) = 0.45 + 0.25 + 0.04 − 0.075 − 0.1 = 0.565 (by hand)
// beta x = [1.1, 0.9, 1.3, 1.0, 0.7, NaN]; with F filled 0: bᵀx = 0.33 + 0.225 + 0.26 + 0.15 + 0.07 = 1.035
const SIZE_B = 0.565;
const BETA_B = 1.035;

describe('styleExposure', () => {
  it('size-neutral: one row xᵀw = bᵀx labelled `style:size`', () => {
    const rows = rowsOf(buildProblem(ctx, [styleExposure.with({ styles: ['size'] })]));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.index).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rows[0]!.value).toEqual([1.5, 1.0, 0.2, -0.5, -1.0, -2.0]);
    expect(rows[0]!.label).toBe('style:size');
    expect(rows[0]!.lower).toBeCloseTo(SIZE_B, 14);
    expect(rows[0]!.upper).toBeCloseTo(SIZE_B, 14);
  });

  it('per-style bands and asymmetric limits, in exposure units', () => {
    const rows = rowsOf(
      buildProblem(ctx, [
        styleExposure.with({ styles: ['size', 'beta'], band: 0.05, bands: { beta: 0.1 }, missing: 'zero' }),
      ]),
    );
    expect(rows.map((r) => r.label)).toEqual(['style:size', 'style:beta']);
    expect(rows[0]!.lower).toBeCloseTo(SIZE_B - 0.05, 14);
    expect(rows[0]!.upper).toBeCloseTo(SIZE_B + 0.05, 14);
    // F's missing beta is filled with 0: no coefficient for it.
    expect(rows[1]!.index).toEqual([0, 1, 2, 3, 4]);
    expect(rows[1]!.value).toEqual([1.1, 0.9, 1.3, 1.0, 0.7]);
    expect(rows[1]!.lower).toBeCloseTo(BETA_B - 0.1, 14);
    expect(rows[1]!.upper).toBeCloseTo(BETA_B + 0.1, 14);

    const limited = rowsOf(buildProblem(ctx, [styleExposure.with({ styles: ['size'], band: 0.3, limits: { size: { lower: -0.2, upper: 0 } } })]));
    expect(limited[0]!.lower).toBeCloseTo(SIZE_B - 0.2, 14);
    expect(limited[0]!.upper).toBeCloseTo(SIZE_B, 14);
  });

  it('residuals: zero active size exposure is feasible; +1% A / −1% E is 0.025 over at `style:size`', () => {
    const problem = buildProblem(ctx, [styleExposure.with({ styles: ['size'] })]);
    expect(residual(problem, ctx.benchmark, 'style-exposure').maxViolation).toBeLessThan(1e-15);
    // +1% A (1.5) and −1.5% B (1.0): active exposure 0.015 − 0.015 = 0.
    expect(residual(problem, [0.31, 0.235, 0.2, 0.15, 0.1, 0], 'style-exposure').maxViolation).toBeLessThan(1e-12);
    // active exposure 0.01·1.5 − 0.01·(−1.0) = 0.025
    const tilted = residual(problem, [0.31, 0.25, 0.2, 0.15, 0.09, 0], 'style-exposure');
    expect(tilted.maxViolation).toBeCloseTo(0.025, 14);
    expect(tilted.worst).toBe('style:size');
  });

  it('missing (NaN) exposures are an error by default, naming the style and the assets', () => {
    const error = thrown(() => buildProblem(ctx, [styleExposure.with({ styles: ['size', 'beta'] })]));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe(
      "constraint `style-exposure`: exposure `beta` is missing (NaN) for 1 asset (`F`); fill it upstream or set `missing: 'zero'`",
    );
  });

  it('an unknown exposure names the ones the context has', () => {
    const error = thrown(() => buildProblem(ctx, [styleExposure.with({ styles: ['momentum'] })]));
    expect(error.code).toBe('FK_MISSING_INPUT');
    expect(error.message).toBe('constraint `style-exposure` needs exposure `momentum`; the context has `size`, `beta`');
  });

  it('rejects infinite exposures and exposures of the wrong length', () => {
    const inf = smallContext({ exposures: { size: Float64Array.from([1, 1, 1, Infinity, 1, 1]) } });
    expect(thrown(() => buildProblem(inf, [styleExposure.with({ styles: ['size'] })])).message).toBe(
      'constraint `style-exposure`: exposure `size` of `D` is Infinity',
    );
    const short = smallContext({ exposures: { size: Float64Array.from([1, 1]) } });
    expect(thrown(() => buildProblem(short, [styleExposure.with({ styles: ['size'] })])).message).toBe(
      'constraint `style-exposure`: exposure `size` has 2 entries, expected one per asset (6)',
    );
  });

  it('validates its parameters with dot-paths', () => {
    expect(thrown(() => styleExposure.with()).message).toContain('params.styles: is required');
    expect(thrown(() => styleExposure.with({ styles: [] })).message).toContain('params.styles: expected at least 1 items, got 0');
    const error = thrown(() =>
      styleExposure.with({ styles: ['size', 'size'], bands: { beta: 0.1 }, limits: { size: { lower: 0.1, upper: -0.1 } } }),
    );
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.message).toContain('params.styles[1]: style `size` is listed twice');
    expect(error.message).toContain('params.bands.beta: `beta` is not in `styles`');
    expect(error.message).toContain('params.limits.size: lower 0.1 is greater than upper -0.1');
    expect(thrown(() => styleExposure.with({ styles: ['size'], bands: { size: -1 } })).message).toContain('params.bands.size: expected a number ≥ 0');
    expect(thrown(() => styleExposure.with({ styles: ['size'], limits: { size: { lower: 0 } as never } })).message).toContain(
      'params.limits.size.upper: is required',
    );
  });
});
