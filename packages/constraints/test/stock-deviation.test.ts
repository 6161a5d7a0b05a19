import { describe, expect, it } from 'vitest';
import { longOnly, stockDeviation } from '../src/index.js';
import { arr, buildProblem, expectClose, residual, smallContext, thrown } from './helpers.js';

const ctx = smallContext(); // b = [0.30, 0.25, 0.20, 0.15, 0.10, 0]

describe('stockDeviation', () => {
  it('absolute ±1% (default): bounds [max(0, b − 1%), b + 1%]; the non-member F in [0, 1%]', () => {
    const problem = buildProblem(ctx, [stockDeviation.with()]);
    expect(problem.A.rows).toBe(0);
    expectClose(problem.lower, [0.29, 0.24, 0.19, 0.14, 0.09, 0]);
    expectClose(problem.upper, [0.31, 0.26, 0.21, 0.16, 0.11, 0.01]);
    expect(arr(problem.lowerOwner)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(arr(problem.upperOwner)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('absolute 0.5% with non-members excluded', () => {
    const problem = buildProblem(ctx, [stockDeviation.with({ limit: 0.005, nonMembers: 'zero' })]);
    expectClose(problem.lower, [0.295, 0.245, 0.195, 0.145, 0.095, 0]);
    expectClose(problem.upper, [0.305, 0.255, 0.205, 0.155, 0.105, 0]);
  });

  it('relative: |w − b| ≤ r·b, non-members capped by nonMemberMax', () => {
    const problem = buildProblem(ctx, [stockDeviation.with({ mode: 'relative', limit: 0.5, nonMemberMax: 0.02 })]);
    expectClose(problem.lower, [0.15, 0.125, 0.1, 0.075, 0.05, 0]);
    expectClose(problem.upper, [0.45, 0.375, 0.3, 0.225, 0.15, 0.02]);
  });

  it('relative r > 1 keeps the lower bound at 0 when long only, goes negative otherwise', () => {
    const long = buildProblem(ctx, [stockDeviation.with({ mode: 'relative', limit: 1.5 })]);
    expectClose(long.lower, [0, 0, 0, 0, 0, 0]);
    expectClose(long.upper, [0.75, 0.625, 0.5, 0.375, 0.25, 0.01]);
    const free = buildProblem(ctx, [stockDeviation.with({ mode: 'relative', limit: 1.5, longOnly: false })]);
    expectClose(free.lower, [-0.15, -0.125, -0.1, -0.075, -0.05, -0.01]);
  });

  it('without longOnly, a 20% absolute band goes below zero', () => {
    const problem = buildProblem(ctx, [stockDeviation.with({ limit: 0.2, longOnly: false })]);
    expectClose(problem.lower, [0.1, 0.05, 0, -0.05, -0.1, -0.01]);
  });

  it('intersects with other groups: the tighter bound keeps its owner', () => {
    const problem = buildProblem(ctx, [longOnly.with(), stockDeviation.with({ limit: 0.2, longOnly: false })]);
    expectClose(problem.lower, [0.1, 0.05, 0, 0, 0, 0]);
    // A, B raised by stock-deviation (group 1); C ties at 0 and stays with long-only (group 0).
    expect(arr(problem.lowerOwner)).toEqual([1, 1, 0, 0, 0, 0]);
  });

  it('residuals: w = b is feasible; A at 32% is 1% over, reported at variable 0', () => {
    const problem = buildProblem(ctx, [stockDeviation.with()]);
    expect(residual(problem, ctx.benchmark, 'stock-deviation').maxViolation).toBe(0);
    expect(residual(problem, [0.31, 0.24, 0.2, 0.15, 0.09, 0.01], 'stock-deviation').maxViolation).toBeLessThan(1e-15);
    const over = residual(problem, [0.32, 0.23, 0.2, 0.15, 0.1, 0], 'stock-deviation');
    expect(over.maxViolation).toBeCloseTo(0.01, 15);
    expect(over.worst).toBe('bound on variable 0');
    const nonMember = residual(buildProblem(ctx, [stockDeviation.with({ nonMembers: 'zero' })]), [0.3, 0.25, 0.2, 0.15, 0.095, 0.005], 'stock-deviation');
    expect(nonMember.maxViolation).toBeCloseTo(0.005, 15);
    expect(nonMember.worst).toBe('bound on variable 5');
  });

  it('validates its parameters, all at once', () => {
    const error = thrown(() => stockDeviation.with({ mode: 'percent' as never, limit: -0.01, nonMemberMax: 2 }));
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.message).toContain('params.mode: expected one of `absolute`, `relative`, got `"percent"`');
    expect(error.message).toContain('params.limit: expected a number ≥ 0, got `-0.01`');
    expect(error.message).toContain('params.nonMemberMax: expected a number ≥ 0 and ≤ 1, got `2`');
  });

  it('rejects malformed benchmark weights, naming the asset', () => {
    const bad = smallContext({ benchmark: Float64Array.from([0.3, Number.NaN, 0.2, 0.15, 0.1, 0.25]) });
    const error = thrown(() => buildProblem(bad, [stockDeviation.with()]));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe('constraint `stock-deviation`: benchmark weights must be finite and ≥ 0; 1 entry is not (`B` = NaN)');
    const short = smallContext({ benchmark: Float64Array.from([0.5, 0.5]) });
    expect(thrown(() => buildProblem(short, [stockDeviation.with()])).message).toBe(
      'constraint `stock-deviation`: benchmark weights has 2 entries, expected one per asset (6)',
    );
  });
});
